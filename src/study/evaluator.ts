/**
 * Evaluates scenarios with a given number of replications on a replication runner (this thread or
 * a worker pool), keeping every replication computed so far. A search that needs more
 * replications at a point near its boundary extends the ones it has (replication k of a scenario
 * is the same whenever it is computed), and a point evaluated twice costs nothing the second time.
 */
import { combineReplications, type StudyResult } from '../model/run.js';
import { fleetPlan, fleetProblem, runReplication, scenarioKey, type FleetPlan, type ReplicationRunner } from '../model/runner.js';
import { StudyInputError } from './errors.js';
import type { ReplicationResult } from '../model/replication.js';
import type { ModelScenario } from '../model/scenario.js';

export interface EvaluatorHooks {
  /** Called when a replication finishes computing (not for cached ones). */
  onReplication?: () => void;
}

/** A StudyInputError when the placed fleet cannot be simulated (pinned VMs that take every pCPU of a host). */
export function checkFleet(scenario: ModelScenario, plan?: FleetPlan): void {
  const problem = fleetProblem(scenario, plan);
  if (problem) throw new StudyInputError(problem);
}

export class Evaluator {
  /** Replications computed (cache hits excluded). */
  replicationsRun = 0;
  /** Host-seconds simulated by them: hosts × duration, summed over replications. */
  hostSecondsSimulated = 0;
  private readonly cache = new Map<string, { plan: FleetPlan; replications: Map<number, Promise<ReplicationResult>> }>();

  constructor(
    readonly runner: ReplicationRunner,
    private readonly hooks: EvaluatorHooks = {},
  ) {}

  /** Replications 0..count−1 of the scenario, combined in replication order. */
  async study(scenario: ModelScenario, count: number): Promise<StudyResult> {
    const { plan, results } = this.replications(scenario, count);
    const sized: ModelScenario = { ...scenario, replications: count };
    return combineReplications(sized, plan.placement, await results);
  }

  /** The results of replications 0..count−1, computing the missing ones, and the fleet's plan. */
  replications(scenario: ModelScenario, count: number): { plan: FleetPlan; results: Promise<ReplicationResult[]> } {
    const key = scenarioKey(scenario);
    let entry = this.cache.get(key);
    if (!entry) {
      const plan = fleetPlan(scenario);
      checkFleet(scenario, plan);
      entry = { plan, replications: new Map() };
      this.cache.set(key, entry);
    }
    const known = entry.replications;
    const plan = entry.plan;
    const hosts = scenario.hosts.reduce((s, h) => s + h.count, 0);
    const pending: Promise<ReplicationResult>[] = [];
    for (let r = 0; r < count; r++) {
      let result = known.get(r);
      if (!result) {
        result = runReplication(this.runner, scenario, plan, r, key).then((value) => {
          this.replicationsRun++;
          this.hostSecondsSimulated += hosts * scenario.durationSeconds;
          this.hooks.onReplication?.();
          return value;
        });
        known.set(r, result);
      }
      pending.push(result);
    }
    return { plan, results: Promise.all(pending) };
  }

  /** Drops the cached replications of a scenario (a sweep point that is done). */
  forget(scenario: ModelScenario): void {
    this.cache.delete(scenarioKey(scenario));
  }
}
