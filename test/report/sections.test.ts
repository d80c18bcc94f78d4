/**
 * Every report format carries every section the run produced: for each bundled scenario, each
 * section of the JSON report that holds data has a heading in the text and in the markdown (and
 * the HTML). "Holds data" is decided here from the JSON alone — any number other than zero, or any
 * non-empty list — not by the renderers' own rules, so a renderer that drops a section fails.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/cli/paths.js';
import { renderDocumentHtml } from '../../src/report/html/render-html.js';
import type { Report } from '../../src/report/report.js';
import { runDocument } from '../../src/report/run-document.js';
import { renderMarkdown, renderText } from '../../src/report/text.js';
import { runCli } from '../helpers/cli.js';

/** The heading each JSON section has in every format. */
const HEADINGS: Record<string, string> = {
  placement: 'Placement',
  cpu: 'CPU contention',
  memory: 'Memory',
  io: 'Storage',
  boot: 'Boots',
  hostThreads: 'Host threads',
  network: 'Network',
  heartbeats: 'Heartbeats',
  slos: 'SLOs',
};
/** Not sections: the version, what was run (the title and intro) and the verdict (the last line). */
const NOT_SECTIONS = new Set(['overcast', 'scenario', 'verdict']);

function holdsData(value: unknown): boolean {
  if (typeof value === 'number') return value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsData);
  return false;
}

/**
 * Short, cheap runs: which sections a report has does not depend on how long or how finely it
 * ran. (The fleet resolution is forced: on a short run `auto` would choose the micro-level
 * simulation of every burst, which is far slower.)
 */
const SHORT = ['--set', 'duration=1h', '--replications', '1', '--set', 'cpuModel.resolution=fleet', '--set', 'cpuModel.microWindows=1'];

const scenarios = readdirSync(join(packageRoot(), 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));

describe('every format has every section', () => {
  it.each(scenarios)('%s', async (name) => {
    const { code, stdout } = await runCli(['run', name, '--json', ...SHORT]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    const keys = Object.keys(report).filter((k) => !NOT_SECTIONS.has(k));
    // A section added to the report needs a heading here (and in the renderers).
    expect(keys.filter((k) => !(k in HEADINGS))).toEqual([]);
    const present = keys.filter((k) => holdsData((report as unknown as Record<string, unknown>)[k]));
    expect(present).toEqual(expect.arrayContaining(['placement', 'cpu', 'memory', 'slos']));
    const text = renderText(report);
    const markdown = renderMarkdown(report);
    const html = renderDocumentHtml(runDocument(report), { script: '', css: '' });
    for (const key of present) {
      const heading = HEADINGS[key]!;
      expect(text, `${name}: ${key} in text`).toMatch(new RegExp(`^${heading}( \\(|$)`, 'm'));
      expect(markdown, `${name}: ${key} in markdown`).toMatch(new RegExp(`^## ${heading}( \\(|$)`, 'm'));
      expect(html, `${name}: ${key} in HTML`).toContain(`<h2>${heading}`);
    }
    // The same tables in every format: as many markdown tables as text tables' header rows.
    const markdownTables = markdown.split('\n').filter((l) => /^\| (---|:?---)/.test(l)).length;
    const htmlTables = (html.match(/<table>/g) ?? []).length;
    expect(markdownTables).toBe(htmlTables);
  });
});

describe('an OOM risk left undecided at its limit', () => {
  it('says NOT DECIDED in the text, after how many host-runs and of what budget', async () => {
    const { code, stdout } = await runCli(['run', 'default', '--json', ...SHORT]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    // As src/study/risk.ts leaves it when the plain batches stop early (figures of the N+1 what-if at RAM 1:1.30 of vdi-callcenter).
    report.memory.oomRiskPerHostMonth = {
      ...report.memory.oomRiskPerHostMonth,
      method: 'tail',
      extrapolated: true,
      estimate: 0.0227,
      lower95: 0.001,
      upper95: 0.168,
      trials: 504,
      stoppedEarly: { hostRuns: 504, budgetHostRuns: 6000 },
    };
    const text = renderText(report);
    expect(text).toMatch(/EXTRAPOLATED: estimated by a peaks-over-threshold tail/);
    expect(text.replace(/\s+/g, ' ')).toContain('NOT DECIDED: stopped after 504 host-runs, as the interval straddles the limit and at its rate of narrowing 6000 host-runs would not separate it');
  });
});
