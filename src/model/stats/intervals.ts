/**
 * Confidence intervals for Monte Carlo results.
 *
 * - Means over independent replications: Student's t interval (each replication is one i.i.d.
 *   observation of a run-level statistic; sources: any statistics text, e.g. Law, "Simulation
 *   Modeling and Analysis", ch. 9, the method of independent replications).
 * - Proportions (e.g. the share of host-months with an OOM kill): the Wilson score interval, which
 *   stays inside [0, 1] and gives a finite upper bound when no event was seen (Wilson 1927;
 *   Brown, Cai & DasGupta 2001 recommend it over the Wald interval for small counts).
 */

/** Two-sided 95 % quantiles t(0.975, df) for df = 1..30 (standard table). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12,
  2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
const Z975 = 1.959963984540054;

/** t quantile at 0.975 for `df` degrees of freedom (table to 30, Cornish–Fisher expansion above). */
export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN;
  if (df <= 30) return T975[Math.floor(df) - 1]!;
  const z = Z975;
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  const z7 = z5 * z * z;
  return (
    z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
  );
}

export interface MeanInterval {
  mean: number;
  lower95: number;
  upper95: number;
  /** Number of observations (replications). */
  n: number;
}

/** Mean and 95 % t-interval of independent observations; a single observation gives no interval. */
export function meanInterval(values: readonly number[]): MeanInterval {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, lower95: Number.NaN, upper95: Number.NaN, n };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n === 1) return { mean, lower95: Number.NaN, upper95: Number.NaN, n };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const half = tQuantile975(n - 1) * Math.sqrt(ss / (n - 1) / n);
  return { mean, lower95: mean - half, upper95: mean + half, n };
}

export interface ProportionInterval {
  estimate: number;
  lower95: number;
  upper95: number;
  successes: number;
  trials: number;
}

/** Wilson score interval at 95 % for `successes` out of `trials`. */
export function wilsonInterval(successes: number, trials: number): ProportionInterval {
  if (trials <= 0) return { estimate: Number.NaN, lower95: Number.NaN, upper95: Number.NaN, successes, trials };
  const z = Z975;
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / (1 + z2n);
  return {
    estimate: p,
    // Exact at the ends: no successes cannot have a positive lower bound (round-off leaves ~1e-17).
    lower95: successes === 0 ? 0 : Math.max(0, centre - half),
    upper95: successes === trials ? 1 : Math.min(1, centre + half),
    successes,
    trials,
  };
}
