/**
 * The search for the largest passing value of a monotone knob, on a grid of indices 0..size−1.
 *
 * `test(i)` says whether the SLOs hold at grid index i, and optionally by how much: `margin` is
 * the worst relative excess of an SLO over its limit, ≤ 0 when passing (a continuous measure that
 * rises with the knob). The predicate is assumed monotone: pass below the boundary, fail above.
 *
 * 1. Bracket: from the knob's current value, steps that double. Cheap when the answer is near
 *    today's setting, and the expensive top of the range is evaluated only if the answer is high.
 * 2. Narrow the bracket to `stopWidth` grid steps (1 by default) by regula falsi on the margin,
 *    with the Illinois modification (Dowell & Jarratt, BIT 11, 1971): an endpoint kept twice in a
 *    row has its margin halved, which restores superlinear convergence on a knee-shaped curve. As
 *    a safeguard, an interpolation step that does not halve the bracket is followed by a plain
 *    bisection step, so the search never needs more than about twice bisection's
 *    log2(width) evaluations, and usually needs far fewer.
 *
 * The answer is always a value that was evaluated and passed, next to one that was evaluated and
 * failed, so the crossing lies within `stopWidth` grid steps above it. Near the boundary a test is
 * noisy; the caller's `test` adds replications there (./recommend.ts); this module only orders the
 * evaluations.
 */

export interface GridDecision {
  pass: boolean;
  /** Signed distance to the limit (≤ 0 passes); non-finite when unknown. */
  margin?: number;
}

export interface GridSearchResult<D> {
  /** Largest index shown to pass, or null when index 0 fails. */
  lastPass: number | null;
  /** Smallest index above `lastPass` shown to fail, or null when the top of the grid passes. */
  firstFail: number | null;
  /** Every evaluation, in the order made. */
  evaluations: { index: number; decision: D }[];
}

export interface GridSearchOptions<D extends GridDecision> {
  /** Grid indices 0..size−1. */
  size: number;
  /** Where to start (the current setting). */
  start: number;
  /** First bracketing step in indices (doubles each time). */
  firstStep: number;
  /** Stop when the bracket is this many grid steps wide or less (default 1: adjacent values). */
  stopWidth?: number;
  test: (index: number) => Promise<D>;
}

export async function searchGrid<D extends GridDecision>(options: GridSearchOptions<D>): Promise<GridSearchResult<D>> {
  const { size, test } = options;
  if (size < 1) throw new RangeError('searchGrid: empty grid');
  const stopWidth = Math.max(1, Math.round(options.stopWidth ?? 1));
  const evaluations: { index: number; decision: D }[] = [];
  const memo = new Map<number, D>();
  const decide = async (index: number): Promise<D> => {
    let decision = memo.get(index);
    if (!decision) {
      decision = await test(index);
      memo.set(index, decision);
      evaluations.push({ index, decision });
    }
    return decision;
  };
  const top = size - 1;
  const start = Math.max(0, Math.min(top, Math.round(options.start)));
  let step = Math.max(1, Math.round(options.firstStep));
  let lo: number;
  let hi: number;
  let first = await decide(start);
  if (first.pass) {
    lo = start;
    for (;;) {
      if (lo === top) return { lastPass: top, firstFail: null, evaluations };
      const next = Math.min(top, lo + step);
      first = await decide(next);
      if (first.pass) {
        lo = next;
        step *= 2;
      } else {
        hi = next;
        break;
      }
    }
  } else {
    hi = start;
    for (;;) {
      if (hi === 0) return { lastPass: null, firstFail: 0, evaluations };
      const next = Math.max(0, hi - step);
      first = await decide(next);
      if (first.pass) {
        lo = next;
        break;
      }
      hi = next;
      step *= 2;
    }
  }

  let marginLo = memo.get(lo)!.margin ?? Number.NaN;
  let marginHi = memo.get(hi)!.margin ?? Number.NaN;
  let kept: 'lo' | 'hi' | null = null;
  let bisectNext = false;
  while (hi - lo > stopWidth) {
    const width = hi - lo;
    let index: number;
    const canInterpolate: boolean = !bisectNext && Number.isFinite(marginLo) && Number.isFinite(marginHi) && marginHi > marginLo && marginLo <= 0 && marginHi > 0;
    if (canInterpolate) index = Math.min(hi - 1, Math.max(lo + 1, Math.round(lo + (width * -marginLo) / (marginHi - marginLo))));
    else index = Math.floor((lo + hi) / 2);
    const decision = await decide(index);
    const margin = decision.margin ?? Number.NaN;
    if (decision.pass) {
      lo = index;
      marginLo = margin;
      if (kept === 'hi') marginHi /= 2;
      kept = 'hi';
    } else {
      hi = index;
      marginHi = margin;
      if (kept === 'lo') marginLo /= 2;
      kept = 'lo';
    }
    // Safeguard: after an interpolation that did not halve the bracket, bisect once.
    bisectNext = canInterpolate && hi - lo > width / 2;
  }
  return { lastPass: lo, firstFail: hi, evaluations };
}
