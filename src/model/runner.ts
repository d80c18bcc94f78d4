/**
 * Replications as independent tasks, so they can run anywhere: in this thread, in a pool of
 * worker threads (src/parallel/) or on another machine (shards).
 *
 * A replication's result depends only on the scenario, its seed and the replication index: every
 * random stream is derived from (seed, replication, entity, purpose) (./random/streams.ts), and
 * placement is deterministic. So a task carries just the scenario and the index, results come back
 * in the lossless transfer encoding (./transfer.ts), and combining them in replication order gives
 * the same bytes whoever computed them.
 */
import { place, type Placement } from './placement.js';
import { simulateReplication, type ReplicationResult } from './replication.js';
import type { ModelScenario } from './scenario.js';
import { decodeTransfer, encodeTransfer, type Encoded } from './transfer.js';

export interface ReplicationTask {
  scenario: ModelScenario;
  replication: number;
}

/** Runs replication tasks somewhere and returns their encoded results. */
export interface ReplicationRunner {
  /** Threads that compute at the same time (1 for the in-process runner). */
  readonly workers: number;
  run(task: ReplicationTask): Promise<Encoded>;
  /** Releases threads; the runner must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * The identity of a scenario for caching: its JSON without `replications`, which does not
 * change what any single replication computes.
 */
export function scenarioKey(scenario: ModelScenario): string {
  return JSON.stringify({ ...scenario, replications: 0 });
}

/**
 * Computes one replication and encodes it. `placements` caches placements by scenario key
 * (placement is deterministic, and a worker receives many replications of the same scenario).
 */
export function computeReplication(task: ReplicationTask, placements?: Map<string, Placement>): Encoded {
  let placement: Placement | undefined;
  if (placements) {
    const key = scenarioKey(task.scenario);
    placement = placements.get(key);
    if (!placement) {
      placement = place(task.scenario);
      // A handful of scenarios at a time is all a search or sweep has in flight.
      if (placements.size >= 8) placements.delete(placements.keys().next().value as string);
      placements.set(key, placement);
    }
  } else placement = place(task.scenario);
  return encodeTransfer(simulateReplication(task.scenario, placement, task.replication));
}

export function decodeReplication(encoded: Encoded): ReplicationResult {
  return decodeTransfer(encoded) as ReplicationResult;
}

/** Runs tasks one after another in this thread. */
export function inProcessRunner(): ReplicationRunner {
  const placements = new Map<string, Placement>();
  return {
    workers: 1,
    run: (task) => Promise.resolve().then(() => computeReplication(task, placements)),
    close: () => Promise.resolve(),
  };
}
