/**
 * A whole study: placement, every replication, and the combined results with confidence
 * intervals and SLO verdicts. This is the model's entry point: data in, results out.
 */
import { place, type Placement } from './placement.js';
import { simulateReplication, type ReplicationResult } from './replication.js';
import { stepCount } from './fleet-state.js';
import { summarizeCpu, type CpuSummary } from './cpu/summary.js';
import type { ModelScenario } from './scenario.js';
import { evaluateSlos, studyVerdict, type SloResult, type SloStatus } from './slo.js';
import { summarizeMemory, type MemorySummary } from './memory/summary.js';
import { summarizeIo, type BootSummary, type IoSummary } from './io/summary.js';
import { summarizeLatency, type LatencySummary } from './latency/summary.js';

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
  verdict: SloStatus;
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
  const cpu = summarizeCpu(scenario, placement, results.map((r) => r.cpu));
  const steps = stepCount(scenario);
  const memory = summarizeMemory(scenario, placement, results.map((r) => r.memory), steps);
  const { io, boot } = summarizeIo(scenario, results.map((r) => r.io));
  const latency = summarizeLatency(scenario, placement, results.map((r) => r.threads), results.map((r) => r.latency), steps);
  const partial = { scenario, placement, steps, replications: results.length, cpu, memory, io, boot, latency };
  const slos = evaluateSlos(scenario.slo, partial);
  return { ...partial, slos, verdict: studyVerdict(slos) };
}
