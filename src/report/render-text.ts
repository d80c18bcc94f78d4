/**
 * A report document as plain text for a terminal or a log, laid out to a width: sentences wrap
 * with a hanging indent, and a table wider than the width is split into several tables that each
 * repeat the first column. Code to paste is never wrapped (its generators keep lines short).
 * Meaning never rests on colour: there is none.
 */
import type { Block, ReportDocument, TableBlock } from './document.js';
import { table } from './format.js';

/** The width used when none is given: what fits a pipe, a log or a file. */
export const DEFAULT_TEXT_WIDTH = 100;

const indentOf = (level: number | undefined): string => '  '.repeat(level ?? 1);

/** Words of `text` in lines of at most `width` characters; `hanging` starts every line after the first. */
export function wrapText(text: string, width: number, first = '', hanging = first): string[] {
  const lines: string[] = [];
  let current = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && current.length + 1 + word.length > width) {
      lines.push(current);
      current = hanging + word;
    } else {
      current = empty ? current + word : `${current} ${word}`;
    }
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(current);
  return lines;
}

/** A table in as many column groups as it takes to fit `width`, each led by the first column. */
function tableLines(block: TableBlock, width: number): string[] {
  const indent = indentOf(block.level);
  const rows = [block.header, ...block.rows];
  const out: string[] = [];
  if (block.caption) out.push(...wrapText(block.caption, width, indent, `${indent}  `));
  const inner = block.caption ? `${indent}  ` : indent;
  const columns = block.header.length;
  const widthOf = (c: number): number => Math.max(...rows.map((r) => (r[c] ?? '').length));
  const groups: number[][] = [];
  let group: number[] = [];
  let used = inner.length + widthOf(0);
  for (let c = 1; c < columns; c++) {
    const w = 2 + widthOf(c);
    if (group.length > 0 && used + w > width) {
      groups.push(group);
      group = [];
      used = inner.length + widthOf(0);
    }
    group.push(c);
    used += w;
  }
  if (group.length > 0 || groups.length === 0) groups.push(group);
  groups.forEach((cols, i) => {
    if (i > 0) out.push('');
    out.push(...table(rows.map((r) => [r[0] ?? '', ...cols.map((c) => r[c] ?? '')]), inner));
  });
  return out;
}

function blockLines(block: Block, width: number): string[] {
  switch (block.kind) {
    case 'line': {
      const indent = indentOf(block.level);
      const mark = block.warning ? '! ' : '';
      return wrapText(block.text, width, `${indent}${mark}`, `${indent}${' '.repeat(mark.length)}  `);
    }
    case 'table':
      return tableLines(block, width);
    case 'code':
      return [`--- ${block.title}`, ...block.text.replace(/\n$/, '').split('\n')];
    case 'chart':
      return [];
  }
}

/** The document as text, every line at most `width` characters (except code to paste). */
export function renderDocumentText(doc: ReportDocument, width = DEFAULT_TEXT_WIDTH): string {
  const out: string[] = [doc.title];
  for (const text of doc.intro) out.push(...wrapText(text, width, '  '));
  for (const section of doc.sections) {
    out.push('');
    out.push(...wrapText(section.detail ? `${section.title} (${section.detail})` : section.title, width, '', '  '));
    for (const block of section.blocks) out.push(...blockLines(block, width));
  }
  if (doc.conclusion) out.push('', doc.conclusion);
  return `${out.join('\n')}\n`;
}
