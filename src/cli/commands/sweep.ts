/**
 * `overcast sweep <scenario> --vary path=from:to:step [--vary …]`: the scenario over a grid of one
 * or two fields, every metric per point with its confidence intervals, as CSV and JSON.
 */
import { resolve } from 'node:path';
import { buildSweepReport, sweepCsv, sweepJson, type SweepReport } from '../../report/sweep.js';
import { partialJson } from '../../study/shards.js';
import { parseVary, planSweep, runSweep, runSweepShard, type SweepResult } from '../../study/sweep.js';
import { scenarioOptions, type RegisterCommand } from '../command.js';
import { EXIT_OK, EXIT_SLO, UsageError } from '../exit-codes.js';
import { writeFileAtomic, type CliIo } from '../io.js';
import { packageVersion } from '../paths.js';
import { createProgress } from '../progress.js';
import type { ScenarioOptions } from '../scenario-arg.js';
import {
  createRunner,
  loadScenarioSource,
  parseShardOption,
  resolveWorkers,
  shardOption,
  studyInput,
  studyInputAsync,
  workersOption,
  type ParallelOptions,
} from '../study-support.js';

export interface SweepOptions extends ScenarioOptions, ParallelOptions {
  vary?: string[];
  json?: boolean;
  output?: string;
  failOnSlo?: boolean;
  quiet?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const register: RegisterCommand = (program, { io, exit }) => {
  scenarioOptions(
    program
      .command('sweep')
      .description('run a scenario over a grid of one or two fields and write every metric per point (CSV and JSON)')
      .argument('<scenario>', 'scenario file or bundled scenario name'),
  )
    .option('--vary <path=from:to:step>', 'a field to vary: a range from:to:step or a list a,b,c (repeat for a second dimension)', collect, [])
    .option('-o, --output <base>', 'write <base>.csv and <base>.json (atomically) instead of CSV on stdout; with --shard, the partial result file')
    .option('--json', 'print JSON on stdout instead of CSV')
    .option('--fail-on-slo', 'exit with code 3 when an SLO fails at any point')
    .option('-q, --quiet', 'no progress on stderr')
    .addOption(workersOption())
    .addOption(shardOption())
    .action(async (scenario: string, options: SweepOptions) => {
      exit(await sweepCommand(scenario, options, io));
    });
};

export async function sweepCommand(scenarioArg: string, options: SweepOptions, io: CliIo): Promise<number> {
  const dimensions = studyInput(() => (options.vary ?? []).map(parseVary));
  if (dimensions.length === 0) throw new UsageError('sweep: give one or two --vary path=from:to:step (e.g. --vary overcommit.cpu=1:8:0.5)');
  const shard = parseShardOption(options.shard);
  if (shard && (options.json || options.failOnSlo)) throw new UsageError('--shard writes a partial result for `overcast merge`; --json and --fail-on-slo belong to the merge');
  const source = await loadScenarioSource(scenarioArg, io.cwd, options);
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
      const text = partialJson(partial);
      if (options.output) await writeFileAtomic(resolve(io.cwd, options.output), text);
      else io.stdout.write(text);
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

/** Writes a sweep (from `sweep` or `merge`): CSV on stdout, JSON with --json, or both files with -o. */
export async function writeSweep(result: SweepResult, options: Pick<SweepOptions, 'json' | 'output' | 'failOnSlo'>, io: CliIo): Promise<number> {
  const report: SweepReport = buildSweepReport(result);
  if (options.output) {
    const base = resolve(io.cwd, options.output.replace(/\.(csv|json)$/i, ''));
    await writeFileAtomic(`${base}.csv`, sweepCsv(report));
    await writeFileAtomic(`${base}.json`, sweepJson(report));
  } else io.stdout.write(options.json ? sweepJson(report) : sweepCsv(report));
  const failed = report.points.some((p) => p.metrics.verdict === 'fail');
  return options.failOnSlo && failed ? EXIT_SLO : EXIT_OK;
}
