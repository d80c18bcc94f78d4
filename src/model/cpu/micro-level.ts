/**
 * The micro level inside a replication (./micro-host.ts runs it): every burst of every vCPU and
 * host thread of a host, for
 * - `micro` resolution: every host for the whole run, on the demand the step loop produced; its
 *   ready shares are what the replication records, and the kernel's answer on the same demand is
 *   kept for the cross-check;
 * - `fleet` resolution: a few windows at random (host, interval) pairs, plus the heartbeat hosts
 *   at the heartbeats' sample intervals; they give per-wake-up scheduling delays and a running
 *   cross-check of the kernel, whose answer for those intervals is captured as the step loop runs.
 * Host threads run in the micro model as 1-vCPU pseudo-VMs of a group that wakes briefly and often.
 * Pinned slots (a pinned VM's vCPUs and path threads, ../fleet-layout.ts) own dedicated cores: the
 * simulation runs the rest of the host on the pCPUs left, and a pinned slot runs its demand.
 */
import type { ReplicationContext } from '../fleet-state.js';
import type { PlacedVm } from '../placement.js';
import type { VmGroup } from '../scenario.js';
import type { ThreadRecorder } from '../latency/threads.js';
import { resolveScheduler } from './scheduler.js';
import { autoWarmupSeconds, runHostMicro } from './micro-host.js';
import { fleetScratch, solveHostInterval, type FleetSplit } from './fleet.js';
import type { CpuRecorder } from './recorder.js';

/** The CPU shape of host threads in micro-level runs (ksmd wakes briefly every few ms). */
const HOST_THREAD_GROUP: VmGroup['workload']['cpu'] = {
  utilPct: 0,
  burstMs: 1,
  burstDistribution: 'exponential',
  burstCv: 1,
  gapDistribution: 'exponential',
  gapCv: 1,
  profile: Array.from({ length: 24 }, () => 1),
  vmCv: 0,
  noiseCv: 0,
};

/** Wake-ups of watched threads, for the heartbeats (the latency paths implement it). */
export interface WakeWatcher {
  /** Whether host h has threads whose wake-ups are needed. */
  watches(h: number): boolean;
  /** Fleet resolution: further intervals at which the watched hosts are micro-simulated. */
  heartbeatSteps(): number[];
  /** A wake-up on host h of host-local slot `local`; `k` is the interval a window represents, or −1 in a whole-run simulation. */
  onWake(h: number, local: number, delaySeconds: number, measuredSeconds: number, k: number, stepSeconds: number): void;
}

interface Captured {
  rows: Float64Array;
  ready: Float64Array;
  weight: Int32Array;
}

export class MicroLevel {
  private readonly ctx: ReplicationContext;
  private readonly method: 'micro' | 'fleet';
  private readonly split: FleetSplit;
  private readonly watcher: WakeWatcher | undefined;
  /** Fleet resolution: per host, the intervals its windows sample, and the kernel's inputs and answer there. */
  private readonly windowSteps: number[][];
  private readonly captured: Captured[][];
  /** Micro resolution: per host, the demand rows and weights of every interval. */
  private readonly microRows: Float64Array[];
  private readonly microWeights: Int32Array[];

  constructor(ctx: ReplicationContext, method: 'micro' | 'fleet', split: FleetSplit, watcher: WakeWatcher | undefined) {
    this.ctx = ctx;
    this.method = method;
    this.split = split;
    this.watcher = watcher;
    const { placement, layout, steps } = ctx;
    this.windowSteps = method === 'fleet' ? this.chooseWindows() : placement.hosts.map(() => []);
    if (watcher && method === 'fleet') {
      // The heartbeat hosts are also micro-simulated at the heartbeats' sample intervals.
      const extra = watcher.heartbeatSteps();
      this.windowSteps = this.windowSteps.map((list, h) => (watcher.watches(h) ? [...new Set([...list, ...extra])].sort((a, b) => a - b) : list));
    }
    const hostSlots = (h: number): number => layout.hostTo[h]! - layout.hostFrom[h]!;
    this.captured = this.windowSteps.map((list, h) => list.map(() => ({ rows: new Float64Array(hostSlots(h)), ready: new Float64Array(hostSlots(h)), weight: new Int32Array(hostSlots(h)) })));
    this.microRows = method === 'micro' ? placement.hosts.map((_, h) => new Float64Array(steps * hostSlots(h))) : [];
    this.microWeights = method === 'micro' ? placement.hosts.map((_, h) => new Int32Array(steps * hostSlots(h))) : [];
  }

  /** Fleet resolution: keeps host h's kernel inputs and answer of interval k when a window samples it. */
  captureWindow(h: number, k: number, demand: Float64Array, ready: Float64Array, weight: Int32Array): void {
    const w = this.windowSteps[h]!.indexOf(k);
    if (w < 0) return;
    const { layout } = this.ctx;
    const from = layout.hostFrom[h]!;
    const to = layout.hostTo[h]!;
    const buffers = this.captured[h]![w]!;
    buffers.rows.set(demand.subarray(from, to));
    buffers.ready.set(ready.subarray(from, to));
    buffers.weight.set(weight.subarray(from, to));
  }

  /** Micro resolution: keeps every host's demand and weights of interval k. */
  captureStep(k: number, demand: Float64Array, weight: Int32Array): void {
    const { layout, placement } = this.ctx;
    for (let h = 0; h < placement.hosts.length; h++) {
      const from = layout.hostFrom[h]!;
      const to = layout.hostTo[h]!;
      const n = to - from;
      this.microRows[h]!.set(demand.subarray(from, to), k * n);
      this.microWeights[h]!.set(weight.subarray(from, to), k * n);
    }
  }

  /**
   * After the step loop: runs the micro level. Micro resolution records the ready shares into
   * `recorder` (with `ready`/`weight` as per-slot scratch); both resolutions record their
   * scheduling delays and the cross-check.
   */
  run(recorder: CpuRecorder, threads: ThreadRecorder, ready: Float64Array, weight: Int32Array): void {
    if (this.method === 'micro') this.runEverywhere(recorder, threads, ready, weight);
    else this.runWindows(recorder);
  }

  /**
   * For each host, the intervals its micro windows sample (fleet mode): `microWindows` distinct
   * (host, interval) pairs of the whole fleet's hosts that have VMs, drawn from one stream, so a
   * slice of the fleet gets the windows the whole fleet would give its hosts.
   */
  private chooseWindows(): number[][] {
    const { scenario, placement, steps, streams, slice } = this.ctx;
    const { microWindows } = scenario.cpuModel;
    const perHost: number[][] = placement.hosts.map(() => []);
    const busy = slice.fleet.hosts.map((h, i) => (h.vms.length > 0 ? i : -1)).filter((i) => i >= 0);
    const pairs = busy.length * steps;
    const wanted = Math.min(microWindows, pairs);
    if (wanted <= 0) return perHost;
    const local = new Map<number, number>();
    slice.hostInFleet.forEach((h, l) => local.set(h, l));
    const rng = streams.stream('fleet', 'micro-windows');
    const chosen = new Set<number>();
    while (chosen.size < wanted) chosen.add(Math.floor(rng() * pairs));
    for (const pair of [...chosen].sort((a, b) => a - b)) {
      const h = local.get(busy[Math.floor(pair / steps)]!);
      if (h !== undefined) perHost[h]!.push(pair % steps);
    }
    return perHost;
  }

  /** pCPUs of host h's shared pool: its pCPUs less those its pinned slots own. */
  private sharedPcpus(h: number): number {
    return this.ctx.placement.hosts[h]!.pcpus - this.ctx.layout.pinnedCores[h]!;
  }

  /**
   * Demand rows (`steps` rows of the host's slots) with the pinned slots' demand set to 0, so the
   * simulation leaves them out of the shared pool; the rows themselves when the host pins nothing.
   */
  private sharedRows(h: number, rows: Float64Array, steps: number): Float64Array {
    const { layout } = this.ctx;
    const from = layout.hostPinnedFrom[h]!;
    const to = layout.hostPinnedTo[h]!;
    if (from === to) return rows;
    const out = rows.slice();
    const n = layout.hostTo[h]! - layout.hostFrom[h]!;
    for (let i = from; i < to; i++) {
      const local = layout.pinnedSlots[i]! - layout.hostFrom[h]!;
      for (let k = 0; k < steps; k++) out[k * n + local] = 0;
    }
    return out;
  }

  /** The host's slots as VMs for the micro model: its VMs, then host threads as 1-vCPU pseudo-VMs. */
  private microVms(h: number): { vms: PlacedVm[]; groups: VmGroup[] } {
    const { layout, placement, scenario } = this.ctx;
    const threadGroup = { ...scenario.vms[0]!, name: 'host-thread', workload: { ...scenario.vms[0]!.workload, cpu: HOST_THREAD_GROUP } };
    const groups = [...scenario.vms, threadGroup];
    const vms: PlacedVm[] = [];
    for (let s = layout.hostFrom[h]!; s < layout.hostTo[h]!; s++) {
      const v = layout.vmOfSlot[s]!;
      if (v >= 0) vms.push(placement.vms[v]!);
      else vms.push({ name: `${placement.hosts[h]!.name}/thread-${s - layout.hostVmTo[h]!}`, group: groups.length - 1, index: s - layout.hostVmTo[h]!, host: h, vcpus: 1, memoryGiB: 0 });
    }
    return { vms, groups };
  }

  private runWindows(recorder: CpuRecorder): void {
    const { scenario, layout, placement, streams } = this.ctx;
    const watcher = this.watcher;
    const seconds = scenario.cpuModel.microWindowSeconds;
    let fleetWeighted = 0;
    let microWeighted = 0;
    let weight = 0;
    placement.hosts.forEach((_host, h) => {
      if (this.windowSteps[h]!.length === 0) return;
      const { vms, groups } = this.microVms(h);
      const vmCount = layout.hostVmTo[h]! - layout.hostFrom[h]!;
      const pcpus = this.sharedPcpus(h);
      this.windowSteps[h]!.forEach((k, w) => {
        const { ready: fleetReady, weight: weights } = this.captured[h]![w]!;
        const rows = this.sharedRows(h, this.captured[h]![w]!.rows, 1);
        const micro = runHostMicro({
          pcpus,
          scheduler: resolveScheduler(scenario.scheduler, pcpus),
          vms,
          groups,
          rows,
          steps: 1,
          stepSeconds: seconds,
          sampleSeconds: seconds,
          warmupSeconds: scenario.cpuModel.warmupSeconds ?? autoWarmupSeconds(vms, groups, (v) => rows[v]!),
          streams,
          purpose: `cpu-micro@${k}`,
          ...(watcher?.watches(h) && { onWakeDelay: (local: number, delay: number, at: number) => watcher.onWake(h, local, delay, at, k, seconds) }),
          onVmSample: (_s, readyShare) => {
            for (let v = 0; v < vmCount; v++) {
              const c = weights[v]!;
              fleetWeighted += c * fleetReady[v]!;
              microWeighted += c * readyShare[v]!;
              weight += c;
            }
          },
        });
        recorder.absorbMicro(micro, seconds);
      });
    });
    recorder.setAgreement(fleetWeighted, microWeighted, weight);
  }

  private runEverywhere(recorder: CpuRecorder, threads: ThreadRecorder, readyOut: Float64Array, weightOut: Int32Array): void {
    const { scenario, steps, layout, placement, streams } = this.ctx;
    const watcher = this.watcher;
    let fleetWeighted = 0;
    let microWeighted = 0;
    let total = 0;
    const scratch = fleetScratch();
    // Running shares by slot and 1 per VM with demand, for the UI action times (the simulation
    // hands shares by host position; its captured weights do not tell booting from running VMs).
    const runOut = new Float64Array(layout.slots);
    const uiCount = new Int32Array(layout.slots);
    placement.hosts.forEach((host, h) => {
      const from = layout.hostFrom[h]!;
      const to = layout.hostTo[h]!;
      const n = to - from;
      const vmCount = layout.hostVmTo[h]! - from;
      if (vmCount === 0) {
        for (let k = 0; k < steps; k++) recorder.recordHost(h, k, 0);
        return;
      }
      const allRows = this.microRows[h]!;
      // Pinned slots leave the shared pool: the simulation (and the kernel's cross-check) runs the
      // rest on the pCPUs left; each pinned slot runs its demand (`pinnedLocal`).
      const rows = this.sharedRows(h, allRows, steps);
      const pcpus = this.sharedPcpus(h);
      const pinnedLocal = Int32Array.from(layout.pinnedSlots.subarray(layout.hostPinnedFrom[h]!, layout.hostPinnedTo[h]!), (slot) => slot - from);
      const runAll = new Float64Array(n);
      const weights = this.microWeights[h]!;
      const { vms, groups } = this.microVms(h);
      // The kernel's answer on the same demand, for the cross-check.
      const kernelReady = new Float64Array(steps * n);
      const demand = new Float64Array(n);
      const ready = new Float64Array(n);
      const run = new Float64Array(n);
      const vcpus = layout.vcpus.subarray(from, to);
      for (let k = 0; k < steps; k++) {
        demand.set(rows.subarray(k * n, (k + 1) * n));
        solveHostInterval(0, n, vcpus, demand, pcpus, ready, run, scratch, this.split);
        kernelReady.set(ready, k * n);
      }
      const micro = runHostMicro({
        pcpus,
        scheduler: resolveScheduler(scenario.scheduler, pcpus),
        vms,
        groups,
        rows,
        steps,
        stepSeconds: scenario.stepSeconds,
        sampleSeconds: scenario.stepSeconds,
        warmupSeconds: scenario.cpuModel.warmupSeconds ?? autoWarmupSeconds(vms, groups, (v) => rows[v]!),
        streams,
        purpose: 'cpu-micro',
        ...(watcher?.watches(h) && { onWakeDelay: (local: number, delay: number, at: number) => watcher.onWake(h, local, delay, at, -1, scenario.stepSeconds) }),
        onVmSample: (k, readyShare, runShare) => {
          runAll.set(runShare.subarray(0, n));
          for (let i = 0; i < pinnedLocal.length; i++) runAll[pinnedLocal[i]!] = allRows[k * n + pinnedLocal[i]!]!;
          let busy = 0;
          for (let s = 0; s < n; s++) {
            readyOut[from + s] = readyShare[s]!;
            runOut[from + s] = runAll[s]!;
            weightOut[from + s] = weights[k * n + s]!;
            uiCount[from + s] = weights[k * n + s]! > 0 ? 1 : 0;
            busy += runAll[s]! * vms[s]!.vcpus;
          }
          recorder.recordHostVms(h, k, readyOut, weightOut);
          // The simulation runs every CPU as a full core (no SMT): speed 1.
          recorder.recordUiActions(h, readyOut, runOut, uiCount, 1, Number.POSITIVE_INFINITY, true, uiCount, 0);
          threads.record(from + vmCount, to, runAll, from);
          for (let s = 0; s < vmCount; s++) {
            const c = weights[k * n + s]!;
            fleetWeighted += c * kernelReady[k * n + s]!;
            microWeighted += c * readyShare[s]!;
            total += c;
          }
          recorder.recordHost(h, k, busy / host.pcpus);
        },
      });
      recorder.absorbMicro(micro, steps * scenario.stepSeconds);
    });
    recorder.setAgreement(fleetWeighted, microWeighted, total);
  }
}
