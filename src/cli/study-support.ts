/**
 * What the study commands (run with workers or shards, sweep, recommend, merge) share when they
 * run (their options are in ./study-options.ts): the runner they choose (this thread or a worker pool), the
 * scenario as a source the study layer can vary, a status line on a terminal, and the mapping of
 * study input problems to usage errors.
 */
import { readFile } from 'node:fs/promises';
import { inProcessRunner, type ReplicationRunner } from '../model/runner.js';
import { createWorkerPool, defaultWorkers } from '../parallel/pool.js';
import { StudyInputError } from '../study/errors.js';
import { parseShard, type ShardSpec } from '../study/shards.js';
import { resolveScenario, type ScenarioSource } from '../study/source.js';
import { UsageError } from './exit-codes.js';
import type { CliIo, OutputStream } from './io.js';
import { overridesFrom, readStdinScenario, resolveScenarioPath, STDIN_ARG, STDIN_LABEL, stdinPath, type ScenarioOptions } from './scenario-arg.js';

/** Worker threads to use: `--workers`, else $OVERCAST_WORKERS, else every core. */
export function resolveWorkers(option: string | undefined, env: CliIo['env']): number {
  const given = option ?? env.OVERCAST_WORKERS;
  const source = option !== undefined ? '--workers' : 'OVERCAST_WORKERS';
  if (given === undefined || given === '' || given === 'auto') return defaultWorkers();
  if (!/^\d+$/.test(given.trim()) || Number(given) < 1) throw new UsageError(`${source} ${given}: expected a whole number >= 1 or 'auto'`);
  return Number(given);
}

/**
 * Where a study puts each uncertain input (`--ends`, `--robust`): `whole` (the option's word for
 * the ranges' own ends) → [0, 1]; `q90` → the 10th and 90th percentiles, [0.1, 0.9].
 */
export function parseRangeEnds(text: string, option: string, whole: string): [number, number] {
  if (text === whole) return [0, 1];
  const m = /^q(\d{2})$/.exec(text.trim());
  const q = m ? Number(m[1]) / 100 : Number.NaN;
  if (!(q > 0.5 && q < 1)) throw new UsageError(`${option} ${text}: expected '${whole}' or a percentile q51–q99 such as q90`);
  return [Number((1 - q).toFixed(2)), q];
}

/** A pool when more than one worker and more than one task; this thread otherwise. */
export function createRunner(workers: number, tasks: number): ReplicationRunner {
  return workers > 1 && tasks > 1 ? createWorkerPool({ workers: Math.min(workers, tasks) }) : inProcessRunner();
}

export function parseShardOption(text: string | undefined): ShardSpec | undefined {
  return text === undefined ? undefined : studyInput(() => parseShard(text));
}

/** Runs `body`, turning study input problems into usage errors (exit 2, no stack trace). */
export function studyInput<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof StudyInputError) throw new UsageError(error.message);
    throw error;
  }
}

export async function studyInputAsync<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof StudyInputError) throw new UsageError(error.message);
    throw error;
  }
}

/** The scenario argument (a file, a bundled name or `-`) as a source for sweeps and searches; validated once here. */
export async function loadScenarioSource(arg: string, io: CliIo, options: ScenarioOptions): Promise<ScenarioSource> {
  if (arg === STDIN_ARG) {
    const source: ScenarioSource = { label: STDIN_LABEL, file: stdinPath(io.cwd), text: await readStdinScenario(io), overrides: overridesFrom(options) };
    await studyInputAsync(() => resolveScenario(source));
    return source;
  }
  const file = resolveScenarioPath(arg, io.cwd);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${arg}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const source: ScenarioSource = { label: arg, file, text, overrides: overridesFrom(options) };
  await studyInputAsync(() => resolveScenario(source));
  return source;
}

/** A free-text status line, rewritten in place on a terminal; nothing otherwise. */
export interface StatusLine {
  set(text: string): void;
  done(summary?: string): void;
}

export function createStatusLine(stderr: OutputStream, label: string, enabled: boolean): StatusLine {
  if (!enabled || !stderr.isTTY) return { set: () => {}, done: () => {} };
  const started = Date.now();
  let shown = false;
  let last = 0;
  return {
    set(text) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const elapsed = Math.round((now - started) / 1000);
      stderr.write(`\r\x1b[2K${label} ${elapsed} s · ${text}`.slice(0, 200));
      shown = true;
    },
    done(summary) {
      if (shown) stderr.write('\r\x1b[2K');
      if (summary) stderr.write(`${summary}\n`);
    },
  };
}
