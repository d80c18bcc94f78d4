/**
 * A mergeable histogram of non-negative values with log-spaced buckets of 2 % relative width.
 *
 * Percentiles over millions of VM-intervals or wake-ups cannot keep every sample, and results
 * from replications, worker threads and shards must combine into exactly the same numbers as a
 * single run. Integer bucket counts merge exactly in any order, so they do. Reported percentiles
 * are the geometric midpoint of the bucket holding the rank: within ±1 % of the true sample value.
 * Values below 1e-9 (of whatever unit the caller uses) fall into an exact-zero bucket; the exact
 * minimum, maximum and sum are kept beside the buckets.
 */

const RATIO = 1.02;
const LOG_RATIO = Math.log(RATIO);
const MIN_POSITIVE = 1e-9;
const MAX_VALUE = 1e12;
/** Bucket 0 holds values < MIN_POSITIVE; bucket b >= 1 holds [MIN·RATIO^(b-1), MIN·RATIO^b). */
/** Whole numbers below this are exact doubles, and so is every sum of them that stays below it. */
const EXACT_INTEGERS = 2 ** 53;
const BUCKETS = 2 + Math.ceil(Math.log(MAX_VALUE / MIN_POSITIVE) / LOG_RATIO);

/**
 * The bucket rule, by definition: 1 + floor(log(value / MIN) / log(RATIO)), computed in float64
 * with Math.log, capped at the last bucket. Every bucket boundary is where this expression steps,
 * so histograms from any version of the lookup below merge exactly.
 */
export function bucketByLog(value: number): number {
  if (value < MIN_POSITIVE) return 0;
  const bucket = 1 + Math.floor(Math.log(value / MIN_POSITIVE) / LOG_RATIO);
  return bucket >= BUCKETS ? BUCKETS - 1 : bucket;
}

/*
 * The same rule without a logarithm (Math.log costs ~15 ns, a third of a micro-model event).
 * LOWER[b] is the smallest double bucketByLog puts in bucket b or above, found once by bisection
 * on bucketByLog itself, so the lookup reproduces its float64 rounding at every boundary. A
 * value's binade and top 6 mantissa bits (the high word of its bits) index SUB_FIRST, the bucket
 * of the smallest double with those bits; such a range is at most 1/64 = 1.6 % wide, narrower
 * than a 2 % bucket, so at most one boundary lies inside it and one comparison settles the bucket.
 */
const SCRATCH = new Float64Array(1);
const SCRATCH_WORDS = new Uint32Array(SCRATCH.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: the high word is second
const SUB_SHIFT = 14; // 1 sign + 11 exponent + 6 mantissa bits of the high word are kept
const subIndex = (value: number): number => {
  SCRATCH[0] = value;
  return SCRATCH_WORDS[HIGH_WORD]! >>> SUB_SHIFT;
};

function lowerBounds(): Float64Array {
  const lower = new Float64Array(BUCKETS + 1);
  lower[0] = Number.NEGATIVE_INFINITY;
  lower[1] = MIN_POSITIVE;
  for (let b = 2; b < BUCKETS; b++) {
    // Bracket the step of bucketByLog around the exact boundary (within 81 ulps of the guess for
    // these constants; widened if not), then halve down to adjacent doubles.
    const guess = MIN_POSITIVE * Math.pow(RATIO, b - 1);
    let lo = guess * (1 - 4e-14);
    let hi = guess * (1 + 4e-14);
    while (bucketByLog(lo) >= b) lo -= (hi - lo) * 2;
    while (bucketByLog(hi) < b) hi += (hi - lo) * 2;
    for (;;) {
      const mid = lo + (hi - lo) / 2;
      if (mid === lo || mid === hi) break;
      if (bucketByLog(mid) >= b) hi = mid;
      else lo = mid;
    }
    lower[b] = hi;
  }
  lower[BUCKETS] = Number.POSITIVE_INFINITY;
  return lower;
}

function firstBucketOfSubranges(lower: Float64Array, base: number, last: number): Int16Array {
  const first = new Int16Array(last - base + 1);
  let b = 0;
  for (let i = 0; i < first.length; i++) {
    SCRATCH_WORDS[HIGH_WORD] = (base + i) << SUB_SHIFT;
    SCRATCH_WORDS[1 - HIGH_WORD] = 0;
    const start = SCRATCH[0]!;
    while (lower[b + 1]! <= start) b++;
    first[i] = b;
  }
  return first;
}

const LOWER = lowerBounds();
const LAST_LOWER = LOWER[BUCKETS - 1]!;
const SUB_BASE = subIndex(MIN_POSITIVE);
const SUB_FIRST = firstBucketOfSubranges(LOWER, SUB_BASE, subIndex(LAST_LOWER));

/** The bucket of `value` (>= 0): the same as bucketByLog, by table lookup. */
export function bucketOf(value: number): number {
  if (value < MIN_POSITIVE) return 0;
  if (value >= LAST_LOWER) return BUCKETS - 1;
  const b = SUB_FIRST[subIndex(value) - SUB_BASE]!;
  return value >= LOWER[b + 1]! ? b + 1 : b;
}

/** Number of buckets, and the lower bound of bucket b (for tests of the bucket rule). */
export const HISTOGRAM_BUCKETS = BUCKETS;
export function bucketLowerBound(b: number): number {
  return LOWER[b]!;
}

export class Histogram {
  readonly counts: Float64Array;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  /** Empty; or around `counts` (BUCKETS long, taken over, not copied: a result received from a worker). */
  constructor(counts?: Float64Array) {
    if (counts && counts.length !== BUCKETS) throw new RangeError(`histogram counts must have ${BUCKETS} buckets, got ${counts.length}`);
    this.counts = counts ?? new Float64Array(BUCKETS);
  }

  /** Adds `value` with the given weight (a count; weights keep totals exact when integral). */
  add(value: number, weight = 1): void {
    if (!(value >= 0)) throw new RangeError(`histogram value must be >= 0, got ${value}`);
    this.counts[bucketOf(value)]! += weight;
    this.count += weight;
    this.sum += value * weight;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /**
   * Adds `value` `times` times (a whole number >= 0), bit for bit as that many add(value) calls
   * would: the bucket is found once and the counts move by `times` (integers, exact); the sum is
   * the same sequence of additions, done as one multiply-add where every partial sum is a whole
   * number below 2^53 (then each of those additions was exact).
   */
  addRepeated(value: number, times: number): void {
    if (times <= 0) return;
    if (!(value >= 0)) throw new RangeError(`histogram value must be >= 0, got ${value}`);
    this.counts[bucketOf(value)]! += times;
    this.count += times;
    let sum = this.sum;
    const total = sum + value * times;
    if (Number.isInteger(value) && Number.isInteger(sum) && total < EXACT_INTEGERS) sum = total;
    else for (let t = 0; t < times; t++) sum += value;
    this.sum = sum;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /**
   * Adds `values[i] · scale` with weight `weights[i]` for i in [from, to): the fleet kernel's
   * per-host batch. One call per host and interval instead of one per VM keeps the hot loop free
   * of calls that pass doubles (which V8 boxes, i.e. allocates, when a call is not inlined);
   * measured 2.3× faster on the fleet benchmark.
   */
  addScaled(values: Float64Array, weights: Int32Array, from: number, to: number, scale: number): void {
    const counts = this.counts;
    let count = this.count;
    let sum = this.sum;
    let min = this.min;
    let max = this.max;
    for (let i = from; i < to; i++) {
      const weight = weights[i]!;
      if (weight === 0) continue; // e.g. a VM that is not running this interval
      const value = values[i]! * scale;
      if (!(value >= 0)) {
        // Keep what was added so far consistent before refusing the rest.
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
        throw new RangeError(`histogram value must be >= 0, got ${value}`);
      }
      counts[bucketOf(value)]! += weight;
      count += weight;
      sum += value * weight;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    this.count = count;
    this.sum = sum;
    this.min = min;
    this.max = max;
  }

  /**
   * addScaled into this histogram and `other` at once (the fleet's pooled and per-group ready
   * shares take the same values): each value's bucket is found once. The same result, bit for
   * bit, as calling addScaled on each.
   */
  addScaledToBoth(other: Histogram, values: Float64Array, weights: Int32Array, from: number, to: number, scale: number): void {
    const counts = this.counts;
    const otherCounts = other.counts;
    let count = this.count;
    let sum = this.sum;
    let min = this.min;
    let max = this.max;
    let otherCount = other.count;
    let otherSum = other.sum;
    let otherMin = other.min;
    let otherMax = other.max;
    for (let i = from; i < to; i++) {
      const weight = weights[i]!;
      if (weight === 0) continue;
      const value = values[i]! * scale;
      if (!(value >= 0)) {
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
        other.count = otherCount;
        other.sum = otherSum;
        other.min = otherMin;
        other.max = otherMax;
        throw new RangeError(`histogram value must be >= 0, got ${value}`);
      }
      const bucket = bucketOf(value);
      const weighted = value * weight;
      counts[bucket]! += weight;
      count += weight;
      sum += weighted;
      if (value < min) min = value;
      if (value > max) max = value;
      otherCounts[bucket]! += weight;
      otherCount += weight;
      otherSum += weighted;
      if (value < otherMin) otherMin = value;
      if (value > otherMax) otherMax = value;
    }
    this.count = count;
    this.sum = sum;
    this.min = min;
    this.max = max;
    other.count = otherCount;
    other.sum = otherSum;
    other.min = otherMin;
    other.max = otherMax;
  }

  /** Adds every count of `other` into this histogram. */
  merge(other: Histogram): void {
    const a = this.counts;
    const b = other.counts;
    for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  mean(): number {
    return this.count > 0 ? this.sum / this.count : Number.NaN;
  }

  /**
   * The q-quantile (0 <= q <= 1): the smallest bucket whose cumulative count reaches q·count,
   * reported as its geometric midpoint, clamped into [min, max].
   */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = q * this.count;
    let cumulative = 0;
    const counts = this.counts;
    for (let b = 0; b < counts.length; b++) {
      cumulative += counts[b]!;
      if (cumulative >= rank && counts[b]! > 0) {
        const value = b === 0 ? 0 : MIN_POSITIVE * Math.pow(RATIO, b - 0.5);
        return Math.min(this.max, Math.max(this.min, value));
      }
    }
    return this.max;
  }

  /** Compact form for transfer between workers and shards: only non-empty buckets. */
  toJSON(): HistogramData {
    const buckets: number[] = [];
    const counts: number[] = [];
    for (let b = 0; b < this.counts.length; b++) {
      if (this.counts[b]! !== 0) {
        buckets.push(b);
        counts.push(this.counts[b]!);
      }
    }
    return { count: this.count, sum: this.sum, min: this.min, max: this.max, buckets, counts };
  }

  static fromJSON(data: HistogramData): Histogram {
    const h = new Histogram();
    data.buckets.forEach((b, i) => {
      h.counts[b] = data.counts[i]!;
    });
    h.count = data.count;
    h.sum = data.sum;
    h.min = data.count > 0 ? data.min : Number.POSITIVE_INFINITY;
    h.max = data.count > 0 ? data.max : Number.NEGATIVE_INFINITY;
    return h;
  }
}

export interface HistogramData {
  count: number;
  sum: number;
  min: number;
  max: number;
  buckets: number[];
  counts: number[];
}
