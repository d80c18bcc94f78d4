/**
 * What the CPU model records in one replication: the ready share of every running VM in every
 * interval (pooled and per VM group), each host's pCPU utilisation, per-host means and maxima,
 * fleet timelines, the micro level's scheduling delays, and how the micro level agreed with the
 * fleet kernel on the intervals both solved.
 */
import type { FleetLayout } from '../fleet-layout.js';
import { Histogram } from '../stats/histogram.js';
import { UI_CLASSES } from './fleet.js';
import { uiActionMs } from './ui-action.js';

export interface CpuReplication {
  method: 'micro' | 'fleet';
  /** Per-vCPU ready % of each running VM in each interval (weighted by vCPUs). */
  readyPct: Histogram;
  readyPctByGroup: Histogram[];
  /** pCPU utilisation % of each host in each interval. */
  hostUtilPct: Histogram;
  /** Wake-up to dispatch delay of every simulated wake-up, ms (micro-level runs only). */
  schedDelayMs: Histogram;
  /** Time one UI action takes (./ui-action.ts) in each running VM-interval, ms, one count per VM. */
  uiActionMs: Histogram;
  hostReadyPctMean: Float64Array;
  hostReadyPctMax: Float64Array;
  hostUtilPctMean: Float64Array;
  hostUtilPctMax: Float64Array;
  /** Per VM (placement order): mean per-vCPU ready % over the intervals it ran (0 if it never ran). */
  vmReadyPctMean: Float64Array;
  /**
   * Per interval, sums over hosts (mergeable across slices of the fleet; the summary divides):
   * Σ ready % × vCPUs and Σ vCPUs of running VMs, Σ host utilisation %, and the largest.
   */
  timeline: { readyPctWeighted: Float64Array; vcpus: Float64Array; hostUtilPctSum: Float64Array; hostUtilPctMax: Float64Array };
  /** Micro-level work done and its agreement with the fleet kernel on the same intervals. */
  micro: MicroSums;
}

/** Micro-level work and the vCPU-weighted sums of ready share (0..1) of the kernel and the micro level on the same VM-intervals. */
export interface MicroSums {
  windows: number;
  simulatedSeconds: number;
  bursts: number;
  events: number;
  fleetReadyWeighted: number;
  microReadyWeighted: number;
  weight: number;
}

/** Micro-level work of one run (./micro.ts result), as the recorder absorbs it. */
export interface MicroWork {
  bursts: number;
  events: number;
  schedDelayMs: Histogram;
}

export class CpuRecorder {
  readonly result: CpuReplication;
  private readonly layout: FleetLayout;
  private readonly steps: number;
  private readonly hostReadyWeighted: Float64Array;
  private readonly hostVcpuIntervals: Float64Array;
  private readonly hostUtilSum: Float64Array;
  /** Per slot: Σ ready % over the intervals the VM ran, and how many (counted by recordHostVms, or by the caller: `counted`). */
  private readonly slotReadySum: Float64Array;
  readonly intervalsRun: Float64Array;
  /** Per slot: CPU work of one UI action of the VM's group, ms (0 for host threads). */
  private readonly uiWorkMs: Float64Array | undefined;
  private readonly uiTimes: Float64Array;
  /** Per VM group: CPU work of one UI action, ms. */
  private readonly uiWorkMsByGroup: Float64Array;
  /** addByClass's running VMs of one group run per UI stretch class. */
  private readonly classCount = new Int32Array(UI_CLASSES);

  constructor(method: 'micro' | 'fleet', layout: FleetLayout, hosts: number, groups: number, steps: number, uiWorkMs?: Float64Array) {
    this.layout = layout;
    this.uiWorkMs = uiWorkMs;
    this.uiTimes = new Float64Array(uiWorkMs ? layout.slots : 0);
    this.uiWorkMsByGroup = new Float64Array(groups);
    if (uiWorkMs) for (let i = 0; i < layout.slots; i++) if (layout.groupOf[i]! >= 0) this.uiWorkMsByGroup[layout.groupOf[i]!] = uiWorkMs[i]!;
    this.steps = steps;
    this.result = {
      method,
      readyPct: new Histogram(),
      readyPctByGroup: Array.from({ length: groups }, () => new Histogram()),
      hostUtilPct: new Histogram(),
      schedDelayMs: new Histogram(),
      uiActionMs: new Histogram(),
      hostReadyPctMean: new Float64Array(hosts),
      hostReadyPctMax: new Float64Array(hosts),
      hostUtilPctMean: new Float64Array(hosts),
      hostUtilPctMax: new Float64Array(hosts),
      vmReadyPctMean: new Float64Array(layout.slotOfVm.length),
      timeline: { readyPctWeighted: new Float64Array(steps), vcpus: new Float64Array(steps), hostUtilPctSum: new Float64Array(steps), hostUtilPctMax: new Float64Array(steps) },
      micro: { windows: 0, simulatedSeconds: 0, bursts: 0, events: 0, fleetReadyWeighted: 0, microReadyWeighted: 0, weight: 0 },
    };
    this.hostReadyWeighted = new Float64Array(hosts);
    this.hostVcpuIntervals = new Float64Array(hosts);
    this.hostUtilSum = new Float64Array(hosts);
    this.slotReadySum = new Float64Array(layout.slots);
    this.intervalsRun = new Float64Array(layout.slots);
  }

  /**
   * Records the ready share (`ready`, per slot) of host h's VMs in interval k, weighted by `weight`
   * (vCPUs if running, else 0). `counted`: the caller has counted the interval in intervalsRun.
   */
  recordHostVms(h: number, k: number, ready: Float64Array, weight: Int32Array, counted = false): void {
    const { layout } = this;
    const from = layout.hostFrom[h]!;
    const to = layout.hostVmTo[h]!;
    const result = this.result;
    // The host's group runs cover from..to in order, so the pooled histogram gets its values in
    // the same order as one addScaled over the host would give them.
    const runs = layout.groupRuns;
    for (let r = layout.hostRunFrom[h]!; r < layout.hostRunTo[h]!; r++) {
      result.readyPct.addScaledToBoth(result.readyPctByGroup[runs[3 * r + 2]!]!, ready, weight, runs[3 * r]!, runs[3 * r + 1]!, 100);
    }
    let weighted = 0;
    let total = 0;
    let max = result.hostReadyPctMax[h]!;
    for (let i = from; i < to; i++) {
      const w = weight[i]!;
      if (w === 0) continue;
      const pct = ready[i]! * 100;
      weighted += pct * w;
      total += w;
      this.slotReadySum[i]! += pct;
      if (!counted) this.intervalsRun[i]!++;
      if (pct > max) max = pct;
    }
    result.hostReadyPctMax[h] = max;
    this.hostReadyWeighted[h]! += weighted;
    this.hostVcpuIntervals[h]! += total;
    result.timeline.readyPctWeighted[k]! += weighted;
    result.timeline.vcpus[k]! += total;
  }

  /**
   * recordHostVms for a host whose every ready share is 0 (FleetScratch.zeroReady), bit for bit:
   * each running VM adds 0 % with its vCPUs as weight, so a group run's histogram entries are one
   * count of its total weight `weightByRun[r]` (integers, exact) and the sums of ready % do not move
   * (x + 0 = x). The caller counts the intervals run (intervalsRun).
   */
  recordHostVmsAtZero(h: number, k: number, weightByRun: Int32Array): void {
    const { layout } = this;
    const result = this.result;
    const runs = layout.groupRuns;
    let total = 0;
    for (let r = layout.hostRunFrom[h]!; r < layout.hostRunTo[h]!; r++) {
      const w = weightByRun[r]!;
      if (w === 0) continue;
      result.readyPct.add(0, w);
      result.readyPctByGroup[runs[3 * r + 2]!]!.add(0, w);
      total += w;
    }
    // The host's largest ready % is at least 0 already (it starts at 0).
    this.hostVcpuIntervals[h]! += total;
    result.timeline.vcpus[k]! += total;
  }

  /**
   * Records the time of one UI action (./ui-action.ts) on each of host h's VMs with `running[i]`
   * 1 (running, not booting: a booting desktop has no user yet), from their ready and running
   * shares (per slot), the host's speed σ (work per busy thread, 1 without SMT) and the most a
   * vCPU can be stretched. On a host where nobody waited and σ = 1 (the common case) every action
   * takes exactly its group's work: `runningByGroup[offset + g]` (running VMs of host h in group g) counts
   * them with one call per group, so the fleet loop does no per-VM work there. Otherwise the times
   * go through a per-slot scratch array into one batched call (Histogram.addScaled), unless every
   * ready share of the host is 0 and `runningByRun` (running VMs per group run) is given, or the
   * fleet kernel's stretch classes are (`uiClass`, `classStretch`: one time per class, addByClass).
   */
  recordUiActions(
    h: number,
    ready: Float64Array,
    run: Float64Array,
    running: Int32Array,
    speed: number,
    maxStretch: number,
    waited: boolean,
    runningByGroup: Int32Array,
    offset: number,
    runningByRun?: Int32Array,
    uiClass?: Uint8Array,
    classStretch?: Float64Array,
  ): void {
    const work = this.uiWorkMs;
    if (!work) return;
    const histogram = this.result.uiActionMs;
    if (!waited && speed === 1) {
      const byGroup = this.uiWorkMsByGroup;
      for (let g = 0; g < byGroup.length; g++) {
        const count = runningByGroup[offset + g]!;
        if (count > 0) histogram.add(byGroup[g]!, count);
      }
      return;
    }
    if (runningByRun && maxStretch >= 1) {
      // Every ready share is 0 (FleetScratch.zeroReady): each running VM's stretch is run/run = 1
      // (1 with no run), within maxStretch, so its action takes its group's work / σ (uiActionMs); a group run's entries are that
      // value once per running VM, in slot order, as the per-VM batch below would add them.
      const runs = this.layout.groupRuns;
      const byGroup = this.uiWorkMsByGroup;
      const divisor = speed > 0 ? speed : 1;
      for (let r = this.layout.hostRunFrom[h]!; r < this.layout.hostRunTo[h]!; r++) {
        const count = runningByRun[r]!;
        if (count > 0) histogram.addRepeated(byGroup[runs[3 * r + 2]!]! / divisor, count);
      }
      return;
    }
    if (uiClass && classStretch) {
      this.addByClass(h, work, uiClass, classStretch, running, speed, maxStretch);
      return;
    }
    const from = this.layout.hostFrom[h]!;
    const to = this.layout.hostVmTo[h]!;
    const times = this.uiTimes;
    for (let i = from; i < to; i++) times[i] = running[i]! === 0 ? 0 : uiActionMs(work[i]!, ready[i]!, run[i]!, speed, maxStretch);
    histogram.addScaled(times, running, from, to, 1);
  }

  /**
   * recordUiActions' contended path for shares the fleet kernel solved, from each VM's UI stretch
   * class (FleetScratch.uiClass and classStretch, ./fleet.ts) rather than its shares: the VMs of one
   * split set (a CFS bin, a FIFO host) share one stretch, (ready + run)/run to 1e-12
   * (test/model/fleet.test.ts), so a group run's running VMs fall into a few classes of equal
   * action time, each added once with its count. The histogram's sum is then added per class, so
   * its last bits differ from adding VM by VM. Timing each VM was 22–27 ns of the fleet bench's
   * ~212 per VM-interval (docs/scale.md).
   */
  private addByClass(h: number, work: Float64Array, uiClass: Uint8Array, classStretch: Float64Array, running: Int32Array, speed: number, maxStretch: number): void {
    const histogram = this.result.uiActionMs;
    const divisor = speed > 0 ? speed : 1;
    const runs = this.layout.groupRuns;
    const counts = this.classCount;
    for (let r = this.layout.hostRunFrom[h]!; r < this.layout.hostRunTo[h]!; r++) {
      const from = runs[3 * r]!;
      const to = runs[3 * r + 1]!;
      counts.fill(0);
      for (let i = from; i < to; i++) counts[uiClass[i]!]! += running[i]!;
      // Every slot of a group run belongs to one group: one UI action's work.
      const workMs = work[from]!;
      for (let c = 0; c < counts.length; c++) {
        const n = counts[c]!;
        if (n === 0) continue;
        const s = classStretch[c]!;
        histogram.add((workMs * (s < maxStretch ? s : maxStretch)) / divisor, n);
      }
    }
  }

  /** Records host h's pCPU utilisation (0..1) in interval k. */
  recordHost(h: number, k: number, util: number): void {
    const r = this.result;
    const pct = util * 100;
    r.hostUtilPct.add(pct);
    this.hostUtilSum[h]! += pct;
    if (pct > r.hostUtilPctMax[h]!) r.hostUtilPctMax[h] = pct;
    r.timeline.hostUtilPctSum[k]! += pct;
    if (pct > r.timeline.hostUtilPctMax[k]!) r.timeline.hostUtilPctMax[k] = pct;
  }

  /** Adds one micro-level run of `seconds` simulated seconds. */
  absorbMicro(micro: MicroWork, seconds: number): void {
    const m = this.result.micro;
    m.windows++;
    m.simulatedSeconds += seconds;
    m.bursts += micro.bursts;
    m.events += micro.events;
    this.result.schedDelayMs.merge(micro.schedDelayMs);
  }

  /** The vCPU-weighted sums of ready share (0..1) of the kernel and the micro level on the same intervals. */
  setAgreement(fleetWeighted: number, microWeighted: number, weight: number): void {
    this.result.micro.fleetReadyWeighted = fleetWeighted;
    this.result.micro.microReadyWeighted = microWeighted;
    this.result.micro.weight = weight;
  }

  finish(): CpuReplication {
    const r = this.result;
    const hosts = r.hostReadyPctMean.length;
    for (let h = 0; h < hosts; h++) {
      const n = this.hostVcpuIntervals[h]!;
      r.hostReadyPctMean[h] = n > 0 ? this.hostReadyWeighted[h]! / n : 0;
      r.hostUtilPctMean[h] = this.hostUtilSum[h]! / this.steps;
    }
    const { slotOfVm } = this.layout;
    for (let v = 0; v < slotOfVm.length; v++) {
      const slot = slotOfVm[v]!;
      const n = this.intervalsRun[slot]!;
      r.vmReadyPctMean[v] = n > 0 ? this.slotReadySum[slot]! / n : 0;
    }
    return r;
  }
}
