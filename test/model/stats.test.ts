/**
 * Histogram (stats/histogram.ts), confidence intervals (stats/intervals.ts) and summaries
 * (stats/summary.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketByLog, bucketLowerBound, bucketOf, Histogram, HISTOGRAM_BUCKETS } from '../../src/model/stats/histogram.js';
import { meanInterval, tQuantile975, wilsonInterval } from '../../src/model/stats/intervals.js';
import { maxOfArrays, meanOfArrays, summarizeDistribution } from '../../src/model/stats/summary.js';

/**
 * The exact sample q-quantile under the histogram's definition ("the smallest bucket whose
 * cumulative count reaches q·count"): the k-th smallest value with k = ceil(q·n). The bucket that
 * first reaches q·n holds exactly that order statistic, since cumulative counts are integers.
 */
function exactQuantile(sorted: readonly number[], q: number): number {
  const k = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[k - 1]!;
}

/**
 * Values from 1e-6 to 1e9, uniform in log scale (so a value falls anywhere inside its 2 % bucket),
 * plus exact zeros. Built from a 32-bit integer: fc.double's bias towards its bounds and round
 * numbers would put most values at the same few positions within their buckets.
 */
const valueArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 9, arbitrary: fc.integer({ min: 0, max: 0xffffffff }).map((i) => 1e-6 * Math.pow(1e15, i / 0xffffffff)) },
);

/** The double `steps` ulps away from positive `x` (positive doubles are ordered like their bits). */
function ulpsAway(x: number, steps: number): number {
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] = bits[0]! + BigInt(steps);
  return f[0]!;
}

describe('Histogram bucket lookup', () => {
  it('puts every value in the bucket the logarithm rule gives, at and around every boundary', () => {
    // bucketOf finds buckets from the float's bits and a table of boundaries; bucketByLog is the
    // rule by definition. Each boundary and the 40 doubles on either side of it.
    let mismatches = 0;
    for (let b = 1; b < HISTOGRAM_BUCKETS; b++) {
      const lower = bucketLowerBound(b);
      expect(bucketByLog(lower)).toBe(b);
      expect(bucketByLog(ulpsAway(lower, -1))).toBe(b - 1);
      for (let k = -40; k <= 40; k++) {
        const v = ulpsAway(lower, k);
        if (bucketOf(v) !== bucketByLog(v)) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('agrees with the logarithm rule on values from 1e-12 to 1e14 and at the edges', () => {
    // 1,000,000 values evenly spaced in log scale: ~400 at different positions in every bucket.
    let mismatches = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const v = 1e-12 * Math.pow(1e26, (i + 0.5) / 1_000_000);
      if (bucketOf(v) !== bucketByLog(v)) mismatches++;
    }
    expect(mismatches).toBe(0);
    for (const v of [0, Number.MIN_VALUE, 1e-10, 1e-9, ulpsAway(1e-9, -1), 1, 1e12, 1e13, Number.MAX_VALUE, Number.POSITIVE_INFINITY]) {
      expect(bucketOf(v)).toBe(bucketByLog(v));
    }
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(Number.POSITIVE_INFINITY)).toBe(HISTOGRAM_BUCKETS - 1);
  });
});

describe('Histogram', () => {
  it('quantiles are within ±1 % (relative) of the exact sample quantile', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 1, maxLength: 500 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }), (values, qs) => {
        const h = new Histogram();
        for (const v of values) h.add(v);
        const sorted = [...values].sort((a, b) => a - b);
        for (const q of [...qs, 0.5, 0.95, 0.99]) {
          const exact = exactQuantile(sorted, q);
          // Buckets are 2 % wide in ratio and report the geometric midpoint, so the reported value is
          // within a factor 1.02^±½ (+0.995 % / −0.985 %) of any value in the bucket; zeros are exact.
          expect(Math.abs(h.quantile(q) - exact)).toBeLessThanOrEqual(0.01 * exact);
        }
        // q = 0 and q = 1 return the exact extremes.
        expect(h.quantile(0)).toBe(sorted[0]);
        expect(h.quantile(1)).toBe(sorted[sorted.length - 1]);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('merging two histograms equals adding every value to one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 300 }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 300 }), (xs, ys) => {
        // Integer values keep every sum exact (< 2^53), so even `sum` must match bit for bit.
        const a = new Histogram();
        const b = new Histogram();
        const all = new Histogram();
        for (const x of xs) {
          a.add(x);
          all.add(x);
        }
        for (const y of ys) {
          b.add(y);
          all.add(y);
        }
        a.merge(b);
        expect(Array.from(a.counts)).toEqual(Array.from(all.counts));
        expect(a.count).toBe(all.count);
        expect(a.sum).toBe(all.sum);
        expect(a.min).toBe(all.min);
        expect(a.max).toBe(all.max);
        for (const q of [0.1, 0.5, 0.9, 0.99]) expect(a.quantile(q)).toBe(all.quantile(q));
      }),
      { seed: 12, numRuns: 200 },
    );
  });

  it('toJSON / fromJSON (also through JSON text) reproduce the histogram', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(valueArb, fc.integer({ min: 1, max: 5 })), { maxLength: 300 }), (entries) => {
        const h = new Histogram();
        for (const [v, w] of entries) h.add(v, w);
        for (const copy of [Histogram.fromJSON(h.toJSON()), Histogram.fromJSON(JSON.parse(JSON.stringify(h)) as ReturnType<Histogram['toJSON']>)]) {
          expect(Array.from(copy.counts)).toEqual(Array.from(h.counts));
          expect(copy.count).toBe(h.count);
          expect(copy.sum).toBe(h.sum);
          expect(copy.min).toBe(h.min);
          expect(copy.max).toBe(h.max);
          expect(copy.quantile(0.9)).toEqual(h.quantile(0.9));
        }
      }),
      { seed: 13, numRuns: 200 },
    );
  });

  it('values at the very edges of a bucket are reported within 1 %', () => {
    // Bucket b >= 1 holds [1e-9·1.02^(b−1), 1e-9·1.02^b) and reports its geometric midpoint
    // 1e-9·1.02^(b−½): +0.995 % from the lower edge, −0.985 % from the upper one. A value is put
    // between a much smaller and a much larger one so the median is its bucket's midpoint, not
    // clamped to the histogram's min or max.
    for (const b of [1, 100, 1047, 1500, 2400]) {
      for (const v of [1e-9 * 1.02 ** (b - 1) * (1 + 1e-12), 1e-9 * 1.02 ** b * (1 - 1e-12)]) {
        const h = new Histogram();
        h.add(v / 1e3);
        h.add(v);
        h.add(v * 1e3);
        const reported = h.quantile(0.5);
        expect(Math.abs(reported / v - 1)).toBeLessThanOrEqual(0.01);
        // And it is not simply the value itself: the bucket midpoint is ~1 % away at an edge.
        expect(Math.abs(reported / v - 1)).toBeGreaterThan(0.009);
      }
    }
  });

  it('addScaled(values, weights, from, to, scale) equals add(values[i]·scale, weights[i]) for every i in [from, to) with a weight', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(valueArb, fc.integer({ min: 0, max: 16 })), { minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom(1, 100, 1e-3, 0.37),
        (entries, a, b, scale) => {
          const values = Float64Array.from(entries, ([v]) => v);
          const weights = Int32Array.from(entries, ([, w]) => w);
          const from = a % entries.length;
          const to = from + (b % (entries.length - from + 1));
          const batch = new Histogram();
          const single = new Histogram();
          // Both start from the same non-empty state, so the batch must also merge min/max/sum in.
          batch.add(5, 2);
          single.add(5, 2);
          batch.addScaled(values, weights, from, to, scale);
          // A zero weight is a VM that is not running: it is skipped, and so leaves min/max alone.
          for (let i = from; i < to; i++) if (weights[i]! > 0) single.add(values[i]! * scale, weights[i]!);
          expect(Array.from(batch.counts)).toEqual(Array.from(single.counts));
          expect(batch.count).toBe(single.count);
          expect(batch.sum).toBe(single.sum); // same additions in the same order: bit-identical
          expect(batch.min).toBe(single.min);
          expect(batch.max).toBe(single.max);
        },
      ),
      { seed: 14, numRuns: 300 },
    );
  });

  it('addScaledToBoth gives each histogram what addScaled gives it, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(valueArb, fc.integer({ min: 0, max: 16 })), { minLength: 1, maxLength: 100 }),
        fc.nat(),
        fc.nat(),
        (entries, a, b) => {
          const values = Float64Array.from(entries, ([v]) => v);
          const weights = Int32Array.from(entries, ([, w]) => w);
          const from = a % entries.length;
          const to = from + (b % (entries.length - from + 1));
          const [both, other, alone, otherAlone] = [new Histogram(), new Histogram(), new Histogram(), new Histogram()];
          // Different starting states, so each side's own min/max/sum must be merged in.
          both.add(5, 2);
          alone.add(5, 2);
          other.add(0.5, 1);
          otherAlone.add(0.5, 1);
          both.addScaledToBoth(other, values, weights, from, to, 100);
          alone.addScaled(values, weights, from, to, 100);
          otherAlone.addScaled(values, weights, from, to, 100);
          for (const [x, y] of [[both, alone], [other, otherAlone]] as const) {
            expect(Array.from(x.counts)).toEqual(Array.from(y.counts));
            expect([x.count, x.sum, x.min, x.max]).toEqual([y.count, y.sum, y.min, y.max]);
          }
        },
      ),
      { seed: 15, numRuns: 200 },
    );
  });

  // REGRESSION (fixed in src/model/stats/histogram.ts addScaled): bucket counts were written into
  // this.counts as the loop goes, but count/sum/min/max are kept in locals and stored only after
  // the loop. A negative or NaN value part-way through throws after some buckets were already
  // incremented, leaving counts that no longer sum to `count` (add() checks before writing).
  it('a rejected addScaled batch leaves the histogram consistent (buckets sum to count)', () => {
    const h = new Histogram();
    h.add(1);
    expect(() => h.addScaled(Float64Array.from([2, 3, -1]), Int32Array.from([1, 1, 1]), 0, 3, 1)).toThrow(RangeError);
    const bucketTotal = Array.from(h.counts).reduce((x, y) => x + y, 0);
    expect(bucketTotal).toBe(h.count);
  });

  it('an empty histogram survives JSON (where ±Infinity becomes null) and stays usable', () => {
    const data = JSON.parse(JSON.stringify(new Histogram())) as ReturnType<Histogram['toJSON']>;
    const h = Histogram.fromJSON(data);
    expect(h.count).toBe(0);
    expect(h.mean()).toBeNaN();
    expect(h.quantile(0.5)).toBeNaN();
    h.add(3);
    expect(h.min).toBe(3);
    expect(h.max).toBe(3);
  });

  it('keeps exact count, sum, mean, min and max; weights count as repeated values', () => {
    const h = new Histogram();
    h.add(2);
    h.add(10, 3);
    h.add(0);
    // count 1 + 3 + 1 = 5; sum 2 + 30 + 0 = 32; mean 32 / 5 = 6.4
    expect(h.count).toBe(5);
    expect(h.sum).toBe(32);
    expect(h.mean()).toBe(6.4);
    expect(h.min).toBe(0);
    expect(h.max).toBe(10);
    // Ranks: 0 (1), 2 (2), 10 (3..5). Median rank 2.5 → 10's bucket; q = 0.4 → rank 2 → 2's bucket.
    expect(Math.abs(h.quantile(0.5) - 10)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(h.quantile(0.4) - 2)).toBeLessThanOrEqual(0.02);
    expect(h.quantile(0.2)).toBe(0);
  });

  it('rejects negative and NaN values', () => {
    const h = new Histogram();
    expect(() => h.add(-1)).toThrow(RangeError);
    expect(() => h.add(Number.NaN)).toThrow(RangeError);
    expect(h.count).toBe(0);
  });
});

describe('tQuantile975', () => {
  it('matches the t table (NIST/SEMATECH e-Handbook §1.3.6.7.2, 0.975 column)', () => {
    // Table values to 3 decimals; 30 is the last tabulated row in the source, 31+ use the
    // Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5).
    const table: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [5, 2.571],
      [10, 2.228],
      [19, 2.093],
      [30, 2.042],
      [40, 2.021],
      [60, 2.0],
      [100, 1.984],
      [120, 1.98],
    ];
    for (const [df, t] of table) expect(Math.abs(tQuantile975(df) - t)).toBeLessThanOrEqual(0.0005);
  });

  it('is decreasing in df and tends to the normal quantile 1.95996', () => {
    let previous = Number.POSITIVE_INFINITY;
    for (let df = 1; df <= 500; df++) {
      const t = tQuantile975(df);
      expect(t).toBeLessThan(previous);
      previous = t;
    }
    // t(0.975, 1e6) − z = z(z² + 1)/(4·1e6) ≈ 1.4e-6 to first order.
    expect(tQuantile975(1e6)).toBeCloseTo(1.959964, 5);
    expect(tQuantile975(0)).toBeNaN();
  });
});

describe('meanInterval', () => {
  it('hand-computed case: 2, 4, 4, 4, 5, 5, 7, 9', () => {
    // mean 40/8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32; s² = 32/7; SE = sqrt(32/7/8) = 0.7559;
    // t(0.975, 7) = 2.365 → half-width 2.365 · 0.7559289 = 1.787772.
    const ci = meanInterval([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(ci.n).toBe(8);
    expect(ci.mean).toBe(5);
    expect(ci.lower95).toBeCloseTo(5 - 1.787772, 5);
    expect(ci.upper95).toBeCloseTo(5 + 1.787772, 5);
  });

  it('gives no interval for fewer than two observations', () => {
    expect(meanInterval([]).mean).toBeNaN();
    const one = meanInterval([3]);
    expect(one.mean).toBe(3);
    expect(one.lower95).toBeNaN();
    expect(one.upper95).toBeNaN();
  });
});

describe('wilsonInterval', () => {
  it('0 of 10: [0, 0.2775]', () => {
    // z = 1.96, z² = 3.8415: centre = (z²/20)/(1 + z²/10) = 0.19207/1.38415 = 0.13876 and
    // half = z·(z/20)/(1 + z²/10) = 0.13876, so the upper bound is 0.27753.
    const w = wilsonInterval(0, 10);
    expect(w.estimate).toBe(0);
    expect(w.lower95).toBe(0);
    expect(w.upper95).toBeCloseTo(0.2775, 4);
  });

  it('5 of 10: [0.2366, 0.7634]', () => {
    // centre 0.5; half = z·sqrt(0.25/10 + z²/400)/(1 + z²/10) = 1.96·sqrt(0.034604)/1.38415 = 0.26341.
    const w = wilsonInterval(5, 10);
    expect(w.lower95).toBeCloseTo(0.2366, 4);
    expect(w.upper95).toBeCloseTo(0.7634, 4);
  });

  it('10 of 10 mirrors 0 of 10, and no trials gives NaN', () => {
    const w = wilsonInterval(10, 10);
    // Mathematically exactly 1; the closed form lands within rounding of it.
    expect(w.upper95).toBeCloseTo(1, 12);
    expect(w.lower95).toBeCloseTo(1 - 0.2775, 4);
    expect(wilsonInterval(0, 0).estimate).toBeNaN();
  });
});

describe('summarizeDistribution and timeline helpers', () => {
  it('pools replications for the point values and takes intervals across them', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (const v of [1, 2, 3]) a.add(v);
    for (const v of [5, 7]) b.add(v);
    const s = summarizeDistribution([a, b, new Histogram()]);
    // Pooled: 1, 2, 3, 5, 7 → mean 18/5 = 3.6, max 7, median = 3rd value = 3 (±1 %).
    expect(s.mean).toBeCloseTo(3.6, 12);
    expect(s.max).toBe(7);
    expect(Math.abs(s.p50 - 3)).toBeLessThanOrEqual(0.03);
    // The empty replication is left out: means 2 and 6 → mean 4, SE = sqrt(8/1/2) = 2,
    // t(0.975, 1) = 12.706 → [4 − 25.412, 4 + 25.412], truncated at 0 (the metrics are
    // non-negative, so a negative lower bound says nothing).
    expect(s.ci95).toBeDefined();
    expect(s.ci95!.mean[0]).toBe(0);
    expect(s.ci95!.mean[1]).toBeCloseTo(4 + 25.412, 9);
  });

  it('a single replication has no interval; no data gives NaN', () => {
    const a = new Histogram();
    a.add(1);
    expect(summarizeDistribution([a]).ci95).toBeUndefined();
    const none = summarizeDistribution([new Histogram()]);
    expect(none.mean).toBeNaN();
    expect(none.max).toBeNaN();
  });

  it('element-wise mean and max of timelines', () => {
    const x = Float64Array.from([1, 5, -2]);
    const y = Float64Array.from([3, 1, -4]);
    expect(Array.from(meanOfArrays([x, y]))).toEqual([2, 3, -3]);
    expect(Array.from(maxOfArrays([x, y]))).toEqual([3, 5, -2]);
    expect(meanOfArrays([]).length).toBe(0);
  });
});
