// The model's trace-driven demand: byId replays, the day-block bootstrap, shifts, seeding and caps.
// Traces are built by hand here so every expected value can be read off them.
import { describe, expect, it } from 'vitest';
import { streamFactory } from '../../src/model/random/streams.js';
import { completeBlocks, meanCpuPct, TraceDemandField, type TraceSeries, type TraceVm, type TraceWorkload } from '../../src/model/workload/trace-demand.js';

const STEP = 3600; // hourly steps keep the arithmetic readable
const DAY = 86_400;
const T0 = 1_372_636_800; // 2013-07-01 00:00 UTC

/** A trace whose value at step i is f(i), in percent. */
function series(id: string, startSeconds: number, steps: number, f: (i: number) => number, extra: Partial<TraceSeries['series']> = {}): TraceSeries {
  return { id, startSeconds, steps, series: { cpuPct: Float32Array.from({ length: steps }, (_, i) => f(i)), ...extra } };
}

function workload(traces: TraceSeries[], over: Partial<TraceWorkload> = {}): TraceWorkload {
  return { label: 'test', traces, stepSeconds: STEP, mapping: 'byId', blockSeconds: DAY, maxShiftSeconds: 0, offsetSeconds: 0, ...over };
}

function field(w: TraceWorkload, n: number, options: { startHour?: number; steps?: number; replication?: number } = {}): TraceDemandField {
  const vms: TraceVm[] = Array.from({ length: n }, (_, k) => ({ name: `g-${k + 1}`, slot: k, indexInGroup: k, workload: w }));
  return new TraceDemandField(vms, STEP, options.startHour ?? 0, options.steps ?? 72, streamFactory(5, options.replication ?? 0));
}

function run(f: TraceDemandField, n: number, steps: number): number[][] {
  const out = new Float64Array(n);
  const rows: number[][] = Array.from({ length: n }, () => []);
  for (let k = 0; k < steps; k++) {
    f.fill(k, out);
    for (let v = 0; v < n; v++) rows[v]!.push(out[v]!);
  }
  return rows;
}

describe('byId', () => {
  it('VM k replays trace k from the common start, as a fraction of its vCPUs', () => {
    const w = workload([series('a', T0, 48, (i) => i), series('b', T0, 48, (i) => 50 + i / 2)]);
    const rows = run(field(w, 2), 2, 48);
    expect(rows[0]![5]).toBeCloseTo(0.05, 6);
    expect(rows[1]![10]).toBeCloseTo(0.55, 6);
  });

  it('a VM whose trace starts later has no demand until then (0), on the shared clock', () => {
    const w = workload([series('a', T0, 72, () => 10), series('late', T0 + DAY, 48, () => 20)]);
    const rows = run(field(w, 2), 2, 72);
    expect(rows[1]![23]).toBe(0);
    expect(rows[1]![24]).toBeCloseTo(0.2, 6);
  });

  it('starts at the first trace hour equal to startHour', () => {
    const w = workload([series('a', T0, 72, (i) => i)]);
    // startHour 6: simulated step 0 is trace step 6 (06:00 on the first day)
    expect(run(field(w, 1, { startHour: 6 }), 1, 1)[0]![0]).toBeCloseTo(0.06, 6);
  });

  it('wraps around in whole days beyond the end of the traces', () => {
    const w = workload([series('a', T0, 60, (i) => i)]); // 2.5 days: wraps after 2 whole days
    const rows = run(field(w, 1, { steps: 60 }), 1, 60);
    expect(rows[0]![48]).toBeCloseTo(0, 6);
    expect(rows[0]![49]).toBeCloseTo(0.01, 6);
  });

  it('caps measured utilisation above 100 % at 1', () => {
    const w = workload([series('a', T0, 24, () => 107.3)]);
    expect(run(field(w, 1, { steps: 24 }), 1, 1)[0]![0]).toBe(1);
  });

  it('fills other metrics as measured (NaN where the trace has none)', () => {
    const w = workload([series('a', T0, 24, () => 10, { memoryPct: Float32Array.from({ length: 24 }, (_, i) => 40 + i) }), series('b', T0, 24, () => 10)]);
    const f = field(w, 2, { steps: 24 });
    const out = new Float64Array(2);
    f.fillMetric('memoryPct', 3, out);
    expect(out[0]).toBe(43);
    expect(out[1]).toBeNaN();
  });
});

describe('bootstrap', () => {
  // Three trace days whose values say which trace, day and hour they are, in percent:
  // 40·trace + 10·day + hour/4 (at most 65.75, so nothing is capped).
  const code = (trace: number) => (i: number) => 40 * trace + 10 * Math.floor(i / 24) + (i % 24) / 4;
  const decode = (u: number): { trace: number; day: number; hour: number } => {
    const v = Math.round(u * 400) / 4;
    return { trace: v >= 40 ? 1 : 0, day: Math.floor((v % 40) / 10), hour: Math.round((v % 10) * 4) };
  };
  const days = [series('a', T0, 72, code(0)), series('b', T0, 72, code(1))];
  const w = workload(days, { mapping: 'bootstrap' });

  it('reads a whole trace day for every simulated day, at the simulated hour', () => {
    const n = 20;
    const rows = run(field(w, n, { steps: 96 }), n, 96);
    for (const row of rows) {
      for (let d = 0; d < 4; d++) {
        const day = row.slice(24 * d, 24 * d + 24).map(decode);
        // every hour of the simulated day comes from the same trace day, at that hour
        expect(day.map((x) => x.hour)).toEqual(day.map((_, h) => h));
        expect(new Set(day.map((x) => `${x.trace}/${x.day}`)).size).toBe(1);
      }
    }
  });

  it('keeps each VM on one trace, drawn with replacement', () => {
    const n = 40;
    const rows = run(field(w, n, { steps: 48 }), n, 48);
    let onB = 0;
    for (const row of rows) {
      const traces = new Set(row.map((u) => decode(u).trace));
      expect(traces.size).toBe(1);
      if (traces.has(1)) onB++;
    }
    // 40 fair draws: both traces occur (all on one side has probability 2 · 2^-40)
    expect(onB).toBeGreaterThan(0);
    expect(onB).toBeLessThan(n);
  });

  it('is the same for the same seed and replication, different for another replication', () => {
    const a = run(field(w, 30, { steps: 96, replication: 1 }), 30, 96);
    const again = run(field(w, 30, { steps: 96, replication: 1 }), 30, 96);
    const other = run(field(w, 30, { steps: 96, replication: 2 }), 30, 96);
    expect(again).toEqual(a);
    expect(other).not.toEqual(a);
  });

  it('reads the block at the simulated hour when the run starts mid-day', () => {
    const rows = run(field(w, 5, { startHour: 18, steps: 12 }), 5, 12);
    for (const row of rows) {
      // 18:00 … 23:00, then a new day 00:00 … 05:00
      expect(row.map((u) => decode(u).hour)).toEqual([18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5]);
    }
  });

  it('shifts each VM along its trace by at most ±maxShift', () => {
    const shifted = workload([series('a', T0, 72, (i) => i % 24)], { mapping: 'bootstrap', maxShiftSeconds: 2 * STEP });
    const rows = run(field(shifted, 50, { steps: 1 }), 50, 1);
    const offsets = rows.map((r) => Math.round(r[0]! * 100));
    // hour 0 shifted by −2…+2 steps reads hour 22, 23, 0, 1 or 2
    for (const o of offsets) expect([22, 23, 0, 1, 2]).toContain(o);
    expect(new Set(offsets).size).toBeGreaterThan(1);
  });

  it('uses only complete blocks: a trace starting at 10:00 offers its whole days from the next midnight', () => {
    const t = series('x', T0 + 10 * 3600, 24 + 14 + 5, () => 1);
    // from 10:00: 14 h to midnight, one whole day, 5 h more
    expect(completeBlocks(t, DAY, STEP)).toEqual({ firstIndex: 14, count: 1 });
  });
});

describe('meanCpuPct', () => {
  it('averages every step of every trace, each capped at 100', () => {
    // (10 + 30 + 100 + 100) / 4
    expect(meanCpuPct([series('a', 0, 2, (i) => (i === 0 ? 10 : 30)), series('b', 0, 2, (i) => (i === 0 ? 120 : 100))])).toBe(60);
  });
});
