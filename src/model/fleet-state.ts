/**
 * What the models of one replication share: the fleet's inputs (scenario, placement, slot layout,
 * step grid, random streams) and each VM's lifecycle state, which the lifecycle writes and every
 * other model reads. The conductor (./replication.ts) builds it once and hands it to each model;
 * models never import the conductor.
 *
 * A replication is simulated in independent slices of the fleet (./chunks.ts), so `placement`
 * holds the slice's hosts and VMs with local indices, and `slice` says where they sit in the whole
 * fleet: the few choices that look at the whole fleet (which host-intervals get micro windows, the
 * order of a rolling reboot, whether per-host timelines are kept) are made on the whole fleet, so
 * a slice simulates its hosts exactly as the whole fleet would.
 */
import type { FleetLayout } from './fleet-layout.js';
import type { Placement } from './placement.js';
import type { StreamFactory } from './random/streams.js';
import type { ModelScenario } from './scenario.js';

// VM lifecycle states (ReplicationContext.vmState).
export const OFF = 0;
export const QUEUED = 1;
export const BOOTING = 2;
export const RUNNING = 3;

/** Where a slice's hosts and VMs sit in the whole fleet. */
export interface FleetSlice {
  /** The whole fleet. */
  readonly fleet: Placement;
  /** Per local host and per local VM: its index in the fleet. */
  readonly hostInFleet: Int32Array;
  readonly vmInFleet: Int32Array;
  /** The datastores whose devices this slice simulates (every datastore belongs to one slice). */
  readonly datastores: readonly string[];
}

export interface ReplicationContext {
  readonly scenario: ModelScenario;
  /** The slice's hosts and VMs (local indices). */
  readonly placement: Placement;
  readonly slice: FleetSlice;
  readonly layout: FleetLayout;
  readonly steps: number;
  readonly stepSeconds: number;
  /** steps × stepSeconds. */
  readonly endSeconds: number;
  readonly streams: StreamFactory;
  /** Per VM (placement index): OFF, QUEUED, BOOTING or RUNNING. Written by the lifecycle only. */
  readonly vmState: Uint8Array;
}

/** Intervals in a run of the scenario. */
export function stepCount(scenario: ModelScenario): number {
  return Math.max(1, Math.round(scenario.durationSeconds / scenario.stepSeconds));
}

/** Hour of day (0..24) at `seconds` of simulated time. */
export function hourAt(scenario: ModelScenario, seconds: number): number {
  return (scenario.startHour + seconds / 3600) % 24;
}
