/**
 * The `s` key: run `overcast recommend` on the scenario as the knobs have it now and apply the
 * values to paste (CPU and RAM allocation ratios, boot limit) to the knobs.
 *
 * The search runs its replications on a worker pool, so the screen stays responsive; it uses the
 * scenario's replications, not the UI's reduced count, because the recommendation is judged on
 * the upper end of 95 % intervals and a handful of replications would make it needlessly timid.
 * Risk curves and what-ifs are skipped: the UI applies values, `overcast recommend` explains them.
 */
import { readFile } from 'node:fs/promises';
import { SLO_STATUS_TEXT } from '../model/slo.js';
import { basename } from 'node:path';
import { createWorkerPool, defaultWorkers } from '../parallel/pool.js';
import type { Override } from '../scenarios/overrides.js';
import { knobById } from '../study/knobs.js';
import { recommend, type RecommendResult } from '../study/recommend.js';
import { entryPath, type KnobValue } from './knobs.js';
import { grownCount } from '../study/fleet.js';

export type Recommendation =
  | { ok: true; values: Record<string, KnobValue>; summary: string }
  | { ok: false; message: string };

export interface RecommendRequest {
  file: string;
  overrides: readonly Override[];
  /** Progress, one short line per candidate ("cpuAllocationRatio 1.6: fail"). */
  onStatus?: (text: string) => void;
}

export type Recommender = (request: RecommendRequest) => Promise<Recommendation>;


/** A `replications=` override (the UI's reduced count): searches and studies choose their own. */
export const isReplicationsOverride = (o: Override): boolean => /^\s*replications\s*=/.test(typeof o === 'string' ? o : o.set);

/** The values to paste as knob values, and a one-line account of them. */
export function recommendationToKnobs(result: RecommendResult): Recommendation {
  const values: Record<string, KnobValue> = {};
  const parts: string[] = [];
  for (const knob of result.knobs) {
    const value = result.combined.values[knob.id];
    if (value === null || value === undefined) continue;
    // A UI knob is named by its override path, the path the recommender's knob sets.
    values[knobById(knob.id).path] = value;
    // A knob that failed below its answer (../study/monotone.ts): lowering it is not safer.
    const below = knob.failsBelow.length > 0 && knob.value === value ? `; fails lower, at ${knob.failsBelow.map((f) => f.value).join(', ')}` : '';
    parts.push(`${knob.configName} ${value}${knob.bindingSlo && knob.value === value ? ` (${knob.bindingSlo}${below})` : ' (kept)'}`);
  }
  if (parts.length === 0) return { ok: false, message: 'recommendation: no knob of this scenario could be searched (see `overcast recommend`)' };
  const e = result.combined.evaluation;
  // The recommendation was verified on the fleet grown to fill the hosts at these ratios: the VM
  // counts come with it, or the ratios alone would change nothing on screen.
  if (e && e.growth !== 1) {
    result.scenario.vms.forEach((group, i) => {
      if (typeof group.count !== 'number') return;
      values[`${entryPath('vms', group.name, i)}.count`] = grownCount(group.count, e.growth);
    });
    parts.push(`VMs × ${e.growth.toFixed(2)} (${e.fleet.vms} placed)`);
  }
  const verdict = e ? (e.verdict === 'pass' ? 'verified PASS' : `verified ${SLO_STATUS_TEXT[e.verdict]}: ${e.failing.join(', ')}`) : 'not verified';
  return { ok: true, values, summary: `${parts.join(' · ')} — ${verdict}` };
}

/**
 * Candidates a search without risk curves or what-ifs usually evaluates: about six per knob (a
 * bracket and a few narrowing steps, measured 4–6 on the bundled scenarios) and the two final
 * checks. Only for the ETA shown while it runs.
 */
const EXPECTED_CANDIDATES = 3 * 6 + 2;

/** Progress as `s` shows it: candidates done, elapsed, a rough ETA and the latest step. */
export function recommendProgress(onStatus: (text: string) => void, started = Date.now(), now: () => number = Date.now): (text: string) => void {
  let done = 0;
  return (text) => {
    if (/· \d+ replications$/.test(text)) done++;
    const elapsed = (now() - started) / 1000;
    const eta = done > 0 ? ` · about ${Math.max(1, Math.round((elapsed / done) * Math.max(1, EXPECTED_CANDIDATES - done)))} s left` : '';
    onStatus(`recommending: ${done} candidate${done === 1 ? '' : 's'} in ${Math.round(elapsed)} s${eta} · ${text}`);
  };
}

export const studyRecommender: Recommender = async ({ file, overrides, onStatus }) => {
  const text = await readFile(file, 'utf8');
  const source = { label: basename(file), file, text, overrides: overrides.filter((o) => !isReplicationsOverride(o)) };
  const runner = createWorkerPool({ workers: defaultWorkers() });
  try {
    const result = await recommend(source, runner, { riskCurve: false, whatIf: [], ...(onStatus ? { onStatus: recommendProgress(onStatus) } : {}) });
    return recommendationToKnobs(result);
  } finally {
    await runner.close();
  }
};

/** For tests and embeddings without worker threads. */
export const recommendationUnavailable: Recommender = () => Promise.resolve({ ok: false, message: 'recommendation not available here' });
