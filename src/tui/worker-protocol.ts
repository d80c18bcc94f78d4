/** Messages between the UI thread and the simulation worker (simulation-worker.ts). */
import type { ModelScenario } from '../model/scenario.js';
import type { Loaded } from '../scenarios/issues.js';
import type { Override } from '../scenarios/overrides.js';
import type { RunResult } from './run-result.js';

export type WorkerRequest =
  | { type: 'load'; id: number; file: string; overrides: Override[] }
  | { type: 'simulate'; id: number; scenario: ModelScenario };

export type WorkerReply =
  | { type: 'loaded'; id: number; loaded: Loaded<ModelScenario> }
  | { type: 'progress'; id: number; done: number; total: number }
  /** The first replication's result, before the rest (run-result.ts). */
  | { type: 'preview'; id: number; result: RunResult }
  | { type: 'result'; id: number; result: RunResult }
  | { type: 'error'; id: number; message: string };
