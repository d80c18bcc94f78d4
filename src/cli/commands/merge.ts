/**
 * `overcast merge <partial…>`: combines the partial results of a sharded `run` or `sweep` into
 * exactly the report (or sweep CSV/JSON) a single run gives.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option } from 'commander';
import { buildReport } from '../../report/report.js';
import { mergeRunPartials, mergeSweepPartials, partialKind, type NamedPartial } from '../../study/shards.js';
import { sloGateOptions, type RegisterCommand } from '../command.js';
import { UsageError, type SloGateOptions } from '../exit-codes.js';
import { checkOutputOption, type CliIo } from '../io.js';
import { Evaluator } from '../../study/evaluator.js';
import { decideRareRisks, type RiskMethodOption } from '../../study/risk.js';
import { createRunner, createStatusLine, resolveWorkers, riskMethodOption, studyInput, studyInputAsync, workersOption } from '../study-support.js';
import { chooseFormat, REPORT_FORMATS, writeReport } from './run.js';
import { checkSweepOutput, writeSweep } from './sweep.js';

export interface MergeOptions extends SloGateOptions {
  json?: boolean;
  format?: string;
  output?: string;
  workers?: string;
  riskMethod?: RiskMethodOption;
  quiet?: boolean;
}

export const register: RegisterCommand = (program, { io, exit }) => {
  const command = program
    .command('merge')
    .description('combine the partial results of a sharded run or sweep (--shard i/N) into the report a single run gives')
    .argument('<partials...>', 'partial result files, one per shard, in any order')
    .option('--json', 'print the report as JSON (a run) or the sweep as JSON instead of CSV')
    .addOption(new Option('--format <format>', 'report format for a run').choices([...REPORT_FORMATS]))
    .option('-o, --output <file>', 'write the report to a file (for a sweep: <base>.csv and <base>.json), atomically')
    .option('-q, --quiet', 'no progress on stderr')
    .addOption(workersOption())
    .addOption(riskMethodOption());
  sloGateOptions(command).action(async (files: string[], options: MergeOptions) => {
    exit(await mergeCommand(files, options, io));
  });
};

export async function mergeCommand(files: readonly string[], options: MergeOptions, io: CliIo): Promise<number> {
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
