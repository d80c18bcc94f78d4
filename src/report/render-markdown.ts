/**
 * A report document as markdown, for a ticket or a wiki: a `##` heading per section, sentences as
 * paragraphs (details as list items, warnings quoted with `!`), tables as pipe tables, code to
 * paste in fenced blocks. Charts are left out; their numbers are in the tables.
 */
import type { Block, ReportDocument } from './document.js';

/** A cell's text with the characters markdown tables would take as syntax escaped. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/** Text that starts a line without being taken for a list, heading or quote. */
function paragraph(text: string): string {
  return text.replace(/^([#>*+-]|\d+\.)(\s)/, '\\$1$2');
}

function blockLines(block: Block): string[] {
  switch (block.kind) {
    case 'line': {
      const text = block.warning ? `**!** ${block.text}` : block.text;
      if ((block.level ?? 1) > 1) return [`${'  '.repeat((block.level ?? 1) - 2)}- ${text}`];
      return block.warning ? [`> ${text}`, ''] : [paragraph(text), ''];
    }
    case 'table': {
      const out: string[] = [];
      if (block.caption) out.push(`*${block.caption.replace(/:$/, '')}*`, '');
      const row = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
      out.push(row(block.header), row(block.header.map((_, i) => (i === 0 ? '---' : '---:'))));
      for (const r of block.rows) out.push(row(r));
      out.push('');
      return out;
    }
    case 'code':
      return [`**${block.title}**`, '', '```', block.text.replace(/\n$/, ''), '```', ''];
    case 'chart':
      return [];
  }
}

export function renderDocumentMarkdown(doc: ReportDocument): string {
  const out: string[] = [`# ${doc.heading}`, ''];
  for (const text of doc.intro) out.push(paragraph(text), '');
  for (const section of doc.sections) {
    out.push(`## ${section.title}${section.detail ? ` (${section.detail})` : ''}`, '');
    let inList = false;
    for (const block of section.blocks) {
      const lines = blockLines(block);
      if (lines.length === 0) continue;
      const listItem = block.kind === 'line' && (block.level ?? 1) > 1;
      // A list ends with a blank line before whatever follows it.
      if (inList && !listItem) out.push('');
      out.push(...lines);
      inList = listItem;
    }
    if (inList) out.push('');
  }
  if (doc.conclusion) out.push(`**${doc.conclusion}**`, '');
  return out.join('\n');
}
