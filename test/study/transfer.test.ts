import { describe, expect, it } from 'vitest';
import { place } from '../../src/model/placement.js';
import { simulateReplication } from '../../src/model/replication.js';
import { combineReplications, runStudy } from '../../src/model/run.js';
import { computeReplication, decodeReplication, inProcessRunner } from '../../src/model/runner.js';
import { Histogram } from '../../src/model/stats/histogram.js';
import { decodeTransfer, encodeTransfer, type Encoded } from '../../src/model/transfer.js';
import { buildReport, reportJson } from '../../src/report/report.js';
import { runReplicated } from '../../src/study/run.js';
import { NOISY_YAML, scenario } from './helpers.js';

describe('transfer encoding', () => {
  it('round-trips a real replication through JSON text exactly (the combined report is byte-identical)', async () => {
    const s = await scenario(NOISY_YAML, ['replications=2']);
    const placement = place(s);
    const direct = [0, 1].map((r) => simulateReplication(s, placement, r));
    const viaJson = [0, 1].map((r) => decodeReplication(JSON.parse(JSON.stringify(encodeTransfer(computeReplication({ scenario: s, replication: r })))) as Encoded));
    const a = reportJson(buildReport(combineReplications(s, placement, direct)));
    const b = reportJson(buildReport(combineReplications(s, placement, viaJson)));
    expect(b).toBe(a);
    // Histograms come back as histograms, typed arrays as the same typed arrays.
    expect(viaJson[0]!.cpu.readyPct).toBeInstanceOf(Histogram);
    expect(viaJson[0]!.cpu.hostUtilPctMean).toBeInstanceOf(Float64Array);
  });

  it('keeps NaN, infinities, −0, undefined and empty histograms, which plain JSON would lose', () => {
    const value = { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: Number.NEGATIVE_INFINITY, d: -0, e: undefined, h: new Histogram(), t: new Int32Array([1, -2]), f: Float64Array.from([0.1, Number.NaN]) };
    const back = decodeTransfer(JSON.parse(JSON.stringify(encodeTransfer(value))) as Encoded) as typeof value;
    expect(back.a).toBeNaN();
    expect(back.b).toBe(Number.POSITIVE_INFINITY);
    expect(back.c).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(back.d, -0)).toBe(true);
    expect('e' in back).toBe(true);
    expect(back.h.count).toBe(0);
    expect(back.h.min).toBe(Number.POSITIVE_INFINITY);
    expect(back.t).toEqual(new Int32Array([1, -2]));
    expect(back.f[1]).toBeNaN();
  });

  it('refuses class instances it cannot encode, naming where they are (a new result field must not arrive as {})', () => {
    expect(() => encodeTransfer({ memory: { peaks: new Map([[1, 2]]) } })).toThrow(/cannot encode a Map at result\.memory\.peaks/);
    expect(() => encodeTransfer({ $t: 'x' })).toThrow(/reserved/);
  });

  it('a run through the replication runner equals runStudy byte for byte', async () => {
    const s = await scenario(NOISY_YAML, ['replications=3']);
    const expected = reportJson(buildReport(runStudy(s)));
    const runner = inProcessRunner();
    expect(reportJson(buildReport(await runReplicated(s, runner)))).toBe(expected);
  });
});
