/**
 * The worker thread that loads and simulates scenarios for the terminal UI, so the UI thread
 * never blocks on a run. One worker does one thing at a time; the UI cancels a run by terminating
 * the worker (a study is one synchronous computation with nowhere to check for a cancel).
 */
import { parentPort } from 'node:worker_threads';
import { simulateScenario } from './run-result.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('simulation-worker.ts must run in a worker thread');
const post = (reply: WorkerReply): void => port.postMessage(reply);

port.on('message', (request: WorkerRequest) => {
  void handle(request).catch((error: unknown) => post({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) }));
});

async function handle(request: WorkerRequest): Promise<void> {
  if (request.type === 'load') {
    // Only the loader worker pays for the scenario loader (and the unit parser it pulls in).
    const { loadScenarioFile } = await import('../scenarios/load.js');
    const loaded = await loadScenarioFile(request.file, { overrides: request.overrides });
    post({ type: 'loaded', id: request.id, loaded: loaded.ok ? { ok: true, value: loaded.value.scenario } : loaded });
    return;
  }
  const result = await simulateScenario(
    request.scenario,
    (done, total) => post({ type: 'progress', id: request.id, done, total }),
    (preview) => post({ type: 'preview', id: request.id, result: preview }),
  );
  post({ type: 'result', id: request.id, result });
}
