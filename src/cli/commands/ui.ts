/**
 * `overcast ui [scenario]`: the interactive terminal UI, and the rule for when the bare `overcast`
 * opens it. The UI needs a terminal on both stdin and stdout; in CI, in a pipe, or when a report
 * format or file is asked for, the text report is printed instead (never waiting for keys).
 */
import type { Command } from 'commander';
import { scenarioOptions, type RegisterCommand } from '../command.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../exit-codes.js';
import { loadScenarioArg, overridesFrom, STDIN_ARG, type ScenarioOptions } from '../scenario-arg.js';
import { runCommand, type RunOptions } from './run.js';

const DEFAULT_SCENARIO = 'default';

/** True when CI says so (`CI=true`, `CI=1`, any value but empty, `0` or `false`). */
export function inCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Whether to open the UI: a terminal on stdin and stdout, not CI, and no report output asked for. */
export function wantsUi(io: CliIo, options: RunOptions): boolean {
  if (!io.stdinIsTTY || !io.stdout.isTTY || inCi(io.env)) return false;
  return !(options.json || options.format !== undefined || options.output !== undefined || options.failOnSlo || options.strictSlo);
}

/** The command-line arguments behind the scenario options, for the UI's equivalent `overcast run` line. */
function baseArgs(options: ScenarioOptions): string[] {
  const args = (options.set ?? []).flatMap((s) => ['--set', s]);
  if (options.seed !== undefined) args.push('--seed', options.seed);
  return args;
}

/** Opens the UI on this process's terminal; returns when the user quits. */
export async function openUi(scenarioArg: string, options: ScenarioOptions, io: CliIo): Promise<number> {
  if (scenarioArg === STDIN_ARG) throw new UsageError("the terminal UI reads keys from standard input, so its scenario cannot come from there: give a file (or pipe into 'overcast run -')");
  const { scenario, file } = await loadScenarioArg(scenarioArg, io, options);
  const { startUi } = await import('../../tui/index.js');
  return startUi({
    file,
    scenarioArg,
    scenario,
    baseOverrides: overridesFrom(options),
    baseArgs: baseArgs(options),
    replicationsGiven: options.replications !== undefined,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: io.cwd,
  });
}

export const register: RegisterCommand = (program: Command, { io, exit }) => {
  scenarioOptions(
    program
      .command('ui')
      .description('explore a scenario in the terminal UI: turn knobs, watch the verdict (prints the report without a terminal)')
      .argument('[scenario]', 'scenario file or bundled scenario name', DEFAULT_SCENARIO),
  ).action(async (scenario: string, options: ScenarioOptions) => {
    exit(wantsUi(io, options) ? await openUi(scenario, options, io) : await runCommand(scenario, options, io));
  });
};
