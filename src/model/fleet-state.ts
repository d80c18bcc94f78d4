/**
 * What the models of one replication share: the fleet's inputs (scenario, placement, slot layout,
 * step grid, random streams) and each VM's lifecycle state, which the lifecycle writes and every
 * other model reads. The conductor (./replication.ts) builds it once and hands it to each model;
 * models never import the conductor.
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

export interface ReplicationContext {
  readonly scenario: ModelScenario;
  readonly placement: Placement;
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
