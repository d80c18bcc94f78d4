// `overcast import`: the summary, the workload file, and bad input — exit 2 with file:line and no
// stack trace, never a half-written output.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWorkloadFile } from '../../src/scenarios/traces/workload-file.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, trace, TRACES } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('overcast import', () => {
  it('prints files, VMs, span, step, rows and reasons, and per-VM percentiles', async () => {
    const { code, stdout, stderr } = await runCli(['import', 'bitbrains-rnd/2013-7', '--format', 'bitbrains'], { cwd: TRACES });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // README: 12 files, 91,810 rows, 4,158 duplicated timestamps in 20.csv; July 2013
    expect(stdout).toContain('bitbrains · 12 files');
    expect(stdout).toContain('VMs 12 · time span 2013-06-30T22:03:24Z');
    expect(stdout).toContain('step 5 min');
    expect(stdout).toContain('91,810 read · 87,652 accepted · 0 rejected · 4,158 skipped');
    expect(stdout).toMatch(/4,158 {2}duplicate timestamp .* first at bitbrains-rnd\/2013-7\/20\.csv:\d+/);
    expect(stdout).toMatch(/cpuPct \(%\): p50\/p95\/p99/);
    expect(stdout).toContain('no workload file written');
  });

  it('--json gives the same summary as data', async () => {
    const { code, stdout } = await runCli(['import', trace('planetlab-20110303'), '--format', 'planetlab', '--json']);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as { vms: number; rows: { read: number }; traces: { stats: { cpuPct: { p50: number; p95: number; p99: number } } }[] };
    // README: 50 VMs × 288 values
    expect(summary.vms).toBe(50);
    expect(summary.rows.read).toBe(14_400);
    const s = summary.traces[0]!.stats.cpuPct;
    expect(s.p50).toBeLessThanOrEqual(s.p95);
    expect(s.p95).toBeLessThanOrEqual(s.p99);
  });

  it('-o writes a workload file that reads back with every trace', async () => {
    const out = join(tmp.dir, 'rnd.workload.ndjson');
    const { code, stdout } = await runCli(['import', trace('bitbrains-rnd', '2013-7'), '--format', 'bitbrains', '-o', out, '--step', '10 min']);
    expect(code).toBe(0);
    expect(stdout).toContain(`workload file written: ${out}`);
    const file = await readWorkloadFile(out);
    expect(file.header.stepSeconds).toBe(600);
    expect(file.traces).toHaveLength(12);
    const vm407 = file.traces.find((t) => t.id === '407')!;
    // 30 days of 10-minute steps ≈ 4,320; README: 407 has mean 69.7 % CPU
    expect(vm407.steps).toBeGreaterThan(4_300);
    let sum = 0;
    for (const v of vm407.series.cpuPct!) sum += v;
    expect(sum / vm407.steps).toBeGreaterThan(60);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('bad input', () => {
  const noStack = (text: string): void => expect(text).not.toMatch(/\n\s+at /);

  it('a path that does not exist: exit 2, the path named', async () => {
    const { code, stderr } = await runCli(['import', 'no/such/file.csv', '--format', 'bitbrains'], { cwd: tmp.dir });
    expect(code).toBe(2);
    expect(stderr).toContain('no/such/file.csv');
    expect(stderr).toContain('no such file');
    noStack(stderr);
  });

  it('--strict fails on the first bad row with file:line:reason; lenient skips and counts it', async () => {
    tmp.file('bad.csv', 'ts,vm,cpu\n0,a,10\n300,a,oops\n600,a,30\n900,a,-4\n');
    const strict = await runCli(['import', 'bad.csv', '--format', 'generic', '--map', 'time=ts:s,vm=vm,cpu=cpu:%', '--strict'], { cwd: tmp.dir });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain("bad.csv:3: 'cpu': not a number (found 'oops')");
    noStack(strict.stderr);
    const lenient = await runCli(['import', 'bad.csv', '--format', 'generic', '--map', 'time=ts:s,vm=vm,cpu=cpu:%'], { cwd: tmp.dir });
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('4 read · 2 accepted · 2 rejected');
    expect(lenient.stdout).toContain("'cpu': not a number — first at bad.csv:3 (found 'oops')");
    expect(lenient.stdout).toContain("'cpu': negative — first at bad.csv:5 (found '-4')");
  });

  it('a failed import leaves no output file, and an existing one untouched', async () => {
    const out = tmp.file('keep.ndjson', 'old content\n');
    const bad = tmp.file('broken.csv', 'ts,cpu\n0,1\n300,x\n');
    const { code } = await runCli(['import', bad, '--format', 'generic', '--map', 'time=ts,cpu=cpu', '--strict', '-o', out]);
    expect(code).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('old content\n');
    const fresh = join(tmp.dir, 'fresh.ndjson');
    await runCli(['import', bad, '--format', 'generic', '--map', 'time=ts,cpu=cpu', '--strict', '-o', fresh]);
    expect(existsSync(fresh)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a wrong mapping or option is a usage error', async () => {
    const file = tmp.file('ok.csv', 'ts,cpu\n0,1\n');
    for (const args of [
      ['--format', 'generic', '--map', 'time=ts,cpu=cpu:furlongs'],
      ['--format', 'generic', '--map', 'time=nope,cpu=cpu'],
      ['--format', 'generic', '--map', 'cpu=cpu'],
      ['--format', 'bitbrains', '--map', 'time=ts'],
      ['--format', 'generic', '--step', '300'],
      ['--format', 'generic', '--time-zone', 'Mars/Olympus'],
      ['--format', 'nonsense'],
      [],
    ]) {
      const { code, stderr } = await runCli(['import', file, ...args]);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr.length, args.join(' ')).toBeGreaterThan(0);
      noStack(stderr);
    }
  });

  it('nothing importable: exit 2 with the main reason', async () => {
    const file = tmp.file('words.txt', 'hello\nworld\n');
    const { code, stderr } = await runCli(['import', file, '--format', 'planetlab']);
    expect(code).toBe(2);
    expect(stderr).toContain('no rows could be imported');
    expect(stderr).toContain('CPU %: not a number');
  });
});
