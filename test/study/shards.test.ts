import { describe, expect, it } from 'vitest';
import { runStudy } from '../../src/model/run.js';
import { inProcessRunner } from '../../src/model/runner.js';
import { buildReport, reportJson } from '../../src/report/report.js';
import { buildSweepReport, sweepCsv, sweepJson } from '../../src/report/sweep.js';
import { runShard } from '../../src/study/run.js';
import { mergeRunPartials, mergeSweepPartials, parseShard, partialJson, type NamedPartial } from '../../src/study/shards.js';
import { parseVary, planSweep, runSweep, runSweepShard } from '../../src/study/sweep.js';
import { NOISY_YAML, scenario, source } from './helpers.js';

/** Partials as they travel: written to text, read back. */
const asFile = (name: string, text: string): NamedPartial => [name, JSON.parse(text) as unknown];

describe('sharded runs', () => {
  it('merge N partials into the byte-identical report of a single run, for any N and any order', async () => {
    const s = await scenario(NOISY_YAML);
    const single = reportJson(buildReport(runStudy(s)));
    for (const count of [1, 3, 5]) {
      const files: NamedPartial[] = [];
      for (let index = count - 1; index >= 0; index--) {
        const partial = await runShard(s, { index, count }, inProcessRunner(), '0.0.0-test');
        files.push(asFile(`part-${index}.json`, partialJson(partial)));
      }
      expect(reportJson(buildReport(mergeRunPartials(files)))).toBe(single);
    }
  });

  it('partials are deterministic files: the same shard gives the same bytes', async () => {
    const s = await scenario(NOISY_YAML, ['replications=2']);
    const a = partialJson(await runShard(s, { index: 1, count: 2 }, inProcessRunner(), 'v'));
    const b = partialJson(await runShard(s, { index: 1, count: 2 }, inProcessRunner(), 'v'));
    expect(a).toBe(b);
  });

  it('refuses partials that do not make one whole study, saying why', async () => {
    const s = await scenario(NOISY_YAML, ['replications=2']);
    const other = await scenario(NOISY_YAML, ['replications=2', 'seed=4']);
    const part = async (sc: typeof s, index: number, version = 'v'): Promise<string> => partialJson(await runShard(sc, { index, count: 2 }, inProcessRunner(), version));
    const p0 = await part(s, 0);
    const p1 = await part(s, 1);
    const fromOther = await part(other, 1);
    const otherVersion = await part(s, 1, 'w');
    expect(() => mergeRunPartials([asFile('a', p0)])).toThrow('missing shard 1/2: merge needs the partial of every shard');
    expect(() => mergeRunPartials([asFile('a', p0), asFile('b', p0)])).toThrow('shard 0/2 given twice (a and b)');
    expect(() => mergeRunPartials([asFile('a', p0), asFile('b', fromOther)])).toThrow('b: from a different study than a');
    expect(() => mergeRunPartials([asFile('a', p0), asFile('b', otherVersion)])).toThrow('b: written by overcast w, a by v');
    expect(() => mergeRunPartials([['x.json', { hello: 1 }]])).toThrow('x.json: not an overcast partial result');
    const damaged = JSON.parse(p1) as { results: unknown[] };
    damaged.results = [];
    expect(() => mergeRunPartials([asFile('a', p0), ['b', damaged]])).toThrow('b: holds 0 of its shard');
    expect(reportJson(buildReport(mergeRunPartials([asFile('b', p1), asFile('a', p0)])))).toBe(reportJson(buildReport(runStudy(s))));
  });

  it('refuses damaged or edited partials with a located error, never a crash or a runaway loop', async () => {
    const s = await scenario(NOISY_YAML, ['replications=2']);
    const p0 = partialJson(await runShard(s, { index: 0, count: 2 }, inProcessRunner(), 'v'));
    const p1 = partialJson(await runShard(s, { index: 1, count: 2 }, inProcessRunner(), 'v'));
    const edited = (text: string, edit: (p: Record<string, unknown>) => void): NamedPartial => {
      const p = JSON.parse(text) as Record<string, unknown>;
      edit(p);
      return ['b.json', p];
    };
    // The cases: shard.count -5 and 1e9 (1e9 used to loop over a billion missing shards).
    expect(() => mergeRunPartials([asFile('a', p0), edited(p1, (p) => (p.shard = { index: 1, count: -5 }))])).toThrow('b.json: shard must be i/N');
    expect(() => mergeRunPartials([edited(p0, (p) => (p.shard = { index: 0, count: 1e9 }))])).toThrow('b.json: shard must be i/N with N from 1 to 100000');
    expect(() => mergeRunPartials([edited(p0, (p) => (p.shard = { index: 0, count: 99_999 }))])).toThrow(/missing shards 1\/99999, .* and 99988 more/);
    // An edit to the scenario that keeps the old fingerprint.
    expect(() => mergeRunPartials([asFile('a', p0), edited(p1, (p) => ((p.scenario as { seed: number }).seed = 99))])).toThrow('b.json: its fingerprint does not match its content');
    expect(() => mergeRunPartials([asFile('a', p0), edited(p1, (p) => (p.results = [{ replication: 'x', result: 1 }]))])).toThrow('b.json: a result entry without a valid replication');
    expect(() => mergeRunPartials([asFile('a', p0), edited(p1, (p) => ((p.results as { result: unknown }[])[0]!.result = 42))])).toThrow(/b\.json: the result of task 1 cannot be read|do not fit their scenario/);
  });

  it('parses i/N with 0-based indices', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('4/4')).toThrow('the index must be 0…3');
    expect(() => parseShard('1-4')).toThrow('expected i/N');
    expect(() => parseShard('0/0')).toThrow('N must be at least 1');
  });
});

describe('sweeps', () => {
  it('parses ranges and lists, with the float noise rounded away', () => {
    expect(parseVary('overcommit.cpu=0.1:0.3:0.1')).toEqual({ path: 'overcommit.cpu', values: [0.1, 0.2, 0.3] });
    expect(parseVary('placement=spread,pack')).toEqual({ path: 'placement', values: ['spread', 'pack'] });
    expect(() => parseVary('overcommit.cpu=4:1:1')).toThrow('to (1) is below from (4)');
    expect(() => parseVary('overcommit.cpu=1:4:0')).toThrow('step must be > 0');
    expect(() => parseVary('overcommit.cpu')).toThrow('expected path=from:to:step');
    expect(() => parseVary('x=0:1:0.00001')).toThrow('at most 10000 points');
  });

  it('gives every metric per point with intervals, in CSV and JSON, and names a bad point', async () => {
    const plan = await planSweep(source(NOISY_YAML, ['replications=2']), [parseVary('overcommit.cpu=2:3:1'), parseVary('placement=spread,pack')]);
    expect(plan.points.map((p) => p.at)).toEqual([
      { 'overcommit.cpu': 2, placement: 'spread' },
      { 'overcommit.cpu': 2, placement: 'pack' },
      { 'overcommit.cpu': 3, placement: 'spread' },
      { 'overcommit.cpu': 3, placement: 'pack' },
    ]);
    const report = buildSweepReport(await runSweep(plan, inProcessRunner()));
    const csv = sweepCsv(report).split('\n');
    const header = csv[0]!.split(',');
    expect(header.slice(0, 3)).toEqual(['overcommit.cpu', 'placement', 'verdict']);
    for (const column of ['placement.vcpuPerPcpu', 'cpu.readyPct.p95', 'cpu.readyPct.ci95.p95.lo', 'cpu.readyPct.ci95.p95.hi', 'cpu.byGroup.web.readyPct.p95', 'slos.cpuReadyPctP95.upper95', 'slos.cpuReadyPctP95.status', 'slos.unplacedVms.value']) {
      expect(header).toContain(column);
    }
    expect(csv).toHaveLength(4 + 2);
    expect(csv[1]!.startsWith('2,spread,')).toBe(true);
    // Each point equals a plain run of the scenario at that point.
    const point = plan.points[2]!;
    const single = buildReport(runStudy(point.scenario));
    expect(report.points[2]!.metrics.cpu).toEqual(JSON.parse(JSON.stringify({ ...single.cpu, byHost: undefined, timeline: undefined })));
    await expect(planSweep(source(NOISY_YAML), [parseVary('hosts.h.count=0:1:1')])).rejects.toThrow(/at hosts\.h\.count=0: 1 problem\n.*--vary hosts\.h\.count=0: hosts\[0\]\.count: expected an integer >= 1, found 0/);
  });

  it('sharded sweeps merge into the same CSV and JSON as a single sweep', async () => {
    const plan = await planSweep(source(NOISY_YAML, ['replications=2']), [parseVary('overcommit.cpu=2:4:1')]);
    const single = buildSweepReport(await runSweep(plan, inProcessRunner()));
    const files: NamedPartial[] = [];
    for (const index of [1, 0, 3, 2]) files.push(asFile(`s${index}`, partialJson(await runSweepShard(plan, { index, count: 4 }, inProcessRunner(), 'v'))));
    const merged = mergeSweepPartials(files);
    const report = buildSweepReport({ dimensions: merged.vary, points: merged.points });
    expect(sweepJson(report)).toBe(sweepJson(single));
    expect(sweepCsv(report)).toBe(sweepCsv(single));
  });
});
