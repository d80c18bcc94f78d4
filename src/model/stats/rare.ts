/**
 * Estimators for rare events over host-runs (a host through one replication): the probability
 * that the OOM killer strikes, when plain Monte Carlo would need thousands of host-runs to see it.
 *
 * Importance sampling (Rubinstein & Kroese, "Simulation and the Monte Carlo Method", 3rd ed.,
 * ch. 5 and 8). Host-runs are simulated with their inputs drawn from a shifted density and each
 * carries the likelihood ratio w of its draws; p = E[w · 1{event}] exactly, whatever the shift.
 * Hosts of one replication share its boot storm and datastores, so the replication is the
 * independent unit: the estimate is the ratio Σ_r y_r / Σ_r n_r (y_r = Σ w·1 over the
 * replication's hosts, n_r its hosts) and its standard error the cluster (ratio-estimator)
 * formula over replications. The 95 % interval is normal; it is trusted only with enough hits
 * (MIN_HITS), since with few hits the sample variance itself is unreliable.
 *
 * Cross-entropy choice of the shift (the same book, ch. 8; de Boer et al., "A tutorial on the
 * cross-entropy method", Ann. Oper. Res. 134, 2005). For a mean shift θ of iid standard normals
 * the update that minimises the cross-entropy to the zero-variance density is the likelihood-
 * weighted mean of the normals over the elite samples: θ' = Σ w·ΣZ / Σ w·n over host-runs whose
 * score (here: how far the host came to running out of memory) reached the level γ, γ being the
 * (1 − ρ) quantile of the scores, or the event itself once that quantile reaches it.
 *
 * Effective sample size (Kong 1992; Kish): ESS = (Σ w)² / Σ w², over host-runs.
 */

/** A month, as every "per host-month" figure counts it: 30 days (the oomRiskPerHostMonth SLO's "in 30 days"). */
export const MONTH_SECONDS = 30 * 86_400;

/** One host-run as the estimators see it. */
export interface HostRun {
  /** The replication it belongs to (the cluster). */
  replication: number;
  /** Likelihood ratio of its draws (1 without importance sampling). */
  weight: number;
  /** Whether the event happened (e.g. an OOM kill). */
  hit: boolean;
  /** A score that reaches 0 at the event and grows towards it (e.g. −headroom, GiB). */
  score: number;
  /** Σ and count of the shifted standard normals of its inputs (for the cross-entropy update). */
  zSum: number;
  zCount: number;
}

/** Hits below this make an importance-sampling interval untrustworthy (too few to estimate its variance). */
export const MIN_HITS = 10;

export interface ProbabilityEstimate {
  estimate: number;
  lower95: number;
  upper95: number;
  /** Host-runs used and, of them, hits. */
  trials: number;
  hits: number;
  /** Effective sample size of the weights over all host-runs. */
  ess: number;
  /** Whether the interval can be trusted (enough hits for its variance). */
  reliable: boolean;
}

/** The importance-sampling estimate of P(event) per host-run, with its cluster-robust 95 % interval. */
export function importanceEstimate(runs: readonly HostRun[]): ProbabilityEstimate {
  const clusters = new Map<number, { y: number; n: number }>();
  let sumW = 0;
  let sumW2 = 0;
  let hits = 0;
  for (const run of runs) {
    let c = clusters.get(run.replication);
    if (!c) clusters.set(run.replication, (c = { y: 0, n: 0 }));
    c.n++;
    if (run.hit) {
      c.y += run.weight;
      hits++;
    }
    sumW += run.weight;
    sumW2 += run.weight * run.weight;
  }
  const R = clusters.size;
  let Y = 0;
  let N = 0;
  for (const c of clusters.values()) {
    Y += c.y;
    N += c.n;
  }
  const p = N > 0 ? Y / N : 0;
  let s2 = 0;
  for (const c of clusters.values()) s2 += (c.y - p * c.n) ** 2;
  const se = R > 1 && N > 0 ? Math.sqrt((R / (R - 1)) * s2) / N : Number.POSITIVE_INFINITY;
  return {
    estimate: p,
    lower95: Math.max(0, p - 1.96 * se),
    upper95: Math.min(1, p + 1.96 * se),
    trials: runs.length,
    hits,
    ess: sumW2 > 0 ? (sumW * sumW) / sumW2 : 0,
    reliable: hits >= MIN_HITS && Number.isFinite(se),
  };
}

/**
 * The cross-entropy update of a common mean shift: from host-runs simulated at some shift, the
 * shift that puts the elite host-runs' weighted normals at their mean. `rho` is the elite share.
 * Returns the new shift and the level used (0 once the event itself is reached).
 */
export function crossEntropyShift(runs: readonly HostRun[], rho = 0.1): { shift: number; level: number } {
  const scores = runs.map((r) => r.score).sort((a, b) => a - b);
  const quantile = scores[Math.min(scores.length - 1, Math.floor((1 - rho) * scores.length))] ?? 0;
  const level = Math.min(quantile, 0);
  let num = 0;
  let den = 0;
  for (const run of runs) {
    if (run.score < level || run.zCount === 0) continue;
    num += run.weight * run.zSum;
    den += run.weight * run.zCount;
  }
  return { shift: den > 0 ? num / den : 0, level };
}

/** A probability per run of `runSeconds` as one per `periodSeconds` (independent, alike runs). */
export function perPeriod(pRun: number, runSeconds: number, periodSeconds: number): number {
  return 1 - Math.pow(1 - Math.min(1, Math.max(0, pRun)), periodSeconds / runSeconds);
}
