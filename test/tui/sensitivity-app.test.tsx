/**
 * `y` in the whole App, keys through a fake stdin: the study goes to an injected fake runner (no
 * simulation runs), which reports progress and finishes or is cancelled when the test says so,
 * while the screen keeps taking keys. The result it hands back is the fixed one of
 * sensitivity.test.tsx (the output of `overcast sensitivity vdi-callcenter`).
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/cli/paths.js';
import type { SensitivityResult } from '../../src/study/sensitivity.js';
import App from '../../src/tui/components/App.js';
import type { SensitivityOutcome, SensitivityRequest, SensitivityRunner } from '../../src/tui/sensitivity.js';
import { ControlledBackend, fixture, FIXTURE_BASE, KEYS, renderSized, type Rendered } from './helpers.js';

const RESULT = JSON.parse(readFileSync(join(packageRoot(), 'test', 'tui', 'fixtures', 'sensitivity-vdi-callcenter.json'), 'utf8'), (_, v: unknown) => (v === null ? Number.NaN : v)) as SensitivityResult;

/** A runner that records each request and settles only when the test calls `finish`; an abort settles it as cancelled. */
class FakeStudies {
  readonly requests: SensitivityRequest[] = [];
  private readonly settle: ((outcome: SensitivityOutcome) => void)[] = [];
  readonly runner: SensitivityRunner = (request) => {
    this.requests.push(request);
    return new Promise((resolve) => {
      this.settle.push(resolve);
      request.signal.addEventListener('abort', () => resolve({ ok: false, cancelled: true, message: 'cancelled' }));
    });
  };
  finish(index = this.settle.length - 1): void {
    this.settle[index]!({ ok: true, result: RESULT });
  }
}

let open: Rendered | undefined;
afterEach(() => {
  open?.instance.unmount();
  open = undefined;
});

async function openApp(studies: FakeStudies, size = { columns: 120, rows: 40 }) {
  const f = await fixture();
  const rendered = await renderSized(
    <App
      scenarioArg="ui-small.yaml"
      scenarioName={f.scenario.name}
      replicationsInFile={10}
      knobs={f.knobs}
      file={f.file}
      backend={new ControlledBackend(f.file)}
      baseOverrides={f.baseOverrides}
      preloaded={f.scenario}
      cwd={tmpdir()}
      now={() => 1_700_000_000_000}
      debounceMs={0}
      sensitivity={studies.runner}
    />,
    size,
  );
  open = rendered;
  await rendered.waitFor((frame) => frame.includes('run #1 done'));
  return rendered;
}

const has = (text: string) => (frame: string) => frame.includes(text);
/** The right-hand pane's text (the event log), wrapped lines joined. */
const sideText = (frame: string): string =>
  frame
    .split('\n')
    .map((l) => l.match(/│([^│]*)│$/)?.[1]?.trim() ?? '')
    .join(' ')
    .replace(/\s+/g, ' ');

describe('y: the sensitivity study from the UI', () => {
  it('starts on the knobs as they are, shows progress, takes keys meanwhile, and draws the result when it ends', async () => {
    const studies = new FakeStudies();
    const app = await openApp(studies);
    // A knob changed first: the study runs on it (the command line's overrides, then the knobs').
    await app.press(KEYS.right, has('run #2 done'));
    await app.press('y', has('[6 Sensitivity]'));
    expect(studies.requests).toHaveLength(1);
    const request = studies.requests[0]!;
    expect(request.overrides.slice(0, FIXTURE_BASE.length)).toEqual(FIXTURE_BASE);
    expect(request.overrides.map((o) => (typeof o === 'string' ? o : o.set))).toContain('overcommit.cpu=2.25');
    request.onProgress!('screening', 12, 48);
    const running = await app.waitFor(has('sensitivity: screening 12/48'));
    expect(running).toContain('y or Esc cancels');
    // The screen still takes keys while the study runs: the help opens and closes.
    await app.press('?', has('Help'));
    await app.press('?', (f) => !f.includes('this help; ? or Esc closes it'));
    request.onProgress!('tornado', 4, 10);
    await app.waitFor(has('sensitivity: tornado 4/10'));
    studies.finish();
    const done = await app.waitFor((f) => sideText(f).includes('top input vms.desktop.boot.outstanding'));
    expect(done).not.toContain('sensitivity: tornado 4/10');
    expect(done).toContain('▸oomRiskPerHostMonth');
    expect(done).toContain('! PASS → FAIL with vms.desktop.boot.outstanding');
    expect(sideText(done)).toContain('verdict PASS flips at 3 ends');
  });

  it('y again cancels: the runner sees the abort, the log says so, the next y starts afresh', async () => {
    const studies = new FakeStudies();
    const app = await openApp(studies);
    await app.press('y', has('sensitivity: the nominal point'));
    await app.press('y', (f) => sideText(f).includes('sensitivity study cancelled'));
    expect(studies.requests[0]!.signal.aborted).toBe(true);
    expect(app.lastFrame()).not.toContain('sensitivity: the nominal point');
    expect(app.lastFrame()).toContain('press y to rank the uncertain inputs');
    // A late answer from the cancelled study is dropped.
    studies.finish(0);
    await app.press('y', has('sensitivity: the nominal point'));
    expect(studies.requests).toHaveLength(2);
    expect(studies.requests[1]!.signal.aborted).toBe(false);
    expect(sideText(app.lastFrame())).not.toContain('top input');
  });

  it('Esc cancels when nothing else is open', async () => {
    const studies = new FakeStudies();
    const app = await openApp(studies);
    await app.press('y', has('sensitivity: the nominal point'));
    await app.press(KEYS.escape, (f) => sideText(f).includes('sensitivity study cancelled'));
    expect(studies.requests[0]!.signal.aborted).toBe(true);
  });

  it('holds 80 columns with a study running and after it', async () => {
    const studies = new FakeStudies();
    const app = await openApp(studies, { columns: 80, rows: 24 });
    await app.press('y', has('[6 Sensitivity]'));
    studies.requests[0]!.onProgress!('screening', 3, 48);
    await app.waitFor(has('screening 3/48'));
    studies.finish();
    const frame = await app.waitFor(has('▸oomRiskPerHostMonth'));
    for (const line of frame.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });
});
