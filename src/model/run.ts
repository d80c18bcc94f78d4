/**
 * A whole study: placement, every replication, and the combined results with confidence
 * intervals and SLO verdicts. This is the model's entry point: data in, results out.
 */
import { place, type Placement } from './placement.js';
import { simulateReplication, stepCount, type MicroCheck, type ReplicationResult } from './replication.js';
import type { ModelScenario } from './scenario.js';
import { maxOfArrays, meanOfArrays, summarizeDistribution, type DistributionSummary } from './stats/summary.js';
import { evaluateSlos, type SloResult } from './slo.js';
import { summarizeMemory, type MemorySummary } from './memory/summary.js';
import { summarizeIo, type BootSummary, type IoSummary } from './io/summary.js';
import { summarizeLatency, type LatencySummary } from './latency/summary.js';

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
  hostUtilPct: DistributionSummary;
  byHost: HostCpuSummary[];
  timeline: { stepSeconds: number; readyPctMean: number[]; hostUtilPctMean: number[]; hostUtilPctMax: number[] };
  micro: MicroCheck;
}

export interface StudyResult {
  scenario: ModelScenario;
  placement: Placement;
  steps: number;
  replications: number;
  cpu: CpuSummary;
  memory: MemorySummary;
  io: IoSummary;
  boot: BootSummary;
  /** Host threads, network paths and heartbeats (docs/latency.md). */
  latency: LatencySummary;
  slos: SloResult[];
  verdict: 'pass' | 'fail';
}

export interface RunOptions {
  /** Called after each replication with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** Runs every replication in order and combines them. */
export function runStudy(scenario: ModelScenario, options: RunOptions = {}): StudyResult {
  const placement = place(scenario);
  const results: ReplicationResult[] = [];
  for (let r = 0; r < scenario.replications; r++) {
    results.push(simulateReplication(scenario, placement, r));
    options.onProgress?.(r + 1, scenario.replications);
  }
  return combineReplications(scenario, placement, results);
}

/** Combines replication results, given in replication order, into one study result. */
export function combineReplications(
  scenario: ModelScenario,
  placement: Placement,
  results: readonly ReplicationResult[],
): StudyResult {
  const cpus = results.map((r) => r.cpu);
  const hostSummaries: HostCpuSummary[] = placement.hosts.map((host, h) => ({
    name: host.name,
    pcpus: host.pcpus,
    vms: host.vms.length,
    vcpus: host.vcpusAllocated,
    readyPctMean: mean(cpus.map((c) => c.hostReadyPctMean[h]!)),
    readyPctMax: Math.max(...cpus.map((c) => c.hostReadyPctMax[h]!)),
    utilPctMean: mean(cpus.map((c) => c.hostUtilPctMean[h]!)),
    utilPctMax: Math.max(...cpus.map((c) => c.hostUtilPctMax[h]!)),
  }));
  const sumOf = (pick: (m: (typeof cpus)[number]['micro']) => number): number => cpus.reduce((s, c) => s + pick(c.micro), 0);
  const cpu: CpuSummary = {
    method: cpus[0]?.method ?? 'fleet',
    readyPct: summarizeDistribution(cpus.map((c) => c.readyPct)),
    readyPctByGroup: scenario.vms.map((g, i) => ({
      name: g.name,
      readyPct: summarizeDistribution(cpus.map((c) => c.readyPctByGroup[i]!)),
    })),
    schedDelayMs: summarizeDistribution(cpus.map((c) => c.schedDelayMs)),
    hostUtilPct: summarizeDistribution(cpus.map((c) => c.hostUtilPct)),
    byHost: hostSummaries,
    timeline: {
      stepSeconds: scenario.stepSeconds,
      readyPctMean: [...meanOfArrays(cpus.map((c) => c.timeline.readyPctMean))],
      hostUtilPctMean: [...meanOfArrays(cpus.map((c) => c.timeline.hostUtilPctMean))],
      hostUtilPctMax: [...maxOfArrays(cpus.map((c) => c.timeline.hostUtilPctMax))],
    },
    micro: {
      windows: sumOf((m) => m.windows),
      simulatedSeconds: sumOf((m) => m.simulatedSeconds),
      bursts: sumOf((m) => m.bursts),
      events: sumOf((m) => m.events),
      fleetReadyPct: mean(cpus.map((c) => c.micro.fleetReadyPct)),
      microReadyPct: mean(cpus.map((c) => c.micro.microReadyPct)),
    },
  };
  const steps = stepCount(scenario);
  const memory = summarizeMemory(scenario, placement, results.map((r) => r.memory), steps);
  const { io, boot } = summarizeIo(scenario, results.map((r) => r.io));
  const latency = summarizeLatency(scenario, placement, results.map((r) => r.threads), results.map((r) => r.latency), steps);
  const partial = { scenario, placement, steps, replications: results.length, cpu, memory, io, boot, latency };
  const slos = evaluateSlos(scenario.slo, partial);
  return { ...partial, slos, verdict: slos.every((s) => s.pass) ? 'pass' : 'fail' };
}

function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
