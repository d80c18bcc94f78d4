// Trace-driven VM groups in scenario files: loading a workload file or CSVs relative to the
// scenario, the checks on the trace settings, and errors that name file, line and field.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { place } from '../../src/model/placement.js';
import { simulateReplication } from '../../src/model/replication.js';
import { formatIssue } from '../../src/scenarios/issues.js';
import { loadScenarioFile, parseScenarioText } from '../../src/scenarios/load.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, trace } from '../traces/helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const workloadFile = join(tmp.dir, 'rnd.ndjson');
beforeAll(async () => {
  const { code, stderr } = await runCli(['import', trace('bitbrains-rnd', '2013-7'), '--format', 'bitbrains', '-o', workloadFile]);
  if (code !== 0) throw new Error(stderr);
}, 60_000);

const scenario = (workload: string, count = '24', extra = ''): string => `name: t
duration: 48h
step: 5 min
replications: 2
${extra}hosts:
  - name: compute
    count: 2
    cpu: { cores: 16 }
    memory: { totalGiB: 256 }
vms:
  - name: rnd
    count: ${count}
    vcpus: 2
    memoryGiB: 4
    workload:
${workload}
`;

async function issues(text: string, file = join(tmp.dir, 'bad.yaml')): Promise<string[]> {
  const result = await parseScenarioText(text, file);
  if (result.ok) throw new Error('expected problems, got a valid scenario');
  return result.issues.map(formatIssue);
}

describe('a trace-driven group', () => {
  it('loads a workload file relative to the scenario file and sets the group mean from the traces', async () => {
    const path = tmp.file('ok.yaml', scenario(`      trace: { file: rnd.ndjson, mapping: bootstrap }\n      cpu: { burstMs: 20 }`));
    const loaded = await loadScenarioFile(path);
    if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
    const group = loaded.value.scenario.vms[0]!;
    expect(group.workload.trace!.traces).toHaveLength(12);
    expect(group.workload.cpu.burstMs).toBe(20);
    // The mean of the 12 traces' CPU (each step capped at 100 %): between the quietest (38.csv,
    // mean 0.0 %) and the busiest (407.csv, 69.7 %) of the README table, near their average.
    expect(group.workload.cpu.utilPct).toBeGreaterThan(5);
    expect(group.workload.cpu.utilPct).toBeLessThan(30);
  });

  it('imports CSVs named in the scenario, and byId replays trace k on VM k', async () => {
    const csv = relative(tmp.dir, trace('bitbrains-fastStorage', 'opendc-test-bitbrains.csv'));
    const path = tmp.file('csv.yaml', scenario(`      trace: { csv: '${csv}', format: bitbrains, mapping: byId }`, '1'));
    const loaded = await loadScenarioFile(path);
    if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
    const s = loaded.value.scenario;
    // README: mean CPU 0.28 %; the group's mean is the trace's over its steps (close to it).
    expect(s.vms[0]!.workload.cpu.utilPct).toBeCloseTo(0.28, 1);
    const result = simulateReplication(s, place(s), 0);
    // one VM at ~0.3 % of 2 vCPUs on 16 pCPUs: host utilisation ≈ 2 × 0.0028 / 16 ≈ 0.04 %
    expect(result.cpu.hostUtilPct.max).toBeLessThan(2);
  });

  it('runs end to end: the bundled-style scenario simulates and the measured load shows up as host utilisation', async () => {
    const path = tmp.file('run.yaml', scenario(`      trace: { file: rnd.ndjson, ids: ['407'], mapping: bootstrap }`, '8'));
    const loaded = await loadScenarioFile(path);
    if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
    const s = loaded.value.scenario;
    const result = simulateReplication(s, place(s), 0);
    // 8 VMs × 2 vCPUs replaying VM 407 (README: mean 69.7 % of its vCPU) on 2 × 16 pCPUs:
    // mean host utilisation ≈ 8 × 2 × 0.68 / 32 ≈ 34 %, give or take the days drawn.
    const mean = result.cpu.hostUtilPctMean.reduce((a, b) => a + b, 0) / result.cpu.hostUtilPctMean.length;
    expect(mean).toBeGreaterThan(20);
    expect(mean).toBeLessThan(45);
  });

  it('different replications draw different days (seeded per replication)', async () => {
    const path = tmp.file('rep.yaml', scenario(`      trace: { file: rnd.ndjson, mapping: bootstrap }`));
    const loaded = await loadScenarioFile(path);
    if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
    const s = loaded.value.scenario;
    const p = place(s);
    const a = simulateReplication(s, p, 0).cpu.timeline.hostUtilPctSum;
    const b = simulateReplication(s, p, 1).cpu.timeline.hostUtilPctSum;
    expect([...a]).not.toEqual([...b]);
    expect([...simulateReplication(s, p, 0).cpu.timeline.hostUtilPctSum]).toEqual([...a]);
  });
});

describe('problems name the file, line and field', () => {
  it('a workload file that does not exist', async () => {
    const found = await issues(scenario(`      trace: { file: missing.ndjson }`));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/bad\.yaml:16:\d+: vms\[0\]\.workload\.trace\.file: .*missing\.ndjson: no such file/);
  });

  it('a bad row in a CSV under strict names the CSV line too', async () => {
    tmp.file('rows.csv', 'ts,cpu\n0,10\n300,ten\n');
    const found = await issues(scenario(`      trace: { csv: rows.csv, format: generic, map: { time: ts, cpu: cpu }, strict: true }`));
    expect(found[0]).toMatch(/bad\.yaml:16:\d+: vms\[0\]\.workload\.trace\.csv: .*rows\.csv:3: 'cpu': not a number \(found 'ten'\)/);
  });

  it('neither file nor csv; both; csv without format; map with a non-generic format', async () => {
    expect((await issues(scenario(`      trace: { mapping: byId }`)))[0]).toContain('vms[0].workload.trace: give the traces');
    expect((await issues(scenario(`      trace: { file: rnd.ndjson, csv: x.csv, format: bitbrains }`))).join('\n')).toContain("give either `file` or `csv`");
    expect((await issues(scenario(`      trace: { csv: x.csv }`)))[0]).toContain('vms[0].workload.trace.format: missing required field with csv');
    expect((await issues(scenario(`      trace: { csv: x.csv, format: bitbrains, map: { time: a, cpu: b } }`)))[0]).toContain("only with format 'generic'");
  });

  it('a map with an unknown unit is located at that target', async () => {
    const found = await issues(scenario(`      trace:\n        csv: x.csv\n        format: generic\n        map:\n          time: ts\n          cpu: 'c:furlongs'`));
    expect(found[0]).toMatch(/bad\.yaml:21:\d+: vms\[0\]\.workload\.trace\.map\.cpu: cpu: unknown unit 'furlongs'/);
  });

  it('parametric knobs next to a trace are refused rather than ignored', async () => {
    const found = await issues(scenario(`      trace: { file: rnd.ndjson }\n      cpu: { utilPct: 20, burstMs: 5 }`));
    expect(found[0]).toMatch(/bad\.yaml:17:\d+: vms\[0\]\.workload\.cpu\.utilPct: not used with workload\.trace/);
  });

  it('no trace and no cpu: the parametric demand is missing', async () => {
    const found = await issues(scenario(`      {}`).replace('    workload:\n      {}', '    workload: {}'));
    expect(found[0]).toContain('vms[0].workload.cpu: missing required field');
  });

  it('byId with more VMs than traces, or with count: fill', async () => {
    const more = await issues(scenario(`      trace: { file: rnd.ndjson, mapping: byId }`, '13'));
    expect(more[0]).toMatch(/bad\.yaml:12:\d+: vms\[0\]\.count: mapping byId gives each VM its own trace: 13 VMs but 12 traces/);
    const fill = await issues(scenario(`      trace: { file: rnd.ndjson, mapping: byId }`, 'fill'));
    expect(fill[0]).toContain('vms[0].workload.trace.mapping: byId gives each VM its own trace, so the group needs a number');
  });

  it('unknown ids, blocks that are not whole steps, blocks no trace covers', async () => {
    expect((await issues(scenario(`      trace: { file: rnd.ndjson, ids: ['1', 'nope'] }`)))[0]).toContain("vms[0].workload.trace.ids: no trace with id 'nope'");
    expect((await issues(scenario(`      trace: { file: rnd.ndjson, blockHours: 0.1 }`)))[0]).toContain('vms[0].workload.trace.blockHours: must be a whole number of steps');
    // VM 212 covers 13 h of 2013-07-30 (README: 156 rows), no whole day
    expect((await issues(scenario(`      trace: { file: rnd.ndjson, ids: ['212'] }`)))[0]).toContain('vms[0].workload.trace.blockHours: no trace holds a complete block of 24 h');
  });

  it('a file that is not a workload file, or was cut short', async () => {
    tmp.file('not.ndjson', 'a,b\n1,2\n');
    expect((await issues(scenario(`      trace: { file: not.ndjson }`)))[0]).toContain('not.ndjson:1: not an overcast workload file');
    const whole = (await import('node:fs')).readFileSync(workloadFile, 'utf8').split('\n');
    writeFileSync(join(tmp.dir, 'cut.ndjson'), `${whole.slice(0, 4).join('\n')}\n`);
    expect((await issues(scenario(`      trace: { file: cut.ndjson }`)))[0]).toContain('the file ends without its end line: it was cut short');
  });

  it('--set reaches trace fields', async () => {
    const result = await parseScenarioText(scenario(`      trace: { file: rnd.ndjson }`), join(tmp.dir, 'x.yaml'), { overrides: ['vms.rnd.workload.trace.mapping=byId', 'vms.rnd.count=3'] });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    expect(result.value.vms[0]!.workload.trace!.mapping).toBe('byId');
  });
});
