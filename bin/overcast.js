#!/usr/bin/env node
// overcast command-line entry. Runs the compiled CLI in dist/ (built by `npm install` via the
// `prepare` script, or `npm run build`): the esbuild bundle in dist/bundle/ (scripts/bundle-cli.ts;
// it starts in about half the time of ~130 separate modules), else tsc's output in dist/src/.
import { existsSync } from 'node:fs';

// Chalk (used by ink) ignores NO_COLOR; FORCE_COLOR=0 must be set before ink is first imported.
if ('NO_COLOR' in process.env || process.argv.includes('--no-color')) process.env.FORCE_COLOR = '0';

const bundle = new URL('../dist/bundle/main.js', import.meta.url);
const bundled = existsSync(bundle);
const entry = bundled ? bundle : new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('overcast: not built yet; run `npm install` (or `npm run build`) in the overcast directory first.\n');
  process.exit(1);
}
// A reader that goes away (`overcast run x | head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import(entry.href);
const { processIo } = await import(new URL(bundled ? '../dist/bundle/io.js' : '../dist/src/cli/io.js', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2), processIo());
