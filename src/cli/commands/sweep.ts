/**
 * `overcast sweep <scenario> --vary path=from:to:step [--vary …]`: the scenario over a grid of one
 * or two fields, every metric per point with its confidence intervals, as CSV and JSON. With
 * `-o base`, base.csv and base.json are written as one decision: both or neither. The command's
 * surface; the work is in ./sweep-action.ts, loaded when it runs.
 */
import { scenarioOptions, sloGateOptions, type RegisterCommand } from '../command.js';
import type { SloGateOptions } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { ScenarioOptions } from '../scenario-arg.js';
import { shardOption, workersOption, type ParallelOptions } from '../study-options.js';

export interface SweepOptions extends ScenarioOptions, ParallelOptions, SloGateOptions {
  vary?: string[];
  json?: boolean;
  output?: string;
  quiet?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const register: RegisterCommand = (program, { io, exit }) => {
  const command = scenarioOptions(
    program
      .command('sweep')
      .description('run a scenario over a grid of one or two fields and write every metric per point (CSV and JSON)')
      .argument('<scenario>', "scenario file, bundled scenario name, or '-' for standard input"),
  )
    .option('--vary <path=from:to:step>', 'a field to vary: a range from:to:step or a list a,b,c (repeat for a second dimension)', collect, [])
    .option('-o, --output <base>', 'write <base>.csv and <base>.json (atomically, both or neither) instead of CSV on stdout; with --shard, the partial result file')
    .option('--json', 'print JSON on stdout instead of CSV');
  sloGateOptions(command)
    .option('-q, --quiet', 'no progress on stderr')
    .addOption(workersOption())
    .addOption(shardOption())
    .action(async (scenario: string, options: SweepOptions) => {
      exit(await sweepCommand(scenario, options, io));
    });
};

/** Runs the sweep and writes it (./sweep-action.ts); returns the exit code. */
export async function sweepCommand(scenarioArg: string, options: SweepOptions, io: CliIo): Promise<number> {
  const { runSweepCommand } = await import('./sweep-action.js');
  return runSweepCommand(scenarioArg, options, io);
}
