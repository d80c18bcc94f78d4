import { describe, expect, it, vi } from 'vitest';
import { RunScheduler, type RunEvent } from '../../src/tui/simulation.js';
import { WorkerBackend } from '../../src/tui/worker-backend.js';
import { ControlledBackend, fixture, FIXTURE_BASE, FIXTURE_FILE } from './helpers.js';

const QUICK = [...FIXTURE_BASE, 'replications=2'];

function collect(): { events: RunEvent[]; listener: (e: RunEvent) => void; types: () => string[] } {
  const events: RunEvent[] = [];
  return { events, listener: (e) => events.push(e), types: () => events.map((e) => `${e.type}#${e.id}`) };
}

describe('RunScheduler', () => {
  it('loads with the overrides, simulates, reports progress and the result', async () => {
    const backend = new ControlledBackend(FIXTURE_FILE);
    const { events, listener, types } = collect();
    const scheduler = new RunScheduler(backend, listener, { debounceMs: 0 });
    scheduler.request(1, QUICK);
    await vi.waitFor(() => expect(types()).toContain('done#1'), { timeout: 20_000 });
    expect(types()).toEqual(['loading#1', 'started#1', 'progress#1', 'done#1']);
    expect(backend.loads).toEqual([QUICK]);
    const done = events.at(-1) as Extract<RunEvent, { type: 'done' }>;
    expect(done.result.report.scenario.replications).toBe(2);
    expect(scheduler.busy).toBe(false);
  });

  it('starts only the last of requests that arrive within the debounce', async () => {
    const backend = new ControlledBackend(FIXTURE_FILE);
    const { listener, types } = collect();
    const scheduler = new RunScheduler(backend, listener, { debounceMs: 40 });
    scheduler.request(1, [...QUICK, 'overcommit.cpu=2.25']);
    scheduler.request(2, [...QUICK, 'overcommit.cpu=2.5']);
    scheduler.request(3, [...QUICK, 'overcommit.cpu=2.75']);
    await vi.waitFor(() => expect(types()).toContain('done#3'), { timeout: 20_000 });
    expect(backend.loads).toEqual([[...QUICK, 'overcommit.cpu=2.75']]);
    expect(types().filter((t) => !t.endsWith('#3'))).toEqual([]);
  });

  it('cancels a started run when a newer one is requested, and drops its late result', async () => {
    const backend = new ControlledBackend(FIXTURE_FILE, true);
    const { listener, types } = collect();
    const scheduler = new RunScheduler(backend, listener, { debounceMs: 0 });
    scheduler.request(1, QUICK);
    await vi.waitFor(() => expect(backend.runs).toHaveLength(1), { timeout: 20_000 });
    scheduler.request(2, [...QUICK, 'overcommit.cpu=4']);
    expect(backend.runs[0]!.cancelled).toBe(true);
    await vi.waitFor(() => expect(backend.runs).toHaveLength(2), { timeout: 20_000 });
    backend.runs[0]!.cancelled = false;
    backend.finish(0); // a result that arrives anyway is stale
    backend.finish(1);
    await vi.waitFor(() => expect(types()).toContain('done#2'), { timeout: 20_000 });
    expect(types()).toEqual(['loading#1', 'started#1', 'cancelled#1', 'loading#2', 'started#2', 'progress#2', 'done#2']);
  });

  it('reports a scenario the loader rejects as invalid, with the issues', async () => {
    const backend = new ControlledBackend(FIXTURE_FILE);
    const { events, listener } = collect();
    const scheduler = new RunScheduler(backend, listener, { debounceMs: 0 });
    scheduler.request(1, [...QUICK, 'hosts.compute.count=0']);
    await vi.waitFor(() => expect(events.at(-1)?.type).toBe('invalid'), { timeout: 20_000 });
    const invalid = events.at(-1) as Extract<RunEvent, { type: 'invalid' }>;
    expect(invalid.issues[0]).toMatchObject({ file: '--set hosts.compute.count=0', path: 'hosts[0].count' });
    expect(backend.runs).toHaveLength(0);
  });

  it('reports a failed run and starts a preloaded scenario without loading', async () => {
    const backend = new ControlledBackend(FIXTURE_FILE, true);
    const { events, listener } = collect();
    const scheduler = new RunScheduler(backend, listener, { debounceMs: 0 });
    scheduler.request(1, QUICK, (await fixture()).scenario);
    expect(backend.runs).toHaveLength(1);
    expect(backend.loads).toHaveLength(0);
    backend.runs[0]!.reject(new Error('boom'));
    await vi.waitFor(() => expect(events.at(-1)).toEqual({ type: 'failed', id: 1, message: 'boom' }));
    await scheduler.dispose();
    expect(backend.disposed).toBe(true);
    scheduler.request(2, QUICK);
    expect(backend.runs).toHaveLength(1);
  });
});

describe('WorkerBackend (worker threads)', () => {
  it('loads and simulates off the main thread, and a cancelled run never reports', async () => {
    const backend = new WorkerBackend(FIXTURE_FILE);
    try {
      const loaded = await backend.load([...QUICK, 'overcommit.cpu=4']);
      expect(loaded.ok).toBe(true);
      if (!loaded.ok) return;
      const bad = await backend.load([...QUICK, 'overcommit.cpu=-1']);
      expect(bad.ok).toBe(false);

      const progress: number[] = [];
      const cancelled = backend.simulate(loaded.value, () => progress.push(-1));
      let cancelledSettled = false;
      cancelled.result.then(
        () => (cancelledSettled = true),
        () => (cancelledSettled = true),
      );
      cancelled.cancel();
      const job = backend.simulate(loaded.value, (done) => progress.push(done));
      const result = await job.result;
      expect(result.report.verdict).toBe('fail');
      expect(result.report.placement.cpuAllocationRatio).toBe(4);
      expect(result.hosts).toHaveLength(10);
      expect(progress).toEqual([1, 2]);
      expect(cancelledSettled).toBe(false);
    } finally {
      await backend.dispose();
    }
  });
});
