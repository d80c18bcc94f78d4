/**
 * What `overcast run` does (./run.ts is its surface): loads the scenario, runs its replications
 * (or one shard of them) on this thread or a worker pool, decides the rare risks its SLOs ask for,
 * and writes the report. Also how `merge` writes a run report.
 */
import { renderDocumentHtml } from '../../report/html/render-html.js';
import { buildReport, reportJson, type Report } from '../../report/report.js';
import { runDocument } from '../../report/run-document.js';
import { renderMarkdown, renderText } from '../../report/text.js';
import { EXIT_OK, sloExitCode, UsageError, type SloGateOptions } from '../exit-codes.js';
import { checkOutputOption, emit, textWidth, type CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { loadScenarioArg } from '../scenario-arg.js';
import { runReplicated, runShard } from '../../study/run.js';
import { partialJson } from '../../study/shards.js';
import { packageVersion } from '../paths.js';
import { createRunner, createStatusLine, parseShardOption, resolveWorkers, studyInputAsync } from '../study-support.js';
import { chooseFormat, type ReportFormat, type RunOptions } from './run.js';

export async function runScenario(scenarioArg: string, options: RunOptions, io: CliIo): Promise<number> {
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
