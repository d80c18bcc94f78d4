/**
 * Selectors: what the panes show, derived from the UI state by plain functions (tested without
 * rendering). Components call these and only lay the results out.
 */
import type { SloStatus } from '../model/slo.js';
import type { Report } from '../report/report.js';
import { formatKnobValue, knobCliArgs, knobValue, type KnobSpec, type KnobValue } from './knobs.js';
import { tabsFor, type SectionInfo } from './sections.js';
import type { UiState } from './state.js';
import { footerLines } from './keymap.js';
import type { HostVm } from './run-result.js';

/** Below this the layout breaks; the UI says so instead (btop's habit). */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

export interface Layout {
  tooSmall: boolean;
  columns: number;
  rows: number;
  /** Rows between the two header lines and the footer lines (the last terminal row stays empty). */
  bodyHeight: number;
  top: { height: number; knobsWidth: number; sectionsWidth: number };
  bottom: { height: number; hostsWidth: number; sideWidth: number };
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Header 2 rows, footer 1 or 2 (its keys wrap, never cut); the body splits into knobs | sections over hosts | SLOs and events.
 * The last terminal row stays empty: ink 6 clears the whole screen on every frame once its output
 * is as tall as the terminal, which flickers.
 */
export function layoutFor(size: { columns: number; rows: number }): Layout {
  const { columns, rows } = size;
  // The footer takes as many lines as its keys need at this width (two below ~125 columns).
  const bodyHeight = Math.max(0, rows - 3 - footerLines(undefined, columns).length);
  const topHeight = clamp(Math.round(bodyHeight * 0.55), 11, Math.max(11, bodyHeight - 8));
  const knobsWidth = clamp(Math.round(columns * 0.3), 30, 46);
  const sideWidth = clamp(Math.round(columns * 0.4), 30, 64);
  return {
    tooSmall: columns < MIN_COLUMNS || rows < MIN_ROWS,
    columns,
    rows,
    bodyHeight,
    top: { height: topHeight, knobsWidth, sectionsWidth: columns - knobsWidth },
    bottom: { height: bodyHeight - topHeight, hostsWidth: columns - sideWidth, sideWidth },
  };
}

/** Rows inside a bordered pane with a title line. */
export const paneInner = (height: number): number => Math.max(0, height - 3);

/** Lines under the knobs for the selected knob's hint, wrapped (hints run to about 100 characters). */
export const HINT_LINES = 3;

/** Knob rows that fit (HINT_LINES are kept for the selected knob's hint). */
export function knobRowsVisible(layout: Layout): number {
  return Math.max(1, paneInner(layout.top.height) - HINT_LINES);
}

/** Host rows that fit under the column header. */
export function hostRowsVisible(layout: Layout): number {
  return Math.max(1, paneInner(layout.bottom.height) - 1);
}

/** The slice of a list of `count` items to show in `height` rows so that `selected` is visible. */
export function visibleWindow(count: number, selected: number, height: number): { from: number; to: number } {
  if (count <= height) return { from: 0, to: count };
  const from = clamp(selected - Math.floor(height / 2), 0, count - height);
  return { from, to: from + height };
}

// ---- header ----

export interface HeaderSummary {
  scenario: string;
  hosts: number;
  vms: number;
  unplaced: number;
  cpuRatio: string;
  ramRatio: string;
  vcpuPerPcpu: string;
  ramAllocatedPct: string;
  verdict: SloStatus | null;
  baselineVerdict: SloStatus | null;
  replications: number | null;
  replicationsInFile: number;
}

export function headerSummary(state: UiState): HeaderSummary {
  const report = state.current?.result.report;
  const n = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));
  return {
    scenario: report?.scenario.name ?? state.scenarioName,
    hosts: report?.placement.hosts ?? 0,
    vms: report?.placement.vms ?? 0,
    unplaced: report?.placement.unplaced ?? 0,
    cpuRatio: n(report?.placement.cpuAllocationRatio),
    ramRatio: n(report?.placement.ramAllocationRatio),
    vcpuPerPcpu: n(report?.placement.vcpuPerPcpu),
    ramAllocatedPct: n(report?.placement.memoryAllocatedPct, 0),
    verdict: report?.verdict ?? null,
    baselineVerdict: state.baseline?.result.report.verdict ?? null,
    replications: report?.scenario.replications ?? null,
    replicationsInFile: state.replicationsInFile,
  };
}

/** One line on the run in progress or the last one. */
export function statusText(state: UiState): string {
  const run = state.run;
  const shown = !state.current ? 'no results yet' : state.current.preliminary ? `run #${state.current.runId}'s first replication shown` : `results of run #${state.current.runId}`;
  switch (run.phase) {
    case 'waiting':
    case 'loading':
      return `run #${run.id}: loading the scenario… (${shown})`;
    case 'running':
      return `run #${run.id}: simulating ${run.done}/${run.total} replications… (${shown})`;
    case 'done':
      return `run #${run.id} done in ${Math.round(run.totalMs ?? 0)} ms`;
    case 'invalid':
      return `run #${run.id} not started: ${run.message ?? 'invalid value'} (value reverted)`;
    case 'failed':
      return `run #${run.id} failed: ${run.message ?? 'unknown error'}`;
  }
}

/** The replication note: the UI runs fewer than the file asks for, and says so. */
export function replicationNote(state: UiState): string | null {
  const shown = state.current?.result.report.scenario.replications;
  if (shown === undefined || shown >= state.replicationsInFile) return null;
  return `${shown} of the scenario's ${state.replicationsInFile} replications, for speed (replications knob; \`overcast run\` uses all)`;
}

// ---- knobs ----

export interface KnobRow {
  spec: KnobSpec;
  value: string;
  changed: boolean;
  /** The baseline's value, when comparing and it differs. */
  baseline: string | null;
}

export function knobRows(state: UiState): KnobRow[] {
  return state.knobs.map((spec) => {
    const value = knobValue(spec, state.values);
    const base = state.baseline ? knobValue(spec, state.baseline.values) : null;
    return {
      spec,
      value: formatKnobValue(spec, value),
      changed: value !== spec.initial,
      baseline: base !== null && base !== value ? formatKnobValue(spec, base) : null,
    };
  });
}

/** `overcast run …` with the arguments that reproduce what the UI shows. */
export function cliEquivalent(state: UiState, values: Readonly<Record<string, KnobValue>> = state.values): string {
  return ['overcast', 'run', state.scenarioArg, ...state.baseArgs, ...knobCliArgs(state.knobs, values)].map(shellQuote).join(' ');
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

// ---- sections ----

/** The Charts pane's tabs: the report's sections, then Sensitivity. */
export function sectionsOf(state: UiState): SectionInfo[] {
  return tabsFor(state.current?.result.report);
}

/**
 * The tab strip's labels fitted to `width`: the active tab as `[6 Sensitivity]`, the others as
 * ` 2 Memory `; when they do not all fit, the inactive ones farthest from the active tab shrink to
 * their number (` 2 `), so a title is shown whole or not at all.
 */
export function tabLabels(tabs: readonly { id: string; title: string; number: number }[], activeId: string, width: number): { id: string; text: string; active: boolean }[] {
  const full = tabs.map((t) => ({ id: t.id, active: t.id === activeId, text: t.id === activeId ? `[${t.number} ${t.title}]` : ` ${t.number} ${t.title} ` }));
  const length = (): number => full.reduce((s, t) => s + t.text.length, 0);
  const active = Math.max(0, tabs.findIndex((t) => t.id === activeId));
  const order = tabs.map((_, i) => i).filter((i) => i !== active).sort((a, b) => Math.abs(b - active) - Math.abs(a - active) || b - a);
  for (const i of order) {
    if (length() <= width) break;
    full[i] = { ...full[i]!, text: ` ${tabs[i]!.number} ` };
  }
  return full;
}

export function activeSection(state: UiState): SectionInfo {
  const sections = sectionsOf(state);
  return sections.find((s) => s.id === state.section) ?? sections[0]!;
}

// ---- hosts ----

export const HOST_SORTS = ['ready', 'util', 'ratio', 'ram', 'name'] as const;
export type HostSort = (typeof HOST_SORTS)[number];

export const HOST_SORT_LABELS: Record<HostSort, string> = {
  ready: 'ready % mean',
  util: 'util % max',
  ratio: 'vCPU/pCPU',
  ram: 'RAM %',
  name: 'name',
};

/** Mean CPU ready at which users notice (VMware guidance): hosts at or above are flagged `!`. */
export const HOT_READY_PCT = 5;

export interface HostRow {
  name: string;
  vms: number;
  vcpuPerPcpu: number | null;
  ramPct: number | null;
  readyMean: number | null;
  readyMax: number | null;
  utilMean: number | null;
  utilMax: number | null;
  hot: boolean;
  /** When comparing: the baseline's numbers for this host, or 'new' when it had no such host. */
  baseline: { readyMean: number | null; utilMax: number | null } | 'new' | null;
}

function rowsOf(report: Report): HostRow[] {
  const cpu = new Map(report.cpu.byHost.map((h) => [h.name, h]));
  return report.placement.byHost.map((p) => {
    const c = cpu.get(p.name);
    const readyMean = c?.readyPctMean ?? null;
    return {
      name: p.name,
      vms: p.vms,
      vcpuPerPcpu: p.vcpuPerPcpu,
      ramPct: p.memoryUsableGiB > 0 ? (100 * p.memoryAllocatedGiB) / p.memoryUsableGiB : null,
      readyMean,
      readyMax: c?.readyPctMax ?? null,
      utilMean: c?.utilPctMean ?? null,
      utilMax: c?.utilPctMax ?? null,
      hot: readyMean !== null && readyMean >= HOT_READY_PCT,
      baseline: null,
    };
  });
}

/** `compute-10` after `compute-9`. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true });
}

export function sortHosts(rows: HostRow[], sort: HostSort): HostRow[] {
  const desc = (pick: (r: HostRow) => number | null) => (a: HostRow, b: HostRow) => (pick(b) ?? -Infinity) - (pick(a) ?? -Infinity) || naturalCompare(a.name, b.name);
  const by: Record<HostSort, (a: HostRow, b: HostRow) => number> = {
    ready: desc((r) => r.readyMean),
    util: desc((r) => r.utilMax),
    ratio: desc((r) => r.vcpuPerPcpu),
    ram: desc((r) => r.ramPct),
    name: (a, b) => naturalCompare(a.name, b.name),
  };
  return [...rows].sort(by[sort]);
}

/** The host table's rows in display order, with the baseline's numbers when comparing. */
export function hostRows(state: UiState): HostRow[] {
  const report = state.current?.result.report;
  if (!report) return [];
  const rows = rowsOf(report);
  const base = state.baseline ? new Map(rowsOf(state.baseline.result.report).map((r) => [r.name, r])) : null;
  if (base) {
    for (const row of rows) {
      const b = base.get(row.name);
      row.baseline = b ? { readyMean: b.readyMean, utilMax: b.utilMax } : 'new';
    }
  }
  return sortHosts(filterHosts(rows, state), state.hostSort);
}

const matches = (needle: string, ...hay: string[]): boolean => hay.some((h) => h.toLowerCase().includes(needle));

/** `/`: hosts whose name contains the filter, or that hold a VM whose name or group does. */
function filterHosts(rows: HostRow[], state: UiState): HostRow[] {
  const needle = state.filter.trim().toLowerCase();
  if (needle === '') return rows;
  const vmsOf = new Map((state.current?.result.hosts ?? []).map((h) => [h.name, h.vms]));
  return rows.filter((r) => matches(needle, r.name) || (vmsOf.get(r.name) ?? []).some((vm) => matches(needle, vm.name, vm.group)));
}

/** The host's VMs the filter keeps: all when the host's own name matches, else those whose name or group does. */
export function filterVms(vms: HostVm[], hostName: string, filter: string): HostVm[] {
  const needle = filter.trim().toLowerCase();
  if (needle === '' || matches(needle, hostName)) return vms;
  return vms.filter((vm) => matches(needle, vm.name, vm.group));
}

// ---- host detail ----

export interface HostDetail {
  row: HostRow;
  pcpus: number;
  vcpus: number;
  memoryUsableGiB: number;
  memoryAllocatedGiB: number;
  /** VM count per group, in first-seen order. */
  groups: { group: string; count: number }[];
  /** The VMs the filter keeps (all without one). */
  vms: HostVm[];
  /** All VMs on the host. */
  vmCount: number;
}

export function hostDetail(state: UiState): HostDetail | null {
  const current = state.current;
  if (!current || state.detail === null) return null;
  const row = hostRows(state).find((r) => r.name === state.detail);
  const placement = current.result.report.placement.byHost.find((h) => h.name === state.detail);
  if (!row || !placement) return null;
  const all = current.result.hosts.find((h) => h.name === state.detail)?.vms ?? [];
  const vms = filterVms(all, row.name, state.filter);
  const groups: { group: string; count: number }[] = [];
  for (const vm of all) {
    const g = groups.find((x) => x.group === vm.group);
    if (g) g.count++;
    else groups.push({ group: vm.group, count: 1 });
  }
  return { row, pcpus: placement.pcpus, vcpus: placement.vcpus, memoryUsableGiB: placement.memoryUsableGiB, memoryAllocatedGiB: placement.memoryAllocatedGiB, groups, vms, vmCount: all.length };
}

// ---- SLOs ----

export interface SloRow {
  name: string;
  status: SloStatus;
  value: number | null;
  limit: number;
  unit: string;
  /** The baseline's value and verdict when comparing. */
  baseline: { value: number | null; status: SloStatus } | null;
}

export function sloRows(state: UiState): SloRow[] {
  const report = state.current?.result.report;
  if (!report) return [];
  const base = state.baseline ? new Map(state.baseline.result.report.slos.map((s) => [s.name, s])) : null;
  return report.slos.map((s) => {
    const b = base?.get(s.name);
    return { name: s.name, status: s.status, value: s.value, limit: s.limit, unit: s.unit, baseline: b ? { value: b.value, status: b.status } : null };
  });
}
