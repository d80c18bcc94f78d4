/**
 * Regenerates the parts of the docs that are derived from code: the field reference in
 * docs/scenarios.md and the JSON Schema in docs/scenario.schema.json (`npm run docs`).
 * test/docs.test.ts fails when either is out of date.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFieldReference } from '../src/scenarios/field-reference.js';
import { scenarioJsonSchema } from '../src/scenarios/schema.js';
import { withRangesAllowed } from '../src/scenarios/ranges.js';
import { packageRoot } from '../src/cli/paths.js';

const root = packageRoot();
const scenariosDoc = join(root, 'docs', 'scenarios.md');
await writeFile(scenariosDoc, withFieldReference(await readFile(scenariosDoc, 'utf8')));
await writeFile(join(root, 'docs', 'scenario.schema.json'), `${JSON.stringify(withRangesAllowed(scenarioJsonSchema()), null, 2)}\n`);
process.stdout.write('updated docs/scenarios.md and docs/scenario.schema.json\n');
