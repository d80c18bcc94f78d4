/**
 * `overcast run <scenario>`: simulate and print the report as text, markdown, JSON or HTML. This
 * module is the command's surface (options, help, argument checks); what it does is in
 * ./run-action.ts, loaded when it runs, so that `overcast --help` loads no part of the model.
 */
import { Option, type Command } from 'commander';
import { UsageError, type SloGateOptions } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { ScenarioOptions } from '../scenario-arg.js';
import { scenarioOptions, sloGateOptions, type RegisterCommand } from '../command.js';
import type { RiskMethodOption } from '../../study/risk.js';
import { riskMethodOption, shardOption, workersOption, type ParallelOptions } from '../study-options.js';

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

/** Runs the scenario and writes its report (./run-action.ts); returns the exit code. */
export async function runCommand(scenarioArg: string, options: RunOptions, io: CliIo): Promise<number> {
  const { runScenario } = await import('./run-action.js');
  return runScenario(scenarioArg, options, io);
}

export function chooseFormat(options: Pick<RunOptions, 'json' | 'format'>): ReportFormat {
  if (options.json && options.format && options.format !== 'json') throw new UsageError(`--json conflicts with --format ${options.format}`);
  const format = options.json ? 'json' : (options.format ?? 'text');
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: expected one of ${REPORT_FORMATS.join(', ')}, found '${format}'`);
  return format as ReportFormat;
}
