import { useEffect, useRef } from 'react';
import type { ModelScenario } from '../../model/scenario.js';
import type { Override } from '../../scenarios/overrides.js';
import { knobOverrides } from '../knobs.js';
import { RunScheduler, type SimulationBackend } from '../simulation.js';
import type { Store } from './use-store.js';

export interface RunOptions {
  backend: SimulationBackend;
  /** Command-line overrides, applied before the knobs'. */
  baseOverrides: readonly Override[];
  /** Run #1's scenario, already loaded by the CLI with the same overrides. */
  preloaded?: ModelScenario | undefined;
  debounceMs?: number | undefined;
}

/**
 * Starts a run whenever the state requests one (`runRequest` changes) and feeds the scheduler's
 * events back into the store. The scheduler cancels the older run itself. Returns a function that
 * stops every run and worker (for quitting).
 */
export default function useRuns(store: Store, options: RunOptions): () => Promise<void> {
  const scheduler = useRef<RunScheduler | null>(null);
  if (scheduler.current === null) {
    scheduler.current = new RunScheduler(options.backend, (event) => store.dispatch({ type: 'run', event }), options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs });
  }
  const { runRequest } = store.state;
  useEffect(() => {
    const state = store.get();
    const overrides = [...options.baseOverrides, ...knobOverrides(state.knobs, state.requestValues)];
    scheduler.current?.request(runRequest, overrides, runRequest === 1 ? options.preloaded : undefined);
  }, [runRequest]);
  useEffect(() => () => void scheduler.current?.dispose(), []);
  return () => scheduler.current?.dispose() ?? Promise.resolve();
}
