/**
 * The `y` key: run `overcast sensitivity` on the scenario as the knobs have it now — which
 * uncertain inputs (the file's ranges and the assumed defaults it relies on) move each SLO metric
 * and the verdict most (../study/sensitivity.ts: Morris screening, then a tornado of the top ones).
 *
 * It runs on a worker pool of its own, so the screen stays responsive, with the CLI's defaults
 * (4 trajectories, 1 replication per screening point, 3 per tornado end, top 5, the ranges' ends).
 * Cancelling (Esc or `y` again) destroys the pool: the replications in flight are dropped, and
 * any later one is refused, so the study ends within one replication's time.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ReplicationRunner } from '../model/runner.js';
import { createWorkerPool, defaultWorkers } from '../parallel/pool.js';
import { formatIssue } from '../scenarios/issues.js';
import type { Override } from '../scenarios/overrides.js';
import type { SensitivityOptions, SensitivityResult } from '../study/sensitivity.js';
import { isReplicationsOverride } from './recommend.js';

export type SensitivityStage = 'screening' | 'tornado';

export interface SensitivityRequest {
  file: string;
  overrides: readonly Override[];
  onProgress?: (stage: SensitivityStage, done: number, total: number) => void;
  /** Aborted when the user cancels: the study stops and resolves `{ ok: false, cancelled: true }`. */
  signal: AbortSignal;
}

export type SensitivityOutcome = { ok: true; result: SensitivityResult } | { ok: false; cancelled: boolean; message: string };

export type SensitivityRunner = (request: SensitivityRequest) => Promise<SensitivityOutcome>;

/** The CLI's defaults (src/cli/commands/sensitivity.ts), so the UI and `overcast sensitivity` agree. */
export const UI_SENSITIVITY_OPTIONS: Omit<SensitivityOptions, 'onProgress'> = { trajectories: 4, screenReplications: 1, tornadoReplications: 3, top: 5, ends: [0, 1] };

class Cancelled extends Error {}

/** A runner that refuses work once `signal` is aborted (the pool is destroyed then as well). */
function cancellable(runner: ReplicationRunner, signal: AbortSignal): ReplicationRunner {
  return {
    workers: runner.workers,
    run: (task) => (signal.aborted ? Promise.reject(new Cancelled('cancelled')) : runner.run(task)),
    close: () => runner.close(),
  };
}

export const studySensitivity: SensitivityRunner = async ({ file, overrides, onProgress, signal }) => {
  const text = await readFile(file, 'utf8');
  // The study chooses its own replications per point; the UI's reduced count does not apply.
  const source = { label: basename(file), file, text, overrides: overrides.filter((o) => !isReplicationsOverride(o)) };
  const { parseScenario } = await import('../scenarios/load.js');
  const parsed = await parseScenario(source.text, source.file, { overrides: source.overrides });
  if (!parsed.ok) return { ok: false, cancelled: false, message: parsed.issues.map(formatIssue).join('; ') };
  const { uncertainInputs } = await import('../scenarios/assumptions.js');
  const inputs = uncertainInputs(parsed.value.scenario, parsed.value.document, parsed.value.ranges);
  if (inputs.length === 0) return { ok: false, cancelled: false, message: `${source.label}: no uncertain inputs to rank: write a range in the scenario, e.g. sharedPct: { triangular: [10, 25, 40] }` };
  if (signal.aborted) return { ok: false, cancelled: true, message: 'cancelled' };
  const { runSensitivity } = await import('../study/sensitivity.js');
  const pool = createWorkerPool({ workers: defaultWorkers() });
  const onAbort = (): void => void pool.close();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    // Points already simulated when the abort comes still finish in this thread: they report nothing.
    const progress =
      onProgress &&
      ((stage: SensitivityStage, done: number, total: number): void => {
        if (!signal.aborted) onProgress(stage, done, total);
      });
    const result = await runSensitivity(source, parsed.value.scenario, inputs, cancellable(pool, signal), { ...UI_SENSITIVITY_OPTIONS, ...(progress ? { onProgress: progress } : {}) });
    return signal.aborted ? { ok: false, cancelled: true, message: 'cancelled' } : { ok: true, result };
  } catch (error) {
    if (signal.aborted) return { ok: false, cancelled: true, message: 'cancelled' };
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    await pool.close();
  }
};

/** For tests and embeddings without worker threads. */
export const sensitivityUnavailable: SensitivityRunner = () => Promise.resolve({ ok: false, cancelled: false, message: 'sensitivity study not available here' });
