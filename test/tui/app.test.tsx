/**
 * The whole App with keys through a fake stdin: every binding, with the real loader and model
 * behind an in-process backend (runs finish at once, or when the test says so).
 */
import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src/tui/components/App.js';
import type { Recommender } from '../../src/tui/recommend.js';
import { presentSections } from '../../src/tui/sections.js';
import { runCli } from '../helpers/cli.js';
import { ControlledBackend, fixture, FIXTURE_BASE, FIXTURE_FILE, KEEPALIVED_FILE, KEYS, renderSized, resultFor, type Rendered } from './helpers.js';

const fixtureReport = async () => (await resultFor((await fixture()).scenario)).report;

const NOW = new Date(2026, 10, 22, 21, 36, 0).getTime();
let open: (Rendered & { backend: ControlledBackend }) | undefined;

afterEach(() => {
  open?.instance.unmount();
  open = undefined;
});

async function openApp(options: { manual?: boolean; size?: { columns: number; rows: number }; recommend?: Recommender; cwd?: string; file?: string } = {}) {
  const f = options.file ? await fixture(options.file, []) : await fixture();
  const backend = new ControlledBackend(f.file, options.manual ?? false);
  const rendered = await renderSized(
    <App
      scenarioArg={options.file ? 'ui-keepalived.yaml' : 'ui-small.yaml'}
      baseArgs={f.baseOverrides.flatMap((s) => ['--set', s as string])}
      scenarioName={f.scenario.name}
      replicationsInFile={10}
      knobs={f.knobs}
      file={f.file}
      backend={backend}
      baseOverrides={f.baseOverrides}
      preloaded={f.scenario}
      cwd={options.cwd ?? tmpdir()}
      now={() => NOW}
      debounceMs={0}
      {...(options.recommend ? { recommend: options.recommend } : {})}
    />,
    options.size ?? { columns: 120, rows: 40 },
  );
  open = { ...rendered, backend };
  if (!options.manual) await rendered.waitFor((frame) => frame.includes('run #1 done'));
  return open;
}

const has = (text: string) => (frame: string) => frame.includes(text);
/** The text of the right-most pane on each row, joined: event-log entries read whole even when wrapped. */
const sideText = (frame: string): string =>
  frame
    .split('\n')
    .map((l) => l.match(/│([^│]*)│$/)?.[1]?.trim() ?? '')
    .join(' ')
    .replace(/\s+/g, ' ');
const logHas = (text: string) => (frame: string) => sideText(frame).includes(text);
/** The knob row (in the left pane) that contains `label`. */
const knobLine = (frame: string, label: string): string => frame.split('\n').find((l) => /^[║│]/.test(l) && l.includes(label)) ?? '';
/** The title line of the focused pane (marked ▸). */
const focusedPane = (frame: string): string => (frame.match(/▸ ([A-Za-z&]+(?: & events)?)/)?.[1] ?? '').trim();

describe('the App', () => {
  it('opens with header, knobs, charts, hosts, SLOs, events and the footer; run #1 needs no load', async () => {
    const app = await openApp();
    const frame = app.lastFrame();
    for (const text of ['overcast │ ui-small │ Verdict: ✓ PASS │ 10 hosts │ 300 VMs │ CPU ratio 2.00', '▸ Knobs', 'Charts', '[1 CPU]', 'Hosts (10)', 'SLOs & events', '✓ PASS cpuReadyPctP95', ' q  quit']) expect(frame).toContain(text);
    expect(app.backend.loads).toHaveLength(0);
    expect(frame.split('\n').length).toBeLessThanOrEqual(39);
  });

  it('→ and l raise the selected knob, ← and h lower it; each change re-runs with the override', async () => {
    const app = await openApp();
    await app.press(KEYS.right, has('CPU ratio 2.25 │'));
    expect(app.backend.loads.at(-1)).toEqual([...FIXTURE_BASE, { set: 'overcommit.cpu=2.25', label: '--set overcommit.cpu=2.25' }, { set: 'replications=2', label: '--replications 2' }]);
    await app.press('l', has('CPU ratio 2.50 │'));
    await app.press('L', has('CPU ratio 3.50 │'));
    await app.press('h', has('CPU ratio 3.25 │'));
    await app.press(KEYS.left, has('CPU ratio 3.00 │'));
    expect(knobLine(app.lastFrame(), 'CPU ratio')).toMatch(/>\*CPU ratio\s+3\.00/);
  });

  it('typing a ratio and Enter turns the verdict; Esc cancels typing; Backspace erases', async () => {
    const app = await openApp();
    await app.press('4', has('[4_]'));
    await app.press('.', has('[4._]'));
    await app.press(KEYS.backspace, has('[4_]'));
    await app.press(KEYS.escape, (f) => !f.includes('[4_]'));
    expect(app.backend.loads).toHaveLength(0);
    await app.press('4', has('[4_]'));
    const frame = await app.press(KEYS.enter, has('Verdict: ✗ FAIL'));
    expect(frame).toContain('✗ FAIL cpuReadyPctP95');
    expect(sideText(frame)).toContain('verdict PASS → FAIL');
    expect(sideText(frame)).toContain('CPU ratio: 2.00 → 4.00');
  });

  it('a value the scenario rejects is reverted with the loader’s message', async () => {
    const app = await openApp();
    await app.press('0', has('[0_]'));
    const frame = await app.press(KEYS.enter, has('not started'));
    expect(sideText(frame)).toContain('overcommit.cpu: expected a number > 0');
    expect(frame).toContain('value reverted');
    expect(knobLine(frame, 'CPU ratio')).toMatch(/CPU ratio\s+2\.00/);
  });

  it('Tab and Shift-Tab move between panes; j/k and ↓/↑ move in the focused pane', async () => {
    const app = await openApp();
    expect(focusedPane(app.lastFrame())).toBe('Knobs');
    await app.press('j');
    await app.press(KEYS.down, (f) => knobLine(f, 'hosts compute').startsWith('║>'));
    await app.press('k', (f) => knobLine(f, 'RAM ratio').startsWith('║>'));
    await app.press(KEYS.up, (f) => knobLine(f, 'CPU ratio').startsWith('║>'));
    await app.press(KEYS.tab, (f) => focusedPane(f) === 'Charts');
    await app.press(KEYS.tab, (f) => focusedPane(f) === 'Hosts');
    await app.press(KEYS.tab, (f) => focusedPane(f) === 'SLOs & events');
    await app.press(KEYS.tab, (f) => focusedPane(f) === 'Knobs');
    await app.press(KEYS.shiftTab, (f) => focusedPane(f) === 'SLOs & events');
  });

  it('a burst of keys counts each key (jjj moves three knobs down)', async () => {
    const app = await openApp();
    await app.press('jjj', (f) => knobLine(f, 'VMs ops').startsWith('║>'));
  });

  it('Enter on a host drills down to its VMs; Esc goes back', async () => {
    const app = await openApp();
    await app.press(KEYS.tab);
    await app.press(KEYS.tab, (f) => focusedPane(f) === 'Hosts');
    await app.press('G');
    const detail = await app.press(KEYS.enter, has('VMs (30): ops 1 · desktop 29'));
    expect(detail).toMatch(/Host compute-\d+/);
    expect(detail).toContain('30 pCPUs · 60 vCPUs');
    const back = await app.press(KEYS.escape, has('Hosts (10)'));
    expect(back).not.toContain('VMs (30)');
  });

  it('/ filters the hosts as typed (by host name, VM name or group) and the drilled-into host\'s VMs; Esc clears it', async () => {
    const app = await openApp();
    await app.press('/', (f) => focusedPane(f) === 'Hosts' && f.includes('filter hosts and VMs: /_'));
    // The fixture names its ten hosts compute-1 … compute-10: "compute-1" keeps compute-1 and compute-10.
    await app.press('compute-1', has('Hosts (2 of 10) /compute-1'));
    await app.press(KEYS.backspace, has('Hosts (10 of 10) /compute-'));
    await app.press(KEYS.escape, has('Hosts (10)'));
    // Every host holds one of the ten `ops` VMs (the drill-down test above: ops 1 · desktop 29).
    await app.press('/');
    await app.press('ops', has('Hosts (10 of 10) /ops'));
    await app.press(KEYS.enter, (f) => !f.includes('filter hosts and VMs'));
    const detail = await app.press(KEYS.enter, has('matching /ops'));
    expect(detail).toMatch(/VMs \(1 of 30 matching \/ops\): ops 1 · desktop 29/);
    await app.press(KEYS.escape, has('Hosts (10 of 10) /ops'));
    await app.press(KEYS.escape, has('Hosts (10)'));
  });

  it('? opens the help, j/k scroll it, ? or Esc closes it', async () => {
    const app = await openApp({ size: { columns: 100, rows: 30 } });
    await app.press('?', has('Everywhere'));
    // The last mark's line lies below a 30-row screen until the help is scrolled.
    expect(app.lastFrame()).not.toContain('busiest host');
    for (let i = 0; i < 3; i++) await app.press(KEYS.pageDown);
    await app.waitFor(has('busiest host'));
    await app.press('?', (f) => !f.includes('Everywhere'));
    await app.press('?', has('Everywhere'));
    await app.press(KEYS.escape, (f) => !f.includes('Everywhere'));
  });

  it('r re-runs and reads the scenario again', async () => {
    const app = await openApp();
    await app.press('r', has('run #2 done'));
    expect(app.backend.loads).toHaveLength(1);
    expect(sideText(app.lastFrame())).toContain('re-run requested');
  });

  it('s says so when no recommender is plugged in', async () => {
    const app = await openApp();
    await app.press('s', logHas('recommendation not available here'));
  });

  it('s applies a recommendation when a recommender is plugged in', async () => {
    const recommend: Recommender = ({ overrides }) => Promise.resolve({ ok: true, values: { 'overcommit.cpu': 3 }, summary: `from ${overrides.length} overrides` });
    const app = await openApp({ recommend });
    const frame = await app.press('s', has('CPU ratio 3.00 │'));
    expect(sideText(frame)).toContain(`recommendation (from ${FIXTURE_BASE.length + 1} overrides): CPU ratio 2.00 → 3.00`);
  });

  it('e asks for the path (default shown); Enter writes JSON (identical to `overcast run --json`), markdown and HTML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overcast-ui-'));
    const app = await openApp({ cwd: dir });
    await app.press(KEYS.right, has('run #2 done'));
    const prompt = await app.press('e', has('export to: overcast-ui-small-20261122-213600_'));
    expect(prompt).toContain('Enter export');
    expect(prompt).toContain('no extension: all three');
    await app.press(KEYS.enter, logHas('exported run #2'));
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['overcast-ui-small-20261122-213600.html', 'overcast-ui-small-20261122-213600.json', 'overcast-ui-small-20261122-213600.md']);
    const json = await readFile(join(dir, files[1]!), 'utf8');
    const cli = await runCli(['run', FIXTURE_FILE, '--json', ...FIXTURE_BASE.flatMap((s) => ['--set', s as string]), '--set', 'overcommit.cpu=2.25', '--replications', '2']);
    expect(json).toBe(cli.stdout);
    const markdown = await readFile(join(dir, files[2]!), 'utf8');
    expect(markdown).toMatch(/^# overcast report: ui-small/);
    expect(markdown).toContain('overcast run ui-small.yaml --set cpuModel.microWindows=1 --set overcommit.cpu=2.25 --replications 2');
    const html = await readFile(join(dir, files[0]!), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain('ui-small');
  });

  it('e: a typed path ending in .html writes only that file (subdirectory of the working directory); Esc writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overcast-ui-'));
    await mkdir(join(dir, 'out'));
    const app = await openApp({ cwd: dir });
    await app.press('e', has('export to: overcast-ui-small-'));
    await app.press(KEYS.escape, (f) => !f.includes('export to:'));
    expect(await readdir(dir)).toEqual(['out']);
    await app.press('e', has('export to: overcast-ui-small-'));
    await app.press('\x15', has('export to: _'));
    await app.press('out/fleet.html', has('export to: out/fleet.html_'));
    await app.press(KEYS.enter, logHas('exported run #1'));
    expect(await readdir(join(dir, 'out'))).toEqual(['fleet.html']);
    expect(await readFile(join(dir, 'out', 'fleet.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
  });

  it('c pins a baseline and shows the changed results beside it; c again clears it', async () => {
    const app = await openApp();
    await app.press('c', logHas('compare on'));
    await app.press('4');
    const frame = await app.press(KEYS.enter, has('Verdict: ✗ FAIL (baseline ✓ PASS)'));
    expect(frame).toContain('Verdict: ✗ FAIL (baseline ✓ PASS)');
    expect(knobLine(frame, 'CPU ratio')).toContain('base 2.00');
    expect(frame).toContain('Δready mean');
    await app.press('c', (f) => !f.includes('baseline ✓'));
  });

  it('1-9 and [ ] pick chart tabs (outside the knobs), ←→ in the Charts pane too; < > sort the hosts', async () => {
    const app = await openApp();
    const second = presentSections((await fixtureReport()))[1]!.title;
    await app.press(']', has(`[2 ${second}]`));
    await app.press('[', has('[1 CPU]'));
    await app.press(KEYS.tab, (f) => focusedPane(f) === 'Charts');
    await app.press('2', has(`[2 ${second}]`));
    await app.press(KEYS.left, has('[1 CPU]'));
    await app.press('>', has('sorted by util % max'));
    await app.press('<', has('sorted by ready % mean'));
  });

  it('x resets the selected knob and X all knobs', async () => {
    const app = await openApp();
    await app.press('l', has('CPU ratio 2.25 │'));
    await app.press('x', has('CPU ratio 2.00 │'));
    await app.press('j');
    await app.press('l', has('RAM ratio 1.25 │'));
    await app.press('X', has('RAM ratio 1.20 │'));
  });

  it('a newer change cancels the running run, and the screen answers keys meanwhile', async () => {
    const app = await openApp({ manual: true });
    app.backend.finish(0);
    await app.waitFor(has('run #1 done'));
    await app.press('l', has('simulating'));
    expect(app.backend.runs).toHaveLength(2);
    await app.press('l', logHas('run #2 cancelled: superseded by run #3'));
    expect(app.backend.runs[1]!.cancelled).toBe(true);
    // Still running run #3: the help opens and closes at once.
    await app.press('?', has('Everywhere'));
    await app.press('?', has('run #3: simulating'));
    app.backend.finish();
    await app.waitFor(has('CPU ratio 2.50 │'));
  });

  it('says the terminal is too small below 80 × 24, and lays out again when it grows', async () => {
    const app = await openApp();
    app.stdout.resize(70, 20);
    await app.waitFor(has('Terminal size too small:'));
    expect(app.lastFrame()).toContain('Width = 70 Height = 20');
    app.stdout.resize(80, 24);
    const frame = await app.waitFor(has('Verdict: ✓ PASS'));
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
    expect(frame).toContain(' q  quit');
  });

  it('a scenario with latency paths: vhost_net toggles with an override and a re-run; the Network tab shows heartbeats', async () => {
    const app = await openApp({ file: KEEPALIVED_FILE });
    expect(knobLine(app.lastFrame(), 'vhost_net lb')).toMatch(/vhost_net lb\s+off/);
    expect(knobLine(app.lastFrame(), 'queues busy')).toMatch(/queues busy\s+2/);
    await app.press('j'.repeat(9), (f) => knobLine(f, 'vhost_net lb').startsWith('║>'));
    const frame = await app.press(KEYS.right, has('run #2 done'));
    expect(knobLine(frame, 'vhost_net lb')).toMatch(/>\*vhost_net lb\s+on/);
    expect(app.backend.loads.at(-1)).toEqual([{ set: 'vms.lb.network.vhostNet=true', label: '--set vms.lb.network.vhostNet=true' }, { set: 'replications=2', label: '--replications 2' }]);
    expect(app.backend.runs.at(-1)!.scenario.vms.map((g) => g.network?.vhostNet)).toEqual([true, false, undefined]);
    expect(sideText(frame)).toContain('vhost_net lb: off → on');
    const tab = presentSections((await resultFor(app.backend.runs.at(-1)!.scenario)).report).findIndex((x) => x.id === 'network') + 1;
    expect(tab).toBeGreaterThan(1);
    await app.press(KEYS.tab, (f) => focusedPane(f) === 'Charts');
    const network = await app.press(String(tab), has(`[${tab} Network]`));
    expect(network).toContain('lb: lb-1 → lb-2 · advert every 1000 ms · ┃ master-down 3609 ms');
    expect(network).toMatch(/gap max .* ms ✓ below/);
    expect(network).toMatch(/busy ×6 .* Gbit\/s \(\d+ %\) ✗ bottleneck qemu/);
    expect(network).toContain('flapsPerDay');
  });

  it('q quits, and so does Ctrl-C, also while typing a value', async () => {
    for (const keys of [['q'], [KEYS.ctrlC], ['4', KEYS.ctrlC]]) {
      const app = await openApp();
      let exited = false;
      void app.instance.waitUntilExit().then(() => (exited = true));
      for (const key of keys) await app.press(key);
      await app.waitFor(() => exited);
      expect(app.backend.disposed).toBe(true);
    }
  });
});
