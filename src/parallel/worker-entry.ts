/**
 * Where a worker thread's module is and how it is started: one home for both kinds of worker
 * (the replication pool, ./pool.ts, and the terminal UI's simulation worker,
 * ../tui/worker-backend.ts).
 *
 * In production the module is the compiled `.js` beside the caller. When the caller itself runs
 * as TypeScript (tests under vitest, `tsx`), the worker must load the `.ts` source, and worker
 * threads do not inherit the parent's loader: tsx has to be registered inside the worker. A
 * piscina pool does that with `--import tsx` on the worker's command line; a plain Worker cannot
 * rely on that once the parent runs under tsx's hooks, so it evaluates a two-line bootstrap that
 * registers tsx and then imports the source.
 */
import { Worker } from 'node:worker_threads';

export interface WorkerModule {
  /** The module's URL (`.js` compiled, or `.ts` source). */
  url: URL;
  /** Whether it is TypeScript source (the caller runs under tsx or vitest). */
  typescript: boolean;
}

/** The worker module `name` beside the caller (`from`: the caller's `import.meta.url`). */
export function workerModule(from: string, name: string): WorkerModule {
  const typescript = from.endsWith('.ts');
  return { url: new URL(`./${name}.${typescript ? 'ts' : 'js'}`, from), typescript };
}

/** Piscina's options for a module: its file and, for TypeScript, tsx on the worker's command line. */
export function poolWorkerOptions(module: WorkerModule): { filename: string; execArgv?: string[] } {
  return { filename: module.url.href, ...(module.typescript ? { execArgv: ['--import', 'tsx'] } : {}) };
}

/** A plain worker thread running the module; TypeScript through tsx registered inside it first. */
export function startWorker(module: WorkerModule): Worker {
  if (!module.typescript) return new Worker(module.url);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(module.url.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}
