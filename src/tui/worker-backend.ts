/**
 * The simulation backend of the real program: worker threads, so the screen keeps drawing and
 * reading keys while a study runs.
 *
 * - One long-lived *loader* worker applies overrides and validates (the scenario loader pulls in
 *   the unit parser, about a second to import, so this worker is kept and warmed at start).
 *   Loads are short; a stale one is simply ignored by the scheduler.
 * - *Simulator* workers run studies. Cancelling a run terminates its worker; a warm spare takes
 *   the next run at once and a new spare starts behind it, so a cancel costs no start-up time.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker, workerModule } from '../parallel/worker-entry.js';
import type { ModelScenario } from '../model/scenario.js';
import type { Loaded } from '../scenarios/issues.js';
import type { Override } from '../scenarios/overrides.js';
import type { RunResult } from './run-result.js';
import type { SimulationBackend, SimulationJob } from './simulation.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/** The simulation worker: compiled, or the TypeScript source under tsx or vitest (../parallel/worker-entry.ts). */
function spawnSimulationWorker(): Worker {
  return startWorker(workerModule(import.meta.url, 'simulation-worker'));
}

/** A worker with replies routed by request id, and a way to fail every open request when it dies. */
class WorkerHandle {
  readonly worker: Worker;
  private readonly handlers = new Map<number, { reply: (reply: WorkerReply) => void; fail: (error: Error) => void }>();
  private dead = false;

  constructor() {
    this.worker = spawnSimulationWorker();
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => this.handlers.get(reply.id)?.reply(reply));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the simulation worker stopped (exit code ${code})`)));
  }

  get alive(): boolean {
    return !this.dead;
  }

  send(request: WorkerRequest, reply: (reply: WorkerReply) => void, fail: (error: Error) => void): void {
    if (this.dead) {
      fail(new Error('the simulation worker is not running'));
      return;
    }
    this.handlers.set(request.id, { reply, fail });
    this.worker.postMessage(request);
  }

  forget(id: number): void {
    this.handlers.delete(id);
  }

  terminate(): void {
    this.handlers.clear();
    this.dead = true;
    void this.worker.terminate();
  }

  private failAll(error: Error): void {
    this.dead = true;
    const open = [...this.handlers.values()];
    this.handlers.clear();
    for (const h of open) h.fail(error);
  }
}

export interface WorkerBackendOptions {
  /** Idle simulator workers kept warm (default 1). */
  spares?: number;
}

export class WorkerBackend implements SimulationBackend {
  private loader: WorkerHandle | undefined;
  private readonly idle: WorkerHandle[] = [];
  private readonly running = new Set<WorkerHandle>();
  private readonly spares: number;
  private nextId = 1;
  private disposed = false;

  constructor(
    private readonly file: string,
    options: WorkerBackendOptions = {},
  ) {
    this.spares = options.spares ?? 1;
  }

  /** Starts the workers before they are needed: the loader imports the unit parser with a first load. */
  warm(overrides: readonly Override[]): void {
    this.topUp();
    void this.load(overrides).catch(() => undefined);
  }

  load(overrides: readonly Override[]): Promise<Loaded<ModelScenario>> {
    if (this.disposed) return Promise.reject(new Error('the UI is closing'));
    if (!this.loader?.alive) this.loader = new WorkerHandle();
    const loader = this.loader;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      loader.send(
        { type: 'load', id, file: this.file, overrides: [...overrides] },
        (reply) => {
          loader.forget(id);
          if (reply.type === 'loaded') resolve(reply.loaded);
          else if (reply.type === 'error') reject(new Error(reply.message));
        },
        reject,
      );
    });
  }

  simulate(scenario: ModelScenario, onProgress: (done: number, total: number) => void, onPreview?: (preview: RunResult) => void): SimulationJob {
    const id = this.nextId++;
    const handle = this.take();
    this.running.add(handle);
    let settled = false;
    const release = (): void => {
      settled = true;
      handle.forget(id);
      this.running.delete(handle);
      if (this.disposed || !handle.alive) {
        handle.terminate();
        return;
      }
      // Keep the worker that just ran (its code is compiled and hot) ahead of any newer spare.
      this.idle.unshift(handle);
      while (this.idle.length > this.spares) this.idle.pop()!.terminate();
    };
    const result = new Promise<RunResult>((resolve, reject) => {
      handle.send(
        { type: 'simulate', id, scenario },
        (reply) => {
          if (reply.type === 'progress') onProgress(reply.done, reply.total);
          else if (reply.type === 'preview') onPreview?.(reply.result);
          else if (reply.type === 'result') {
            release();
            resolve(reply.result);
          } else if (reply.type === 'error') {
            release();
            reject(new Error(reply.message));
          }
        },
        (error) => {
          if (settled) return;
          release();
          reject(error);
        },
      );
    });
    return {
      result,
      cancel: () => {
        if (settled) return;
        settled = true;
        this.running.delete(handle);
        handle.terminate();
        this.topUp();
      },
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.idle, ...this.running, ...(this.loader ? [this.loader] : [])];
    this.idle.length = 0;
    this.running.clear();
    this.loader = undefined;
    await Promise.all(all.map((h) => h.worker.terminate()));
  }

  /** A warm idle worker if there is one (then a new spare starts), else a new one. */
  private take(): WorkerHandle {
    let handle: WorkerHandle | undefined;
    while (!handle && this.idle.length > 0) {
      const candidate = this.idle.shift()!;
      if (candidate.alive) handle = candidate;
    }
    handle ??= new WorkerHandle();
    this.topUp();
    return handle;
  }

  private topUp(): void {
    if (this.disposed) return;
    while (this.idle.length < this.spares) this.idle.push(new WorkerHandle());
  }
}
