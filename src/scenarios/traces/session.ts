/**
 * One import: the series builders of every entity seen so far, the log of what happened to the
 * rows, and the hand-over of each finished trace. Format readers feed rows in; per-file formats
 * finish an entity when its file ends, interleaved ones at the end of the input.
 */
import type { TraceMetric } from '../../model/workload/trace-demand.js';
import { ADDED, BACKWARDS, DUPLICATE, DUPLICATE_REPLACED, SeriesBuilder, type BuiltTrace, type GapFill } from './series.js';
import type { ImportLog } from './validation.js';

export interface SessionOptions {
  stepSeconds: number;
  gapFill: GapFill;
  /** Longest a sample holds; default three steps or three nominal sample intervals, whichever is longer. */
  maxGapSeconds?: number | undefined;
  /** Most steps one trace may span (the output is 4 bytes per metric and step); default DEFAULT_MAX_STEPS. */
  maxSteps?: number | undefined;
}

/**
 * Most steps one trace may span unless raised with --max-steps: a year at 30 s, 11.6 days at 1 s.
 * The series of one VM then takes at most ~40 MB (10 metrics x 4 bytes x 1e6 steps); a bad
 * timestamp far from the others (year 5138) is refused instead of filling centuries of gap.
 */
export const DEFAULT_MAX_STEPS = 1_000_000;
/** Timestamps beyond ±1e10 s (year 2286 on the Unix clock) are no measurement. */
export const MAX_ABS_TIME_SECONDS = 1e10;

export type TraceSink = (trace: BuiltTrace) => void | Promise<void>;

export class ImportSession {
  readonly log: ImportLog;
  readonly stepSeconds: number;
  readonly gapFill: GapFill;
  private readonly maxGapOption: number | undefined;
  private metrics: readonly TraceMetric[] = [];
  private nominalSeconds: number | undefined;
  private readonly builders = new Map<string, SeriesBuilder>();
  private readonly sink: TraceSink;
  private finishedIds = new Set<string>();
  readonly maxSteps: number;

  constructor(log: ImportLog, options: SessionOptions, sink: TraceSink) {
    this.log = log;
    this.stepSeconds = options.stepSeconds;
    this.gapFill = options.gapFill;
    this.maxGapOption = options.maxGapSeconds;
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    this.sink = sink;
  }

  /** Set by the reader before the first row: which metrics its rows carry, and its nominal sample interval. */
  configure(metrics: readonly TraceMetric[], nominalSeconds: number | undefined): void {
    this.metrics = metrics;
    this.nominalSeconds = nominalSeconds;
  }

  get maxGapSeconds(): number {
    return this.maxGapOption ?? 3 * Math.max(this.stepSeconds, this.nominalSeconds ?? 0);
  }

  builder(id: string): SeriesBuilder {
    let b = this.builders.get(id);
    if (!b) {
      if (this.finishedIds.has(id)) throw new RangeError(`trace '${id}' was finished already`);
      b = new SeriesBuilder(id, {
        stepSeconds: this.stepSeconds,
        metrics: this.metrics,
        gapFill: this.gapFill,
        maxGapSeconds: this.maxGapSeconds,
        nominalSeconds: this.nominalSeconds,
        maxSteps: this.maxSteps,
      });
      this.builders.set(id, b);
    }
    return b;
  }

  /** True when the entity has a builder that is still open. */
  has(id: string): boolean {
    return this.builders.has(id);
  }

  /**
   * Adds a row of `id` at time t; counts it as accepted (or why not) unless `countRow` is false:
   * then the row holds several entities (esxtop) and the caller counts the row once, so what
   * happened to this entity's sample is only noted.
   */
  sample(id: string, t: number, values: Float64Array, file: string, line: number, countRow = true): boolean {
    const reject = countRow ? this.log.reject.bind(this.log) : this.log.note.bind(this.log);
    const skip = countRow ? this.log.skip.bind(this.log) : this.log.note.bind(this.log);
    if (!(Math.abs(t) <= MAX_ABS_TIME_SECONDS)) {
      reject(file, line, `timestamp beyond ±${MAX_ABS_TIME_SECONDS} s (year 2286) on the trace clock`, `${t} s`);
      return false;
    }
    const b = this.builder(id);
    const origin = b.originSeconds;
    if (origin === origin) {
      const steps = (t - origin) / this.stepSeconds;
      if (steps >= this.maxSteps) {
        reject(
          file,
          line,
          `timestamp too far from the first row of this VM: the trace would span more than ${this.maxSteps} steps (raise with --max-steps)`,
          `${Math.round(t - origin)} s after it`,
        );
        return false;
      }
    }
    const result = b.add(t, values);
    if (result === ADDED) {
      if (countRow) this.log.rowsAccepted++;
      return true;
    }
    if (result === BACKWARDS) reject(file, line, 'timestamp earlier than the previous row of this VM (rows must be in time order per VM)');
    else if (result === DUPLICATE) skip(file, line, 'duplicate timestamp (the first row is kept)');
    else if (result === DUPLICATE_REPLACED) skip(file, line, 'duplicate timestamp (an all-zero row gave way to the real one)');
    return false;
  }

  /** Finishes one entity and hands its trace on. */
  async finish(id: string): Promise<void> {
    const b = this.builders.get(id);
    if (!b) return;
    this.builders.delete(id);
    this.finishedIds.add(id);
    if (b.empty) return;
    await this.sink(b.finish());
  }

  /** Finishes every open entity, in order of first appearance. */
  async finishAll(): Promise<void> {
    for (const id of [...this.builders.keys()]) await this.finish(id);
  }
}
