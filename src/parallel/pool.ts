/**
 * Replications on all cores: a piscina pool of worker threads, each running ./worker.ts.
 *
 * Results are identical to a single-threaded run because each replication depends only on its
 * task (see ../model/runner.ts) and callers combine them in replication order, not in completion
 * order. The pool runs the compiled worker (dist/src/parallel/worker.js) in production and the
 * TypeScript source under vitest or tsx (./worker-entry.ts says how).
 *
 * Tasks are posted as ./shared-traces.ts prepares them: trace series in shared memory, so a
 * trace-driven scenario's megabytes of measurements are not copied into a worker with every task.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import type { Piscina as PiscinaClass } from 'piscina';
import type { ReplicationRunner, ReplicationTask } from '../model/runner.js';
import type { Packed } from '../model/packed.js';
import { wireTask } from './shared-traces.js';
import { poolWorkerOptions, workerModule } from './worker-entry.js';

export interface PoolOptions {
  /** Worker threads; at least 1. */
  workers: number;
}

/** Threads the machine can run at once (respects CPU affinity; not cgroup CPU quotas). */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** The key of the message a piscina worker posts once its task module has loaded (piscina/dist/common.js). */
const PISCINA_READY = '_WORKER_READY';
/** Longest close() waits for threads still loading. */
const LOAD_WAIT_MS = 10_000;

export function createWorkerPool(options: PoolOptions): ReplicationRunner {
  const workers = Math.max(1, Math.floor(options.workers));
  // Required here, not imported at the top: a run on one thread (and `overcast --help`) never
  // needs the pool library, whose load is about 30 ms of start-up (docs/scale.md).
  const { Piscina } = createRequire(import.meta.url)('piscina') as { Piscina: typeof PiscinaClass };
  const pool = new Piscina<ReplicationTask, Packed>({
    ...poolWorkerOptions(workerModule(import.meta.url, 'worker')),
    minThreads: workers,
    maxThreads: workers,
    // One task at a time per thread: replications are CPU-bound.
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
  });
  // A thread terminated while it is still loading the model's modules can abort the process on
  // Node 20 (a native assertion in require(esm): "IsGraphAsync must be used on an instantiated
  // module"); it happened when bad input ended a run right after the pool started. So close()
  // first waits for each thread to report it has loaded (piscina's ready message), briefly.
  const loaded = pool.threads.map(
    (worker) =>
      new Promise<void>((resolve) => {
        const onMessage = (message: unknown): void => {
          if (typeof message === 'object' && message !== null && PISCINA_READY in message) done();
        };
        const done = (): void => {
          worker.off('message', onMessage);
          resolve();
        };
        worker.on('message', onMessage);
        worker.once('exit', done);
      }),
  );
  let closed = false;
  return {
    workers,
    run(task) {
      if (closed) return Promise.reject(new Error('the worker pool is closed'));
      return pool.run(wireTask(task));
    },
    async close() {
      if (closed) return;
      closed = true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(loaded), new Promise<void>((resolve) => (timer = setTimeout(resolve, LOAD_WAIT_MS)))]);
      clearTimeout(timer);
      await pool.destroy();
    },
  };
}
