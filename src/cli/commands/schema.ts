/** `overcast schema`: the JSON Schema of scenario files, for editor completion and validation. */
import type { RegisterCommand } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export async function schemaCommand(io: CliIo): Promise<number> {
  // Imported when asked for: the schema brings zod, which `overcast --help` should not load.
  const { scenarioJsonSchema } = await import('../../scenarios/schema.js');
  const { withRangesAllowed } = await import('../../scenarios/ranges.js');
  io.stdout.write(`${JSON.stringify(withRangesAllowed(scenarioJsonSchema()), null, 2)}\n`);
  return EXIT_OK;
}

export const register: RegisterCommand = (program, { io, exit }) => {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editor completion)')
    .action(async () => exit(await schemaCommand(io)));
};
