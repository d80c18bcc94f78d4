/**
 * Replications as independent tasks, so they can run anywhere: in this thread, in a pool of
 * worker threads (src/parallel/) or on another machine (shards).
 *
 * A replication's result depends only on the scenario, its seed and the replication index: every
 * random stream is derived from (seed, replication, entity, purpose) (./random/streams.ts), and
 * placement is deterministic. So a task carries just the scenario and the index, results come back
 * in the lossless transfer encoding (./transfer.ts), and combining them in replication order gives
 * the same bytes whoever computed them.
 *
 * A trace-driven scenario carries megabytes of measured series. Keys made from scenarios
 * (`scenarioKey`) therefore never spell out typed arrays: the scenario loader describes its traces
 * by a digest, and any typed array left (a scenario that went through structured cloning, which
 * drops that description, or one built by hand) is replaced by a fingerprint of its bytes.
 */
import { place, type Placement } from './placement.js';
import { simulateReplication, type ReplicationResult } from './replication.js';
import type { ModelScenario } from './scenario.js';
import { decodeTransfer, encodeTransfer, type Encoded } from './transfer.js';

export interface ReplicationTask {
  scenario: ModelScenario;
  replication: number;
  /**
   * `scenarioKey(scenario)` when the sender already has it (a worker pool sends it along, so a
   * worker does not fingerprint the traces of every task it receives).
   */
  key?: string | undefined;
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
 * change what any single replication computes. Typed arrays (trace series) appear as their type,
 * length and a 64-bit fingerprint of their bytes, so the key stays small whatever the traces.
 */
export function scenarioKey(scenario: ModelScenario): string {
  return JSON.stringify({ ...scenario, replications: 0 }, typedArraysAsFingerprints);
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

/**
 * Computes one replication and encodes it. `placements` caches placements by scenario key
 * (placement is deterministic, and a worker receives many replications of the same scenario).
 */
export function computeReplication(task: ReplicationTask, placements?: Map<string, Placement>): Encoded {
  let placement: Placement | undefined;
  if (placements) {
    const key = task.key ?? scenarioKey(task.scenario);
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
