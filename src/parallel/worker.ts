/**
 * The worker-thread side of the pool (./pool.ts): computes one replication per task and returns
 * it in the lossless transfer encoding. Placements are cached per scenario within the thread.
 */
import type { Placement } from '../model/placement.js';
import { computeReplication, type ReplicationTask } from '../model/runner.js';
import type { Encoded } from '../model/transfer.js';

const placements = new Map<string, Placement>();

export default function runReplicationTask(task: ReplicationTask): Encoded {
  return computeReplication(task, placements);
}
