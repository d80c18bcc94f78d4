/**
 * Bundles the command line into dist/bundle/ with esbuild, after `tsc` has checked and compiled
 * everything (`npm run build`). Why: loading ~130 separate ES modules costs Node most of the
 * start-up of `overcast --help` (resolving, reading and linking each file; docs/scale.md has the
 * figures); one file per entry with shared chunks loads in a fraction of that.
 *
 * Entries: the CLI (main, io) and the two worker-thread scripts, which the pool and the UI load
 * by a URL next to their own module (src/parallel/pool.ts, src/tui/worker-backend.ts); with
 * splitting, every chunk lands in the same folder, so those URLs still point at the right file.
 * The small packages every command start loads (zod, yaml, commander, csv-parse,
 * asciichart: zod alone is ~95 module files) go into the bundle; the UI's (ink, react), the ones
 * loaded late or in workers (mathjs, piscina) and uplot (read as a file) load from node_modules.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/scripts/bundle-cli.js → the package root.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Chunk names carry content hashes: clear the old ones so the folder holds only this build.
rmSync(join(root, 'dist', 'bundle'), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'src/cli/main.ts',
    io: 'src/cli/io.ts',
    worker: 'src/parallel/worker.ts',
    'simulation-worker': 'src/tui/simulation-worker.ts',
  },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['ink', 'react', 'react/*', '@inkjs/ui', 'mathjs', 'piscina', 'uplot', 'uplot/*'],
  // Bundled CommonJS packages (commander) call require() for Node's own modules.
  banner: { js: "import { createRequire as __overcastRequire } from 'node:module'; const require = __overcastRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
});
