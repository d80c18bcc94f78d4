/** `overcast schema`: the JSON Schema of scenario files, for editor completion and validation. */
import { scenarioJsonSchema } from '../../scenarios/schema.js';
import type { RegisterCommand } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export function schemaCommand(io: CliIo): number {
  io.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  return EXIT_OK;
}

export const register: RegisterCommand = (program, { io, exit }) => {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editor completion)')
    .action(() => exit(schemaCommand(io)));
};
