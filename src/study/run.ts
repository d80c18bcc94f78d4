/**
 * A scenario's replications on a replication runner (one thread or a worker pool), whole or as
 * one shard of N. The whole run combines results in replication order, so it is byte-identical to
 * `runStudy` in ../model/run.ts whatever ran them.
 */
import type { StudyResult } from '../model/run.js';
import { encodeReplication, type ReplicationRunner } from '../model/runner.js';
import type { ModelScenario } from '../model/scenario.js';
import { checkFleet, Evaluator } from './evaluator.js';
import { decideRareRisks, type RiskOptions } from './risk.js';
import { runPartial, shardTasks, type PartialFile, type ShardSpec } from './shards.js';

export interface RunProgress {
  onProgress?: (done: number, total: number) => void;
}

export interface RunOptions extends RunProgress {
  /** How rare risks are decided (./risk.ts); `auto` unless told otherwise. */
  risk?: RiskOptions;
  /**
   * Handed the first replication's study as soon as it is done, before the rest (the UI shows a
   * first verdict). Replication 0 is computed once and reused, so the result is the same.
   */
  onFirstReplication?: (study: StudyResult) => void;
}

/** The scenario's replications, then its rare risks decided where an SLO needs it (./risk.ts). */
export async function runReplicated(scenario: ModelScenario, runner: ReplicationRunner, options: RunOptions = {}): Promise<StudyResult> {
  let done = 0;
  const evaluator = new Evaluator(runner, { onReplication: () => done < scenario.replications && options.onProgress?.(++done, scenario.replications) });
  if (options.onFirstReplication && scenario.replications > 1) options.onFirstReplication(await evaluator.study(scenario, 1));
  const study = await evaluator.study(scenario, scenario.replications);
  return decideRareRisks(study, evaluator, options.risk);
}

/** Runs shard `shard` of the scenario's replications and returns the partial result. */
export async function runShard(scenario: ModelScenario, shard: ShardSpec, runner: ReplicationRunner, version: string, options: RunProgress = {}): Promise<PartialFile> {
  checkFleet(scenario);
  const mine = shardTasks(scenario.replications, shard);
  let done = 0;
  const results = await Promise.all(
    mine.map(async (replication) => {
      const result = encodeReplication(await runner.run({ scenario, replication }));
      options.onProgress?.(++done, mine.length);
      return { replication, result };
    }),
  );
  return runPartial(scenario, shard, version, results);
}
