/**
 * The CPU results of a study: replications combined into ready-share and utilisation
 * distributions with confidence intervals, per-group and per-host figures, timelines and the
 * micro level's cross-check of the fleet kernel.
 */
import type { Placement } from '../placement.js';
import type { ModelScenario } from '../scenario.js';
import { maxOfArrays, meanOfArrays, summarizeDistribution, type DistributionSummary } from '../stats/summary.js';
import type { CpuReplication } from './recorder.js';

const ratio = (num: number, den: number): number => (den > 0 ? num / den : 0);

/** Micro-level work done and its agreement with the fleet kernel (summed over a study's replications). */
export interface MicroCheck {
  windows: number;
  simulatedSeconds: number;
  bursts: number;
  events: number;
  /** vCPU-weighted mean ready % over the micro-simulated VM-intervals: kernel vs simulation. */
  fleetReadyPct: number;
  microReadyPct: number;
}

export interface HostCpuSummary {
  name: string;
  pcpus: number;
  vms: number;
  vcpus: number;
  readyPctMean: number;
  readyPctMax: number;
  utilPctMean: number;
  utilPctMax: number;
}

export interface CpuSummary {
  method: 'micro' | 'fleet';
  readyPct: DistributionSummary;
  readyPctByGroup: { name: string; readyPct: DistributionSummary }[];
  schedDelayMs: DistributionSummary;
  /** Time one UI action (each group's uiActionMs of work) takes, waiting and running, per running VM-interval (./ui-action.ts). */
  uiActionMs: DistributionSummary;
  hostUtilPct: DistributionSummary;
  byHost: HostCpuSummary[];
  /** Per VM (placement order): its mean per-vCPU ready % while running, averaged over replications (for drill-downs; not in the JSON report). */
  vmReadyPctMean: Float64Array;
  timeline: { stepSeconds: number; readyPctMean: number[]; hostUtilPctMean: number[]; hostUtilPctMax: number[] };
  micro: MicroCheck;
}

export function summarizeCpu(scenario: ModelScenario, placement: Placement, cpus: readonly CpuReplication[]): CpuSummary {
  const byHost: HostCpuSummary[] = placement.hosts.map((host, h) => ({
    name: host.name,
    pcpus: host.pcpus,
    vms: host.vms.length,
    vcpus: host.vcpusAllocated,
    readyPctMean: mean(cpus.map((c) => c.hostReadyPctMean[h]!)),
    readyPctMax: Math.max(...cpus.map((c) => c.hostReadyPctMax[h]!)),
    utilPctMean: mean(cpus.map((c) => c.hostUtilPctMean[h]!)),
    utilPctMax: Math.max(...cpus.map((c) => c.hostUtilPctMax[h]!)),
  }));
  const sumOf = (pick: (m: CpuReplication['micro']) => number): number => cpus.reduce((s, c) => s + pick(c.micro), 0);
  const vmReadyPctMean = new Float64Array(placement.vms.length);
  for (const c of cpus) for (let v = 0; v < vmReadyPctMean.length; v++) vmReadyPctMean[v]! += c.vmReadyPctMean[v]! / cpus.length;
  return {
    method: cpus[0]?.method ?? 'fleet',
    vmReadyPctMean,
    readyPct: summarizeDistribution(cpus.map((c) => c.readyPct)),
    readyPctByGroup: scenario.vms.map((g, i) => ({
      name: g.name,
      readyPct: summarizeDistribution(cpus.map((c) => c.readyPctByGroup[i]!)),
    })),
    schedDelayMs: summarizeDistribution(cpus.map((c) => c.schedDelayMs)),
    uiActionMs: summarizeDistribution(cpus.map((c) => c.uiActionMs)),
    hostUtilPct: summarizeDistribution(cpus.map((c) => c.hostUtilPct)),
    byHost,
    timeline: {
      stepSeconds: scenario.stepSeconds,
      readyPctMean: [...meanOfArrays(cpus.map((c) => c.timeline.readyPctWeighted.map((x, k) => ratio(x, c.timeline.vcpus[k]!))))],
      hostUtilPctMean: [...meanOfArrays(cpus.map((c) => c.timeline.hostUtilPctSum.map((x) => ratio(x, placement.hosts.length))))],
      hostUtilPctMax: [...maxOfArrays(cpus.map((c) => c.timeline.hostUtilPctMax))],
    },
    micro: {
      windows: sumOf((m) => m.windows),
      simulatedSeconds: sumOf((m) => m.simulatedSeconds),
      bursts: sumOf((m) => m.bursts),
      events: sumOf((m) => m.events),
      fleetReadyPct: mean(cpus.map((c) => 100 * ratio(c.micro.fleetReadyWeighted, c.micro.weight))),
      microReadyPct: mean(cpus.map((c) => 100 * ratio(c.micro.microReadyWeighted, c.micro.weight))),
    },
  };
}

function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
