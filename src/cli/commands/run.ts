/** `overcast run <scenario>`: simulate and print the report as text, markdown, JSON or HTML. */
import { Option, type Command } from 'commander';
import { renderDocumentHtml } from '../../report/html/render-html.js';
import { buildReport, reportJson, type Report } from '../../report/report.js';
import { runDocument } from '../../report/run-document.js';
import { renderMarkdown, renderText } from '../../report/text.js';
import { EXIT_OK, sloExitCode, UsageError, type SloGateOptions } from '../exit-codes.js';
import { checkOutputOption, emit, textWidth, type CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { loadScenarioArg, type ScenarioOptions } from '../scenario-arg.js';
import { scenarioOptions, sloGateOptions, type RegisterCommand } from '../command.js';
import { runReplicated, runShard } from '../../study/run.js';
import { partialJson } from '../../study/shards.js';
import { packageVersion } from '../paths.js';
import type { RiskMethodOption } from '../../study/risk.js';
import { createRunner, createStatusLine, parseShardOption, resolveWorkers, riskMethodOption, shardOption, studyInputAsync, workersOption, type ParallelOptions } from '../study-support.js';

export const REPORT_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RunOptions extends ScenarioOptions, ParallelOptions, SloGateOptions {
  json?: boolean;
  format?: string;
  output?: string;
  quiet?: boolean;
  riskMethod?: RiskMethodOption;
}

/** The options of `run` (and of the bare `overcast [scenario]`). */
export function runOptions(command: Command): Command {
  scenarioOptions(command)
    .option('--json', 'print the report as one JSON document (see docs/report.md)')
    .addOption(new Option('--format <format>', 'report format (html: one self-contained file with charts)').choices([...REPORT_FORMATS]))
    .option('-o, --output <file>', 'write the report to a file (atomically) instead of stdout');
  return sloGateOptions(command)
    .option('-q, --quiet', 'no progress on stderr')
    .addOption(workersOption())
    .addOption(riskMethodOption())
    .addOption(shardOption());
}

export const register: RegisterCommand = (program, { io, exit }) => {
  runOptions(program.command('run').description('simulate a scenario and print the report').argument('<scenario>', "scenario file, bundled scenario name, or '-' for standard input")).action(
    async (scenario: string, options: RunOptions) => {
      exit(await runCommand(scenario, options, io));
    },
  );
};

export async function runCommand(scenarioArg: string, options: RunOptions, io: CliIo): Promise<number> {
  const shard = parseShardOption(options.shard);
  if (shard && (options.json || options.format !== undefined || options.failOnSlo || options.strictSlo)) {
    throw new UsageError('--shard writes a partial result (JSON) for `overcast merge`; --json, --format, --fail-on-slo and --strict-slo belong to the merge');
  }
  const format = chooseFormat(options);
  // A path that cannot be written is found now, not after the simulation.
  await checkOutputOption(options.output, io);
  const { scenario } = await loadScenarioArg(scenarioArg, io, options);
  const workers = resolveWorkers(options.workers, io.env);
  const progress = createProgress(io.stderr, `${scenario.name}: replication`, !options.quiet);
  const started = Date.now();
  const onProgress = (done: number, total: number): void => progress.update(done, total);
  const summary = (what: string): string | undefined => (options.quiet || !io.stderr.isTTY ? undefined : `${scenario.name}: ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  if (shard) {
    const runner = createRunner(workers, scenario.replications);
    let text: string;
    try {
      const partial = await studyInputAsync(() => runShard(scenario, shard, runner, packageVersion(), { onProgress }));
      text = partialJson(partial);
      progress.done(summary(`shard ${shard.index}/${shard.count}, ${partial.results.length} replications`));
    } finally {
      await runner.close();
    }
    await emit(text, options.output, io);
    return EXIT_OK;
  }

  // The replications, then the rare risks an SLO asks for (../../study/risk.ts); those extra
  // memory-only batches use every worker even when the scenario has a single replication.
  const rareSlo = scenario.slo.oomRiskPerHostMonth !== undefined && options.riskMethod !== 'mc';
  const runner = createRunner(workers, rareSlo ? Math.max(scenario.replications, workers) : scenario.replications);
  const stage = createStatusLine(io.stderr, `${scenario.name}:`, !options.quiet);
  let study;
  try {
    study = await studyInputAsync(() =>
      runReplicated(scenario, runner, {
        onProgress,
        risk: { method: options.riskMethod ?? 'auto', onStage: (text) => stage.set(text) },
      }),
    );
  } finally {
    await runner.close();
  }
  stage.done();
  progress.done(summary(`${study.replications} replications`));
  return writeReport(buildReport(study), format, options, io);
}

/** The report in a format; text is laid out to `width` columns. */
export function renderReport(report: Report, format: ReportFormat, width: number): string {
  switch (format) {
    case 'json':
      return reportJson(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'html':
      return renderDocumentHtml(runDocument(report));
    default:
      return renderText(report, width);
  }
}

/** Writes a run report (from `run` or `merge`) in the chosen format to stdout or `--output`; returns the exit code. */
export async function writeReport(report: Report, format: ReportFormat, options: Pick<RunOptions, 'output'> & SloGateOptions, io: CliIo): Promise<number> {
  await emit(renderReport(report, format, textWidth(io, options.output !== undefined)), options.output, io);
  return sloExitCode(report.verdict, options);
}

export function chooseFormat(options: Pick<RunOptions, 'json' | 'format'>): ReportFormat {
  if (options.json && options.format && options.format !== 'json') throw new UsageError(`--json conflicts with --format ${options.format}`);
  const format = options.json ? 'json' : (options.format ?? 'text');
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: expected one of ${REPORT_FORMATS.join(', ')}, found '${format}'`);
  return format as ReportFormat;
}
