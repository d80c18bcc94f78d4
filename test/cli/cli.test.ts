import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUICK, runCli } from '../helpers/cli.js';

describe('overcast run', () => {
  it('prints a text report with placement, CPU results with units, SLOs and a verdict', async () => {
    const { code, stdout, stderr } = await runCli(['run', 'default', ...QUICK]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('overcast: default');
    expect(stdout).toMatch(/hosts 8 · VMs placed \d+ · unplaced 0/);
    expect(stdout).toContain('ready % per vCPU-interval');
    expect(stdout).toContain('scheduling delay ms per wake-up');
    expect(stdout).toMatch(/^ {2}cpuReadyPctP95 +\d[\d.]* % +\d[\d.]* % +5 % +(PASS|NOT DEMONSTRATED|FAIL)$/m);
    expect(stdout).toMatch(/Verdict: (PASS|NOT DEMONSTRATED|FAIL)( \(.*\))?\n$/);
  });

  it('prints only JSON on stdout with --json, with the stable names', async () => {
    const { code, stdout } = await runCli(['run', 'default', '--json', ...QUICK]);
    expect(code).toBe(0);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed report, checked field by field below
    const report = JSON.parse(stdout) as Record<string, any>;
    expect(report.scenario).toMatchObject({ name: 'default', seed: 42, replications: 2 });
    expect(report.placement).toMatchObject({ hosts: 8, unplaced: 0 });
    expect(typeof report.placement.vms).toBe('number');
    expect(typeof report.placement.vcpuPerPcpu).toBe('number');
    for (const key of ['mean', 'p50', 'p95', 'p99', 'max']) expect(report.cpu.readyPct).toHaveProperty(key);
    for (const key of ['mean', 'p50', 'p99', 'max']) expect(report.cpu.schedDelayMs).toHaveProperty(key);
    for (const key of ['mean', 'p95', 'max']) expect(report.cpu.hostUtilPct).toHaveProperty(key);
    // unplacedVms is judged in every report; the scenario's own SLOs follow.
    expect(report.slos.map((s: { name: string }) => s.name)).toEqual(['unplacedVms', 'cpuReadyPctP95', 'schedDelayMsP99']);
    expect(report.slos[1]).toMatchObject({ name: 'cpuReadyPctP95', limit: 5, implicit: false });
    expect(['pass', 'not-demonstrated', 'fail']).toContain(report.verdict);
  });

  it('gives byte-identical JSON for the same scenario and seed, and different results for another seed', async () => {
    const a = await runCli(['run', 'overcommit-16x', '--json', ...QUICK]);
    const b = await runCli(['run', 'overcommit-16x', '--json', ...QUICK]);
    const c = await runCli(['run', 'overcommit-16x', '--json', ...QUICK, '--seed', '7']);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(c.stdout).cpu.readyPct.mean).not.toBe(JSON.parse(a.stdout).cpu.readyPct.mean);
  });

  it('exits 3 with --fail-on-slo when an SLO fails, 0 without it', async () => {
    const strict = [...QUICK, '--set', 'slo.hostUtilPctP95=1'];
    const gated = await runCli(['run', 'default', '--quiet', '--fail-on-slo', ...strict]);
    expect(gated.code).toBe(3);
    expect(gated.stdout).toMatch(/^ {2}hostUtilPctP95 .* FAIL$/m);
    expect(gated.stdout).toMatch(/Verdict: FAIL \(hostUtilPctP95\)\n$/);
    expect((await runCli(['run', 'default', ...strict])).code).toBe(0);
  });

  it('writes the report atomically with --output and leaves no temporary files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overcast-'));
    await writeFile(join(dir, 'report.json'), 'old content');
    const { code, stdout } = await runCli(['run', 'default', '--json', '-o', 'report.json', ...QUICK], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')).scenario.name).toBe('default');
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('renders markdown with --format markdown', async () => {
    const { stdout } = await runCli(['run', 'default', '--format', 'markdown', ...QUICK]);
    expect(stdout).toMatch(/^# overcast report: default/);
    expect(stdout).toContain('| ready % per vCPU-interval |');
  });

  it('runs the default scenario when no command is given', async () => {
    const { code, stdout } = await runCli([...QUICK]);
    expect(code).toBe(0);
    expect(stdout).toContain('overcast: default');
  });
});

describe('bad input', () => {
  it('exits 2 with file:line:column messages and no stack trace for a bad scenario', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overcast-'));
    await writeFile(join(dir, 'bad.yaml'), 'name: bad\nduration: 24\nhosts: []\nvms: []\n');
    const { code, stdout, stderr } = await runCli(['run', 'bad.yaml'], { cwd: dir });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatchInlineSnapshot(`
      "overcast: bad.yaml: 3 problems
      bad.yaml:2:11: duration: expected a time with its unit such as '24h' or '5 min', found 24 (no unit)
      bad.yaml:3:8: hosts: expected at least one entry, found a list of 0
      bad.yaml:4:6: vms: expected at least one entry, found a list of 0
      "
    `);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names a missing file and lists the bundled scenarios', async () => {
    const { code, stderr } = await runCli(['run', 'nope.yaml']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^overcast: nope\.yaml: no such file \(bundled scenarios: (.+, )?default, (.+, )?overcommit-16x, (.+, )?vdi-callcenter/);
  });

  it('suggests the command a typo was meant to be', async () => {
    const { code, stderr } = await runCli(['rn', 'default']);
    expect(code).toBe(2);
    expect(stderr).toContain("did you mean 'run'?");
  });

  it('exits 2 for unknown options and bad option values, 0 for help and version', async () => {
    expect((await runCli(['run', 'default', '--bogus'])).code).toBe(2);
    expect((await runCli(['run', 'default', '--format', 'pdf'])).code).toBe(2);
    const seed = await runCli(['run', 'default', '--seed', 'abc']);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain("--seed abc: seed: expected an integer >= 0, found 'abc'");
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: overcast');
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('refuses --json together with another format', async () => {
    const { code, stderr } = await runCli(['run', 'default', '--json', '--format', 'text']);
    expect(code).toBe(2);
    expect(stderr).toContain('--json conflicts with --format text');
  });
});

describe('overcast validate and schema', () => {
  it('validate summarises what would be simulated', async () => {
    const { code, stdout } = await runCli(['validate', 'vdi-callcenter']);
    expect(code).toBe(0);
    // 10 hosts of 56 threads and 128 GiB (8 reserved) at RAM ratio 1.2: 120 × 1.2 / 4 = 36 desktops
    // each; 360 × 2 vCPUs on 560 pCPUs.
    expect(stdout).toBe(
      'vdi-callcenter: ok — vdi-callcenter: 10 hosts, 360 VMs placed, 0 unplaced, vCPU:pCPU 1.29\n' +
        '  15 uncertain inputs (6 ranges in the file, 9 assumed defaults): --ranges lists them; `overcast sensitivity` shows what they move\n',
    );
  });

  it('validate --ranges lists the file’s ranges, then the assumed defaults the model uses there', async () => {
    const { code, stdout } = await runCli(['validate', 'vdi-callcenter', '--ranges']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[1]).toBe('uncertain inputs (6 ranges in the file, 9 assumed defaults; runs use the nominal values):');
    expect(lines[2]).toBe('  hosts.compute.cpu.smtGainPct: triangular 10–20–30 % (range in the file: VMware KB 326271: 10-30 % more throughput with both threads busy)');
    expect(lines[3]).toBe('  hosts.compute.memory.swapGiB: between 4–16 GiB (nominal 8) (range in the file: the report gives no hardware)');
    // KSM is on and desktops boot in a storm: KSM sharing and the boot costs are assumed defaults.
    expect(stdout).toMatch(/vms\.desktop\.workload\.memory\.sharedPct: triangular 10–25–37 % \(assumed default: Waldspurger/);
    expect(stdout).toMatch(/vms\.desktop\.boot\.outstanding: triangular 1–1–4 IOs/);
  });

  it('validate --resolved prints the model scenario with units converted', async () => {
    const { stdout } = await runCli(['validate', 'default', '--resolved', '--set', 'duration=90 min']);
    expect(JSON.parse(stdout).durationSeconds).toBe(5400);
  });

  it('validate fails a scenario whose VMs do not all fit, saying which group and why', async () => {
    const { code, stdout, stderr } = await runCli(['validate', 'default', '--set', 'vms.web.count=2000']);
    expect(code).toBe(2);
    expect(stdout).toMatch(/not ok — default: 8 hosts, \d+ VMs placed, \d+ unplaced/);
    expect(stderr).toMatch(/^overcast: default: \d+ VMs fit no host, so every run's verdict is FAIL \(unplacedVms \d+ > limit 0/);
    expect(stderr).toMatch(/! group web: \d+ VMs fit no host: vCPU capacity used up \(960 of 960 vCPUs allocated: usable pCPUs × cpu ratio 4\.00\) on every host that could take one \(2 vCPUs and 4 GiB each\): raise the ratio or add hosts/);
  });

  it('validate accepts unplaced VMs within slo.unplacedVms', async () => {
    const { code, stdout } = await runCli(['validate', 'default', '--set', 'vms.web.count=2000', '--set', 'slo.unplacedVms=10000']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ok — default: .*\n {2}! group web: \d+ VMs fit no host: vCPU capacity used up/);
    expect(stdout).toContain('(within slo.unplacedVms 10000)');
  });

  it('schema prints the JSON Schema', async () => {
    const { code, stdout } = await runCli(['schema']);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'hosts', 'vms', 'overcommit', 'slo']));
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'hosts', 'vms']));
  });
});
