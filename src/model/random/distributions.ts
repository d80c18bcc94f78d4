/**
 * Positive random variates with a given mean and coefficient of variation (cv = sd / mean).
 *
 * CPU bursts and idle gaps are exponential by default (the machine-repairman and Erlang models the
 * CPU engine is validated against assume it); the others let a user test how sensitive a result is
 * to that assumption: `deterministic` (cv 0), `gamma` and `lognormal` (any cv), `hyperexponential`
 * (cv >= 1, balanced means: a mix of short and long bursts, as interactive workloads show).
 *
 * `sample` is a plain switch so the simulation's inner loop calls one monomorphic function and
 * allocates nothing.
 */
import type { Rng } from './streams.js';

export const DISTRIBUTIONS = ['exponential', 'deterministic', 'gamma', 'lognormal', 'hyperexponential'] as const;
export type DistributionName = (typeof DISTRIBUTIONS)[number];

/** Numeric codes used in typed arrays and hot loops. */
export const EXPONENTIAL = 0;
export const DETERMINISTIC = 1;
export const GAMMA = 2;
export const LOGNORMAL = 3;
export const HYPEREXPONENTIAL = 4;

export function distributionCode(name: DistributionName): number {
  return DISTRIBUTIONS.indexOf(name);
}

/** The cv a distribution has by construction, or undefined when the user chooses it. */
export function fixedCv(name: DistributionName): number | undefined {
  if (name === 'exponential') return 1;
  if (name === 'deterministic') return 0;
  return undefined;
}

/** Uniform on (0, 1]: never 0, so logarithms stay finite. */
function openUniform(rng: Rng): number {
  return 1 - rng();
}

/** Exponential variate with the given mean. */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(openUniform(rng));
}

/** Standard normal variate (Box–Muller, one of the pair; the other is discarded to stay stateless). */
export function standardNormal(rng: Rng): number {
  const u1 = openUniform(rng);
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Gamma variate with shape k and scale 1 (Marsaglia & Tsang 2000; boosted for k < 1). */
export function standardGamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    // Gamma(k) = Gamma(k + 1) * U^(1/k)
    return standardGamma(rng, shape + 1) * Math.pow(openUniform(rng), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = openUniform(rng);
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Draws one variate of the distribution `code` with the given mean and cv (cv ignored where fixed). */
export function sample(code: number, rng: Rng, mean: number, cv: number): number {
  if (mean <= 0) return 0;
  switch (code) {
    case EXPONENTIAL:
      return exponential(rng, mean);
    case DETERMINISTIC:
      return mean;
    case GAMMA: {
      if (cv <= 0) return mean;
      const shape = 1 / (cv * cv);
      return standardGamma(rng, shape) * (mean / shape);
    }
    case LOGNORMAL: {
      if (cv <= 0) return mean;
      const sigma2 = Math.log(1 + cv * cv);
      const mu = Math.log(mean) - sigma2 / 2;
      return Math.exp(mu + Math.sqrt(sigma2) * standardNormal(rng));
    }
    case HYPEREXPONENTIAL: {
      // Two-phase H2 with balanced means (Whitt): p = (1 + sqrt((c²-1)/(c²+1))) / 2.
      const c2 = Math.max(1, cv * cv);
      const p = 0.5 * (1 + Math.sqrt((c2 - 1) / (c2 + 1)));
      const branch = rng();
      const phaseMean = branch < p ? mean / (2 * p) : mean / (2 * (1 - p));
      return exponential(rng, phaseMean);
    }
    default:
      throw new RangeError(`unknown distribution code ${code}`);
  }
}

/** Mean-1 multiplicative noise factor with the given cv (lognormal; 1 when cv is 0). */
export function noiseFactor(rng: Rng, cv: number): number {
  return cv > 0 ? sample(LOGNORMAL, rng, 1, cv) : 1;
}
