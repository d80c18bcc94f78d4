/**
 * The sensitivity study (../study/sensitivity.ts) as a document: the uncertain inputs, the
 * screening ranked by influence, a text tornado per metric, whether the verdict flips at any
 * input's end, and how to measure the input that matters most. Every format renders it
 * (./render-text.ts, ./render-markdown.ts, ./html/render-html.ts).
 */
import { SLO_STATUS_TEXT } from '../model/slo.js';
import { FILE_RANGE_REASON } from '../scenarios/assumptions.js';
import { describeRange } from '../scenarios/ranges.js';
import type { SensitivityMetric, SensitivityResult } from '../study/sensitivity.js';
import { line, tableBlock, warn, type Block, type ReportDocument, type Section } from './document.js';
import { fmt } from './format.js';

/** Width of a tornado bar, characters. */
const BAR_WIDTH = 36;

/** Effects below this share of the largest one (per metric) read as "no effect" in the ranking. */
const NEGLIGIBLE = 0.02;

function inputLabel(result: SensitivityResult, index: number): string {
  return result.inputs[index]!.path;
}

/** A metric's column heading: the SLO key users write under `slo:`, with its unit. */
function metricTitle(m: SensitivityMetric): string {
  return `${m.key} (${m.unit})`;
}

/** One tornado: for each top input, the metric at its low and high end around the nominal value. */
export function tornadoText(result: SensitivityResult, metric: SensitivityMetric): string | undefined {
  const nominal = result.tornado.nominal.metrics[metric.key]!;
  const rows = result.tornado.rows
    .map((r) => ({ label: inputLabel(result, r.input), low: r.low, high: r.high, a: r.low.metrics[metric.key]!, b: r.high.metrics[metric.key]! }))
    .filter((r) => Number.isFinite(r.a) && Number.isFinite(r.b))
    .sort((x, y) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a));
  if (rows.length === 0 || !Number.isFinite(nominal)) return undefined;
  const values = [nominal, ...rows.flatMap((r) => [r.a, r.b]), ...(metric.limit !== undefined ? [metric.limit] : [])];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const pos = (v: number): number => Math.round(((v - lo) / span) * (BAR_WIDTH - 1));
  const labelWidth = Math.max(...rows.map((r) => r.label.length));
  const valueWidth = Math.max(...rows.map((r) => String(r.low.value).length));
  const lines = rows.map((r) => {
    const bar = Array.from({ length: BAR_WIDTH }, () => ' ');
    const n = pos(nominal);
    const fill = (to: number, ch: string): void => {
      for (let i = Math.min(n, to); i <= Math.max(n, to); i++) bar[i] = ch;
    };
    fill(pos(r.a), '▒');
    fill(pos(r.b), '█');
    if (metric.limit !== undefined) bar[pos(metric.limit)] = bar[pos(metric.limit)] === ' ' ? '¦' : bar[pos(metric.limit)]!;
    bar[n] = '│';
    return `${r.label.padEnd(labelWidth)}  ${String(r.low.value).padStart(valueWidth)} ▒ ${bar.join('')} █ ${String(r.high.value)}   ${fmt(r.a)} … ${fmt(r.b)}`;
  });
  const limit = metric.limit !== undefined ? `, limit ${fmt(metric.limit)} (¦)` : '';
  const scale = `${' '.repeat(labelWidth + valueWidth + 5)}${fmt(lo).padEnd(BAR_WIDTH - fmt(hi).length)}${fmt(hi)}`;
  if (rows.every((r) => r.a === nominal && r.b === nominal)) return undefined;
  return [`${metric.label} (${metric.unit}): nominal ${fmt(nominal)} (│)${limit}; ▒ input at its low end, █ at its high end`, scale, ...lines].join('\n');
}

export function sensitivityDocument(result: SensitivityResult, elapsedSeconds?: number): ReportDocument {
  const fromFile = result.inputs.filter((i) => i.origin === 'file').length;
  const intro = [
    `${result.inputs.length} uncertain inputs (${fromFile} range${fromFile === 1 ? '' : 's'} in the file, ${result.inputs.length - fromFile} assumed default${result.inputs.length - fromFile === 1 ? '' : 's'}); seed ${result.seed}; common random numbers at every point.`,
    `${result.replicationsRun} replications, ${fmt(result.hostMonths)} host-months simulated${elapsedSeconds !== undefined ? ` in ${elapsedSeconds.toFixed(1)} s` : ''}.`,
  ];
  const sections: Section[] = [];

  sections.push({
    key: 'inputs',
    title: 'Uncertain inputs',
    detail: 'runs use the nominal value',
    blocks: result.inputs.map((i) => line(`${i.path}: ${describeRange(i.distribution, i.unit)}; ${i.origin === 'file' ? 'a range in the file' : 'assumed default'}${i.origin === 'file' && i.reason === FILE_RANGE_REASON ? '' : `: ${i.reason}`}`)),
  });

  const ranked = result.screening.ranking;
  const metrics = result.metrics;
  const maxPerMetric = Object.fromEntries(metrics.map((m) => [m.key, Math.max(0, ...result.screening.effects.map((e) => e[m.key]!.muStar).filter(Number.isFinite))]));
  // A metric no input moves gets no column: it is named once instead.
  const moved = metrics.filter((m) => maxPerMetric[m.key]! > 0);
  const unmoved = metrics.filter((m) => maxPerMetric[m.key]! === 0);
  const effectText = (index: number, m: SensitivityMetric): string => {
    const e = result.screening.effects[index]![m.key]!;
    if (!Number.isFinite(e.muStar)) return 'n/a';
    if (e.muStar <= NEGLIGIBLE * maxPerMetric[m.key]!) return '·';
    return `${e.mu >= 0 ? '+' : '−'}${fmt(e.muStar)} (σ ${fmt(e.sigma)})`;
  };
  sections.push({
    key: 'screening',
    title: 'Screening',
    detail: `Morris elementary effects, ${result.screening.trajectories} trajectories × ${result.inputs.length + 1} points × ${result.screening.replications} replication${result.screening.replications === 1 ? '' : 's'}`,
    blocks: [
      line('Each cell is μ*, the mean absolute change of the metric over the input’s whole range, signed by the direction of the mean change (+: the metric rises with the input); σ large against μ* means the effect depends on the other inputs or is not linear; · is under 2 % of the metric’s largest effect. Inputs are ranked by their largest μ* on an SLO as a share of its limit (the memory need as a share of RAM where a memory SLO is judged).'),
      tableBlock(
        ['rank', 'input', ...moved.map(metricTitle)],
        ranked.map((r, n) => [String(n + 1), inputLabel(result, r.input), ...moved.map((m) => effectText(r.input, m))]),
      ),
      ...(unmoved.length > 0 ? [line(`No input moved ${unmoved.map((m) => `${m.key} (${m.label})`).join(', ')} at any screening point.`)] : []),
    ],
  });

  const tornadoBlocks: Block[] = [];
  const nominal = result.tornado.nominal;
  tornadoBlocks.push(line(`Each of the top ${result.tornado.rows.length} inputs at its ${result.tornado.ends[0] === 0 ? 'low and high ends' : `${Math.round(result.tornado.ends[0] * 100)}th and ${Math.round(result.tornado.ends[1] * 100)}th percentiles`}, the others nominal; ${result.tornado.replications} replications each. Nominal verdict: ${SLO_STATUS_TEXT[nominal.verdict]} (point values against the limits).`));
  for (const m of moved) {
    const text = tornadoText(result, m);
    if (text === undefined) continue;
    const ci = nominal.ci95[m.key];
    if (ci) tornadoBlocks.push(line(`${m.label}: the nominal value’s 95 % interval over replications is ${fmt(ci[0])}–${fmt(ci[1])} ${m.unit}; a swing inside it is noise.`, 2));
    tornadoBlocks.push({ kind: 'code', title: `tornado: ${m.label}`, text });
  }
  sections.push({ key: 'tornado', title: 'Tornado', blocks: tornadoBlocks });

  const verdictBlocks: Block[] = [];
  if (result.flips.length === 0) {
    verdictBlocks.push(line(`The verdict (${SLO_STATUS_TEXT[nominal.verdict]}) holds with each top input at either end, the others nominal.`));
  } else {
    for (const f of result.flips) {
      const row = result.tornado.rows.find((r) => r.input === f.input)!;
      const metric = f.metric ? metrics.find((m) => m.key === f.metric) : undefined;
      const shown = metric ? `: ${metric.label} ${fmt(row[f.end].metrics[metric.key])} ${metric.unit} against the limit ${fmt(metric.limit)}` : '';
      verdictBlocks.push(warn(`The verdict flips from ${SLO_STATUS_TEXT[nominal.verdict]} to ${SLO_STATUS_TEXT[f.verdict]} with ${inputLabel(result, f.input)} at its ${f.end} end (${String(row[f.end].value)})${shown}.`));
    }
  }
  sections.push({ key: 'verdict', title: 'Does the verdict hinge on an assumption?', blocks: verdictBlocks });

  const first = ranked.find((r) => r.score > 0);
  if (!first) {
    sections.push({ key: 'measureNext', title: 'Measure next', blocks: [line('No uncertain input moved an SLO over its range: this verdict does not hinge on them, and nothing needs measuring for it.')] });
  } else {
    const input = result.inputs[first.input]!;
    sections.push({
      key: 'measureNext',
      title: 'Measure next',
      blocks: [
        line(`${input.path} moves the results most (${describeRange(input.distribution, input.unit)}; ${input.reason}).`),
        input.measure ? line(`On a real host: ${input.measure}. Then write the measured value in the scenario (or a narrower range) and run again.`) : line('Write the measured value in the scenario (or a narrower range) and run again.'),
      ],
    });
  }
  return {
    title: `overcast sensitivity: ${result.scenario}`,
    heading: `overcast sensitivity: ${result.scenario}`,
    intro,
    sections,
  };
}
