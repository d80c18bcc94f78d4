/** `overcast schema`: the JSON Schema of scenario files, for editor completion and validation. */
import { scenarioJsonSchema } from '../../scenarios/schema.js';
import { EXIT_OK } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export function schemaCommand(io: CliIo): number {
  io.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  return EXIT_OK;
}
