/**
 * The knobs `overcast recommend` turns: one table, so a knob or the SLOs it answers to are added by
 * editing a row here.
 *
 * A knob is a scenario path (in file terms, as `--set` takes it) with a search grid. Every knob is
 * assumed monotone: raising it never makes an SLO metric better (more VMs per host, more boots at
 * once). The recommender searches each for the largest value at which every SLO set in the
 * scenario holds at 95 % confidence.
 *
 * Every SLO a knob answers to (`ownSlos`) is one ../model/slo.ts defines (test/study checks it).
 */
import type { ModelScenario } from '../model/scenario.js';
import type { Override } from '../scenarios/overrides.js';
import { labelledOverride } from './source.js';

export type KnobId = 'cpuAllocationRatio' | 'ramAllocationRatio' | 'maxConcurrentBoots';

/**
 * The other scenario fields studies set by path (what-ifs, lifted resources), in one place: code
 * names them by property, so a misspelt name fails to compile, and test/study/knobs-registry.test.ts
 * checks that every path is one the scenario loader accepts.
 */
export const SETTING_PATHS = {
  ksmEnabled: 'ksm.enabled',
  ksmTuned: 'ksm.tuned',
  groupUtilPct: (group: number) => `vms.${group}.workload.cpu.utilPct`,
  hostCount: (hostGroup: number) => `hosts.${hostGroup}.count`,
  hostRamGiB: (hostGroup: number) => `hosts.${hostGroup}.memory.totalGiB`,
} as const;

export interface KnobSpec {
  /** The stable JSON name (`recommendation.<id>`). */
  id: KnobId;
  label: string;
  /** The setting it becomes in OpenStack nova.conf. */
  configName: string;
  /** Scenario path in file terms (`--set` syntax); the UI's knob of the same field has this id. */
  path: string;
  /** The same field in the resolved model scenario (typed: a renamed field fails to compile). */
  read: (scenario: ModelScenario) => number | null;
  /** Search grid: values min, min + step, …, up to max. The step is the search tolerance. */
  range: { min: number; max: number; step: number };
  /**
   * An allocation ratio: it limits how many VMs placement admits. While one ratio is searched the
   * others are lifted (../fleet.ts LIFTED_RATIO), so the searched ratio is what limits the fleet;
   * each recommended ratio then describes the largest safe fleet in its own resource's terms.
   */
  placementRatio: boolean;
  /**
   * While this ratio is lifted for another knob's search: overrides that also take its resource
   * out of the way physically, where a model would otherwise react to the absurd overcommit a
   * lifted ratio allows (the memory model kills VMs when RAM is overcommitted 30×, which would
   * make the CPU look idle). Without it only the ratio is lifted.
   */
  liftResource?: (scenario: ModelScenario) => Override[];
  /** SLOs this knob answers to. */
  ownSlos: string[];
  /** Why the knob has nothing to act on in this scenario (e.g. no boots happen), or null. */
  inapplicable?: (scenario: ModelScenario) => string | null;
}

export const KNOBS: readonly KnobSpec[] = [
  {
    id: 'cpuAllocationRatio',
    label: 'CPU allocation ratio',
    configName: 'cpu_allocation_ratio',
    path: 'overcommit.cpu',
    read: (s) => s.overcommit.cpu,
    range: { min: 1, max: 32, step: 0.1 },
    placementRatio: true,
    ownSlos: ['cpuReadyPctP95', 'cpuReadyPctMean', 'schedDelayMsP99', 'hostUtilPctP95', 'uiActionMsP95'],
  },
  {
    id: 'ramAllocationRatio',
    label: 'RAM allocation ratio',
    configName: 'ram_allocation_ratio',
    path: 'overcommit.memory',
    read: (s) => s.overcommit.memory,
    range: { min: 0.5, max: 4, step: 0.05 },
    placementRatio: true,
    // Hosts with a thousand times their RAM: no memory pressure, whatever the CPU ratio admits.
    liftResource: (scenario) => scenario.hosts.map((h, i) => labelledOverride(SETTING_PATHS.hostRamGiB(i), h.memory.totalGiB * 1000, 'recommend (RAM lifted)')),
    // The memory model's SLOs (OOM risk with KSM, ballooning and swap).
    ownSlos: ['oomRiskPerHostMonth', 'swapPeakGiB'],
  },
  {
    id: 'maxConcurrentBoots',
    label: 'concurrent-boot limit',
    configName: 'max_concurrent_builds',
    // The IO model's admission control: boots in progress at once per host (null: no limit), as
    // nova's max_concurrent_builds is per compute node. Monotone as long as bootSecondsP95 counts
    // from admission (a queued boot's wait is not in it): more boots at once, slower boots.
    path: 'boots.maxPerHost',
    read: (s) => s.boots.maxPerHost,
    range: { min: 1, max: 200, step: 1 },
    placementRatio: false,
    ownSlos: ['bootSecondsP95', 'ioLatencyMsP95'],
    inapplicable: (scenario) => (scenario.boots.waves.length > 0 ? null : 'no VMs boot in this scenario (boots.waves is empty), so there is nothing to throttle'),
  },
];

export function knobById(id: KnobId): KnobSpec {
  return KNOBS.find((k) => k.id === id)!;
}

/** The knob's value in the scenario: a number, or null for "no limit" (a limit knob left unset). */
export function knobValue(knob: KnobSpec, scenario: ModelScenario): number | null {
  return knob.read(scenario);
}

/** Grid helpers: index ↔ value, values rounded to the step's decimals. */
export function gridSize(range: KnobSpec['range']): number {
  return Math.floor((range.max - range.min) / range.step + 1e-9) + 1;
}

export function gridValue(range: KnobSpec['range'], index: number): number {
  return Number((range.min + index * range.step).toFixed(10));
}

/** The grid index at or below a value (clamped into the grid). */
export function gridIndexBelow(range: KnobSpec['range'], value: number): number {
  const i = Math.floor((value - range.min) / range.step + 1e-9);
  return Math.max(0, Math.min(gridSize(range) - 1, i));
}
