/**
 * The charting library inlined into HTML reports, so a report opens offline and from an archive
 * years later: uPlot (MIT; about 51 KB of minified JS and 2 KB of CSS in 1.6.32), read from the
 * installed package once per process. uPlot was chosen over Chart.js 4 (210 KB minified) because
 * every chart here is a time series, an x-y line or a bar chart, which uPlot draws natively at a
 * quarter of the size (docs/report.md, HTML).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface HtmlAssets {
  /** uPlot's IIFE build: defines the global `uPlot`. */
  script: string;
  css: string;
}

let cached: HtmlAssets | undefined;

export function htmlAssets(): HtmlAssets {
  if (!cached) {
    const require = createRequire(import.meta.url);
    cached = {
      script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return cached;
}
