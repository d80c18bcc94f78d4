/**
 * Past one machine: a study split into N shards, each run anywhere (a Kubernetes Indexed Job, a
 * Slurm job array), writing a partial result; `overcast merge` combines the partials into exactly
 * the report a single run gives.
 *
 * A study is a list of tasks — replications of a run, or (point, replication) pairs of a sweep, in
 * point-major order — and shard i of N takes the tasks t with t mod N = i. Round robin rather than
 * blocks, so every shard gets a share of the expensive sweep points. A partial carries the
 * resolved scenario(s), so merging needs neither the scenario file nor the overrides, and a
 * fingerprint of everything that determines the results (kind, scenarios, replications, overcast
 * version), so partials of different studies are never mixed. Results are in the lossless
 * transfer encoding; merging sorts them back into replication order.
 */
import { createHash } from 'node:crypto';
import { place } from '../model/placement.js';
import { combineReplications, type StudyResult } from '../model/run.js';
import { decodeReplication } from '../model/runner.js';
import type { ModelScenario } from '../model/scenario.js';
import type { Encoded } from '../model/transfer.js';
import { StudyInputError } from './errors.js';

export interface ShardSpec {
  /** 0-based, like Kubernetes' JOB_COMPLETION_INDEX. */
  index: number;
  count: number;
}

export const PARTIAL_FORMAT = 1;

/** Parses `i/N` (0 <= i < N). */
export function parseShard(text: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new StudyInputError(`--shard ${text}: expected i/N, e.g. 0/4 (shards are numbered from 0 to N−1)`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new StudyInputError(`--shard ${text}: N must be at least 1`);
  if (index >= count) throw new StudyInputError(`--shard ${text}: the index must be 0…${count - 1} (shards are numbered from 0, like JOB_COMPLETION_INDEX)`);
  return { index, count };
}

/** Task indices 0..tasks−1 that belong to a shard. */
export function shardTasks(tasks: number, shard: ShardSpec): number[] {
  const out: number[] = [];
  for (let t = shard.index; t < tasks; t += shard.count) out.push(t);
  return out;
}

export interface PartialResultEntry {
  /** Sweep point index (sweeps only). */
  point?: number;
  replication: number;
  result: Encoded;
}

export interface SweepPointSpec {
  at: Record<string, number | string>;
  scenario: ModelScenario;
}

export interface PartialFile {
  overcastPartial: number;
  kind: 'run' | 'sweep';
  overcastVersion: string;
  fingerprint: string;
  shard: ShardSpec;
  /** Replications per scenario (per point for sweeps). */
  replications: number;
  /** Total tasks of the whole study. */
  tasks: number;
  /** The resolved scenario (runs). */
  scenario?: ModelScenario;
  /** The swept paths and every point's resolved scenario (sweeps). */
  vary?: { path: string; values: (number | string)[] }[];
  points?: SweepPointSpec[];
  results: PartialResultEntry[];
}

function fingerprint(content: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(content)).digest('hex')}`;
}

export function runPartial(scenario: ModelScenario, shard: ShardSpec, version: string, results: PartialResultEntry[]): PartialFile {
  const replications = scenario.replications;
  return {
    overcastPartial: PARTIAL_FORMAT,
    kind: 'run',
    overcastVersion: version,
    fingerprint: fingerprint({ kind: 'run', version, replications, scenario }),
    shard,
    replications,
    tasks: replications,
    scenario,
    results,
  };
}

export function sweepPartial(
  vary: { path: string; values: (number | string)[] }[],
  points: SweepPointSpec[],
  replications: number,
  shard: ShardSpec,
  version: string,
  results: PartialResultEntry[],
): PartialFile {
  return {
    overcastPartial: PARTIAL_FORMAT,
    kind: 'sweep',
    overcastVersion: version,
    fingerprint: fingerprint({ kind: 'sweep', version, replications, vary, points }),
    shard,
    replications,
    tasks: points.length * replications,
    vary,
    points,
    results,
  };
}

/** The partials as read from files: `[name, parsed JSON]`. */
export type NamedPartial = [name: string, content: unknown];

interface CheckedPartials {
  first: PartialFile;
  /** Results by task index. */
  byTask: Map<number, Encoded>;
  /** The file each task's result came from, to name it when the result cannot be decoded. */
  fromFile: Map<number, string>;
}

function checkPartials(partials: readonly NamedPartial[]): CheckedPartials {
  if (partials.length === 0) throw new StudyInputError('merge: no partial results given');
  const files: [string, PartialFile][] = partials.map(([name, content]) => {
    const p = content as Partial<PartialFile> | null;
    if (p === null || typeof p !== 'object' || p.overcastPartial === undefined || !Array.isArray(p.results) || p.shard === undefined) {
      throw new StudyInputError(`${name}: not an overcast partial result (write one with --shard i/N)`);
    }
    if (p.overcastPartial !== PARTIAL_FORMAT) throw new StudyInputError(`${name}: partial format ${String(p.overcastPartial)}, this overcast reads format ${PARTIAL_FORMAT}`);
    checkShape(name, p);
    return [name, p as PartialFile];
  });
  const [firstName, first] = files[0]!;
  const seen = new Map<number, string>();
  for (const [name, p] of files) {
    if (p.kind !== first.kind) throw new StudyInputError(`${name}: a ${p.kind} partial, but ${firstName} is a ${first.kind} partial`);
    if (p.overcastVersion !== first.overcastVersion) {
      throw new StudyInputError(`${name}: written by overcast ${p.overcastVersion}, ${firstName} by ${first.overcastVersion}; run every shard with the same version`);
    }
    if (p.fingerprint !== first.fingerprint) {
      throw new StudyInputError(`${name}: from a different study than ${firstName} (the scenario, overrides, seed, replications or sweep differ)`);
    }
    if (p.shard.count !== first.shard.count) throw new StudyInputError(`${name}: shard ${p.shard.index}/${p.shard.count}, but ${firstName} is one of ${first.shard.count} shards`);
    const twice = seen.get(p.shard.index);
    if (twice !== undefined) throw new StudyInputError(`shard ${p.shard.index}/${p.shard.count} given twice (${twice} and ${name})`);
    seen.set(p.shard.index, name);
  }
  // Every shard must be given, so a count above the files given is missing shards (checked before listing them).
  const absent = first.shard.count - seen.size;
  const missing: string[] = [];
  for (let i = 0; i < first.shard.count && missing.length < 10; i++) if (!seen.has(i)) missing.push(`${i}/${first.shard.count}`);
  if (absent > 0) {
    throw new StudyInputError(`missing shard${absent === 1 ? '' : 's'} ${missing.join(', ')}${absent > missing.length ? ` and ${absent - missing.length} more` : ''}: merge needs the partial of every shard`);
  }

  const byTask = new Map<number, Encoded>();
  const fromFile = new Map<number, string>();
  for (const [name, p] of files) {
    const expected = new Set(shardTasks(p.tasks, p.shard));
    for (const entry of p.results) {
      const task = entry.point === undefined ? entry.replication : entry.point * p.replications + entry.replication;
      if (!expected.has(task) || byTask.has(task)) throw new StudyInputError(`${name}: unexpected result for task ${task} (a damaged or edited partial)`);
      byTask.set(task, entry.result);
      fromFile.set(task, name);
    }
    if (p.results.length !== expected.size) {
      throw new StudyInputError(`${name}: holds ${p.results.length} of its shard's ${expected.size} results (an interrupted shard? run it again)`);
    }
  }
  return { first, byTask, fromFile };
}

/** Most shards a study is split into (a shard per replication of the largest allowed run is far more than anyone runs). */
const MAX_SHARDS = 100_000;

const isCount = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * The fields merge relies on, typed and in range, and the fingerprint recomputed from the content,
 * so a damaged or edited partial is a located error instead of a crash or a runaway loop.
 */
function checkShape(name: string, p: Partial<PartialFile>): void {
  const bad = (what: string): StudyInputError => new StudyInputError(`${name}: ${what} (a damaged or edited partial; write it again with --shard i/N)`);
  if (p.kind !== 'run' && p.kind !== 'sweep') throw bad(`kind must be 'run' or 'sweep', found ${JSON.stringify(p.kind)?.slice(0, 40)}`);
  if (typeof p.overcastVersion !== 'string' || typeof p.fingerprint !== 'string') throw bad('no overcastVersion or fingerprint');
  const shard = p.shard as Partial<ShardSpec> | null;
  if (shard === null || typeof shard !== 'object' || !isCount(shard.count, 1, MAX_SHARDS) || !isCount(shard.index, 0, shard.count - 1)) {
    throw bad(`shard must be i/N with N from 1 to ${MAX_SHARDS} and i from 0 to N-1, found ${JSON.stringify(p.shard)?.slice(0, 60)}`);
  }
  if (!isCount(p.replications, 1, 100_000)) throw bad('replications must be a whole number from 1 to 100000');
  const points = p.kind === 'sweep' ? p.points : undefined;
  if (p.kind === 'sweep' && (!Array.isArray(points) || points.length === 0 || !Array.isArray(p.vary))) throw bad('a sweep partial without its points');
  if (p.kind === 'run' && (p.scenario === null || typeof p.scenario !== 'object')) throw bad('a run partial without its scenario');
  const tasks = (points?.length ?? 1) * p.replications;
  if (p.tasks !== tasks) throw bad(`tasks must be ${tasks}, found ${JSON.stringify(p.tasks)?.slice(0, 40)}`);
  for (const entry of p.results ?? []) {
    const e = entry as Partial<PartialResultEntry> | null;
    if (e === null || typeof e !== 'object' || !isCount(e.replication, 0, p.replications - 1) || (e.point !== undefined && !isCount(e.point, 0, (points?.length ?? 0) - 1)) || e.result === undefined) {
      throw bad('a result entry without a valid replication, point or result');
    }
  }
  const expected =
    p.kind === 'run'
      ? fingerprint({ kind: 'run', version: p.overcastVersion, replications: p.replications, scenario: p.scenario })
      : fingerprint({ kind: 'sweep', version: p.overcastVersion, replications: p.replications, vary: p.vary, points: p.points });
  if (expected !== p.fingerprint) throw bad('its fingerprint does not match its content');
}

function combine(scenario: ModelScenario, replications: number, offset: number, checked: CheckedPartials): StudyResult {
  const results = [];
  for (let r = 0; r < replications; r++) {
    try {
      results.push(decodeReplication(checked.byTask.get(offset + r)!));
    } catch (error) {
      throw new StudyInputError(`${checked.fromFile.get(offset + r) ?? 'merge'}: the result of task ${offset + r} cannot be read (${error instanceof Error ? error.message.slice(0, 80) : 'damaged'}); a damaged partial`);
    }
  }
  const sized: ModelScenario = { ...scenario, replications };
  try {
    return combineReplications(sized, place(sized), results);
  } catch (error) {
    if (error instanceof StudyInputError) throw error;
    throw new StudyInputError(`merge: the partials' results do not fit their scenario (${error instanceof Error ? error.message.slice(0, 80) : 'damaged'}); a damaged or edited partial`);
  }
}

export function partialKind(partials: readonly NamedPartial[]): 'run' | 'sweep' {
  return checkPartials(partials).first.kind;
}

/** Merges the partials of a sharded run into the study a single run gives. */
export function mergeRunPartials(partials: readonly NamedPartial[]): StudyResult {
  const checked = checkPartials(partials);
  const { first } = checked;
  if (first.kind !== 'run' || !first.scenario) throw new StudyInputError('merge: these are sweep partials, not run partials');
  return combine(first.scenario, first.replications, 0, checked);
}

export interface MergedSweep {
  vary: { path: string; values: (number | string)[] }[];
  points: { at: Record<string, number | string>; study: StudyResult }[];
}

/** Merges the partials of a sharded sweep into the sweep a single run gives. */
export function mergeSweepPartials(partials: readonly NamedPartial[]): MergedSweep {
  const checked = checkPartials(partials);
  const { first } = checked;
  if (first.kind !== 'sweep' || !first.points || !first.vary) throw new StudyInputError('merge: these are run partials, not sweep partials');
  return {
    vary: first.vary,
    points: first.points.map((p, i) => ({ at: p.at, study: combine(p.scenario, first.replications, i * first.replications, checked) })),
  };
}

/** A partial as file content: compact JSON (it is for machines), one trailing newline. */
export function partialJson(partial: PartialFile): string {
  return `${JSON.stringify(partial)}\n`;
}
