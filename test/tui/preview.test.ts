/**
 * The first verdict streamed before the rest of a run (src/tui/run-result.ts, simulation.ts,
 * state.ts): the final result is the same bytes with or without a preview, the preview is the
 * first replication alone, and the reducer shows it at once without treating it as the run's end.
 */
import { describe, expect, it } from 'vitest';
import { simulateScenario, type RunResult } from '../../src/tui/run-result.js';
import { statusText } from '../../src/tui/selectors.js';
import { apply, fixture, resultFor, stateWithResult } from './helpers.js';

describe('the first replication streamed', () => {
  it('gives the same final result as a run without it, after one preview of one replication', async () => {
    const f = await fixture();
    const scenario = { ...f.scenario, replications: 3 };
    const previews: RunResult[] = [];
    const progress: number[] = [];
    const streamed = await simulateScenario(scenario, (done) => progress.push(done), (p) => previews.push(p));
    const plain = await simulateScenario(scenario);
    expect(JSON.stringify(streamed.report)).toBe(JSON.stringify(plain.report));
    expect(previews).toHaveLength(1);
    expect(previews[0]!.report.scenario.replications).toBe(1);
    expect(progress).toEqual([1, 2, 3]);
  });

  it('is shown at once, marked in the status line, and the run’s end is compared with the last run that ended', async () => {
    const state = await stateWithResult();
    const final1 = state.current!;
    const f = await fixture();
    const preview = await simulateScenario({ ...f.scenario, replications: 1 });
    let next = apply(state, { type: 'rerun' });
    const id = next.runRequest;
    next = apply(next, { type: 'run', event: { type: 'started', id, total: 3 } }, { type: 'run', event: { type: 'preview', id, result: preview, totalMs: 90 } });
    expect(next.current).toMatchObject({ runId: id, preliminary: true });
    expect(next.final).toBe(final1);
    expect(next.run.phase).toBe('running');
    expect(statusText(next)).toContain(`run #${id}'s first replication shown`);
    const logged = next.log.length;
    next = apply(next, { type: 'run', event: { type: 'done', id, result: await resultFor(f.scenario), totalMs: 300 } });
    expect(next.current).toMatchObject({ runId: id });
    expect(next.current!.preliminary).toBeUndefined();
    expect(next.final).toBe(next.current);
    // One log line for the run, at its end; the verdict compared with run #1's, not the preview's.
    expect(next.log.length).toBeGreaterThan(logged);
    expect(next.log.slice(logged).some((l) => l.text.startsWith(`run #${id}: 300 ms`))).toBe(true);
  });

  it('is ignored when it belongs to a run no longer current', async () => {
    const state = await stateWithResult();
    const f = await fixture();
    const preview = await simulateScenario({ ...f.scenario, replications: 1 });
    const next = apply(state, { type: 'run', event: { type: 'preview', id: state.runRequest + 5, result: preview, totalMs: 10 } });
    expect(next.current).toBe(state.current);
  });
});
