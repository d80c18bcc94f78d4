/**
 * `overcast recommend`: the largest value of each knob (CPU allocation ratio, RAM allocation
 * ratio, concurrent-boot limit) for which every SLO set in the scenario holds at 95 % confidence.
 *
 * Method (docs/recommend.md has the long form):
 * - **Confidence.** At a candidate value the scenario runs with its replications; an SLO holds
 *   when the upper end of its 95 % interval across replications (`upper95` from ../model/slo.ts),
 *   not the point value, is within the limit: the PASS of ../model/slo.ts, the one rule every
 *   report uses. A candidate whose SLOs are within their limits only on the point value is NOT
 *   DEMONSTRATED, and does not pass.
 * - **More replications near the boundary.** A candidate that fails only because of its interval
 *   (every failing SLO's point value is within its limit) is re-run with twice the replications,
 *   up to `maxReplications`, reusing the replications it has. Clear passes and clear failures cost
 *   the base count.
 * - **Search.** ./search.ts: bracket from the current value with doubling steps, then narrow to
 *   the knob's grid step by regula falsi on the SLO margin (safeguarded by bisection). Common
 *   random numbers make this efficient: every stream is keyed by (seed, replication, VM), so
 *   neighbouring candidates see the same VMs doing the same things and the metric moves smoothly.
 * - **Full fleets.** Each candidate is judged on the fleet the knob admits (./fleet.ts): a `fill`
 *   group fills the hosts; otherwise the VM mix grows until Placement refuses the next VM.
 *   While one allocation ratio is searched the other is lifted (and, for RAM, its resource: see
 *   KnobSpec.liftResource), so the searched ratio is what limits the fleet.
 * - **What judges a knob.** The set SLOs, minus the lifted ratios' own SLOs (when the knob has
 *   own SLOs set; otherwise the fleet-density answer through the others is all there is), minus
 *   those that fail even at the bottom of the knob's range (out of its reach). The placement SLO
 *   (`unplacedVms`, implicit) judges the combination and today's settings, not a knob's search:
 *   the fleet each candidate is judged on is by construction one Placement admits.
 * - **N+1.** Optionally every candidate is judged with the largest host down.
 * - The knobs are searched in table order; a knob that is not a placement ratio (the boot limit)
 *   is searched with the ratios at the values chosen for the config. A knob's value goes into the
 *   config when one of its own SLOs judged it; otherwise the scenario's value is kept. The
 *   combination, and the scenario's own settings, are then judged on every set SLO.
 */
import type { StudyResult } from '../model/run.js';
import type { ModelScenario } from '../model/scenario.js';
import { SLO_DEFINITIONS, sloLimit, sloStatus, worstStatus, type SloStatus } from '../model/slo.js';
import type { Override } from '../scenarios/overrides.js';
import { StudyInputError } from './errors.js';
import { Evaluator } from './evaluator.js';
import { decideOomRisk, oomRiskIdentity, withOomRisk, type RiskMethodOption, type RiskOptions } from './risk.js';
import { RISK_METHOD_WORDS, type RiskEstimate } from '../model/memory/summary.js';
import { HOURS_PER_MONTH, hostMonths, hostMonthsToDemonstrate, zeroEventUpperBound } from './exposure.js';
import { growMix, hasFillGroup, LIFTED_RATIO, oneHostDown, placementLimits, type PlacementLimits } from './fleet.js';
import { gridIndexBelow, gridSize, gridValue, KNOBS, knobValue, type KnobId, type KnobSpec } from './knobs.js';
import { DEFAULT_MOVERS, MOVERS, type MoverContext } from './movers.js';
import { failsBelow, type FailBelow } from './monotone.js';
import { searchGrid, type GridSearchResult } from './search.js';
import { labelledOverride, resolveScenario, type ScenarioSource } from './source.js';
import type { ReplicationRunner } from '../model/runner.js';

/** The confidence level of the intervals the SLOs are judged on. */
export const CONFIDENCE = 0.95;

export interface RecommendOptions {
  /** Knobs to search (default: all). Knobs not searched keep the scenario's value. */
  knobs?: readonly KnobId[];
  /** Require the SLOs to hold with the largest host down. */
  nPlus1?: boolean;
  /** `auto`: fill or grow the fleet to each candidate (default); `as-is`: keep the VM counts. */
  fleet?: 'auto' | 'as-is';
  /** Most replications per candidate near the boundary (default 4 × the scenario's). */
  maxReplications?: number;
  /** "What would move it" searches (mover ids; default load+20 and n+1). */
  whatIf?: readonly string[];
  /** Evaluate the risk curve around each recommendation (default true). */
  riskCurve?: boolean;
  /** Free-text progress ("cpuAllocationRatio 4.35: pass"). */
  onStatus?: (text: string) => void;
  /** How the OOM risk is decided at each candidate (./risk.ts); `auto` by default, `mc` for plain Monte Carlo. */
  riskMethod?: RiskMethodOption;
  /** Most host-runs the rare-risk estimation may simulate per candidate. */
  maxRiskHostRuns?: number;
}

export interface SloReading {
  name: string;
  metric: string;
  unit: string;
  /** The scenario's limit, or null when this SLO is not set (still shown on risk curves). */
  limit: number | null;
  value: number;
  upper95: number | null;
  /** The lower end of its 95 % interval, where known (decides a clear failure at the first look). */
  lower95: number | null;
  /** How it is judged (../model/slo.ts); null when no limit is set. */
  status: SloStatus | null;
}

export interface Evaluation {
  /** The knob value evaluated (null for the combined check). */
  value: number | null;
  replications: number;
  /** The SLOs the verdict is on (the set SLOs within the searched knob's reach). */
  judged: string[];
  /** The worst status of the judged SLOs. */
  verdict: SloStatus;
  /** verdict === 'pass': the search's decision. */
  pass: boolean;
  /** Worst relative excess of an SLO's upper95 over its limit, ≤ 0 when passing, NaN when a probability sets it (drives the search: searchMargin). */
  margin: number;
  failing: string[];
  slos: SloReading[];
  /** The admitted fleet (before a host is taken down in N+1). */
  fleet: PlacementLimits;
  /** Factor applied to the VM counts to fill the hosts (1 when the counts were used as written). */
  growth: number;
  /** N+1: the host that was down. */
  hostDown: string | null;
  /** Host-months simulated for this evaluation. */
  hostMonths: number;
  /**
   * The boot storm at this candidate (null when nothing boots): how long it lasts, first request
   * to last boot done (mean over replications, minutes; null when no boot finished), and boots
   * still unfinished when the run ends (per replication). A lower boot limit shortens each boot
   * but lengthens the storm; this is the other half of that answer.
   */
  boots: { stormMinutes: number | null; unfinished: number } | null;
  /** How the OOM risk per host-month was decided here (./risk.ts), when it was judged. */
  oomRisk: { method: RiskEstimate['method']; hostMonths: number; extrapolated: boolean } | null;
}

export type KnobStatus = 'bound' | 'range-top' | 'infeasible' | 'not-applicable' | 'not-searched';

export interface WhatIf {
  id: string;
  label: string;
  /** Why it was not run, or null. */
  skipped: string | null;
  value: number | null;
  status: KnobStatus | null;
  bindingSlo: string | null;
}

export interface KnobRecommendation {
  id: KnobId;
  label: string;
  configName: string;
  path: string | null;
  status: KnobStatus;
  value: number | null;
  bindingSlo: string | null;
  confidence: number | null;
  /** The scenario's value, or null for a limit left unset. */
  current: number | null;
  range: KnobSpec['range'];
  /** The evaluation at `value` (null when none passed). */
  atValue: Evaluation | null;
  /** The evaluation one grid step above `value` that failed (null when the top passed). */
  firstFail: Evaluation | null;
  /** Headroom of every set SLO at `value`: limit − upper95 (and relative to the limit). */
  margins: { name: string; upper95: number | null; limit: number; headroom: number | null; headroomPct: number | null }[];
  /** The set SLO with the least headroom other than the binding one, and the lowest evaluated value where it failed. */
  nextConstraint: { name: string; headroomPct: number | null; failsFrom: number | null } | null;
  /**
   * Set SLOs that fail even at the bottom of the knob's range: no value of this knob meets them,
   * so its search is judged on the others (they are for another knob, the workload or more
   * replications to settle).
   */
  outOfReach: string[];
  /** Set SLOs of the ratios lifted during this knob's search, left out of its judgement. */
  notJudged: string[];
  /** SLOs this knob answers to that the scenario does not set. */
  ownSlosNotSet: string[];
  /** Every evaluation of the search, in the order made. */
  searched: Evaluation[];
  /** Evaluations around `value`, ascending. */
  riskCurve: Evaluation[];
  /**
   * Values below `value` (searched or on the risk curve) at which an SLO judged at `value` failed:
   * the knob is not monotone there, and a lower setting is not always safer (./monotone.ts).
   */
  failsBelow: FailBelow[];
  whatIf: WhatIf[];
  notes: string[];
}

export interface RecommendResult {
  scenario: ModelScenario;
  confidence: number;
  baseReplications: number;
  maxReplications: number;
  nPlus1: boolean;
  /** How the fleet was filled: a fill group's name, 'grown' (mix scaled) or 'as-is'. */
  fleetMode: { kind: 'fill' | 'grown' | 'as-is'; detail: string };
  /** SLOs judged: those set in the scenario, and the implicit placement SLO (unplacedVms). */
  slos: { name: string; metric: string; unit: string; limit: number }[];
  knobs: KnobRecommendation[];
  /** The scenario's own settings, judged the same way (fleet filled, N+1 if asked). */
  current: {
    values: Record<KnobId, number | null>;
    evaluation: Evaluation;
  };
  /** The values to paste and their verification. */
  combined: {
    values: Record<KnobId, number | null>;
    notes: string[];
    evaluation: Evaluation | null;
  };
  exposure: {
    hostMonthsTotal: number;
    hostMonthsAtRecommendation: number | null;
    zeroEventUpper95PerHostMonth: number | null;
    /** Rare SLOs decided by the rare-event estimator at the recommendation, in words. */
    decided: string[];
    warnings: string[];
  };
  stats: { evaluations: number; replications: number; workers: number };
}

/** SLOs that judge the combination and today's settings but not a knob's search (see above). */
const PLACEMENT_SLOS: readonly string[] = ['unplacedVms'];

/** Reads every defined SLO metric (set or not) from a study. */
export function readSlos(study: StudyResult, slo: ModelScenario['slo']): SloReading[] {
  return (Object.keys(SLO_DEFINITIONS) as (keyof typeof SLO_DEFINITIONS)[]).map((name) => {
    const def = SLO_DEFINITIONS[name];
    const { value, upper95, lower95 = null } = def.read(study);
    const limit = sloLimit(slo, name) ?? null;
    return { name, metric: def.metric, unit: def.unit, limit, value, upper95, lower95, status: limit === null ? null : sloStatus(value, upper95, limit) };
  });
}

/** Relative excess of an SLO's upper95 over its limit (absolute when the limit is 0); +∞ without data. */
function excess(s: SloReading): number {
  if (s.limit === null) return Number.NEGATIVE_INFINITY;
  const upper = s.upper95;
  if (upper === null || !Number.isFinite(upper) || !Number.isFinite(s.value)) return Number.POSITIVE_INFINITY;
  return s.limit > 0 ? (upper - s.limit) / s.limit : upper - s.limit;
}

/**
 * What the search interpolates on: the worst relative excess of the judged SLOs, or NaN (the
 * search bisects) when a probability sets it. A rare risk's upper bound is no smooth function of
 * the knob: it saturates near 1 above the boundary (100 times a 1 % limit) and below it is the
 * end of an extrapolated interval, as likely just under the limit two steps from the boundary as
 * one; regula falsi on it crawls up from the passing side, whose candidates are the expensive ones
 * (each a rare risk to decide). On vdi-callcenter's boot limit, bisection from the bracket 27–51
 * decides 2 fewer passing candidates than regula falsi did.
 */
export function searchMargin(judged: readonly SloReading[]): number {
  let worst: SloReading | undefined;
  let most = Number.NEGATIVE_INFINITY;
  for (const s of judged) {
    const e = excess(s);
    if (worst === undefined || e > most) {
      worst = s;
      most = e;
    }
  }
  return worst?.unit === 'probability' ? Number.NaN : most;
}

/** The failing SLO that exceeds its limit the most (relative to the limit). */
function worstFailing(evaluation: Evaluation): string | null {
  let worst: string | null = null;
  let most = Number.NEGATIVE_INFINITY;
  for (const s of evaluation.slos) {
    if (!evaluation.failing.includes(s.name)) continue;
    const e = excess(s);
    if (worst === null || e > most) {
      most = e;
      worst = s.name;
    }
  }
  return worst;
}

interface DecideRequest {
  overrides: Override[];
  nPlus1: boolean;
  /** SLOs the verdict is on. */
  judged: readonly string[];
  /** What is evaluated, for messages. */
  context: string;
  value: number | null;
}

/**
 * One recommendation in progress: what every step reads (the scenario as written, the options,
 * the SLOs judged) and what the steps share (the evaluator and the memo of decisions).
 */
interface Search {
  source: ScenarioSource;
  runner: ReplicationRunner;
  options: RecommendOptions;
  base: ModelScenario;
  nPlus1: boolean;
  fleetOption: 'auto' | 'as-is';
  /** The scenario's replications, and the most a candidate near a limit may get. */
  R0: number;
  Rmax: number;
  /** Every SLO judged (with the implicit placement SLO), and those the knob searches are judged on. */
  judgedSlos: RecommendResult['slos'];
  setSlos: RecommendResult['slos'];
  status: (text: string) => void;
  evaluator: Evaluator;
  memo: Map<string, Promise<Evaluation>>;
  /** OOM risk decisions by what they depend on (./risk.ts, oomRiskIdentity). */
  risks: Map<string, Promise<RiskEstimate>>;
  evaluations: number;
}

/** Checks the scenario and options and sets the search up; bad input is a StudyInputError. */
async function startSearch(source: ScenarioSource, runner: ReplicationRunner, options: RecommendOptions): Promise<Search> {
  const base = await resolveScenario(source);
  const R0 = base.replications;
  if (R0 < 2) throw new StudyInputError(`recommend needs at least 2 replications for a confidence interval (the scenario has ${R0}; use --replications)`);
  const judgedSlos = (Object.keys(SLO_DEFINITIONS) as (keyof typeof SLO_DEFINITIONS)[])
    .filter((name) => sloLimit(base.slo, name) !== undefined)
    .map((name) => ({ name: name as string, metric: SLO_DEFINITIONS[name].metric, unit: SLO_DEFINITIONS[name].unit, limit: sloLimit(base.slo, name)! }));
  // The SLOs the knob searches are judged on; the placement SLO is judged with the combination.
  const setSlos = judgedSlos.filter((s) => !PLACEMENT_SLOS.includes(s.name));
  if (setSlos.length === 0) throw new StudyInputError(`recommend needs at least one SLO in the scenario (slo: …, or --set slo.cpuReadyPctP95=5); defined: ${Object.keys(SLO_DEFINITIONS).filter((n) => !PLACEMENT_SLOS.includes(n)).join(', ')}`);
  const nPlus1 = options.nPlus1 ?? false;
  if (nPlus1 && base.hosts.reduce((s, h) => s + h.count, 0) < 2) throw new StudyInputError('--n-plus-1 needs at least two hosts');
  for (const id of options.whatIf ?? DEFAULT_MOVERS) if (!MOVERS.some((m) => m.id === id)) throw new StudyInputError(`--what-if ${id}: unknown (choose from ${MOVERS.map((m) => m.id).join(', ')}, or none)`);
  return {
    source,
    runner,
    options,
    base,
    nPlus1,
    fleetOption: options.fleet ?? 'auto',
    R0,
    Rmax: Math.max(R0, Math.floor(options.maxReplications ?? 4 * R0)),
    judgedSlos,
    setSlos,
    status: options.onStatus ?? (() => {}),
    evaluator: new Evaluator(runner),
    memo: new Map(),
    risks: new Map(),
    evaluations: 0,
  };
}

/** A candidate's decision, made once: the same overrides and judged SLOs reuse it. */
function decide(search: Search, request: DecideRequest): Promise<Evaluation> {
  return once(search.memo, JSON.stringify([request.overrides, request.nPlus1, request.judged]), () => evaluate(search, request));
}

/** The value cached under `key`, made by `make` the first time. */
function once<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let known = cache.get(key);
  if (known === undefined) {
    known = make();
    cache.set(key, known);
  }
  return known;
}

/** The OOM risk of a study, decided once per memory identity (the same memory met again reuses it). */
function decideOomRiskOnce(search: Search, study: StudyResult, limit: number, options: RiskOptions): Promise<RiskEstimate> {
  return once(search.risks, oomRiskIdentity(study, limit, options), () => decideOomRisk(study, search.evaluator, limit, options));
}

/** Simulates a candidate until its judged SLOs are decided at 95 % (or Rmax replications). */
async function evaluate(search: Search, { overrides, nPlus1: down, judged, context, value }: DecideRequest): Promise<Evaluation> {
  const { evaluator, options, R0, Rmax, status } = search;
  const resolved = await resolveScenario(search.source, overrides, context);
  const grown = search.fleetOption === 'as-is' ? { scenario: resolved, factor: 1 } : growMix(resolved);
  const degraded = down ? oneHostDown(grown.scenario) : null;
  const simulated = degraded?.scenario ?? grown.scenario;
  // A first look at half the replications settles what is already clear at 95 % — every judged
  // SLO passing on its upper bound, or one failing with its whole interval beyond the limit —
  // and the rest go on to the scenario's replications (and more near a limit, below). Most
  // candidates of a search are far from the boundary, so this halves a search's work.
  let replications = FIRST_LOOK(R0);
  // The OOM risk is decided once per candidate (./risk.ts), on its first replications; more
  // replications for other SLOs reuse the decision.
  let risk: RiskEstimate | undefined;
  const riskLimit = judged.includes('oomRiskPerHostMonth') ? simulated.slo.oomRiskPerHostMonth : undefined;
  // Before it, a glance at the first GLANCE replications stops only a clear failure — a judged
  // SLO whose whole interval lies beyond its limit, as at a RAM ratio where most hosts are killed,
  // which is what most candidates above a search's boundary are. Anything else goes on to the
  // first look, which reuses the glance's replications: a glance costs other candidates nothing.
  // The glance judges the OOM risk on its plain replications only (a Wilson interval); the rare-
  // event decision waits for the first look, so it is made on the same replications as before.
  let glancing = GLANCE < replications;
  for (;;) {
    let study = await evaluator.study(simulated, glancing ? GLANCE : replications);
    if (!glancing && riskLimit !== undefined && options.riskMethod !== 'mc') {
      risk ??= await decideOomRiskOnce(search, study, riskLimit, { ...(options.maxRiskHostRuns !== undefined && { maxHostRuns: options.maxRiskHostRuns }), onStage: (text) => status(`${context}: ${text}`) });
      study = withOomRisk(study, risk);
    }
    const slos = readSlos(study, simulated.slo);
    const failing = slos.filter((s) => s.status !== null && s.status !== 'pass' && judged.includes(s.name));
    const verdict = worstStatus(failing.map((s) => s.status!));
    const pass = verdict === 'pass';
    const clearFail = slos.some((s) => s.limit !== null && judged.includes(s.name) && s.lower95 !== null && s.lower95 > s.limit);
    if (glancing) {
      glancing = false;
      if (!clearFail) continue;
      replications = GLANCE;
    } else if (replications < R0) {
      if (!pass && !clearFail) {
        replications = R0;
        continue;
      }
    }
    // Not demonstrated (every failing SLO within its limit on the point value): more replications may settle it.
    if (verdict === 'not-demonstrated' && replications < Rmax) {
      replications = Math.min(Rmax, replications * 2);
      status(`${context}: close to a limit, ${replications} replications`);
      continue;
    }
    search.evaluations++;
    // The decision is memoised; the replications themselves (histograms, timelines) are let go,
    // which keeps a long search's memory flat. Judging the same scenario again on other SLOs
    // (rare) recomputes them.
    evaluator.forget(simulated);
    status(`${context}: ${pass ? 'pass' : `fail (${failing.map((s) => s.name).join(', ')})`} · ${replications} replications`);
    return {
      value,
      replications,
      verdict,
      pass,
      judged: [...judged],
      margin: searchMargin(slos.filter((s) => judged.includes(s.name))),
      failing: failing.map((s) => s.name),
      slos,
      fleet: placementLimits(grown.scenario),
      growth: grown.factor,
      hostDown: degraded?.hostDown ?? null,
      hostMonths: hostMonths(simulated, replications),
      boots: study.boot.count + study.boot.unfinished > 0 ? { stormMinutes: study.boot.stormMinutes?.mean ?? null, unfinished: study.boot.unfinished } : null,
      oomRisk: risk ? { method: risk.method, hostMonths: risk.hostMonths, extrapolated: risk.extrapolated } : null,
    };
  }
}

const inactive = (k: KnobRecommendation): boolean => k.status === 'not-applicable' || k.status === 'not-searched';

/**
 * The other settings while `knob` is searched: for a ratio, the other ratios lifted (and their
 * resources, where a model reacts to them); for another knob, the ratios at the values chosen so far.
 */
function knobContext(search: Search, knob: KnobSpec, pasted: ReadonlyMap<KnobId, number | null>): Override[] {
  if (knob.placementRatio) {
    return KNOBS.filter((k) => k !== knob && k.placementRatio).flatMap((k) => [labelledOverride(k.path, LIFTED_RATIO, 'recommend (lifted)'), ...(k.liftResource?.(search.base) ?? [])]);
  }
  return KNOBS.filter((k) => k.placementRatio && pasted.get(k.id) !== undefined && pasted.get(k.id) !== null).map((k) => labelledOverride(k.path!, pasted.get(k.id)!, 'recommend'));
}

/** Searches a knob; `coarse` (what-ifs) stops at 2 % of the value instead of one grid step. */
function searchKnob(search: Search, knob: KnobSpec, context: Override[], down: boolean, judged: readonly string[], startValue: number, label: string, coarse = false): Promise<GridSearchResult<Evaluation>> {
  const range = knob.range;
  return searchGrid<Evaluation>({
    size: gridSize(range),
    start: gridIndexBelow(range, startValue),
    // A what-if (coarse) starts from the recommendation, and its answer is usually a few grid
    // steps away: bracket with steps of 5 % of the value (doubling) instead of 50 %.
    firstStep: Math.max(1, Math.round(((coarse ? 0.05 : 0.5) * Math.max(startValue, range.min)) / range.step)),
    stopWidth: coarse ? Math.max(1, Math.floor((0.02 * Math.max(startValue, range.min)) / range.step)) : 1,
    test: (index) => {
      const value = gridValue(range, index);
      return decide(search, { overrides: [...context, labelledOverride(knob.path!, value, 'recommend')], nPlus1: down, judged, context: `${label ? `${label} ` : ''}${knob.id} ${value}`, value });
    },
  });
}

function toRecommendation(knob: KnobSpec, result: GridSearchResult<Evaluation>): Pick<KnobRecommendation, 'status' | 'value' | 'bindingSlo' | 'atValue' | 'firstFail'> {
  const at = (index: number | null): Evaluation | null => (index === null ? null : (result.evaluations.find((e) => e.index === index)?.decision ?? null));
  const atValue = at(result.lastPass);
  const firstFail = at(result.firstFail);
  const status: KnobStatus = result.lastPass === null ? 'infeasible' : result.firstFail === null ? 'range-top' : 'bound';
  return {
    status,
    value: result.lastPass === null ? null : gridValue(knob.range, result.lastPass),
    bindingSlo: firstFail ? worstFailing(firstFail) : null,
    atValue,
    firstFail,
  };
}

/** A knob's recommendation before anything is searched. */
function blankRecommendation(search: Search, knob: KnobSpec): Omit<KnobRecommendation, 'status' | 'notes'> {
  return {
    id: knob.id,
    label: knob.label,
    configName: knob.configName,
    path: knob.path,
    value: null,
    bindingSlo: null,
    confidence: null,
    current: knobValue(knob, search.base),
    range: knob.range,
    atValue: null,
    firstFail: null,
    margins: [],
    nextConstraint: null,
    ownSlosNotSet: knob.ownSlos.filter((n) => n in SLO_DEFINITIONS && !search.setSlos.some((s) => s.name === n)),
    searched: [],
    riskCurve: [],
    failsBelow: [],
    whatIf: [],
    outOfReach: [],
    notJudged: [],
  };
}

/** Headroom of every set SLO at the recommended value, and the one with the least besides the binding SLO. */
function marginsAt(search: Search, core: ReturnType<typeof toRecommendation>, result: GridSearchResult<Evaluation>, judged: readonly string[]): Pick<KnobRecommendation, 'margins' | 'nextConstraint'> {
  const margins = search.setSlos.map((s) => {
    const reading = core.atValue?.slos.find((r) => r.name === s.name);
    const upper = reading?.upper95 ?? null;
    const headroom = upper === null ? null : s.limit - upper;
    return { name: s.name, upper95: upper, limit: s.limit, headroom, headroomPct: headroom === null || s.limit === 0 ? null : (100 * headroom) / s.limit };
  });
  let nextConstraint: KnobRecommendation['nextConstraint'] = null;
  for (const m of margins) {
    if (m.name === core.bindingSlo || !judged.includes(m.name)) continue;
    if (nextConstraint === null || (m.headroomPct ?? Infinity) < (nextConstraint.headroomPct ?? Infinity)) {
      const failsFrom = result.evaluations
        .filter((e) => e.decision.slos.some((r) => r.name === m.name && r.status !== null && r.status !== 'pass'))
        .map((e) => e.decision.value!)
        .sort((a, b) => a - b)[0];
      nextConstraint = { name: m.name, headroomPct: m.headroomPct, failsFrom: failsFrom ?? null };
    }
  }
  return { margins, nextConstraint };
}

/** One knob: which SLOs judge it, its search, and what goes into the config (see the comments). */
async function recommendKnob(search: Search, knob: KnobSpec, pasted: ReadonlyMap<KnobId, number | null>): Promise<{ recommendation: KnobRecommendation; paste: number | null; judged: string[] | null }> {
  const blank = blankRecommendation(search, knob);
  const current = blank.current;
  const inapplicable = knob.inapplicable?.(search.base) ?? null;
  if (inapplicable !== null) return { recommendation: { ...blank, status: 'not-applicable', notes: [inapplicable] }, paste: current, judged: null };
  if (!(search.options.knobs ?? KNOBS.map((k) => k.id)).includes(knob.id)) {
    return { recommendation: { ...blank, status: 'not-searched', notes: [`not searched (--knob); the scenario's value ${current} is kept`] }, paste: current, judged: null };
  }
  const context = knobContext(search, knob, pasted);
  // Which SLOs judge this knob. While other ratios are lifted their own SLOs (OOM risk for the
  // RAM ratio, say) describe a resource deliberately left unlimited, so they are left out —
  // unless this knob has no SLO of its own set, when the fleet-density answer through the other
  // SLOs is all there is. Then: an SLO that fails even at the bottom of the knob's range is out
  // of its reach, and the search is judged on the rest.
  const all = search.setSlos.map((x) => x.name);
  const liftedOwned = knob.placementRatio ? KNOBS.filter((k) => k !== knob && k.placementRatio).flatMap((k) => k.ownSlos) : [];
  const hasOwn = knob.ownSlos.some((n) => all.includes(n));
  const notJudged = hasOwn ? all.filter((n) => liftedOwned.includes(n)) : [];
  const candidates = all.filter((n) => !notJudged.includes(n));
  // The search starts at today's value (the top of the range for a limit left unset); when every
  // candidate SLO holds there, none fails at the bottom either (the search assumes a monotone
  // knob), so the bottom is evaluated only when the start fails. The start's decision is the
  // search's first, made once (same overrides and judged SLOs).
  const startValue = gridValue(knob.range, gridIndexBelow(knob.range, current ?? knob.range.max));
  const start = await decide(search, { overrides: [...context, labelledOverride(knob.path!, startValue, 'recommend')], nPlus1: search.nPlus1, judged: candidates, context: `${knob.id} ${startValue}`, value: startValue });
  const bottom = start.pass && candidates.length > 0
    ? null
    : await decide(search, {
        overrides: [...context, labelledOverride(knob.path!, knob.range.min, 'recommend')],
        nPlus1: search.nPlus1,
        judged: candidates,
        context: `${knob.id} ${knob.range.min} (bottom of the range)`,
        value: knob.range.min,
      });
  const outOfReach = bottom?.failing ?? [];
  const judged = candidates.filter((n) => !outOfReach.includes(n));
  // A limit left unset (null: no limit) is searched downwards from the top of the range. With
  // nothing left to judge the knob is infeasible, and the bottom evaluation's failures say why.
  const result: GridSearchResult<Evaluation> =
    judged.length > 0 ? await searchKnob(search, knob, context, search.nPlus1, judged, current ?? knob.range.max, '') : { lastPass: null, firstFail: 0, evaluations: [{ index: 0, decision: bottom! }] };
  const core = toRecommendation(knob, result);
  const ownActive = knob.ownSlos.filter((n) => judged.includes(n));
  const notes = searchNotes(knob, core, { notJudged, outOfReach, judged, ownActive, ownSlosNotSet: blank.ownSlosNotSet });
  const paste = core.value !== null && ownActive.length > 0 ? core.value : current;
  if (paste !== core.value) {
    notes.push(
      core.value === null
        ? `no value in the search range meets the SLOs; the config keeps the scenario's ${current}`
        : `the config keeps the scenario's ${current}: none of its own SLOs is modelled, set and within reach, and a value chosen through other SLOs alone would hide its own risk`,
    );
  }
  return {
    recommendation: {
      ...blank,
      ...core,
      confidence: core.value !== null ? CONFIDENCE : null,
      ...marginsAt(search, core, result, judged),
      outOfReach,
      notJudged,
      searched: [...(bottom ? [bottom] : []), ...result.evaluations.map((e) => e.decision).filter((e) => e !== bottom)],
      notes,
    },
    paste,
    judged,
  };
}

/** What a knob's search says in words: where it stopped, which SLOs judged it and why. */
function searchNotes(
  knob: KnobSpec,
  core: ReturnType<typeof toRecommendation>,
  slos: { notJudged: string[]; outOfReach: string[]; judged: string[]; ownActive: string[]; ownSlosNotSet: string[] },
): string[] {
  const { notJudged, outOfReach, judged, ownActive, ownSlosNotSet } = slos;
  const notes: string[] = [];
  if (core.status === 'range-top') notes.push(`no SLO binds up to the top of the search range (${knob.range.max}); the answer may be higher`);
  if (core.status === 'infeasible') notes.push(`every SLO it is judged on fails even at the bottom of the search range (${knob.range.min})${core.bindingSlo ? `; ${core.bindingSlo} by the most` : ''}`);
  if (notJudged.length > 0) {
    for (const owner of KNOBS.filter((k) => k !== knob && k.ownSlos.some((n) => notJudged.includes(n)))) {
      const names = notJudged.filter((n) => owner.ownSlos.includes(n));
      const why = owner.placementRatio ? 'lifted in this search' : 'searched next, with the ratios chosen here';
      notes.push(`${names.join(', ')} not judged here: ${names.length === 1 ? 'it belongs' : 'they belong'} to ${owner.configName}, ${why}`);
    }
  }
  if (outOfReach.length > 0 && judged.length > 0) {
    notes.push(`${outOfReach.join(', ')} fail${outOfReach.length === 1 ? 's' : ''} even at ${knob.range.min}, so no ${knob.configName} meets ${outOfReach.length === 1 ? 'it' : 'them'}: judged on ${judged.join(', ')} (see the verification of the combination)`);
  }
  if (knob.placementRatio) {
    const others = KNOBS.filter((k) => k !== knob && k.placementRatio).map((k) => k.configName);
    if (others.length > 0) notes.push(`searched with ${others.join(' and ')} lifted (and its resource, where a model reacts to it), so ${knob.configName} is what limits the fleet`);
  }
  if (ownActive.length === 0 && judged.length > 0) {
    const why = [
      ownSlosNotSet.length > 0 ? `${ownSlosNotSet.join(', ')} not set in the scenario` : '',
      knob.ownSlos.some((n) => outOfReach.includes(n)) ? `${knob.ownSlos.filter((n) => outOfReach.includes(n)).join(', ')} out of its reach` : '',
    ].filter((x) => x !== '');
    notes.push(`judged only ${knob.placementRatio ? 'through fleet density ' : ''}on ${judged.join(', ')}: of its own SLOs, ${why.join('; ')}`);
  }
  if (core.value !== null && core.value < 1 && knob.id === 'ramAllocationRatio') {
    notes.push('below 1.0: at the fleet density the SLOs allow, the hosts have RAM to spare; the CPU ratio is what limits this fleet');
  }
  return notes;
}

/** Risk curves and what-ifs around each knob's answer, all knobs at once so a worker pool stays busy. */
async function curvesAndWhatIfs(search: Search, recommendations: KnobRecommendation[], pasted: ReadonlyMap<KnobId, number | null>, judgedFor: ReadonlyMap<KnobId, string[]>): Promise<void> {
  const { options, nPlus1 } = search;
  const moverContext: MoverContext = { base: search.base, nPlus1, fleet: search.fleetOption };
  const whatIfIds = options.whatIf ?? DEFAULT_MOVERS;
  await Promise.all(
    recommendations.map(async (rec) => {
      const knob = KNOBS.find((k) => k.id === rec.id)!;
      if (inactive(rec)) return;
      // The curve and what-ifs cost as much as the search again; they are for values that go
      // into the config (the knob's own SLOs are modelled and set) or knobs asked for by --knob.
      const judged = judgedFor.get(knob.id) ?? search.setSlos.map((x) => x.name);
      const ownActive = knob.ownSlos.some((n) => judged.includes(n));
      if (!ownActive && options.knobs === undefined) {
        rec.notes.push(`no risk curve or what-ifs: the config keeps the scenario's value (ask with --knob ${knob.id === 'ramAllocationRatio' ? 'ram' : knob.id})`);
        return;
      }
      const context = knobContext(search, knob, pasted);
      const centre = rec.value ?? knob.range.min;
      const jobs: Promise<unknown>[] = [];
      if (options.riskCurve ?? true) {
        const indices = [...new Set([0.8, 0.9, 1, 1.1, 1.2].map((f) => gridIndexBelow(knob.range, centre * f + 1e-9)))];
        jobs.push(
          Promise.all(
            indices.map((i) => {
              const value = gridValue(knob.range, i);
              return decide(search, { overrides: [...context, labelledOverride(knob.path!, value, 'recommend')], nPlus1, judged, context: `${knob.id} ${value}`, value });
            }),
          ).then((curve) => {
            rec.riskCurve = curve.sort((a, b) => a.value! - b.value!);
          }),
        );
      }
      rec.whatIf = whatIfIds.flatMap((id) => {
        const mover = MOVERS.find((m) => m.id === id)!;
        if (mover.knobs && !mover.knobs.includes(knob.id)) return [];
        return [{ id, label: mover.label(moverContext), skipped: mover.notApplicable(moverContext), value: null, status: null, bindingSlo: null }];
      });
      rec.whatIf.forEach((w) => {
        if (w.skipped) return;
        const mover = MOVERS.find((m) => m.id === w.id)!;
        const down = mover.nPlus1 ? mover.nPlus1(nPlus1) : nPlus1;
        jobs.push(
          searchKnob(search, knob, [...context, ...mover.overrides(moverContext)], down, judged, centre, `[${w.id}]`, true)
            .then((result) => {
              const core = toRecommendation(knob, result);
              w.value = core.value;
              w.status = core.status;
              w.bindingSlo = core.bindingSlo;
            })
            .catch((error: unknown) => {
              if (!(error instanceof StudyInputError)) throw error;
              w.skipped = error.message.split('\n')[0]!;
            }),
        );
      });
      await Promise.all(jobs);
    }),
  );
}

/** The combination to paste and today's settings, each judged on every SLO; what limits placement there. */
async function verifyCombination(search: Search, pasted: ReadonlyMap<KnobId, number | null>): Promise<{ combined: RecommendResult['combined'] & { evaluation: Evaluation }; current: Evaluation }> {
  const values = Object.fromEntries(KNOBS.map((k) => [k.id, pasted.get(k.id) ?? null])) as Record<KnobId, number | null>;
  const combinedOverrides = KNOBS.filter((k) => values[k.id] !== null).map((k) => labelledOverride(k.path, values[k.id]!, 'recommend'));
  const combinedNotes: string[] = [];
  const all = search.judgedSlos.map((x) => x.name);
  const [combinedEvaluation, currentEvaluation] = await Promise.all([
    decide(search, { overrides: combinedOverrides, nPlus1: search.nPlus1, judged: all, context: 'combined', value: null }),
    decide(search, { overrides: [], nPlus1: search.nPlus1, judged: all, context: 'current settings', value: null }),
  ]);
  // What limits placement with these values: how much of each ratio's capacity the fleet uses.
  const limits = combinedEvaluation.fleet;
  const cpuUse = values.cpuAllocationRatio ? limits.vcpuPerPcpu / values.cpuAllocationRatio : 0;
  const ramUse = values.ramAllocationRatio ? limits.memoryAllocatedPct / 100 / values.ramAllocationRatio : 0;
  const binding = cpuUse >= ramUse ? 'cpu_allocation_ratio' : 'ram_allocation_ratio';
  combinedNotes.push(
    `with these values placement stops at ${limits.vms} VMs: vCPU:pCPU ${limits.vcpuPerPcpu.toFixed(2)} (${(100 * cpuUse).toFixed(0)} % of the CPU ratio), RAM ${limits.memoryAllocatedPct.toFixed(1)} % allocated (${(100 * ramUse).toFixed(0)} % of the RAM ratio): ${binding} limits the fleet${search.fleetOption === 'as-is' ? ' (VM counts as written)' : ''}`,
  );
  if (!combinedEvaluation.pass) {
    // Over the limit at the point value is a real failure; within it, with only the interval's
    // upper end over, it is a failure to demonstrate (rare events: more replications settle it).
    const failing = combinedEvaluation.slos.filter((r) => combinedEvaluation.failing.includes(r.name));
    const broken = failing.filter((r) => r.status === 'fail');
    const unproven = failing.filter((r) => r.status === 'not-demonstrated');
    if (broken.length > 0) combinedNotes.push(`the combination fails ${broken.map((r) => r.name).join(', ')}: do not paste it as is`);
    for (const r of unproven) {
      combinedNotes.push(
        `${r.name} is ${r.value} (within ${r.limit}) but its 95 % upper bound ${r.upper95 === null ? 'is unknown' : Number(r.upper95.toPrecision(3))} is not: not demonstrated with ${combinedEvaluation.replications} replications (see Rare events)`,
      );
    }
  }
  return { combined: { values, notes: combinedNotes, evaluation: combinedEvaluation }, current: currentEvaluation };
}

/**
 * Rare events: a limit on a rate per host-month needs enough event-free host-months to show. The
 * verified combination is what the user pastes: its evaluation judges every set SLO.
 */
function rareEvents(search: Search, atRecommendation: Evaluation): Pick<RecommendResult['exposure'], 'decided' | 'warnings'> {
  const warnings: string[] = [];
  const decided: string[] = [];
  const risk = atRecommendation.oomRisk;
  if (risk) {
    decided.push(
      `oomRiskPerHostMonth at the recommendation decided by ${RISK_METHOD_WORDS[risk.method]}${risk.extrapolated ? ' (an extrapolated tail)' : ''}, on ${risk.hostMonths.toFixed(1)} host-months (docs/risk.md)`,
    );
  }
  for (const s of search.setSlos) {
    if (!/host-?month/i.test(`${s.name} ${s.unit} ${s.metric}`) || s.limit <= 0 || s.limit >= 1) continue;
    // Decided by the rare-event estimator (./risk.ts): nothing left to demonstrate.
    const reading = atRecommendation.slos.find((r) => r.name === s.name);
    if (reading && (reading.status === 'pass' || reading.status === 'fail') && (s.name !== 'oomRiskPerHostMonth' || risk)) continue;
    const needed = hostMonthsToDemonstrate(s.limit);
    const have = atRecommendation.hostMonths;
    if (have < needed) {
      const perReplication = have / atRecommendation.replications;
      warnings.push(
        `${s.name} <= ${s.limit}: with no event seen, showing that takes ≥ ${Math.ceil(needed)} host-months (−ln 0.05 / limit); a candidate simulates ${have.toFixed(1)} (${perReplication.toFixed(2)} per replication), so about ${Math.ceil(needed / perReplication)} replications (--replications, or shards of a sweep: docs/scale.md)`,
      );
    }
  }
  return { decided, warnings };
}

export async function recommend(source: ScenarioSource, runner: ReplicationRunner, options: RecommendOptions = {}): Promise<RecommendResult> {
  const search = await startSearch(source, runner, options);
  const { base } = search;
  // Knobs in table order: a later knob is searched with the ratios chosen before it.
  const recommendations: KnobRecommendation[] = [];
  const pasted = new Map<KnobId, number | null>();
  const judgedFor = new Map<KnobId, string[]>();
  for (const knob of KNOBS) {
    const { recommendation, paste, judged } = await recommendKnob(search, knob, pasted);
    recommendations.push(recommendation);
    pasted.set(knob.id, paste);
    if (judged) judgedFor.set(knob.id, judged);
  }
  await curvesAndWhatIfs(search, recommendations, pasted, judgedFor);
  for (const rec of recommendations) rec.failsBelow = failsBelow(rec.value, rec.atValue?.judged ?? [], [...rec.searched, ...rec.riskCurve]);
  const { combined, current } = await verifyCombination(search, pasted);
  const atRecommendation = combined.evaluation;
  return {
    scenario: base,
    confidence: CONFIDENCE,
    baseReplications: search.R0,
    maxReplications: search.Rmax,
    nPlus1: search.nPlus1,
    fleetMode:
      search.fleetOption === 'as-is'
        ? { kind: 'as-is', detail: 'VM counts as written (--as-is)' }
        : hasFillGroup(base)
          ? { kind: 'fill', detail: `group ${base.vms.find((g) => g.count === 'fill')!.name} fills the hosts (count: fill)` }
          : { kind: 'grown', detail: 'the VM groups grown in proportion until Placement refuses the next VM' },
    slos: search.judgedSlos,
    knobs: recommendations,
    current: {
      values: Object.fromEntries(KNOBS.map((k) => [k.id, knobValue(k, base)])) as Record<KnobId, number | null>,
      evaluation: current,
    },
    combined,
    exposure: {
      hostMonthsTotal: search.evaluator.hostSecondsSimulated / (HOURS_PER_MONTH * 3600),
      hostMonthsAtRecommendation: atRecommendation.hostMonths,
      zeroEventUpper95PerHostMonth: zeroEventUpperBound(atRecommendation.hostMonths),
      ...rareEvents(search, atRecommendation),
    },
    stats: { evaluations: search.evaluations, replications: search.evaluator.replicationsRun, workers: runner.workers },
  };
}

/** Replications of a candidate's glance, which stops only a clear failure (see evaluate). */
export const GLANCE = 2;

/** Replications of a candidate's first look: half the scenario's, at least 4 (all of them below 8). */
export const FIRST_LOOK = (replications: number): number => (replications < 8 ? replications : Math.max(4, Math.ceil(replications / 2)));

