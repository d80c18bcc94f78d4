/**
 * The fleet's per-interval random streams (random/normal-field.ts): sfc32 uniforms and ziggurat
 * normals, checked against the exact distributions.
 *
 * N = 400,000 normals from one stream. Kolmogorov–Smirnov: the statistic D_N exceeds
 * 1.95/√N with probability 0.1 % (Kolmogorov distribution). Tail frequencies are binomial; each
 * check allows 5 standard errors. The normal CDF uses erfc from Abramowitz & Stegun 7.1.26's
 * refinement (W. J. Cody's rational approximation is overkill here): |error| < 1.2e-7.
 */
import { describe, expect, it } from 'vitest';
import { RandomField } from '../../src/model/random/normal-field.js';
import { createStream } from '../../src/model/random/streams.js';

/** Φ(x) via erfc (Numerical Recipes' erfcc, fractional error < 1.2e-7 everywhere). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r / 2 : r / 2;
}

function draws(field: RandomField, i: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = field.normal(i);
  return out;
}

describe('RandomField normals', () => {
  const N = 400_000;
  const field = new RandomField([createStream(1, 0, 'test', 'normal')]);
  const xs = draws(field, 0, N).sort();

  it('pass Kolmogorov–Smirnov against the standard normal CDF (D < 1.95/√N, 0.1 % level)', () => {
    let d = 0;
    for (let k = 0; k < N; k++) {
      const f = normalCdf(xs[k]!);
      d = Math.max(d, Math.abs(f - k / N), Math.abs((k + 1) / N - f));
    }
    expect(d).toBeLessThan(1.95 / Math.sqrt(N));
  });

  it('have the normal tails: P(|Z| > 2), P(|Z| > 3), P(Z > 3.5) within 5 standard errors', () => {
    for (const [threshold, twoSided] of [[2, true], [3, true], [3.5, false]] as const) {
      const p = twoSided ? 2 * (1 - normalCdf(threshold)) : 1 - normalCdf(threshold);
      let hits = 0;
      for (let k = 0; k < N; k++) if ((twoSided ? Math.abs(xs[k]!) : xs[k]!) > threshold) hits++;
      expect(Math.abs(hits / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
    }
  });

  it('reach beyond the ziggurat base (|Z| > R = 3.44) from both sides', () => {
    expect(xs[0]!).toBeLessThan(-3.44);
    expect(xs[N - 1]!).toBeGreaterThan(3.44);
  });

  it('are uncorrelated from one draw to the next (|lag-1 r| < 5/√N)', () => {
    const field2 = new RandomField([createStream(2, 0, 'test', 'lag')]);
    const seq = draws(field2, 0, N);
    let sxy = 0;
    for (let k = 1; k < N; k++) sxy += seq[k]! * seq[k - 1]!;
    expect(Math.abs(sxy / (N - 1))).toBeLessThan(5 / Math.sqrt(N));
  });
});

describe('RandomField streams', () => {
  it('are independent of each other and of the order they are drawn in', () => {
    const sources = () => [createStream(3, 0, 'a', 'p'), createStream(3, 0, 'b', 'p')];
    const alone = new RandomField(sources());
    const a = draws(alone, 0, 100);
    const mixed = new RandomField(sources());
    const b: number[] = [];
    for (let k = 0; k < 100; k++) {
      mixed.normal(1);
      mixed.normal(1);
      b.push(mixed.normal(0));
    }
    expect(Array.from(a)).toEqual(b);
  });

  it('uniforms are on [0, 1) with mean 1/2 and variance 1/12 (4 standard errors)', () => {
    const field = new RandomField([createStream(4, 0, 'u', 'u')]);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let k = 0; k < n; k++) {
      const u = field.uniform(0);
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    expect(outside).toBe(0);
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(4 * 1.7e-4 * Math.sqrt(200_000 / n));
  });
});
