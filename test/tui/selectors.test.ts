import { describe, expect, it } from 'vitest';
import { cliEquivalent, headerSummary, hostDetail, hostRows, knobRows, layoutFor, MIN_COLUMNS, MIN_ROWS, replicationNote, sloRows, statusText, visibleWindow } from '../../src/tui/selectors.js';
import { footerLines } from '../../src/tui/keymap.js';
import { apply, runWith, stateWithResult } from './helpers.js';

describe('layout', () => {
  it('is too small below 80 × 24 and fills the terminal above it, leaving the last row empty', () => {
    expect(layoutFor({ columns: MIN_COLUMNS - 1, rows: 40 }).tooSmall).toBe(true);
    expect(layoutFor({ columns: 120, rows: MIN_ROWS - 1 }).tooSmall).toBe(true);
    for (const size of [
      { columns: 80, rows: 24 },
      { columns: 120, rows: 40 },
      { columns: 200, rows: 60 },
    ]) {
      const l = layoutFor(size);
      expect(l.tooSmall).toBe(false);
      // Header 2 rows, the body, the footer's lines (2 below 130 columns), the empty last row.
      expect(2 + l.top.height + l.bottom.height + footerLines(undefined, size.columns).length).toBe(size.rows - 1);
      expect(l.top.knobsWidth + l.top.sectionsWidth).toBe(size.columns);
      expect(l.bottom.hostsWidth + l.bottom.sideWidth).toBe(size.columns);
      expect(l.bottom.height).toBeGreaterThanOrEqual(8);
    }
  });

  it('scrolls a list so the selection stays visible', () => {
    expect(visibleWindow(5, 4, 10)).toEqual({ from: 0, to: 5 });
    expect(visibleWindow(100, 0, 10)).toEqual({ from: 0, to: 10 });
    expect(visibleWindow(100, 50, 10)).toEqual({ from: 45, to: 55 });
    expect(visibleWindow(100, 99, 10)).toEqual({ from: 90, to: 100 });
  });
});

describe('what the panes show', () => {
  it('summarises the scenario, ratios and verdict for the header', async () => {
    const state = await stateWithResult();
    expect(headerSummary(state)).toMatchObject({ scenario: 'ui-small', hosts: 10, vms: 300, unplaced: 0, cpuRatio: '2.00', ramRatio: '1.20', vcpuPerPcpu: '2.00', verdict: 'pass', baselineVerdict: null, replications: 2 });
    expect(statusText(state)).toBe('run #1 done in 123 ms');
    expect(replicationNote(state)).toBe("2 of the scenario's 10 replications, for speed (replications knob; `overcast run` uses all)");
  });

  it('marks changed knobs and, when comparing, the baseline value', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'compare' }, { type: 'adjust', steps: 1, big: true });
    const cpu = knobRows(state)[0]!;
    expect(cpu).toMatchObject({ value: '3.00', changed: true, baseline: '2.00' });
    expect(knobRows(state)[1]).toMatchObject({ value: '1.20', changed: false, baseline: null });
  });

  it('sorts hosts, flags hot ones and shows the change against the baseline', async () => {
    let state = await stateWithResult();
    const rows = hostRows(state);
    expect(rows).toHaveLength(10);
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.readyMean ?? 0).toBeGreaterThanOrEqual(rows[i]!.readyMean ?? 0);
    expect(hostRows(apply(state, { type: 'sort', delta: 3 })).map((r) => r.name)).toEqual(rows.map((r) => r.name).sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
    state = apply(state, { type: 'compare' }, { type: 'editStart', text: '4' }, { type: 'editCommit' });
    state = await runWith(state, state.runRequest);
    const compared = hostRows(state);
    for (const r of compared) {
      expect(r.baseline).not.toBeNull();
      expect(r.baseline).not.toBe('new');
      expect(r.hot).toBe((r.readyMean ?? 0) >= 5);
    }
    expect(compared[0]!.readyMean).toBeGreaterThan(1);
    expect(sloRows(state).find((r) => r.name === 'cpuReadyPctP95')).toMatchObject({ status: 'fail', limit: 5, baseline: { status: 'pass' } });
    expect(headerSummary(state)).toMatchObject({ verdict: 'fail', baselineVerdict: 'pass', cpuRatio: '4.00' });
  });

  it('details one host: its numbers, VM groups and VM list', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'focus', delta: 2 }, { type: 'activate' });
    const detail = hostDetail(state);
    expect(detail?.row.name).toBe(state.detail);
    expect(detail?.vms).toHaveLength(30);
    expect(detail?.groups).toEqual([
      { group: 'ops', count: 1 },
      { group: 'desktop', count: 29 },
    ]);
    expect(detail?.vms[0]).toMatchObject({ group: 'ops', vcpus: 2, memoryGiB: 4 });
    expect(detail).toMatchObject({ pcpus: 30, vcpus: 60 });
  });

  it('gives the `overcast run` command line that reproduces the knobs', async () => {
    let state = await stateWithResult();
    state = { ...state, baseArgs: ['--set', 'duration=2h'] };
    state = apply(state, { type: 'adjust', steps: 4, big: false });
    expect(cliEquivalent(state)).toBe('overcast run ui-small.yaml --set duration=2h --set overcommit.cpu=3 --replications 2');
    state = { ...state, baseArgs: ['--set', 'slo={cpuReadyPctP95: 2}'] };
    expect(cliEquivalent(state)).toContain("'slo={cpuReadyPctP95: 2}'");
  });
});
