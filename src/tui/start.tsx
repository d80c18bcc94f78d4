/**
 * Opens the terminal UI on a real terminal: alternate screen, ink mounted on the given streams,
 * worker threads for the runs; everything restored on the way out.
 */
import { render } from 'ink';
import type { ModelScenario } from '../model/scenario.js';
import { loadScenarioFile } from '../scenarios/load.js';
import type { Override } from '../scenarios/overrides.js';
import App from './components/App.js';
import { knobOverrides, knobsFor, UI_REPLICATIONS } from './knobs.js';
import { studyRecommender } from './recommend.js';
import { studySensitivity } from './sensitivity.js';
import { WorkerBackend } from './worker-backend.js';

export interface StartOptions {
  /** The scenario file and how the user named it. */
  file: string;
  scenarioArg: string;
  /** The scenario as loaded by the CLI with `baseOverrides` (validated). */
  scenario: ModelScenario;
  /** Command-line overrides (`--set`, `--seed`, `--replications`), in the order they apply. */
  baseOverrides: Override[];
  /** The same as command-line arguments, for the equivalent `overcast run` line. */
  baseArgs: string[];
  /** True when `--replications` was given: the UI then runs exactly that many. */
  replicationsGiven: boolean;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  cwd: string;
}

const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';

/** Runs the UI until the user quits; returns the exit code. */
export async function startUi(options: StartOptions): Promise<number> {
  const { scenario } = options;
  const uiReplications = options.replicationsGiven ? scenario.replications : Math.min(scenario.replications, UI_REPLICATIONS);
  const knobs = knobsFor(scenario, { uiReplications });
  const firstOverrides = [...options.baseOverrides, ...knobOverrides(knobs, {})];
  // Run #1 goes through the same overrides as every later run; this thread has the loader warm.
  const first = await loadScenarioFile(options.file, { overrides: firstOverrides });
  const backend = new WorkerBackend(options.file);
  backend.warm(firstOverrides);

  // The alternate screen keeps the user's scrollback and avoids stale lines after a shrink.
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    options.stdout.write(LEAVE_ALTERNATE_SCREEN);
  };
  process.once('exit', restore);
  options.stdout.write(ENTER_ALTERNATE_SCREEN);
  try {
    const instance = render(
      <App
        scenarioArg={options.scenarioArg}
        baseArgs={options.baseArgs}
        scenarioName={scenario.name}
        replicationsInFile={scenario.replications}
        knobs={knobs}
        file={options.file}
        backend={backend}
        recommend={studyRecommender}
        sensitivity={studySensitivity}
        baseOverrides={options.baseOverrides}
        {...(first.ok ? { preloaded: first.value.scenario } : {})}
        cwd={options.cwd}
      />,
      { stdin: options.stdin, stdout: options.stdout, stderr: options.stderr, exitOnCtrlC: false, patchConsole: true },
    );
    await instance.waitUntilExit();
  } finally {
    await backend.dispose();
    restore();
    process.removeListener('exit', restore);
  }
  return 0;
}
