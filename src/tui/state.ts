/**
 * The terminal UI's state and its reducer: every change the screen can undergo — a key, a run's
 * progress, a resize — is an action, and `reduce` is a pure function of (state, action). It is
 * tested without rendering; components only read the state (through selectors.ts) and dispatch.
 *
 * Runs: a knob change or `r` increments `runRequest`; the run hook (hooks/use-runs.ts) sees the new
 * id and asks the scheduler for a run with the current overrides. Run events carry their id, and
 * any event for an id other than the latest request is stale and ignored.
 */
import { knobById } from '../study/knobs.js';
import { SLO_STATUS_TEXT } from '../model/slo.js';
import { defaultExportTarget } from './export-report.js';
import type { Report } from '../report/report.js';
import { formatIssue } from '../scenarios/issues.js';
import { formatKnobValue, knobValue, parseKnobInput, stepKnob, type KnobSpec, type KnobValue } from './knobs.js';
import type { RunResult } from './run-result.js';
import { ALL_TABS, bindingSection, presentSections, tabsFor } from './sections.js';
import type { SensitivityResult } from '../study/sensitivity.js';
import type { SensitivityStage } from './sensitivity.js';
import { headlineMetric, sensitivityLogLine, tabMetrics } from './sensitivity-view.js';
import { HOST_SORTS, hostRows, hostRowsVisible, layoutFor, type HostSort } from './selectors.js';
import type { RunEvent } from './simulation.js';

export type PaneId = 'knobs' | 'sections' | 'hosts' | 'events';
/** Tab order of the panes. */
export const PANES: readonly PaneId[] = ['knobs', 'sections', 'hosts', 'events'];

export interface LogEntry {
  /** Wall-clock time, ms since the epoch. */
  at: number;
  kind: 'change' | 'run' | 'error' | 'info';
  text: string;
  /** For a knob change: which knob, and its value before and after (consecutive changes merge). */
  knob?: string;
  from?: string;
  to?: string;
}

/** A finished run as shown: its result and the knob values it ran with. */
export interface Shown {
  runId: number;
  result: RunResult;
  values: Record<string, KnobValue>;
  /** The first replication's result while the run goes on; replaced by the run's own when it ends. */
  preliminary?: boolean;
}

export interface RunStatus {
  id: number;
  phase: 'waiting' | 'loading' | 'running' | 'done' | 'invalid' | 'failed';
  done: number;
  total: number;
  totalMs?: number;
  message?: string;
}

/** The sensitivity study (`y`): the one in progress, the last finished one, the metric shown. */
export interface SensitivityState {
  running: { stage: SensitivityStage | 'starting'; done: number; total: number; startedAt: number; elapsedMs: number; values: Record<string, KnobValue> } | null;
  /** The last finished study, how long it took and the knob values it ran with. */
  last: { result: SensitivityResult; elapsedMs: number; values: Record<string, KnobValue> } | null;
  /** Index into the tab's metrics (sensitivity-view.ts `tabMetrics`), cycled with j/k. */
  metric: number;
}

export interface UiState {
  /** How the scenario was named on the command line, and the command-line options kept with it. */
  scenarioArg: string;
  baseArgs: string[];
  scenarioName: string;
  replicationsInFile: number;
  knobs: KnobSpec[];
  /** Knob values changed in the UI (absent: the scenario's value). */
  values: Record<string, KnobValue>;
  /** The values of the last run that loaded; an invalid change falls back to these. */
  validValues: Record<string, KnobValue>;
  selectedKnob: number;
  /** A value being typed into the selected knob. */
  edit: { text: string } | null;
  /** The export prompt (`e`): the path being typed, which starts as the default. */
  exportPrompt: { text: string } | null;
  /** `/`: hosts (and the drilled-into host's VMs) whose name or group contains this, any case. */
  filter: string;
  /** The filter is being typed (it applies as typed; Enter keeps it, Esc clears it). */
  filtering: boolean;
  focus: PaneId;
  help: boolean;
  /** Lines of the help scrolled past. */
  helpScroll: number;
  /** A recommendation in progress (`s`): what it is doing and how far it is, or null. */
  recommendStatus: string | null;
  sensitivity: SensitivityState;
  /** The host drilled into, by name. */
  detail: string | null;
  detailScroll: number;
  selectedHost: number;
  hostSort: HostSort;
  section: string;
  chart: number;
  eventScroll: number;
  /** Id of the latest requested run, and the values it runs with. */
  runRequest: number;
  requestValues: Record<string, KnobValue>;
  run: RunStatus;
  /** What is on screen: the last run's result, or a newer run's first replication (`preliminary`). */
  current: Shown | null;
  /** The last run that ended: what a new result is compared with. */
  final: Shown | null;
  baseline: Shown | null;
  log: LogEntry[];
  size: { columns: number; rows: number };
}

export interface InitOptions {
  scenarioArg: string;
  baseArgs?: string[];
  scenarioName: string;
  replicationsInFile: number;
  knobs: KnobSpec[];
  size: { columns: number; rows: number };
  at?: number;
}

/** The state at start: run #1 requested with the scenario's own values. */
export function initialState(options: InitOptions): UiState {
  return {
    scenarioArg: options.scenarioArg,
    baseArgs: options.baseArgs ?? [],
    scenarioName: options.scenarioName,
    replicationsInFile: options.replicationsInFile,
    knobs: options.knobs,
    values: {},
    validValues: {},
    selectedKnob: 0,
    edit: null,
    exportPrompt: null,
    filter: '',
    filtering: false,
    focus: 'knobs',
    help: false,
    helpScroll: 0,
    recommendStatus: null,
    sensitivity: { running: null, last: null, metric: 0 },
    detail: null,
    detailScroll: 0,
    selectedHost: 0,
    hostSort: 'ready',
    section: 'cpu',
    chart: 0,
    eventScroll: 0,
    runRequest: 1,
    requestValues: {},
    run: { id: 1, phase: 'waiting', done: 0, total: 0 },
    current: null,
    final: null,
    baseline: null,
    log: [{ at: options.at ?? 0, kind: 'info', text: `opened ${options.scenarioArg}; run #1 started` }],
    size: options.size,
  };
}

export type Action =
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'focus'; delta: number }
  | { type: 'toggleHelp' }
  | { type: 'back' }
  | { type: 'move'; delta: number }
  | { type: 'moveTo'; where: 'first' | 'last' }
  | { type: 'adjust'; steps: number; big: boolean }
  | { type: 'activate' }
  | { type: 'editStart'; text: string }
  | { type: 'editInput'; text: string }
  | { type: 'editBackspace' }
  | { type: 'editCommit' }
  | { type: 'editCancel' }
  /** `e`: open the export prompt with the default path; typing edits it; Enter exports, Esc closes. */
  | { type: 'exportStart' }
  | { type: 'exportInput'; text: string; replace?: boolean }
  | { type: 'exportBackspace' }
  | { type: 'exportClose' }
  | { type: 'filterStart' }
  | { type: 'filterInput'; text: string }
  | { type: 'filterBackspace' }
  | { type: 'filterDone' }
  | { type: 'filterClear' }
  | { type: 'resetKnob' }
  | { type: 'resetAll' }
  | { type: 'section'; delta?: number; index?: number }
  | { type: 'sort'; delta: number }
  | { type: 'rerun' }
  | { type: 'compare' }
  | { type: 'log'; kind: LogEntry['kind']; text: string }
  | { type: 'recommendStatus'; text: string | null }
  /** The sensitivity study (`y`): started (the Charts pane turns to its tab), progress, a clock tick, its end. */
  | { type: 'sensitivityStart' }
  | { type: 'sensitivityProgress'; stage: SensitivityStage; done: number; total: number }
  | { type: 'sensitivityTick' }
  | { type: 'sensitivityDone'; result: SensitivityResult }
  | { type: 'sensitivityEnd'; cancelled: boolean; message: string }
  /** Several knobs at once (a recommendation), as one change and one run. */
  | { type: 'applyValues'; values: Record<string, KnobValue>; reason: string }
  | { type: 'run'; event: RunEvent };

/** Every action carries the wall-clock time it happened at, for the event log. */
export type Stamped = Action & { at: number };

const LOG_LIMIT = 200;

function addLog(state: UiState, entry: LogEntry): UiState {
  const last = state.log[state.log.length - 1];
  // Turning the same knob several times in a row is one change in the log: "4.00 → 5.25".
  if (entry.kind === 'change' && entry.knob !== undefined && last?.kind === 'change' && last.knob === entry.knob) {
    const merged: LogEntry = { ...entry, ...(last.from !== undefined ? { from: last.from } : {}), text: `${entry.knob}: ${last.from ?? '?'} → ${entry.to ?? '?'}` };
    return { ...state, log: [...state.log.slice(0, -1), merged] };
  }
  const log = [...state.log, entry];
  return { ...state, log: log.length > LOG_LIMIT ? log.slice(log.length - LOG_LIMIT) : log, eventScroll: 0 };
}

const log = (state: UiState, at: number, kind: LogEntry['kind'], text: string): UiState => addLog(state, { at, kind, text });

/** Requests a new run with the current values. */
function requestRun(state: UiState): UiState {
  const id = state.runRequest + 1;
  return { ...state, runRequest: id, requestValues: state.values, run: { id, phase: 'waiting', done: 0, total: 0 } };
}

/** Sets a knob's value (removing the change when it is back at the scenario's value) and re-runs. */
function setKnob(state: UiState, spec: KnobSpec, value: KnobValue, at: number): UiState {
  const before = knobValue(spec, state.values);
  if (before === value) return state;
  const values = { ...state.values };
  if (value === spec.initial) delete values[spec.id];
  else values[spec.id] = value;
  const from = formatKnobValue(spec, before);
  const to = formatKnobValue(spec, value);
  const next = addLog({ ...state, values }, { at, kind: 'change', knob: spec.label, from, to, text: `${spec.label}: ${from} → ${to}` });
  return requestRun(next);
}

function selectedSpec(state: UiState): KnobSpec | undefined {
  return state.knobs[state.selectedKnob];
}

const clampIndex = (x: number, count: number): number => Math.max(0, Math.min(Math.max(0, count - 1), x));

export function reduce(state: UiState, action: Stamped): UiState {
  const at = action.at;
  switch (action.type) {
    case 'resize':
      return { ...state, size: { columns: action.columns, rows: action.rows } };
    case 'focus': {
      if (state.help || state.detail !== null || state.edit) return state;
      const i = PANES.indexOf(state.focus);
      return { ...state, focus: PANES[(((i + action.delta) % PANES.length) + PANES.length) % PANES.length]! };
    }
    case 'toggleHelp':
      return { ...state, help: !state.help, helpScroll: 0 };
    case 'back':
      if (state.help) return { ...state, help: false };
      if (state.exportPrompt) return { ...state, exportPrompt: null };
      if (state.edit) return { ...state, edit: null };
      if (state.detail !== null) return { ...state, detail: null, detailScroll: 0 };
      if (state.filter !== '') return { ...state, filter: '', selectedHost: 0 };
      return state;
    case 'move':
      return move(state, action.delta);
    case 'moveTo':
      return move(state, action.where === 'first' ? -Infinity : Infinity);
    case 'adjust': {
      if (state.help || state.detail !== null) return state;
      if (state.focus === 'sections') return reduce(state, { type: 'section', delta: Math.sign(action.steps), at });
      const spec = selectedSpec(state);
      if (state.focus !== 'knobs' || !spec) return state;
      return setKnob(state, spec, stepKnob(spec, knobValue(spec, state.values), action.steps, action.big), at);
    }
    case 'activate': {
      if (state.help) return state;
      if (state.detail !== null) return state;
      if (state.focus === 'hosts') {
        const row = hostRows(state)[state.selectedHost];
        return row ? { ...state, detail: row.name, detailScroll: 0 } : state;
      }
      if (state.focus === 'knobs') {
        const spec = selectedSpec(state);
        if (!spec) return state;
        if (spec.kind === 'choice' || spec.kind === 'boolean') return setKnob(state, spec, stepKnob(spec, knobValue(spec, state.values), 1), at);
        return { ...state, edit: { text: '' } };
      }
      return state;
    }
    case 'editStart':
      if (state.focus !== 'knobs' || state.help || state.detail !== null || !selectedSpec(state)) return state;
      return { ...state, edit: { text: action.text } };
    case 'editInput':
      return state.edit ? { ...state, edit: { text: (state.edit.text + action.text).slice(0, 24) } } : state;
    case 'editBackspace':
      return state.edit ? { ...state, edit: { text: state.edit.text.slice(0, -1) } } : state;
    case 'editCancel':
      return { ...state, edit: null };
    case 'exportStart':
      if (!state.current) return log(state, at, 'info', 'nothing to export yet: wait for the first run');
      return { ...state, exportPrompt: { text: defaultExportTarget(state.scenarioName, new Date(at)) } };
    case 'exportInput':
      return state.exportPrompt ? { ...state, exportPrompt: { text: ((action.replace ? '' : state.exportPrompt.text) + action.text).slice(0, 400) } } : state;
    case 'exportBackspace':
      return state.exportPrompt ? { ...state, exportPrompt: { text: state.exportPrompt.text.slice(0, -1) } } : state;
    case 'exportClose':
      return { ...state, exportPrompt: null };
    case 'filterStart':
      if (state.help) return state;
      return { ...state, filtering: true, edit: null, focus: state.detail === null ? 'hosts' : state.focus };
    case 'filterInput':
      return state.filtering ? { ...state, filter: (state.filter + action.text).slice(0, 80), selectedHost: 0, detailScroll: 0 } : state;
    case 'filterBackspace':
      return state.filtering ? { ...state, filter: state.filter.slice(0, -1), selectedHost: 0, detailScroll: 0 } : state;
    case 'filterDone':
      return { ...state, filtering: false };
    case 'filterClear':
      return { ...state, filtering: false, filter: '', selectedHost: 0, detailScroll: 0 };
    case 'editCommit': {
      const spec = selectedSpec(state);
      if (!state.edit || !spec) return { ...state, edit: null };
      const parsed = parseKnobInput(spec, state.edit.text);
      const closed = { ...state, edit: null };
      if (!parsed.ok) return log(closed, at, 'error', parsed.message);
      const next = setKnob(closed, spec, parsed.value, at);
      return next === closed ? log(closed, at, 'info', `${spec.label} is already ${formatKnobValue(spec, parsed.value)}`) : next;
    }
    case 'resetKnob': {
      const spec = selectedSpec(state);
      if (state.focus !== 'knobs' || !spec || state.detail !== null || state.help) return state;
      return setKnob(state, spec, spec.initial, at);
    }
    case 'resetAll':
      if (Object.keys(state.values).length === 0) return state;
      return requestRun(log({ ...state, values: {} }, at, 'change', 'all knobs back to the scenario’s values'));
    case 'section': {
      const sections = tabsFor(state.current?.result.report);
      const i = Math.max(0, sections.findIndex((s) => s.id === state.section));
      let target: number;
      if (action.index !== undefined) {
        // Numbers are fixed per section (1 CPU, 2 Memory, 3 IO, 4 Network, 5 Placement,
        // 6 Sensitivity); a section this report does not have is not there to pick.
        const id = ALL_TABS[action.index]?.id;
        target = sections.findIndex((s) => s.id === id);
        if (target < 0) return state;
      } else target = (((i + (action.delta ?? 1)) % sections.length) + sections.length) % sections.length;
      return { ...state, section: sections[target]!.id, chart: 0 };
    }
    case 'sort': {
      const i = HOST_SORTS.indexOf(state.hostSort);
      return { ...state, hostSort: HOST_SORTS[(((i + action.delta) % HOST_SORTS.length) + HOST_SORTS.length) % HOST_SORTS.length]!, selectedHost: 0 };
    }
    case 'rerun':
      return requestRun(log(state, at, 'info', `re-run requested (run #${state.runRequest + 1}; the scenario file is read again)`));
    case 'compare':
      if (state.baseline) return log({ ...state, baseline: null }, at, 'info', 'compare off: baseline cleared');
      if (!state.current) return log(state, at, 'info', 'nothing to pin yet: wait for the first run');
      return log({ ...state, baseline: state.current }, at, 'info', `compare on: baseline is run #${state.current.runId} (${SLO_STATUS_TEXT[state.current.result.report.verdict]}); change knobs to compare`);
    case 'log':
      return log(state, at, action.kind, action.text);
    case 'recommendStatus':
      return { ...state, recommendStatus: action.text };
    case 'applyValues': {
      const values = { ...state.values };
      const changes: string[] = [];
      for (const spec of state.knobs) {
        if (!Object.hasOwn(action.values, spec.id)) continue;
        const value = action.values[spec.id]!;
        const before = knobValue(spec, values);
        if (before === value) continue;
        if (value === spec.initial) delete values[spec.id];
        else values[spec.id] = value;
        changes.push(`${spec.label} ${formatKnobValue(spec, before)} → ${formatKnobValue(spec, value)}`);
      }
      if (changes.length === 0) return log(state, at, 'info', `${action.reason}: the knobs already have these values`);
      return requestRun(log({ ...state, values }, at, 'change', `${action.reason}: ${changes.join(', ')}`));
    }
    case 'run':
      return onRunEvent(state, action.event, at);
    case 'sensitivityStart':
      if (state.sensitivity.running) return state;
      return log(
        { ...state, section: state.current ? 'sensitivity' : state.section, sensitivity: { ...state.sensitivity, running: { stage: 'starting', done: 0, total: 0, startedAt: at, elapsedMs: 0, values: state.values } } },
        at,
        'info',
        'sensitivity study started on the knobs as they are (all cores; the screen stays live; y or Esc cancels)',
      );
    case 'sensitivityProgress': {
      const running = state.sensitivity.running;
      return running ? { ...state, sensitivity: { ...state.sensitivity, running: { ...running, stage: action.stage, done: action.done, total: action.total, elapsedMs: at - running.startedAt } } } : state;
    }
    case 'sensitivityTick': {
      const running = state.sensitivity.running;
      return running ? { ...state, sensitivity: { ...state.sensitivity, running: { ...running, elapsedMs: at - running.startedAt } } } : state;
    }
    case 'sensitivityDone': {
      const running = state.sensitivity.running;
      if (!running) return state;
      const elapsedMs = at - running.startedAt;
      const flips = action.result.flips.length > 0;
      const sensitivity = { running: null, last: { result: action.result, elapsedMs, values: running.values }, metric: headlineMetric(action.result) };
      return log({ ...state, sensitivity }, at, flips ? 'error' : 'info', sensitivityLogLine(action.result, elapsedMs));
    }
    case 'sensitivityEnd': {
      const running = state.sensitivity.running;
      if (!running) return state;
      const text = action.cancelled ? `sensitivity study cancelled after ${Math.round((at - running.startedAt) / 1000)} s` : `sensitivity study failed: ${action.message}`;
      return log({ ...state, sensitivity: { ...state.sensitivity, running: null } }, at, action.cancelled ? 'info' : 'error', text);
    }
  }
}

function move(state: UiState, delta: number): UiState {
  // The help's length depends on the screen; the overlay stops scrolling at its end.
  if (state.help) return { ...state, helpScroll: Math.max(0, Math.min(100, state.helpScroll + (Number.isFinite(delta) ? delta : delta > 0 ? 100 : -100))) };
  if (state.detail !== null) {
    const count = state.current?.result.hosts.find((h) => h.name === state.detail)?.vms.length ?? 0;
    return { ...state, detailScroll: clampIndex(state.detailScroll + delta, count) };
  }
  if (state.edit) return state;
  switch (state.focus) {
    case 'knobs':
      return { ...state, selectedKnob: clampIndex(state.selectedKnob + delta, state.knobs.length) };
    case 'hosts':
      return { ...state, selectedHost: clampIndex(state.selectedHost + delta, hostRows(state).length) };
    case 'events':
      return { ...state, eventScroll: clampIndex(state.eventScroll + delta, state.log.length) };
    case 'sections': {
      if (state.section === 'sensitivity') {
        const last = state.sensitivity.last;
        if (!last || !Number.isFinite(delta)) return state;
        const count = tabMetrics(last.result).length;
        return { ...state, sensitivity: { ...state.sensitivity, metric: (((state.sensitivity.metric + Math.sign(delta)) % count) + count) % count } };
      }
      const section = presentSections(state.current?.result.report).find((s) => s.id === state.section);
      const charts = section?.charts ?? 1;
      const step = Number.isFinite(delta) ? Math.sign(delta) : 0;
      return { ...state, chart: (((state.chart + step) % charts) + charts) % charts };
    }
  }
}

/** What a verdict change reads like in the log. */
function verdictText(previous: Report | undefined, report: Report): string {
  const now = SLO_STATUS_TEXT[report.verdict];
  return previous && previous.verdict !== report.verdict ? `verdict ${SLO_STATUS_TEXT[previous.verdict]} → ${now}` : `verdict ${now}`;
}

function onRunEvent(state: UiState, event: RunEvent, at: number): UiState {
  if (event.type === 'cancelled') return log(state, at, 'run', `run #${event.id} cancelled: superseded by run #${event.by}`);
  if (event.id !== state.runRequest) return state;
  switch (event.type) {
    case 'loading':
      return { ...state, run: { ...state.run, phase: 'loading' } };
    case 'started':
      return { ...state, run: { ...state.run, phase: 'running', done: 0, total: event.total } };
    case 'progress':
      return { ...state, run: { ...state.run, phase: 'running', done: event.done, total: event.total } };
    case 'preview': {
      // A first verdict on screen at once; the tab, the selection and the log wait for the run's end.
      const hosts = event.result.report.placement.byHost.length;
      return { ...state, current: { runId: event.id, result: event.result, values: state.requestValues, preliminary: true }, selectedHost: clampIndex(state.selectedHost, hosts) };
    }
    case 'invalid': {
      const message = event.issues.map((i) => formatIssue(i)).join('; ');
      const reverted = { ...state, values: state.validValues, run: { ...state.run, phase: 'invalid' as const, message } };
      return log(reverted, at, 'error', `run #${event.id} not started: ${message}; value reverted`);
    }
    case 'failed':
      return log({ ...state, run: { ...state.run, phase: 'failed', message: event.message } }, at, 'error', `run #${event.id} failed: ${event.message}`);
    case 'done': {
      const report = event.result.report;
      // Compared with the last run that ended, not with a first-replication preview on screen.
      const prior = state.final;
      const previous = prior?.result.report;
      const shown: Shown = { runId: event.id, result: event.result, values: state.requestValues };
      const hosts = report.placement.byHost.length;
      const sections = presentSections(report);
      const tabs = tabsFor(report);
      let next: UiState = {
        ...state,
        current: shown,
        final: shown,
        validValues: state.requestValues,
        run: { ...state.run, phase: 'done', done: state.run.total, totalMs: event.totalMs },
        selectedHost: clampIndex(state.selectedHost, hosts),
        detail: state.detail !== null && report.placement.byHost.some((h) => h.name === state.detail) ? state.detail : null,
        // The first result opens on the binding SLO's tab; later ones keep the tab the user chose.
        section: !prior ? (bindingSection(report) ?? sections[0]?.id ?? state.section) : tabs.some((s) => s.id === state.section) ? state.section : (sections[0]?.id ?? state.section),
      };
      const reps = report.scenario.replications;
      next = log(next, at, 'run', `run #${event.id}: ${Math.round(event.totalMs)} ms (simulation ${Math.round(event.result.simulateMs)}) · ${verdictText(previous, report)} · ${reps} replication${reps === 1 ? '' : 's'}`);
      const idle = idleRatioChange(state, prior, shown, previous, report);
      if (idle) next = log(next, at, 'info', idle);
      // What sections report as events (OOM kills, unplaced VMs) are problems: marked `!`.
      for (const section of sections) for (const line of section.events?.(report) ?? []) next = log(next, at, 'error', line);
      return next;
    }
  }
}

/** The allocation ratios' knobs (by their override paths, ../study/knobs.ts) and how the log names them. */
const RATIO_KNOBS: Record<string, string> = { [knobById('cpuAllocationRatio').path]: 'CPU ratio', [knobById('ramAllocationRatio').path]: 'RAM ratio' };

/**
 * Why a changed allocation ratio changed nothing on screen, or null: with the VM counts fixed a
 * ratio only decides where VMs may go, so when every VM already fitted and each host keeps the
 * same VMs, the simulation is the same. Said in the log so the knob does not look broken.
 */
function idleRatioChange(state: UiState, before: Shown | null, shown: Shown, previous: Report | undefined, report: Report): string | null {
  if (!before || !previous) return null;
  const same = previous.placement.unplaced === 0 && report.placement.unplaced === 0 && previous.placement.byHost.length === report.placement.byHost.length && previous.placement.byHost.every((h, i) => report.placement.byHost[i]!.vms === h.vms && report.placement.byHost[i]!.name === h.name);
  if (!same) return null;
  const valueOf = (values: Record<string, KnobValue>, id: string): KnobValue | undefined => (Object.hasOwn(values, id) ? values[id] : state.knobs.find((k) => k.id === id)?.initial);
  const changed = [...new Set([...Object.keys(shown.values), ...Object.keys(before.values)])].filter((id) => valueOf(shown.values, id) !== valueOf(before.values, id));
  if (changed.length === 0 || !changed.every((id) => id in RATIO_KNOBS)) return null;
  const what = changed.map((id) => `${RATIO_KNOBS[id]} ${String(valueOf(before.values, id))} → ${String(valueOf(shown.values, id))}`).join(', ');
  return `${what} changed nothing: every VM already fitted, and with VM counts fixed a ratio only decides where VMs may go. Raise the VM counts, or press s: the recommendation grows the fleet to fill the hosts.`;
}

/** Rows a page key moves in the focused list. */
export function pageSize(state: UiState): number {
  return hostRowsVisible(layoutFor(state.size));
}
