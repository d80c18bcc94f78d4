/**
 * Replications as independent tasks, so they can run anywhere: in this thread, in a pool of
 * worker threads (src/parallel/) or on another machine (shards).
 *
 * A replication's result depends only on the scenario, its seed and the replication index: every
 * random stream is derived from (seed, replication, entity, purpose) (./random/streams.ts), and
 * placement is deterministic. So a task carries just the scenario and the index, results come back
 * packed for structured cloning (./packed.ts: exact, and the typed arrays move instead of being
 * copied), and combining them in replication order gives the same bytes whoever computed them.
 * Shard files hold the JSON encoding (./transfer.ts) instead.
 *
 * A trace-driven scenario carries megabytes of measured series. Keys made from scenarios
 * (`scenarioKey`) therefore never spell out typed arrays: the scenario loader describes its traces
 * by a digest, and any typed array left (a scenario that went through structured cloning, which
 * drops that description, or one built by hand) is replaced by a fingerprint of its bytes.
 */
import { place, type Placement } from './placement.js';
import { simulateChunk, simulateReplication, type ReplicationResult } from './replication.js';
import { fleetChunks, type FleetChunk } from './chunks.js';
import { mergeSlices, type SliceResult } from './merge.js';
import { pinnedOverflow } from './cpu/cpu-model.js';
import { layoutFleet } from './fleet-layout.js';
import { threadPlan } from './latency/paths.js';
import type { ModelScenario } from './scenario.js';
import { decodeTransfer, encodeTransfer, type Encoded } from './transfer.js';
import { unpackResult, type Packed } from './packed.js';

export interface ReplicationTask {
  scenario: ModelScenario;
  replication: number;
  /**
   * `scenarioKey(scenario)` when the sender already has it (a worker pool sends it along, so a
   * worker does not fingerprint the traces of every task it receives).
   */
  key?: string | undefined;
  /** Only this chunk of the fleet (./chunks.ts); the whole replication when absent. */
  chunk?: number | undefined;
}

/** Runs replication tasks somewhere and returns their results, packed (./packed.ts). */
export interface ReplicationRunner {
  /** Threads that compute at the same time (1 for the in-process runner). */
  readonly workers: number;
  run(task: ReplicationTask): Promise<Packed>;
  /** Releases threads; the runner must not be used afterwards. */
  close(): Promise<void>;
}

/**
 * The identity of a scenario for caching: its JSON without `replications`, which does not
 * change what any single replication computes. Typed arrays (trace series) appear as their type,
 * length and a 64-bit fingerprint of their bytes, so the key stays small whatever the traces.
 */
export function scenarioKey(scenario: ModelScenario): string {
  return valueKey({ ...scenario, replications: 0 });
}

/** A key for any plain data (scenarios or parts of them): its JSON, typed arrays by fingerprint. */
export function valueKey(value: unknown): string {
  return JSON.stringify(value, typedArraysAsFingerprints);
}

function typedArraysAsFingerprints(_key: string, value: unknown): unknown {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return value;
  return { typedArray: value.constructor.name, length: (value as unknown as ArrayLike<number>).length, bytes: byteFingerprint(value) };
}

/** Fingerprints by array (an array's bytes are not written once it is part of a scenario). */
const fingerprints = new WeakMap<ArrayBufferView, string>();

/** Two FNV-1a hashes (32 bit, different offsets, one over the bytes in reverse) of a view's bytes, in hex. */
function byteFingerprint(view: ArrayBufferView): string {
  let known = fingerprints.get(view);
  if (known === undefined) {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ bytes.length;
    for (let i = 0, j = bytes.length - 1; i < bytes.length; i++, j--) {
      a = Math.imul(a ^ bytes[i]!, 0x01000193);
      b = Math.imul(b ^ bytes[j]!, 0x01000193);
    }
    known = (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
    fingerprints.set(view, known);
  }
  return known;
}

/** A scenario's placement and chunks, worked out once per scenario in each thread. */
export interface FleetPlan {
  placement: Placement;
  chunks: FleetChunk[];
}

/**
 * What makes the placed fleet impossible to simulate, as a message for the user (null: nothing).
 * Today: pinned VMs that together take every pCPU of a host (vms[].network.pinned). Places the
 * fleet only when something is pinned and the caller has no plan.
 */
export function fleetProblem(scenario: ModelScenario, plan?: FleetPlan): string | null {
  if (!scenario.vms.some((g) => g.network?.pinned)) return null;
  const placement = (plan ?? fleetPlan(scenario)).placement;
  return pinnedOverflow(layoutFleet(placement, threadPlan(scenario, placement)), placement);
}

export function fleetPlan(scenario: ModelScenario): FleetPlan {
  const placement = place(scenario);
  return { placement, chunks: fleetChunks(scenario, placement) };
}

/**
 * Computes one replication (a ReplicationResult), or one chunk of it (a ChunkPart). `plans`
 * caches placements and chunks by scenario key (both deterministic, and a worker receives many
 * tasks of one scenario). The result is not packed: a worker packs it to post it (./packed.ts).
 */
export function computeReplication(task: ReplicationTask, plans?: Map<string, FleetPlan>): ReplicationResult | ChunkPart {
  let plan: FleetPlan | undefined;
  if (plans) {
    const key = task.key ?? scenarioKey(task.scenario);
    plan = plans.get(key);
    if (!plan) {
      plan = fleetPlan(task.scenario);
      // A handful of scenarios at a time is all a search or sweep has in flight.
      if (plans.size >= 8) plans.delete(plans.keys().next().value as string);
      plans.set(key, plan);
    }
  } else plan = fleetPlan(task.scenario);
  if (task.chunk === undefined) return simulateReplication(task.scenario, plan.placement, task.replication, plan.chunks);
  const { slice, result } = simulateChunk(task.scenario, plan.placement, task.replication, plan.chunks, task.chunk);
  // The slice travels without the fleet's placement, which the receiver has.
  return { hostInFleet: slice.hostInFleet, vmInFleet: slice.vmInFleet, datastores: [...slice.datastores], result };
}

/** A chunk's result as it travels: its slice without the fleet's placement. */
export interface ChunkPart {
  hostInFleet: Int32Array;
  vmInFleet: Int32Array;
  datastores: string[];
  result: ReplicationResult;
}

/** A replication's result from its JSON encoding (a shard file, ./transfer.ts). */
export function decodeReplication(encoded: Encoded): ReplicationResult {
  return decodeTransfer(encoded) as ReplicationResult;
}

/** A replication's result as a runner returned it, in the JSON encoding for a shard file. */
export function encodeReplication(packed: Packed): Encoded {
  return encodeTransfer(unpackResult(packed));
}

/** A replication's result as a runner returned it (./packed.ts). */
export function unpackReplication(packed: Packed): ReplicationResult {
  return unpackResult(packed) as ReplicationResult;
}

/** A chunk's result as a runner returned it, with its slice re-attached to the fleet it belongs to. */
export function unpackChunk(packed: Packed, fleet: Placement): SliceResult {
  const part = unpackResult(packed) as ChunkPart;
  return { slice: { fleet, hostInFleet: part.hostInFleet, vmInFleet: part.vmInFleet, datastores: part.datastores }, result: part.result };
}

/**
 * Replication r of a scenario on a runner. With several workers and a fleet of several chunks,
 * each chunk is its own task and the results are merged in chunk order: the same result as one
 * task computes, since chunks are fixed by the scenario (./chunks.ts), not by the runner.
 */
export async function runReplication(runner: ReplicationRunner, scenario: ModelScenario, plan: FleetPlan, replication: number, key: string): Promise<ReplicationResult> {
  if (runner.workers <= 1 || plan.chunks.length <= 1) return unpackReplication(await runner.run({ scenario, replication, key }));
  const parts = await Promise.all(plan.chunks.map((_, chunk) => runner.run({ scenario, replication, key, chunk })));
  return mergeSlices(
    scenario,
    plan.placement,
    parts.map((packed) => unpackChunk(packed, plan.placement)),
  );
}

/** Runs tasks one after another in this thread. */
export function inProcessRunner(): ReplicationRunner {
  const plans = new Map<string, FleetPlan>();
  return {
    workers: 1,
    run: (task) => Promise.resolve().then(() => computeReplication(task, plans)),
    close: () => Promise.resolve(),
  };
}
