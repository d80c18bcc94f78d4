/**
 * The `overcast` command line: parses arguments (commander), runs a command, and maps every
 * outcome to an exit code. Bad input never ends in a stack trace: user errors (a bad scenario or
 * option, an output that cannot be written) print their message and exit 2; anything else is a
 * bug, printed with a request to report it, and exits 1.
 */
import { Command, CommanderError } from 'commander';
import type { CommandContext, RegisterCommand } from './command.js';
import { register as registerRun, runCommand, runOptions } from './commands/run.js';
import { register as registerSchema } from './commands/schema.js';
import { register as registerValidate } from './commands/validate.js';
import { openUi, register as registerUi, wantsUi } from './commands/ui.js';
import { register as registerSweep } from './commands/sweep.js';
import { register as registerRecommend } from './commands/recommend.js';
import { register as registerMerge } from './commands/merge.js';
import { register as registerSensitivity } from './commands/sensitivity.js';
import { register as registerCalibrate } from './commands/calibrate.js';
import { register as registerImport } from './commands/import.js';
import { register as registerInit } from './commands/init.js';
import { OutputError } from '../output/write.js';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { packageVersion } from './paths.js';
import { bundledScenarioNames } from './scenario-arg.js';
import { suggest } from '../scenarios/issues.js';

const DEFAULT_SCENARIO = 'default';

/** Every subcommand, in the order `overcast --help` lists them. */
const COMMAND_MODULES: RegisterCommand[] = [registerRun, registerValidate, registerInit, registerSchema, registerImport, registerSweep, registerRecommend, registerSensitivity, registerCalibrate, registerMerge, registerUi];

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command();
  // Output and error handling are set on the root before subcommands exist: commander copies
  // them into each subcommand when it is created.
  program
    .name('overcast')
    .description('Capacity and overcommit simulator for virtualization hosts: predicts CPU ready, scheduling delay and SLO verdicts for a scenario.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    // Options after a subcommand belong to it: `run x --json` must reach `run`, not the root.
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .helpCommand(true)
    .addHelpText('after', `\nBundled scenarios: ${bundledScenarioNames().join(', ')}\nWithout a command, overcast opens the terminal UI on the given scenario (default: ${DEFAULT_SCENARIO}) in a terminal, and prints its report otherwise (pipe, CI, --json, --format, --output, --fail-on-slo).`);

  // Without a command, the first argument is a scenario. Excess arguments are accepted here only
  // to tell a misspelt command (`overcast rn x`) from a scenario name.
  runOptions(program.argument('[scenario]', "scenario file, bundled scenario name, or '-' for standard input"))
    .allowExcessArguments(true)
    .action(async (scenario: string | undefined, options, command: Command) => {
      if (scenario !== undefined) {
        const hint = suggest(scenario, commandNames);
        const looksLikeFile = /[./\\]/.test(scenario) || bundledScenarioNames().includes(scenario);
        if (hint && !looksLikeFile) throw new UsageError(`unknown command '${scenario}' (did you mean '${hint}'?)`);
      }
      if (command.args.length > 1) throw new UsageError(`too many arguments: ${command.args.join(' ')} (run one scenario at a time)`);
      // In a terminal (not CI, no report format or file asked for) the bare command opens the UI.
      exitCode = wantsUi(io, options) ? await openUi(scenario ?? DEFAULT_SCENARIO, options, io) : await runCommand(scenario ?? DEFAULT_SCENARIO, options, io);
    });

  const context: CommandContext = { io, exit: (code) => (exitCode = code) };
  for (const register of COMMAND_MODULES) register(program, context);
  const commandNames = [...program.commands.map((c) => c.name()), 'help'];

  try {
    // commander answers `help <unknown>` with the general help and success; it is a usage error.
    if (argv[0] === 'help' && argv[1] !== undefined && !argv[1].startsWith('-') && !commandNames.includes(argv[1])) {
      const hint = suggest(argv[1], commandNames);
      throw new UsageError(`help: unknown command '${argv[1]}'${hint ? ` (did you mean '${hint}'?)` : ''}; commands: ${commandNames.join(', ')}`);
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return handleError(error, io);
  }
}

function handleError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Help and version "errors" are normal exits; commander already printed usage problems.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT_OK;
    return EXIT_USAGE;
  }
  if (error instanceof UsageError || error instanceof OutputError) {
    io.stderr.write(`overcast: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const debug = io.env.OVERCAST_DEBUG !== undefined && io.env.OVERCAST_DEBUG !== '' && io.env.OVERCAST_DEBUG !== '0';
  const detail = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  io.stderr.write(`overcast: internal error: ${detail}\nThis is a bug; please report it with the command and scenario${debug ? '' : ' (OVERCAST_DEBUG=1 shows the stack trace)'}.\n`);
  return EXIT_INTERNAL;
}
