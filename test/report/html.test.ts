/**
 * `--format html` in a real browser: Debian's Chromium, driven headless by playwright-core, loads
 * the files the CLI wrote and checks that every chart was drawn (a canvas with drawn pixels, not
 * an error message), that the page logged no error and asked the network for nothing (the file is
 * self-contained), and that the tables of the text report are there. Skipped, with the reason,
 * where no Chromium is installed (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { renderDocumentHtml } from '../../src/report/html/render-html.js';
import type { ReportDocument } from '../../src/report/document.js';
import { QUICK, runCli } from '../helpers/cli.js';
import { REPAIRMAN_YAML } from '../study/helpers.js';

const CHROMIUM = process.env.OVERCAST_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const available = existsSync(CHROMIUM);

interface PageCheck {
  charts: { id: string; drawn: string | null; canvases: number; inkedPixels: number; text: string }[];
  errors: string[];
  requests: string[];
  tables: number;
}

let browser: Browser | undefined;
let dir: string;

async function inspect(file: string): Promise<PageCheck> {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  // Runs in the page (a string: this project compiles without the DOM's types). Counts the
  // pixels each chart's canvas has drawn (alpha > 0).
  const result = await page.evaluate<Pick<PageCheck, 'charts' | 'tables'>>(`(() => {
    const charts = [...document.querySelectorAll('.chart')].map((el) => {
      let inked = 0;
      const canvases = [...el.querySelectorAll('canvas')];
      for (const canvas of canvases) {
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
      }
      return { id: el.id, drawn: el.getAttribute('data-drawn'), canvases: canvases.length, inkedPixels: inked, text: el.textContent || '' };
    });
    return { charts, tables: document.querySelectorAll('table').length };
  })()`);
  await page.close();
  return { ...result, errors, requests };
}

function expectAllDrawn(check: PageCheck, ids: string[]): void {
  expect(check.errors).toEqual([]);
  // Only the file itself: no CDN, no fonts, nothing from the network.
  expect(check.requests.every((u) => u.startsWith('file:'))).toBe(true);
  expect(check.charts.map((c) => c.id).sort()).toEqual(ids.map((id) => `chart-${id}`).sort());
  for (const c of check.charts) {
    expect(c, c.id).toMatchObject({ drawn: 'yes', canvases: 1 });
    // Axes, grid and series: thousands of pixels on a 1100 × 320 canvas; an empty chart has none.
    expect(c.inkedPixels, c.id).toBeGreaterThan(2000);
  }
}

describe.skipIf(!available)('HTML reports in Chromium', () => {
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    dir = await mkdtemp(join(tmpdir(), 'overcast-html-'));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('run --format html draws the CPU, memory, storage and boot-storm charts, with the report’s sections and tables', async () => {
    // The call-centre login storm on one host, starting 30 min into a 2-hour run: boots, IO and
    // memory all have something to plot, and (at the fleet resolution) it simulates in a second.
    const small = ['--set', 'hosts.compute.count=1', '--set', 'startHour=7', '--set', 'cpuModel.resolution=fleet', ...QUICK];
    const run = await runCli(['run', 'vdi-bootstorm', '--format', 'html', '-o', join(dir, 'run.html'), ...small], { cwd: dir });
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const check = await inspect(join(dir, 'run.html'));
    expectAllDrawn(check, ['cpu-ready-by-group', 'cpu-timeline', 'memory-timeline', 'io-timeline', 'boot-storm']);
    const html = await readFile(join(dir, 'run.html'), 'utf8');
    for (const heading of ['Placement', 'CPU contention', 'Memory', 'Storage', 'Boots', 'Host threads', 'SLOs']) expect(html).toContain(`<h2>${heading}`);
    // The text report's tables: distributions, groups, busiest hosts, storage, boots, host threads, SLOs.
    expect(check.tables).toBeGreaterThanOrEqual(7);
  });

  it('recommend --format html draws the risk curve', async () => {
    await writeFile(join(dir, 'repairman.yaml'), REPAIRMAN_YAML);
    const rec = await runCli(['recommend', 'repairman.yaml', '--knob', 'cpu', '--what-if', 'none', '--format', 'html', '-o', join(dir, 'rec.html')], { cwd: dir });
    expect(rec.stderr).toBe('');
    expect(rec.code).toBe(0);
    expectAllDrawn(await inspect(join(dir, 'rec.html')), ['risk-cpuAllocationRatio']);
  });

  it('draws a sensitivity tornado (the chart kind a sensitivity section uses)', async () => {
    // Synthetic: how a recommended ratio of 4.0 moves when each input moves by ±20 %.
    const doc: ReportDocument = {
      title: 'tornado',
      heading: 'tornado',
      intro: [],
      sections: [
        {
          key: 'sensitivity',
          title: 'Sensitivity',
          blocks: [
            {
              kind: 'chart',
              chart: {
                id: 'tornado',
                title: 'cpu_allocation_ratio when each input moves by ±20 %',
                kind: 'tornado',
                x: { label: 'input', unit: '', values: [0, 1, 2], categories: ['utilPct', 'burstMs', 'hosts'] },
                y: { label: 'cpu_allocation_ratio', unit: '' },
                series: [
                  { label: '−20 %', values: [4.8, 4.2, 3.6] },
                  { label: '+20 %', values: [3.3, 3.9, 4.3] },
                ],
                baseline: 4,
              },
            },
          ],
        },
      ],
    };
    await writeFile(join(dir, 'tornado.html'), renderDocumentHtml(doc));
    expectAllDrawn(await inspect(join(dir, 'tornado.html')), ['tornado']);
  });
});

if (!available) {
  describe('HTML reports in Chromium', () => {
    it.skip(`skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set OVERCAST_CHROMIUM to a Chromium binary)`, () => {});
  });
}
