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
import type { KnobId } from '../study/knobs.js';
import { recommend, type RecommendResult } from '../study/recommend.js';
import type { KnobValue } from './knobs.js';

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

/** Which UI knob each recommended value lands on. */
const KNOB_OF: Record<KnobId, string> = {
  cpuAllocationRatio: 'overcommit.cpu',
  ramAllocationRatio: 'overcommit.memory',
  maxConcurrentBoots: 'boots.maxPerHost',
};

const isReplicationsOverride = (o: Override): boolean => /^\s*replications\s*=/.test(typeof o === 'string' ? o : o.set);

/** The values to paste as knob values, and a one-line account of them. */
export function recommendationToKnobs(result: RecommendResult): Recommendation {
  const values: Record<string, KnobValue> = {};
  const parts: string[] = [];
  for (const knob of result.knobs) {
    const value = result.combined.values[knob.id];
    if (value === null || value === undefined) continue;
    values[KNOB_OF[knob.id]] = value;
    parts.push(`${knob.configName} ${value}${knob.bindingSlo && knob.value === value ? ` (${knob.bindingSlo})` : ' (kept)'}`);
  }
  if (parts.length === 0) return { ok: false, message: 'recommendation: no knob of this scenario could be searched (see `overcast recommend`)' };
  const e = result.combined.evaluation;
  const verdict = e ? (e.verdict === 'pass' ? 'verified PASS' : `verified ${SLO_STATUS_TEXT[e.verdict]}: ${e.failing.join(', ')}`) : 'not verified';
  return { ok: true, values, summary: `${parts.join(' · ')} — ${verdict}` };
}

export const studyRecommender: Recommender = async ({ file, overrides, onStatus }) => {
  const text = await readFile(file, 'utf8');
  const source = { label: basename(file), file, text, overrides: overrides.filter((o) => !isReplicationsOverride(o)) };
  const runner = createWorkerPool({ workers: defaultWorkers() });
  try {
    const result = await recommend(source, runner, { riskCurve: false, whatIf: [], ...(onStatus ? { onStatus } : {}) });
    return recommendationToKnobs(result);
  } finally {
    await runner.close();
  }
};

/** For tests and embeddings without worker threads. */
export const recommendationUnavailable: Recommender = () => Promise.resolve({ ok: false, message: 'recommendation not available here' });
