/**
 * The recommendation as a report: one JSON document with stable names (docs/recommend.md) and a
 * text rendering for the terminal. `recommendation.{cpuAllocationRatio, ramAllocationRatio,
 * maxConcurrentBoots}` each carry `{value, bindingSlo, confidence}`; everything else is beside
 * them. Numbers are rounded to 6 significant digits, as in the run report, and nothing that
 * depends on how the work was spread (workers, timing) is in the JSON, so it is byte-identical
 * for a given scenario and seed whatever ran it. Text and HTML render it through
 * ./recommend-document.ts.
 */
import type { SloStatus } from '../model/slo.js';
import type { Evaluation, KnobRecommendation, RecommendResult } from '../study/recommend.js';
import { configSnippets, type ConfigSnippets } from './config-snippets.js';
import { num, numOrNull } from './report.js';

export const RECOMMEND_REPORT_VERSION = 2;

export interface EvaluationReport {
  value: number | null;
  replications: number;
  judged: string[];
  /** The worst status of the judged SLOs (../model/slo.ts). */
  verdict: SloStatus;
  /** The judged SLOs that did not pass. */
  failing: string[];
  slos: { name: string; value: number | null; upper95: number | null; limit: number | null; status: SloStatus | null }[];
  fleet: { vms: number; hosts: number; vcpuPerPcpu: number | null; memoryAllocatedGiB: number | null; memoryAllocatedPct: number | null; cpuFull: boolean; memoryFull: boolean; growth: number | null; hostDown: string | null };
  hostMonths: number | null;
  /** The boot storm at this candidate: minutes from first request to last boot done, and boots unfinished at the end (per replication); null when nothing boots. */
  boots: { stormMinutes: number | null; unfinished: number | null } | null;
}

export interface KnobReport {
  value: number | null;
  bindingSlo: string | null;
  confidence: number | null;
  status: string;
  configName: string;
  path: string | null;
  current: number | null;
  range: { min: number; max: number; step: number };
  margins: { name: string; upper95: number | null; limit: number; headroom: number | null; headroomPct: number | null }[];
  nextConstraint: { name: string; headroomPct: number | null; failsFrom: number | null } | null;
  atValue: EvaluationReport | null;
  firstFail: EvaluationReport | null;
  riskCurve: EvaluationReport[];
  /** Values below `value` at which a judged SLO failed (the knob is not monotone there). */
  failsBelow: { value: number | null; failing: string[] }[];
  whatIf: { id: string; label: string; skipped: string | null; value: number | null; status: string | null; bindingSlo: string | null }[];
  outOfReach: string[];
  notJudged: string[];
  ownSlosNotSet: string[];
  searched: { value: number | null; replications: number; verdict: SloStatus }[];
  notes: string[];
}

export interface RecommendReport {
  overcast: { recommendVersion: number };
  scenario: { name: string; description: string | null; seed: number; replications: number; durationSeconds: number; stepSeconds: number };
  method: {
    confidence: number;
    rule: string;
    baseReplications: number;
    maxReplications: number;
    nPlus1: boolean;
    fleet: { kind: string; detail: string };
    evaluations: number;
    replications: number;
  };
  slos: { name: string; metric: string; unit: string; limit: number }[];
  recommendation: {
    cpuAllocationRatio: KnobReport;
    ramAllocationRatio: KnobReport;
    maxConcurrentBoots: KnobReport;
  };
  current: {
    values: { cpuAllocationRatio: number | null; ramAllocationRatio: number | null; maxConcurrentBoots: number | null };
    verdict: SloStatus;
    evaluation: EvaluationReport;
  };
  combined: {
    values: { cpuAllocationRatio: number | null; ramAllocationRatio: number | null; maxConcurrentBoots: number | null };
    verdict: SloStatus | null;
    evaluation: EvaluationReport | null;
    notes: string[];
  };
  exposure: { hostMonthsTotal: number | null; hostMonthsAtRecommendation: number | null; zeroEventUpper95PerHostMonth: number | null; decided: string[]; warnings: string[] };
  config: ConfigSnippets;
}

function evaluationReport(e: Evaluation | null): EvaluationReport | null {
  if (!e) return null;
  return {
    value: numOrNull(e.value),
    replications: e.replications,
    judged: e.judged,
    verdict: e.verdict,
    failing: e.failing,
    slos: e.slos.map((s) => ({ name: s.name, value: num(s.value), upper95: numOrNull(s.upper95), limit: s.limit, status: s.status })),
    fleet: {
      vms: e.fleet.vms,
      hosts: e.fleet.hosts,
      vcpuPerPcpu: num(e.fleet.vcpuPerPcpu),
      memoryAllocatedGiB: num(e.fleet.memoryAllocatedGiB),
      memoryAllocatedPct: num(e.fleet.memoryAllocatedPct),
      cpuFull: e.fleet.cpuFull,
      memoryFull: e.fleet.memoryFull,
      growth: num(e.growth),
      hostDown: e.hostDown,
    },
    hostMonths: num(e.hostMonths),
    boots: e.boots ? { stormMinutes: numOrNull(e.boots.stormMinutes), unfinished: num(e.boots.unfinished) } : null,
  };
}

function knobReport(k: KnobRecommendation): KnobReport {
  return {
    value: numOrNull(k.value),
    bindingSlo: k.bindingSlo,
    confidence: k.confidence,
    status: k.status,
    configName: k.configName,
    path: k.path,
    current: numOrNull(k.current),
    range: k.range,
    margins: k.margins.map((m) => ({ ...m, upper95: numOrNull(m.upper95), headroom: numOrNull(m.headroom), headroomPct: numOrNull(m.headroomPct) })),
    nextConstraint: k.nextConstraint ? { ...k.nextConstraint, headroomPct: numOrNull(k.nextConstraint.headroomPct) } : null,
    atValue: evaluationReport(k.atValue),
    firstFail: evaluationReport(k.firstFail),
    riskCurve: k.riskCurve.map((e) => evaluationReport(e)!),
    failsBelow: k.failsBelow.map((f) => ({ value: num(f.value), failing: f.failing })),
    whatIf: k.whatIf.map((w) => ({ ...w, value: numOrNull(w.value) })),
    outOfReach: k.outOfReach,
    notJudged: k.notJudged,
    ownSlosNotSet: k.ownSlosNotSet,
    searched: k.searched.map((e) => ({ value: numOrNull(e.value), replications: e.replications, verdict: e.verdict })),
    notes: k.notes,
  };
}

function knobValues(values: RecommendResult['combined']['values']): RecommendReport['combined']['values'] {
  const n = (x: number | null): number | null => (numOrNull(x));
  return { cpuAllocationRatio: n(values.cpuAllocationRatio), ramAllocationRatio: n(values.ramAllocationRatio), maxConcurrentBoots: n(values.maxConcurrentBoots) };
}

export function buildRecommendReport(result: RecommendResult): RecommendReport {
  const s = result.scenario;
  const knob = (id: KnobRecommendation['id']): KnobReport => knobReport(result.knobs.find((k) => k.id === id)!);
  const combined = result.combined.evaluation;
  return {
    overcast: { recommendVersion: RECOMMEND_REPORT_VERSION },
    scenario: { name: s.name, description: s.description ?? null, seed: s.seed, replications: s.replications, durationSeconds: s.durationSeconds, stepSeconds: s.stepSeconds },
    method: {
      confidence: result.confidence,
      rule: 'an SLO holds when the upper end of its 95 % interval across replications is within its limit',
      baseReplications: result.baseReplications,
      maxReplications: result.maxReplications,
      nPlus1: result.nPlus1,
      fleet: result.fleetMode,
      evaluations: result.stats.evaluations,
      replications: result.stats.replications,
    },
    slos: result.slos,
    recommendation: { cpuAllocationRatio: knob('cpuAllocationRatio'), ramAllocationRatio: knob('ramAllocationRatio'), maxConcurrentBoots: knob('maxConcurrentBoots') },
    current: {
      values: knobValues(result.current.values),
      verdict: result.current.evaluation.verdict,
      evaluation: evaluationReport(result.current.evaluation)!,
    },
    combined: {
      values: knobValues(result.combined.values),
      verdict: combined ? combined.verdict : null,
      evaluation: evaluationReport(combined),
      notes: result.combined.notes,
    },
    exposure: {
      hostMonthsTotal: num(result.exposure.hostMonthsTotal),
      hostMonthsAtRecommendation: numOrNull(result.exposure.hostMonthsAtRecommendation),
      zeroEventUpper95PerHostMonth: numOrNull(result.exposure.zeroEventUpper95PerHostMonth),
      decided: result.exposure.decided,
      warnings: result.exposure.warnings,
    },
    config: configSnippets(result),
  };
}

export function recommendJson(report: RecommendReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
