// The resampler: time-weighted means, holds, gaps and their fill policies, duplicates, order, and
// percentiles. Every expected value is a hand computation written beside it.
import { describe, expect, it } from 'vitest';
import { ADDED, BACKWARDS, DUPLICATE, DUPLICATE_REPLACED, quantile, resampleTrace, SeriesBuilder, type GapFill } from '../../src/scenarios/traces/series.js';

function builder(options: { step?: number; maxGap?: number; gapFill?: GapFill; metrics?: 1 | 2; nominal?: number } = {}): SeriesBuilder {
  return new SeriesBuilder('vm', {
    stepSeconds: options.step ?? 300,
    metrics: options.metrics === 2 ? ['cpuPct', 'memoryPct'] : ['cpuPct'],
    gapFill: options.gapFill ?? 'linear',
    maxGapSeconds: options.maxGap ?? 900,
    nominalSeconds: options.nominal,
  });
}
const row = (...v: number[]): Float64Array => Float64Array.from(v);
const cpu = (b: SeriesBuilder): number[] => [...b.finish().series.cpuPct!];

describe('resampling to the step', () => {
  it('averages the samples of a step by the time each holds', () => {
    const b = builder();
    b.add(0, row(10));
    b.add(100, row(20));
    b.add(200, row(40));
    b.add(300, row(80));
    // step 0: (10·100 + 20·100 + 40·100) / 300 = 23.33…; the last sample holds as long as the
    // interval before it (100 s), so step 1 is 80 over its covered 100 s.
    const out = cpu(b);
    expect(out).toHaveLength(2);
    expect(out[0]).toBeCloseTo(70 / 3, 5);
    expect(out[1]).toBe(80);
  });

  it('holds a sample across the steps it spans when upsampling', () => {
    const b = builder({ step: 60 });
    b.add(0, row(5));
    b.add(300, row(7));
    // 5 holds over [0, 300): steps 0–4; 7 holds its predecessor's 300 s: steps 5–9.
    expect(cpu(b)).toEqual([5, 5, 5, 5, 5, 7, 7, 7, 7, 7]);
  });

  it('puts steps on a grid of multiples of the step, so traces line up', () => {
    const b = builder();
    b.add(1_372_629_804, row(1)); // the first Bitbrains timestamp (2013-06-30 22:03:24 UTC)
    b.add(1_372_630_104, row(2));
    const t = b.finish();
    // floor(1372629804 / 300) · 300 = 1372629600 (22:00:00 UTC)
    expect(t.startSeconds).toBe(1_372_629_600);
    // step 0 (22:00–22:05) holds only 1, from 22:03:24; step 1 (22:05–22:10) holds 1 until the
    // next sample at 22:08:24 (204 s), then 2 for 96 s.
    expect(t.series.cpuPct![0]).toBe(1);
    expect(t.series.cpuPct![1]).toBeCloseTo((1 * 204 + 2 * 96) / 300, 5);
  });

  it('a lone sample holds for the nominal interval', () => {
    const b = builder({ step: 60, nominal: 180 });
    b.add(0, row(3));
    expect(cpu(b)).toEqual([3, 3, 3]);
  });
});

describe('gaps', () => {
  // Samples at 0 s (10) and 1500 s (60), step 300, a sample holds at most 300 s: step 0 is 10,
  // step 5 is 60, steps 1–4 are a gap.
  const gapped = (gapFill: GapFill): { values: number[]; filled: number } => {
    const b = builder({ maxGap: 300, gapFill });
    b.add(0, row(10));
    b.add(1500, row(60));
    const t = b.finish();
    return { values: [...t.series.cpuPct!], filled: t.stats.cpuPct!.filledSteps };
  };

  it('linear: interpolates between the covered neighbours (10 → 60 over 5 steps: +10 a step)', () => {
    expect(gapped('linear')).toEqual({ values: [10, 20, 30, 40, 50, 60], filled: 4 });
  });

  it('hold: repeats the last value', () => {
    expect(gapped('hold')).toEqual({ values: [10, 10, 10, 10, 10, 60], filled: 4 });
  });

  it('zero: writes 0', () => {
    expect(gapped('zero')).toEqual({ values: [10, 0, 0, 0, 0, 60], filled: 4 });
  });

  it('a metric missing from the first rows takes its first value; missing from the last rows, its last', () => {
    const b = builder({ metrics: 2 });
    b.add(0, row(1, Number.NaN));
    b.add(300, row(2, 50));
    b.add(600, row(3, Number.NaN));
    const t = b.finish();
    expect([...t.series.cpuPct!]).toEqual([1, 2, 3]);
    expect([...t.series.memoryPct!]).toEqual([50, 50, 50]);
    expect(t.stats.memoryPct!.filledSteps).toBe(2);
    expect(t.filledSteps).toBe(2);
  });

  it('a metric never measured is left out', () => {
    const b = builder({ metrics: 2 });
    b.add(0, row(1, Number.NaN));
    expect(Object.keys(b.finish().series)).toEqual(['cpuPct']);
  });
});

describe('row order and duplicates', () => {
  it('refuses a row earlier than the previous one', () => {
    const b = builder();
    expect(b.add(300, row(1))).toBe(ADDED);
    expect(b.add(0, row(2))).toBe(BACKWARDS);
  });

  it('keeps the first of duplicate timestamps, unless it was all zeros', () => {
    const b = builder({ metrics: 2 });
    expect(b.add(0, row(0, 0))).toBe(ADDED);
    expect(b.add(0, row(5, 50))).toBe(DUPLICATE_REPLACED);
    expect(b.add(0, row(9, 90))).toBe(DUPLICATE);
    b.add(300, row(1, 10));
    const t = b.finish();
    expect(t.series.cpuPct![0]).toBe(5);
    expect(t.samples).toBe(2);
  });
});

describe('statistics', () => {
  it('percentiles interpolate between order statistics (R type 7)', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    // h = 99p: p50 → 49.5 → 50.5; p95 → 94.05 → 95.05; p99 → 98.01 → 99.01
    expect(quantile(values, 0.5)).toBeCloseTo(50.5, 12);
    expect(quantile(values, 0.95)).toBeCloseTo(95.05, 12);
    expect(quantile(values, 0.99)).toBeCloseTo(99.01, 12);
    expect(quantile(new Float64Array(0), 0.5)).toBeNaN();
  });

  it('mean and max are over samples; percentiles over measured steps only', () => {
    const b = builder({ maxGap: 300, gapFill: 'linear' });
    b.add(0, row(10));
    b.add(1500, row(60));
    const s = b.finish().stats.cpuPct!;
    expect(s.samples).toBe(2);
    expect(s.mean).toBe(35);
    expect(s.max).toBe(60);
    // measured steps are 10 and 60 only: p50 = 35
    expect(s.p50).toBe(35);
  });
});

describe('resampling a finished trace', () => {
  it('averages pairs of 300 s steps into 600 s steps', () => {
    const t = resampleTrace({ id: 'x', startSeconds: 0, steps: 4, series: { cpuPct: Float32Array.from([10, 20, 30, 50]) } }, 300, 600);
    expect([...t.series.cpuPct!]).toEqual([15, 40]);
    expect(t.steps).toBe(2);
  });

  it('holds 600 s steps over 300 s steps', () => {
    const t = resampleTrace({ id: 'x', startSeconds: 600, steps: 2, series: { cpuPct: Float32Array.from([10, 20]) } }, 600, 300);
    expect([...t.series.cpuPct!]).toEqual([10, 10, 20, 20]);
    expect(t.startSeconds).toBe(600);
  });
});
