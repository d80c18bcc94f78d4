/**
 * The packed form results cross threads in (src/model/packed.ts): structured cloning plus tagged
 * histograms must give back exactly what was computed, so a report combined from packed results
 * is byte-identical to one combined from the results themselves.
 */
import { describe, expect, it } from 'vitest';
import { place } from '../../src/model/placement.js';
import { simulateReplication } from '../../src/model/replication.js';
import { combineReplications } from '../../src/model/run.js';
import { packResult, unpackResult } from '../../src/model/packed.js';
import { unpackReplication } from '../../src/model/runner.js';
import { Histogram } from '../../src/model/stats/histogram.js';
import { buildReport, reportJson } from '../../src/report/report.js';
import { NOISY_YAML, scenario } from '../study/helpers.js';

describe('packed results', () => {
  it('round-trip a real replication through structured cloning exactly (the combined report is byte-identical)', async () => {
    const s = await scenario(NOISY_YAML, ['replications=2']);
    const placement = place(s);
    const direct = [0, 1].map((r) => simulateReplication(s, placement, r));
    const cloned = [0, 1].map((r) => unpackReplication(structuredClone(packResult(simulateReplication(s, placement, r)))));
    expect(reportJson(buildReport(combineReplications(s, placement, cloned)))).toBe(reportJson(buildReport(combineReplications(s, placement, direct))));
    expect(cloned[0]!.cpu.readyPct).toBeInstanceOf(Histogram);
    expect(cloned[0]!.cpu.hostUtilPctMean).toBeInstanceOf(Float64Array);
  });

  it('keeps NaN, infinities, −0, undefined and histograms; an unpacked value that never left its thread passes through', () => {
    const h = new Histogram();
    h.add(3, 2);
    const value = { a: Number.NaN, b: Number.NEGATIVE_INFINITY, d: -0, e: undefined, empty: new Histogram(), h, f: Float64Array.from([0.1, Number.NaN]) };
    const back = unpackResult(structuredClone(packResult(value))) as typeof value;
    expect(back.a).toBeNaN();
    expect(back.b).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(back.d, -0)).toBe(true);
    expect('e' in back).toBe(true);
    expect(back.empty).toBeInstanceOf(Histogram);
    expect(back.empty.min).toBe(Number.POSITIVE_INFINITY);
    expect(back.h.count).toBe(2);
    expect(back.h.sum).toBe(6);
    expect(back.h.counts).toEqual(h.counts);
    expect(back.f[1]).toBeNaN();
    const local = unpackResult(value) as typeof value;
    expect(local.h).toBe(h);
  });

  it('refuses class instances it cannot pack, naming where they are (structured cloning would drop their class)', () => {
    expect(() => packResult({ memory: { peaks: new Map([[1, 2]]) } })).toThrow(/cannot pack a Map at result\.memory\.peaks/);
    expect(() => packResult({ $t: 'x' })).toThrow(/reserved/);
  });
});
