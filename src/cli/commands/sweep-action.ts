/**
 * What `overcast sweep` does (./sweep.ts is its surface): plans the grid, runs every point's
 * replications (or one shard of the tasks) and writes CSV and JSON. Also how `merge` writes a sweep.
 */
import { resolve } from 'node:path';
import { worstStatus } from '../../model/slo.js';
import { checkOutput, writeOutputs } from '../../output/write.js';
import { buildSweepReport, sweepCsv, sweepJson, type SweepReport } from '../../report/sweep.js';
import { partialJson } from '../../study/shards.js';
import { parseVary, planSweep, runSweep, runSweepShard, type SweepResult } from '../../study/sweep.js';
import { EXIT_OK, sloExitCode, UsageError, type SloGateOptions } from '../exit-codes.js';
import { checkOutputOption, emit, type CliIo } from '../io.js';
import { packageVersion } from '../paths.js';
import { createProgress } from '../progress.js';
import { createRunner, loadScenarioSource, parseShardOption, resolveWorkers, studyInput, studyInputAsync } from '../study-support.js';
import type { SweepOptions } from './sweep.js';

export async function runSweepCommand(scenarioArg: string, options: SweepOptions, io: CliIo): Promise<number> {
  const dimensions = studyInput(() => (options.vary ?? []).map(parseVary));
  if (dimensions.length === 0) throw new UsageError('sweep: give one or two --vary path=from:to:step (e.g. --vary overcommit.cpu=1:8:0.5)');
  const shard = parseShardOption(options.shard);
  if (shard && (options.json || options.failOnSlo || options.strictSlo)) throw new UsageError('--shard writes a partial result for `overcast merge`; --json, --fail-on-slo and --strict-slo belong to the merge');
  if (shard) await checkOutputOption(options.output, io);
  else await checkSweepOutput(options.output, io);
  const source = await loadScenarioSource(scenarioArg, io, options);
  const plan = await studyInputAsync(() => planSweep(source, dimensions));
  const workers = resolveWorkers(options.workers, io.env);
  const tasks = plan.points.length * plan.replications;
  const runner = createRunner(workers, tasks);
  const started = Date.now();
  try {
    if (shard) {
      const progress = createProgress(io.stderr, `sweep shard ${shard.index}/${shard.count}: task`, !options.quiet);
      const partial = await runSweepShard(plan, shard, runner, packageVersion(), { onProgress: (d, t) => progress.update(d, t) });
      progress.done();
      await emit(partialJson(partial), options.output, io);
      return EXIT_OK;
    }
    const progress = createProgress(io.stderr, `sweep ${plan.points.length} points × ${plan.replications} replications: point`, !options.quiet);
    const result = await runSweep(plan, runner, { onPoint: (d, t) => progress.update(d, t) });
    progress.done(options.quiet || !io.stderr.isTTY ? undefined : `sweep: ${plan.points.length} points in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return writeSweep(result, options, io);
  } finally {
    await runner.close();
  }
}

/** The two files `-o base` names (a `.csv` or `.json` given is taken as the base). */
function sweepPaths(output: string, io: CliIo): { csv: OutputPath; json: OutputPath } {
  const base = output.replace(/\.(csv|json)$/i, '');
  const at = (ext: string): OutputPath => ({ path: resolve(io.cwd, `${base}.${ext}`), label: `${base}.${ext}` });
  return { csv: at('csv'), json: at('json') };
}

interface OutputPath {
  path: string;
  label: string;
}

/** Checks before the sweep runs that both of its output files can be written. */
export async function checkSweepOutput(output: string | undefined, io: CliIo): Promise<void> {
  if (output === undefined) return;
  const { csv, json } = sweepPaths(output, io);
  await checkOutput(csv.path, { label: csv.label });
  await checkOutput(json.path, { label: json.label });
}

/** Writes a sweep (from `sweep` or `merge`): CSV on stdout, JSON with --json, or both files with -o. */
export async function writeSweep(result: SweepResult, options: Pick<SweepOptions, 'json' | 'output'> & SloGateOptions, io: CliIo): Promise<number> {
  const report: SweepReport = buildSweepReport(result);
  if (options.output) {
    const { csv, json } = sweepPaths(options.output, io);
    await writeOutputs([
      { ...csv, content: sweepCsv(report) },
      { ...json, content: sweepJson(report) },
    ]);
  } else io.stdout.write(options.json ? sweepJson(report) : sweepCsv(report));
  // The sweep's verdict is its worst point's.
  return sloExitCode(worstStatus(report.points.map((p) => p.verdict)), options);
}
