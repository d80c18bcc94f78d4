/**
 * Summaries of pooled distributions across replications, with confidence intervals.
 *
 * A metric's point values (mean, percentiles) come from the histogram pooled over all
 * replications; its 95 % intervals come from the same statistic computed per replication and
 * treated as independent observations (method of independent replications).
 */
import { Histogram } from './histogram.js';
import { meanInterval } from './intervals.js';

export type Interval = [lower: number, upper: number];

export interface DistributionSummary {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** 95 % intervals across replications (absent with a single replication). */
  ci95?: { mean: Interval; p95: Interval; p99: Interval };
}

/** The t-interval of the per-replication values, truncated at 0: every metric here is non-negative. */
function interval(values: number[]): Interval | undefined {
  const ci = meanInterval(values);
  return Number.isFinite(ci.lower95) ? [Math.max(0, ci.lower95), ci.upper95] : undefined;
}

/** Pools the replications' histograms and summarises them. */
export function summarizeDistribution(perReplication: readonly Histogram[]): DistributionSummary {
  const pooled = new Histogram();
  for (const h of perReplication) pooled.merge(h);
  const summary: DistributionSummary = {
    mean: pooled.mean(),
    p50: pooled.quantile(0.5),
    p95: pooled.quantile(0.95),
    p99: pooled.quantile(0.99),
    max: pooled.count > 0 ? pooled.max : Number.NaN,
  };
  const withData = perReplication.filter((h) => h.count > 0);
  if (withData.length >= 2) {
    const mean = interval(withData.map((h) => h.mean()));
    const p95 = interval(withData.map((h) => h.quantile(0.95)));
    const p99 = interval(withData.map((h) => h.quantile(0.99)));
    if (mean && p95 && p99) summary.ci95 = { mean, p95, p99 };
  }
  return summary;
}

/** Element-wise mean of equally long arrays (e.g. a timeline over replications). */
export function meanOfArrays(arrays: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(arrays[0]?.length ?? 0);
  for (const a of arrays) for (let i = 0; i < out.length; i++) out[i]! += a[i]!;
  for (let i = 0; i < out.length; i++) out[i]! /= arrays.length;
  return out;
}

/** Element-wise maximum of equally long arrays. */
export function maxOfArrays(arrays: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(arrays[0]?.length ?? 0).fill(Number.NEGATIVE_INFINITY);
  for (const a of arrays) for (let i = 0; i < out.length; i++) if (a[i]! > out[i]!) out[i] = a[i]!;
  return out;
}
