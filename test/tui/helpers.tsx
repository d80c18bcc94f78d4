/**
 * Test doubles for the terminal UI: a sized, resizable fake terminal (ink-testing-library's is
 * fixed at 100 columns with no rows), an awaited key press (keys written straight after a render
 * are lost: ink subscribes in an effect), and a backend whose runs finish when the test says so.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { render, type Instance } from 'ink';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import type { ModelScenario } from '../../src/model/scenario.js';
import { packageRoot } from '../../src/cli/paths.js';
import type { Loaded } from '../../src/scenarios/issues.js';
import { loadScenarioFile } from '../../src/scenarios/load.js';
import type { Override } from '../../src/scenarios/overrides.js';
import { knobOverrides, knobsFor, type KnobSpec } from '../../src/tui/knobs.js';
import { simulateScenario, type RunResult } from '../../src/tui/run-result.js';
import type { SimulationBackend, SimulationJob } from '../../src/tui/simulation.js';
import { initialState, reduce, type Action, type UiState } from '../../src/tui/state.js';

export const KEYS = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  shiftTab: '\x1b[Z',
  backspace: '\x7f',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  ctrlC: '\x03',
} as const;

export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  readonly frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = (): string => this.frames[this.frames.length - 1] ?? '';
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string): void => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = (): string | null => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export interface Rendered {
  stdout: FakeStdout;
  stdin: FakeStdin;
  instance: Instance;
  lastFrame(): string;
  /** Writes a key and waits until the frame satisfies `until` (or just settles). */
  press(key: string, until?: (frame: string) => boolean): Promise<string>;
  waitFor(until: (frame: string) => boolean, timeout?: number): Promise<string>;
}

const settle = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function renderSized(element: ReactElement, size: { columns: number; rows: number } = { columns: 120, rows: 40 }): Promise<Rendered> {
  const stdout = new FakeStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  const stderr = new FakeStdout(size.columns, size.rows);
  const instance = render(element, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const waitFor = async (until: (frame: string) => boolean, timeout = 10_000): Promise<string> => {
    await vi.waitFor(
      () => {
        if (!until(stdout.lastFrame())) throw new Error(`frame never matched; last frame:\n${stdout.lastFrame()}`);
      },
      { timeout, interval: 10 },
    );
    return stdout.lastFrame();
  };
  const press = async (key: string, until?: (frame: string) => boolean): Promise<string> => {
    await settle();
    stdin.write(key);
    if (until) return waitFor(until);
    await settle();
    return stdout.lastFrame();
  };
  await settle();
  return { stdout, stdin, instance, lastFrame: stdout.lastFrame, press, waitFor };
}

// ---- a small, quick scenario ----

/**
 * The tests' own scenario (the bundled ones change as the models grow): two peak hours of desktops
 * on 10 hosts, cheap to run, passing at CPU ratio 2 and failing at 4. The base override stands
 * for options given on the command line.
 */
export const FIXTURE_FILE = join(packageRoot(), 'test', 'tui', 'fixtures', 'ui-small.yaml');
export const FIXTURE_BASE: Override[] = ['cpuModel.microWindows=1'];
/** A keepalived pair among network-busy VMs (vhost_net off): the latency paths' knobs and Network tab. */
export const KEEPALIVED_FILE = join(packageRoot(), 'test', 'tui', 'fixtures', 'ui-keepalived.yaml');
export const UI_REPS = 2;

export interface Fixture {
  file: string;
  baseOverrides: Override[];
  scenario: ModelScenario;
  knobs: KnobSpec[];
}

const fixtures = new Map<string, Promise<Fixture>>();

export function fixture(file = FIXTURE_FILE, baseOverrides: Override[] = FIXTURE_BASE): Promise<Fixture> {
  const key = `${file}|${JSON.stringify(baseOverrides)}`;
  let f = fixtures.get(key);
  if (!f) {
    f = (async () => {
      const loaded = await loadScenarioFile(file, { overrides: baseOverrides });
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
      const knobs = knobsFor(loaded.value.scenario, { uiReplications: UI_REPS });
      const first = await loadScenarioFile(file, { overrides: [...baseOverrides, ...knobOverrides(knobs, {})] });
      if (!first.ok) throw new Error(JSON.stringify(first.issues));
      return { file, baseOverrides, scenario: first.value.scenario, knobs };
    })();
    fixtures.set(key, f);
  }
  return f;
}

const results = new Map<string, RunResult>();

/** The real result for a scenario (memoised: the same scenario always gives the same result). */
export async function resultFor(scenario: ModelScenario): Promise<RunResult> {
  const key = JSON.stringify(scenario);
  let r = results.get(key);
  if (!r) {
    r = await simulateScenario(scenario);
    results.set(key, r);
  }
  return r;
}

interface FakeRun {
  scenario: ModelScenario;
  cancelled: boolean;
  onProgress(done: number, total: number): void;
  resolve(result: RunResult): void;
  reject(error: Error): void;
}

/**
 * A backend that loads with the real loader and simulates with the real model, but in-process
 * and, with `manual`, only when the test calls `finish()`; it records what it was asked.
 */
export class ControlledBackend implements SimulationBackend {
  readonly loads: Override[][] = [];
  readonly runs: FakeRun[] = [];
  disposed = false;
  constructor(
    private readonly file: string,
    private readonly manual = false,
  ) {}

  async load(overrides: readonly Override[]): Promise<Loaded<ModelScenario>> {
    this.loads.push([...overrides]);
    const loaded = await loadScenarioFile(this.file, { overrides });
    return loaded.ok ? { ok: true, value: loaded.value.scenario } : loaded;
  }

  simulate(scenario: ModelScenario, onProgress: (done: number, total: number) => void): SimulationJob {
    let run!: FakeRun;
    const result = new Promise<RunResult>((resolve, reject) => {
      run = { scenario, cancelled: false, onProgress, resolve, reject };
    });
    this.runs.push(run);
    if (!this.manual) setTimeout(() => this.finish(this.runs.indexOf(run)), 0);
    return { result, cancel: () => void (run.cancelled = true) };
  }

  /** Completes run `index` (default: the latest) with its real result. */
  finish(index = this.runs.length - 1): void {
    const run = this.runs[index];
    if (!run || run.cancelled) return;
    run.onProgress(1, run.scenario.replications);
    void resultFor(run.scenario).then((result) => run.resolve(result), (error: unknown) => run.reject(error instanceof Error ? error : new Error(String(error))));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/** A state with a finished run #1, for reducer and component tests. */
export async function stateWithResult(size = { columns: 120, rows: 40 }): Promise<UiState> {
  const f = await fixture();
  let state = initialState({ scenarioArg: 'ui-small.yaml', baseArgs: [], scenarioName: f.scenario.name, replicationsInFile: 10, knobs: f.knobs, size, at: 0 });
  state = apply(state, { type: 'run', event: { type: 'started', id: 1, total: UI_REPS } });
  state = apply(state, { type: 'run', event: { type: 'done', id: 1, result: await resultFor(f.scenario), totalMs: 123 } });
  return state;
}

export function apply(state: UiState, ...actions: Action[]): UiState {
  return actions.reduce((s, a) => reduce(s, { ...a, at: 1_700_000_000_000 }), state);
}

/** Loads the fixture with knob values, as the UI would, and returns the finished state of that run. */
export async function runWith(state: UiState, id: number): Promise<UiState> {
  const f = await fixture();
  const loaded = await loadScenarioFile(f.file, { overrides: [...f.baseOverrides, ...knobOverrides(state.knobs, state.requestValues)] });
  if (!loaded.ok) return apply(state, { type: 'run', event: { type: 'invalid', id, issues: loaded.issues } });
  return apply(state, { type: 'run', event: { type: 'done', id, result: await resultFor(loaded.value.scenario), totalMs: 50 } });
}
