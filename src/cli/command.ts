/**
 * How a subcommand plugs into the CLI: each command module exports a `register` function that
 * adds itself to the commander program. `main.ts` lists the modules; a new command is one module
 * and one line there. A command module holds the command's surface (options, help) and imports
 * what does the work when it runs (`<name>-action.ts`, or the model directly), so that
 * `overcast --help` loads commander and these modules alone.
 */
import type { Command } from 'commander';
import type { CliIo } from './io.js';

export interface CommandContext {
  io: CliIo;
  /** Records the exit code the command finished with. */
  exit(code: number): void;
}

export type RegisterCommand = (program: Command, context: CommandContext) => void;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Options every scenario-taking command accepts (`--set`, `--seed`, `--replications`). */
export function scenarioOptions(command: Command): Command {
  return command
    .option('--set <path=value>', 'override a scenario field, e.g. overcommit.cpu=3 or vms.desktop.count=200 (repeatable)', collect, [])
    .option('--seed <n>', 'master seed (overrides the scenario)')
    .option('--replications <k>', 'Monte Carlo replications (overrides the scenario)');
}

/** `--fail-on-slo` and `--strict-slo`: how a verdict maps to the exit code (exit-codes.ts). */
export function sloGateOptions(command: Command): Command {
  return command
    .option('--fail-on-slo', 'exit with code 3 when an SLO fails (its value is over the limit)')
    .option('--strict-slo', 'exit with code 3 also when an SLO is not demonstrated (within the limit, but not at 95 % confidence)');
}
