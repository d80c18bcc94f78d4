/**
 * What `overcast merge` does (./merge.ts is its surface): reads the partial results, checks they
 * belong together, combines them, decides the rare risks a run's SLOs ask for, and writes the
 * report or the sweep.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildReport } from '../../report/report.js';
import { mergeRunPartials, mergeSweepPartials, partialKind, type NamedPartial } from '../../study/shards.js';
import { UsageError, type SloGateOptions } from '../exit-codes.js';
import { checkOutputOption, type CliIo } from '../io.js';
import { Evaluator } from '../../study/evaluator.js';
import { decideRareRisks } from '../../study/risk.js';
import { createRunner, createStatusLine, resolveWorkers, studyInput, studyInputAsync } from '../study-support.js';
import { writeReport } from './run-action.js';
import { chooseFormat } from './run.js';
import { checkSweepOutput, writeSweep } from './sweep-action.js';
import type { MergeOptions } from './merge.js';

export async function mergePartials(files: readonly string[], options: MergeOptions, io: CliIo): Promise<number> {
  const partials: NamedPartial[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, file), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(error)})`}`);
    }
    try {
      partials.push([file, JSON.parse(text) as unknown]);
    } catch {
      throw new UsageError(`${file}: not JSON, so not an overcast partial result (write one with --shard i/N)`);
    }
  }
  const kind = studyInput(() => partialKind(partials));
  if (kind === 'sweep') {
    if (options.format !== undefined && options.format !== 'json') throw new UsageError(`--format ${options.format}: a sweep merges to CSV (default) or JSON (--json)`);
    await checkSweepOutput(options.output, io);
    const merged = studyInput(() => mergeSweepPartials(partials));
    return writeSweep({ dimensions: merged.vary, points: merged.points }, { json: options.json === true || options.format === 'json', ...pick(options) }, io);
  }
  const format = chooseFormat(options);
  await checkOutputOption(options.output, io);
  const merged = studyInput(() => mergeRunPartials(partials));
  // As `run` does: rare risks an SLO asks for are decided after the replications (../../study/risk.ts).
  let study = merged;
  if (merged.scenario.slo.oomRiskPerHostMonth !== undefined && options.riskMethod !== 'mc') {
    const workers = resolveWorkers(options.workers, io.env);
    const runner = createRunner(workers, Math.max(workers, merged.replications));
    const stage = createStatusLine(io.stderr, 'merge:', options.quiet !== true);
    try {
      study = await studyInputAsync(() => decideRareRisks(merged, new Evaluator(runner), { method: options.riskMethod ?? 'auto', onStage: (text) => stage.set(text) }));
    } finally {
      await runner.close();
      stage.done();
    }
  }
  return writeReport(buildReport(study), format, pick(options), io);
}

function pick(options: MergeOptions): { output?: string } & SloGateOptions {
  return {
    ...(options.output !== undefined ? { output: options.output } : {}),
    ...(options.failOnSlo !== undefined ? { failOnSlo: options.failOnSlo } : {}),
    ...(options.strictSlo !== undefined ? { strictSlo: options.strictSlo } : {}),
  };
}
