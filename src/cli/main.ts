/**
 * The `overcast` command line: parses arguments (commander), runs a command, and maps every
 * outcome to an exit code. Bad input never ends in a stack trace: user errors print their message
 * and exit 2; anything else is a bug, printed with a request to report it, and exits 1.
 */
import { Command, CommanderError, Option } from 'commander';
import { runCommand, REPORT_FORMATS } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { validateCommand } from './commands/validate.js';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { packageVersion } from './paths.js';
import { bundledScenarioNames } from './scenario-arg.js';
import { suggest } from '../scenarios/issues.js';

const DEFAULT_SCENARIO = 'default';
const COMMANDS = ['run', 'validate', 'schema', 'help'];

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Options every scenario-taking command accepts. */
function scenarioOptions(command: Command): Command {
  return command
    .option('--set <path=value>', 'override a scenario field, e.g. overcommit.cpu=3 or vms.desktop.count=200 (repeatable)', collect, [])
    .option('--seed <n>', 'master seed (overrides the scenario)')
    .option('--replications <k>', 'Monte Carlo replications (overrides the scenario)');
}

function runOptions(command: Command): Command {
  return scenarioOptions(command)
    .option('--json', 'print the report as one JSON document (see docs/report.md)')
    .addOption(new Option('--format <format>', 'report format').choices([...REPORT_FORMATS]))
    .option('-o, --output <file>', 'write the report to a file (atomically) instead of stdout')
    .option('--fail-on-slo', 'exit with code 3 when an SLO is breached (for CI gates)')
    .option('-q, --quiet', 'no progress on stderr');
}

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
    .addHelpText('after', `\nBundled scenarios: ${bundledScenarioNames().join(', ')}\nWithout a command, overcast runs the given scenario (default: ${DEFAULT_SCENARIO}).`);

  // Without a command, the first argument is a scenario. Excess arguments are accepted here only
  // to tell a misspelt command (`overcast rn x`) from a scenario name.
  runOptions(program.argument('[scenario]', 'scenario file or bundled scenario name'))
    .allowExcessArguments(true)
    .action(async (scenario: string | undefined, options, command: Command) => {
      if (scenario !== undefined) {
        const hint = suggest(scenario, COMMANDS);
        const looksLikeFile = /[./\\]/.test(scenario) || bundledScenarioNames().includes(scenario);
        if (hint && !looksLikeFile) throw new UsageError(`unknown command '${scenario}' (did you mean '${hint}'?)`);
      }
      if (command.args.length > 1) throw new UsageError(`too many arguments: ${command.args.join(' ')} (run one scenario at a time)`);
      exitCode = await runCommand(scenario ?? DEFAULT_SCENARIO, options, io);
    });

  runOptions(program.command('run').description('simulate a scenario and print the report').argument('<scenario>', 'scenario file or bundled scenario name')).action(
    async (scenario: string, options) => {
      exitCode = await runCommand(scenario, options, io);
    },
  );

  scenarioOptions(program.command('validate').description('check a scenario and show what would be simulated, without running it').argument('<scenario>', 'scenario file or bundled scenario name'))
    .option('--resolved', 'print the scenario as the model sees it (defaults filled in, units converted), as JSON')
    .action(async (scenario: string, options) => {
      exitCode = await validateCommand(scenario, options, io);
    });

  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editor completion)')
    .action(() => {
      exitCode = schemaCommand(io);
    });

  try {
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
  if (error instanceof UsageError) {
    io.stderr.write(`overcast: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const debug = io.env.OVERCAST_DEBUG !== undefined && io.env.OVERCAST_DEBUG !== '' && io.env.OVERCAST_DEBUG !== '0';
  const detail = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  io.stderr.write(`overcast: internal error: ${detail}\nThis is a bug; please report it with the command and scenario${debug ? '' : ' (OVERCAST_DEBUG=1 shows the stack trace)'}.\n`);
  return EXIT_INTERNAL;
}
