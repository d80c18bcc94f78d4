// React and ink stay in src/tui: the layers below (model, scenarios, study, report) and the CLI
// never import them, and the CLI loads the UI only with a dynamic import(), so a plain report run
// never pays for loading ink and React.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/cli/paths.js';

const src = join(packageRoot(), 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Module specifiers of static imports and re-exports (not `import()` expressions). */
function staticImports(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2]!);
}

describe('layering of the terminal UI', () => {
  const outside = sources(src).filter((f) => !relative(src, f).startsWith('tui'));

  it('no module outside src/tui imports react, ink or @inkjs/ui', () => {
    const offenders = outside.filter((f) => staticImports(readFileSync(f, 'utf8')).some((s) => /^(react|ink|@inkjs\/ui|ink-testing-library)(\/|$)/.test(s)));
    expect(offenders.map((f) => relative(src, f))).toEqual([]);
  });

  it('no module outside src/tui imports it statically', () => {
    const offenders = outside.filter((f) => staticImports(readFileSync(f, 'utf8')).some((s) => /(^|\/)tui\//.test(s)));
    expect(offenders.map((f) => relative(src, f))).toEqual([]);
  });

  it('the checks see static imports and ignore import()', () => {
    expect(staticImports("import { Box } from 'ink';\nconst x = await import('../tui/index.js');\nexport { a } from './b.js';")).toEqual(['ink', './b.js']);
  });
});
