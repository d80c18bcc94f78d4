import { describe, expect, it } from 'vitest';
import { searchGrid } from '../../src/study/search.js';

/** A monotone predicate on a grid with its crossing after `last`, and the margin a smooth metric gives. */
function knee(last: number, shape: (i: number) => number = (i) => Math.exp((i - last - 0.5) / 6) - 1) {
  const seen: number[] = [];
  return {
    seen,
    test: async (i: number) => {
      seen.push(i);
      const margin = shape(i);
      return { pass: i <= last, margin };
    },
  };
}

describe('searchGrid', () => {
  it.each([
    [0, 310, 10],
    [123, 310, 10],
    [309, 310, 10],
    [5, 310, 300],
    [200, 311, 0],
  ])('finds the last passing index %i of %i from start %i, next to a failing one', async (last, size, start) => {
    const { test } = knee(last);
    const result = await searchGrid({ size, start, firstStep: 5, test });
    expect(result.lastPass).toBe(last);
    expect(result.firstFail).toBe(last + 1 < size ? last + 1 : null);
  });

  it('reports a grid whose every value passes, or fails', async () => {
    expect(await searchGrid({ size: 50, start: 10, firstStep: 4, test: async () => ({ pass: true }) })).toMatchObject({ lastPass: 49, firstFail: null });
    expect(await searchGrid({ size: 50, start: 10, firstStep: 4, test: async () => ({ pass: false }) })).toMatchObject({ lastPass: null, firstFail: 0 });
  });

  it('never evaluates a point twice and needs no more evaluations than bracketing plus twice bisection', async () => {
    for (const last of [3, 47, 150, 299]) {
      const { test, seen } = knee(last);
      await searchGrid({ size: 311, start: 10, firstStep: 5, test });
      expect(new Set(seen).size).toBe(seen.length);
      const bracketing = Math.ceil(Math.log2(311 / 5)) + 2;
      expect(seen.length).toBeLessThanOrEqual(bracketing + 2 * Math.ceil(Math.log2(311)));
    }
  });

  it('with a smooth margin, regula falsi beats bisection (same answer, fewer evaluations)', async () => {
    // A linear margin: interpolation lands on the crossing at once.
    const linear = knee(180, (i) => (i - 180.5) / 100);
    const withMargin = await searchGrid({ size: 311, start: 100, firstStep: 50, test: linear.test });
    const plain = knee(180);
    const bisect = await searchGrid({ size: 311, start: 100, firstStep: 50, test: async (i) => ({ pass: (await plain.test(i)).pass }) });
    expect(withMargin.lastPass).toBe(180);
    expect(bisect.lastPass).toBe(180);
    expect(linear.seen.length).toBeLessThan(plain.seen.length);
  });

  it('stops at a coarser bracket when asked (what-if searches)', async () => {
    const { test } = knee(100);
    const result = await searchGrid({ size: 311, start: 10, firstStep: 5, stopWidth: 8, test });
    expect(result.lastPass).toBeLessThanOrEqual(100);
    expect(result.firstFail! - result.lastPass!).toBeLessThanOrEqual(8);
    expect(result.firstFail).toBeGreaterThan(100);
  });
});
