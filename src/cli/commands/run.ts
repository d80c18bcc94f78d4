/** `overcast run <scenario>`: simulate and print the report as text, markdown or JSON. */
import { runStudy } from '../../model/run.js';
import { buildReport, reportJson } from '../../report/report.js';
import { renderMarkdown, renderText } from '../../report/text.js';
import { EXIT_OK, EXIT_SLO, UsageError } from '../exit-codes.js';
import { writeFileAtomic, type CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { loadScenarioArg, type ScenarioOptions } from '../scenario-arg.js';
import { resolve } from 'node:path';

export const REPORT_FORMATS = ['text', 'json', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RunOptions extends ScenarioOptions {
  json?: boolean;
  format?: string;
  output?: string;
  failOnSlo?: boolean;
  quiet?: boolean;
}

export async function runCommand(scenarioArg: string, options: RunOptions, io: CliIo): Promise<number> {
  const format = chooseFormat(options);
  const { scenario } = await loadScenarioArg(scenarioArg, io.cwd, options);
  const progress = createProgress(io.stderr, `${scenario.name}: replication`, !options.quiet);
  const started = Date.now();
  const study = runStudy(scenario, { onProgress: (done, total) => progress.update(done, total) });
  progress.done(options.quiet || !io.stderr.isTTY ? undefined : `${scenario.name}: ${study.replications} replications in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const report = buildReport(study);
  const text = format === 'json' ? reportJson(report) : format === 'markdown' ? renderMarkdown(report) : renderText(report);
  if (options.output) await writeFileAtomic(resolve(io.cwd, options.output), text);
  else io.stdout.write(text);
  return options.failOnSlo && report.verdict === 'fail' ? EXIT_SLO : EXIT_OK;
}

function chooseFormat(options: RunOptions): ReportFormat {
  if (options.json && options.format && options.format !== 'json') throw new UsageError(`--json conflicts with --format ${options.format}`);
  const format = options.json ? 'json' : (options.format ?? 'text');
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: expected one of ${REPORT_FORMATS.join(', ')}, found '${format}'`);
  return format as ReportFormat;
}
