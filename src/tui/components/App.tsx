import { Box, useApp, useInput, useStdin } from 'ink';
import { useEffect, useRef } from 'react';
import type { ModelScenario } from '../../model/scenario.js';
import type { Override } from '../../scenarios/overrides.js';
import { exportReport as writeExport, type ExportRequest } from '../export-report.js';
import { commandsForKey, isEffect, splitKeys, type Effect } from '../keymap.js';
import { knobOverrides, type KnobSpec } from '../knobs.js';
import { recommendationUnavailable, type Recommender } from '../recommend.js';
import { cliEquivalent, layoutFor } from '../selectors.js';
import { sensitivityUnavailable, type SensitivityRunner } from '../sensitivity.js';
import type { SimulationBackend } from '../simulation.js';
import { initialState } from '../state.js';
import useRuns from '../hooks/use-runs.js';
import useStore from '../hooks/use-store.js';
import useTerminalSize from '../hooks/use-terminal-size.js';
import Footer from './Footer.js';
import Header from './Header.js';
import HelpOverlay from './HelpOverlay.js';
import HostDetailView from './HostDetailView.js';
import HostTable from './HostTable.js';
import KnobsPane from './KnobsPane.js';
import SectionsPane from './SectionsPane.js';
import SidePane from './SidePane.js';
import TooSmall from './TooSmall.js';

export interface Props {
  /** The scenario as named on the command line, and the command-line options kept with it. */
  scenarioArg: string;
  baseArgs?: string[];
  scenarioName: string;
  /** Replications the scenario asks for (the UI may run fewer, and says so). */
  replicationsInFile: number;
  knobs: KnobSpec[];
  /** The scenario file, for the recommender. */
  file: string;
  /** Where runs happen (worker threads in the program, in-process or fake in tests). */
  backend: SimulationBackend;
  /** Command-line overrides, applied before the knobs'. */
  baseOverrides?: Override[];
  /** Run #1's scenario when the CLI already loaded it. */
  preloaded?: ModelScenario;
  /** Directory exports are written to. */
  cwd: string;
  /** Wall clock, ms since the epoch (event-log times, export names). */
  now?: () => number;
  recommend?: Recommender;
  /** The sensitivity study behind `y` (a worker pool in the program, a fake in tests). */
  sensitivity?: SensitivityRunner;
  exportReport?: (request: ExportRequest) => Promise<string[]>;
  debounceMs?: number;
}

/** The terminal UI: header, knobs, charts, hosts, SLOs and events, footer; help and host drill-down. */
export default function App(props: Props) {
  const now = props.now ?? Date.now;
  const size = useTerminalSize();
  const store = useStore(
    () =>
      initialState({
        scenarioArg: props.scenarioArg,
        baseArgs: props.baseArgs ?? [],
        scenarioName: props.scenarioName,
        replicationsInFile: props.replicationsInFile,
        knobs: props.knobs,
        size,
        at: now(),
      }),
    now,
  );
  const { exit } = useApp();
  const recommending = useRef(false);
  /** The sensitivity study in progress: aborting it cancels the study. */
  const study = useRef<AbortController | null>(null);
  const { isRawModeSupported } = useStdin();
  const baseOverrides = props.baseOverrides ?? [];
  const stopRuns = useRuns(store, { backend: props.backend, baseOverrides, preloaded: props.preloaded, debounceMs: props.debounceMs });

  // The elapsed time of a study in progress moves on between progress events.
  const studying = store.state.sensitivity.running !== null;
  useEffect(() => {
    if (!studying) return undefined;
    const timer = setInterval(() => store.dispatch({ type: 'sensitivityTick' }), 1000);
    return () => clearInterval(timer);
  }, [studying]);
  // Quitting (or unmounting) cancels a study in progress: its worker pool goes with it.
  useEffect(() => () => study.current?.abort(), []);

  useEffect(() => {
    const current = store.get().size;
    if (current.columns !== size.columns || current.rows !== size.rows) store.dispatch({ type: 'resize', ...size });
  }, [size.columns, size.rows]);

  const runEffect = (effect: Effect): void => {
    const state = store.get();
    switch (effect.type) {
      case 'quit':
        study.current?.abort();
        exit();
        void stopRuns();
        return;
      case 'sensitivity': {
        // `y` again (or Esc) cancels at once: the screen says so, the pool is torn down behind it.
        if (study.current) {
          study.current.abort();
          study.current = null;
          store.dispatch({ type: 'sensitivityEnd', cancelled: true, message: 'cancelled' });
          return;
        }
        if (effect.cancelOnly) return;
        const controller = new AbortController();
        study.current = controller;
        const overrides = [...baseOverrides, ...knobOverrides(state.knobs, state.values)];
        store.dispatch({ type: 'sensitivityStart' });
        // Only the study in progress may end it: a cancelled one's late answer is dropped.
        const end = (action: Parameters<typeof store.dispatch>[0]): void => {
          if (study.current !== controller) return;
          study.current = null;
          store.dispatch(action);
        };
        (props.sensitivity ?? sensitivityUnavailable)({
          file: props.file,
          overrides,
          signal: controller.signal,
          onProgress: (stage, done, total) => {
            if (study.current === controller) store.dispatch({ type: 'sensitivityProgress', stage, done, total });
          },
        }).then(
          (outcome) => end(outcome.ok ? { type: 'sensitivityDone', result: outcome.result } : { type: 'sensitivityEnd', cancelled: outcome.cancelled, message: outcome.message }),
          (error: unknown) => end({ type: 'sensitivityEnd', cancelled: false, message: error instanceof Error ? error.message : String(error) }),
        );
        return;
      }
      case 'export': {
        const shown = state.current;
        if (!shown) {
          store.dispatch({ type: 'log', kind: 'info', text: 'nothing to export yet: wait for the first run' });
          return;
        }
        const request: ExportRequest = { report: shown.result.report, runId: shown.runId, commandLine: cliEquivalent(state, shown.values), cwd: props.cwd, target: effect.target };
        (props.exportReport ?? writeExport)(request).then(
          (paths) => store.dispatch({ type: 'log', kind: 'info', text: `exported run #${shown.runId}: ${paths.join(', ')}` }),
          (error: unknown) => store.dispatch({ type: 'log', kind: 'error', text: `export failed: ${error instanceof Error ? error.message : String(error)}` }),
        );
        return;
      }
      case 'recommend': {
        // One search at a time: it runs for tens of seconds on all cores.
        if (recommending.current) {
          store.dispatch({ type: 'log', kind: 'info', text: 'a recommendation is already running' });
          return;
        }
        recommending.current = true;
        const overrides = [...baseOverrides, ...knobOverrides(state.knobs, state.values)];
        store.dispatch({ type: 'log', kind: 'info', text: 'recommendation started (the scenario’s replications, all cores; the screen stays live)' });
        (props.recommend ?? recommendationUnavailable)({ file: props.file, overrides, onStatus: (text) => store.dispatch({ type: 'recommendStatus', text }) })
          .then(
            (r) => store.dispatch(r.ok ? { type: 'applyValues', values: r.values, reason: `recommendation (${r.summary})` } : { type: 'log', kind: 'info', text: r.message }),
            (error: unknown) => store.dispatch({ type: 'log', kind: 'error', text: `recommendation failed: ${error instanceof Error ? error.message : String(error)}` }),
          )
          .finally(() => {
            recommending.current = false;
            store.dispatch({ type: 'recommendStatus', text: null });
          });
        return;
      }
    }
  };

  useInput(
    (input, key) => {
      for (const press of splitKeys(input, key, store.get().edit !== null || store.get().exportPrompt !== null || store.get().filtering)) {
        for (const command of commandsForKey(store.get(), press.input, press.key)) {
          if (isEffect(command)) runEffect(command);
          else store.dispatch(command);
        }
      }
    },
    { isActive: Boolean(isRawModeSupported) },
  );

  const state = store.state;
  const layout = layoutFor(size);
  if (layout.tooSmall) return <TooSmall columns={size.columns} rows={size.rows} />;
  const { top, bottom } = layout;
  return (
    <Box flexDirection="column" width={size.columns} height={size.rows - 1}>
      <Header state={state} width={size.columns} />
      {state.help ? (
        <HelpOverlay width={size.columns} height={layout.bodyHeight} scroll={state.helpScroll} />
      ) : state.detail !== null ? (
        <HostDetailView state={state} width={size.columns} height={layout.bodyHeight} />
      ) : (
        <Box flexDirection="column" height={layout.bodyHeight}>
          <Box height={top.height}>
            <KnobsPane state={state} width={top.knobsWidth} height={top.height} />
            <SectionsPane state={state} width={top.sectionsWidth} height={top.height} />
          </Box>
          <Box height={bottom.height}>
            <HostTable state={state} width={bottom.hostsWidth} height={bottom.height} />
            <SidePane state={state} width={bottom.sideWidth} height={bottom.height} />
          </Box>
        </Box>
      )}
      <Footer editing={state.edit !== null} exportPrompt={state.exportPrompt?.text ?? null} filterPrompt={state.filtering ? state.filter : null} width={size.columns} />
    </Box>
  );
}
