/**
 * The Sensitivity tab (`y`) without a terminal: the view's lines, the reducer's study state, the
 * keys, and the tab rendered with renderToString from a fixed SensitivityResult.
 *
 * The fixture (fixtures/sensitivity-vdi-callcenter.json) is the output of
 * `overcast sensitivity vdi-callcenter --workers 2 --json` at the commit this tab was added on
 * (seed 4, 11 inputs, 78 replications); the expected cells below are the ones that command's text
 * report printed for it (its Screening table and tornadoes), so the tab and the CLI agree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderToString } from 'ink';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/cli/paths.js';
import { tornadoText } from '../../src/report/sensitivity-document.js';
import type { SensitivityResult } from '../../src/study/sensitivity.js';
import { renderTornadoBar } from '../../src/tui/charts.js';
import SectionsPane from '../../src/tui/components/SectionsPane.js';
import SensitivitySection from '../../src/tui/components/SensitivitySection.js';
import Header from '../../src/tui/components/Header.js';
import { commandsForKey } from '../../src/tui/keymap.js';
import { layoutFor, tabLabels } from '../../src/tui/selectors.js';
import { effectCell, headlineMetric, sensitivityLines, sensitivityLogLine, shortPath, tabMetrics } from '../../src/tui/sensitivity-view.js';
import type { UiState } from '../../src/tui/state.js';
import { apply, stateWithResult } from './helpers.js';

/** JSON writes NaN as null; the study's result has NaN there. */
function loadResult(): SensitivityResult {
  const text = readFileSync(join(packageRoot(), 'test', 'tui', 'fixtures', 'sensitivity-vdi-callcenter.json'), 'utf8');
  return JSON.parse(text, (_, v: unknown) => (v === null ? Number.NaN : v)) as SensitivityResult;
}
const RESULT = loadResult();

/** The Charts pane's inner box (width, height) at 80 × 24, 120 × 40 and 160 × 50. */
const BOXES = [
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
  { columns: 160, rows: 50 },
].map((size) => {
  const l = layoutFor(size);
  return { ...size, width: l.top.sectionsWidth - 2, height: l.top.height - 4 };
});

/** Every word of `text` is on screen whole (the screen's words, split on white space). */
function wordsWhole(screen: string, text: string): string[] {
  const words = new Set(screen.split(/\s+/));
  return text.split(/\s+/).filter((w) => w !== '' && !words.has(w));
}

describe('the Sensitivity tab, as lines', () => {
  it('cycles the metrics some input moved, opening on the one the first verdict flip names', () => {
    // cpuReadyPctP95: "No input moved cpuReadyPctP95 … at any screening point" in the CLI report.
    expect(tabMetrics(RESULT).map((m) => m.key)).toEqual(['oomRiskPerHostMonth', 'bootSecondsP95', 'memoryNeedPeakPct']);
    expect(RESULT.flips[0]!.metric).toBe('oomRiskPerHostMonth');
    expect(headlineMetric(RESULT)).toBe(0);
  });

  it('writes μ* signed by the mean change, · for under 2 % of the largest, as the CLI report does', () => {
    const metric = (key: string) => RESULT.metrics.find((m) => m.key === key)!;
    const input = (path: string) => RESULT.inputs.findIndex((i) => i.path === path);
    // The CLI's Screening table: boot.outstanding +1.48 / −162.0 / +2.75; swapGiB −1.11 / · / +3.35.
    expect(effectCell(RESULT, input('vms.desktop.boot.outstanding'), metric('oomRiskPerHostMonth'))).toBe('+1.48');
    expect(effectCell(RESULT, input('vms.desktop.boot.outstanding'), metric('bootSecondsP95'))).toBe('−162.0');
    expect(effectCell(RESULT, input('vms.desktop.boot.outstanding'), metric('memoryNeedPeakPct'))).toBe('+2.75');
    expect(effectCell(RESULT, input('hosts.compute.memory.swapGiB'), metric('oomRiskPerHostMonth'))).toBe('−1.11');
    expect(effectCell(RESULT, input('hosts.compute.memory.swapGiB'), metric('bootSecondsP95'))).toBe('·');
  });

  it('shortens an input path by whole parts from the left', () => {
    expect(shortPath('vms.desktop.boot.outstanding', 40)).toBe('vms.desktop.boot.outstanding');
    expect(shortPath('vms.desktop.boot.outstanding', 20)).toBe('…boot.outstanding');
    expect(shortPath('vms.desktop.boot.outstanding', 5)).toBe('…outstanding');
  });

  it('draws the same bars as `overcast sensitivity`’s text tornado', () => {
    for (const metric of tabMetrics(RESULT)) {
      const text = tornadoText(RESULT, metric)!;
      const nominal = RESULT.tornado.nominal.metrics[metric.key]!;
      const values = [nominal, ...RESULT.tornado.rows.flatMap((r) => [r.low.metrics[metric.key]!, r.high.metrics[metric.key]!]), ...(metric.limit !== undefined ? [metric.limit] : [])];
      for (const row of RESULT.tornado.rows) {
        const line = text.split('\n').find((l) => l.startsWith(`${RESULT.inputs[row.input]!.path} `))!;
        const bar = line.slice(line.indexOf(' ▒ ') + 3, line.indexOf(' ▒ ') + 3 + 36);
        expect(renderTornadoBar(nominal, row.low.metrics[metric.key]!, row.high.metrics[metric.key]!, Math.min(...values), Math.max(...values), 36, metric.limit), `${metric.key} ${row.input}`).toBe(bar);
      }
    }
  });

  it('fits 80, 120 and 160 columns: no line over the width, whole words, whole parts dropped by importance', () => {
    for (const box of BOXES) {
      for (let metric = 0; metric < 3; metric++) {
        const lines = sensitivityLines(RESULT, { metric, width: box.width, height: box.height, elapsedMs: 31_800 });
        const screen = lines.map((l) => l.text).join('\n');
        expect(lines.length, `${box.columns} columns`).toBeLessThanOrEqual(box.height);
        for (const l of lines) expect(l.text.length, l.text).toBeLessThanOrEqual(box.width);
        // The summary comes first; the ranking's rows keep its order.
        expect(lines[0]!.text).toMatch(/^nominal PASS · 11 inputs/);
        const ranked = lines.filter((l) => l.key.startsWith('rank-') && l.key !== 'rank-head').map((l) => Number(l.key.slice(5)));
        expect(ranked.length).toBeGreaterThanOrEqual(3);
        expect(ranked).toEqual(RESULT.screening.ranking.slice(0, ranked.length).map((r) => r.input));
        // A shortened path is a whole-part suffix of the input's path.
        for (const row of lines.filter((l) => l.key.startsWith('rank-') && l.key !== 'rank-head')) {
          const shown = row.text.trim().split(/\s+/)[1]!;
          const path = RESULT.inputs[Number(row.key.slice(5))]!.path;
          expect(shown === path || (shown.startsWith('…') && path.endsWith(`.${shown.slice(1)}`)), `${shown} of ${path}`).toBe(true);
        }
        const flips = lines.filter((l) => l.style === 'warn');
        expect(flips.length).toBeGreaterThan(0);
        expect(flips[0]!.text.startsWith('! ')).toBe(true);
        if (box.columns >= 120) {
          // Room for every flip written out, the tornado's title and rows, and what to measure next.
          expect(wordsWhole(screen, 'PASS → FAIL with vms.desktop.boot.outstanding at its high end (4): oomRiskPerHostMonth 0.99 (limit 0.01)')).toEqual([]);
          expect(lines.some((l) => l.key.startsWith('tor-t-'))).toBe(true);
        }
        if (box.columns === 160) expect(wordsWhole(screen, 'measure next: vms.desktop.boot.outstanding (triangular 1–1–4 IOs); on a real host: `iostat -x 1` on the host during one boot on idle storage: aqu-sz (avgqu-sz) of the guest’s device')).toEqual([]);
      }
    }
  });

  it('draws the selected metric’s tornado, widest swing first, with the values at both ends', () => {
    const lines = sensitivityLines(RESULT, { metric: 1, width: 112, height: 40, elapsedMs: 31_800 }).map((l) => l.text);
    const title = lines.find((l) => l.startsWith('tornado (2 of 3, j/k): bootSecondsP95 (s)'))!;
    expect(title).toContain('│ nominal 463.6 · ¦ limit 1200 · ▒ low end, █ high end');
    const rows = lines.slice(lines.indexOf(title) + 1, lines.indexOf(title) + 6);
    // The CLI's tornado of bootSecondsP95: outstanding 1…4 moves it 463.6 → 312.0; logonSeconds 30…120 454.5 … 472.9.
    expect(rows[0]).toMatch(/^vms\.desktop\.boot\.outstanding +1 ▒ .* █ 4 +463\.6 … 312\.0$/);
    expect(rows[1]).toMatch(/^vms\.desktop\.boot\.logonSeconds +30 ▒ .* █ 120 +454\.5 … 472\.9$/);
  });

  it('says in one log line which input matters most and where the verdict flips', () => {
    const line = sensitivityLogLine(RESULT, 31_800);
    expect(line).toBe(
      'sensitivity: 11 inputs, 78 replications in 32 s · top input vms.desktop.boot.outstanding · verdict PASS flips at 3 ends (vms.desktop.boot.outstanding high → FAIL, hosts.compute.memory.swapGiB low → FAIL, 1 more)',
    );
  });

  it('fits the tab strip by shrinking the tabs farthest from the active one to their numbers', () => {
    const tabs = ['CPU', 'Memory', 'IO & boots', 'Network', 'Placement', 'Sensitivity'].map((title, i) => ({ id: String(i), title, number: i + 1 }));
    const wide = tabLabels(tabs, '5', 200).map((t) => t.text).join('');
    expect(wide).toBe(' 1 CPU  2 Memory  3 IO & boots  4 Network  5 Placement [6 Sensitivity]');
    // 48 columns: the Charts pane's inside at 80 columns.
    expect(tabLabels(tabs, '5', 48).map((t) => t.text).join('')).toBe(' 1  2  3  4 Network  5 Placement [6 Sensitivity]');
    expect(tabLabels(tabs, '1', 48).map((t) => t.text).join('')).toBe(' 1 CPU [2 Memory] 3 IO & boots  4 Network  5  6 ');
  });
});

describe('the study in the UI state', () => {
  it('y starts a study (an effect for the App); y again or Esc, with nothing else open, cancels it', async () => {
    let state = await stateWithResult();
    expect(commandsForKey(state, 'y', {})).toEqual([{ type: 'sensitivity' }]);
    expect(commandsForKey(state, '', { escape: true })).toEqual([{ type: 'back' }]);
    state = apply(state, { type: 'sensitivityStart' });
    expect(state.section).toBe('sensitivity');
    expect(state.sensitivity.running).toMatchObject({ stage: 'starting', done: 0, total: 0 });
    expect(commandsForKey(state, '', { escape: true })).toEqual([{ type: 'sensitivity', cancelOnly: true }]);
    // Esc closes what is open first: the help, a filter.
    expect(commandsForKey({ ...state, help: true }, '', { escape: true })).toEqual([{ type: 'toggleHelp' }]);
    expect(commandsForKey({ ...state, filter: 'compute' }, '', { escape: true })).toEqual([{ type: 'back' }]);
    state = apply(state, { type: 'sensitivityEnd', cancelled: true, message: 'cancelled' });
    expect(state.sensitivity.running).toBeNull();
    expect(state.log.at(-1)!.text).toBe('sensitivity study cancelled after 0 s');
  });

  it('keeps stage, progress and elapsed time; the result, the headline metric and a log line at the end', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'sensitivityStart' }, { type: 'sensitivityProgress', stage: 'screening', done: 12, total: 48 });
    expect(state.sensitivity.running).toMatchObject({ stage: 'screening', done: 12, total: 48 });
    state = apply(state, { type: 'sensitivityDone', result: RESULT });
    expect(state.sensitivity.running).toBeNull();
    expect(state.sensitivity.last!.result).toBe(RESULT);
    expect(state.sensitivity.metric).toBe(0);
    // A flip is a problem: the log marks it `!`.
    expect(state.log.at(-1)).toMatchObject({ kind: 'error', text: sensitivityLogLine(RESULT, 0) });
    // j/k in the Charts pane cycle the tornado's metric.
    state = apply(state, { type: 'focus', delta: 1 });
    expect(state.focus).toBe('sections');
    state = apply(state, { type: 'move', delta: 1 }, { type: 'move', delta: 1 });
    expect(state.sensitivity.metric).toBe(2);
    expect(apply(state, { type: 'move', delta: 1 }).sensitivity.metric).toBe(0);
    expect(apply(state, { type: 'move', delta: -3 }).sensitivity.metric).toBe(1);
    // Progress or an end with no study running changes nothing.
    expect(apply(state, { type: 'sensitivityProgress', stage: 'tornado', done: 1, total: 10 })).toBe(state);
    expect(apply(state, { type: 'sensitivityEnd', cancelled: false, message: 'x' })).toBe(state);
  });

  it('stays on the Sensitivity tab across later runs', async () => {
    const state = apply(await stateWithResult(), { type: 'section', index: 5 });
    expect(state.section).toBe('sensitivity');
    const next = apply(state, { type: 'run', event: { type: 'done', id: 1, result: state.current!.result, totalMs: 10 } });
    expect(next.section).toBe('sensitivity');
  });
});

describe('the Sensitivity tab, rendered', () => {
  const withStudy = async (): Promise<UiState> => apply(await stateWithResult(), { type: 'sensitivityStart' }, { type: 'sensitivityDone', result: RESULT });

  it('before a study: the hint to press y', async () => {
    const state = apply(await stateWithResult(), { type: 'section', index: 5 });
    const out = renderToString(<SectionsPane state={state} width={50} height={11} />, { columns: 50 });
    expect(out).toContain('[6 Sensitivity]');
    expect(out).toContain('press y to rank the uncertain inputs');
  });

  it('draws ranking, tornado and flips from a fixed result at 80, 120 and 160 columns, never over the pane', async () => {
    const state = await withStudy();
    for (const box of BOXES) {
      const l = layoutFor(box);
      const out = renderToString(<SectionsPane state={state} width={l.top.sectionsWidth} height={l.top.height} />, { columns: l.top.sectionsWidth });
      const rows = out.split('\n');
      expect(rows).toHaveLength(l.top.height);
      for (const row of rows) expect(row.length, row).toBeLessThanOrEqual(l.top.sectionsWidth);
      // Ink's truncation mark would mean a line was cut.
      for (const row of rows) expect(row.replace(/[│║]\s*$/, '').trimEnd().endsWith('…'), row).toBe(false);
      expect(out).toContain('[6 Sensitivity]');
      expect(out).toContain('! ');
      expect(out).toContain('▸oomRiskPerHostMonth');
      expect(out).toMatch(/1 (vms\.desktop|…)[\w.]*outstanding +\+1\.48/);
      if (box.columns >= 120) {
        expect(out).toMatch(/tornado (1\/3|\(1 of 3, j\/k\)): oomRiskPerHostMonth/);
        expect(out).toMatch(/1 ▒ │█+ █ 4 +0 … 0\.99/);
      }
    }
  });

  it('shows a study in progress (stage, done/total, elapsed) over the last result, and in the header', async () => {
    let state = await withStudy();
    state = apply(state, { type: 'sensitivityStart' }, { type: 'sensitivityProgress', stage: 'tornado', done: 3, total: 10 });
    const out = renderToString(<SensitivitySection sensitivity={state.sensitivity} values={state.values} width={82} height={15} />, { columns: 82 });
    expect(out.split('\n')[0]).toBe('▓▓▓░░░░░░░ sensitivity: tornado 3/10 · 0 s · y or Esc cancels');
    expect(out).toContain('nominal PASS');
    const header = renderToString(<Header state={state} width={160} />, { columns: 160 });
    expect(header).toContain('sensitivity: tornado 3/10 · 0 s · y or Esc cancels');
    // With a run in progress at 120 columns, the short form, whole, inside the width.
    const busy = apply(state, { type: 'rerun' }, { type: 'run', event: { type: 'started', id: state.runRequest + 1, total: 3 } });
    const narrow = renderToString(<Header state={busy} width={120} />, { columns: 120 }).split('\n')[1]!;
    expect(narrow.length).toBeLessThanOrEqual(120);
    expect(narrow).toMatch(/ · sensitivity: tornado 3\/10 · 0 s$/);
  });

  it('marks a study run with other knob values', async () => {
    const state = await withStudy();
    const out = renderToString(<SensitivitySection sensitivity={state.sensitivity} values={{ 'overcommit.cpu': 3 }} width={82} height={15} />, { columns: 82 });
    expect(out).toContain('the knobs changed since this study: y runs it again');
  });
});
