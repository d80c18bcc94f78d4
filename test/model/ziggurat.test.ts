/**
 * The ziggurat's exponential variates (random/ziggurat.ts) must be Exp(1) in distribution: the
 * first moments, a 1000-bin chi-square test of the CDF F(x) = 1 − e^−x, and the tail beyond the
 * base strip (the r − log U branch), with 32-bit inputs from both sources the model uses (a
 * xoshiro128** generator, as in the micro model, and an Alea stream).
 */
import { describe, expect, it } from 'vitest';
import { createStream, type Rng } from '../../src/model/random/streams.js';
import { seedXoshiro128, xoshiro128Next, xoshiro128Uniform } from '../../src/model/random/xoshiro.js';
import { standardExponential, zigguratFast, zigguratSlowPath } from '../../src/model/random/ziggurat.js';

const N = 2_000_000;
const BINS = 1000;

/** Upper z-quantile of chi-square with `df` degrees of freedom (Wilson–Hilferty, 1931). */
function chiSquareQuantile(df: number, z: number): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

function check(draw: () => number): void {
  let sum = 0;
  let sumSq = 0;
  let beyondBase = 0;
  let beyond10 = 0;
  let min = Number.POSITIVE_INFINITY;
  const bins = new Float64Array(BINS);
  for (let i = 0; i < N; i++) {
    const x = draw();
    if (!(x >= min)) min = x;
    sum += x;
    sumSq += x * x;
    if (x > 7.697117470131487) beyondBase++;
    if (x > 10) beyond10++;
    bins[Math.min(BINS - 1, Math.floor(-Math.expm1(-x) * BINS))]!++;
  }
  expect(min).toBeGreaterThanOrEqual(0);
  // E[X] = 1, Var X = 1: SE 1/sqrt(N) = 7.1e-4. E[X²] = 2, Var X² = E[X⁴] − 4 = 20: SE 3.2e-3.
  expect(Math.abs(sum / N - 1)).toBeLessThan(5 / Math.sqrt(N));
  expect(Math.abs(sumSq / N - 2)).toBeLessThan(5 * Math.sqrt(20 / N));
  // Equiprobable bins of F: chi-square with 999 df; 5 sigma (p ≈ 3e-7) is ~1239.
  const expected = N / BINS;
  let chi2 = 0;
  for (const count of bins) chi2 += (count - expected) ** 2 / expected;
  expect(chi2).toBeLessThan(chiSquareQuantile(BINS - 1, 5));
  // Tails: binomial counts with p = e^−r (the base strip's tail, 4.5e-4) and e^−10; 5 sd.
  for (const [count, p] of [
    [beyondBase, Math.exp(-7.697117470131487)],
    [beyond10, Math.exp(-10)],
  ] as const) {
    expect(Math.abs(count - N * p)).toBeLessThan(5 * Math.sqrt(N * p));
  }
}

describe('ziggurat exponential', () => {
  it('is Exp(1) from a xoshiro128** generator (as in the micro model)', () => {
    const state = new Int32Array(4);
    seedXoshiro128(state, 0, createStream(7, 0, 'ziggurat', 'test'));
    const uniform: Rng = () => xoshiro128Uniform(state, 0);
    check(() => {
      const bits = xoshiro128Next(state, 0);
      const x = zigguratFast(bits);
      return x >= 0 ? x : zigguratSlowPath(uniform, bits);
    });
  });

  it('is Exp(1) from an Alea stream (standardExponential)', () => {
    const rng = createStream(8, 0, 'ziggurat', 'test');
    check(() => standardExponential(rng));
  });

  it('settles 97.8 % of draws on the fast path, as documented', () => {
    // The rectangles' share of the 256 layers, from the tables: 0.97778. N = 4e6: SE 7.4e-5.
    const state = new Int32Array(4);
    seedXoshiro128(state, 0, createStream(9, 0, 'ziggurat', 'test'));
    let fast = 0;
    for (let i = 0; i < 4_000_000; i++) if (zigguratFast(xoshiro128Next(state, 0)) >= 0) fast++;
    expect(Math.abs(fast / 4_000_000 - 0.97778)).toBeLessThan(5 * 7.4e-5);
  });
});
