/**
 * Every pane rendered alone with renderToString (no terminal, no input): what it shows for a real
 * result, and that meaning is written out, not left to colour.
 */
import { renderToString } from 'ink';
import { describe, expect, it } from 'vitest';
import CpuSection from '../../src/tui/components/CpuSection.js';
import EventLog from '../../src/tui/components/EventLog.js';
import Footer from '../../src/tui/components/Footer.js';
import Header from '../../src/tui/components/Header.js';
import HelpOverlay from '../../src/tui/components/HelpOverlay.js';
import HostDetailView from '../../src/tui/components/HostDetailView.js';
import { fmt } from '../../src/report/format.js';
import HostTable, { fitColumns } from '../../src/tui/components/HostTable.js';
import KnobsPane from '../../src/tui/components/KnobsPane.js';
import PlacementSection from '../../src/tui/components/PlacementSection.js';
import SectionsPane from '../../src/tui/components/SectionsPane.js';
import SidePane from '../../src/tui/components/SidePane.js';
import SloList from '../../src/tui/components/SloList.js';
import TooSmall from '../../src/tui/components/TooSmall.js';
import { SECTIONS } from '../../src/tui/sections.js';
import type { UiState } from '../../src/tui/state.js';
import { apply, runWith, stateWithResult } from './helpers.js';

const lines = (text: string): string[] => text.split('\n');

/** The state after turning the CPU ratio from 2 to 4 with run #1 pinned as the baseline. */
async function comparedState(): Promise<UiState> {
  let state = await stateWithResult();
  state = apply(state, { type: 'compare' }, { type: 'editStart', text: '4' }, { type: 'editCommit' });
  return runWith(state, state.runRequest);
}

describe('Header', () => {
  it('shows scenario, hosts, VMs, ratios and the verdict in words; the baseline verdict when comparing', async () => {
    const state = await stateWithResult();
    const out = renderToString(<Header state={state} width={160} />, { columns: 160 });
    expect(out).toContain('overcast │ ui-small │ Verdict: ✓ PASS │ 10 hosts │ 300 VMs │ CPU ratio 2.00 │ RAM ratio 1.20 │ vCPU:pCPU 2.00');
    expect(out).toContain('run #1 done in 123 ms');
    expect(out).toContain("2 of the scenario's 10 replications, for speed");
    const compared = renderToString(<Header state={await comparedState()} width={200} />, { columns: 200 });
    expect(compared).toContain('Verdict: ✗ FAIL (baseline ✓ PASS)');
    expect(compared).toContain('compare: baseline run #1');
  });

  it('shows a run in progress with a bar, and a problem with !', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'adjust', steps: 1, big: false }, { type: 'run', event: { type: 'started', id: 2, total: 4 } }, { type: 'run', event: { type: 'progress', id: 2, done: 2, total: 4 } });
    const out = renderToString(<Header state={state} width={160} />, { columns: 160 });
    expect(out).toContain('⟳ ▓▓▓▓▓░░░░░ run #2: simulating 2/4 replications… (results of run #1)');
    const failed = apply(state, { type: 'run', event: { type: 'failed', id: 2, message: 'worker died' } });
    expect(renderToString(<Header state={failed} width={160} />, { columns: 160 })).toContain('! run #2 failed: worker died');
  });
});

describe('KnobsPane', () => {
  it('lists knobs with values, marks the selection and changed knobs, and shows the hint', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'adjust', steps: 4, big: false });
    const out = renderToString(<KnobsPane state={state} width={40} height={18} />, { columns: 40 });
    expect(out).toMatch(/>\*CPU ratio\s+3\.00/);
    expect(out).toMatch(/ {2}RAM ratio\s+1\.20/);
    expect(out).toContain('1 changed');
    expect(out).toContain('vCPU allocation ratio');
    expect(lines(out)).toHaveLength(18);
  });

  it('shows the value being typed and the baseline value when comparing', async () => {
    let state = await comparedState();
    expect(renderToString(<KnobsPane state={state} width={44} height={18} />, { columns: 44 })).toMatch(/CPU ratio\s+4\.00 base 2\.00/);
    state = apply(state, { type: 'editStart', text: '3' }, { type: 'editInput', text: '.' });
    const out = renderToString(<KnobsPane state={state} width={44} height={18} />, { columns: 44 });
    expect(out).toContain('[3._]');
    expect(out).toContain('CPU ratio: Enter applies, Esc cancels');
  });

  it('scrolls to keep the selected knob visible in a short pane', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'moveTo', where: 'last' });
    const out = renderToString(<KnobsPane state={state} width={40} height={8} />, { columns: 40 });
    expect(out).toMatch(/>\s+replications\s+2/);
    expect(out).not.toContain('CPU ratio');
  });
});

describe('CPU and placement sections', () => {
  it('draws the ready distribution against the SLO and both timelines when they fit', async () => {
    const state = await stateWithResult();
    const out = renderToString(<CpuSection current={state.current!.result} baseline={null} width={80} height={26} chart={0} />, { columns: 80 });
    expect(out).toContain('CPU ready % per vCPU-interval · ┃ SLO p95 ≤ 5.00 %');
    expect(out).toMatch(/ p95 .*┃.* %/);
    expect(out).toMatch(/p95 .* ✓/);
    expect(out).toContain('ready % over the run');
    expect(out).toContain('host CPU utilisation % (█ mean of hosts • busiest host)');
    expect(out).toContain('100 %┤');
    expect(out).toMatch(/0h .* 2h/);
  });

  it('shows one chart at a time when short, and the baseline as dots when comparing', async () => {
    const state = await comparedState();
    const short = renderToString(<CpuSection current={state.current!.result} baseline={state.baseline!.result} width={80} height={12} chart={1} />, { columns: 80 });
    expect(short).toContain('host CPU utilisation %, mean (█ now · baseline) (2/2, j/k)');
    expect(short).not.toContain('ready % over the run');
    expect(short).toMatch(/p95 .* ✗ base/);
    expect(short).toContain('·');
  });

  it('shows placement against what the ratios offer, per host', async () => {
    const state = await comparedState();
    const out = renderToString(<PlacementSection current={state.current!.result} baseline={state.baseline!.result} width={90} height={14} chart={0} />, { columns: 90 });
    expect(out).toContain('vCPUs 1200 of 1200 offered (300 pCPUs × ratio 4.00) · vCPU:pCPU 4.00 (base 2.00)');
    expect(out).toContain('VMs placed 600 (base 300) · unplaced 0');
    expect(out).toMatch(/compute-1 +vCPU .*120\/120 /);
  });

  it('tabs list only the sections the report has, with fixed numbers, the active one bracketed', async () => {
    let state = await stateWithResult();
    state = apply(state, { type: 'section', index: SECTIONS.findIndex((s) => s.id === 'placement') });
    const out = renderToString(<SectionsPane state={state} width={90} height={16} />, { columns: 90 });
    expect(out).toContain(' 1 CPU ');
    expect(out).toContain('[5 Placement]');
    expect(out).toContain('vCPUs 600 of');
    // A report without disks or boots has no IO tab; Placement keeps its number.
    const report = state.current!.result.report;
    const bare = { ...state, current: { ...state.current!, result: { ...state.current!.result, report: { ...report, io: { ...report.io, devices: 0 }, boot: { ...report.boot, count: 0 } } } } };
    const without = renderToString(<SectionsPane state={bare} width={90} height={16} />, { columns: 90 });
    expect(without).not.toContain('IO & boots');
    expect(without).toContain('[5 Placement]');
    // Pressing 3 (IO) there does nothing.
    expect(apply(bare, { type: 'section', index: 2 }).section).toBe('placement');
  });
});

describe('HostTable and host detail', () => {
  it('lists hosts sorted with the columns that fit and the selected row marked', async () => {
    const state = apply(await stateWithResult(), { type: 'focus', delta: 2 });
    const out = renderToString(<HostTable state={state} width={90} height={16} />, { columns: 90 });
    expect(out).toContain('Hosts (10)');
    expect(out).toContain('sorted by ready % mean');
    // The sorted column (ready % mean, the default) is marked ▼ before its title.
    expect(out).toMatch(/host +VMs vCPU\/pCPU +RAM %▼ready% mean ready% max util% mean util% max/);
    const byUtil = renderToString(<HostTable state={apply(state, { type: 'sort', delta: 1 })} width={90} height={16} />, { columns: 90 });
    expect(byUtil).toMatch(/ready% mean ready% max util% mean▼util% max/);
    expect(lines(out).filter((l) => /compute-\d+/.test(l))).toHaveLength(10);
    expect(out).toMatch(/>\s*compute-\d+ +30 +2\.00/);
    expect(fitColumns(40, false).map((c) => c.key)).toEqual(['name', 'readyMean', 'utilMax']);
    expect(fitColumns(60, true).map((c) => c.key)).toEqual(['name', 'vms', 'readyMean', 'delta', 'utilMax']);
  });

  it('shows Δready against the baseline and flags nothing below 5 %', async () => {
    const state = await comparedState();
    const out = renderToString(<HostTable state={state} width={110} height={16} />, { columns: 110 });
    expect(out).toContain('Δready mean');
    expect(out).toMatch(/compute-\d+ .*\+\d/);
    expect(out).not.toMatch(/^│ ?!/m);
  });

  it('drills into a host: numbers, VM groups and the VM list with each VM’s ready %', async () => {
    const state = apply(await stateWithResult(), { type: 'focus', delta: 2 }, { type: 'activate' });
    const out = renderToString(<HostDetailView state={state} width={100} height={30} />, { columns: 100 });
    expect(out).toContain(`Host ${state.detail}`);
    expect(out).toContain('Esc back');
    expect(out).toContain('30 pCPUs · 60 vCPUs (2.00 per pCPU)');
    expect(out).toContain('VMs (30): ops 1 · desktop 29');
    expect(out).toMatch(/VM +group +vCPUs +GiB +ready% mean/);
    // Each VM's own mean ready % (the study's per-VM figure), not the host's.
    const host = state.current!.result.hosts.find((h) => h.name === state.detail)!;
    const vm = host.vms.find((v) => v.group === 'desktop')!;
    expect(out).toMatch(new RegExp(`${vm.name} +desktop +2 +4\\.00 +${fmt(vm.readyPctMean).replace('.', '\\.')}\\b`));
    expect(out).toMatch(/ops-\d+ +ops +2 +4\.00 +[\d.]+/);
  });
});

describe('SLOs, events, help, footer, too small', () => {
  it('writes PASS/FAIL with value and limit, and the baseline when comparing', async () => {
    const out = renderToString(<SloList state={await comparedState()} />, { columns: 100 });
    expect(out).toMatch(/✗ FAIL cpuReadyPctP95 \d+\.\d+ > 5\.00 % \(base .* PASS\)/);
  });

  it('lists events newest first with their kind mark, and scrolls', async () => {
    const log = [
      { at: 0, kind: 'info' as const, text: 'opened' },
      { at: 0, kind: 'change' as const, text: 'CPU ratio: 2.00 → 4.00' },
      { at: 0, kind: 'run' as const, text: 'run #2: verdict PASS → FAIL' },
      { at: 0, kind: 'error' as const, text: 'export failed' },
    ];
    const out = renderToString(<EventLog log={log} scroll={0} height={3} />, { columns: 80 });
    expect(lines(out).map((l) => l.slice(9))).toEqual(['! export failed', '• run #2: verdict PASS → FAIL', '~ CPU ratio: 2.00 → 4.00']);
    expect(renderToString(<EventLog log={log} scroll={3} height={3} />, { columns: 80 })).toContain('opened');
    const state = await stateWithResult();
    expect(renderToString(<SidePane state={state} width={60} height={10} />, { columns: 60 })).toMatch(/run #1: 123 ms \(simulation \d+\) ·/);
  });

  it('help scrolls when it does not fit, and reaches the marks', () => {
    const top = renderToString(<HelpOverlay width={80} height={20} scroll={0} />, { columns: 80 });
    expect(top).toMatch(/j\/k scroll \(\d+ more below\)/);
    expect(top).not.toContain('Marks');
    const end = renderToString(<HelpOverlay width={80} height={20} scroll={100} />, { columns: 80 });
    expect(end).toContain('Marks');
    expect(end).toContain('j/k scroll (end)');
  });

  it('help lists the keys of every pane and the marks', () => {
    const out = renderToString(<HelpOverlay width={130} height={30} scroll={0} />, { columns: 130 });
    for (const text of ['q  Ctrl-C', 'Tab  Shift-Tab', 'Esc', 'compare', 'export', 'recommendation', 'drill down', '✓ PASS  ✗ FAIL', 'Knobs', 'Hosts', 'Charts']) expect(out).toContain(text);
  });

  it('the footer always shows the main keys, on two lines when one is too narrow; while typing, how to finish', () => {
    const keys = [' q  quit', ' ?  help', ' Tab  pane', ' Enter  open', ' Esc  back', ' r  re-run', ' s  recommend', ' e  export', ' c  compare'];
    for (const columns of [160, 120, 80]) {
      const out = renderToString(<Footer editing={false} width={columns} />, { columns });
      for (const key of keys) expect(out, `${columns} columns`).toContain(key);
      expect(out).not.toContain('…');
      for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
      expect(out.split('\n')).toHaveLength(columns >= 130 ? 1 : 2);
    }
    expect(renderToString(<Footer editing width={100} />, { columns: 100 })).toContain(' Enter  apply  Esc  cancel');
  });

  it('help wraps every description under itself, at any width, and never cuts or glues one', () => {
    for (const columns of [80, 120, 160]) {
      const out = renderToString(<HelpOverlay width={columns} height={200} scroll={0} />, { columns });
      expect(out, `${columns} columns`).not.toContain('…');
      expect(out).not.toContain('borderthe');
      // Every word of every description is on screen.
      const words = new Set(out.split(/\s+/));
      for (const word of 'a host whose mean CPU ready users notice (≥ 5 %); a problem in the log'.split(' ')) expect(words.has(word), word).toBe(true);
      for (const word of 'drill down: the host’s VMs and numbers (Esc back)'.split(' ')) expect(words.has(word), word).toBe(true);
    }
  });

  it('says the terminal is too small, btop-style', () => {
    const out = renderToString(<TooSmall columns={60} rows={20} />, { columns: 60 });
    expect(out).toContain('Terminal size too small:\nWidth = 60 Height = 20\nNeeded for current config:\nWidth = 80 Height = 24');
  });

  it('renders no escape codes with colour off (NO_COLOR maps to FORCE_COLOR=0)', async () => {
    expect(process.env.FORCE_COLOR).toBe('0');
    const state = await comparedState();
    const out = renderToString(<Header state={state} width={200} />, { columns: 200 }) + renderToString(<HostTable state={state} width={110} height={16} />, { columns: 110 });
    expect(out).not.toMatch(/\x1b\[/);
  });
});
