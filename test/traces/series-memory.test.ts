/**
 * How a long import holds and writes its series: a series past RESIZABLE_FROM_STEPS (65,536 steps)
 * grows in place in a resizable buffer and ends exactly as long as the trace (4 bytes per metric
 * and step, no doubling slack), with the same values and statistics as the plain doubling arrays
 * give; the workload line is written in pieces that join to exactly traceLine's text; the
 * percentiles found by selection are those of the sorted values.
 */
import { describe, expect, it } from 'vitest';
import type { TraceMetric } from '../../src/model/workload/trace-demand.js';
import { quantile, quantiles, SeriesBuilder, type BuiltTrace } from '../../src/scenarios/traces/series.js';
import { traceChunks, traceLine } from '../../src/scenarios/traces/workload-file.js';

const METRICS: TraceMetric[] = ['cpuPct', 'memoryPct', 'diskReadKBps'];

/** A seeded trace of `rows` rows 300 s apart at a 300 s step, with gaps (missing rows) and a metric that comes and goes. */
function build(rows: number, maxSteps: number | undefined): BuiltTrace {
  const b = new SeriesBuilder('vm', { stepSeconds: 300, metrics: METRICS, gapFill: 'linear', maxGapSeconds: 900, nominalSeconds: 300, maxSteps });
  let state = 7;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const row = new Float64Array(METRICS.length);
  for (let i = 0; i < rows; i++) {
    if (i % 1000 === 17) continue;
    row[0] = 100 * next();
    row[1] = 50 + 10 * next();
    row[2] = i % 5000 < 100 ? Number.NaN : 1000 * next();
    b.add(1_376_314_846 + 300 * i + (i % 3), row);
  }
  return b.finish();
}

describe('long series', () => {
  const rows = 200_000;
  const plain = build(rows, undefined);
  const inPlace = build(rows, 1_000_000);

  it('grow in place and end exactly as long as the trace', () => {
    expect(inPlace.steps).toBeGreaterThan(1 << 16);
    for (const m of METRICS) {
      const values = inPlace.series[m]!;
      expect(values.length).toBe(inPlace.steps);
      // No slack held: the buffer is the trace's 4 bytes per step.
      expect(values.buffer.byteLength).toBe(4 * inPlace.steps);
    }
    // The plain path cuts its doubled arrays to length with a copy.
    expect(plain.series.cpuPct!.buffer.byteLength).toBe(4 * plain.steps);
  });

  it('have the same values and statistics either way', () => {
    expect(inPlace.steps).toBe(plain.steps);
    expect(inPlace.stats).toEqual(plain.stats);
    expect(inPlace.filledSteps).toBe(plain.filledSteps);
    for (const m of METRICS) expect(Buffer.from(inPlace.series[m]!.buffer).equals(Buffer.from(plain.series[m]!.buffer))).toBe(true);
  });

  it('write the same workload line in pieces as in one string', () => {
    const pieces = [...traceChunks(inPlace)];
    // 200,000 steps x 4 bytes per metric in pieces of 196,608 bytes: several per metric.
    expect(pieces.length).toBeGreaterThan(METRICS.length * 4);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(262_144 + 256); // the first also holds the head
    expect(pieces.join('')).toBe(traceLine(inPlace));
  });
});

describe('workload lines in pieces', () => {
  it('match traceLine for short, odd-length, empty and size-less traces', () => {
    const cases = [
      { id: 'a', startSeconds: 0, steps: 1, vcpus: 2, memoryGiB: 4, series: { cpuPct: new Float32Array([12.5]) } },
      { id: 'b"q', startSeconds: 1_376_314_800, steps: 7, vcpus: undefined, memoryGiB: undefined, filledSteps: 3, series: { cpuPct: new Float32Array(7).fill(1.25), netTxKBps: new Float32Array(7).fill(-0) } },
      { id: 'c', startSeconds: 300, steps: 0, vcpus: 1, memoryGiB: 1, series: {} },
      { id: 'd', startSeconds: 300, steps: 49_153, vcpus: 1, memoryGiB: 1, series: { memoryPct: new Float32Array(49_153).map((_, i) => i / 7) } },
    ];
    for (const t of cases) expect([...traceChunks(t)].join('')).toBe(traceLine(t));
  });
});

describe('percentiles by selection', () => {
  it('are exactly quantile() of the sorted values', () => {
    let state = 99;
    const next = (): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const ps = [0.5, 0.95, 0.99];
    const arrays: Float32Array[] = [new Float32Array([3]), new Float32Array([2, 1]), new Float32Array(1000).fill(5), new Float32Array([0, -0, -0, 0, 1, -0])];
    for (const n of [3, 10, 101, 1000, 65_537]) {
      arrays.push(Float32Array.from({ length: n }, () => 100 * next()));
      // Few distinct values (a VM that is mostly off), sorted and reversed.
      arrays.push(Float32Array.from({ length: n }, () => (next() < 0.9 ? 0 : Math.floor(10 * next()))));
      arrays.push(Float32Array.from({ length: n }, (_, i) => i));
      arrays.push(Float32Array.from({ length: n }, (_, i) => n - i));
    }
    arrays.push(new Float32Array([1, Number.NaN, 3, 2]));
    for (const values of arrays) {
      const sorted = Float32Array.from(values).sort();
      const expected = ps.map((p) => quantile(sorted, p));
      expect(quantiles(Float32Array.from(values), ps)).toEqual(expected);
    }
    expect(quantiles(new Float32Array(0), ps)).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });
});
