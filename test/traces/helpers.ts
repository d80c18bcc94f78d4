/** Shared pieces of the trace tests: where the real samples are, and an import that collects its traces. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/cli/paths.js';
import { importTraces, type ImportOptions, type ImportResult } from '../../src/scenarios/traces/import.js';
import type { BuiltTrace } from '../../src/scenarios/traces/series.js';
import { UTC } from '../../src/scenarios/traces/time.js';

/**
 * The real public samples: byte-identical copies of ../shared/data/traces (each folder's README
 * gives the source), vendored so the tests run from any clone.
 */
export const TRACES = join(packageRoot(), 'test', 'fixtures', 'traces');
export const trace = (...parts: string[]): string => join(TRACES, ...parts);

export async function importAll(paths: string[], options: Partial<ImportOptions> & Pick<ImportOptions, 'format'>): Promise<{ result: ImportResult; traces: Map<string, BuiltTrace> }> {
  const traces = new Map<string, BuiltTrace>();
  const result = await importTraces(paths, { stepSeconds: 300, gapFill: 'linear', strict: false, timeZone: UTC, ...options }, (t) => {
    traces.set(t.id, t);
  });
  return { result, traces };
}

/** A temporary folder removed after the test file (call the returned cleanup in afterAll). */
export function tempDir(): { dir: string; file: (name: string, content: string | Uint8Array) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'overcast-traces-'));
  return {
    dir,
    file: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}
