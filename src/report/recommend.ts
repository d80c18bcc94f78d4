/**
 * The recommendation as a report: one JSON document with stable names (docs/recommend.md) and a
 * text rendering for the terminal. `recommendation.{cpuAllocationRatio, ramAllocationRatio,
 * maxConcurrentBoots}` each carry `{value, bindingSlo, confidence}`; everything else is beside
 * them. Numbers are rounded to 6 significant digits, as in the run report, and nothing that
 * depends on how the work was spread (workers, timing) is in the JSON, so it is byte-identical
 * for a given scenario and seed whatever ran it.
 */
import type { Evaluation, KnobRecommendation, RecommendResult } from '../study/recommend.js';
import { configSnippets, type ConfigSnippets } from './config-snippets.js';
import { fmt, fmtDuration, table } from './format.js';
import { num, numOrNull } from './report.js';

export const RECOMMEND_REPORT_VERSION = 1;

export interface EvaluationReport {
  value: number | null;
  replications: number;
  judged: string[];
  pass: boolean;
  uncertain: boolean;
  failing: string[];
  slos: { name: string; value: number | null; upper95: number | null; limit: number | null; pass: boolean | null }[];
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
  whatIf: { id: string; label: string; skipped: string | null; value: number | null; status: string | null; bindingSlo: string | null }[];
  outOfReach: string[];
  notJudged: string[];
  ownSlosNotModelled: string[];
  ownSlosNotSet: string[];
  searched: { value: number | null; replications: number; pass: boolean }[];
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
    verdict: 'pass' | 'fail';
    evaluation: EvaluationReport;
  };
  combined: {
    values: { cpuAllocationRatio: number | null; ramAllocationRatio: number | null; maxConcurrentBoots: number | null };
    verdict: 'pass' | 'fail' | null;
    evaluation: EvaluationReport | null;
    notes: string[];
  };
  exposure: { hostMonthsTotal: number | null; hostMonthsAtRecommendation: number | null; zeroEventUpper95PerHostMonth: number | null; warnings: string[] };
  config: ConfigSnippets;
}

function evaluationReport(e: Evaluation | null): EvaluationReport | null {
  if (!e) return null;
  return {
    value: numOrNull(e.value),
    replications: e.replications,
    judged: e.judged,
    pass: e.pass,
    uncertain: e.uncertain,
    failing: e.failing,
    slos: e.slos.map((s) => ({ name: s.name, value: num(s.value), upper95: numOrNull(s.upper95), limit: s.limit, pass: s.pass })),
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
    whatIf: k.whatIf.map((w) => ({ ...w, value: numOrNull(w.value) })),
    outOfReach: k.outOfReach,
    notJudged: k.notJudged,
    ownSlosNotModelled: k.ownSlosNotModelled,
    ownSlosNotSet: k.ownSlosNotSet,
    searched: k.searched.map((e) => ({ value: numOrNull(e.value), replications: e.replications, pass: e.pass })),
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
      verdict: result.current.evaluation.pass ? 'pass' : 'fail',
      evaluation: evaluationReport(result.current.evaluation)!,
    },
    combined: {
      values: knobValues(result.combined.values),
      verdict: combined ? (combined.pass ? 'pass' : 'fail') : null,
      evaluation: evaluationReport(combined),
      notes: result.combined.notes,
    },
    exposure: {
      hostMonthsTotal: num(result.exposure.hostMonthsTotal),
      hostMonthsAtRecommendation: numOrNull(result.exposure.hostMonthsAtRecommendation),
      zeroEventUpper95PerHostMonth: numOrNull(result.exposure.zeroEventUpper95PerHostMonth),
      warnings: result.exposure.warnings,
    },
    config: configSnippets(result),
  };
}

export function recommendJson(report: RecommendReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Decimals of a grid step (0.05 → 2), for showing knob values. */
function stepDecimals(step: number): number {
  const text = String(step);
  return text.includes('.') ? text.split('.')[1]!.length : 0;
}

function knobValueText(k: KnobReport, value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(stepDecimals(k.range.step));
}

function statusText(k: KnobReport): string {
  switch (k.status) {
    case 'bound':
      return `within ${k.range.step} of the limit`;
    case 'range-top':
      return `no SLO binds up to ${k.range.max}`;
    case 'infeasible':
      return `fails even at ${k.range.min}`;
    case 'not-modelled':
      return 'not modelled yet';
    case 'not-applicable':
      return 'nothing to act on';
    default:
      return 'not searched';
  }
}

function sloCell(e: EvaluationReport, name: string): string {
  const s = e.slos.find((x) => x.name === name);
  if (!s) return 'n/a';
  return s.limit === null ? fmt(s.value) : `${fmt(s.value)} (${fmt(s.upper95)})`;
}

/** The storm's length, and the boots that did not finish within the run, as one cell. */
function stormText(e: EvaluationReport): string {
  if (!e.boots) return '—';
  const minutes = e.boots.stormMinutes === null ? 'n/a' : fmt(e.boots.stormMinutes);
  return e.boots.unfinished ? `${minutes} (+${fmt(e.boots.unfinished)} unfinished)` : minutes;
}

function curveTable(k: KnobReport, rows: EvaluationReport[], sloNames: string[], limited: Set<string>): string[] {
  const storms = rows.some((e) => e.boots !== null);
  return table(
    [
      [k.configName, 'VMs', 'vCPU/pCPU', 'RAM GiB', ...sloNames.map((n) => (limited.has(n) ? `${n} (upper95)` : n)), ...(storms ? ['storm min'] : []), 'reps', 'verdict'],
      ...rows.map((e) => [
        knobValueText(k, e.value),
        String(e.fleet.vms),
        fmt(e.fleet.vcpuPerPcpu),
        fmt(e.fleet.memoryAllocatedGiB),
        ...sloNames.map((n) => sloCell(e, n)),
        ...(storms ? [stormText(e)] : []),
        String(e.replications),
        e.pass ? 'PASS' : e.uncertain ? 'FAIL (interval)' : 'FAIL',
      ]),
    ],
    '    ',
  );
}

export function renderRecommendText(report: RecommendReport): string {
  const out: string[] = [];
  const { scenario, method } = report;
  out.push(`overcast recommend: ${scenario.name}`);
  out.push(
    `  seed ${scenario.seed} · ${method.baseReplications} replications per candidate (up to ${method.maxReplications} near a limit) × ${fmtDuration(scenario.durationSeconds)} · step ${fmtDuration(scenario.stepSeconds)}`,
  );
  out.push(`  an SLO holds when the upper end of its ${Math.round(method.confidence * 100)} % interval across replications is within its limit`);
  out.push(`  fleet: ${method.fleet.detail}${method.nPlus1 ? ' · N+1: judged with the largest host down' : ''}`);
  out.push(`  SLOs: ${report.slos.map((s) => `${s.name} <= ${fmt(s.limit)} ${s.unit}`).join(' · ')}`);
  out.push('');

  const knobs = [report.recommendation.cpuAllocationRatio, report.recommendation.ramAllocationRatio, report.recommendation.maxConcurrentBoots];
  out.push('Recommendation');
  out.push(
    ...table([
      ['setting', 'value', 'binding SLO', 'status', 'current', 'to paste'],
      ...knobs.map((k) => {
        const paste = report.combined.values[keyOf(report, k)];
        const limitText = (x: number | null): string => (x === null && k.status !== 'not-modelled' ? 'no limit' : knobValueText(k, x));
        return [k.configName, knobValueText(k, k.value), k.bindingSlo ?? '—', statusText(k), limitText(k.current), limitText(paste)];
      }),
    ]),
  );
  out.push('');

  const sloNames = [...new Set(knobs.flatMap((k) => (k.atValue ?? k.firstFail)?.slos.map((s) => s.name) ?? []))];
  const limited = new Set(report.slos.map((s) => s.name));
  for (const k of knobs) {
    out.push(`${k.configName}${k.value !== null ? ` ${knobValueText(k, k.value)}` : ''}`);
    if (k.status === 'not-modelled' || k.status === 'not-applicable' || k.status === 'not-searched') {
      for (const note of k.notes) out.push(`  ${note}`);
      if (k.ownSlosNotModelled.length > 0) out.push(`  SLOs it will answer to, not modelled yet: ${k.ownSlosNotModelled.join(', ')}`);
      out.push('');
      continue;
    }
    if (k.bindingSlo && k.firstFail) {
      const at = k.firstFail.slos.find((s) => s.name === k.bindingSlo);
      out.push(
        `  binding: ${k.bindingSlo} fails at ${knobValueText(k, k.firstFail.value)} (upper95 ${fmt(at?.upper95 ?? null)} > ${fmt(at?.limit ?? null)}, ${k.firstFail.replications} replications); the exact crossing lies between ${knobValueText(k, k.value)} and ${knobValueText(k, k.firstFail.value)}`,
      );
    }
    if (k.atValue) {
      const margins = k.margins.map((m) => `${m.name} ${fmt(m.upper95)} of ${fmt(m.limit)} (headroom ${fmt(m.headroomPct)} %)`);
      out.push(`  at ${knobValueText(k, k.value)} (upper95): ${margins.join(' · ')}`);
      out.push(
        `  fleet there: ${k.atValue.fleet.vms} VMs on ${k.atValue.fleet.hosts} hosts, vCPU:pCPU ${fmt(k.atValue.fleet.vcpuPerPcpu)}, ${fmt(k.atValue.fleet.memoryAllocatedGiB)} GiB of RAM allocated${k.atValue.fleet.hostDown ? `; ${k.atValue.fleet.hostDown} down` : ''}`,
      );
      if (k.atValue.boots) {
        const b = k.atValue.boots;
        out.push(
          `  boot storm there: ${b.stormMinutes === null ? 'no boot finished' : `${fmt(b.stormMinutes)} min from the first request to the last boot done`}${b.unfinished ? `; ${fmt(b.unfinished)} boots per replication still unfinished when the run ends (the storm outlasts it)` : ''}`,
        );
      }
    }
    if (k.nextConstraint) {
      const from = k.nextConstraint.failsFrom !== null ? `, seen failing from ${knobValueText(k, k.nextConstraint.failsFrom)}` : '';
      out.push(`  next constraint: ${k.nextConstraint.name} (headroom ${fmt(k.nextConstraint.headroomPct)} %${from})`);
    }
    if (k.ownSlosNotModelled.length > 0) out.push(`  not modelled yet: ${k.ownSlosNotModelled.join(', ')}`);
    for (const note of k.notes) out.push(`  note: ${note}`);
    out.push(`  searched ${k.searched.length} candidates: ${k.searched.map((e) => `${knobValueText(k, e.value)}${e.pass ? '✓' : '✗'}`).join(' ')}`);
    if (k.riskCurve.length > 0) {
      out.push('  risk curve:');
      out.push(...curveTable(k, k.riskCurve, sloNames, limited));
    }
    if (k.whatIf.length > 0) {
      out.push('  what would move it:');
      out.push(
        ...table(
          k.whatIf.map((w) => [
            w.label,
            w.skipped ? `n/a: ${w.skipped}` : `→ ${knobValueText(k, w.value)}${w.bindingSlo ? ` (${w.bindingSlo})` : w.status === 'range-top' ? ' (top of range)' : ''}`,
          ]),
          '    ',
        ),
      );
    }
    out.push('');
  }

  const now = report.current;
  out.push('Today');
  out.push(
    `  the scenario's settings (${knobs
      .filter((k) => now.values[keyOf(report, k)] !== null)
      .map((k) => `${k.configName} ${knobValueText(k, now.values[keyOf(report, k)])}`)
      .join(', ')}) ${method.fleet.kind === 'as-is' ? 'with the VMs as written' : method.fleet.kind === 'fill' ? 'with the hosts filled' : 'with the fleet grown into them'}: ${now.verdict.toUpperCase()}${now.evaluation.failing.length > 0 ? ` (${now.evaluation.failing.join(', ')})` : ''}`,
  );
  out.push('');

  const c = report.combined;
  out.push('To paste');
  out.push(
    `  ${knobs
      .filter((k) => c.values[keyOf(report, k)] !== null)
      .map((k) => `${k.configName} ${knobValueText(k, c.values[keyOf(report, k)])}`)
      .join(' · ')} — verified: ${c.verdict === null ? 'n/a' : c.verdict.toUpperCase()}`,
  );
  for (const note of c.notes) out.push(`  ${note}`);
  out.push('');

  const x = report.exposure;
  out.push('Rare events');
  out.push(
    `  simulated ${fmt(x.hostMonthsTotal)} host-months in all; ${fmt(x.hostMonthsAtRecommendation)} per candidate at the recommendation, so an event never seen there has a 95 % upper bound of ${fmt(x.zeroEventUpper95PerHostMonth)} per host-month (−ln 0.05 / host-months)`,
  );
  for (const w of x.warnings) out.push(`  ! ${w}`);
  out.push('');

  out.push('Config to paste');
  for (const [title, text] of [
    ['OpenStack nova.conf', report.config.novaConf],
    ['OpenStack Placement (newer releases)', report.config.placement],
    ['CloudStack', report.config.cloudstack],
    ['ksmtuned', report.config.ksmtuned],
    ['boot throttle', report.config.bootThrottle],
  ] as const) {
    out.push(`--- ${title}`);
    out.push(text.trimEnd());
  }
  return `${out.join('\n')}\n`;
}

function keyOf(report: RecommendReport, k: KnobReport): keyof RecommendReport['combined']['values'] {
  const entry = Object.entries(report.recommendation).find(([, v]) => v === k);
  return entry![0] as keyof RecommendReport['combined']['values'];
}
