/**
 * Hostile and broken scenario files (the hostile-input work): each case that crashed, hung or ran away before
 * is now a located exit-2 problem. The cases are the issue's own (fuzzed files and hand-written
 * values); the bounds come from src/scenarios/schema.ts (`checkWork` and the field ranges) and
 * src/scenarios/yaml-limits.ts.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/scenarios/issues.js';
import { parseScenarioText } from '../../src/scenarios/load.js';

const VALID = `name: t
duration: 24h
step: 5 min
hosts:
  - name: compute
    count: 2
    cpu: { cores: 32, reservedCores: 2 }
    memory: { totalGiB: 256 GiB, reservedGiB: 8 }
vms:
  - name: desktop
    count: 10
    vcpus: 2
    memoryGiB: 4
    os: windows
    workload:
      cpu: { utilPct: 15, burstMs: 20, noiseCv: 0.3 }
`;

async function issuesOf(text: string, overrides: string[] = []): Promise<string[]> {
  const result = await parseScenarioText(text, 'bad.yaml', { overrides });
  if (result.ok) throw new Error('expected problems, got a valid scenario');
  return result.issues.map(formatIssue);
}

describe('YAML that used to crash or hang', () => {
  it('a self-referencing alias is located (was "Maximum call stack size exceeded", exit 1)', async () => {
    expect(await issuesOf(`${VALID}x: &a [*a]\n`)).toEqual(['bad.yaml:17:8: invalid YAML: alias *a lies inside the value it refers to (a value cannot contain itself)']);
    expect(await issuesOf(VALID, ['name=*nowhere'])).toEqual(["--set name=*nowhere: cannot read the value '*nowhere': alias *nowhere refers to no anchor &nowhere before it"]);
  });

  it('an alias bomb is refused before it expands', async () => {
    const bomb = ['a0: &a0 [1,1,1,1,1,1,1,1,1,1]', ...Array.from({ length: 9 }, (_, k) => `a${k + 1}: &a${k + 1} [${Array(10).fill(`*a${k}`).join(',')}]`)].join('\n');
    const issues = await issuesOf(`${VALID}${bomb}\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^bad\.yaml:1:1: invalid YAML: Excessive alias count/);
  });

  it('unknown tags are refused, not kept as text', async () => {
    expect(await issuesOf(VALID.replace('name: t', 'name: !!js/function "function(){}"'))).toEqual(['bad.yaml:1:7: invalid YAML: unsupported YAML tag !!js/function (scenario files use plain values only)']);
  });

  it('deep nesting is refused before parsing, many keys list at most 50 problems', async () => {
    expect(await issuesOf(`${VALID}deep: ${'['.repeat(3000)}${']'.repeat(3000)}\n`)).toEqual(['bad.yaml:17:263: invalid YAML: more than 256 nested brackets (nested too deeply)']);
    expect(await issuesOf(`${VALID}deep: ${'['.repeat(100)}${']'.repeat(100)}\n`)).toEqual(['bad.yaml:17:71: invalid YAML: nested deeper than 64 levels']);
    const many = await issuesOf(VALID + Array.from({ length: 5000 }, (_, k) => `k${k}: 1`).join('\n'));
    expect(many).toHaveLength(51);
    expect(many[50]).toBe('bad.yaml: and 4950 more problems not shown');
  });
});

describe('values that validated but broke the run', () => {
  // Each of the issue's cases, with the bound that now refuses it.
  const cases: [string, string][] = [
    ['vms.desktop.workload.cpu.noiseCv=1e308', 'vms[0].workload.cpu.noiseCv: expected a number <= 100, found 1e+308'],
    ['hosts.compute.cpu.cores=2147483648', 'hosts[0].cpu.cores: expected an integer <= 4096, found 2147483648'],
    ['step=1 ms', "step: expected a number >= 1, found '1 ms'"],
    ['step=1e-9 s', "step: expected a number >= 1, found '1e-9 s'"],
    ['vms.desktop.workload.cpu.burstMs=1e-300', 'vms[0].workload.cpu.burstMs: expected a number >= 0.001, found 1e-300'],
    ['vms.desktop.count=1e15', 'vms[0].count: expected a number <= 10000000, found 1000000000000000'],
    ['hosts.compute.count=1e8', 'hosts[0].count: expected an integer <= 100000, found 100000000'],
    // Fields a run completed with even at 1e308, now bounded to what hardware can be (docs/reliability.md).
    ['overcommit.cpu=1e300', 'overcommit.cpu: expected a number <= 1000000, found 1e+300'],
    ['vms.desktop.workload.io.iops=1e308', 'vms[0].workload.io.iops: expected a number <= 10000000, found 1e+308'],
    ['hosts.compute.memory.swapReadMs=1e308', 'hosts[0].memory.swapReadMs: expected a number <= 10000, found 1e+308'],
    ['hostThreads.qemuPacketMicros=1e308', 'hostThreads.qemuPacketMicros: expected a number <= 1000000, found 1e+308'],
    ['ksm.sleepMs=1e-300', 'ksm.sleepMs: expected a number >= 0.001, found 1e-300'],
  ];
  for (const [set, message] of cases) {
    it(set, async () => {
      const issues = await issuesOf(VALID, [set]);
      expect(issues).toEqual([`--set ${set}: ${message}`]);
    });
  }

  it('a boot wave before the start is refused (was "event scheduled at -3600 s")', async () => {
    const issues = await issuesOf(`${VALID}boots: { waves: [{ kind: storm, at: -1h }] }\n`);
    expect(issues).toEqual(["bad.yaml:17:37: boots.waves[0].at: expected a time from the start >= 0, found '-1h'"]);
  });

  it('the work estimate names the field: steps, then VM-steps', async () => {
    // 365 days at 1 s: 31,536,000 steps > 1e6.
    expect(await issuesOf(VALID, ['duration=365 d', 'step=1 s'])).toEqual(['--set step=1 s: step: duration / step is 31536000 steps; at most 1000000 (use a longer step or a shorter duration)']);
    // 100,000 replications × 288 steps × 10 VMs = 2.9e8 passes; × 1000 VMs = 2.9e10 does not.
    expect((await parseScenarioText(VALID, 'ok.yaml', { overrides: ['replications=100000'] })).ok).toBe(true);
    expect(await issuesOf(VALID, ['replications=100000', 'vms.desktop.count=1000'])).toEqual([
      '--set replications=100000: replications: 100000 replications × 288 steps × 1000 VMs = 2.9e+10 VM-steps; at most 1e+9 (fewer replications, a longer step or a shorter duration)',
    ]);
  });
});

describe('files a scenario names are not echoed', () => {
  // A scenario from a pull request may name /proc/self/environ; its validation message lands in a
  // public CI log. The file is written here (NUL-separated assignments, as the kernel gives them).
  it('an environment-like file is described, not quoted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overcast-environ-'));
    const file = join(dir, 'environ');
    await writeFile(file, 'SECRET_TOKEN=abcdef123456\0PATH=/usr/bin\0HOME=/root\0');
    const text = VALID.replace('cpu: { utilPct: 15, burstMs: 20, noiseCv: 0.3 }', `trace: { csv: ${JSON.stringify(file)}, format: generic }`);
    const issues = await issuesOf(text);
    expect(issues.join('\n')).not.toMatch(/SECRET|abcdef|PATH|\/usr\/bin/);
    expect(issues.join('\n')).toMatch(/characters that are not trace data \(not shown\)/);
  });
});
