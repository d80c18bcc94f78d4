/**
 * The worker-thread side of the pool (./pool.ts): computes one replication per task and returns
 * it packed for structured cloning (../model/packed.ts). Tasks arrive as ./shared-traces.ts posts
 * them: trace series in shared memory and the scenario's key alongside. Placements and chunks are
 * cached per scenario key within the thread, a few at a time (computeReplication).
 */
import { computeReplication, type FleetPlan, type ReplicationTask } from '../model/runner.js';
import { packResult, type Packed } from '../model/packed.js';

const plans = new Map<string, FleetPlan>();

export default function runReplicationTask(task: ReplicationTask): Packed {
  return packResult(computeReplication(task, plans));
}
