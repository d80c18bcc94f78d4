/**
 * Re-running the simulation while the operator turns knobs.
 *
 * A `SimulationBackend` loads the scenario with overrides and simulates it somewhere else than the
 * UI's event loop (worker threads in the real program, see worker-backend.ts). The
 * `RunScheduler` on top of it keeps at most one run alive: a newer request cancels the older run
 * (whatever phase it is in), and requests that arrive within `debounceMs` of each other (a held
 * arrow key) start only the last one. Outcomes arrive as `RunEvent`s tagged with the request id,
 * so the UI can ignore anything stale.
 */
import type { ModelScenario } from '../model/scenario.js';
import type { Loaded, ScenarioIssue } from '../scenarios/issues.js';
import type { Override } from '../scenarios/overrides.js';
import type { RunResult } from './run-result.js';

export interface SimulationJob {
  /** Settles with the result or the error; never settles once cancelled. */
  result: Promise<RunResult>;
  /** Stops the run (a worker is terminated, not asked nicely). */
  cancel(): void;
}

export interface SimulationBackend {
  /** The scenario file with `overrides`, through the same loader as `overcast run --set`. */
  load(overrides: readonly Override[]): Promise<Loaded<ModelScenario>>;
  /** Starts simulating; `onProgress(done, total)` after each replication; `onPreview` with the first replication's result, where the backend streams one. */
  simulate(scenario: ModelScenario, onProgress: (done: number, total: number) => void, onPreview?: (preview: RunResult) => void): SimulationJob;
  /** Ends every worker. */
  dispose(): Promise<void>;
}

export type RunEvent =
  | { type: 'loading'; id: number }
  | { type: 'started'; id: number; total: number }
  | { type: 'progress'; id: number; done: number; total: number }
  /** The first replication's result while the rest run; `totalMs` as for `done`. */
  | { type: 'preview'; id: number; result: RunResult; totalMs: number }
  /** `totalMs`: from the request to the result, the wait for a debounce included. */
  | { type: 'done'; id: number; result: RunResult; totalMs: number }
  | { type: 'invalid'; id: number; issues: ScenarioIssue[] }
  | { type: 'failed'; id: number; message: string }
  /** A run that had started was stopped by request `by`. */
  | { type: 'cancelled'; id: number; by: number };

export interface SchedulerOptions {
  /** Wait this long after a request for a newer one before starting (default 60 ms). */
  debounceMs?: number;
  /** Milliseconds clock (default performance.now). */
  now?: () => number;
}

interface Pending {
  id: number;
  requestedAt: number;
  started: boolean;
  timer?: ReturnType<typeof setTimeout>;
  job?: SimulationJob;
}

export class RunScheduler {
  private current: Pending | undefined;
  private disposed = false;
  private readonly debounceMs: number;
  private readonly now: () => number;

  constructor(
    private readonly backend: SimulationBackend,
    private readonly listener: (event: RunEvent) => void,
    options: SchedulerOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 60;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Runs the scenario with `overrides` as request `id`, cancelling any older run. With
   * `preloaded`, the scenario is already loaded (the first run, loaded by the CLI) and starts at once.
   */
  request(id: number, overrides: readonly Override[], preloaded?: ModelScenario): void {
    if (this.disposed) return;
    this.supersede(id);
    const pending: Pending = { id, requestedAt: this.now(), started: false };
    this.current = pending;
    if (preloaded) {
      pending.started = true;
      this.simulate(pending, preloaded);
      return;
    }
    pending.timer = setTimeout(() => void this.start(pending, overrides), this.debounceMs);
  }

  /** True while a request is waiting, loading or simulating. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const pending = this.current;
    this.current = undefined;
    if (pending?.timer) clearTimeout(pending.timer);
    pending?.job?.cancel();
    await this.backend.dispose();
  }

  private supersede(by: number): void {
    const previous = this.current;
    if (!previous) return;
    this.current = undefined;
    if (previous.timer) clearTimeout(previous.timer);
    previous.job?.cancel();
    if (previous.started) this.listener({ type: 'cancelled', id: previous.id, by });
  }

  private async start(pending: Pending, overrides: readonly Override[]): Promise<void> {
    if (this.current !== pending) return;
    pending.started = true;
    this.listener({ type: 'loading', id: pending.id });
    let loaded: Loaded<ModelScenario>;
    try {
      loaded = await this.backend.load(overrides);
    } catch (error) {
      this.finish(pending, { type: 'failed', id: pending.id, message: messageOf(error) });
      return;
    }
    if (this.current !== pending) return;
    if (!loaded.ok) {
      this.finish(pending, { type: 'invalid', id: pending.id, issues: loaded.issues });
      return;
    }
    this.simulate(pending, loaded.value);
  }

  private simulate(pending: Pending, scenario: ModelScenario): void {
    this.listener({ type: 'started', id: pending.id, total: scenario.replications });
    const job = this.backend.simulate(
      scenario,
      (done, total) => {
        if (this.current === pending) this.listener({ type: 'progress', id: pending.id, done, total });
      },
      (preview) => {
        if (this.current === pending) this.listener({ type: 'preview', id: pending.id, result: preview, totalMs: this.now() - pending.requestedAt });
      },
    );
    pending.job = job;
    job.result.then(
      (result) => this.finish(pending, { type: 'done', id: pending.id, result, totalMs: this.now() - pending.requestedAt }),
      (error: unknown) => this.finish(pending, { type: 'failed', id: pending.id, message: messageOf(error) }),
    );
  }

  private finish(pending: Pending, event: RunEvent): void {
    if (this.current !== pending) return;
    this.current = undefined;
    this.listener(event);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

