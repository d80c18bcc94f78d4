// Property tests of the parsers: arbitrary bytes never crash them (they import or fail with a
// TraceInputError naming the file), and generated well-formed files give back their values.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { TRACE_FORMATS, type TraceFormatName } from '../../src/scenarios/traces/format.js';
import { MapSpecError } from '../../src/scenarios/traces/generic.js';
import { TraceInputError } from '../../src/scenarios/traces/validation.js';
import { decodeSeries, encodeSeries } from '../../src/scenarios/traces/workload-file.js';
import { importAll, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let n = 0;
const fresh = (content: string | Uint8Array, ext = '.csv'): string => tmp.file(`f${n++}${ext}`, content);

/** Float32 keeps ~7 significant digits: compare within that. */
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

async function survives(path: string, format: TraceFormatName, extra: Record<string, unknown> = {}): Promise<void> {
  try {
    await importAll([path], { format, ...extra });
  } catch (error) {
    if (!(error instanceof TraceInputError) && !(error instanceof MapSpecError)) throw error;
    if (error instanceof TraceInputError) expect(error.message.startsWith(path)).toBe(true);
  }
}

// Text close to what the parsers expect, so the fuzzing reaches past the first check.
const csvish = fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '.', '-', 'e', ',', ';', '\t', '\n', '\r', '"', '#', ' ', 'a', 'm', '_', ':', '/', 'U', 'T', 'C', '%', '[', ']'), maxLength: 400 });

describe('arbitrary input never crashes a parser', () => {
  for (const format of TRACE_FORMATS) {
    const extra = format === 'generic' ? { map: { time: '#1', vm: '#2', cpu: '#3' }, header: false } : {};
    it(`${format}: random bytes`, async () => {
      await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 500 }), async (bytes) => survives(fresh(bytes), format, extra)), { numRuns: 25 });
    });
    it(`${format}: random CSV-like text`, async () => {
      await fc.assert(fc.asyncProperty(csvish, async (text) => survives(fresh(text), format, extra)), { numRuns: 40 });
    });
  }

  it('strict mode fails with file and line instead', async () => {
    await fc.assert(
      fc.asyncProperty(csvish, async (text) => {
        const path = fresh(`Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]\n${text}`);
        await survives(path, 'bitbrains', { strict: true });
      }),
      { numRuns: 40 },
    );
  });
});

describe('round trips of well-formed files', () => {
  const pct = fc.double({ min: 0, max: 120, noNaN: true });
  const rate = fc.double({ min: 0, max: 1e5, noNaN: true });

  it('Bitbrains: every value comes back at its step', async () => {
    const row = fc.record({ cores: fc.integer({ min: 1, max: 32 }), cpu: pct, prov: fc.integer({ min: 1, max: 1 << 26 }), used: fc.double({ min: 0, max: 1, noNaN: true }), rd: rate, wr: rate, rx: rate, tx: rate });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), fc.integer({ min: 4_000_000, max: 5_000_000 }), async (rows, base) => {
        const t0 = base * 300;
        const lines = rows.map((r, k) => [t0 + 300 * k, r.cores, r.cores * 2600, (r.cores * 2600 * r.cpu) / 100, r.cpu, r.prov, r.used * r.prov, r.rd, r.wr, r.rx, r.tx].join(';\t'));
        const path = fresh(`Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]\n${lines.join('\n')}\n`);
        const { traces } = await importAll([path], { format: 'bitbrains' });
        const t = [...traces.values()][0]!;
        expect(t.startSeconds).toBe(t0);
        expect(t.steps).toBe(rows.length);
        rows.forEach((r, k) => {
          expect(close(t.series.cpuPct![k]!, r.cpu)).toBe(true);
          expect(close(t.series.memoryPct![k]!, 100 * r.used)).toBe(true);
          expect(close(t.series.memoryUsedGiB![k]!, (r.used * r.prov) / 2 ** 20)).toBe(true);
          expect(close(t.series.diskReadKBps![k]!, r.rd)).toBe(true);
          expect(close(t.series.netTxKBps![k]!, r.tx)).toBe(true);
        });
        expect(t.vcpus).toBe(Math.max(...rows.map((r) => r.cores)));
        expect(close(t.stats.cpuPct!.mean, rows.reduce((s, r) => s + r.cpu, 0) / rows.length)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('generic long format (VMs interleaved, ISO times, MB memory): every VM gets its values back', async () => {
    const sample = fc.record({ cpu: pct, memMB: fc.double({ min: 0, max: 1e6, noNaN: true }) });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(sample, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 30 }), async (vms, steps) => {
        const lines = ['when;vm;cpu_pct;mem_used_mb'];
        steps.forEach((step, k) => {
          for (let v = 0; v < vms; v++) lines.push(`${new Date(Date.UTC(2024, 0, 1) + 60_000 * k).toISOString()};vm-${v};${step[v]!.cpu};${step[v]!.memMB}`);
        });
        const path = fresh(`${lines.join('\r\n')}\r\n`);
        const { traces } = await importAll([path], { format: 'generic', stepSeconds: 60, map: { time: 'when', vm: 'vm', cpu: 'cpu_pct:%', memory: 'mem_used_mb:MB' } });
        expect(traces.size).toBe(vms);
        for (let v = 0; v < vms; v++) {
          const t = traces.get(`vm-${v}`)!;
          expect(t.startSeconds).toBe(Date.UTC(2024, 0, 1) / 1000);
          steps.forEach((step, k) => {
            expect(close(t.series.cpuPct![k]!, step[v]!.cpu)).toBe(true);
            expect(close(t.series.memoryUsedGiB![k]!, step[v]!.memMB / 1024)).toBe(true);
          });
        }
      }),
      { numRuns: 30 },
    );
  });

  it('generic CSV guessed from its header reads the same values as with the mapping', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(pct, { minLength: 1, maxLength: 20 }), async (cpus) => {
        const path = fresh(`timestamp,vm_id,cpu_util_pct\n${cpus.map((c, k) => `${1_700_000_100 + 100 * k},a,${c}`).join('\n')}\n`);
        const guessed = await importAll([path], { format: 'generic', stepSeconds: 100 });
        const mapped = await importAll([path], { format: 'generic', stepSeconds: 100, map: { time: 'timestamp', vm: 'vm_id', cpu: 'cpu_util_pct:%' } });
        expect([...guessed.traces.get('a')!.series.cpuPct!]).toEqual([...mapped.traces.get('a')!.series.cpuPct!]);
        expect(guessed.result.notes[0]).toContain('time=timestamp,vm=vm_id,cpu=cpu_util_pct:%');
      }),
      { numRuns: 15 },
    );
  });

  it('PlanetLab: line k is step k', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 288 }), async (values) => {
        const path = fresh(`${values.join('\n')}\n`, '');
        const { traces } = await importAll([path], { format: 'planetlab', startSeconds: 0 });
        expect([...[...traces.values()][0]!.series.cpuPct!]).toEqual(values);
      }),
      { numRuns: 30 },
    );
  });

  it('Alibaba machine_usage: CPU and memory back, net counters back as their increments per second', async () => {
    const row = fc.record({ cpu: fc.integer({ min: 0, max: 100 }), mem: fc.integer({ min: 0, max: 100 }), dIn: fc.integer({ min: 0, max: 500 }), disk: fc.integer({ min: 0, max: 100 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 2, maxLength: 50 }), async (rows) => {
        let counter = 10;
        const lines = rows.map((r, k) => {
          counter += r.dIn / 100;
          return `m_1,${10 * k},${r.cpu},${r.mem},,,${counter.toFixed(2)},5.00,${r.disk}`;
        });
        const path = fresh(`${lines.join('\n')}\n`);
        const { traces } = await importAll([path], { format: 'alibaba-2018', stepSeconds: 10 });
        const t = traces.get('m_1')!;
        rows.forEach((r, k) => {
          expect(t.series.cpuPct![k]).toBe(r.cpu);
          expect(t.series.memoryPct![k]).toBe(r.mem);
          expect(t.series.diskBusyPct![k]).toBe(r.disk);
          // the rate of row k (k >= 1) is its counter increment over the 10 s since row k − 1
          if (k >= 1) expect(Math.abs(t.series.netRxNormPerS![k]! - r.dIn / 100 / 10)).toBeLessThan(1e-5);
        });
      }),
      { numRuns: 30 },
    );
  });

  it('Azure V1 readings: avgcpu back per VM and timestamp', async () => {
    const reading = fc.tuple(fc.double({ min: 0, max: 30, noNaN: true }), fc.double({ min: 0, max: 40, noNaN: true }), fc.double({ min: 0, max: 30, noNaN: true }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(reading, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }), async (times) => {
        const lines: string[] = [];
        times.forEach((vms, k) => vms.forEach(([lo, span, at], v) => lines.push(`${300 * k},vm${v},${lo},${lo + span},${lo + Math.min(at, span)}`)));
        const path = fresh(`${lines.join('\r\n')}\r\n`);
        const { traces } = await importAll([path], { format: 'azure-v1' });
        times.forEach((vms, k) =>
          vms.forEach(([lo, span, at], v) => {
            expect(close(traces.get(`vm${v}`)!.series.cpuPct![k]!, lo + Math.min(at, span))).toBe(true);
          }),
        );
      }),
      { numRuns: 30 },
    );
  });

  it('workload file series: float32 values survive base64 exactly', () => {
    fc.assert(
      fc.property(fc.float32Array({ noDefaultInfinity: true, noNaN: true, maxLength: 500 }), (values) => {
        const back = decodeSeries(encodeSeries(values), values.length)!;
        expect([...back].map((v) => Object.is(v, -0) ? 0 : v)).toEqual([...values].map((v) => Object.is(v, -0) ? 0 : v));
      }),
    );
  });
});
