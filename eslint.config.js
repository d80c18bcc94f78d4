// Lint rules. Beyond typescript-eslint's recommended set, the one project rule is the layering:
// model <- scenarios <- study <- report <- cli/ui. Lower layers never import upper ones, and the model
// (the pure simulation core) does no I/O and knows nothing of files, terminals or React.
// src/parallel (worker threads) sits beside the stack: it runs model code and is used by the cli.
// src/output (the atomic file writer) sits beside it too: the cli and the ui write through it.
import tseslint from 'typescript-eslint';

const upperLayers = (...layers) =>
  layers.map((layer) => ({ group: [`**/${layer}/**`, `../${layer}/*`], message: `layering: this module may not import from src/${layer}/` }));

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
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'path', 'node:path', 'process', 'node:process', 'react', 'ink', 'mathjs', 'yaml', 'csv-parse', 'commander'].map((name) => ({
            name,
            message: 'the model is a pure core: no I/O, UI or parsing libraries',
          })),
          patterns: upperLayers('scenarios', 'study', 'report', 'cli', 'tui', 'parallel'),
        },
      ],
      'no-restricted-globals': ['error', { name: 'console', message: 'the model does no I/O' }, { name: 'process', message: 'the model does no I/O' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use a seeded stream from random/streams.ts' }],
    },
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
