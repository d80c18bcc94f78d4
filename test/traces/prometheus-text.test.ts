/**
 * Prometheus text exposition captures (src/scenarios/traces/prometheus-text.ts, exposition.ts).
 * Fixtures: test/fixtures/traces/prometheus-text (two-scrape captures built from the
 * zhangjianweibj libvirt-exporter README scrape and node_exporter's line shapes; their README
 * lists every increase and the rate it gives, computed by hand) and the real README scrapes in
 * test/fixtures/traces/libvirt-exporter (one scrape each: no rate). Other captures are written
 * here, with the expected numbers worked out beside them.
 */
import { describe, expect, it, afterAll } from 'vitest';
import { emptySample, parseSampleLine } from '../../src/scenarios/traces/exposition.js';
import { timeInFileName } from '../../src/scenarios/traces/prometheus-text.js';
import { TraceInputError } from '../../src/scenarios/traces/validation.js';
import { runCli } from '../helpers/cli.js';
import { importAll, tempDir, trace } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('the exposition line parser', () => {
  it('reads names, escaped label values, Go floats and timestamps', () => {
    const s = emptySample();
    expect(parseSampleLine('libvirt_domain_block_stats_read_bytes_total{domain="instance-0001e06e",source_file="",target_device="vda"} 1.497283072e+09', s)).toBeUndefined();
    expect(s).toMatchObject({ name: 'libvirt_domain_block_stats_read_bytes_total', labels: ['domain', 'instance-0001e06e', 'source_file', '', 'target_device', 'vda'], value: 1_497_283_072 });
    expect(Number.isNaN(s.timestamp)).toBe(true);
    expect(parseSampleLine('m{a="x\\"y\\\\z\\n"} -Inf 1764583200000', s)).toBeUndefined();
    expect(s.labels).toEqual(['a', 'x"y\\z\n']);
    expect(s.value).toBe(-Infinity);
    expect(s.timestamp).toBe(1_764_583_200_000);
    expect(parseSampleLine('libvirt_up 1', s)).toBeUndefined();
    expect(s.labels).toEqual([]);
  });

  it('says what was expected on a malformed line', () => {
    const s = emptySample();
    expect(parseSampleLine('<html><body>502 Bad Gateway', s)).toContain('expected a sample');
    expect(parseSampleLine('m{a="x} 1', s)).toContain('not closed');
    expect(parseSampleLine('m{a="x"} one', s)).toContain("the value 'one' is not a number");
    expect(parseSampleLine('m 1 2 3', s)).toContain('expected');
  });

  it('finds times in capture file names', () => {
    expect(timeInFileName('/x/metrics-20261201T100000Z.prom')).toBe(Date.UTC(2026, 11, 1, 10) / 1000);
    expect(timeInFileName('2026-12-01T10:05:00Z.prom')).toBe(Date.UTC(2026, 11, 1, 10, 5) / 1000);
    expect(timeInFileName('cmp-001.1764583200.prom')).toBe(1_764_583_200);
    expect(Number.isNaN(timeInFileName('capture.prom'))).toBe(true);
  });
});

describe('two-scrape captures give rates (fixture README, computed by hand)', async () => {
  const { result, traces } = await importAll([trace('prometheus-text')], { format: 'prometheus-text' });

  it('libvirt: CPU % over vCPUs, disk and network rates, RSS, the domain size', () => {
    const vm = traces.get('instance-0001e06e')!;
    expect(vm.samples).toBe(1);
    expect(vm.vcpus).toBe(4);
    expect(vm.memoryGiB).toBe(16);
    const mean = (k: string): number => vm.stats[k as keyof typeof vm.stats]!.mean;
    // 240 s of CPU in 300 s on 4 vCPUs
    expect(mean('cpuPct')).toBeCloseTo(20, 9);
    expect(mean('diskReadKBps')).toBeCloseTo(30, 9);
    expect(mean('diskWriteKBps')).toBeCloseTo(100, 9);
    expect(mean('diskReadIops')).toBeCloseTo(2, 9);
    expect(mean('diskWriteIops')).toBeCloseTo(10, 9);
    expect(mean('netRxKBps')).toBeCloseTo(10, 9);
    expect(mean('netTxKBps')).toBeCloseTo(5, 9);
    expect(mean('memoryUsedGiB')).toBeCloseTo(6_386_884_608 / 2 ** 30, 9);
    // The rate describes 10:00–10:05: the row is at the earlier scrape and holds for the interval.
    expect(vm.firstSampleSeconds).toBe(Date.UTC(2026, 11, 1, 10) / 1000);
    expect(vm.steps).toBe(1);
  });

  it('node exporter: busy share of all CPU modes, MemTotal − MemAvailable, whole disks and physical NICs only', () => {
    const host = traces.get('cmp-001')!;
    expect(host.vcpus).toBe(2);
    expect(host.memoryGiB).toBe(64);
    const mean = (k: string): number => host.stats[k as keyof typeof host.stats]!.mean;
    // all modes +120 s, idle +96 s
    expect(mean('cpuPct')).toBeCloseTo(20, 9);
    expect(mean('memoryUsedGiB')).toBeCloseTo(16, 9);
    expect(mean('memoryPct')).toBeCloseTo(25, 9);
    // sda only: sda1, dm-0, lo and the tap grew by 5e8 bytes and would show
    expect(mean('diskReadKBps')).toBeCloseTo(100, 9);
    expect(mean('diskWriteKBps')).toBeCloseTo(200, 9);
    expect(mean('diskReadIops')).toBeCloseTo(10, 9);
    expect(mean('diskWriteIops')).toBeCloseTo(20, 9);
    expect(mean('diskBusyPct')).toBeCloseTo(25, 9);
    expect(mean('netRxKBps')).toBeCloseTo(50, 9);
    expect(mean('netTxKBps')).toBeCloseTo(20, 9);
  });

  it('counts a row per entity and interval, and says what it read', () => {
    expect(result.log.rowsRead).toBe(2);
    expect(result.log.rowsAccepted).toBe(2);
    expect(result.notes[0]).toContain('1 libvirt domain, 1 node-exporter host');
  });
});

/** A libvirt scrape of one domain at `time` with the given CPU seconds and 2 vCPUs. */
const scrape = (time: string, cpuSeconds: number, domain = 'instance-00000a01'): string =>
  `# scrape ${time}\nlibvirt_domain_info_cpu_time_seconds_total{domain="${domain}"} ${cpuSeconds}\nlibvirt_domain_info_virtual_cpus{domain="${domain}"} 2\n`;

describe('counters between scrapes', () => {
  it('a counter that went down restarted: its increase counts from 0, as Prometheus rate() does', async () => {
    // 0→300 s: +120 s of CPU → 120/300/2 = 20 %; then the VM restarted: 60 s since 0 → 60/300/2 = 10 %.
    const file = tmp.file('reset.prom', scrape('2026-12-01T10:00:00Z', 1000) + scrape('2026-12-01T10:05:00Z', 1120) + scrape('2026-12-01T10:10:00Z', 60));
    const { result, traces } = await importAll([file], { format: 'prometheus-text', stepSeconds: 300 });
    const cpu = traces.get('instance-00000a01')!.series.cpuPct!;
    expect(Array.from(cpu)).toEqual([20, 10]);
    expect(result.log.notes[0]!.reason).toContain('counter went down');
    expect(result.log.notes[0]!.first).toContain('1120 → 60');
  });

  it('per-sample millisecond timestamps time concatenated scrapes without # scrape lines', async () => {
    // 60 s apart, +30 s of CPU on 2 vCPUs → 25 %
    const line = (ms: number, v: number): string => `libvirt_domain_info_cpu_time_seconds_total{domain="d"} ${v} ${ms}\nlibvirt_domain_info_virtual_cpus{domain="d"} 2 ${ms}\n`;
    const file = tmp.file('stamped.prom', line(1_764_583_200_000, 500) + line(1_764_583_260_000, 530));
    const { traces } = await importAll([file], { format: 'prometheus-text', stepSeconds: 60 });
    expect(Array.from(traces.get('d')!.series.cpuPct!)).toEqual([25]);
  });

  it('one scrape per file, timed by the file names', async () => {
    const a = tmp.file('m-20261201T100000Z.prom', 'libvirt_domain_info_cpu_time_seconds_total{domain="d"} 10\nlibvirt_domain_info_virtual_cpus{domain="d"} 1\n');
    const b = tmp.file('m-20261201T100100Z.prom', 'libvirt_domain_info_cpu_time_seconds_total{domain="d"} 40\nlibvirt_domain_info_virtual_cpus{domain="d"} 1\n');
    // +30 s in 60 s on 1 vCPU → 50 %
    const { traces, result } = await importAll([a, b], { format: 'prometheus-text', stepSeconds: 60 });
    expect(Array.from(traces.get('d')!.series.cpuPct!)).toEqual([50]);
    expect(result.notes.join('\n')).toContain('from its name');
  });

  it('concatenated scrapes with no time between them are refused with the line and the fix', async () => {
    const file = tmp.file('untimed.prom', 'libvirt_domain_info_cpu_time_seconds_total{domain="d"} 10\nlibvirt_domain_info_cpu_time_seconds_total{domain="d"} 40\n');
    await expect(importAll([file], { format: 'prometheus-text' })).rejects.toThrow(/untimed\.prom:2: .*appears twice.*'# scrape <time>'/);
  });

  it('a malformed line is counted with file:line (strict: fails there)', async () => {
    const file = tmp.file('bad.prom', `${scrape('2026-12-01T10:00:00Z', 0)}libvirt_domain_info_cpu_time_seconds_total{domain="d} 5\n${scrape('2026-12-01T10:05:00Z', 30)}`);
    const { result } = await importAll([file], { format: 'prometheus-text' });
    expect(result.log.rejected[0]!.first).toBe(`${file}:4`);
    expect(result.log.rejected[0]!.reason).toContain("label 'domain': the quoted value is not closed");
    await expect(importAll([file], { format: 'prometheus-text', strict: true })).rejects.toThrow(`${file}:4: `);
  });
});

describe('files that are no capture', () => {
  it('a line over 1 MiB or a broken gzip: a TraceInputError naming the file', async () => {
    const long = tmp.file('long.prom', 'a'.repeat(2 << 20));
    await expect(importAll([long], { format: 'prometheus-text' })).rejects.toThrow(`${long}: cannot read it (a line longer than 1048576 bytes`);
    const gz = tmp.file('fake.prom.gz', 'not gzip\n');
    await expect(importAll([gz], { format: 'prometheus-text' })).rejects.toThrow(`${gz}: not a valid gzip file`);
  });
});

describe('a single scrape has no rate', () => {
  it('the real README scrape: exit 2 naming the file, no stack', async () => {
    const r = await runCli(['import', '--format', 'prometheus-text', 'test/fixtures/traces/libvirt-exporter/tinkoff-libvirt-exporter_README-example.prom']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('test/fixtures/traces/libvirt-exporter/tinkoff-libvirt-exporter_README-example.prom: holds a single scrape');
    expect(r.stderr).toContain('capture at least two');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('is a TraceInputError from the importer too', async () => {
    const file = tmp.file('one.prom', scrape('2026-12-01T10:00:00Z', 5));
    await expect(importAll([file], { format: 'prometheus-text' })).rejects.toBeInstanceOf(TraceInputError);
  });
});

describe('the CLI end to end', () => {
  it('detects the format, explains why, and writes a workload file', async () => {
    const out = `${tmp.dir}/w.workload`;
    const r = await runCli(['import', 'test/fixtures/traces/prometheus-text', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('--format not given: using prometheus-text, because test/fixtures/traces/prometheus-text/libvirt-two-scrapes.prom is Prometheus text exposition (metrics as scraped from /metrics, first sample libvirt_domain_block_stats_read_bytes_total)\n');
    expect(r.stdout).toContain('VMs 2');
    expect(r.stdout).toContain(`workload file written: ${out}`);
  });

  it('detects a gzipped capture from its decompressed start', async () => {
    const { gzipSync } = await import('node:zlib');
    const { readFileSync } = await import('node:fs');
    const gz = tmp.file('node.prom.gz', gzipSync(readFileSync(trace('prometheus-text', 'node-two-scrapes.prom'))));
    const r = await runCli(['import', gz, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('using prometheus-text');
    expect((JSON.parse(r.stdout) as { traces: { id: string }[] }).traces.map((t) => t.id)).toEqual(['cmp-001']);
  });
});
