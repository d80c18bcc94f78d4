// Lint rules. Beyond typescript-eslint's recommended set, the one project rule is the layering:
// model <- scenarios <- study <- report <- cli/ui. Lower layers never import upper ones, and the model
// (the pure simulation core) does no I/O and knows nothing of files, terminals or React.
// src/parallel (worker threads) sits beside the stack: it runs model code and is used by the cli.
// src/output (the atomic file writer) sits beside it too: the cli and the ui write through it.
import tseslint from 'typescript-eslint';

const upperLayers = (...layers) =>
  layers.map((layer) => ({ group: [`**/${layer}/**`, `../${layer}/*`], message: `layering: this module may not import from src/${layer}/` }));

const MODEL_FOLDERS = ['cpu', 'memory', 'io', 'latency', 'workload'];
// fleet-state.ts (the replication's shared state and clock) is an input the models read, not conductor.
const CONDUCTOR = ['replication', 'run', 'runner', 'chunks', 'merge', 'lifecycle'];

/** The model's import rule (no I/O or UI libraries, no upper layer), with `extra` patterns forbidden too. */
function modelImports(extra = [], message = '') {
  return {
    paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'path', 'node:path', 'process', 'node:process', 'react', 'ink', 'mathjs', 'yaml', 'csv-parse', 'commander'].map((name) => ({
      name,
      message: 'the model is a pure core: no I/O, UI or parsing libraries',
    })),
    patterns: [...upperLayers('scenarios', 'study', 'report', 'cli', 'tui', 'parallel'), ...(extra.length > 0 ? [{ group: extra, message: `layering inside the model: ${message}` }] : [])],
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'tmp/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', modelImports()],
      'no-restricted-globals': ['error', { name: 'console', message: 'the model does no I/O' }, { name: 'process', message: 'the model does no I/O' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use a seeded stream from random/streams.ts' }],
    },
  },
  {
    // Inside the model: kernel (engine, random, stats) <- models (cpu, memory, io, latency,
    // workload) <- conductor (replication, run, runner, chunks, merge). The kernel knows no model;
    // a model never reaches up into the conductor that orders them (docs/architecture.md).
    files: ['src/model/engine/**/*.ts', 'src/model/random/**/*.ts', 'src/model/stats/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', modelImports([...MODEL_FOLDERS.map((f) => `../${f}/*`), ...CONDUCTOR.map((f) => `../${f}.js`)], 'the kernel (engine, random, stats) knows no model and no conductor')] },
  },
  {
    files: MODEL_FOLDERS.map((f) => `src/model/${f}/**/*.ts`),
    rules: { 'no-restricted-imports': ['error', modelImports(CONDUCTOR.map((f) => `../${f}.js`), 'a model never imports the conductor that orders the models')] },
  },
  {
    // The two faces never import each other. `overcast ui` starts the terminal UI by a dynamic
    // import() in src/cli/commands/ui.ts, the one launcher (this rule sees static imports only).
    files: ['src/tui/**/*.ts', 'src/tui/**/*.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: upperLayers('cli') }] },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: upperLayers('tui') }] },
  },
  {
    files: ['src/scenarios/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: upperLayers('study', 'report', 'cli', 'tui', 'parallel') }] },
  },
  {
    // Sweeps, searches and shards: many simulations of varied scenarios; runners are injected.
    files: ['src/study/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: upperLayers('report', 'cli', 'tui', 'parallel') }] },
  },
  {
    // Worker threads run model code only.
    files: ['src/parallel/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: upperLayers('scenarios', 'study', 'report', 'cli', 'tui') }] },
  },
  {
    files: ['src/report/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: upperLayers('cli', 'tui') }] },
  },
  {
    // The output writer is shared by the cli and the ui and knows neither (nor anything above the file system).
    files: ['src/output/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: upperLayers('model', 'scenarios', 'study', 'report', 'cli', 'tui', 'parallel') }] },
  },
);
