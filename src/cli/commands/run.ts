/** `overcast run <scenario>`: simulate and print the report as text, markdown or JSON. */
import { Option, type Command } from 'commander';
import { runStudy } from '../../model/run.js';
import { buildReport, reportJson } from '../../report/report.js';
import { renderMarkdown, renderText } from '../../report/text.js';
import { EXIT_OK, EXIT_SLO, UsageError } from '../exit-codes.js';
import { writeFileAtomic, type CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { loadScenarioArg, type ScenarioOptions } from '../scenario-arg.js';
import { scenarioOptions, type RegisterCommand } from '../command.js';
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

/** The options of `run` (and of the bare `overcast [scenario]`). */
export function runOptions(command: Command): Command {
  return scenarioOptions(command)
    .option('--json', 'print the report as one JSON document (see docs/report.md)')
    .addOption(new Option('--format <format>', 'report format').choices([...REPORT_FORMATS]))
    .option('-o, --output <file>', 'write the report to a file (atomically) instead of stdout')
    .option('--fail-on-slo', 'exit with code 3 when an SLO is breached (for CI gates)')
    .option('-q, --quiet', 'no progress on stderr');
}

export const register: RegisterCommand = (program, { io, exit }) => {
  runOptions(program.command('run').description('simulate a scenario and print the report').argument('<scenario>', 'scenario file or bundled scenario name')).action(
    async (scenario: string, options: RunOptions) => {
      exit(await runCommand(scenario, options, io));
    },
  );
};

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
