/**
 * Sweeps: a scenario run over a grid of one or two scenario fields, `--vary path=from:to:step` or
 * `--vary path=a,b,c`, with the scenario's replications at every point. Points are the cartesian
 * product, the first `--vary` outermost. All replications of all points go to the runner at once,
 * so a worker pool stays busy across points; each point's replications are combined in
 * replication order, as a single `run` at that point would.
 */
import type { StudyResult } from '../model/run.js';
import { encodeReplication, type ReplicationRunner } from '../model/runner.js';
import { StudyInputError } from './errors.js';
import { checkFleet, Evaluator } from './evaluator.js';
import { shardTasks, sweepPartial, type PartialFile, type ShardSpec, type SweepPointSpec } from './shards.js';
import { labelledOverride, resolveScenario, type ScenarioSource } from './source.js';

export interface VaryDimension {
  path: string;
  values: (number | string)[];
}

/** Most points a sweep may have (a typo such as step 0.0001 should not start a week-long run). */
export const MAX_SWEEP_POINTS = 10_000;
export const MAX_SWEEP_DIMENSIONS = 2;

/** Rounds away binary noise: 0.1 + 0.2 is shown and applied as 0.3. */
function clean(value: number): number {
  return Number(value.toPrecision(12));
}

/** Parses `path=from:to:step` (inclusive) or `path=v1,v2,…`. */
export function parseVary(text: string): VaryDimension {
  const eq = text.indexOf('=');
  const fail = (why: string): never => {
    throw new StudyInputError(`--vary ${text}: ${why}`);
  };
  if (eq <= 0) fail('expected path=from:to:step or path=v1,v2,… (e.g. overcommit.cpu=1:8:0.5)');
  const path = text.slice(0, eq).trim();
  const spec = text.slice(eq + 1).trim();
  if (spec === '') fail(`no values after '=' for ${path}`);
  if (spec.includes(':')) {
    const parts = spec.split(':').map((s) => s.trim());
    if (parts.length !== 3) fail('a range is from:to:step, e.g. 1:8:0.5');
    const [from, to, step] = parts.map(Number) as [number, number, number];
    if (![from, to, step].every(Number.isFinite)) fail(`from, to and step must be numbers, found '${spec}'`);
    if (!(step > 0)) fail(`step must be > 0, found ${step}`);
    if (to < from) fail(`to (${to}) is below from (${from})`);
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > MAX_SWEEP_POINTS) fail(`${count} values; at most ${MAX_SWEEP_POINTS} points per sweep`);
    return { path, values: Array.from({ length: count }, (_, k) => clean(from + k * step)) };
  }
  const items = spec.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) fail('an empty value in the list');
  return { path, values: items.map((s) => (s !== '' && Number.isFinite(Number(s)) ? Number(s) : s)) };
}

export interface SweepPlan {
  dimensions: VaryDimension[];
  points: SweepPointSpec[];
  /** Replications per point. */
  replications: number;
}

/** Resolves the scenario at every grid point (validating each, with the `--vary` named in messages). */
export async function planSweep(source: ScenarioSource, dimensions: readonly VaryDimension[]): Promise<SweepPlan> {
  if (dimensions.length === 0) throw new StudyInputError('sweep: give one or two --vary path=from:to:step');
  if (dimensions.length > MAX_SWEEP_DIMENSIONS) throw new StudyInputError(`sweep: at most ${MAX_SWEEP_DIMENSIONS} --vary dimensions, found ${dimensions.length}`);
  const paths = dimensions.map((d) => d.path);
  if (new Set(paths).size !== paths.length) throw new StudyInputError(`sweep: ${paths.join(' and ')}: the same path twice`);
  let grid: Record<string, number | string>[] = [{}];
  for (const d of dimensions) grid = grid.flatMap((at) => d.values.map((v) => ({ ...at, [d.path]: v })));
  if (grid.length > MAX_SWEEP_POINTS) throw new StudyInputError(`sweep: ${grid.length} points; at most ${MAX_SWEEP_POINTS}`);
  const points: SweepPointSpec[] = [];
  for (const at of grid) {
    const overrides = Object.entries(at).map(([path, value]) => labelledOverride(path, value, '--vary'));
    const scenario = await resolveScenario(source, overrides, Object.entries(at).map(([p, v]) => `${p}=${v}`).join(', '));
    checkFleet(scenario);
    points.push({ at, scenario });
  }
  const replications = points[0]!.scenario.replications;
  if (points.some((p) => p.scenario.replications !== replications)) {
    throw new StudyInputError('sweep: every point must have the same number of replications (set it with --replications, not --vary)');
  }
  return { dimensions: dimensions.map((d) => ({ path: d.path, values: d.values })), points, replications };
}

export interface SweepResult {
  dimensions: VaryDimension[];
  points: { at: Record<string, number | string>; study: StudyResult }[];
}

export interface SweepProgress {
  /** Points finished so far, of the total. */
  onPoint?: (done: number, total: number) => void;
}

/** Runs every point of the plan. */
export async function runSweep(plan: SweepPlan, runner: ReplicationRunner, options: SweepProgress = {}): Promise<SweepResult> {
  const evaluator = new Evaluator(runner);
  let done = 0;
  const studies = await Promise.all(
    plan.points.map(async (p) => {
      const study = await evaluator.study(p.scenario, plan.replications);
      evaluator.forget(p.scenario);
      options.onPoint?.(++done, plan.points.length);
      return { at: p.at, study };
    }),
  );
  return { dimensions: plan.dimensions, points: studies };
}

/** Runs one shard of the sweep's (point, replication) tasks and returns the partial result. */
export async function runSweepShard(plan: SweepPlan, shard: ShardSpec, runner: ReplicationRunner, version: string, options: { onProgress?: (done: number, total: number) => void } = {}): Promise<PartialFile> {
  const R = plan.replications;
  const mine = shardTasks(plan.points.length * R, shard);
  let done = 0;
  const results = await Promise.all(
    mine.map(async (task) => {
      const point = Math.floor(task / R);
      const replication = task % R;
      const result = encodeReplication(await runner.run({ scenario: plan.points[point]!.scenario, replication }));
      options.onProgress?.(++done, mine.length);
      return { point, replication, result };
    }),
  );
  return sweepPartial(plan.dimensions, plan.points, R, shard, version, results);
}
