/**
 * Knobs: the scenario fields the terminal UI lets an operator turn, and how a turned knob becomes
 * a `--set path=value` override. The UI never edits a scenario object directly; every change is an
 * override applied by the same loader as `overcast run --set`, so the UI and the CLI agree on what a
 * value means and reject bad values with the same messages.
 *
 * A knob is listed only when the scenario has the field (`knobsFor`). To expose a new field, add
 * an entry in `knobsFor` with its override path, kind and step; nothing else in the UI changes.
 */
import { knobById } from '../study/knobs.js';
import type { ModelScenario } from '../model/scenario.js';
import type { Override } from '../scenarios/overrides.js';

/** A knob's value; null for a nullable knob's "none" (written `null` in the override). */
export type KnobValue = number | string | boolean | null;

export interface KnobSpec {
  /** The override path (`overcommit.cpu`, `hosts.compute.count`); also the knob's identity. */
  id: string;
  /** Short label for the knob list. */
  label: string;
  /** One line on what it does, shown when the knob is selected. */
  hint: string;
  kind: 'number' | 'integer' | 'choice' | 'boolean';
  /** The value in the scenario as opened (file plus command-line overrides). */
  initial: KnobValue;
  /** Change per ←/→ press, and per H/L press (numeric kinds). */
  step?: number;
  bigStep?: number;
  min?: number;
  max?: number;
  /** Allowed values of a `choice` knob, cycled by ←/→. */
  choices?: readonly string[];
  unit?: string;
  /** Emit the override even when the value equals `initial` (the UI's own replication count). */
  emitAlways?: boolean;
  /** How the equivalent command line spells this knob (`--seed`), when not `--set`. */
  cliOption?: string;
  /** A numeric knob that may also be null, shown as this word (`none`): below `min` it becomes null. */
  nullable?: string;
}

export interface KnobOptions {
  /** Replications the UI runs per simulation (fewer than the file's for quick refreshes). */
  uiReplications: number;
}

/** Replications the UI runs by default: enough for a verdict, few enough for a sub-second refresh. */
export const UI_REPLICATIONS = 3;

/**
 * A list entry is addressed by name when the name survives the override path syntax, else by
 * index (`hosts.0.count`); both mean the same entry to the loader.
 */
export function entryPath(list: string, name: string, index: number): string {
  return /^[A-Za-z_][\w-]*$/.test(name) ? `${list}.${name}` : `${list}.${index}`;
}

/** The recommender's knobs (../study/knobs.ts): the UI's knobs of the same fields share their paths and readers. */
const CPU_RATIO = knobById('cpuAllocationRatio');
const RAM_RATIO = knobById('ramAllocationRatio');
const BOOT_LIMIT = knobById('maxConcurrentBoots');

/** The knobs a scenario exposes, in display order. */
export function knobsFor(scenario: ModelScenario, options: KnobOptions): KnobSpec[] {
  const knobs: KnobSpec[] = [
    {
      id: CPU_RATIO.path,
      label: 'CPU ratio',
      hint: 'vCPU allocation ratio (nova cpu_allocation_ratio): a host offers usable cores × ratio vCPUs',
      kind: 'number',
      initial: CPU_RATIO.read(scenario),
      step: 0.25,
      bigStep: 1,
      min: 0.25,
    },
    {
      id: RAM_RATIO.path,
      label: 'RAM ratio',
      hint: 'RAM allocation ratio (nova ram_allocation_ratio): a host offers usable RAM × ratio',
      kind: 'number',
      initial: RAM_RATIO.read(scenario),
      step: 0.05,
      bigStep: 0.25,
      min: 0.05,
    },
  ];
  scenario.hosts.forEach((group, i) => {
    knobs.push({
      id: `${entryPath('hosts', group.name, i)}.count`,
      label: `hosts ${group.name}`,
      hint: `identical hosts in group ${group.name} (${group.cpu.cores} cores, ${group.memory.totalGiB} GiB each)`,
      kind: 'integer',
      initial: group.count,
      step: 1,
      bigStep: 5,
      min: 1,
    });
  });
  scenario.vms.forEach((group, i) => {
    if (group.count === 'fill') return;
    knobs.push({
      id: `${entryPath('vms', group.name, i)}.count`,
      label: `VMs ${group.name}`,
      hint: `VMs in group ${group.name} (${group.vcpus} vCPUs, ${group.memoryGiB} GiB each)`,
      kind: 'integer',
      initial: group.count,
      step: Math.max(1, Math.round(group.count / 20)),
      bigStep: Math.max(5, Math.round(group.count / 4)),
      min: 0,
    });
  });
  scenario.vms.forEach((group, i) => {
    const util = group.workload.cpu.utilPct;
    knobs.push({
      id: `${entryPath('vms', group.name, i)}.workload.cpu.utilPct`,
      label: `util % ${group.name}`,
      hint: `mean uncontended CPU utilisation of each vCPU of ${group.name} over the day, %`,
      kind: 'number',
      initial: util,
      step: util < 5 ? 0.5 : 1,
      bigStep: 5,
      min: 0,
      max: 100,
      unit: '%',
    });
  });
  // The latency paths' virtio NIC of each VM group with a `network` block: vhost_net and the queue pairs.
  for (const [i, group] of scenario.vms.entries()) {
    if (!group.network) continue;
    const { vhostNet: vhost, queues } = group.network;
    const at = `${entryPath('vms', group.name, i)}.network`;
    knobs.push({
      id: `${at}.vhostNet`,
      label: `vhost_net ${group.name}`,
      hint: `vhost_net for ${group.name}: on, packets go through in-kernel vhost workers; off, through the QEMU main loop in user space`,
      kind: 'boolean',
      initial: vhost,
    });
    // The schema takes 1–256 queue pairs; only min(queues, vCPUs) work in parallel (docs/latency.md),
    // so the arrows stop at the group's vCPUs (a typed value may go beyond, the loader judges it).
    knobs.push({
      id: `${at}.queues`,
      label: `queues ${group.name}`,
      hint: `virtio-net queue pairs per ${group.name} VM (each queue's softirq runs on one of its ${group.vcpus} vCPUs)`,
      kind: 'integer',
      initial: queues,
      step: 1,
      bigStep: 4,
      min: 1,
      max: Math.min(256, Math.max(group.vcpus, queues)),
    });
  }
  for (const [i, group] of scenario.hosts.entries()) {
    const swap = group.memory.swapGiB;
    knobs.push({
      id: `${entryPath('hosts', group.name, i)}.memory.swapGiB`,
      label: `swap GiB ${group.name}`,
      hint: `host swap space of each ${group.name} host, GiB (pages beyond RAM go there before the OOM killer acts)`,
      kind: 'number',
      initial: swap,
      step: 4,
      bigStep: 16,
      min: 0,
      unit: 'GiB',
    });
  }
  // The memory and boot models' switches.
  const switches: [id: string, value: boolean, label: string, hint: string][] = [
    ['ksm.enabled', scenario.memory.ksm.enabled, 'KSM', 'kernel samepage merging on every host'],
    ['ksm.tuned', scenario.memory.ksm.tuned, 'ksmtuned', 'ksmtuned adapts the KSM scan rate to memory pressure'],
    ['balloon.enabled', scenario.memory.balloon.enabled, 'balloon', 'virtio-balloon reclaims idle guest memory'],
  ];
  for (const [id, value, label, hint] of switches) knobs.push({ id, label, hint, kind: 'boolean', initial: value });
  const bootLimit = BOOT_LIMIT.read(scenario);
  knobs.push({
    id: BOOT_LIMIT.path,
    label: 'boots/host',
    hint: 'most boots in progress at once per host (admission control); none: no limit',
    kind: 'integer',
    initial: bootLimit,
    step: 1,
    bigStep: 5,
    min: 1,
    nullable: 'none',
  });
  knobs.push({
    id: 'placement',
    label: 'placement',
    hint: 'spread: host with most free RAM (nova default); pack: least (stacking)',
    kind: 'choice',
    initial: scenario.placement,
    choices: ['spread', 'pack'],
  });
  for (const [name, limit] of Object.entries(scenario.slo)) {
    if (typeof limit !== 'number') continue;
    knobs.push({
      id: `slo.${name}`,
      label: `SLO ${name}`,
      hint: `upper limit of the SLO ${name}; the verdict fails when it is exceeded`,
      kind: 'number',
      initial: limit,
      step: limit >= 20 ? 5 : limit >= 2 ? 0.5 : 0.1,
      bigStep: limit >= 20 ? 25 : 2,
      min: 0,
    });
  }
  knobs.push(
    {
      id: 'seed',
      label: 'seed',
      hint: 'master seed: another seed shows how much of a result is Monte Carlo noise',
      kind: 'integer',
      initial: scenario.seed,
      step: 1,
      bigStep: 10,
      min: 0,
      cliOption: '--seed',
    },
    {
      id: 'replications',
      label: 'replications',
      hint: `replications per run in the UI (the scenario asks for ${scenario.replications}; more is slower and tighter)`,
      kind: 'integer',
      initial: options.uiReplications,
      step: 1,
      bigStep: 5,
      min: 1,
      max: 100_000,
      emitAlways: true,
      cliOption: '--replications',
    },
  );
  return knobs;
}

/** Decimals a knob's numbers are shown and kept with (from its step and its initial value). */
export function knobDecimals(spec: KnobSpec): number {
  if (spec.kind !== 'number') return 0;
  const decimals = (x: number): number => {
    const text = String(x);
    const dot = text.indexOf('.');
    return dot < 0 ? 0 : Math.min(3, text.length - dot - 1);
  };
  return Math.max(decimals(spec.step ?? 1), typeof spec.initial === 'number' ? decimals(spec.initial) : 0, spec.id.startsWith('overcommit.') ? 2 : 0);
}

export function formatKnobValue(spec: KnobSpec, value: KnobValue): string {
  if (value === null) return spec.nullable ?? 'none';
  if (typeof value === 'number') return spec.kind === 'number' ? value.toFixed(knobDecimals(spec)) : String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return value;
}

/** The value after `steps` presses of ←/→ (negative = left); `big` for H/L. Clamped to the knob's range. */
export function stepKnob(spec: KnobSpec, value: KnobValue, steps: number, big = false): KnobValue {
  if (spec.kind === 'boolean') return steps === 0 ? value : !value;
  if (spec.kind === 'choice') {
    const choices = spec.choices ?? [];
    if (choices.length === 0) return value;
    const at = Math.max(0, choices.indexOf(String(value)));
    return choices[(((at + steps) % choices.length) + choices.length) % choices.length]!;
  }
  if (value === null) return steps > 0 ? (spec.min ?? 0) : null;
  const current = typeof value === 'number' ? value : Number(value);
  const step = (big ? spec.bigStep : spec.step) ?? 1;
  if (spec.nullable !== undefined && spec.min !== undefined && current + steps * step < spec.min) return null;
  const next = clampKnob(spec, current + steps * step);
  return spec.kind === 'integer' ? Math.round(next) : Number(next.toFixed(knobDecimals(spec)));
}

function clampKnob(spec: KnobSpec, value: number): number {
  let v = value;
  if (spec.min !== undefined) v = Math.max(spec.min, v);
  if (spec.max !== undefined) v = Math.min(spec.max, v);
  return v;
}

export type ParsedKnobInput = { ok: true; value: KnobValue } | { ok: false; message: string };

/**
 * Reads a typed value. Only the form is checked here (a number, a whole number, one of the
 * choices); whether the scenario accepts it is the loader's call, with the CLI's messages.
 */
export function parseKnobInput(spec: KnobSpec, text: string): ParsedKnobInput {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: `${spec.label}: no value typed` };
  if (spec.kind === 'choice') {
    const match = (spec.choices ?? []).find((c) => c === trimmed.toLowerCase());
    return match ? { ok: true, value: match } : { ok: false, message: `${spec.label}: expected one of ${(spec.choices ?? []).join(', ')}, found '${trimmed}'` };
  }
  if (spec.kind === 'boolean') {
    if (/^(on|true|yes|1)$/i.test(trimmed)) return { ok: true, value: true };
    if (/^(off|false|no|0)$/i.test(trimmed)) return { ok: true, value: false };
    return { ok: false, message: `${spec.label}: expected on or off, found '${trimmed}'` };
  }
  if (spec.nullable !== undefined && /^(none|null|-)$/i.test(trimmed)) return { ok: true, value: null };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, message: `${spec.label}: '${trimmed}' is not a number` };
  if (spec.kind === 'integer' && !Number.isInteger(value)) return { ok: false, message: `${spec.label}: expected a whole number, found ${trimmed}` };
  return { ok: true, value };
}

/** The value a knob has now: the UI's change, else the scenario's. */
export function knobValue(spec: KnobSpec, values: Readonly<Record<string, KnobValue>>): KnobValue {
  return Object.hasOwn(values, spec.id) ? values[spec.id]! : spec.initial;
}

/** Overrides for the loader, in knob order: every changed knob, plus those always emitted. */
export function knobOverrides(knobs: readonly KnobSpec[], values: Readonly<Record<string, KnobValue>>): Override[] {
  const overrides: Override[] = [];
  for (const spec of knobs) {
    if (!Object.hasOwn(values, spec.id) && !spec.emitAlways) continue;
    const text = formatOverrideValue(knobValue(spec, values));
    overrides.push({ set: `${spec.id}=${text}`, label: spec.cliOption ? `${spec.cliOption} ${text}` : `--set ${spec.id}=${text}` });
  }
  return overrides;
}

function formatOverrideValue(value: KnobValue): string {
  return String(value);
}

/** The command-line arguments that reproduce the knobs' state with `overcast run`. */
export function knobCliArgs(knobs: readonly KnobSpec[], values: Readonly<Record<string, KnobValue>>): string[] {
  const args: string[] = [];
  for (const spec of knobs) {
    if (!Object.hasOwn(values, spec.id) && !spec.emitAlways) continue;
    const text = formatOverrideValue(knobValue(spec, values));
    if (spec.cliOption) args.push(spec.cliOption, text);
    else args.push('--set', `${spec.id}=${text}`);
  }
  return args;
}
