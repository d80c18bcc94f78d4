/**
 * A report document as one self-contained HTML file: the same sections and tables as the text
 * report, plus its charts, drawn by uPlot (inlined with its CSS, so the file works offline and
 * loads nothing from the network). Chart specs travel as JSON in the page; ./page-script.ts draws
 * them. Without JavaScript the tables still carry every number.
 */
import type { ChartSpec } from '../charts.js';
import type { Block, ReportDocument } from '../document.js';
import { htmlAssets, type HtmlAssets } from './assets.js';
import { PAGE_SCRIPT } from './page-script.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** JSON safe inside a <script> element (no `</script>`, no HTML comment openers). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** Inline code written `like this` in report sentences becomes <code>. */
function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b; margin: 0 auto; max-width: 1140px; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h2 small { font-weight: normal; color: #555; font-size: 0.75em; }
p { margin: 6px 0; }
p.intro { color: #444; }
p.warn, li.warn { color: #8a1f11; }
ul { margin: 4px 0 8px; }
table { border-collapse: collapse; margin: 8px 0 12px; font-variant-numeric: tabular-nums; }
.table-wrap { overflow-x: auto; max-width: 100%; }
caption { text-align: left; font-style: italic; color: #444; padding-bottom: 2px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e6e6e6; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { background: #f5f5f5; font-weight: 600; }
pre { background: #f6f8fa; padding: 10px 12px; overflow-x: auto; border-radius: 4px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
figure { margin: 12px 0 20px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
figure .note { color: #555; font-size: 0.9em; }
.chart { min-height: 120px; }
.conclusion { font-size: 1.2em; font-weight: 700; margin-top: 28px; }
footer { margin-top: 40px; color: #777; font-size: 0.85em; }
`;

function blockHtml(block: Block, charts: ChartSpec[]): string {
  switch (block.kind) {
    case 'line': {
      const cls = block.warning ? ' class="warn"' : '';
      const text = `${block.warning ? '<strong>!</strong> ' : ''}${inline(block.text)}`;
      return (block.level ?? 1) > 1 ? `<li${cls}>${text}</li>` : `<p${cls}>${text}</p>`;
    }
    case 'table': {
      const head = `<tr>${block.header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr>`;
      const body = block.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`).join('\n');
      const caption = block.caption ? `<caption>${escapeHtml(block.caption.replace(/:$/, ''))}</caption>` : '';
      // Wide tables (a risk curve with many SLOs) scroll sideways instead of widening the page.
      return `<div class="table-wrap"><table>${caption}<thead>${head}</thead><tbody>\n${body}\n</tbody></table></div>`;
    }
    case 'code':
      return `<details open><summary>${escapeHtml(block.title)}</summary><pre><code>${escapeHtml(block.text.replace(/\n$/, ''))}</code></pre></details>`;
    case 'chart': {
      charts.push(block.chart);
      const note = block.chart.note ? `<div class="note">${inline(block.chart.note)}</div>` : '';
      return `<figure><figcaption>${escapeHtml(block.chart.title)}</figcaption><div class="chart" id="chart-${escapeHtml(block.chart.id)}"></div>${note}</figure>`;
    }
  }
}

/** Wraps runs of list items in <ul>. */
function sectionBody(blocks: Block[], charts: ChartSpec[]): string {
  const out: string[] = [];
  let inList = false;
  for (const block of blocks) {
    const html = blockHtml(block, charts);
    const item = html.startsWith('<li');
    if (item && !inList) out.push('<ul>');
    if (!item && inList) out.push('</ul>');
    inList = item;
    out.push(html);
  }
  if (inList) out.push('</ul>');
  return out.join('\n');
}

/** The document as a complete HTML page. `assets` defaults to the installed uPlot. */
export function renderDocumentHtml(doc: ReportDocument, assets: HtmlAssets = htmlAssets()): string {
  const charts: ChartSpec[] = [];
  const sections = doc.sections
    .map((s) => {
      const detail = s.detail ? ` <small>(${escapeHtml(s.detail)})</small>` : '';
      return `<section id="${escapeHtml(s.key)}">\n<h2>${escapeHtml(s.title)}${detail}</h2>\n${sectionBody(s.blocks, charts)}\n</section>`;
    })
    .join('\n');
  const ids = new Set<string>();
  for (const c of charts) {
    if (ids.has(c.id)) throw new Error(`two charts with the id ${c.id}`);
    ids.add(c.id);
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.heading)}</title>
<style>${assets.css}</style>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(doc.heading)}</h1>
${doc.intro.map((t) => `<p class="intro">${inline(t)}</p>`).join('\n')}
${sections}
${doc.conclusion ? `<p class="conclusion">${escapeHtml(doc.conclusion)}</p>` : ''}
<footer>Made by overcast. The charts are drawn in this page by uPlot (MIT licence), which is included in it.</footer>
<script type="application/json" id="overcast-charts">${scriptJson(charts)}</script>
<script>${assets.script}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
