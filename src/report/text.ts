/**
 * The run report as plain text for a terminal or a log, and as markdown for a ticket or a wiki:
 * the report's document (./run-document.ts) rendered by ./render-text.ts and
 * ./render-markdown.ts. Meaning never rests on colour: verdicts are written out (PASS, NOT
 * DEMONSTRATED, FAIL) and every number has its unit in its row or column caption.
 */
import { renderDocumentMarkdown } from './render-markdown.js';
import { DEFAULT_TEXT_WIDTH, renderDocumentText } from './render-text.js';
import type { Report } from './report.js';
import { runDocument } from './run-document.js';

/** The report as text, laid out to `width` columns (100 unless a terminal says otherwise). */
export function renderText(report: Report, width = DEFAULT_TEXT_WIDTH): string {
  return renderDocumentText(runDocument(report), width);
}

export function renderMarkdown(report: Report): string {
  return renderDocumentMarkdown(runDocument(report));
}
