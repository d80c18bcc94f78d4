import { describe, expect, it } from 'vitest';
import { presentSections, tabNumber, tabsFor } from '../../src/tui/sections.js';
import { initialState, PANES, type UiState } from '../../src/tui/state.js';
import { apply, fixture, resultFor, runWith, stateWithResult } from './helpers.js';

const last = (state: UiState): string => state.log[state.log.length - 1]!.text;

describe('the UI state', () => {
  it('starts with run #1 requested, focus on the knobs and nothing shown', async () => {
    const f = await fixture();
    const state = initialState({ scenarioArg: 'ui-small.yaml', scenarioName: 'ui-small', replicationsInFile: 10, knobs: f.knobs, size: { columns: 100, rows: 30 } });
    expect(state).toMatchObject({ runRequest: 1, focus: 'knobs', current: null, baseline: null, values: {}, run: { id: 1, phase: 'waiting' } });
    expect(state.log).toHaveLength(1);
  });

  it('cycles focus through the panes with Tab and back with Shift-Tab', async () => {
    let state = await stateWithResult();
    const seen: string[] = [];
    for (let i = 0; i < PANES.length; i++) {
      seen.push(state.focus);
      state = apply(state, { type: 'focus', delta: 1 });
    }
    expect(seen).toEqual(['knobs', 'sections', 'hosts', 'events']);
    expect(state.focus).toBe('knobs');
    expect(apply(state, { type: 'focus', delta: -1 }).focus).toBe('events');
  });

  it('turning a knob changes its value, logs the change, requests a run; the same knob again merges in the log', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'adjust', steps: 1, big: false });
    expect(state.values).toEqual({ 'overcommit.cpu': 2.25 });
    expect(state.runRequest).toBe(2);
    expect(state.requestValues).toEqual({ 'overcommit.cpu': 2.25 });
    expect(last(state)).toBe('CPU ratio: 2.00 → 2.25');
    state = apply(state, { type: 'adjust', steps: 1, big: true });
    expect(last(state)).toBe('CPU ratio: 2.00 → 3.25');
    expect(state.runRequest).toBe(3);
    // Back at the scenario's value, the knob is no longer an override.
    state = apply(state, { type: 'adjust', steps: -1, big: true }, { type: 'adjust', steps: -1, big: false });
    expect(state.values).toEqual({});
  });

  it('moves the selection within the focused pane and clamps at the ends', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'move', delta: 1 }, { type: 'move', delta: 1 });
    expect(state.selectedKnob).toBe(2);
    state = apply(state, { type: 'moveTo', where: 'last' });
    expect(state.selectedKnob).toBe(state.knobs.length - 1);
    state = apply(state, { type: 'move', delta: 100 });
    expect(state.selectedKnob).toBe(state.knobs.length - 1);
    state = apply(state, { type: 'moveTo', where: 'first' });
    expect(state.selectedKnob).toBe(0);
    state = apply(state, { type: 'focus', delta: 2 }, { type: 'move', delta: 3 });
    expect(state.selectedHost).toBe(3);
    state = apply(state, { type: 'move', delta: 99 });
    expect(state.selectedHost).toBe(9);
  });

  it('types a value: digits, backspace, Enter applies; a malformed value is refused in the log', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'editStart', text: '4' }, { type: 'editInput', text: '.' }, { type: 'editInput', text: '9' }, { type: 'editBackspace' }, { type: 'editInput', text: '5' });
    expect(state.edit).toEqual({ text: '4.5' });
    state = apply(state, { type: 'editCommit' });
    expect(state.edit).toBeNull();
    expect(state.values['overcommit.cpu']).toBe(4.5);
    state = apply(state, { type: 'editStart', text: '4' }, { type: 'editInput', text: '..' }, { type: 'editCommit' });
    expect(last(state)).toBe("CPU ratio: '4..' is not a number");
    expect(state.values['overcommit.cpu']).toBe(4.5);
    state = apply(state, { type: 'editStart', text: '9' }, { type: 'back' });
    expect(state.edit).toBeNull();
  });

  it('Enter switches a choice knob at once and starts typing on a number', async () => {
    let state = await stateWithResult();
    const placement = state.knobs.findIndex((k) => k.id === 'placement');
    state = apply(state, { type: 'move', delta: placement }, { type: 'activate' });
    expect(state.values.placement).toBe('pack');
    state = apply(state, { type: 'moveTo', where: 'first' }, { type: 'activate' });
    expect(state.edit).toEqual({ text: '' });
  });

  it('x resets the selected knob, X all of them (one run)', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'adjust', steps: 2, big: false }, { type: 'move', delta: 1 }, { type: 'adjust', steps: 1, big: false });
    expect(Object.keys(state.values)).toEqual(['overcommit.cpu', 'overcommit.memory']);
    state = apply(state, { type: 'resetKnob' });
    expect(Object.keys(state.values)).toEqual(['overcommit.cpu']);
    const before = state.runRequest;
    state = apply(state, { type: 'resetAll' });
    expect(state.values).toEqual({});
    expect(state.runRequest).toBe(before + 1);
  });

  it('shows a finished run, ignores stale runs, logs cancellations and verdict changes', async () => {
    let state = await stateWithResult();
    expect(state.current?.runId).toBe(1);
    expect(last(state)).toMatch(/^run #1: 123 ms \(simulation \d+\) · verdict PASS · 2 replications$/);
    state = apply(state, { type: 'editStart', text: '4' }, { type: 'editCommit' });
    expect(state.runRequest).toBe(2);
    // An event for run #1 after #2 was requested is stale.
    const f = await fixture();
    const stale = apply(state, { type: 'run', event: { type: 'done', id: 1, result: await resultFor(f.scenario), totalMs: 1 } });
    expect(stale.current).toBe(state.current);
    state = apply(state, { type: 'run', event: { type: 'started', id: 2, total: 2 } }, { type: 'run', event: { type: 'progress', id: 2, done: 1, total: 2 } });
    expect(state.run).toMatchObject({ id: 2, phase: 'running', done: 1, total: 2 });
    state = await runWith(state, 2);
    expect(state.current?.runId).toBe(2);
    expect(state.current?.result.report.verdict).toBe('fail');
    expect(state.log.find((e) => e.kind === 'run' && e.text.startsWith('run #2'))?.text).toMatch(/^run #2: 50 ms \(simulation \d+\) · verdict PASS → FAIL/);
    state = apply(state, { type: 'run', event: { type: 'cancelled', id: 7, by: 8 } });
    expect(last(state)).toBe('run #7 cancelled: superseded by run #8');
  });

  it('reverts a value the scenario rejects, with the loader’s message', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'editStart', text: '-' }, { type: 'editInput', text: '1' }, { type: 'editCommit' });
    expect(state.values['overcommit.cpu']).toBe(-1);
    state = await runWith(state, state.runRequest);
    expect(state.values).toEqual({});
    expect(state.run.phase).toBe('invalid');
    expect(last(state)).toMatch(/^run #2 not started: --set overcommit\.cpu=-1: overcommit\.cpu: expected a number > 0.*; value reverted$/);
  });

  it('pins a baseline with compare and clears it on the second press', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'compare' });
    expect(state.baseline?.runId).toBe(1);
    expect(last(state)).toMatch(/compare on: baseline is run #1 \(PASS\)/);
    state = apply(state, { type: 'compare' });
    expect(state.baseline).toBeNull();
    const empty = initialState({ scenarioArg: 'x', scenarioName: 'x', replicationsInFile: 1, knobs: [], size: { columns: 100, rows: 30 } });
    expect(apply(empty, { type: 'compare' }).baseline).toBeNull();
  });

  it('drills into the selected host with Enter and back with Esc; help closes first', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'focus', delta: 2 }, { type: 'activate' });
    expect(state.detail).toMatch(/^compute-\d+$/);
    state = apply(state, { type: 'move', delta: 5 });
    expect(state.detailScroll).toBe(5);
    state = apply(state, { type: 'toggleHelp' });
    expect(state.help).toBe(true);
    // j/k scroll the help, not the host list behind it.
    state = apply(state, { type: 'move', delta: 3 });
    expect(state).toMatchObject({ helpScroll: 3, detailScroll: 5 });
    state = apply(state, { type: 'back' });
    expect(state).toMatchObject({ help: false });
    expect(state.detail).not.toBeNull();
    state = apply(state, { type: 'back' });
    expect(state.detail).toBeNull();
  });

  it('cycles section tabs and charts, picks a tab by number, sorts hosts', async () => {
    let state = await stateWithResult();
    // The tabs: the report's sections, then Sensitivity (always last, number 6).
    const ids = tabsFor(state.current!.result.report).map((s) => s.id);
    expect(ids[0]).toBe('cpu');
    expect(ids).toContain('placement');
    expect(ids.slice(0, -1)).toEqual(presentSections(state.current!.result.report).map((s) => s.id));
    expect(ids.at(-1)).toBe('sensitivity');
    state = apply(state, { type: 'section', delta: 1 });
    expect(state.section).toBe(ids[1]);
    state = apply(state, { type: 'section', delta: -2 });
    expect(state.section).toBe(ids[ids.length - 1]);
    expect(state.section).toBe('sensitivity');
    // Numbers are fixed: 5 is Placement, 6 Sensitivity, whatever the report has.
    state = apply(state, { type: 'section', index: tabNumber('placement') - 1 });
    expect(state.section).toBe('placement');
    expect(apply(state, { type: 'section', index: 5 }).section).toBe('sensitivity');
    expect(apply(state, { type: 'section', index: 8 }).section).toBe('placement');
    state = apply(state, { type: 'section', index: 0 }, { type: 'focus', delta: 1 }, { type: 'move', delta: 1 });
    expect(state.chart).toBe(1);
    state = apply(state, { type: 'move', delta: 1 });
    expect(state.chart).toBe(0);
    state = apply(state, { type: 'sort', delta: 1 });
    expect(state.hostSort).toBe('util');
    expect(apply(state, { type: 'sort', delta: -2 }).hostSort).toBe('name');
  });

  it('applies a recommendation as one change and one run', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'applyValues', values: { 'overcommit.cpu': 3, 'overcommit.memory': 1.5, 'not.a.knob': 1 }, reason: 'recommendation' });
    expect(state.values).toEqual({ 'overcommit.cpu': 3, 'overcommit.memory': 1.5 });
    expect(state.runRequest).toBe(2);
    expect(last(state)).toBe('recommendation: CPU ratio 2.00 → 3.00, RAM ratio 1.20 → 1.50');
  });

  it('keeps the log bounded', async () => {
    let state = await stateWithResult();
    for (let i = 0; i < 250; i++) state = apply(state, { type: 'log', kind: 'info', text: `line ${i}` });
    expect(state.log).toHaveLength(200);
    expect(last(state)).toBe('line 249');
  });
});

describe('a ratio that changes nothing', () => {
  it('says why in the log when every VM already fitted and each host keeps its VMs', async () => {
    const f = await fixture();
    const same = await resultFor(f.scenario);
    let state = await stateWithResult();
    state = apply(state, { type: 'adjust', steps: 4, big: false });
    // The run with the new ratio placed every VM where it was (as with fixed VM counts).
    state = apply(state, { type: 'run', event: { type: 'started', id: 2, total: 3 } }, { type: 'run', event: { type: 'done', id: 2, result: same, totalMs: 1 } });
    const said = state.log.filter((e) => e.text.includes('changed nothing'));
    expect(said).toHaveLength(1);
    expect(said[0]!.text).toBe('CPU ratio 2 → 3 changed nothing: every VM already fitted, and with VM counts fixed a ratio only decides where VMs may go. Raise the VM counts, or press s: the recommendation grows the fleet to fill the hosts.');
  });

  it('stays quiet when the ratio moved VMs (the fixture fills its hosts)', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'adjust', steps: 4, big: false });
    state = apply(state, { type: 'run', event: { type: 'started', id: 2, total: 3 } });
    state = await runWith(state, 2);
    expect(state.log.some((e) => e.text.includes('changed nothing'))).toBe(false);
    expect(state.log.at(-1)!.text).toMatch(/^run #2/);
  });
});
