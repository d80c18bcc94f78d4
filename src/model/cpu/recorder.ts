/**
 * What the CPU model records in one replication: the ready share of every running VM in every
 * interval (pooled and per VM group), each host's pCPU utilisation, per-host means and maxima,
 * fleet timelines, the micro level's scheduling delays, and how the micro level agreed with the
 * fleet kernel on the intervals both solved.
 */
import type { FleetLayout } from '../fleet-layout.js';
import { Histogram } from '../stats/histogram.js';

export interface CpuReplication {
  method: 'micro' | 'fleet';
  /** Per-vCPU ready % of each running VM in each interval (weighted by vCPUs). */
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
  micro: MicroCheck;
}

/** Micro-level work done and its agreement with the fleet kernel (per replication, and summed in a study). */
export interface MicroCheck {
  windows: number;
  simulatedSeconds: number;
  bursts: number;
  events: number;
  /** vCPU-weighted mean ready % over the micro-simulated VM-intervals: kernel vs simulation. */
  fleetReadyPct: number;
  microReadyPct: number;
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
  private readonly timelineVcpus: Float64Array;

  constructor(method: 'micro' | 'fleet', layout: FleetLayout, hosts: number, groups: number, steps: number) {
    this.layout = layout;
    this.steps = steps;
    this.result = {
      method,
      readyPct: new Histogram(),
      readyPctByGroup: Array.from({ length: groups }, () => new Histogram()),
      hostUtilPct: new Histogram(),
      schedDelayMs: new Histogram(),
      hostReadyPctMean: new Float64Array(hosts),
      hostReadyPctMax: new Float64Array(hosts),
      hostUtilPctMean: new Float64Array(hosts),
      hostUtilPctMax: new Float64Array(hosts),
      timeline: { readyPctMean: new Float64Array(steps), hostUtilPctMean: new Float64Array(steps), hostUtilPctMax: new Float64Array(steps) },
      micro: { windows: 0, simulatedSeconds: 0, bursts: 0, events: 0, fleetReadyPct: 0, microReadyPct: 0 },
    };
    this.hostReadyWeighted = new Float64Array(hosts);
    this.hostVcpuIntervals = new Float64Array(hosts);
    this.hostUtilSum = new Float64Array(hosts);
    this.timelineVcpus = new Float64Array(steps);
  }

  /** Records the ready share (`ready`, per slot) of host h's VMs in interval k, weighted by `weight` (vCPUs if running, else 0). */
  recordHostVms(h: number, k: number, ready: Float64Array, weight: Int32Array): void {
    const { layout } = this;
    const from = layout.hostFrom[h]!;
    const to = layout.hostVmTo[h]!;
    const result = this.result;
    result.readyPct.addScaled(ready, weight, from, to, 100);
    for (let r = layout.hostRunFrom[h]!; r < layout.hostRunTo[h]!; r++) {
      const runs = layout.groupRuns;
      result.readyPctByGroup[runs[3 * r + 2]!]!.addScaled(ready, weight, runs[3 * r]!, runs[3 * r + 1]!, 100);
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
      if (pct > max) max = pct;
    }
    result.hostReadyPctMax[h] = max;
    this.hostReadyWeighted[h]! += weighted;
    this.hostVcpuIntervals[h]! += total;
    result.timeline.readyPctMean[k]! += weighted;
    this.timelineVcpus[k]! += total;
  }

  /** Records host h's pCPU utilisation (0..1) in interval k. */
  recordHost(h: number, k: number, util: number): void {
    const r = this.result;
    const pct = util * 100;
    r.hostUtilPct.add(pct);
    this.hostUtilSum[h]! += pct;
    if (pct > r.hostUtilPctMax[h]!) r.hostUtilPctMax[h] = pct;
    r.timeline.hostUtilPctMean[k]! += pct;
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

  /** The vCPU-weighted mean ready (0..1 shares, summed with their weight) of the kernel and the micro level on the same intervals. */
  setAgreement(fleetWeighted: number, microWeighted: number, weight: number): void {
    this.result.micro.fleetReadyPct = weight > 0 ? (100 * fleetWeighted) / weight : 0;
    this.result.micro.microReadyPct = weight > 0 ? (100 * microWeighted) / weight : 0;
  }

  finish(): CpuReplication {
    const r = this.result;
    const hosts = r.hostReadyPctMean.length;
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
    return r;
  }
}
