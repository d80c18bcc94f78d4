/**
 * Hostile and broken trace input (issue 21): a far-away timestamp must not build centuries of
 * steps, a stray quote must not swallow the rows after it, CRLF files keep their line numbers,
 * and lenient counts add up (read = accepted + rejected + skipped).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TraceInputError } from '../../src/scenarios/traces/validation.js';
import { importAll, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const map = { time: 'time:s', vm: 'vm', cpu: 'cpu:%' };

describe('bounded imports', () => {
  // The file: 3 rows, the last in year 5138 (it grew past 2 GB); 1e20 crashed on an array length.
  for (const far of ['99999999999', '1e20']) {
    it(`refuses the row at ${far} s, naming it, and keeps the series short`, async () => {
      const file = tmp.file(`far-${far}.csv`, `time,vm,cpu\n1400000000,a,5\n1400000300,a,6\n${far},a,7\n`);
      const { result, traces } = await importAll([file], { format: 'generic', map });
      expect(result.log.rowsRejected).toBe(1);
      expect(result.log.rejected[0]!.first).toBe(`${file}:4 (${Number(far)} s)`);
      // Two 300 s samples at a 300 s step: two steps plus the last sample's hold (series.ts).
      expect(traces.get('a')!.steps).toBeLessThanOrEqual(3);
      await expect(importAll([file], { format: 'generic', map, strict: true })).rejects.toThrow(`${file}:4: timestamp beyond`);
    });
  }

  it('bounds the span of one trace by --max-steps, and the bound can be raised', async () => {
    // 100,000 s apart at a 1 s step: 100,000 steps.
    const file = tmp.file('span.csv', 'time,vm,cpu\n1400000000,a,5\n1400100000,a,6\n');
    await expect(importAll([file], { format: 'generic', map, strict: true, stepSeconds: 1, maxSteps: 50_000 })).rejects.toThrow(/span\.csv:3: timestamp too far .* more than 50000 steps \(raise with --max-steps\)/);
    const { traces } = await importAll([file], { format: 'generic', map, strict: true, stepSeconds: 1, maxSteps: 200_000 });
    // Steps 0…100,000 plus the last sample's hold of max-gap (3 steps, series.ts): 100,003.
    expect(traces.get('a')!.steps).toBe(100_003);
  });
});

describe('CSV damage stays on its line', () => {
  it('a stray quote at a line start rejects that line only; CRLF line numbers are not doubled; counts add up', async () => {
    const rows = ['time,vm,cpu', '1400000000,a,5', '"1400000300,a,6', ...Array.from({ length: 20 }, (_, i) => `${1400000600 + 300 * i},a,${i}`), '1400009000,a,x'];
    const file = tmp.file('quote.csv', rows.join('\r\n') + '\r\n');
    const { result } = await importAll([file], { format: 'generic', map });
    const log = result.log;
    expect(log.rowsRead).toBe(23);
    expect(log.rowsAccepted).toBe(21);
    expect(log.rowsRead).toBe(log.rowsAccepted + log.rowsRejected + log.rowsSkipped);
    expect(log.rejected.map((r) => r.first).sort()).toEqual([`${file}:24 (found 'x')`, `${file}:3`]);
    const strict = importAll([file], { format: 'generic', map, strict: true });
    await expect(strict).rejects.toBeInstanceOf(TraceInputError);
    await expect(strict).rejects.toThrow(`${file}:3: unbalanced quote`);
  });
});

describe('files that say little', () => {
  it('an empty PlanetLab file is noted, not dropped silently', async () => {
    const dir = tempDir();
    try {
      const a = dir.file('vm_a', '10\n20\n');
      const empty = dir.file('vm_b', '');
      const { result, traces } = await importAll([a, empty], { format: 'planetlab', startSeconds: 0 });
      expect([...traces.keys()]).toEqual(['vm_a']);
      expect(result.log.notes.map((n) => `${n.first}: ${n.reason}`)).toContain(`${empty}: empty file: no samples, so no trace for this VM`);
    } finally {
      dir.cleanup();
    }
  });

  it('the generic format reads its header from a .gz file decompressed, not from the compressed bytes', async () => {
    const { gzipSync } = await import('node:zlib');
    const file = tmp.file('g.csv.gz', gzipSync('time;vm;cpu\n1400000000;a;5\n1400000300;a;6\n'));
    const { traces } = await importAll([file], { format: 'generic', map });
    expect(traces.get('a')!.samples).toBe(2);
  });
});
