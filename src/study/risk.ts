/**
 * Deciding a rare risk — the OOM risk per host-month — with far fewer host-months than plain
 * Monte Carlo needs (docs/risk.md). Used by `run` and `recommend` alike.
 *
 * In order, stopping as soon as the SLO's limit is decided (its 95 % interval entirely below or
 * above it):
 * 1. Bound: when every host's worst case (every VM fully backed, reserved memory, KSM metadata)
 *    fits in RAM plus swap, no kill is possible: risk 0 (../model/memory/bound.ts).
 * 2. Plain Monte Carlo: the study's own replications, Wilson interval.
 * 3. Importance sampling: replications that simulate memory only (CPU feeds nothing back into
 *    it) with every VM's working-set factor drawn shifted by θ standard deviations, each host-run
 *    weighted by its likelihood ratio (../model/stats/rare.ts). θ is chosen by the cross-entropy
 *    method from the host-runs that came nearest to a kill, starting from the plain ones; then
 *    batches at the chosen θ until the interval decides or the budget is spent.
 *    Before that, a check for a margin no random input reaches: when every plain host-run came to
 *    the same smallest headroom, and a batch with every working set shifted far up
 *    (MECHANISM_SHIFT standard deviations, a draw no real fleet sees) has no kill either, the
 *    minimum is set by the model's deterministic mechanism (e.g. how many desktops a storm has booted before ksmd catches up),
 *    not by chance: the risk is 0 and the report says what the margin is (`mechanism`). How that
 *    margin moves with the scenario's assumptions is a question for `overcast sensitivity`.
 * 4. Peaks over threshold on the plain host-runs' smallest headroom (../model/stats/tail.ts): a
 *    cross-check of 3, and the answer only when 3 gathers too few kills — then the report says
 *    the estimate rests on an extrapolated tail.
 * Every batch uses its own seed (derived from the scenario's), so no two estimates share draws.
 */
import type { RiskEstimate } from '../model/memory/summary.js';
import { oomImpossible } from '../model/memory/bound.js';
import type { StudyResult } from '../model/run.js';
import type { ReplicationResult } from '../model/replication.js';
import type { ModelScenario } from '../model/scenario.js';
import { evaluateSlos, studyVerdict } from '../model/slo.js';
import { crossEntropyShift, importanceEstimate, MONTH_SECONDS, perPeriod, type HostRun, type ProbabilityEstimate } from '../model/stats/rare.js';
import { tailProbability } from '../model/stats/tail.js';
import { wilsonInterval } from '../model/stats/intervals.js';
import type { Evaluator } from './evaluator.js';
import { valueKey } from '../model/runner.js';

export type RiskMethodOption = 'auto' | 'mc';

export interface RiskOptions {
  /** `mc`: plain Monte Carlo only (to check the estimator); `auto` (default): as the module says. */
  method?: RiskMethodOption;
  /** Most host-runs the importance sampling may simulate (default 6,000). */
  maxHostRuns?: number;
  /** Told what is being simulated, for progress output. */
  onStage?: (text: string) => void;
}

const CE_ROUNDS = 6;
/** Host-runs per cross-entropy round and per final batch (rounded up to whole replications). */
const CE_HOST_RUNS = 60;
const BATCH_HOST_RUNS = 200;
/** Plain host-runs needed before a tail is fitted. */
const TAIL_MIN_SAMPLES = 50;
/**
 * Plain host-runs needed before a fitted tail may decide an SLO (it is only a cross-check below):
 * 100 exceedances at the 80 % threshold. The calibrated profile interval covers as well at 500 as
 * at 1,000 host-runs (docs/risk.md, "Peaks over threshold"; scripts/tail-coverage.ts); only its
 * width differs, which the interval itself reports.
 */
const TAIL_DECIDE_SAMPLES = 500;
/** Working-set shift (standard deviations) of the mechanism check, and the headroom spread (GiB) taken as none. */
const MECHANISM_SHIFT = 3;
const SAME_HEADROOM_GIB = 1e-3;
/** A cross-entropy shift below this (standard deviations) means the working sets do not drive the tail. */
const PLAIN_SHIFT = 0.2;

/** The host-runs of some replications, as the estimators see them. */
export function hostRuns(results: readonly ReplicationResult[], firstReplication = 0): HostRun[] {
  const runs: HostRun[] = [];
  results.forEach((r, i) => {
    const m = r.memory;
    for (let h = 0; h < m.hostKills.length; h++) {
      runs.push({
        replication: firstReplication + i,
        weight: Math.exp(m.hostLogWeight[h]!),
        hit: m.hostKills[h]! > 0,
        score: -m.hostMinHeadroomGiB[h]!,
        zSum: m.hostShiftedZSum[h]!,
        zCount: m.hostShiftedCount[h]!,
      });
    }
  });
  return runs;
}

/**
 * What a study's OOM risk decision depends on. A replication's memory results depend on the
 * placement and on everything in the scenario but what only the CPU model reads — the CPU ratio
 * (which only placement reads), the VMs' CPU demand and QEMU overhead, the UI action, the CPU
 * scheduler — and the SLO limits: CPU contention feeds nothing back into memory
 * (test/model/rare-memory.test.ts). The working-set shape follows the CPU profile, so the profile
 * stays. Two studies with the same identity have the same memory results replication by
 * replication and the same decision: a search that meets the same memory twice (a CPU ratio
 * candidate whose placement memory binds, a what-if with busier VMs, a point judged again on
 * other SLOs) decides it once.
 */
export function oomRiskIdentity(study: StudyResult, limit: number, options: RiskOptions = {}): string {
  const { scenario, placement } = study;
  const vms = scenario.vms.map((vm) => ({ ...vm, hostOverheadPct: undefined, uiActionMs: undefined, workload: { ...vm.workload, cpu: { profile: vm.workload.cpu.profile } } }));
  const memoryScenario = { ...scenario, overcommit: { ...scenario.overcommit, cpu: 0 }, vms, scheduler: undefined, cpuModel: undefined, slo: {} };
  const placed = placement.vms.map((v) => `${v.name}@${v.host}`).join(',');
  return JSON.stringify([valueKey(memoryScenario), placement.hosts.map((h) => h.name), placed, study.replications, limit, options.method ?? 'auto', options.maxHostRuns ?? null]);
}

/** The scenario simulated for memory only, working sets shifted by `shift`, with batch `batch`'s own seed. */
export function shiftedScenario(scenario: ModelScenario, shift: number, batch: number): ModelScenario {
  return { ...scenario, seed: scenario.seed + 104_729 * (batch + 1), memoryFocus: { workingSetShift: shift } };
}

/** Whether a per-run interval decides the per-run limit. */
function decides(p: { lower95: number; upper95: number }, limitRun: number): boolean {
  return p.upper95 <= limitRun || p.lower95 > limitRun;
}

/**
 * Whether an interval from `n` host-runs that straddles the limit could still decide it within
 * `budget` host-runs, if its width in log terms shrinks as 1/√n around the same estimate (the
 * rate of a maximum-likelihood or binomial interval). A projection, used only to stop early:
 * stopping leaves the SLO not demonstrated, never decides it. When the interval cannot be
 * projected (an estimate of 0, a lower end of 0 on the side that must move) it says yes.
 */
export function mayStillDecide(p: { estimate: number; lower95: number; upper95: number }, limitRun: number, n: number, budget: number): boolean {
  if (n >= budget) return false;
  if (!(p.estimate > 0)) return true;
  const shrink = Math.sqrt(n / budget);
  if (p.estimate <= limitRun) return Math.log(p.upper95 / p.estimate) * shrink <= Math.log(limitRun / p.estimate);
  return !(p.lower95 > 0) || Math.log(p.estimate / p.lower95) * shrink < Math.log(p.estimate / limitRun);
}

/**
 * The OOM risk per host-month of a study, decided against `limit` (per host-month) where the
 * methods allow; `study` holds the plain replications (computed by `evaluator`).
 */
export async function decideOomRisk(study: StudyResult, evaluator: Evaluator, limit: number, options: RiskOptions = {}): Promise<RiskEstimate> {
  const plain = study.memory.oomRiskPerHostMonth;
  const scenario = study.scenario;
  const runSeconds = study.steps * scenario.stepSeconds;
  const toMonth = (p: number): number => perPeriod(p, runSeconds, MONTH_SECONDS);
  const limitRun = 1 - Math.pow(1 - limit, runSeconds / MONTH_SECONDS);
  const hosts = study.placement.hosts.length;
  if (options.method === 'mc') return plain;
  if (oomImpossible(scenario, study.placement)) return { ...plain, estimate: 0, lower95: 0, upper95: 0, method: 'bound' };
  if (plain.upper95 <= limit || plain.lower95 > limit) return plain;

  const { results } = evaluator.replications(scenario, study.replications);
  const plainRuns = hostRuns(await results);
  const tail = plainRuns.length >= TAIL_MIN_SAMPLES ? tailProbability(plainRuns.map((r) => r.score), 0) : undefined;

  let batch = 0;
  let simulatedRuns = 0;
  /** Host-runs of `count` replications of batch `batch` at `at`, forgotten by the evaluator once read. */
  const runBatch = async (at: number, count: number): Promise<HostRun[]> => {
    const shifted = shiftedScenario(scenario, at, batch++);
    const runs = hostRuns(await evaluator.replications(shifted, count).results);
    evaluator.forget(shifted);
    simulatedRuns += runs.length;
    return runs;
  };
  const perBatch = (hostRunsWanted: number): number => Math.max(1, Math.ceil(hostRunsWanted / Math.max(1, hosts)));

  // A margin no random input reaches.
  const plainHeadroom = plainRuns.map((r) => -r.score);
  const lowest = Math.min(...plainHeadroom);
  if (lowest > 0 && Math.max(...plainHeadroom) - lowest <= SAME_HEADROOM_GIB) {
    options.onStage?.(`OOM risk: every host-run kept ${lowest.toFixed(2)} GiB; checking it with working sets ${MECHANISM_SHIFT} standard deviations up`);
    const pushed = await runBatch(MECHANISM_SHIFT, perBatch(CE_HOST_RUNS));
    if (pushed.every((r) => !r.hit)) {
      return { ...plain, estimate: 0, lower95: 0, upper95: 0, hostMonths: plain.hostMonths + (simulatedRuns * runSeconds) / MONTH_SECONDS, method: 'mechanism', fixedHeadroomGiB: lowest };
    }
  }

  // Cross-entropy: move the shift until the host-runs nearest a kill reach it. When the plain
  // host-runs nearest a kill drew average working sets (shift under PLAIN_SHIFT), the working
  // sets do not drive the tail and the rounds would only confirm it: straight to plain batches
  // (an unbiased estimate either way; importance sampling is only the faster one when it applies).
  const start = crossEntropyShift(plainRuns);
  let shift = start.shift;
  const rounds = Math.abs(start.shift) < PLAIN_SHIFT && start.level < 0 ? 0 : CE_ROUNDS;
  for (let round = 0; round < rounds; round++) {
    options.onStage?.(`OOM risk: choosing the importance shift (round ${round + 1}, θ = ${shift.toFixed(2)})`);
    const next = crossEntropyShift(await runBatch(shift, perBatch(CE_HOST_RUNS)));
    shift = next.shift;
    if (next.level >= 0) break;
  }

  // Batches at the chosen shift until the interval decides or the budget is spent. A shift near
  // zero says the working sets do not drive the tail: then the batches are plain (memory only,
  // cheap), judged by the Wilson interval and by the tail fitted to all plain host-runs.
  const plainTail = Math.abs(shift) < PLAIN_SHIFT;
  if (plainTail) shift = 0;
  const maxRuns = options.maxHostRuns ?? 6000;
  const finalRuns: HostRun[] = [];
  let estimate: ProbabilityEstimate = importanceEstimate([]);
  let plainEstimate = wilsonInterval(plainRuns.filter((r) => r.hit).length, plainRuns.length);
  let plainTailEstimate = tail;
  let stoppedEarly: RiskEstimate['stoppedEarly'];
  while (simulatedRuns < maxRuns) {
    options.onStage?.(plainTail ? `OOM risk: plain memory-only replications (${plainRuns.length + finalRuns.length} host-runs so far)` : `OOM risk: importance sampling at θ = ${shift.toFixed(2)} (${finalRuns.length} host-runs so far)`);
    const firstBatch = batch;
    // Plain batches without a kill so far cannot decide before the tail may (a Wilson interval
    // with no kill needs ~11,500 host-runs to show 1 % per host-month): one batch straight to
    // TAIL_DECIDE_SAMPLES keeps every worker busy instead of stopping to look every 200.
    const killSeen = plainRuns.some((r) => r.hit) || finalRuns.some((r) => r.hit);
    const wanted = plainTail && !killSeen ? Math.max(BATCH_HOST_RUNS, TAIL_DECIDE_SAMPLES - plainRuns.length - finalRuns.length) : BATCH_HOST_RUNS;
    // Each batch its own seed: number its replications apart so clusters stay distinct.
    for (const run of await runBatch(shift, perBatch(wanted))) finalRuns.push({ ...run, replication: run.replication + 100_000 * firstBatch });
    if (plainTail) {
      const all = [...plainRuns, ...finalRuns];
      const kills = all.filter((r) => r.hit).length;
      plainEstimate = wilsonInterval(kills, all.length);
      // A fit costs tens of milliseconds on this thread; below TAIL_DECIDE_SAMPLES it could not decide.
      if (all.length >= TAIL_DECIDE_SAMPLES || simulatedRuns >= maxRuns) plainTailEstimate = tailProbability(all.map((r) => r.score), 0);
      // A tail fitted to few host-runs extrapolates far: it may decide only from TAIL_DECIDE_SAMPLES on.
      if (decides(plainEstimate, limitRun) || (plainTailEstimate && all.length >= TAIL_DECIDE_SAMPLES && decides(plainTailEstimate, limitRun))) break;
      // A risk right at the limit: when neither interval could separate from it within the
      // budget, more host-runs would only confirm "not demonstrated" (a Wilson interval without
      // a kill needs about 3.7 / limit host-runs to show the risk below it).
      if (all.length >= TAIL_DECIDE_SAMPLES && plainTailEstimate) {
        const wilsonMay = kills === 0 ? wilsonInterval(0, maxRuns).upper95 <= limitRun : mayStillDecide(plainEstimate, limitRun, all.length, maxRuns);
        if (!wilsonMay && !mayStillDecide(plainTailEstimate, limitRun, all.length, maxRuns)) {
          stoppedEarly = { hostRuns: all.length, budgetHostRuns: maxRuns };
          break;
        }
      }
    } else {
      estimate = importanceEstimate(finalRuns);
      if (estimate.reliable && decides(estimate, limitRun)) break;
    }
  }

  const hostMonths = plain.hostMonths + (simulatedRuns * runSeconds) / MONTH_SECONDS;
  const asTail = (t: NonNullable<typeof tail>) => ({ method: 'tail' as const, estimate: toMonth(t.estimate), lower95: toMonth(t.lower95), upper95: toMonth(t.upper95), extrapolated: true });
  if (plainTail) {
    const all = plainRuns.length + finalRuns.length;
    const kills = plainRuns.filter((r) => r.hit).length + finalRuns.filter((r) => r.hit).length;
    const mc = { estimate: toMonth(plainEstimate.estimate), lower95: toMonth(plainEstimate.lower95), upper95: toMonth(plainEstimate.upper95) };
    const tailMonth = plainTailEstimate && asTail(plainTailEstimate);
    // The Wilson interval rests on nothing but the counts: it answers when it decides.
    if (decides(plainEstimate, limitRun) || !tailMonth) {
      return { ...plain, ...mc, hostMonths, trials: all, hostsWithKill: kills, method: 'mc', extrapolated: false, crossCheck: tailMonth, tailExceedances: plainTailEstimate?.exceedances, stoppedEarly };
    }
    return { ...plain, estimate: tailMonth.estimate, lower95: tailMonth.lower95, upper95: tailMonth.upper95, hostMonths, trials: all, hostsWithKill: kills, method: 'tail', extrapolated: true, tailExceedances: plainTailEstimate!.exceedances, crossCheck: { method: 'mc', ...mc, extrapolated: false }, stoppedEarly };
  }
  const tailCheck = tail && asTail(tail);
  if (estimate.reliable || !tail) {
    return {
      ...plain,
      estimate: toMonth(estimate.estimate),
      lower95: toMonth(estimate.lower95),
      // Too few kills to estimate the spread: no interval to rely on.
      upper95: estimate.reliable ? toMonth(estimate.upper95) : 1,
      hostMonths,
      method: 'importance',
      ess: estimate.ess,
      hits: estimate.hits,
      shift,
      extrapolated: false,
      crossCheck: tailCheck,
      tailExceedances: tail?.exceedances,
    };
  }
  return {
    ...plain,
    estimate: tailCheck!.estimate,
    lower95: tailCheck!.lower95,
    upper95: tailCheck!.upper95,
    hostMonths,
    method: 'tail',
    extrapolated: true,
    tailExceedances: tail!.exceedances,
    crossCheck: { method: 'importance', estimate: toMonth(estimate.estimate), lower95: toMonth(estimate.lower95), upper95: estimate.reliable ? toMonth(estimate.upper95) : 1, extrapolated: false },
  };
}

/**
 * The study with its rare risks decided where an SLO needs it (today the OOM risk per
 * host-month), its SLOs and verdict re-evaluated on the decided figures.
 */
export async function decideRareRisks(study: StudyResult, evaluator: Evaluator, options: RiskOptions = {}): Promise<StudyResult> {
  const limit = study.scenario.slo.oomRiskPerHostMonth;
  if (limit === undefined || options.method === 'mc') return study;
  return withOomRisk(study, await decideOomRisk(study, evaluator, limit, options));
}

/** The study with `risk` as its OOM risk per host-month, SLOs and verdict re-evaluated. */
export function withOomRisk(study: StudyResult, risk: RiskEstimate): StudyResult {
  if (risk === study.memory.oomRiskPerHostMonth) return study;
  const memory = { ...study.memory, oomRiskPerHostMonth: risk };
  const slos = evaluateSlos(study.scenario.slo, { ...study, memory });
  return { ...study, memory, slos, verdict: studyVerdict(slos) };
}
