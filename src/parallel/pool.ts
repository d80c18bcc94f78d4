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
 *
 * With `mainThread`, the calling thread is one of the `workers`: it computes tasks itself between
 * handling the pool's messages, and one thread fewer is started. Every worker thread is a fresh
 * V8 isolate that loads the model's modules and compiles and optimises its code again: measured on
 * `run default --replications 40` (a replication ~50 ms), about 0.1 s of loading, 0.2 s of slow
 * first replications and 0.3 s of optimising compiler on V8's helper threads per isolate, against
 * 2.5 s for the whole run on one thread. A command line's thread has nothing else to do; the
 * terminal UI must keep drawing, so it does not use this. Each worker thread then holds two tasks
 * (one running, one waiting), so it does not idle while the calling thread is busy computing.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import type { Piscina as PiscinaClass } from 'piscina';
import { computeReplication, type FleetPlan, type ReplicationRunner, type ReplicationTask } from '../model/runner.js';
import type { Packed } from '../model/packed.js';
import { wireTask } from './shared-traces.js';
import { poolWorkerOptions, workerModule } from './worker-entry.js';

export interface PoolOptions {
  /** Threads that compute; at least 1. */
  workers: number;
  /** The calling thread computes too, as one of `workers` (a command line; not the UI). */
  mainThread?: boolean;
}

/** Threads the machine can run at once (respects CPU affinity; not cgroup CPU quotas). */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

interface Job {
  task: ReplicationTask;
  resolve: (result: Packed) => void;
  reject: (error: unknown) => void;
}

export function createWorkerPool(options: PoolOptions): ReplicationRunner {
  const workers = Math.max(1, Math.floor(options.workers));
  const mainThread = options.mainThread === true;
  const threads = mainThread ? workers - 1 : workers;
  // With the calling thread computing too, a worker thread keeps a task waiting behind its running one.
  const depth = mainThread ? 2 : 1;
  // Required here, not imported at the top: a run on one thread (and `overcast --help`) never
  // needs the pool library, whose load is about 30 ms of start-up (docs/scale.md).
  const pool =
    threads > 0
      ? new (createRequire(import.meta.url)('piscina') as { Piscina: typeof PiscinaClass }).Piscina<ReplicationTask, Packed>({
          ...poolWorkerOptions(workerModule(import.meta.url, 'worker')),
          minThreads: threads,
          maxThreads: threads,
          // Replications are CPU-bound: one runs at a time per thread, `depth` are handed to it.
          concurrentTasksPerWorker: depth,
          idleTimeout: 60_000,
        })
      : undefined;
  const queue: Job[] = [];
  const plans = new Map<string, FleetPlan>();
  let posted = 0;
  let localScheduled = false;
  let closed = false;

  // Hands waiting tasks to worker threads while they have room, and the next one to this thread.
  const pump = (): void => {
    while (pool && posted < threads * depth && queue.length > 0) {
      const job = queue.shift()!;
      posted++;
      pool.run(wireTask(job.task)).then(
        (result) => {
          posted--;
          job.resolve(result);
          pump();
        },
        (error: unknown) => {
          posted--;
          job.reject(error);
          pump();
        },
      );
    }
    if (mainThread && queue.length > 0 && !localScheduled) {
      localScheduled = true;
      // After the pending messages (results, the worker threads' refills) are handled.
      setImmediate(runLocal);
    }
  };
  const runLocal = (): void => {
    localScheduled = false;
    const job = queue.shift();
    if (!job) return;
    try {
      job.resolve(computeReplication(job.task, plans));
    } catch (error) {
      job.reject(error);
    }
    pump();
  };

  return {
    workers,
    run(task) {
      if (closed) return Promise.reject(new Error('the worker pool is closed'));
      return new Promise<Packed>((resolve, reject) => {
        queue.push({ task, resolve, reject });
        pump();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the worker pool is closed'));
      await pool?.destroy();
    },
  };
}
