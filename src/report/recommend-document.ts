/**
 * The recommendation (./recommend.ts) as a document: the answer per knob in one table, then per
 * knob why (binding SLO, margins, the fleet and boot storm there, next constraint, risk curve,
 * what would move it), today's settings, the values to paste and their verification, rare events,
 * and the config to paste. Text and HTML render this; HTML adds each knob's risk curve as a chart.
 *
 * A margin below zero is said in words: an SLO over its limit at the recommended value is one the
 * knob was not judged on (a lifted ratio's own SLO) or one no value of the knob can meet.
 */
import { SLO_STATUS_TEXT } from '../model/slo.js';
import { FIRST_LOOK, GLANCE } from '../study/recommend.js';
import type { ChartSpec } from './charts.js';
import { chartBlock, line, tableBlock, warn, type Block, type ReportDocument, type Section } from './document.js';
import { fmt, fmtDuration, fmtGiven } from './format.js';
import type { EvaluationReport, KnobReport, RecommendReport } from './recommend.js';

type KnobKey = keyof RecommendReport['recommendation'];

/** Decimals of a grid step (0.05 → 2), for showing knob values. */
function stepDecimals(step: number): number {
  const text = String(step);
  return text.includes('.') ? text.split('.')[1]!.length : 0;
}

function knobValueText(k: KnobReport, value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(stepDecimals(k.range.step));
}

/**
 * The failures below a knob's answer that break the search's monotone assumption, in words:
 * `oomRiskPerHostMonth fails at 21 and 24`; null when there are none.
 */
function failsBelowText(k: KnobReport): string | null {
  if (k.failsBelow.length === 0) return null;
  const bySlos = new Map<string, string[]>();
  for (const f of k.failsBelow) {
    const key = f.failing.join(', ');
    bySlos.set(key, [...(bySlos.get(key) ?? []), knobValueText(k, f.value)]);
  }
  const and = (xs: string[]): string => (xs.length === 1 ? xs[0]! : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)!}`);
  return [...bySlos].map(([slos, values]) => `${slos} fail${slos.includes(',') ? '' : 's'} at ${and(values)}`).join('; ');
}

/** A verdict with the SLOs behind it, by status: `FAIL (bootSecondsP95; not demonstrated: oomRiskPerHostMonth)`. */
function verdictDetail(e: EvaluationReport): string {
  const named = (status: string): string[] => e.slos.filter((s) => e.failing.includes(s.name) && s.status === status).map((s) => s.name);
  const failed = named('fail');
  const unshown = named('not-demonstrated');
  const parts = [failed.join(', '), unshown.length > 0 ? `${failed.length > 0 ? 'not demonstrated: ' : ''}${unshown.join(', ')}` : ''].filter((p) => p !== '');
  return `${SLO_STATUS_TEXT[e.verdict]}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

/** What the knob is called in the report: its config name, except where that would mislead. */
export function knobName(key: KnobKey, k: KnobReport): string {
  // nova's max_concurrent_builds limits builds, not power-ons; the boot throttle says which applies.
  return key === 'maxConcurrentBoots' ? 'boots per host' : k.configName;
}

function statusText(k: KnobReport): string {
  switch (k.status) {
    case 'bound':
      return `within ${k.range.step} of the limit`;
    case 'range-top':
      return `no SLO binds up to ${k.range.max}`;
    case 'infeasible':
      return `fails even at ${k.range.min}`;
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

/** One margin at the recommended value, in words when it is negative. */
function marginText(k: KnobReport, m: KnobReport['margins'][number]): string {
  const head = `${m.name} ${fmt(m.upper95)} of ${fmtGiven(m.limit)}`;
  if (m.headroom === null) return `${head} (no upper bound)`;
  if (m.headroom >= 0) return m.headroomPct === null ? `${head} (headroom ${fmt(m.headroom)})` : `${head} (headroom ${fmt(m.headroomPct)} %)`;
  const over = m.limit > 0 && m.upper95 !== null ? `${fmt(m.upper95 / m.limit)}× its limit` : `${fmt(-m.headroom)} over its limit`;
  const why = k.notJudged.includes(m.name)
    ? 'not judged for this knob (it belongs to a ratio lifted in this search)'
    : k.outOfReach.includes(m.name)
      ? `out of this knob's reach: it fails even at ${knobValueText(k, k.range.min)}`
      : 'over its limit here';
  return `${head}: ${over}, ${why}`;
}

function curveRows(key: KnobKey, k: KnobReport, rows: EvaluationReport[], sloNames: string[], limited: Set<string>): Block {
  const storms = rows.some((e) => e.boots !== null);
  return tableBlock(
    [knobName(key, k), 'VMs', 'vCPU/pCPU', 'RAM GiB', ...sloNames.map((n) => (limited.has(n) ? `${n} (upper95)` : n)), ...(storms ? ['storm min'] : []), 'reps', 'verdict'],
    rows.map((e) => [
      knobValueText(k, e.value),
      String(e.fleet.vms),
      fmt(e.fleet.vcpuPerPcpu),
      fmt(e.fleet.memoryAllocatedGiB),
      ...sloNames.map((n) => sloCell(e, n)),
      ...(storms ? [stormText(e)] : []),
      String(e.replications),
      SLO_STATUS_TEXT[e.verdict],
    ]),
    { caption: 'risk curve:', level: 1 },
  );
}

/** Each judged SLO's 95 % upper bound as a share of its limit, across the risk curve. */
function riskChart(key: KnobKey, k: KnobReport): ChartSpec | null {
  if (k.riskCurve.length < 2) return null;
  const names = [...new Set(k.riskCurve.flatMap((e) => e.judged))];
  const series = names
    .map((name) => ({
      label: name,
      values: k.riskCurve.map((e) => {
        const s = e.slos.find((x) => x.name === name);
        return s && s.limit !== null && s.limit > 0 && s.upper95 !== null ? (100 * s.upper95) / s.limit : null;
      }),
    }))
    .filter((s) => s.values.some((v) => v !== null));
  if (series.length === 0) return null;
  return {
    id: `risk-${key}`,
    title: `Risk curve: ${knobName(key, k)} — each SLO's 95 % upper bound as % of its limit`,
    kind: 'xy',
    x: { label: knobName(key, k), unit: '', values: k.riskCurve.map((e) => e.value ?? Number.NaN) },
    y: { label: '95 % upper bound', unit: '% of limit' },
    series,
    limits: [{ label: 'the limit', value: 100 }],
    note: `at or below 100 % the SLO holds at 95 % confidence; the recommendation is ${knobValueText(k, k.value)}`,
  };
}

function knobSection(report: RecommendReport, key: KnobKey, sloNames: string[], limited: Set<string>): Section {
  const k = report.recommendation[key];
  const name = knobName(key, k);
  const blocks: Block[] = [];
  const section: Section = { key, title: `${name}${k.value !== null ? ` ${knobValueText(k, k.value)}` : ''}`, blocks };
  if (k.status === 'not-applicable' || k.status === 'not-searched') {
    for (const note of k.notes) blocks.push(line(note));
    return section;
  }
  if (k.bindingSlo && k.firstFail) {
    const at = k.firstFail.slos.find((s) => s.name === k.bindingSlo);
    blocks.push(
      line(
        `binding: ${k.bindingSlo} fails at ${knobValueText(k, k.firstFail.value)} (upper95 ${fmt(at?.upper95 ?? null)} > ${fmt(at?.limit ?? null)}, ${k.firstFail.replications} replications); the exact crossing lies between ${knobValueText(k, k.value)} and ${knobValueText(k, k.firstFail.value)}`,
      ),
    );
  }
  const below = failsBelowText(k);
  if (below) {
    blocks.push(
      warn(
        `not monotone: ${below}, below ${knobValueText(k, k.value)}. The search assumes a lower ${name} is never worse; here it is, so a value under the recommendation is not safer for being lower (risk curve below)`,
      ),
    );
  }
  if (k.atValue) {
    blocks.push(line(`at ${knobValueText(k, k.value)} (95 % upper bounds):`));
    for (const m of k.margins) blocks.push(m.headroom !== null && m.headroom < 0 ? warn(marginText(k, m), 2) : line(marginText(k, m), 2));
    const f = k.atValue.fleet;
    blocks.push(line(`fleet there: ${f.vms} VMs on ${f.hosts} hosts, vCPU:pCPU ${fmt(f.vcpuPerPcpu)}, ${fmt(f.memoryAllocatedGiB)} GiB of RAM allocated${f.hostDown ? `; ${f.hostDown} down` : ''}`));
    if (k.atValue.boots) {
      const b = k.atValue.boots;
      blocks.push(
        line(
          `boot storm there: ${b.stormMinutes === null ? 'no boot finished' : `${fmt(b.stormMinutes)} min from the first request to the last boot done`}${b.unfinished ? `; ${fmt(b.unfinished)} boots per replication still unfinished when the run ends (the storm outlasts it)` : ''}`,
        ),
      );
    }
  }
  if (k.nextConstraint) {
    const from = k.nextConstraint.failsFrom !== null ? `, seen failing from ${knobValueText(k, k.nextConstraint.failsFrom)}` : '';
    blocks.push(line(`next constraint: ${k.nextConstraint.name} (headroom ${fmt(k.nextConstraint.headroomPct)} %${from})`));
  }
  for (const note of k.notes) blocks.push(line(`note: ${note}`));
  blocks.push(line(`searched ${k.searched.length} candidates: ${k.searched.map((e) => `${knobValueText(k, e.value)}${e.verdict === 'pass' ? '✓' : '✗'}`).join(' ')}`));
  if (k.riskCurve.length > 0) {
    blocks.push(curveRows(key, k, k.riskCurve, sloNames, limited));
    const chart = riskChart(key, k);
    if (chart) blocks.push(chartBlock(chart));
  }
  if (k.whatIf.length > 0) {
    blocks.push(
      tableBlock(
        ['what would move it', name],
        k.whatIf.map((w) => [
          w.label,
          w.skipped ? `n/a: ${w.skipped}` : `→ ${knobValueText(k, w.value)}${w.bindingSlo ? ` (${w.bindingSlo})` : w.status === 'range-top' ? ' (top of range)' : ''}`,
        ]),
      ),
    );
  }
  return section;
}

export function recommendDocument(report: RecommendReport): ReportDocument {
  const { scenario, method } = report;
  const keys = Object.keys(report.recommendation) as KnobKey[];
  const intro = [
    `seed ${scenario.seed} · ${method.baseReplications} replications per candidate (${GLANCE < FIRST_LOOK(method.baseReplications) ? `${GLANCE} for a clear failure, ` : ''}${FIRST_LOOK(method.baseReplications) < method.baseReplications ? `${FIRST_LOOK(method.baseReplications)} when the first look settles it, ` : ''}up to ${method.maxReplications} near a limit) × ${fmtDuration(scenario.durationSeconds)} · step ${fmtDuration(scenario.stepSeconds)}`,
    `an SLO holds when the upper end of its ${Math.round(method.confidence * 100)} % interval across replications is within its limit`,
    `fleet: ${method.fleet.detail}${method.nPlus1 ? ' · N+1: judged with the largest host down' : ''}`,
    `SLOs: ${report.slos.map((s) => `${s.name} <= ${fmtGiven(s.limit)}${s.unit === 'probability' ? '' : ` ${s.unit}`}`).join(' · ')}`,
  ];

  const sections: Section[] = [];
  sections.push({
    key: 'recommendation',
    title: 'Recommendation',
    blocks: [
      tableBlock(
        ['setting', 'value', 'binding SLO', 'status', 'current', 'to paste'],
        keys.map((key) => {
          const k = report.recommendation[key];
          const paste = report.combined.values[key];
          const limitText = (x: number | null): string => (x === null ? 'no limit' : knobValueText(k, x));
          return [knobName(key, k), knobValueText(k, k.value), k.bindingSlo ?? '—', statusText(k), limitText(k.current), limitText(paste)];
        }),
      ),
      ...keys.flatMap((key) => {
        const k = report.recommendation[key];
        const below = failsBelowText(k);
        return below ? [warn(`${knobName(key, k)} ${knobValueText(k, k.value)}: lower is not safer here, ${below} (its section below)`)] : [];
      }),
    ],
  });

  const limited = new Set(report.slos.map((s) => s.name));
  // Risk-curve columns: the SLOs with a limit, then the other metrics that have data at all (a
  // column of n/a, or of zero unplaced VMs on a fleet grown to fit, says nothing).
  const curves = keys.flatMap((key) => report.recommendation[key].riskCurve);
  const informative = (name: string): boolean =>
    curves.some((e) => {
      const s = e.slos.find((x) => x.name === name);
      return s !== undefined && s.value !== null && (name !== 'unplacedVms' || s.value > 0);
    });
  const sloNames = [...new Set(keys.flatMap((key) => (report.recommendation[key].atValue ?? report.recommendation[key].firstFail)?.slos.map((s) => s.name) ?? []))].filter(
    (name) => informative(name) || (curves.length === 0 && limited.has(name)),
  );
  for (const key of keys) sections.push(knobSection(report, key, sloNames, limited));

  const now = report.current;
  const settings = (values: RecommendReport['combined']['values']): string =>
    keys
      .filter((key) => values[key] !== null)
      .map((key) => `${knobName(key, report.recommendation[key])} ${knobValueText(report.recommendation[key], values[key])}`)
      .join(', ');
  const grown = method.fleet.kind === 'as-is' ? 'with the VMs as written' : method.fleet.kind === 'fill' ? 'with the hosts filled' : 'with the fleet grown into them';
  sections.push({
    key: 'current',
    title: 'Today',
    blocks: [line(`the scenario's settings (${settings(now.values)}) ${grown}: ${verdictDetail(now.evaluation)}`)],
  });

  const c = report.combined;
  sections.push({
    key: 'combined',
    title: 'To paste',
    blocks: [line(`${settings(c.values)} — verified: ${c.evaluation === null ? 'n/a' : verdictDetail(c.evaluation)}`), ...c.notes.map((n) => line(n))],
  });

  const x = report.exposure;
  sections.push({
    key: 'exposure',
    title: 'Rare events',
    blocks: [
      line(
        `simulated ${fmt(x.hostMonthsTotal)} host-months in all; ${fmt(x.hostMonthsAtRecommendation)} in the replications of the recommendation, on which plain Monte Carlo bounds an event never seen at ${fmt(x.zeroEventUpper95PerHostMonth)} per host-month (95 %, −ln 0.05 / host-months)`,
      ),
      ...x.decided.map((d) => line(d)),
      ...x.warnings.map((w) => warn(w)),
    ],
  });

  sections.push({
    key: 'config',
    title: 'Config to paste',
    blocks: [
      { kind: 'code', title: 'OpenStack nova.conf', text: report.config.novaConf },
      { kind: 'code', title: 'OpenStack Placement (newer releases)', text: report.config.placement },
      { kind: 'code', title: 'CloudStack', text: report.config.cloudstack },
      { kind: 'code', title: 'ksmtuned', text: report.config.ksmtuned },
      { kind: 'code', title: 'boot throttle', text: report.config.bootThrottle },
    ],
  });
  return { title: `overcast recommend: ${scenario.name}`, heading: `overcast recommend: ${scenario.name}`, intro, sections };
}
