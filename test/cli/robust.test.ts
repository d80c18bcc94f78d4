/** `overcast recommend --robust` end to end: the section first, the JSON beside the point result, and its usage error. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPAIRMAN_YAML } from '../study/helpers.js';
import { runCli } from '../helpers/cli.js';

async function scenarioFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'overcast-robust-'));
  const file = join(dir, 's.yaml');
  // The repairman fleet's utilisation as a range: the robust CPU ratio is the one at 50 %.
  await writeFile(file, REPAIRMAN_YAML.replace('utilPct: 40,', 'utilPct: { between: [30, 50] },'));
  return file;
}

describe('overcast recommend --robust', () => {
  it('puts the robust answer first, with the assumption that limits it and nova.conf at the robust values', async () => {
    const file = await scenarioFile();
    const { code, stdout } = await runCli(['recommend', file, '--robust', 'worst', '--knob', 'cpu', '--what-if', 'none', '--no-risk-curve']);
    expect(code).toBe(0);
    const robust = stdout.indexOf('Robust recommendation');
    expect(robust).toBeGreaterThan(0);
    expect(robust).toBeLessThan(stdout.indexOf('\nRecommendation'));
    expect(stdout).toMatch(/CPU allocation ratio +\d\.\d\d +\d\.\d\d +cpuReadyPctP95 +vms\.vm\.workload\.cpu\.utilPct/);
    expect(stdout).toMatch(/Corner for cpuReadyPctP95: vms\.vm\.workload\.cpu\.utilPct 50 \(high\)/);
    expect(stdout).toMatch(/--- nova\.conf at the robust values\n# overcast recommend repairman/);
    const json = JSON.parse((await runCli(['recommend', file, '--robust', 'worst', '--knob', 'cpu', '--what-if', 'none', '--no-risk-curve', '--json'])).stdout);
    const cpu = json.robust.knobs.find((k: { id: string }) => k.id === 'cpuAllocationRatio');
    expect(cpu.robust).toBeLessThan(cpu.point);
    expect(cpu.point).toBe(json.combined.values.cpuAllocationRatio);
  });

  it('refuses ends it cannot read', async () => {
    const file = await scenarioFile();
    const run = await runCli(['recommend', file, '--robust', 'q40']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--robust q40: expected 'worst' or a percentile q51–q99 such as q90/);
  });
});
