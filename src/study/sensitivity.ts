/**
 * `overcast sensitivity`: which uncertain inputs move each SLO metric and the verdict most.
 *
 * Two stages, both with common random numbers (every point runs replications 0..k−1 of the same
 * seed, so a difference between two points comes from the inputs, not from the draws):
 * 1. Screening by Morris elementary effects (Morris 1991, Technometrics 33:161; μ* as in
 *    Campolongo, Cariboni & Saltelli 2007, Environ. Model. Softw. 22:1509): r trajectories on a
 *    4-level grid of each input's cumulative probability, each moving one input at a time by
 *    Δ = 2/3. An input's effect on a metric is the change per whole range; μ* is the mean of its
 *    absolute values (how much the input matters), σ their spread (interaction or curvature).
 *    r × (k + 1) runs for k inputs, against 2^k for a full factorial.
 * 2. A tornado of the top inputs (and of each SLO's own top mover): each at its low and high end
 *    (or the chosen quantiles) with the others nominal, with more replications, and the verdict
 *    at every end, so a headline that flips with one assumption is named.
 * The inputs are the scenario's ranges and assumed defaults (../scenarios/assumptions.ts).
 */
import { createStream, type Rng } from '../model/random/streams.js';
import { MONTH_SECONDS } from '../model/stats/rare.js';
import type { StudyResult } from '../model/run.js';
import type { ReplicationRunner } from '../model/runner.js';
import type { ModelScenario, Slo } from '../model/scenario.js';
import { SLO_DEFINITIONS, sloStatus, type SloStatus } from '../model/slo.js';
import type { UncertainInput } from '../scenarios/assumptions.js';
import { cumulative, quantile, valueText } from '../scenarios/ranges.js';
import { Evaluator } from './evaluator.js';
import { labelledOverride, resolveScenario, type ScenarioSource } from './source.js';

/** Levels of each input's grid on [0, 1] and the step between a trajectory's points (Morris: p / (2(p − 1))). */
export const MORRIS_LEVELS = 4;
export const MORRIS_DELTA = MORRIS_LEVELS / (2 * (MORRIS_LEVELS - 1));

export interface SensitivityOptions {
  /** Morris trajectories (r). */
  trajectories: number;
  /** Replications per screening point (common random numbers). */
  screenReplications: number;
  /** Replications per tornado end. */
  tornadoReplications: number;
  /** Inputs carried into the tornado. */
  top: number;
  /** The tornado's ends as cumulative probabilities: [0, 1] is the ranges' ends; [0.1, 0.9] their 10th and 90th percentiles. */
  ends: [number, number];
  onProgress?: (stage: 'screening' | 'tornado', done: number, total: number) => void;
}

/** A metric the study reads from each point: an SLO's value, or a companion that moves smoothly. */
export interface SensitivityMetric {
  key: string;
  label: string;
  unit: string;
  /** The SLO's limit (upper bound), when the metric is an SLO. */
  limit?: number;
}

export interface InputEffect {
  /** Mean absolute change of the metric over the input's whole range (μ*), NaN without data. */
  muStar: number;
  /** Mean signed change (μ): its sign says which end is adverse. */
  mu: number;
  /** Spread of the changes (σ): large against μ* means interaction or a non-linear effect. */
  sigma: number;
}

export interface TornadoEnd {
  /** The input's value at this end, as the file would write it. */
  value: number | string;
  metrics: Record<string, number>;
  verdict: SloStatus;
}

export interface SensitivityResult {
  scenario: string;
  seed: number;
  inputs: UncertainInput[];
  metrics: SensitivityMetric[];
  screening: {
    trajectories: number;
    replications: number;
    points: number;
    /** effects[input][metric key]. */
    effects: Record<string, InputEffect>[];
    /**
     * Input indices, most influential first, and each one's score: its largest μ* on an SLO as a
     * share of the SLO's limit (the memory need peak counts as a share of 100 % of RAM where a
     * memory SLO is judged). Ties, such as inputs that move no SLO, go by the memory need.
     */
    ranking: { input: number; score: number }[];
  };
  tornado: {
    replications: number;
    ends: [number, number];
    nominal: { metrics: Record<string, number>; verdict: SloStatus; ci95: Record<string, [number, number] | null> };
    rows: { input: number; low: TornadoEnd; high: TornadoEnd }[];
  };
  /** Ends at which the verdict differs from the nominal one. */
  flips: { input: number; end: 'low' | 'high'; verdict: SloStatus; metric?: string }[];
  /** Replications run and host-months they simulated. */
  replicationsRun: number;
  hostMonths: number;
}

/** SLOs the memory need peak stands in for. */
const MEMORY_SLOS: readonly string[] = ['oomRiskPerHostMonth', 'swapPeakGiB'];

/** The companion metric for memory: it moves smoothly where kill counts stay at 0 for most points. */
const MEMORY_NEED: SensitivityMetric = { key: 'memoryNeedPeakPct', label: 'memory need peak, worst host', unit: '% of RAM' };

/** The metrics a scenario's study is screened on: every SLO it judges, then the memory need peak. */
export function sensitivityMetrics(nominal: StudyResult): SensitivityMetric[] {
  const metrics: SensitivityMetric[] = nominal.slos
    .filter((s) => !(s.implicit && s.name === 'unplacedVms'))
    .map((s) => ({ key: s.name, label: SLO_DEFINITIONS[s.name].metric, unit: s.unit, limit: s.limit }));
  metrics.push(MEMORY_NEED);
  return metrics;
}

function readMetrics(study: StudyResult, metrics: readonly SensitivityMetric[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of metrics) {
    if (m.key === MEMORY_NEED.key) out[m.key] = study.memory.neededPeakPct.worst;
    else out[m.key] = study.slos.find((s) => s.name === m.key)?.value ?? Number.NaN;
  }
  return out;
}

/** The verdict from point values alone (over the limit or not): the screening cannot afford intervals. */
function pointVerdict(study: StudyResult): SloStatus {
  return study.slos.some((s) => sloStatus(s.value, s.value, s.limit) === 'fail') ? 'fail' : 'pass';
}

/** One Morris trajectory: k + 1 points on the grid, each after the first moving one input by ±Δ. */
export function morrisTrajectory(k: number, rng: Rng): { points: number[][]; moved: { input: number; delta: number }[] } {
  const levels = Array.from({ length: MORRIS_LEVELS }, (_, i) => i / (MORRIS_LEVELS - 1));
  const x = Array.from({ length: k }, () => levels[Math.floor(rng() * MORRIS_LEVELS)]!);
  const order = Array.from({ length: k }, (_, i) => i);
  for (let i = k - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const points = [x.slice()];
  const moved: { input: number; delta: number }[] = [];
  for (const i of order) {
    // Up from the lower half of the grid, down from the upper: every point stays on the grid.
    const delta = x[i]! + MORRIS_DELTA <= 1 + 1e-12 ? MORRIS_DELTA : -MORRIS_DELTA;
    x[i] = x[i]! + delta;
    points.push(x.slice());
    moved.push({ input: i, delta });
  }
  return { points, moved };
}

/** Overrides that put every input at its value for the cumulative probabilities `u`. */
function overridesAt(inputs: readonly UncertainInput[], u: readonly number[], origin: string) {
  return inputs.map((input, i) => labelledOverride(input.path, valueText(quantile(input.distribution, u[i]!), input.distribution), origin));
}

/** Runs the screening and the tornado (see the module comment). */
export async function runSensitivity(source: ScenarioSource, nominal: ModelScenario, inputs: readonly UncertainInput[], runner: ReplicationRunner, options: SensitivityOptions): Promise<SensitivityResult> {
  const evaluator = new Evaluator(runner);
  const k = inputs.length;
  // The tornado's baseline: each nominal value's place on [0, 1].
  const nominalU = inputs.map((input) => cumulative(input.distribution, input.distribution.nominal));
  // The nominal study fixes the metrics (the SLOs the scenario judges).
  const nominalStudy = await evaluator.study(nominal, options.tornadoReplications);
  const metrics = sensitivityMetrics(nominalStudy);

  // Stage 1: screening. Every trajectory's points go to the runner together, so workers stay busy.
  const rng = createStream(nominal.seed, 0, 'sensitivity', 'morris');
  const trajectories = Array.from({ length: options.trajectories }, () => morrisTrajectory(k, rng));
  const totalPoints = trajectories.length * (k + 1);
  let done = 0;
  const evaluate = async (u: readonly number[], replications: number, context: string, stage: 'screening' | 'tornado', total: number): Promise<StudyResult> => {
    const scenario = await resolveScenario(source, overridesAt(inputs, u, 'sensitivity'), context);
    const study = await evaluator.study(scenario, replications);
    evaluator.forget(scenario);
    options.onProgress?.(stage, ++done, total);
    return study;
  };
  const values: Record<string, number>[][] = await Promise.all(
    trajectories.map(async (trajectory, t) => {
      const studies = await Promise.all(trajectory.points.map((u, p) => evaluate(u, options.screenReplications, `screening trajectory ${t + 1} point ${p + 1}`, 'screening', totalPoints)));
      return studies.map((s) => readMetrics(s, metrics));
    }),
  );
  const changes: Record<string, number[]>[] = inputs.map(() => Object.fromEntries(metrics.map((m) => [m.key, [] as number[]])));
  trajectories.forEach((trajectory, t) => {
    trajectory.moved.forEach(({ input, delta }, step) => {
      for (const m of metrics) {
        const change = (values[t]![step + 1]![m.key]! - values[t]![step]![m.key]!) / delta;
        if (Number.isFinite(change)) changes[input]![m.key]!.push(change);
      }
    });
  });
  const effects = changes.map((byMetric) => Object.fromEntries(metrics.map((m) => [m.key, effectOf(byMetric[m.key]!)])) as Record<string, InputEffect>);
  // The score counts the SLOs; the memory need counts only where a memory SLO is judged (it is
  // the smooth stand-in for kills that few replications rarely see). Ties go to the memory need.
  const memoryJudged = metrics.some((m) => MEMORY_SLOS.includes(m.key));
  const scored = metrics.filter((m) => m.key !== MEMORY_NEED.key || memoryJudged);
  const ranking = effects
    .map((byMetric, input) => ({ input, score: Math.max(0, ...scored.map((m) => scoreOf(byMetric[m.key]!, m)).filter(Number.isFinite)), need: byMetric[MEMORY_NEED.key]!.muStar }))
    .sort((a, b) => b.score - a.score || (Number.isFinite(b.need) ? b.need : 0) - (Number.isFinite(a.need) ? a.need : 0) || a.input - b.input)
    .map(({ input, score }) => ({ input, score }));

  // Stage 2: the tornado of the top inputs, at their ends with the others nominal.
  // The top inputs overall, and each SLO's own top mover: an SLO whose movers rank low overall
  // (a UI time beside an OOM risk) still gets its verdict checked at the ends.
  const moves = (input: number): boolean => metrics.some((m) => effects[input]![m.key]!.muStar > 0);
  const chosen = new Set(ranking.filter((r) => moves(r.input)).slice(0, Math.min(options.top, k)).map((r) => r.input));
  for (const m of metrics) {
    if (m.limit === undefined) continue;
    let best = -1;
    for (let i = 0; i < k; i++) if (effects[i]![m.key]!.muStar > 0 && (best < 0 || effects[i]![m.key]!.muStar > effects[best]![m.key]!.muStar)) best = i;
    if (best >= 0) chosen.add(best);
  }
  const top = ranking.filter((r) => chosen.has(r.input));
  done = 0;
  const endsTotal = top.length * 2;
  const rows = await Promise.all(
    top.map(async ({ input }) => {
      const at = async (end: 'low' | 'high'): Promise<TornadoEnd> => {
        const u = nominalU.slice();
        u[input] = end === 'low' ? options.ends[0] : options.ends[1];
        const study = await evaluate(u, options.tornadoReplications, `${inputs[input]!.path} at its ${end} end`, 'tornado', endsTotal);
        return { value: valueText(quantile(inputs[input]!.distribution, u[input]!), inputs[input]!.distribution), metrics: readMetrics(study, metrics), verdict: pointVerdict(study) };
      };
      const [low, high] = await Promise.all([at('low'), at('high')]);
      return { input, low, high };
    }),
  );
  const nominalVerdict = pointVerdict(nominalStudy);
  const flips: SensitivityResult['flips'] = [];
  for (const row of rows) {
    for (const end of ['low', 'high'] as const) {
      if (row[end].verdict === nominalVerdict) continue;
      const over = metrics.find((m) => m.limit !== undefined && row[end].metrics[m.key]! > m.limit !== nominalStudy.slos.some((s) => s.name === m.key && s.value > s.limit));
      flips.push({ input: row.input, end, verdict: row[end].verdict, ...(over && { metric: over.key }) });
    }
  }
  return {
    scenario: nominal.name,
    seed: nominal.seed,
    inputs: [...inputs],
    metrics,
    screening: { trajectories: options.trajectories, replications: options.screenReplications, points: totalPoints, effects, ranking },
    tornado: {
      replications: options.tornadoReplications,
      ends: options.ends,
      nominal: { metrics: readMetrics(nominalStudy, metrics), verdict: nominalVerdict, ci95: Object.fromEntries(metrics.map((m) => [m.key, intervalOf(nominalStudy, m)])) },
      rows,
    },
    flips,
    replicationsRun: evaluator.replicationsRun,
    hostMonths: evaluator.hostSecondsSimulated / MONTH_SECONDS,
  };
}

function effectOf(changes: readonly number[]): InputEffect {
  if (changes.length === 0) return { muStar: Number.NaN, mu: Number.NaN, sigma: Number.NaN };
  const n = changes.length;
  const mu = changes.reduce((s, c) => s + c, 0) / n;
  const muStar = changes.reduce((s, c) => s + Math.abs(c), 0) / n;
  const sigma = n > 1 ? Math.sqrt(changes.reduce((s, c) => s + (c - mu) ** 2, 0) / (n - 1)) : 0;
  return { muStar, mu, sigma };
}

/** μ* as a share of what matters for the metric: its SLO limit, or 100 for a percentage. */
function scoreOf(effect: InputEffect, metric: SensitivityMetric): number {
  if (!Number.isFinite(effect.muStar)) return Number.NaN;
  if (metric.limit !== undefined && metric.limit > 0) return effect.muStar / metric.limit;
  if (metric.limit === 0) return effect.muStar > 0 ? Number.POSITIVE_INFINITY : 0;
  return effect.muStar / 100;
}

/** The nominal study's 95 % interval of a metric, where the SLO table has one. */
function intervalOf(study: StudyResult, metric: SensitivityMetric): [number, number] | null {
  if (!(metric.key in SLO_DEFINITIONS)) return null;
  const read = SLO_DEFINITIONS[metric.key as keyof Slo].read(study);
  return read.lower95 !== undefined && read.lower95 !== null && read.upper95 !== null ? [read.lower95, read.upper95] : null;
}
