/** `overcast sensitivity` end to end: the report's sections, JSON, --only and the usage errors. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const SCENARIO = `
name: small
seed: 5
replications: 1
duration: 2h
step: 30 min
overcommit: { cpu: 3, memory: 1.0 }
hosts:
  - name: h
    count: 2
    cpu: { cores: 8 }
    memory: { totalGiB: { between: [64, 256], nominal: 128 }, swapGiB: 0 }
vms:
  - name: vm
    count: 40
    vcpus: 1
    memoryGiB: 4
    workload:
      cpu: { utilPct: { between: [25, 45] } }
      memory: { activeGiB: 3 }
cpuModel: { resolution: fleet, microWindows: 0 }
slo:
  cpuReadyPctP95: 50
  swapPeakGiB: 100
`;

async function scenarioFile(text = SCENARIO): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'overcast-sens-'));
  const file = join(dir, 's.yaml');
  await writeFile(file, text);
  return { dir, file };
}

describe('overcast sensitivity', () => {
  it('screens, draws a tornado and says what to measure next', async () => {
    const { file } = await scenarioFile();
    const { code, stdout } = await runCli(['sensitivity', file, '--only', 'totalGiB,utilPct', '--trajectories', '2', '--tornado-replications', '1']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^overcast sensitivity: small\n {2}2 uncertain inputs \(2 ranges in the file, 0 assumed defaults\)/);
    expect(stdout).toMatch(/Screening \(Morris elementary effects, 2 trajectories × 3 points × 1 replication\)/);
    expect(stdout).toMatch(/1 +hosts\.h\.memory\.totalGiB/);
    expect(stdout).toMatch(/--- tornado: memory need peak, worst host/);
    expect(stdout).toMatch(/Measure next\n {2}hosts\.h\.memory\.totalGiB moves the results most/);
  });

  it('writes JSON to -o atomically, with every input, effect and tornado end', async () => {
    const { dir, file } = await scenarioFile();
    const out = join(dir, 'sens.json');
    const { code } = await runCli(['sensitivity', file, '--only', 'totalGiB', '--trajectories', '2', '--tornado-replications', '1', '-o', out]);
    expect(code).toBe(0);
    const json = JSON.parse(await readFile(out, 'utf8'));
    expect(json.inputs.map((i: { path: string }) => i.path)).toEqual(['hosts.h.memory.totalGiB']);
    expect(json.screening.effects[0].memoryNeedPeakPct.muStar).toBeGreaterThan(0);
    expect(json.tornado.rows[0].low.value).toBe(64);
  });

  it('refuses what it cannot do with a usage error (exit 2)', async () => {
    const { file } = await scenarioFile();
    const none = await runCli(['sensitivity', file, '--only', 'nothing-matches']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no uncertain inputs match --only nothing-matches/);
    const ends = await runCli(['sensitivity', file, '--ends', 'q40']);
    expect(ends.code).toBe(2);
    expect(ends.stderr).toMatch(/--ends q40: expected 'range' or a percentile q51–q99/);
    const trajectories = await runCli(['sensitivity', file, '--trajectories', '1']);
    expect(trajectories.code).toBe(2);
    expect(trajectories.stderr).toMatch(/--trajectories 1: expected a whole number from 2 to 100/);
  });
});
