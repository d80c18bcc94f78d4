/**
 * Robust recommendations (`recommend --robust worst|q90`): the recommendation judged across the
 * scenario's uncertain inputs (its ranges and assumed defaults, ../scenarios/assumptions.ts), not
 * only at their nominal values.
 *
 * 1. A probe finds, for every SLO, which end of each input is adverse: each input at its low and
 *    high end (or the chosen percentiles) with the others nominal, common random numbers, the
 *    end with the higher value of that SLO's metric (every limit is an upper bound). An input that
 *    does not move the metric stays nominal.
 * 2. Per SLO, its corner — every input at its end adverse for that SLO — is a scenario of its
 *    own, and the recommender runs on it (every knob, as on the nominal scenario).
 * 3. Each knob's robust value is the smallest over the nominal scenario and the corners, so it
 *    is never less conservative than the point recommendation. The corner that gives it names
 *    the SLO, and the probe names the input that moves that SLO most: the assumption that limits.
 * Worst case (all adverse ends at once) is conservative by construction; `q90` takes the 10th
 * and 90th percentiles of each range instead.
 */
import type { ReplicationRunner } from '../model/runner.js';
import type { StudyResult } from '../model/run.js';
import type { UncertainInput } from '../scenarios/assumptions.js';
import { quantile, valueText } from '../scenarios/ranges.js';
import type { KnobId } from './knobs.js';
import { Evaluator } from './evaluator.js';
import { recommend, type RecommendOptions, type RecommendResult } from './recommend.js';
import { labelledOverride, resolveScenario, type ScenarioSource } from './source.js';

export interface RobustOptions {
  inputs: readonly UncertainInput[];
  /** The ends as cumulative probabilities: [0, 1] (worst case over the ranges) or [0.1, 0.9] (q90). */
  ends: [number, number];
  /** Replications per probe point. */
  probeReplications: number;
}

export interface RobustCorner {
  /** The SLO whose adverse ends make this corner. */
  slo: string;
  /** The inputs moved off nominal, at their adverse ends. */
  settings: { input: number; end: 'low' | 'high'; value: number | string }[];
  result: RecommendResult;
}

export interface RobustKnob {
  id: KnobId;
  point: number | null;
  robust: number | null;
  /** The corner that gave the robust value (null: the nominal scenario did). */
  limitingCorner: string | null;
  /** The input that moves the limiting corner's SLO most (null where none does). */
  limitingInput: number | null;
  /** The knob's value at every corner, by SLO. */
  atCorners: Record<string, number | null>;
}

export interface RobustResult {
  ends: [number, number];
  inputs: UncertainInput[];
  /** probe[input][slo] = { low, high }: the SLO's value with the input at each end. */
  probe: Record<string, { low: number; high: number }>[];
  corners: RobustCorner[];
  knobs: RobustKnob[];
  point: RecommendResult;
}

/** The point recommendation, the corners' and each knob's robust value (see the module comment). */
export async function recommendRobust(source: ScenarioSource, runner: ReplicationRunner, options: RecommendOptions, robust: RobustOptions): Promise<RobustResult> {
  const status = options.onStatus ?? (() => {});
  const nominal = await resolveScenario(source);
  const slos = Object.keys(nominal.slo).filter((k) => nominal.slo[k as keyof typeof nominal.slo] !== undefined && k !== 'unplacedVms');
  const evaluator = new Evaluator(runner);
  const atEnd = (input: number, end: 'low' | 'high') => {
    const u = end === 'low' ? robust.ends[0] : robust.ends[1];
    const spec = robust.inputs[input]!;
    return valueText(quantile(spec.distribution, u), spec.distribution);
  };
  const read = (study: StudyResult): Record<string, number> => Object.fromEntries(study.slos.map((s) => [s.name, s.value]));

  // 1. The probe: every input at either end, the others nominal, all at once on the runner.
  let probed = 0;
  const probe = await Promise.all(
    robust.inputs.map(async (spec, i) => {
      const [low, high] = await Promise.all(
        (['low', 'high'] as const).map(async (end) => {
          const scenario = await resolveScenario(source, [labelledOverride(spec.path, atEnd(i, end), '--robust')], `${spec.path} at its ${end} end`);
          const study = await evaluator.study(scenario, robust.probeReplications);
          evaluator.forget(scenario);
          status(`robust: probe ${++probed}/${robust.inputs.length * 2}`);
          return read(study);
        }),
      );
      return Object.fromEntries(slos.map((s) => [s, { low: low![s] ?? Number.NaN, high: high![s] ?? Number.NaN }]));
    }),
  );

  // 2. One corner per SLO (corners that coincide run once), then the recommender on each.
  const cornerSettings = slos.map((slo) => ({
    slo,
    settings: robust.inputs.flatMap((_, i) => {
      const { low, high } = probe[i]![slo]!;
      if (!(Number.isFinite(low) && Number.isFinite(high)) || low === high) return [];
      const end: 'low' | 'high' = high > low ? 'high' : 'low';
      return [{ input: i, end, value: atEnd(i, end) }];
    }),
  }));
  const point = await recommend(source, runner, { ...options, onStatus: (t) => status(`nominal: ${t}`) });
  const byKey = new Map<string, Promise<RecommendResult>>();
  const corners: RobustCorner[] = [];
  for (const corner of cornerSettings) {
    if (corner.settings.length === 0) continue; // no input moves this SLO: its corner is the nominal scenario
    const key = JSON.stringify(corner.settings);
    let result = byKey.get(key);
    if (!result) {
      const overrides = corner.settings.map((s) => labelledOverride(robust.inputs[s.input]!.path, s.value, `--robust (${corner.slo})`));
      result = recommend({ ...source, overrides: [...source.overrides, ...overrides] }, runner, { ...options, onStatus: (t) => status(`corner ${corner.slo}: ${t}`) });
      byKey.set(key, result);
    }
    corners.push({ ...corner, result: await result });
  }

  // 3. Each knob's smallest value over the nominal scenario and the corners.
  // The values compared are the ones to paste (the combination each recommendation verified).
  const knobs: RobustKnob[] = point.knobs.map((k) => {
    const atCorners: Record<string, number | null> = {};
    const pointValue = point.combined.values[k.id];
    let robustValue = pointValue;
    let limitingCorner: string | null = null;
    for (const corner of corners) {
      const value = corner.result.combined.values[k.id];
      atCorners[corner.slo] = value;
      if (pointValue === null) continue; // not applicable or infeasible at nominal already
      if (value === null || robustValue === null || value < robustValue) {
        robustValue = value;
        limitingCorner = corner.slo;
      }
    }
    let limitingInput: number | null = null;
    if (limitingCorner !== null) {
      // The input with the largest swing of the limiting SLO, relative to its limit.
      let largest = 0;
      for (const [i, bySlo] of probe.entries()) {
        const swing = Math.abs(bySlo[limitingCorner]!.high - bySlo[limitingCorner]!.low);
        if (swing > largest) {
          largest = swing;
          limitingInput = i;
        }
      }
    }
    return { id: k.id, point: pointValue, robust: robustValue, limitingCorner, limitingInput, atCorners };
  });
  return { ends: robust.ends, inputs: [...robust.inputs], probe, corners, knobs, point };
}
