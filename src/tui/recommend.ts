/**
 * The `s` key: ask for a recommendation and apply it to the knobs.
 *
 * The recommender (`overcast recommend`, issue 7) is built separately. Once it exists, replace
 * `recommendationUnavailable` in start.tsx with an adapter that calls its function with the
 * scenario file and the current overrides and maps the recommended values (CPU and RAM allocation
 * ratios, boot limit) onto knob ids (`overcommit.cpu`, `overcommit.memory`, …). Until then the
 * key says honestly that there is nothing to run.
 */
import type { Override } from '../scenarios/overrides.js';
import type { KnobValue } from './knobs.js';

export type Recommendation =
  | { ok: true; values: Record<string, KnobValue>; summary: string }
  | { ok: false; message: string };

export type Recommender = (request: { file: string; overrides: readonly Override[] }) => Promise<Recommendation>;

export const recommendationUnavailable: Recommender = () =>
  Promise.resolve({ ok: false, message: 'recommendation not available yet (`overcast recommend`, issue 7, is being built)' });
