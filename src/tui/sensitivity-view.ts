/**
 * The Sensitivity tab as lines of text, a pure function of the study's result, the selected
 * metric and the box it gets (components/SensitivitySection.tsx only draws them). It shows what
 * `overcast sensitivity` reports (src/report/sensitivity-document.ts), fitted to a pane:
 * - a summary: the nominal verdict, the inputs, replications and time;
 * - verdict flips at an input's end, as warnings (`!`);
 * - the ranking: each input's μ* (mean absolute change over its whole range, signed by the mean
 *   change) on the selected metric first, then on the other metrics as columns fit;
 * - the tornado of the selected metric: each top input at its low (`▒`) and high (`█`) end around
 *   the nominal value (`│`), the limit `¦`;
 * - what to measure next.
 * Lines are at most `width` characters and break between words; what does not fit the height is
 * dropped whole (a table row, a block), never cut, in the order of importance above.
 */
import { SLO_STATUS_TEXT } from '../model/slo.js';
import { fmt } from '../report/format.js';
import { describeRange } from '../scenarios/ranges.js';
import type { SensitivityMetric, SensitivityResult } from '../study/sensitivity.js';
import { renderTornadoBar } from './charts.js';
import { wrapHanging, wrapWords } from './wrap.js';

export interface ViewLine {
  key: string;
  text: string;
  style?: 'bold' | 'warn' | 'dim';
}

/** Effects below this share of the metric's largest one read as none (`·`), as in the report. */
const NEGLIGIBLE = 0.02;

/** The largest μ* on each metric over all inputs (0 when no input moved it). */
function largestEffect(result: SensitivityResult, metric: SensitivityMetric): number {
  return Math.max(0, ...result.screening.effects.map((e) => e[metric.key]?.muStar ?? Number.NaN).filter((x) => Number.isFinite(x)));
}

/** The metrics some input moved: the ones j/k cycles through (all of them when none moved). */
export function tabMetrics(result: SensitivityResult): SensitivityMetric[] {
  const moved = result.metrics.filter((m) => largestEffect(result, m) > 0);
  return moved.length > 0 ? moved : result.metrics;
}

/**
 * The metric the tab opens on: the one a verdict flip names first, else the one on which the top
 * input scores highest (its μ* against the limit), else the first.
 */
export function headlineMetric(result: SensitivityResult): number {
  const metrics = tabMetrics(result);
  const flipped = result.flips.find((f) => f.metric !== undefined)?.metric;
  if (flipped !== undefined && metrics.some((m) => m.key === flipped)) return metrics.findIndex((m) => m.key === flipped);
  const top = result.screening.ranking[0];
  if (!top) return 0;
  let best = 0;
  let bestScore = -1;
  metrics.forEach((m, i) => {
    const e = result.screening.effects[top.input]?.[m.key]?.muStar ?? Number.NaN;
    const score = !Number.isFinite(e) ? -1 : m.limit !== undefined && m.limit > 0 ? e / m.limit : e / 100;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}

/** `+1.48`, `−0.73`, `·` (under 2 % of the metric's largest), `n/a`. */
export function effectCell(result: SensitivityResult, input: number, metric: SensitivityMetric): string {
  const e = result.screening.effects[input]?.[metric.key];
  if (!e || !Number.isFinite(e.muStar)) return 'n/a';
  if (e.muStar <= NEGLIGIBLE * largestEffect(result, metric)) return '·';
  return `${e.mu >= 0 ? '+' : '−'}${fmt(e.muStar)}`;
}

/**
 * An input path that fits `width`: whole dot-separated parts dropped from the left, `…` in their
 * place (`…memory.swapGiB`); the last part is always kept.
 */
export function shortPath(path: string, width: number): string {
  if (path.length <= width) return path;
  const parts = path.split('.');
  for (let from = 1; from < parts.length; from++) {
    const text = `…${parts.slice(from).join('.')}`;
    if (text.length <= width) return text;
  }
  return `…${parts[parts.length - 1]!}`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function summaryLines(result: SensitivityResult, width: number, elapsedMs: number, stale: boolean): ViewLine[] {
  const fromFile = result.inputs.filter((i) => i.origin === 'file').length;
  const facts = [
    `nominal ${SLO_STATUS_TEXT[result.tornado.nominal.verdict]}`,
    `${plural(result.inputs.length, 'input')} (${fromFile} ranges in the file, ${result.inputs.length - fromFile} assumed)`,
    `${plural(result.replicationsRun, 'replication')}, ${Math.round(elapsedMs / 1000)} s`,
  ];
  // Narrow: without where the inputs come from, so the summary keeps to one line.
  const short = [facts[0]!, plural(result.inputs.length, 'input'), facts[2]!].join(' · ');
  const text = facts.join(' · ').length <= width ? facts.join(' · ') : short;
  const lines: ViewLine[] = wrapWords(text, width).map((t, i) => ({ key: `sum-${i}`, text: t, style: 'bold' }));
  if (stale) lines.push(...wrapWords('the knobs changed since this study: y runs it again', width).map((text, i) => ({ key: `stale-${i}`, text, style: 'dim' as const })));
  return lines;
}

/** One block per flip (each a warning of one or more lines), or one line saying the verdict holds. */
function flipBlocks(result: SensitivityResult, width: number): ViewLine[][] {
  const nominal = SLO_STATUS_TEXT[result.tornado.nominal.verdict];
  if (result.flips.length === 0) return [wrapHanging(`the verdict (${nominal}) holds with each top input at either end`, width, '✓ ', '  ').map((text, i) => ({ key: `holds-${i}`, text }))];
  return result.flips.map((f, n) => {
    const row = result.tornado.rows.find((r) => r.input === f.input);
    const metric = f.metric !== undefined ? result.metrics.find((m) => m.key === f.metric) : undefined;
    const value = row ? ` (${String(row[f.end].value)})` : '';
    const shown = metric && row ? `: ${metric.key} ${fmt(row[f.end].metrics[metric.key])} (limit ${fmt(metric.limit)})` : '';
    const text = `${nominal} → ${SLO_STATUS_TEXT[f.verdict]} with ${result.inputs[f.input]!.path} at its ${f.end} end${value}${shown}`;
    return wrapHanging(text, width, '! ', '  ').map((t, i) => ({ key: `flip-${n}-${i}`, text: t, style: 'warn' as const }));
  });
}

/** The ranking as a header and one line per input: rank, input, μ* on the selected metric, then others that fit. */
function rankingLines(result: SensitivityResult, selected: SensitivityMetric, width: number): { header: ViewLine; rows: ViewLine[] } {
  const ranked = result.screening.ranking;
  const rankWidth = String(ranked.length).length;
  const others = tabMetrics(result).filter((m) => m.key !== selected.key);
  const column = (m: SensitivityMetric, mark: string): { title: string; cells: string[]; width: number } => {
    const title = `${mark}${m.key}`;
    const cells = ranked.map((r) => effectCell(result, r.input, m));
    return { title, cells, width: Math.max(title.length, ...cells.map((c) => c.length)) };
  };
  const columns = [column(selected, '▸')];
  const pathWidth = Math.max(...ranked.map((r) => result.inputs[r.input]!.path.length), 'input'.length);
  // Room for the input names first (at least 20 columns, or their full width when less), then
  // as many other metrics' columns as fit.
  const fixed = (cols: typeof columns): number => rankWidth + 1 + cols.reduce((s, c) => s + 2 + c.width, 0);
  for (const m of others) {
    const next = [...columns, column(m, '')];
    if (width - fixed(next) >= Math.min(pathWidth, 20)) columns.push(next[next.length - 1]!);
    else break;
  }
  const labelWidth = Math.max(1, Math.min(pathWidth, width - fixed(columns)));
  const line = (rank: string, label: string, cells: string[]): string => `${rank.padStart(rankWidth)} ${label.padEnd(labelWidth)}${cells.map((c, i) => `  ${c.padStart(columns[i]!.width)}`).join('')}`;
  return {
    header: { key: 'rank-head', text: line('#', 'input (μ* over its range)'.length <= labelWidth ? 'input (μ* over its range)' : 'input', columns.map((c) => c.title)), style: 'bold' },
    rows: ranked.map((r, n) => ({ key: `rank-${r.input}`, text: line(String(n + 1), shortPath(result.inputs[r.input]!.path, labelWidth), columns.map((c) => c.cells[n]!)) })),
  };
}

/** The tornado of one metric: a title, then each top input's row (one line when it fits, else two). */
function tornadoBlock(result: SensitivityResult, metric: SensitivityMetric, index: number, count: number, width: number): { title: ViewLine[]; rows: ViewLine[][] } {
  const nominal = result.tornado.nominal.metrics[metric.key] ?? Number.NaN;
  const rows = result.tornado.rows
    .map((r) => ({ input: r.input, path: result.inputs[r.input]!.path, low: r.low, high: r.high, a: r.low.metrics[metric.key] ?? Number.NaN, b: r.high.metrics[metric.key] ?? Number.NaN }))
    .filter((r) => Number.isFinite(r.a) && Number.isFinite(r.b))
    .sort((x, y) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a));
  const cycle = count > 1 ? ` (${index + 1} of ${count}, j/k)` : '';
  if (rows.length === 0 || !Number.isFinite(nominal)) {
    return { title: wrapWords(`tornado${cycle}: ${metric.key}: no top input moved it`, width).map((text, i) => ({ key: `tor-t-${i}`, text, style: 'bold' as const })), rows: [] };
  }
  const values = [nominal, ...rows.flatMap((r) => [r.a, r.b]), ...(metric.limit !== undefined ? [metric.limit] : [])];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const limit = metric.limit !== undefined ? ` · ¦ limit ${fmt(metric.limit)}` : '';
  // The metric's long name only where the title still takes one line with it.
  const named = `tornado${cycle}: ${metric.key} (${metric.unit}), ${metric.label} · │ nominal ${fmt(nominal)}${limit} · ▒ low end, █ high end · scale ${fmt(min)} to ${fmt(max)}`;
  const medium = `tornado${cycle}: ${metric.key} (${metric.unit}) · │ nominal ${fmt(nominal)}${limit} · ▒ low end, █ high end`;
  const short = `tornado ${index + 1}/${count}: ${metric.key} │ ${fmt(nominal)}${metric.limit !== undefined ? ` ¦ ${fmt(metric.limit)}` : ''} ▒ low █ high`;
  const title = named.length <= width ? named : medium.length <= width ? medium : short;
  const lowWidth = Math.max(...rows.map((r) => String(r.low.value).length));
  const highWidth = Math.max(...rows.map((r) => String(r.high.value).length));
  const rangeText = (r: (typeof rows)[number]): string => `${fmt(r.a)} … ${fmt(r.b)}`;
  const rangeWidth = Math.max(...rows.map((r) => rangeText(r).length));
  const pathWidth = Math.max(...rows.map((r) => r.path.length));
  // One line per input: path, low end, bar, high end, the metric at both ends; the bar at least 12 cells.
  const barFor = (labelWidth: number): number => width - labelWidth - 2 - lowWidth - 3 - 3 - highWidth - 2 - rangeWidth;
  const labelWidth = Math.min(pathWidth, Math.max(20, Math.floor(width / 3)));
  const oneLine = barFor(labelWidth) >= 12;
  const out = rows.map((r) => {
    if (oneLine) {
      const bar = renderTornadoBar(nominal, r.a, r.b, min, max, barFor(labelWidth), metric.limit);
      return [{ key: `tor-${r.input}`, text: `${shortPath(r.path, labelWidth).padEnd(labelWidth)}  ${String(r.low.value).padStart(lowWidth)} ▒ ${bar} █ ${String(r.high.value).padEnd(highWidth)}  ${rangeText(r)}` }];
    }
    // Narrow: the input and the metric at its ends, then the bar under it.
    const range = rangeText(r);
    const head = `${shortPath(r.path, Math.max(1, width - 2 - range.length))}  ${range}`;
    const barWidth = Math.max(1, width - 2 - lowWidth - 3 - 3 - highWidth);
    const bar = renderTornadoBar(nominal, r.a, r.b, min, max, barWidth, metric.limit);
    return [
      { key: `tor-${r.input}-a`, text: head },
      { key: `tor-${r.input}-b`, text: `  ${String(r.low.value).padStart(lowWidth)} ▒ ${bar} █ ${String(r.high.value)}` },
    ];
  });
  return { title: wrapWords(title, width).map((text, i) => ({ key: `tor-t-${i}`, text, style: 'bold' as const })), rows: out };
}

function measureLines(result: SensitivityResult, width: number): ViewLine[] {
  const first = result.screening.ranking.find((r) => r.score > 0);
  if (!first) return [];
  const input = result.inputs[first.input]!;
  const how = input.measure ? `; on a real host: ${input.measure}` : '';
  return wrapHanging(`measure next: ${input.path} (${describeRange(input.distribution, input.unit)})${how}`, width, '→ ', '  ').map((text, i) => ({ key: `measure-${i}`, text }));
}

export interface ViewOptions {
  /** Index into tabMetrics(result). */
  metric: number;
  width: number;
  height: number;
  elapsedMs: number;
  /** The knobs changed since the study started. */
  stale?: boolean;
}

/**
 * The tab's lines, at most `height` of them. Whole parts are kept in this order: the summary,
 * the flips, the ranking's header and first three rows, the tornado's title and its first row, what to
 * measure next; then more tornado rows and ranking rows as the height allows.
 */
export function sensitivityLines(result: SensitivityResult, options: ViewOptions): ViewLine[] {
  const { width, height } = options;
  const metrics = tabMetrics(result);
  const index = ((options.metric % metrics.length) + metrics.length) % metrics.length;
  const metric = metrics[index]!;
  let room = height;
  const take = (lines: ViewLine[]): boolean => {
    if (lines.length > room) return false;
    room -= lines.length;
    return true;
  };

  const summary = summaryLines(result, width, options.elapsedMs, options.stale ?? false);
  if (!take(summary)) return summary.slice(0, height);

  // The flips get at most 40 % of the height (at least a line): the rest is the tornado and ranking.
  const flips: ViewLine[] = [];
  const blocks = flipBlocks(result, width);
  let flipRoom = Math.min(room, Math.max(1, Math.floor(height * 0.4)));
  for (let i = 0; i < blocks.length; i++) {
    const last = i === blocks.length - 1;
    if (blocks[i]!.length + (last ? 0 : 1) <= flipRoom) {
      flips.push(...blocks[i]!);
      flipRoom -= blocks[i]!.length;
      continue;
    }
    const left = blocks.length - i;
    const more = wrapWords(i === 0 ? `! the verdict flips at ${plural(left, 'end')} (see the log)` : `! and ${left} more (see the log)`, width);
    if (more.length <= room) flips.push(...more.map((t, n) => ({ key: `flip-more-${n}`, text: t, style: 'warn' as const })));
    break;
  }
  room -= flips.length;

  // The ranking's header and its first three inputs (or as many as fit).
  const ranking = rankingLines(result, metric, width);
  const rankingShown: ViewLine[] = [];
  const rankingOn = room >= 2;
  if (rankingOn) {
    take([ranking.header]);
    for (const row of ranking.rows.slice(0, 3)) {
      if (!take([row])) break;
      rankingShown.push(row);
    }
  }
  const tornado = tornadoBlock(result, metric, index, metrics.length, width);
  const tornadoShown: ViewLine[][] = [];
  const tornadoTitle = tornado.title.length + (tornado.rows[0]?.length ?? 0) <= room ? tornado.title : [];
  if (tornadoTitle.length > 0) {
    take(tornadoTitle);
    if (tornado.rows[0] && take(tornado.rows[0])) tornadoShown.push(tornado.rows[0]);
  }

  const measure = measureLines(result, width);
  const measureShown = take(measure) ? measure : [];

  // What is left: more tornado rows (the tornado is what j/k is for), then ranking rows.
  if (tornadoTitle.length > 0) {
    for (const row of tornado.rows.slice(1)) {
      if (!take(row)) break;
      tornadoShown.push(row);
    }
  }
  if (rankingOn && rankingShown.length === Math.min(3, ranking.rows.length)) {
    for (const row of ranking.rows.slice(3)) {
      if (!take([row])) break;
      rankingShown.push(row);
    }
  }

  return [
    ...summary,
    ...flips,
    ...(rankingOn ? [ranking.header, ...rankingShown] : []),
    ...tornadoTitle,
    ...tornadoShown.flat(),
    ...measureShown,
  ];
}

/** The status of a study in progress: stage, points done of the stage's total, elapsed time; `short` without the keys. */
export function sensitivityStatus(stage: 'starting' | 'screening' | 'tornado', done: number, total: number, elapsedMs: number, short = false): string {
  // Before the first screening point the study reads its inputs and runs the nominal point.
  const count = stage === 'starting' ? 'the nominal point' : `${stage} ${done}/${total}`;
  return `sensitivity: ${count} · ${Math.round(elapsedMs / 1000)} s${short ? '' : ' · y or Esc cancels'}`;
}

/** The input that ranks first with any effect, or undefined. */
export function topInput(result: SensitivityResult): { path: string; score: number } | undefined {
  const first = result.screening.ranking.find((r) => r.score > 0);
  return first ? { path: result.inputs[first.input]!.path, score: first.score } : undefined;
}

/** The event-log line when a study ends: the top input and whether the verdict flips. */
export function sensitivityLogLine(result: SensitivityResult, elapsedMs: number): string {
  const top = topInput(result);
  const lead = `sensitivity: ${result.inputs.length} inputs, ${result.replicationsRun} replications in ${Math.round(elapsedMs / 1000)} s`;
  const first = top ? `top input ${top.path}` : 'no input moved any metric';
  const nominal = SLO_STATUS_TEXT[result.tornado.nominal.verdict];
  // The first two flips by name, the rest counted: one log line stays a few rows in the pane.
  const named = result.flips.slice(0, 2).map((f) => `${result.inputs[f.input]!.path} ${f.end} → ${SLO_STATUS_TEXT[f.verdict]}`);
  const more = result.flips.length > 2 ? `, ${result.flips.length - 2} more` : '';
  const flips = result.flips.length === 0 ? `verdict ${nominal} holds at every end` : `verdict ${nominal} flips at ${result.flips.length} end${result.flips.length === 1 ? '' : 's'} (${named.join(', ')}${more})`;
  return `${lead} · ${first} · ${flips}`;
}
