/**
 * A report as a document: titled sections of sentences, tables, code to paste and charts, with no
 * output format in it. The run report and the recommendation are built as documents once
 * (./run-document.ts, ./recommend-document.ts) and every format renders the same document
 * (./render-text.ts, ./render-markdown.ts, ./html/render-html.ts), so a section one format shows
 * is in all of them, with the same tables. Charts are for formats that can draw; the others skip
 * them (their numbers are in the tables).
 */
import type { ChartSpec } from './charts.js';

/** A sentence or short paragraph. `level` 2 and 3 are details under the one before (indented). */
export interface LineBlock {
  kind: 'line';
  text: string;
  level?: 1 | 2 | 3;
  /** A warning the reader should not miss (rendered with `!`). */
  warning?: boolean;
}

export interface TableBlock {
  kind: 'table';
  /** Said above the table; for text at the table's indent, ending with ':'. */
  caption?: string;
  /** Column headings; an empty first heading for a table of labelled rows. */
  header: string[];
  rows: string[][];
  level?: 1 | 2 | 3;
}

/** Text to paste as it is (config, commands): never wrapped. */
export interface CodeBlock {
  kind: 'code';
  title: string;
  text: string;
}

export interface ChartBlock {
  kind: 'chart';
  chart: ChartSpec;
}

export type Block = LineBlock | TableBlock | CodeBlock | ChartBlock;

export interface Section {
  /** The JSON key the section renders (`memory`, `boot`, …), or another stable id. */
  key: string;
  title: string;
  /** Said after the title, in parentheses. */
  detail?: string;
  blocks: Block[];
}

export interface ReportDocument {
  /** The first line of the text: `overcast: default`, `overcast recommend: default`. */
  title: string;
  /** The heading of the markdown and HTML forms: `overcast report: default`. */
  heading: string;
  /** Lines under the title: description, seed, replications. */
  intro: string[];
  sections: Section[];
  /** The last line (`Verdict: PASS`), set apart. */
  conclusion?: string;
}

export const line = (text: string, level: LineBlock['level'] = 1, warning = false): LineBlock => ({ kind: 'line', text, level, ...(warning ? { warning } : {}) });
export const warn = (text: string, level: LineBlock['level'] = 1): LineBlock => line(text, level, true);
export const tableBlock = (header: string[], rows: string[][], options: { caption?: string; level?: TableBlock['level'] } = {}): TableBlock => ({
  kind: 'table',
  header,
  rows,
  ...(options.caption !== undefined ? { caption: options.caption } : {}),
  level: options.level ?? 1,
});
export const chartBlock = (chart: ChartSpec): ChartBlock => ({ kind: 'chart', chart });
