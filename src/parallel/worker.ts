/**
 * The worker-thread side of the pool (./pool.ts): computes one replication per task and returns
 * it in the lossless transfer encoding. Tasks arrive as ./shared-traces.ts posts them: trace
 * series in shared memory and the scenario's key alongside. Placements and chunks are cached per
 * scenario key within the thread, a few at a time (computeReplication).
 */
import { computeReplication, type FleetPlan, type ReplicationTask } from '../model/runner.js';
import type { Encoded } from '../model/transfer.js';

const plans = new Map<string, FleetPlan>();

export default function runReplicationTask(task: ReplicationTask): Encoded {
  return computeReplication(task, plans);
}
