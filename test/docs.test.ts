// The docs must match the code: the generated parts are regenerated and compared, and every
// field of a real JSON report must be documented in docs/report.md.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/cli/paths.js';
import { withFieldReference } from '../src/scenarios/field-reference.js';
import { scenarioJsonSchema } from '../src/scenarios/schema.js';
import { withRangesAllowed } from '../src/scenarios/ranges.js';
import { QUICK, runCli } from './helpers/cli.js';
import { leafPaths } from './helpers/json-paths.js';

const root = packageRoot();
const read = (path: string): Promise<string> => readFile(join(root, path), 'utf8');

describe('documentation', () => {
  it('docs/scenarios.md has the field reference generated from the schema (run `npm run docs`)', async () => {
    const doc = await read('docs/scenarios.md');
    expect(withFieldReference(doc)).toBe(doc);
  });

  it('docs/scenario.schema.json is the current JSON Schema (run `npm run docs`)', async () => {
    expect(JSON.parse(await read('docs/scenario.schema.json'))).toEqual(withRangesAllowed(scenarioJsonSchema()));
  });

  it('docs/report.md documents every field of the JSON report', async () => {
    const doc = await read('docs/report.md');
    const { stdout } = await runCli(['run', 'default', '--json', ...QUICK]);
    const undocumented = leafPaths(JSON.parse(stdout)).filter((path) => {
      // A field is documented when it, or an enclosing field, appears in backticks in the doc.
      const segments = path.split('.');
      return !segments.some((_, i) => doc.includes(`\`${segments.slice(0, i + 1).join('.')}\``));
    });
    expect(undocumented).toEqual([]);
  });

  it('the README lists every bundled scenario and every run option', async () => {
    const readme = await read('README.md');
    const { readdirSync } = await import('node:fs');
    const scenarioFiles = readdirSync(join(root, 'scenarios')).filter((file) => /\.(ya?ml|json)$/.test(file));
    expect(scenarioFiles.length).toBeGreaterThan(0);
    for (const file of scenarioFiles) expect(readme).toContain(`\`${file.replace(/\.(ya?ml|json)$/, '')}\``);
    const { stdout } = await runCli(['run', '--help']);
    for (const option of stdout.match(/--[a-z][a-z-]+/g) ?? []) expect(readme).toContain(option);
  });
});
