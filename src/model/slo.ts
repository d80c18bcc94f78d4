/**
 * Service-level objectives: which metric each SLO key limits and how its value is read from a
 * study's results. One table, so the scenario schema, the report and the recommender agree on
 * names, units and direction.
 *
 * A limit is an upper bound on the point estimate (pooled over replications). `upper95` is the
 * upper end of the 95 % interval across replications where one exists; the recommender requires
 * it, not just the point value, to meet the limit.
 */
import type { Slo } from './scenario.js';
import type { DistributionSummary } from './stats/summary.js';
import type { CpuSummary } from './cpu/summary.js';
import type { MemorySummary } from './memory/summary.js';
import type { BootSummary, IoSummary } from './io/summary.js';
import type { LatencySummary } from './latency/summary.js';

/** The parts of a study the SLOs read. */
export interface SloInputs {
  cpu: CpuSummary;
  memory: MemorySummary;
  io: IoSummary;
  boot: BootSummary;
  latency: LatencySummary;
}

export interface SloResult {
  name: keyof Slo;
  /** What is limited, in words with its unit. */
  metric: string;
  unit: string;
  limit: number;
  value: number;
  upper95: number | null;
  pass: boolean;
}

interface SloDefinition {
  metric: string;
  unit: string;
  read: (study: SloInputs) => { value: number; upper95: number | null };
}

const fromDistribution = (pick: (s: DistributionSummary) => number, ci?: 'mean' | 'p95' | 'p99') =>
  (summary: DistributionSummary) => ({
    value: pick(summary),
    upper95: ci && summary.ci95 ? summary.ci95[ci][1] : null,
  });

export const SLO_DEFINITIONS: Record<keyof Slo, SloDefinition> = {
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
  oomRiskPerHostMonth: {
    metric: 'probability that a host has at least one OOM kill in 30 days',
    unit: 'probability',
    read: (s) => ({ value: s.memory.oomRiskPerHostMonth.estimate, upper95: s.memory.oomRiskPerHostMonth.upper95 }),
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
      let worst: { value: number; upper95: number | null } = { value: Number.NaN, upper95: null };
      for (const hb of s.latency.heartbeats) {
        if (!(hb.flapsPerDay <= worst.value)) worst = { value: hb.flapsPerDay, upper95: hb.flapsPerDayCi95[1] };
      }
      return worst;
    },
  },
};

/** Evaluates every SLO the scenario sets, in the table's order. */
export function evaluateSlos(slo: Slo, study: SloInputs): SloResult[] {
  const results: SloResult[] = [];
  for (const name of Object.keys(SLO_DEFINITIONS) as (keyof Slo)[]) {
    const limit = slo[name];
    if (limit === undefined) continue;
    const def = SLO_DEFINITIONS[name];
    const { value, upper95 } = def.read(study);
    // A metric with no data (NaN) cannot be shown to meet its limit.
    results.push({ name, metric: def.metric, unit: def.unit, limit, value, upper95, pass: value <= limit });
  }
  return results;
}
