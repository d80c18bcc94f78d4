/**
 * The memory results of a study: replications combined into peaks, KSM savings and their pace,
 * swap, OOM kills and the OOM risk per host-month with its confidence interval.
 *
 * OOM risk. Each (host, replication) pair is one trial of length D (the run); it "fails" when the
 * host had at least one OOM kill. The share of failed trials has a Wilson score interval (good
 * for small counts, and an honest upper bound when no kill was seen: 3/n-like, not 0). A
 * probability over D becomes one over 30 days as 1 − (1 − p)^(30 d / D), applied to the estimate
 * and to both bounds (the map is increasing) — which assumes the run is a typical stretch and
 * stretches are independent (for a 24 h scenario: every day of the month alike and independent).
 */
import { meanInterval, wilsonInterval } from '../stats/intervals.js';
import { MONTH_SECONDS } from '../stats/rare.js';
import { summarizeDistribution, type DistributionSummary } from '../stats/summary.js';
import type { Placement } from '../placement.js';
import type { ModelScenario } from '../scenario.js';
import type { MemoryReplication } from './recorder.js';


/** How a risk was estimated (docs/risk.md). */
export type RiskMethod = 'mc' | 'importance' | 'tail' | 'bound' | 'mechanism';

/** Each method in words, for reports: "decided by …" (docs/risk.md). */
export const RISK_METHOD_WORDS: Record<RiskMethod, string> = {
  mc: 'plain Monte Carlo',
  importance: 'importance sampling',
  tail: 'a peaks-over-threshold tail',
  bound: 'a bound (no kill possible)',
  mechanism: 'the mechanism check (a margin no random input reaches)',
};

export interface RiskEstimate {
  estimate: number;
  lower95: number;
  upper95: number;
  /** Host-months simulated (by every method used, plain and shifted). */
  hostMonths: number;
  /** Plain Monte Carlo trials (host × replication) and those with at least one kill. */
  trials: number;
  hostsWithKill: number;
  /** `mc`: plain Monte Carlo, Wilson interval; the others come from ../../study/risk.ts. */
  method: RiskMethod;
  /** Importance sampling: effective sample size, host-runs with a kill, and the working-set shift (standard deviations). */
  ess?: number | undefined;
  hits?: number | undefined;
  shift?: number | undefined;
  /** True when the estimate rests on a tail extrapolated beyond anything simulated (`tail`). */
  extrapolated: boolean;
  /**
   * `tail` (also when the tail is only the cross-check): the host-runs beyond the tail's threshold
   * that the generalized Pareto was fitted to. Far fewer than `trials` when most host-runs end at one
   * headroom (a point mass): then the extrapolation rests on those few.
   */
  tailExceedances?: number | undefined;
  /** `mechanism`: the smallest headroom (GiB) every host-run reached, plain and with working sets shifted far up. */
  fixedHeadroomGiB?: number | undefined;
  /**
   * Set when plain batches stopped before the budget because the interval straddled the limit and
   * could not separate from it within the budget (../../study/risk.ts, mayStillDecide): the SLO is
   * not demonstrated either way.
   */
  stoppedEarly?: { hostRuns: number; budgetHostRuns: number } | undefined;
  /** A second method's estimate of the same risk, when one was made. */
  crossCheck?: { method: RiskMethod; estimate: number; lower95: number; upper95: number; extrapolated: boolean } | undefined;
}

export interface MemorySummary {
  backedPeakPct: { worst: number; mean: number };
  neededPeakPct: { worst: number; mean: number };
  ksmSavedGiB: DistributionSummary;
  /** Minutes from a host's last boot to KSM merging 90 % of what is mergeable; null without boots. */
  ksmConvergeMinutes: { mean: number; max: number; hosts: number; notReached: number } | null;
  /** Per replication the largest swap use on any host, GiB: mean, max and the t-interval's upper end. */
  swapPeakGiB: { mean: number; max: number; upper95: number | null };
  oomKills: { total: number; perReplication: number; perHostMonth: number };
  oomRiskPerHostMonth: RiskEstimate;
  /** The same per host and run (the raw trial), with the run length in days. */
  oomRiskPerHostRun: { estimate: number; lower95: number; upper95: number; runDays: number };
  kills: { replication: number; timeSeconds: number; host: string; vm: string; group: string; neededGiB: number; capacityGiB: number }[];
  /** VMs whose working set was partly swapped, worst first. */
  slowVms: { vm: string; group: string; host: string; slowdownMax: number; swappedMinutes: number }[];
  swapStallHostMinutes: number;
  ksmdCoresMean: number;
  byHost: { name: string; totalGiB: number; backedPeakPct: number; neededPeakPct: number; swapPeakGiB: number; ksmSavedMeanGiB: number; kills: number }[];
  timeline: { stepSeconds: number; hosts: { name: string; ramGiB: number; backedGiB: number[]; ksmSavedGiB: number[]; swapGiB: number[] }[] };
}

/** Shown in the report at most. */
const MAX_LISTED = 50;
const MAX_SLOW_VMS = 10;

export function summarizeMemory(scenario: ModelScenario, placement: Placement, results: readonly MemoryReplication[], steps: number): MemorySummary {
  const hosts = placement.hosts;
  const reps = results.length;
  const perHostMax = (pick: (m: MemoryReplication) => Float64Array, h: number): number => Math.max(...results.map((m) => pick(m)[h]!));
  const perHostMean = (pick: (m: MemoryReplication) => Float64Array, h: number): number => results.reduce((s, m) => s + pick(m)[h]!, 0) / Math.max(1, reps);
  const ram = hosts.map((host) => scenario.hosts[host.group]!.memory.totalGiB);

  const converge = results.flatMap((m) => [...m.ksmConvergeSeconds]);
  const bootedHosts = results.reduce((n, m) => n + m.hostBootsSeen.filter((b) => b > 0).length, 0);
  const reached = converge.filter((x) => Number.isFinite(x));

  const swapPeaks = results.map((m) => Math.max(0, ...m.hostSwapPeakGiB));
  const swapInterval = meanInterval(swapPeaks);

  const trials = hosts.length * reps;
  const hostsWithKill = results.reduce((n, m) => n + m.hostKills.filter((k) => k > 0).length, 0);
  const totalKills = results.reduce((n, m) => n + m.kills.length, 0);
  const runSeconds = steps * scenario.stepSeconds;
  const hostMonths = (trials * runSeconds) / MONTH_SECONDS;
  const wilson = wilsonInterval(hostsWithKill, trials);
  const toMonth = (p: number): number => 1 - Math.pow(1 - p, MONTH_SECONDS / runSeconds);

  const kills = results
    .flatMap((m, r) =>
      m.kills.map((k) => {
        const vm = placement.vms[k.vm]!;
        return { replication: r, timeSeconds: k.timeSeconds, host: hosts[k.host]!.name, vm: vm.name, group: scenario.vms[vm.group]!.name, neededGiB: k.neededGiB, capacityGiB: k.capacityGiB };
      }),
    )
    .slice(0, MAX_LISTED);

  const slowVms = placement.vms
    .map((vm, v) => ({
      vm: vm.name,
      group: scenario.vms[vm.group]!.name,
      host: hosts[vm.host]!.name,
      slowdownMax: Math.max(...results.map((m) => m.vmSlowdownMax[v]!)),
      swappedMinutes: (results.reduce((s, m) => s + m.vmSwappedSteps[v]!, 0) / Math.max(1, reps)) * (scenario.stepSeconds / 60),
    }))
    .filter((x) => x.slowdownMax > 1)
    .sort((a, b) => b.slowdownMax - a.slowdownMax || b.swappedMinutes - a.swappedMinutes)
    .slice(0, MAX_SLOW_VMS);

  const timelineHosts = results[0]?.timeline.hosts ?? 0;
  const series = (pick: (m: MemoryReplication) => Float64Array, h: number): number[] => {
    const out = new Array<number>(steps).fill(0);
    for (const m of results) for (let k = 0; k < steps; k++) out[k]! += pick(m)[h * steps + k]! / reps;
    return out;
  };

  return {
    backedPeakPct: { worst: Math.max(0, ...hosts.map((_, h) => perHostMax((m) => m.hostBackedPeakPct, h))), mean: mean(hosts.map((_, h) => perHostMean((m) => m.hostBackedPeakPct, h))) },
    neededPeakPct: { worst: Math.max(0, ...hosts.map((_, h) => perHostMax((m) => m.hostNeededPeakPct, h))), mean: mean(hosts.map((_, h) => perHostMean((m) => m.hostNeededPeakPct, h))) },
    ksmSavedGiB: summarizeDistribution(results.map((m) => m.ksmSavedGiB)),
    ksmConvergeMinutes:
      bootedHosts > 0
        ? { mean: reached.length > 0 ? mean(reached) / 60 : Number.NaN, max: reached.length > 0 ? Math.max(...reached) / 60 : Number.NaN, hosts: reached.length, notReached: bootedHosts - reached.length }
        : null,
    swapPeakGiB: { mean: mean(swapPeaks), max: Math.max(0, ...swapPeaks), upper95: Number.isFinite(swapInterval.upper95) ? swapInterval.upper95 : null },
    oomKills: { total: totalKills, perReplication: totalKills / Math.max(1, reps), perHostMonth: hostMonths > 0 ? totalKills / hostMonths : Number.NaN },
    oomRiskPerHostMonth: { estimate: toMonth(wilson.estimate), lower95: toMonth(wilson.lower95), upper95: toMonth(wilson.upper95), hostMonths, trials, hostsWithKill, method: 'mc', extrapolated: false },
    oomRiskPerHostRun: { estimate: wilson.estimate, lower95: wilson.lower95, upper95: wilson.upper95, runDays: runSeconds / 86_400 },
    kills,
    slowVms,
    swapStallHostMinutes: (results.reduce((s, m) => s + m.swapStallSteps.reduce((a, b) => a + b, 0), 0) / Math.max(1, reps)) * (scenario.stepSeconds / 60),
    ksmdCoresMean: mean(results.flatMap((m) => [...m.hostKsmdCoresMean])),
    byHost: hosts.map((host, h) => ({
      name: host.name,
      totalGiB: ram[h]!,
      backedPeakPct: perHostMax((m) => m.hostBackedPeakPct, h),
      neededPeakPct: perHostMax((m) => m.hostNeededPeakPct, h),
      swapPeakGiB: perHostMax((m) => m.hostSwapPeakGiB, h),
      ksmSavedMeanGiB: perHostMean((m) => m.hostKsmSavedMeanGiB, h),
      kills: results.reduce((s, m) => s + m.hostKills[h]!, 0),
    })),
    timeline: {
      stepSeconds: scenario.stepSeconds,
      hosts: Array.from({ length: timelineHosts }, (_, h) => ({
        name: hosts[h]!.name,
        ramGiB: ram[h]!,
        backedGiB: series((m) => m.timeline.backedGiB, h),
        ksmSavedGiB: series((m) => m.timeline.ksmSavedGiB, h),
        swapGiB: series((m) => m.timeline.swapGiB, h),
      })),
    },
  };
}

function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((a, b) => a + b, 0) / values.length;
}
