import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUICK, runCli } from '../helpers/cli.js';
import { REPAIRMAN_YAML } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'overcast-study-'));
  await writeFile(join(dir, 'repairman.yaml'), REPAIRMAN_YAML);
});

const FAST = ['--what-if', 'none', '--no-risk-curve'];

describe('overcast sweep', () => {
  it('prints CSV with every metric per point, and writes CSV and JSON atomically with -o', async () => {
    const csv = await runCli(['sweep', 'default', '--vary', 'overcommit.cpu=3:4:1', ...QUICK]);
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^overcommit\.cpu,verdict,placement\.policy,.*cpu\.readyPct\.p95,.*cpu\.readyPct\.ci95\.p95\.hi,.*slos\.cpuReadyPctP95\.upper95/);
    const out = await mkdtemp(join(tmpdir(), 'overcast-sweep-'));
    const files = await runCli(['sweep', 'default', '--vary', 'overcommit.cpu=3:4:1', '-o', 'grid.csv', ...QUICK], { cwd: out });
    expect(files.stdout).toBe('');
    expect((await readdir(out)).sort()).toEqual(['grid.csv', 'grid.json']);
    expect(await readFile(join(out, 'grid.csv'), 'utf8')).toBe(csv.stdout);
    const report = JSON.parse(await readFile(join(out, 'grid.json'), 'utf8')) as { vary: unknown; points: { at: Record<string, number>; metrics: { cpu: unknown } }[] };
    expect(report.vary).toEqual([{ path: 'overcommit.cpu', values: [3, 4] }]);
    expect(report.points.map((p) => p.at['overcommit.cpu'])).toEqual([3, 4]);
    expect(report.points[0]!.metrics.cpu).toHaveProperty('readyPct.ci95.p95');
  });

  it('refuses bad grids with a message and exit 2', async () => {
    const none = await runCli(['sweep', 'default', ...QUICK]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give one or two --vary');
    const three = await runCli(['sweep', 'default', '--vary', 'seed=1,2', '--vary', 'overcommit.cpu=1,2', '--vary', 'overcommit.memory=1,2', ...QUICK]);
    expect(three.code).toBe(2);
    expect(three.stderr).toContain('at most 2 --vary dimensions');
    const bad = await runCli(['sweep', 'default', '--vary', 'overcommit.cpuu=1:2:1', ...QUICK]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown field 'cpuu' (did you mean 'cpu'?)");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('overcast run --shard and overcast merge', () => {
  it('merges shard files into exactly what run --json prints, and a text report like run', async () => {
    const out = await mkdtemp(join(tmpdir(), 'overcast-shards-'));
    const args = ['overcommit-16x', '--replications', '3', ...QUICK.filter((a, i, all) => a !== '--replications' && all[i - 1] !== '--replications')];
    const single = await runCli(['run', ...args, '--json']);
    for (const i of [0, 1]) expect((await runCli(['run', ...args, '--shard', `${i}/2`, '-o', `part-${i}.json`], { cwd: out })).code).toBe(0);
    const merged = await runCli(['merge', 'part-1.json', 'part-0.json', '--json'], { cwd: out });
    expect(merged.code).toBe(0);
    expect(merged.stdout).toBe(single.stdout);
    const text = await runCli(['merge', 'part-0.json', 'part-1.json'], { cwd: out });
    expect(text.stdout).toBe((await runCli(['run', ...args])).stdout);
  });

  it('says what is wrong with the shards or files, exit 2', async () => {
    const out = await mkdtemp(join(tmpdir(), 'overcast-shards-'));
    await writeFile(join(out, 'junk.json'), 'not json');
    expect(await runCli(['merge', 'junk.json'], { cwd: out })).toMatchObject({ code: 2, stderr: 'overcast: junk.json: not JSON, so not an overcast partial result (write one with --shard i/N)\n' });
    expect(await runCli(['merge', 'nope.json'], { cwd: out })).toMatchObject({ code: 2, stderr: 'overcast: nope.json: no such file\n' });
    const shard = await runCli(['run', 'default', '--shard', '2/2', ...QUICK]);
    expect(shard).toMatchObject({ code: 2 });
    expect(shard.stderr).toContain('the index must be 0…1');
    expect((await runCli(['run', 'default', '--shard', '0/2', '--json', ...QUICK])).stderr).toContain('--shard writes a partial result');
    expect((await runCli(['run', 'default', '--workers', 'many', ...QUICK])).stderr).toBe("overcast: --workers many: expected a whole number >= 1 or 'auto'\n");
  });
});

describe('overcast recommend', () => {
  it('prints the recommendation, the binding SLO and config to paste', async () => {
    const { code, stdout, stderr } = await runCli(['recommend', 'repairman.yaml', '--knob', 'cpu', ...FAST], { cwd: dir });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/cpu_allocation_ratio\s+2\.5\s+cpuReadyPctP95\s+within 0\.1 of the limit\s+1\.5\s+2\.5\n/);
    expect(stdout).toContain('binding: cpuReadyPctP95 fails at 2.6 ');
    expect(stdout).toContain('[DEFAULT]\ncpu_allocation_ratio = 2.5\n');
    expect(stdout).toContain('--resource VCPU:allocation_ratio=2.5');
    expect(stdout).toContain('cmk update configuration name=cpu.overprovisioning.factor value=2.5');
    expect(stdout).toMatch(/boots per host\s+n\/a\s+—\s+nothing to act on/);
  });

  it('--json has the stable names recommendation.<knob>.{value, bindingSlo, confidence}', async () => {
    const { stdout } = await runCli(['recommend', 'repairman.yaml', '--json', '--knob', 'cpu', ...FAST], { cwd: dir });
    const report = JSON.parse(stdout) as { recommendation: Record<string, { value: unknown; bindingSlo: unknown; confidence: unknown; status: string }> };
    expect(report.recommendation.cpuAllocationRatio).toMatchObject({ value: 2.5, bindingSlo: 'cpuReadyPctP95', confidence: 0.95, status: 'bound' });
    expect(Object.keys(report.recommendation)).toEqual(['cpuAllocationRatio', 'ramAllocationRatio', 'maxConcurrentBoots']);
    for (const k of Object.values(report.recommendation)) expect(Object.keys(k).slice(0, 3)).toEqual(['value', 'bindingSlo', 'confidence']);
  });

  it('--n-plus-1 judges every candidate with the largest host down', async () => {
    const { stdout } = await runCli(['recommend', 'repairman.yaml', '--json', '--knob', 'cpu', '--n-plus-1', ...FAST], { cwd: dir });
    const report = JSON.parse(stdout) as { method: { nPlus1: boolean }; recommendation: { cpuAllocationRatio: { value: number; atValue: { fleet: { hostDown: string } } } } };
    expect(report.method.nPlus1).toBe(true);
    expect(report.recommendation.cpuAllocationRatio.value).toBe(1.2);
    expect(report.recommendation.cpuAllocationRatio.atValue.fleet.hostDown).toBe('h-2');
  });

  it('--fail-on-slo exits 3 when the scenario’s own settings break an SLO once the hosts fill up', async () => {
    const ok = await runCli(['recommend', 'repairman.yaml', '--knob', 'cpu', '--fail-on-slo', ...FAST], { cwd: dir });
    expect(ok.code).toBe(0);
    // At cpu 3 the hosts would take 96 vCPUs each once full (if RAM allows: ratio 4 does).
    const over = await runCli(['recommend', 'repairman.yaml', '--knob', 'cpu', '--fail-on-slo', '--set', 'overcommit.cpu=3', '--set', 'overcommit.memory=4', ...FAST], { cwd: dir });
    expect(over.code).toBe(3);
    expect(over.stdout).toMatch(/Today\n.*cpu_allocation_ratio 3\.0[^\n]*\n?[^\n]*: FAIL \(cpuReadyPctP95\)/);
  });

  it('refuses what it cannot do, exit 2 without a stack trace', async () => {
    const one = await runCli(['recommend', 'repairman.yaml', '--replications', '1'], { cwd: dir });
    expect(one).toMatchObject({ code: 2 });
    expect(one.stderr).toContain('recommend needs at least 2 replications');
    const knob = await runCli(['recommend', 'repairman.yaml', '--knob', 'disk'], { cwd: dir });
    expect(knob.stderr).toBe('overcast: --knob disk: unknown (choose from cpu, ram, boots)\n');
    const whatIf = await runCli(['recommend', 'repairman.yaml', '--what-if', 'moon'], { cwd: dir });
    expect(whatIf.code).toBe(2);
    expect(whatIf.stderr).toContain('--what-if moon: unknown');
    const noSlo = await runCli(['recommend', 'repairman.yaml', '--set', 'slo={}'], { cwd: dir });
    expect(noSlo.stderr).toContain('recommend needs at least one SLO');
  });

  it('shows progress only on a terminal', async () => {
    const tty = await runCli(['recommend', 'repairman.yaml', '--knob', 'cpu', ...FAST], { cwd: dir, tty: true });
    expect(tty.stderr).toMatch(/recommend: \d+ candidates, \d+ replications on 1 worker in/);
    const quiet = await runCli(['recommend', 'repairman.yaml', '--knob', 'cpu', '-q', ...FAST], { cwd: dir, tty: true });
    expect(quiet.stderr).toBe('');
  });
});
