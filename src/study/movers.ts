/**
 * "What would move it": changes to the scenario for which the recommender searches again, so the
 * report can say how sensitive each recommendation is ("VMs 20 % busier → 3.9", "with one host
 * down → 4.1"). One table; a model that brings a new lever adds a row (the memory model: "KSM
 * off"; the IO model: "boot images on local SSD").
 */
import type { ModelScenario } from '../model/scenario.js';
import type { Override } from '../scenarios/overrides.js';
import { SETTING_PATHS, type KnobId } from './knobs.js';
import { labelledOverride } from './source.js';

export interface MoverContext {
  /** The scenario as resolved from the file and the command line. */
  base: ModelScenario;
  nPlus1: boolean;
  fleet: 'auto' | 'as-is';
}

export interface Mover {
  id: string;
  /** What changes, in words. */
  label(context: MoverContext): string;
  /** Why the mover does not apply to this scenario, or null when it does. */
  notApplicable(context: MoverContext): string | null;
  /** Scenario overrides it adds. */
  overrides(context: MoverContext): Override[];
  /** Whether the search runs with N+1, given the recommendation's own setting. */
  nPlus1?(current: boolean): boolean;
  /** The knobs it is worth searching again for (default: all). */
  knobs?: readonly KnobId[];
}

const round = (x: number): number => Number(x.toPrecision(6));

function scaleLoad(factor: number): Pick<Mover, 'overrides'> {
  return {
    overrides: ({ base }) => base.vms.map((g, i) => labelledOverride(SETTING_PATHS.groupUtilPct(i), round(Math.min(100, g.workload.cpu.utilPct * factor)), 'what-if')),
  };
}

export const MOVERS: readonly Mover[] = [
  {
    id: 'load+20',
    label: () => "VMs 20 % busier (every group's utilPct × 1.2)",
    notApplicable: () => null,
    ...scaleLoad(1.2),
  },
  {
    id: 'load-20',
    label: () => "VMs 20 % quieter (every group's utilPct × 0.8)",
    notApplicable: () => null,
    ...scaleLoad(0.8),
  },
  {
    id: 'n+1',
    label: ({ nPlus1 }) => (nPlus1 ? 'without the N+1 requirement (all hosts up)' : 'with N+1: the SLOs must hold with the largest host down'),
    notApplicable: ({ base }) => (base.hosts.reduce((s, h) => s + h.count, 0) < 2 ? 'one host: N+1 needs at least two' : null),
    overrides: () => [],
    nPlus1: (current) => !current,
  },
  {
    id: 'hosts+10%',
    label: () => 'one more host per 10 (every host group’s count × 1.1, rounded up)',
    notApplicable: ({ fleet }) =>
      fleet === 'as-is' ? null : 'the fleet grows with the ratio, so more hosts add VMs but do not change the per-host density the ratio sets (use --as-is to judge a fixed fleet)',
    overrides: ({ base }) => base.hosts.map((h, i) => labelledOverride(SETTING_PATHS.hostCount(i), Math.ceil(h.count * 1.1 - 1e-9), 'what-if')),
  },
  {
    id: 'ksm',
    label: ({ base }) => (base.memory.ksm.enabled ? 'with KSM off' : 'with KSM on (ksmtuned)'),
    notApplicable: () => null,
    overrides: ({ base }) =>
      base.memory.ksm.enabled
        ? [labelledOverride(SETTING_PATHS.ksmEnabled, 'false', 'what-if')]
        : [labelledOverride(SETTING_PATHS.ksmEnabled, 'true', 'what-if'), labelledOverride(SETTING_PATHS.ksmTuned, 'true', 'what-if')],
    knobs: ['ramAllocationRatio'],
  },
];

export const DEFAULT_MOVERS = ['load+20', 'n+1', 'ksm'];
