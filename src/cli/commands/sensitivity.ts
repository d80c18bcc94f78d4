/**
 * `overcast sensitivity <scenario>`: which uncertain inputs (the file's ranges and the assumed
 * defaults it relies on) move each SLO metric and the verdict most: a Morris screening, then a
 * tornado of the top inputs, then what to measure next (docs/sensitivity.md). The command's
 * surface; the study is in ./sensitivity-action.ts, loaded when it runs.
 */
import { Option } from 'commander';
import { scenarioOptions, type RegisterCommand } from '../command.js';
import type { CliIo } from '../io.js';
import type { ScenarioOptions } from '../scenario-arg.js';
import { workersOption, type ParallelOptions } from '../study-options.js';

export const SENSITIVITY_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type SensitivityFormat = (typeof SENSITIVITY_FORMATS)[number];

export interface SensitivityCliOptions extends ScenarioOptions, ParallelOptions {
  trajectories?: string;
  screenReplications?: string;
  tornadoReplications?: string;
  top?: string;
  ends?: string;
  only?: string;
  json?: boolean;
  format?: string;
  output?: string;
  quiet?: boolean;
}

export const register: RegisterCommand = (program, { io, exit }) => {
  scenarioOptions(
    program
      .command('sensitivity')
      .description('rank the uncertain inputs (ranges and assumed defaults) by how much they move each SLO metric and the verdict')
      .argument('<scenario>', "scenario file, bundled scenario name, or '-' for standard input"),
  )
    .option('--trajectories <r>', 'Morris trajectories in the screening (each runs inputs + 1 points)', '4')
    .option('--screen-replications <k>', 'replications per screening point (common random numbers)', '1')
    .option('--tornado-replications <k>', 'replications per tornado end and for the nominal point', '3')
    .option('--top <n>', 'inputs carried into the tornado', '5')
    .option('--ends <q>', "the tornado's ends: 'range' (the ranges' ends) or a percentile such as q90 (10th and 90th)", 'range')
    .option('--only <text>', 'only inputs whose path contains this text (repeat with commas: sharedPct,boot)')
    .option('--json', 'print the result as JSON')
    .addOption(new Option('--format <format>', 'output format').choices([...SENSITIVITY_FORMATS]))
    .option('-o, --output <file>', 'write the result to a file (atomically) instead of stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addOption(workersOption())
    .action(async (scenario: string, options: SensitivityCliOptions) => {
      exit(await sensitivityCommand(scenario, options, io));
    });
};

/** Runs the screening and tornado and writes them (./sensitivity-action.ts); returns the exit code. */
export async function sensitivityCommand(scenarioArg: string, options: SensitivityCliOptions, io: CliIo): Promise<number> {
  const { runSensitivityCommand } = await import('./sensitivity-action.js');
  return runSensitivityCommand(scenarioArg, options, io);
}
