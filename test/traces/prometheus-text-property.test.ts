/**
 * Property: any generated libvirt-exporter capture (1–4 domains, 2–8 scrapes at irregular 10–600 s
 * intervals, counters that may restart) imports (src/scenarios/traces/prometheus-text.ts) into a
 * workload file that a scenario loads and validates, and each domain's CPU % comes back as the
 * utilisation the counters were generated from: increase / interval / vCPUs, with a restart
 * counted from 0.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src/scenarios/load.js';
import { endLine, headerLine, traceLine } from '../../src/scenarios/traces/workload-file.js';
import { importAll, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let n = 0;

const domain = fc.record({
  vcpus: fc.integer({ min: 1, max: 16 }),
  start: fc.double({ min: 1e3, max: 1e7, noNaN: true }),
  /** Busy share per interval, and whether the VM restarted during it. */
  intervals: fc.array(fc.record({ util: fc.double({ min: 0, max: 1, noNaN: true }), restart: fc.boolean(), readBps: fc.integer({ min: 0, max: 1e9 }) }), { minLength: 7, maxLength: 7 }),
});

describe('generated text exposition captures', () => {
  it('import into a workload file that validates, with the CPU % they were generated from', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(domain, { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 10, max: 600 }), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }),
        async (domains, gaps, t0) => {
          const times = gaps.reduce((ts, g) => [...ts, ts[ts.length - 1]! + g], [t0]);
          const cpu = domains.map((d) => d.start);
          const disk = domains.map(() => 5e9);
          const lines: string[] = [];
          times.forEach((t, k) => {
            lines.push(`# scrape ${new Date(t * 1000).toISOString()}`);
            domains.forEach((d, v) => {
              if (k > 0) {
                const step = d.intervals[k - 1]!;
                const used = step.util * gaps[k - 1]! * d.vcpus;
                // A restart only shows when the new value is below the old one (the counter started from 0).
                cpu[v] = step.restart && used < cpu[v]! ? used : cpu[v]! + used;
                disk[v] = disk[v]! + step.readBps * gaps[k - 1]!;
              }
              const name = `instance-${String(v).padStart(8, '0')}`;
              lines.push(`libvirt_domain_info_cpu_time_seconds_total{domain="${name}"} ${cpu[v]}`);
              lines.push(`libvirt_domain_info_virtual_cpus{domain="${name}"} ${d.vcpus}`);
              lines.push(`libvirt_domain_info_maximum_memory_bytes{domain="${name}"} ${d.vcpus * 2 ** 31}`);
              lines.push(`libvirt_domain_memory_stats_rss_bytes{domain="${name}"} ${d.vcpus * 2 ** 30}`);
              lines.push(`libvirt_domain_block_stats_read_bytes_total{domain="${name}",target_device="vda"} ${disk[v]}`);
            });
          });
          const capture = tmp.file(`c${n}.prom`, `${lines.join('\n')}\n`);
          const { result, traces } = await importAll([capture], { format: 'prometheus-text', stepSeconds: 60 });
          expect(traces.size).toBe(domains.length);
          domains.forEach((d, v) => {
            const t = traces.get(`instance-${String(v).padStart(8, '0')}`)!;
            expect(t.samples).toBe(gaps.length);
            expect(t.vcpus).toBe(d.vcpus);
            const expected = gaps.map((_, k) => 100 * d.intervals[k]!.util);
            const mean = expected.reduce((s, x) => s + x, 0) / expected.length;
            expect(t.stats.cpuPct!.mean).toBeCloseTo(mean, 6);
            expect(t.stats.cpuPct!.max).toBeCloseTo(Math.max(...expected), 6);
            const readKBps = gaps.reduce((s, _, k) => s + d.intervals[k]!.readBps / 1024, 0) / gaps.length;
            expect(Math.abs(t.stats.diskReadKBps!.mean - readKBps)).toBeLessThanOrEqual(1e-9 * Math.max(1, readKBps));
          });

          const workload = `w${n}.workload`;
          tmp.file(workload, headerLine({ stepSeconds: 60, format: 'prometheus-text', gapFill: 'linear', sources: [capture] }) + [...traces.values()].map((t) => traceLine(t)).join('') + endLine(result));
          const scenario = `name: from-capture
duration: 1h
step: 1min
replications: 1
hosts:
  - name: h
    count: 1
    cpu: { cores: 32 }
    memory: { totalGiB: 256 }
vms:
  - name: measured
    count: ${domains.length}
    vcpus: 2
    memoryGiB: 4
    workload:
      trace: { file: ${workload}, mapping: byId }
`;
          const loaded = await parseScenarioText(scenario, tmp.file(`s${n++}.yaml`, scenario));
          if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
          expect(loaded.value.vms[0]!.workload.trace!.traces).toHaveLength(domains.length);
        },
      ),
      { numRuns: 40 },
    );
  });
});
