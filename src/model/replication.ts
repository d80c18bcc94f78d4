/**
 * One Monte Carlo replication of a scenario: the fleet stepped through time, interval by interval.
 *
 * The run is a discrete-event simulation on the kernel (./engine/simulation.ts) whose backbone is
 * one STEP event per interval; each STEP draws every VM's demand for the interval and solves every
 * host. Models with their own timing (boots, OOM restarts) schedule events on the same kernel.
 *
 * CPU contention is computed at one of two resolutions (ModelScenario.cpuModel.resolution):
 * - fleet: the closed-form per-interval kernel for every host and interval (./cpu/fleet.ts), plus
 *   a few micro-level windows per host at randomly chosen intervals, which give the per-wake-up
 *   scheduling delays and a running cross-check of the kernel;
 * - micro: every burst of every vCPU for the whole run (./cpu/micro.ts).
 * `auto` takes micro when the expected number of bursts is within `microBudgetBursts`.
 */
import { Simulation } from './engine/simulation.js';
import { streamFactory, type StreamFactory } from './random/streams.js';
import { Histogram } from './stats/histogram.js';
import type { ModelScenario } from './scenario.js';
import type { Placement, PlacedVm } from './placement.js';
import { CpuDemandField, stepHour } from './workload/cpu-demand.js';
import { fleetScratch, solveHostInterval, type FleetSplit } from './cpu/fleet.js';
import { resolveScheduler } from './cpu/scheduler.js';
import { autoWarmupSeconds, runHostMicro } from './cpu/micro-host.js';

export interface CpuReplication {
  method: 'micro' | 'fleet';
  /** Per-vCPU ready % of each VM in each interval (weighted by vCPUs). */
  readyPct: Histogram;
  readyPctByGroup: Histogram[];
  /** pCPU utilisation % of each host in each interval. */
  hostUtilPct: Histogram;
  /** Wake-up to dispatch delay of every simulated wake-up, ms (micro-level runs only). */
  schedDelayMs: Histogram;
  hostReadyPctMean: Float64Array;
  hostReadyPctMax: Float64Array;
  hostUtilPctMean: Float64Array;
  hostUtilPctMax: Float64Array;
  timeline: { readyPctMean: Float64Array; hostUtilPctMean: Float64Array; hostUtilPctMax: Float64Array };
  /** Micro-level work done and its agreement with the fleet kernel on the same intervals. */
  micro: {
    windows: number;
    simulatedSeconds: number;
    bursts: number;
    events: number;
    /** vCPU-weighted mean ready % over the micro-simulated VM-intervals: kernel vs simulation. */
    fleetReadyPct: number;
    microReadyPct: number;
  };
}

export interface ReplicationResult {
  replication: number;
  steps: number;
  cpu: CpuReplication;
}

export function stepCount(scenario: ModelScenario): number {
  return Math.max(1, Math.round(scenario.durationSeconds / scenario.stepSeconds));
}

/** Expected bursts in one replication if every vCPU were simulated for the whole run. */
export function expectedBursts(scenario: ModelScenario, placement: Placement): number {
  let bursts = 0;
  for (const vm of placement.vms) {
    const cpu = scenario.vms[vm.group]!.workload.cpu;
    bursts += (vm.vcpus * scenario.durationSeconds * Math.min(1, cpu.utilPct / 100)) / (cpu.burstMs / 1000);
  }
  return bursts;
}

export function cpuMethod(scenario: ModelScenario, placement: Placement): 'micro' | 'fleet' {
  const r = scenario.cpuModel.resolution;
  if (r !== 'auto') return r;
  return expectedBursts(scenario, placement) <= scenario.cpuModel.microBudgetBursts ? 'micro' : 'fleet';
}

export function simulateReplication(scenario: ModelScenario, placement: Placement, replication: number): ReplicationResult {
  const run = new FleetRun(scenario, placement, replication);
  return { replication, steps: run.steps, cpu: run.execute() };
}

/** Placement data laid out per host so each host's VMs are a contiguous range. */
class FleetRun {
  readonly steps: number;
  private readonly scenario: ModelScenario;
  private readonly placement: Placement;
  private readonly streams: StreamFactory;
  private readonly method: 'micro' | 'fleet';
  /** How the fleet kernel divides waiting among VMs: follows the scheduler being modelled. */
  private readonly split: FleetSplit;
  /** VMs ordered by host; `order[i]` is the index into placement.vms. */
  private readonly order: Int32Array;
  private readonly hostFrom: Int32Array;
  private readonly hostTo: Int32Array;
  private readonly vcpus: Int32Array;
  private readonly groupOf: Int32Array;
  /** Runs of same-group VMs: (from, to, group) triples; host h owns runs hostRunFrom[h]..hostRunTo[h]−1. */
  private readonly groupRuns: Int32Array;
  private readonly hostRunFrom: Int32Array;
  private readonly hostRunTo: Int32Array;
  private readonly demandField: CpuDemandField;
  private readonly demand: Float64Array;
  private readonly ready: Float64Array;
  private readonly runShare: Float64Array;
  private readonly result: CpuReplication;
  /** Accumulators for per-host means. */
  private readonly hostReadyWeighted: Float64Array;
  private readonly hostVcpuIntervals: Float64Array;
  private readonly hostUtilSum: Float64Array;
  private readonly timelineVcpus: Float64Array;

  constructor(scenario: ModelScenario, placement: Placement, replication: number) {
    this.scenario = scenario;
    this.placement = placement;
    this.steps = stepCount(scenario);
    this.streams = streamFactory(scenario.seed, replication);
    this.method = cpuMethod(scenario, placement);
    this.split = scenario.scheduler.policy === 'fifo' ? 'fifo' : 'cfs';

    const hosts = placement.hosts.length;
    const vmCount = placement.vms.length;
    this.order = new Int32Array(vmCount);
    this.hostFrom = new Int32Array(hosts);
    this.hostTo = new Int32Array(hosts);
    // Within a host, VMs are ordered by group so each group is a contiguous run of indices
    // (the per-group histograms then take a whole run per call).
    let i = 0;
    const runs: number[] = [];
    this.hostRunFrom = new Int32Array(hosts);
    this.hostRunTo = new Int32Array(hosts);
    placement.hosts.forEach((host, h) => {
      this.hostFrom[h] = i;
      this.hostRunFrom[h] = runs.length / 3;
      const sorted = [...host.vms].sort((a, b) => placement.vms[a]!.group - placement.vms[b]!.group || a - b);
      for (const v of sorted) {
        const group = placement.vms[v]!.group;
        if (runs.length / 3 === this.hostRunFrom[h] || runs[runs.length - 1] !== group) runs.push(i, i + 1, group);
        else runs[runs.length - 2] = i + 1;
        this.order[i++] = v;
      }
      this.hostTo[h] = i;
      this.hostRunTo[h] = runs.length / 3;
    });
    this.groupRuns = Int32Array.from(runs);
    this.vcpus = new Int32Array(vmCount);
    this.groupOf = new Int32Array(vmCount);
    const demandVms = [];
    for (let j = 0; j < vmCount; j++) {
      const vm = placement.vms[this.order[j]!]!;
      this.vcpus[j] = vm.vcpus;
      this.groupOf[j] = vm.group;
      demandVms.push({ name: vm.name, workload: scenario.vms[vm.group]!.workload.cpu });
    }
    this.demandField = new CpuDemandField(demandVms, this.streams);
    this.demand = new Float64Array(vmCount);
    this.ready = new Float64Array(vmCount);
    this.runShare = new Float64Array(vmCount);
    this.hostReadyWeighted = new Float64Array(hosts);
    this.hostVcpuIntervals = new Float64Array(hosts);
    this.hostUtilSum = new Float64Array(hosts);
    this.timelineVcpus = new Float64Array(this.steps);

    this.result = {
      method: this.method,
      readyPct: new Histogram(),
      readyPctByGroup: scenario.vms.map(() => new Histogram()),
      hostUtilPct: new Histogram(),
      schedDelayMs: new Histogram(),
      hostReadyPctMean: new Float64Array(hosts),
      hostReadyPctMax: new Float64Array(hosts),
      hostUtilPctMean: new Float64Array(hosts),
      hostUtilPctMax: new Float64Array(hosts),
      timeline: {
        readyPctMean: new Float64Array(this.steps),
        hostUtilPctMean: new Float64Array(this.steps),
        hostUtilPctMax: new Float64Array(this.steps),
      },
      micro: { windows: 0, simulatedSeconds: 0, bursts: 0, events: 0, fleetReadyPct: 0, microReadyPct: 0 },
    };
  }

  execute(): CpuReplication {
    if (this.method === 'micro') this.runMicroEverywhere();
    else this.runFleet();
    this.finish();
    return this.result;
  }

  // ------------------------------------------------------------------ fleet resolution

  private runFleet(): void {
    const { scenario, steps } = this;
    const hosts = this.placement.hosts;
    const windowSteps = this.chooseWindows();
    // Demand rows captured for the micro windows: per host, per window, one row of host VMs.
    const captured = windowSteps.map((list, h) => list.map(() => new Float64Array(this.hostTo[h]! - this.hostFrom[h]!)));
    const capturedReady = windowSteps.map((list, h) => list.map(() => new Float64Array(this.hostTo[h]! - this.hostFrom[h]!)));
    const scratch = fleetScratch();
    const sim = new Simulation();
    const STEP = sim.defineEvent('step', (k) => {
      this.drawDemand(k);
      for (let h = 0; h < hosts.length; h++) {
        const from = this.hostFrom[h]!;
        const to = this.hostTo[h]!;
        const util = solveHostInterval(from, to, this.vcpus, this.demand, hosts[h]!.pcpus, this.ready, this.runShare, scratch, this.split);
        this.recordHost(h, k, util);
        this.recordHostVms(h, k);
        const w = windowSteps[h]!.indexOf(k);
        if (w >= 0) {
          captured[h]![w]!.set(this.demand.subarray(from, to));
          capturedReady[h]![w]!.set(this.ready.subarray(from, to));
        }
      }
      if (k + 1 < steps) sim.schedule(scenario.stepSeconds, STEP, k + 1);
    });
    sim.schedule(0, STEP, 0);
    sim.run();
    this.runWindows(windowSteps, captured, capturedReady);
  }

  /**
   * The (host, interval) pairs simulated burst by burst: `microWindows` distinct pairs per
   * replication, uniformly among hosts with VMs and intervals, so every wake-up in the fleet is
   * equally likely to be sampled. Returned per host, intervals ascending.
   */
  private chooseWindows(): number[][] {
    const { microWindows } = this.scenario.cpuModel;
    const hosts = this.placement.hosts;
    const perHost: number[][] = hosts.map(() => []);
    const busy = hosts.map((h, i) => (h.vms.length > 0 ? i : -1)).filter((i) => i >= 0);
    const pairs = busy.length * this.steps;
    const wanted = Math.min(microWindows, pairs);
    if (wanted <= 0) return perHost;
    const rng = this.streams.stream('fleet', 'micro-windows');
    const chosen = new Set<number>();
    while (chosen.size < wanted) chosen.add(Math.floor(rng() * pairs));
    for (const pair of [...chosen].sort((a, b) => a - b)) {
      perHost[busy[Math.floor(pair / this.steps)]!]!.push(pair % this.steps);
    }
    return perHost;
  }

  private runWindows(windowSteps: number[][], captured: Float64Array[][], capturedReady: Float64Array[][]): void {
    const { scenario } = this;
    const seconds = scenario.cpuModel.microWindowSeconds;
    let fleetWeighted = 0;
    let microWeighted = 0;
    let weight = 0;
    this.placement.hosts.forEach((host, h) => {
      const vms = this.hostVms(h);
      windowSteps[h]!.forEach((k, w) => {
        const rows = captured[h]![w]!;
        const fleetReady = capturedReady[h]![w]!;
        const micro = runHostMicro({
          pcpus: host.pcpus,
          scheduler: resolveScheduler(scenario.scheduler, host.pcpus),
          vms,
          groups: scenario.vms,
          rows,
          steps: 1,
          stepSeconds: seconds,
          sampleSeconds: seconds,
          warmupSeconds: scenario.cpuModel.warmupSeconds ?? autoWarmupSeconds(vms, scenario.vms, (v) => rows[v]!),
          streams: this.streams,
          purpose: `cpu-micro@${k}`,
          onVmSample: (_s, readyShare) => {
            for (let v = 0; v < vms.length; v++) {
              fleetWeighted += vms[v]!.vcpus * fleetReady[v]!;
              microWeighted += vms[v]!.vcpus * readyShare[v]!;
              weight += vms[v]!.vcpus;
            }
          },
        });
        this.absorbMicro(micro, seconds);
      });
    });
    this.result.micro.fleetReadyPct = weight > 0 ? (100 * fleetWeighted) / weight : 0;
    this.result.micro.microReadyPct = weight > 0 ? (100 * microWeighted) / weight : 0;
  }

  // ------------------------------------------------------------------ micro resolution

  private runMicroEverywhere(): void {
    const { scenario, steps } = this;
    const hosts = this.placement.hosts;
    // Demand for every step first (each VM's stream is independent, so order does not matter).
    const rows = hosts.map((_, h) => new Float64Array(steps * (this.hostTo[h]! - this.hostFrom[h]!)));
    const fleetReady = hosts.map((_, h) => new Float64Array(steps * (this.hostTo[h]! - this.hostFrom[h]!)));
    const scratch = fleetScratch();
    for (let k = 0; k < steps; k++) {
      this.drawDemand(k);
      for (let h = 0; h < hosts.length; h++) {
        const from = this.hostFrom[h]!;
        const to = this.hostTo[h]!;
        const n = to - from;
        rows[h]!.set(this.demand.subarray(from, to), k * n);
        solveHostInterval(from, to, this.vcpus, this.demand, hosts[h]!.pcpus, this.ready, this.runShare, scratch, this.split);
        fleetReady[h]!.set(this.ready.subarray(from, to), k * n);
      }
    }
    let fleetWeighted = 0;
    let microWeighted = 0;
    let weight = 0;
    hosts.forEach((host, h) => {
      const vms = this.hostVms(h);
      const from = this.hostFrom[h]!;
      const n = vms.length;
      if (n === 0) {
        for (let k = 0; k < steps; k++) this.recordHost(h, k, 0);
        return;
      }
      const hostRows = rows[h]!;
      const micro = runHostMicro({
        pcpus: host.pcpus,
        scheduler: resolveScheduler(scenario.scheduler, host.pcpus),
        vms,
        groups: scenario.vms,
        rows: hostRows,
        steps,
        stepSeconds: scenario.stepSeconds,
        sampleSeconds: scenario.stepSeconds,
        warmupSeconds: scenario.cpuModel.warmupSeconds ?? autoWarmupSeconds(vms, scenario.vms, (v) => hostRows[v]!),
        streams: this.streams,
        purpose: 'cpu-micro',
        onVmSample: (k, readyShare, runShare) => {
          let busy = 0;
          this.ready.set(readyShare, from);
          this.recordHostVms(h, k);
          for (let v = 0; v < n; v++) {
            busy += runShare[v]! * vms[v]!.vcpus;
            fleetWeighted += vms[v]!.vcpus * fleetReady[h]![k * n + v]!;
            microWeighted += vms[v]!.vcpus * readyShare[v]!;
            weight += vms[v]!.vcpus;
          }
          this.recordHost(h, k, busy / host.pcpus);
        },
      });
      this.absorbMicro(micro, steps * scenario.stepSeconds);
    });
    this.result.micro.fleetReadyPct = weight > 0 ? (100 * fleetWeighted) / weight : 0;
    this.result.micro.microReadyPct = weight > 0 ? (100 * microWeighted) / weight : 0;
  }

  // ------------------------------------------------------------------ shared pieces

  private drawDemand(k: number): void {
    this.demandField.fill(stepHour(this.scenario.startHour, this.scenario.stepSeconds, k), this.demand);
  }

  private hostVms(h: number): PlacedVm[] {
    const vms: PlacedVm[] = [];
    for (let i = this.hostFrom[h]!; i < this.hostTo[h]!; i++) vms.push(this.placement.vms[this.order[i]!]!);
    return vms;
  }

  /** Records the ready share of host h's VMs in interval k, as held in `this.ready`. */
  private recordHostVms(h: number, k: number): void {
    const from = this.hostFrom[h]!;
    const to = this.hostTo[h]!;
    const ready = this.ready;
    const vcpus = this.vcpus;
    const result = this.result;
    result.readyPct.addScaled(ready, vcpus, from, to, 100);
    for (let r = this.hostRunFrom[h]!; r < this.hostRunTo[h]!; r++) {
      const runs = this.groupRuns;
      result.readyPctByGroup[runs[3 * r + 2]!]!.addScaled(ready, vcpus, runs[3 * r]!, runs[3 * r + 1]!, 100);
    }
    let weighted = 0;
    let weight = 0;
    let max = result.hostReadyPctMax[h]!;
    for (let i = from; i < to; i++) {
      const pct = ready[i]! * 100;
      const w = vcpus[i]!;
      weighted += pct * w;
      weight += w;
      if (pct > max) max = pct;
    }
    result.hostReadyPctMax[h] = max;
    this.hostReadyWeighted[h]! += weighted;
    this.hostVcpuIntervals[h]! += weight;
    result.timeline.readyPctMean[k]! += weighted;
    this.timelineVcpus[k]! += weight;
  }

  private recordHost(h: number, k: number, util: number): void {
    const pct = util * 100;
    this.result.hostUtilPct.add(pct);
    this.hostUtilSum[h]! += pct;
    if (pct > this.result.hostUtilPctMax[h]!) this.result.hostUtilPctMax[h] = pct;
    this.result.timeline.hostUtilPctMean[k]! += pct;
    if (pct > this.result.timeline.hostUtilPctMax[k]!) this.result.timeline.hostUtilPctMax[k] = pct;
  }

  private absorbMicro(micro: ReturnType<typeof runHostMicro>, seconds: number): void {
    const m = this.result.micro;
    m.windows++;
    m.simulatedSeconds += seconds;
    m.bursts += micro.bursts;
    m.events += micro.events;
    this.result.schedDelayMs.merge(micro.schedDelayMs);
  }

  private finish(): void {
    const r = this.result;
    const hosts = this.placement.hosts.length;
    for (let h = 0; h < hosts; h++) {
      const n = this.hostVcpuIntervals[h]!;
      r.hostReadyPctMean[h] = n > 0 ? this.hostReadyWeighted[h]! / n : 0;
      r.hostUtilPctMean[h] = this.hostUtilSum[h]! / this.steps;
    }
    for (let k = 0; k < this.steps; k++) {
      const w = this.timelineVcpus[k]!;
      r.timeline.readyPctMean[k] = w > 0 ? r.timeline.readyPctMean[k]! / w : 0;
      r.timeline.hostUtilPctMean[k] = hosts > 0 ? r.timeline.hostUtilPctMean[k]! / hosts : 0;
    }
  }
}
