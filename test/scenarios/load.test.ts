import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScenarioText } from '../../src/scenarios/load.js';
import { formatIssue } from '../../src/scenarios/issues.js';

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
    count: fill
    vcpus: 2
    memoryGiB: 4096 MiB
    os: windows
    workload:
      cpu: { utilPct: 15, burstMs: 20 }
slo: { cpuReadyPctP95: 5 }
`;

async function issuesOf(text: string, overrides: string[] = [], file = 'bad.yaml'): Promise<string[]> {
  const result = await parseScenarioText(text, file, { overrides });
  if (result.ok) throw new Error('expected problems, got a valid scenario');
  return result.issues.map(formatIssue);
}

describe('loading a valid scenario', () => {
  it('converts units to the units in the field names and fills defaults', async () => {
    const result = await parseScenarioText(VALID, 'ok.yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const s = result.value;
    expect(s.durationSeconds).toBe(86_400);
    expect(s.stepSeconds).toBe(300);
    expect(s.hosts[0]!.memory).toEqual({ totalGiB: 256, reservedGiB: 8, hostOsGiB: 2, swapGiB: 0, swapMBps: 100, swapReadMs: 8 });
    expect(s.vms[0]!.memoryGiB).toBe(4); // 4096 MiB
    // Defaults: nova's initial ratios (cpu 4.0, ram 1.0), spread placement, CFS, 10 replications.
    expect(s.overcommit).toEqual({ cpu: 4, memory: 1 });
    expect(s.placement).toBe('spread');
    expect(s.scheduler.policy).toBe('cfs');
    expect(s.replications).toBe(10);
    expect(s.vms[0]!.image).toBe('desktop');
    expect(s.vms[0]!.workload.cpu.burstMs).toBe(20);
    expect(s.vms[0]!.workload.cpu.profile).toHaveLength(24);
  });

  it('rescales a daily profile to mean 1 so utilPct stays the daily mean', async () => {
    const text = VALID.replace('{ utilPct: 15, burstMs: 20 }', `{ utilPct: 15, profile: [${Array.from({ length: 24 }, (_, h) => (h < 12 ? 1 : 3)).join(', ')}] }`);
    const result = await parseScenarioText(text, 'ok.yaml');
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    const profile = result.value.vms[0]!.workload.cpu.profile;
    // mean of the weights is 2, so 1 → 0.5 and 3 → 1.5
    expect(profile[0]).toBeCloseTo(0.5, 12);
    expect(profile[23]).toBeCloseTo(1.5, 12);
    expect(profile.reduce((a, b) => a + b, 0) / 24).toBeCloseTo(1, 12);
  });

  it('reads JSON with the same schema', async () => {
    const json = JSON.stringify({
      name: 'j',
      hosts: [{ name: 'h', cpu: { cores: 8 }, memory: { totalGiB: 64 } }],
      vms: [{ name: 'v', count: 3, vcpus: 2, memoryGiB: 4, workload: { cpu: { utilPct: 10 } } }],
    });
    const result = await parseScenarioText(json, 'x.json');
    expect(result.ok).toBe(true);
  });
});

describe('problems in a scenario', () => {
  it('names file, line, column, field, what was expected and what was found', async () => {
    const text = `name: t
replication: 3
duration: 24
hosts:
  - name: compute
    cpu: { cores: -2, reservedCores: 1 }
    memory: { totalGiB: 24 h }
vms:
  - name: desktop
    count: lots
    vcpus: 2
    os: win
    workload:
      cpu: { utilPct: 150, burstMs: 20 }
`;
    expect(await issuesOf(text)).toMatchInlineSnapshot(`
      [
        "bad.yaml:2:1: replication: unknown field 'replication' (did you mean 'replications'?)",
        "bad.yaml:3:11: duration: expected a time with its unit such as '24h' or '5 min', found 24 (no unit)",
        "bad.yaml:6:19: hosts[0].cpu.cores: expected an integer >= 1, found -2",
        "bad.yaml:7:25: hosts[0].memory.totalGiB: expected a memory size such as '256 GiB' or '4096 MiB', found '24 h' (a time)",
        "bad.yaml:9:5: vms[0].memoryGiB: missing required field (expected a number in GiB or a quantity such as '4 GiB')",
        "bad.yaml:10:12: vms[0].count: expected an integer >= 0 and <= 10000000 or 'fill', found 'lots'",
        "bad.yaml:12:9: vms[0].os: expected one of 'windows', 'linux', 'other', found 'win'",
        "bad.yaml:14:23: vms[0].workload.cpu.utilPct: expected a number <= 100, found 150",
      ]
    `);
  });

  it('reports YAML syntax errors with their position', async () => {
    expect(await issuesOf('name: [1,\nb: 2\n', [], 'syn.yaml')).toMatchInlineSnapshot(`
      [
        "syn.yaml:2:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
      ]
    `);
  });

  it('reports JSON syntax errors with their position', async () => {
    const issues = await issuesOf('{"name": "x",\n  "hosts": [}\n', [], 'x.json');
    expect(issues[0]).toMatch(/^x\.json:2:\d+: invalid JSON: /);
  });

  it('refuses a document that is not a mapping', async () => {
    expect(await issuesOf('- a\n- b\n')).toEqual(["bad.yaml:1:1: expected a scenario (a mapping of fields such as name, hosts, vms), found a list of 2"]);
  });

  it('refuses duplicate keys, which YAML would otherwise resolve silently', async () => {
    const issues = await issuesOf(VALID.replace('step: 5 min', 'step: 5 min\nstep: 1 min'));
    expect(issues[0]).toMatch(/^bad\.yaml:\d+:\d+: invalid YAML: Map keys must be unique/);
  });

  it('checks relations between fields only once the fields themselves are valid', async () => {
    expect(await issuesOf(VALID.replace('cores: 32, reservedCores: 2', 'cores: 4, reservedCores: 4'))).toEqual([
      'bad.yaml:7:37: hosts[0].cpu.reservedCores: must be less than cores (4), found 4',
    ]);
    expect(await issuesOf(VALID.replace('duration: 24h', 'duration: 1 min'))).toEqual(['bad.yaml:3:7: step: must not exceed duration (60 s), found 300 s']);
    const twoFills = VALID.replace('slo:', `  - name: other\n    count: fill\n    vcpus: 1\n    memoryGiB: 1\n    workload: { cpu: { utilPct: 5 } }\nslo:`);
    expect(await issuesOf(twoFills)).toEqual(['bad.yaml:10:3: vms: at most one VM group may use count: fill, found 2 (desktop, other)']);
  });
});

describe('--set overrides', () => {
  it('sets numbers, picks list entries by index or by name, and reads values as YAML', async () => {
    const result = await parseScenarioText(VALID, 'ok.yaml', {
      overrides: ['overcommit.cpu=2.5', 'hosts.0.count=7', 'vms.desktop.count=12', 'vms[0].workload.cpu.profile=office', 'duration=6h'],
    });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    expect(result.value.overcommit.cpu).toBe(2.5);
    expect(result.value.hosts[0]!.count).toBe(7);
    expect(result.value.vms[0]!.count).toBe(12);
    expect(result.value.durationSeconds).toBe(21_600);
  });

  it('reports a bad value against the --set that introduced it', async () => {
    expect(await issuesOf(VALID, ['overcommit.cpu=-1'])).toEqual(['--set overcommit.cpu=-1: overcommit.cpu: expected a number > 0, found -1']);
  });

  it('explains paths that do not exist', async () => {
    expect(await issuesOf(VALID, ['vms.laptop.count=3'])).toEqual(["--set vms.laptop.count=3: no entry named 'laptop' in vms (names: desktop)"]);
    expect(await issuesOf(VALID, ['hosts.5.count=3'])).toEqual(['--set hosts.5.count=3: hosts has 1 entries; index 5 is out of range']);
    expect(await issuesOf(VALID, ['name.first=x'])).toEqual(["--set name.first=x: name is t, not a mapping, so it has no field 'first'"]);
    expect(await issuesOf(VALID, ['overcommit.cpu'])).toEqual(['--set overcommit.cpu: expected path=value, e.g. overcommit.cpu=3 or vms.desktop.count=200']);
    expect(await issuesOf(VALID, ['overcommit.cpu='])).toEqual(["--set overcommit.cpu=: no value after '=' for overcommit.cpu"]);
    expect(await issuesOf(VALID, ['overcommit.cpux=3'])).toEqual(["--set overcommit.cpux=3: overcommit.cpux: unknown field 'cpux' (did you mean 'cpu'?)"]);
  });
});

describe('robustness', () => {
  it('never throws on arbitrary text: returns a scenario or problems', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        const result = await parseScenarioText(text, 'fuzz.yaml');
        if (!result.ok) expect(result.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on mutated valid scenarios', async () => {
    const lines = VALID.split('\n');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: lines.length - 1 }), fc.string({ maxLength: 20 }), async (line, junk) => {
        const mutated = lines.map((l, i) => (i === line ? l.slice(0, Math.floor(l.length / 2)) + junk : l)).join('\n');
        const result = await parseScenarioText(mutated, 'fuzz.yaml');
        if (!result.ok) for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});
