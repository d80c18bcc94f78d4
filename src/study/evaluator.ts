/**
 * Evaluates scenarios with a given number of replications on a replication runner (this thread or
 * a worker pool), keeping every replication computed so far. A search that needs more
 * replications at a point near its boundary extends the ones it has (replication k of a scenario
 * is the same whenever it is computed), and a point evaluated twice costs nothing the second time.
 */
import { place } from '../model/placement.js';
import { combineReplications, type StudyResult } from '../model/run.js';
import { decodeReplication, scenarioKey, type ReplicationRunner } from '../model/runner.js';
import type { ModelScenario } from '../model/scenario.js';
import type { Encoded } from '../model/transfer.js';

export interface EvaluatorHooks {
  /** Called when a replication finishes computing (not for cached ones). */
  onReplication?: () => void;
}

export class Evaluator {
  /** Replications computed (cache hits excluded). */
  replicationsRun = 0;
  /** Host-seconds simulated by them: hosts × duration, summed over replications. */
  hostSecondsSimulated = 0;
  private readonly cache = new Map<string, Map<number, Promise<Encoded>>>();

  constructor(
    readonly runner: ReplicationRunner,
    private readonly hooks: EvaluatorHooks = {},
  ) {}

  /** Replications 0..count−1 of the scenario, combined in replication order. */
  async study(scenario: ModelScenario, count: number): Promise<StudyResult> {
    const encoded = await this.replications(scenario, count);
    const sized: ModelScenario = { ...scenario, replications: count };
    return combineReplications(sized, place(sized), encoded.map(decodeReplication));
  }

  /** The encoded results of replications 0..count−1, computing the missing ones. */
  replications(scenario: ModelScenario, count: number): Promise<Encoded[]> {
    const key = scenarioKey(scenario);
    let known = this.cache.get(key);
    if (!known) {
      known = new Map();
      this.cache.set(key, known);
    }
    const hosts = scenario.hosts.reduce((s, h) => s + h.count, 0);
    const pending: Promise<Encoded>[] = [];
    for (let r = 0; r < count; r++) {
      let result = known.get(r);
      if (!result) {
        result = this.runner.run({ scenario, replication: r }).then((value) => {
          this.replicationsRun++;
          this.hostSecondsSimulated += hosts * scenario.durationSeconds;
          this.hooks.onReplication?.();
          return value;
        });
        known.set(r, result);
      }
      pending.push(result);
    }
    return Promise.all(pending);
  }

  /** Drops the cached replications of a scenario (a sweep point that is done). */
  forget(scenario: ModelScenario): void {
    this.cache.delete(scenarioKey(scenario));
  }
}
