/**
 * Resampling measured samples onto the simulation's step grid, one entity (VM or host) at a time,
 * as the rows stream in.
 *
 * A sample holds its value from its timestamp until the next sample of the same entity, but never
 * longer than `maxGapSeconds`; the last sample holds as long as the interval before it (or the
 * format's nominal interval when it is the only one). Each step's value is the time-weighted mean
 * of what holds during the step, so the same rule downsamples (many samples per step: their
 * time-weighted mean), upsamples (one sample over several steps: held) and copes with irregular
 * sampling. Steps lie on a grid of multiples of the step on the trace clock, so traces of
 * different VMs line up.
 *
 * A step that nothing covers (the time after a sample ran past `maxGapSeconds`, or a metric
 * missing from the rows) is a gap, filled by the gap policy once the next covered step arrives:
 * `linear` interpolates between the covered neighbours, `hold` repeats the last value, `zero`
 * writes 0. Leading gaps of a metric take its first value, trailing ones its last (zero: 0).
 * Every filled step is counted per metric.
 *
 * Rows must come in time order per entity: an earlier timestamp is refused (`BACKWARDS`). A row
 * at the same timestamp as the previous one is a duplicate (`DUPLICATE`): the first is kept,
 * unless it was all zeros and the new one is not (Bitbrains writes zero rows beside real ones).
 *
 * Memory: the output (4 bytes per metric and step, plus 2 bytes per step of gap-fill flags) and a
 * constant; samples are folded into the open step as they come and never stored. Long series grow
 * in place (RESIZABLE_FROM_STEPS below). The add path allocates nothing.
 */
import type { TraceMetric, TraceSeries } from '../../model/workload/trace-demand.js';

export const GAP_FILLS = ['linear', 'hold', 'zero'] as const;
export type GapFill = (typeof GAP_FILLS)[number];

export const ADDED = 0;
export const DUPLICATE = 1;
export const DUPLICATE_REPLACED = 2;
export const BACKWARDS = 3;
export type AddResult = typeof ADDED | typeof DUPLICATE | typeof DUPLICATE_REPLACED | typeof BACKWARDS;

export interface BuilderOptions {
  stepSeconds: number;
  /** The metrics of the values passed to add(), in order (at most 16). */
  metrics: readonly TraceMetric[];
  gapFill: GapFill;
  maxGapSeconds: number;
  /** How long a lone sample holds; undefined: one step. */
  nominalSeconds?: number | undefined;
  /** Most steps the series may reach (the import's --max-steps): long series then grow in place. */
  maxSteps?: number | undefined;
}

/** Statistics of one metric of one entity. */
export interface MetricStats {
  /** Samples (rows) that carried the metric. */
  samples: number;
  /** Mean and maximum over those samples, as measured. */
  mean: number;
  max: number;
  /** Percentiles over the measured steps (gap-filled steps left out), linear interpolation between order statistics. */
  p50: number;
  p95: number;
  p99: number;
  /** Steps filled by the gap policy. */
  filledSteps: number;
}

export interface BuiltTrace extends TraceSeries {
  /** Rows that went into the series. */
  samples: number;
  firstSampleSeconds: number;
  lastSampleSeconds: number;
  /** Steps where at least one metric was gap-filled. */
  filledSteps: number;
  stats: Partial<Record<TraceMetric, MetricStats>>;
}

const INITIAL_CAPACITY = 256;
const EMPTY = new Float32Array(0);
/**
 * Past this many steps a series (and its gap flags) lives in a resizable ArrayBuffer that reserves
 * address space for `maxSteps` and grows in place by this many steps at a time: nothing is copied,
 * no old buffer waits for the collector and at most this many steps are spare, so a VM of n steps
 * and m metrics holds (4·m + 2)·n bytes, not up to 3x that while doubling copies wait to be
 * collected. Below it the copies are small and plain arrays keep the number of mappings low.
 */
const RESIZABLE_FROM_STEPS = 1 << 16;

/** ES2024 resizable ArrayBuffer (Node 20 has it; the project's lib is es2023). */
interface ResizableBuffer extends ArrayBuffer {
  readonly resizable?: boolean;
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}

type StepArray = Float32Array | Uint16Array;

/** `old` with room for `steps`: resized where it is when it can be, else a copy (a resizable one reserving maxSteps when `inPlace`). */
function grow<T extends StepArray>(old: T, steps: number, inPlace: boolean, maxSteps: number | undefined, Kind: { new (buffer: ArrayBuffer): T; new (length: number): T; BYTES_PER_ELEMENT: number }): T {
  const size = Kind.BYTES_PER_ELEMENT;
  const buffer = old.buffer as ResizableBuffer;
  if (buffer.resizable === true && steps * size <= buffer.maxByteLength) {
    // The view tracks the buffer's length: nothing is copied or left behind.
    buffer.resize(steps * size);
    return old;
  }
  let grown: T;
  if (inPlace && maxSteps !== undefined) {
    // Steps past maxSteps: the last sample's hold may run a few steps beyond the last row's.
    const reserve = Math.max(steps, maxSteps + 1024) * size;
    const Resizable = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer;
    grown = new Kind(new Resizable(steps * size, { maxByteLength: reserve }));
  } else grown = new Kind(steps);
  grown.set(old);
  return grown;
}

export class SeriesBuilder {
  readonly id: string;
  private readonly step: number;
  private readonly metrics: readonly TraceMetric[];
  private readonly m: number;
  private readonly fillMode: number;
  private readonly maxGap: number;
  private readonly nominal: number;
  private readonly maxSteps: number | undefined;
  private out: Float32Array[];
  private filled: Uint16Array;
  private capacity: number;
  /** Whether the series (and gap flags) are resizable buffers growing in place. */
  private inPlace = false;
  private origin = Number.NaN;
  private openBin = 0;
  private readonly accSum: Float64Array;
  private readonly accCov: Float64Array;
  private readonly lastCovered: Int32Array;
  private readonly lastValue: Float64Array;
  private prevT = Number.NaN;
  private readonly prev: Float64Array;
  private hasPending = false;
  private lastInterval = Number.NaN;
  private readonly rawSum: Float64Array;
  private readonly rawCount: Float64Array;
  private readonly rawMax: Float64Array;
  private samples = 0;
  private first = Number.NaN;
  private last = Number.NaN;
  /** Provisioned size seen in the rows (largest). */
  vcpus: number | undefined;
  memoryGiB: number | undefined;

  constructor(id: string, options: BuilderOptions) {
    if (options.metrics.length > 16) throw new RangeError('at most 16 metrics per trace');
    this.id = id;
    this.step = options.stepSeconds;
    this.metrics = options.metrics;
    this.m = options.metrics.length;
    this.fillMode = options.gapFill === 'linear' ? 0 : options.gapFill === 'hold' ? 1 : 2;
    this.maxGap = options.maxGapSeconds;
    this.nominal = options.nominalSeconds ?? options.stepSeconds;
    this.maxSteps = options.maxSteps;
    this.capacity = INITIAL_CAPACITY;
    this.out = options.metrics.map(() => new Float32Array(INITIAL_CAPACITY));
    this.filled = new Uint16Array(INITIAL_CAPACITY);
    const m = this.m;
    this.accSum = new Float64Array(m);
    this.accCov = new Float64Array(m);
    this.lastCovered = new Int32Array(m).fill(-1);
    this.lastValue = new Float64Array(m);
    this.prev = new Float64Array(m);
    this.rawSum = new Float64Array(m);
    this.rawCount = new Float64Array(m);
    this.rawMax = new Float64Array(m).fill(-Infinity);
  }

  /** Start of step 0 on the trace clock, NaN before the first row. */
  get originSeconds(): number {
    return this.origin;
  }

  /** Time of the last row accepted, NaN before the first. */
  get lastTime(): number {
    return this.prevT;
  }

  /** Adds a row: `values[j]` is metric j, NaN where the row does not have it. */
  add(t: number, values: Float64Array): AddResult {
    const m = this.m;
    if (this.hasPending) {
      if (t < this.prevT) return BACKWARDS;
      if (t === this.prevT) {
        if (allZero(this.prev, m) && !allZero(values, m)) {
          this.prev.set(values.subarray(0, m));
          return DUPLICATE_REPLACED;
        }
        return DUPLICATE;
      }
      const dt = t - this.prevT;
      this.commit(this.prevT + (dt < this.maxGap ? dt : this.maxGap));
      this.lastInterval = dt;
    } else if (Number.isNaN(this.origin)) {
      this.origin = Math.floor(t / this.step) * this.step;
      this.first = t;
    } else if (t < this.last) {
      return BACKWARDS;
    }
    this.prevT = t;
    for (let j = 0; j < m; j++) this.prev[j] = values[j]!;
    this.hasPending = true;
    return ADDED;
  }

  /** Ends a stretch of samples (the VM restarted): the pending sample holds as a last one, and the next sample starts afresh. */
  breakSeries(): void {
    if (!this.hasPending) return;
    this.commit(this.prevT + this.finalHold());
    this.hasPending = false;
    this.lastInterval = Number.NaN;
  }

  private finalHold(): number {
    const hold = Number.isNaN(this.lastInterval) ? this.nominal : this.lastInterval;
    return hold < this.maxGap ? hold : this.maxGap;
  }

  /** Folds the pending sample, holding until `end`, into the steps. */
  private commit(end: number): void {
    const m = this.m;
    const prev = this.prev;
    for (let j = 0; j < m; j++) {
      const v = prev[j]!;
      if (v === v) {
        this.rawSum[j]! += v;
        this.rawCount[j]!++;
        if (v > this.rawMax[j]!) this.rawMax[j] = v;
      }
    }
    this.samples++;
    this.last = this.prevT;
    const step = this.step;
    const origin = this.origin;
    let x = this.prevT;
    while (x < end) {
      const bin = Math.floor((x - origin) / step);
      if (bin < this.openBin) {
        // After a break the new stretch may start inside a step already closed: skip to the open one.
        x = origin + this.openBin * step;
        continue;
      }
      if (bin > this.openBin) this.advanceTo(bin);
      const binEnd = origin + (bin + 1) * step;
      const stop = end < binEnd ? end : binEnd;
      const dt = stop - x;
      if (dt <= 0) break;
      for (let j = 0; j < m; j++) {
        const v = prev[j]!;
        if (v === v) {
          this.accSum[j]! += v * dt;
          this.accCov[j]! += dt;
        }
      }
      x = stop;
    }
  }

  private advanceTo(bin: number): void {
    this.closeBin(this.openBin);
    this.ensureCapacity(bin + 1);
    for (let j = 0; j < this.m; j++) {
      const series = this.out[j]!;
      for (let b = this.openBin + 1; b < bin; b++) series[b] = Number.NaN;
    }
    this.openBin = bin;
  }

  private closeBin(b: number): void {
    this.ensureCapacity(b + 1);
    const { accSum, accCov, lastCovered, lastValue, m } = this;
    for (let j = 0; j < m; j++) {
      const series = this.out[j]!;
      const cov = accCov[j]!;
      if (cov > 0) {
        const v = accSum[j]! / cov;
        const lc = lastCovered[j]!;
        const bit = 1 << j;
        if (lc < 0) {
          // A leading gap: the metric's first value reaches back to the trace start.
          for (let i = 0; i < b; i++) {
            series[i] = this.fillMode === 2 ? 0 : v;
            this.filled[i]! |= bit;
          }
        } else if (lc < b - 1) {
          const lv = lastValue[j]!;
          for (let i = lc + 1; i < b; i++) {
            series[i] = this.fillMode === 0 ? lv + ((v - lv) * (i - lc)) / (b - lc) : this.fillMode === 1 ? lv : 0;
            this.filled[i]! |= bit;
          }
        }
        series[b] = v;
        lastCovered[j] = b;
        lastValue[j] = v;
      } else {
        series[b] = Number.NaN;
      }
      accSum[j] = 0;
      accCov[j] = 0;
    }
  }

  private ensureCapacity(n: number): void {
    if (n <= this.capacity) return;
    let cap = this.capacity;
    if (this.inPlace) {
      // In place there is nothing to copy, so grow by a little: V8 zeroes (touches) what a resize adds.
      cap = Math.ceil(n / RESIZABLE_FROM_STEPS) * RESIZABLE_FROM_STEPS;
    } else {
      while (cap < n) cap *= 2;
    }
    const inPlace = this.maxSteps !== undefined && cap >= RESIZABLE_FROM_STEPS;
    this.out = this.out.map((old) => grow(old, cap, inPlace, this.maxSteps, Float32Array));
    this.filled = grow(this.filled, cap, inPlace, this.maxSteps, Uint16Array);
    this.inPlace = inPlace && (this.filled.buffer as ResizableBuffer).resizable === true;
    this.capacity = cap;
  }

  /** True when no row has been accepted. */
  get empty(): boolean {
    return Number.isNaN(this.origin);
  }

  /** Closes the series and returns it with its statistics; metrics never measured are left out. */
  finish(): BuiltTrace {
    if (this.hasPending) this.breakSeries();
    const bins = Number.isNaN(this.origin) ? 0 : this.openBin + 1;
    if (bins > 0) this.closeBin(this.openBin);
    const series: Partial<Record<TraceMetric, Float32Array>> = {};
    const stats: Partial<Record<TraceMetric, MetricStats>> = {};
    // The values are float32: a float32 scratch orders them the same, at half the size.
    let scratch = new Float32Array(0);
    for (let j = 0; j < this.m; j++) {
      const lc = this.lastCovered[j]!;
      if (lc < 0) continue;
      // Cut to length: a resizable buffer shrinks where it is; a small one (or one that outgrew its
      // reserve) is copied, one metric at a time, the working buffer let go at once.
      const working = this.out[j]!;
      const buffer = working.buffer as ResizableBuffer;
      let values: Float32Array;
      if (buffer.resizable === true) {
        buffer.resize(bins * 4);
        values = working;
      } else values = working.length === bins ? working : working.slice(0, bins);
      this.out[j] = EMPTY;
      const bit = 1 << j;
      for (let i = lc + 1; i < bins; i++) {
        values[i] = this.fillMode === 2 ? 0 : this.lastValue[j]!;
        this.filled[i]! |= bit;
      }
      let filledSteps = 0;
      if (scratch.length < bins) scratch = new Float32Array(bins);
      let n = 0;
      for (let i = 0; i < bins; i++) {
        if ((this.filled[i]! & bit) !== 0) filledSteps++;
        else scratch[n++] = values[i]!;
      }
      const [p50, p95, p99] = quantiles(scratch.subarray(0, n), QUANTILES);
      const metric = this.metrics[j]!;
      series[metric] = values;
      const count = this.rawCount[j]!;
      stats[metric] = {
        samples: count,
        mean: count > 0 ? this.rawSum[j]! / count : Number.NaN,
        max: count > 0 ? this.rawMax[j]! : Number.NaN,
        p50: p50!,
        p95: p95!,
        p99: p99!,
        filledSteps,
      };
    }
    let filledSteps = 0;
    for (let i = 0; i < bins; i++) if (this.filled[i] !== 0) filledSteps++;
    // Release the working buffers.
    this.out = [];
    this.filled = new Uint16Array(0);
    this.inPlace = false;
    this.capacity = 0;
    return {
      id: this.id,
      startSeconds: Number.isNaN(this.origin) ? 0 : this.origin,
      steps: bins,
      vcpus: this.vcpus,
      memoryGiB: this.memoryGiB,
      series,
      samples: this.samples,
      firstSampleSeconds: this.first,
      lastSampleSeconds: this.last,
      filledSteps,
      stats,
    };
  }
}

function allZero(values: Float64Array, m: number): boolean {
  for (let j = 0; j < m; j++) {
    const v = values[j]!;
    if (v === v && v !== 0) return false;
  }
  return true;
}

const QUANTILES = [0.5, 0.95, 0.99] as const;

/**
 * Quantiles `ps` (ascending) of `values`, each as quantile() gives on the sorted values, found by
 * selection instead of a sort: O(n) rather than O(n log n) (sorting 7 metrics of a 1 M-step VM
 * was a fifth of a Bitbrains import). `values` is reordered. A NaN among them (none after gap
 * filling) falls back to the sort, which puts NaN last.
 */
export function quantiles(values: Float32Array, ps: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) return ps.map(() => Number.NaN);
  for (let i = 0; i < n; i++) {
    if (values[i] !== values[i]) {
      const sorted = values.sort();
      return ps.map((p) => quantile(sorted, p));
    }
  }
  const out: number[] = [];
  // Everything left of the last selected rank is no larger than it: later (higher) ranks are searched to its right only.
  let from = 0;
  for (const p of ps) {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    select(values, lo, from, n - 1);
    from = lo;
    const a = values[lo]!;
    let b = a;
    if (lo + 1 < n) {
      // The next order statistic: the smallest of what lies right of rank lo.
      b = values[lo + 1]!;
      for (let i = lo + 2; i < n; i++) if (values[i]! < b) b = values[i]!;
    }
    out.push(a + (h - lo) * (b - a));
  }
  return out;
}

/** Puts the k-th smallest of a[left..right] at k, smaller-or-equal ones left of it, larger-or-equal right (Hoare's FIND, median-of-three pivot). */
function select(a: Float32Array, k: number, left: number, right: number): void {
  let l = left;
  let r = right;
  while (l < r) {
    const x0 = a[l]!;
    const x1 = a[(l + r) >>> 1]!;
    const x2 = a[r]!;
    const x = x0 < x1 ? (x1 < x2 ? x1 : x0 < x2 ? x2 : x0) : x0 < x2 ? x0 : x1 < x2 ? x2 : x1;
    let i = l;
    let j = r;
    do {
      while (a[i]! < x) i++;
      while (x < a[j]!) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    } while (i <= j);
    if (j < k) l = i;
    if (k < i) r = j;
  }
}

/** Quantile p of sorted values, linear between order statistics (R's type 7); NaN when empty. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * A trace at another step: each new step is the time-weighted mean of the old steps it overlaps
 * (an old step longer than the new one is held across it). Gaps were filled already.
 */
export function resampleTrace(trace: TraceSeries, fromStepSeconds: number, toStepSeconds: number): TraceSeries {
  if (fromStepSeconds === toStepSeconds && trace.startSeconds % toStepSeconds === 0) return trace;
  const metrics = (Object.keys(trace.series) as TraceMetric[]).filter((k) => trace.series[k] !== undefined);
  const builder = new SeriesBuilder(trace.id, { stepSeconds: toStepSeconds, metrics, gapFill: 'hold', maxGapSeconds: Infinity, nominalSeconds: fromStepSeconds });
  const row = new Float64Array(metrics.length);
  const columns = metrics.map((k) => trace.series[k]!);
  for (let i = 0; i < trace.steps; i++) {
    for (let j = 0; j < metrics.length; j++) row[j] = columns[j]![i]!;
    builder.add(trace.startSeconds + i * fromStepSeconds, row);
  }
  const built = builder.finish();
  return { id: trace.id, startSeconds: built.startSeconds, steps: built.steps, vcpus: trace.vcpus, memoryGiB: trace.memoryGiB, series: built.series };
}
