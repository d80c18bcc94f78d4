/**
 * Service-level objectives: which metric each SLO key limits and how its value is read from a
 * study's results, and the one rule that judges them. One table, so the scenario schema, the
 * report, the terminal UI and the recommender agree on names, units, direction and verdict.
 *
 * A limit is an upper bound. Each SLO is judged on its point estimate (pooled over replications)
 * and on `upper95`, the upper end of its 95 % interval across replications:
 * - `pass`: the upper bound is within the limit (demonstrated at 95 % confidence);
 * - `not-demonstrated`: the point value is within the limit but the upper bound is not (or there
 *   is no interval, with one replication): more replications may settle it either way;
 * - `fail`: the point value is over the limit (or the metric has no data).
 * A study's verdict is its worst SLO's status. The CLI exits 3 on `fail` with `--fail-on-slo`,
 * and also on `not-demonstrated` with `--strict-slo`.
 *
 * `unplacedVms` is implicit: VMs that fit no host fail the verdict unless the scenario's `slo:`
 * allows some. Placement is exact, so its interval is the value itself.
 */
import type { Placement } from './placement.js';
import type { Slo } from './scenario.js';
import type { DistributionSummary } from './stats/summary.js';
import type { CpuSummary } from './cpu/summary.js';
import type { MemorySummary } from './memory/summary.js';
import type { BootSummary, IoSummary } from './io/summary.js';
import type { LatencySummary } from './latency/summary.js';

/** The parts of a study the SLOs read. */
export interface SloInputs {
  placement: Pick<Placement, 'unplaced'>;
  cpu: CpuSummary;
  memory: MemorySummary;
  io: IoSummary;
  boot: BootSummary;
  latency: LatencySummary;
}

/** How an SLO, or a whole study, is judged (see the module comment). */
export type SloStatus = 'pass' | 'not-demonstrated' | 'fail';

/** The three statuses, best first. */
export const SLO_STATUSES: readonly SloStatus[] = ['pass', 'not-demonstrated', 'fail'];

/** How each status is written in reports: in words, never by colour alone. */
export const SLO_STATUS_TEXT: Record<SloStatus, string> = { pass: 'PASS', 'not-demonstrated': 'NOT DEMONSTRATED', fail: 'FAIL' };

export interface SloResult {
  name: keyof Slo;
  /** What is limited, in words with its unit. */
  metric: string;
  unit: string;
  limit: number;
  value: number;
  upper95: number | null;
  status: SloStatus;
  /** True when the scenario did not set this SLO and its default limit applies (unplacedVms). */
  implicit: boolean;
}

interface SloDefinition {
  metric: string;
  unit: string;
  /** The value and its 95 % interval's ends (null where unknown). */
  read: (study: SloInputs) => { value: number; upper95: number | null; lower95?: number | null };
  /** The limit that applies when the scenario sets none; without one the SLO is off. */
  defaultLimit?: number;
}

/** Judges one SLO: its point value and 95 % upper bound against its limit. */
export function sloStatus(value: number, upper95: number | null, limit: number): SloStatus {
  // A metric with no data (NaN) cannot be shown to meet its limit.
  if (!(value <= limit)) return 'fail';
  return upper95 !== null && upper95 <= limit ? 'pass' : 'not-demonstrated';
}

/** The worst of a set of statuses; `pass` when there are none. */
export function worstStatus(statuses: Iterable<SloStatus>): SloStatus {
  let worst = 0;
  for (const s of statuses) worst = Math.max(worst, SLO_STATUSES.indexOf(s));
  return SLO_STATUSES[worst]!;
}

const fromDistribution = (pick: (s: DistributionSummary) => number, ci?: 'mean' | 'p95' | 'p99') =>
  (summary: DistributionSummary) => ({
    value: pick(summary),
    upper95: ci && summary.ci95 ? summary.ci95[ci][1] : null,
    lower95: ci && summary.ci95 ? summary.ci95[ci][0] : null,
  });

export const SLO_DEFINITIONS: Record<keyof Slo, SloDefinition> = {
  unplacedVms: {
    metric: 'VMs that fit no host',
    unit: 'VMs',
    read: (s) => {
      const count = s.placement.unplaced.reduce((sum, u) => sum + u.count, 0);
      return { value: count, upper95: count, lower95: count };
    },
    defaultLimit: 0,
  },
  cpuReadyPctP95: {
    metric: 'CPU ready p95 per vCPU-interval',
    unit: '%',
    read: (s) => fromDistribution((d) => d.p95, 'p95')(s.cpu.readyPct),
  },
  cpuReadyPctMean: {
    metric: 'CPU ready mean per vCPU',
    unit: '%',
    read: (s) => fromDistribution((d) => d.mean, 'mean')(s.cpu.readyPct),
  },
  schedDelayMsP99: {
    metric: 'scheduling delay p99 per wake-up',
    unit: 'ms',
    read: (s) => fromDistribution((d) => d.p99, 'p99')(s.cpu.schedDelayMs),
  },
  hostUtilPctP95: {
    metric: 'host pCPU utilisation p95 per host-interval',
    unit: '%',
    read: (s) => fromDistribution((d) => d.p95, 'p95')(s.cpu.hostUtilPct),
  },
  uiActionMsP95: {
    metric: 'UI action time p95 per running VM-interval (uiActionMs of CPU work, waiting and running)',
    unit: 'ms',
    read: (s) => fromDistribution((d) => d.p95, 'p95')(s.cpu.uiActionMs),
  },
  oomRiskPerHostMonth: {
    metric: 'probability that a host has at least one OOM kill in 30 days',
    unit: 'probability',
    read: (s) => ({ value: s.memory.oomRiskPerHostMonth.estimate, upper95: s.memory.oomRiskPerHostMonth.upper95, lower95: s.memory.oomRiskPerHostMonth.lower95 }),
  },
  swapPeakGiB: {
    metric: 'largest host swap use in a run (mean over replications)',
    unit: 'GiB',
    read: (s) => ({ value: s.memory.swapPeakGiB.mean, upper95: s.memory.swapPeakGiB.upper95 }),
  },
  bootSecondsP95: {
    metric: 'boot time p95 (admission to up)',
    unit: 's',
    read: (s) => fromDistribution((d) => d.p95, 'p95')(s.boot.seconds),
  },
  ioLatencyMsP95: {
    metric: 'IO latency p95 per IO',
    unit: 'ms',
    read: (s) => fromDistribution((d) => d.p95, 'p95')(s.io.latencyMs),
  },
  flapsPerDay: {
    metric: 'heartbeat flaps per day (failovers the old master reclaims), worst heartbeat',
    unit: '/day',
    read: (s) => {
      let worst: { value: number; upper95: number | null; lower95: number | null } = { value: Number.NaN, upper95: null, lower95: null };
      for (const hb of s.latency.heartbeats) {
        if (!(hb.flapsPerDay <= worst.value)) worst = { value: hb.flapsPerDay, upper95: hb.flapsPerDayCi95[1], lower95: hb.flapsPerDayCi95[0] };
      }
      return worst;
    },
  },
};

/** The limit an SLO has in a scenario: the one set, else its default (undefined: not judged). */
export function sloLimit(slo: Slo, name: keyof Slo): number | undefined {
  return slo[name] ?? SLO_DEFINITIONS[name].defaultLimit;
}

/** Evaluates every SLO the scenario sets (and the implicit ones), in the table's order. */
export function evaluateSlos(slo: Slo, study: SloInputs): SloResult[] {
  const results: SloResult[] = [];
  for (const name of Object.keys(SLO_DEFINITIONS) as (keyof Slo)[]) {
    const limit = sloLimit(slo, name);
    if (limit === undefined) continue;
    const def = SLO_DEFINITIONS[name];
    const { value, upper95 } = def.read(study);
    results.push({ name, metric: def.metric, unit: def.unit, limit, value, upper95, status: sloStatus(value, upper95, limit), implicit: slo[name] === undefined });
  }
  return results;
}

/** A study's verdict: its worst SLO's status. */
export function studyVerdict(slos: readonly Pick<SloResult, 'status'>[]): SloStatus {
  return worstStatus(slos.map((s) => s.status));
}
