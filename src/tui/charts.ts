/**
 * Text charts for the terminal UI, as plain functions from numbers to lines of text (no React),
 * so they are tested directly and rendered by any component.
 *
 * Series are told apart by glyph, never by colour alone: the main series is a filled area of
 * eighth blocks (btop's look), a second series is a row of dots, and a reference line (an SLO
 * limit, capacity) is dashed. A missing value (null) leaves its column empty.
 */

const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
const HORIZONTAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'] as const;

export interface ChartSeries {
  values: readonly (number | null)[];
  /** `area`: filled from the bottom; `dots`: one marker per column at the value. */
  style: 'area' | 'dots';
  /** How the points that fall into one column are combined. */
  reduce: 'mean' | 'max';
  /** Marker of a `dots` series (default `•`). */
  marker?: string;
}

export interface ChartOptions {
  /** Total width in columns, axis labels included. */
  width: number;
  /** Plot rows (the time axis below adds one more). */
  height: number;
  /** Bottom and top of the scale; the top defaults to a round number above the data. */
  min?: number;
  max?: number;
  /** A horizontal reference line (SLO limit, capacity), dashed. */
  reference?: number;
  /** Unit shown after the top label (`%`, `ms`). */
  unit?: string;
  /** Simulated seconds the series span, for the time axis; no axis when absent. */
  durationSeconds?: number;
  /** Simulated time of the first point, when the series are a window of the run (default 0). */
  startSeconds?: number;
}

/**
 * The steps worth a closer look: from a little before the first step where `active` is non-zero
 * to a little after the last (a tenth of the span on each side, at least two steps), or null when
 * that is most of the run anyway (over 60 %) or nothing is active. A 98-minute boot storm on a
 * 24 h axis would fill a few columns; this window fills the chart with it.
 */
export function eventWindow(active: readonly (number | null)[]): { from: number; to: number } | null {
  let first = -1;
  let last = -1;
  active.forEach((v, i) => {
    if (v !== null && v > 0) {
      if (first < 0) first = i;
      last = i;
    }
  });
  if (first < 0) return null;
  const pad = Math.max(2, Math.ceil((last - first + 1) / 10));
  const from = Math.max(0, first - pad);
  const to = Math.min(active.length, last + 1 + pad);
  return to - from > 0.6 * active.length ? null : { from, to };
}

/** A round number at or above `x` (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k): chart scales read better so. */
export function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const exponent = Math.floor(Math.log10(x));
  const base = 10 ** exponent;
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * base >= x * (1 - 1e-12)) return Number((m * base).toPrecision(12));
  return 10 * base;
}

/** Resamples `values` to `width` columns: several points per column are combined, few are repeated. */
export function resample(values: readonly (number | null)[], width: number, reduce: 'mean' | 'max'): (number | null)[] {
  const n = values.length;
  const out: (number | null)[] = [];
  if (n === 0 || width <= 0) return out;
  for (let c = 0; c < width; c++) {
    const from = Math.floor((c * n) / width);
    const to = Math.max(from + 1, Math.floor(((c + 1) * n) / width));
    let sum = 0;
    let count = 0;
    let max = -Infinity;
    for (let i = from; i < to && i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      sum += v;
      count++;
      if (v > max) max = v;
    }
    out.push(count === 0 ? null : reduce === 'max' ? max : sum / count);
  }
  return out;
}

/** Formats an axis label: integers plainly, small numbers with up to two decimals. */
export function axisLabel(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) >= 100 || Number.isInteger(x)) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1).replace(/\.0$/, '');
  // Two significant digits for small scales (0.05, 0.0025), never a misleading "0.0".
  return String(Number(x.toPrecision(2)));
}

/** The time axis under a plot: elapsed hours (or minutes for short runs) at up to five points. */
export function timeAxis(durationSeconds: number, plotWidth: number, startSeconds = 0): string {
  const hours = startSeconds + durationSeconds >= 2 * 3600 && durationSeconds >= 2 * 3600;
  const label = (fraction: number): string => {
    const seconds = startSeconds + durationSeconds * fraction;
    return hours ? `${axisLabel(Math.round((seconds / 3600) * 10) / 10)}h` : `${axisLabel(Math.round(seconds / 60))}m`;
  };
  const cells = Array<string>(plotWidth).fill(' ');
  const put = (at: number, text: string): void => {
    for (let i = 0; i < text.length && at + i < plotWidth; i++) cells[at + i] = text[i]!;
  };
  const marks = plotWidth >= 40 ? [0, 0.25, 0.5, 0.75, 1] : plotWidth >= 16 ? [0, 0.5, 1] : [0, 1];
  for (const fraction of marks) {
    const text = label(fraction);
    const at = fraction === 1 ? plotWidth - text.length : Math.round(fraction * (plotWidth - 1) - (fraction === 0 ? 0 : text.length / 2));
    put(Math.max(0, at), text);
  }
  return cells.join('');
}

/**
 * Renders series as lines of exactly `options.width` characters: `height` plot rows with the
 * scale on the left, then the time axis when `durationSeconds` is given.
 */
export function renderChart(series: readonly ChartSeries[], options: ChartOptions): string[] {
  const height = Math.max(1, options.height);
  const min = options.min ?? 0;
  let top = options.max;
  if (top === undefined) {
    let highest = options.reference ?? 0;
    for (const s of series) for (const v of s.values) if (v !== null && Number.isFinite(v) && v > highest) highest = v;
    top = niceCeil(highest);
    // A reference line gets a row of its own below the top row, so the top label (the scale's
    // end) never sits on it: the 100 % RAM line is not drawn on the row labelled 120 %.
    const ref = options.reference;
    if (ref !== undefined && ref > min && height >= 3 && Math.floor(((ref - min) / (top - min || 1)) * height) >= height - 1) {
      top = niceCeil(min + ((ref - min) * height) / (height - 1.5));
    }
  }
  const range = top - min > 0 ? top - min : 1;
  const topLabel = `${axisLabel(top)}${options.unit ? ` ${options.unit}` : ''}`;
  const labels = [topLabel, axisLabel(min), axisLabel(min + range / 2), ...(options.reference !== undefined ? [axisLabel(options.reference)] : [])];
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const plotWidth = Math.max(1, options.width - labelWidth - 1);

  const grid: string[][] = Array.from({ length: height }, () => Array<string>(plotWidth).fill(' '));
  const rowOf = (v: number): number => Math.min(height - 1, Math.max(0, Math.floor(((v - min) / range) * height)));

  if (options.reference !== undefined && options.reference >= min && options.reference <= top) {
    const row = rowOf(options.reference);
    for (let c = 0; c < plotWidth; c++) grid[row]![c] = '╌';
  }
  for (const s of series) {
    const columns = resample(s.values, plotWidth, s.reduce);
    columns.forEach((v, c) => {
      if (v === null) return;
      if (s.style === 'dots') {
        grid[rowOf(v)]![c] = s.marker ?? '•';
        return;
      }
      // Eighths of a row; any value above the bottom shows at least one eighth.
      const raw = ((v - min) / range) * height * 8;
      const eighths = v > min ? Math.max(1, Math.round(raw)) : 0;
      for (let r = 0; r < height; r++) {
        const fill = Math.min(8, Math.max(0, eighths - r * 8));
        if (fill > 0) grid[r]![c] = BLOCKS[fill]!;
      }
    });
  }

  const lines: string[] = [];
  // The reference row is labelled with the reference's own value.
  const referenceRow = options.reference !== undefined && options.reference >= min && options.reference <= top ? rowOf(options.reference) : -1;
  for (let r = height - 1; r >= 0; r--) {
    const label =
      r === referenceRow && r !== height - 1 && r !== 0
        ? axisLabel(options.reference!)
        : r === height - 1
          ? topLabel
          : r === 0
            ? axisLabel(min)
            : height >= 5 && r === Math.floor((height - 1) / 2) && Math.abs(r - referenceRow) > 1
              ? axisLabel(min + ((r + 0.5) / height) * range)
              : '';
    lines.push(`${label.padStart(labelWidth)}┤${grid[r]!.join('')}`);
  }
  if (options.durationSeconds !== undefined) lines.push(`${' '.repeat(labelWidth + 1)}${timeAxis(options.durationSeconds, plotWidth, options.startSeconds)}`);
  return lines.map((l) => l.padEnd(options.width).slice(0, Math.max(options.width, 0)));
}

/**
 * A horizontal bar of `width` cells for `value` on a 0…`scaleMax` scale, in eighth blocks. A
 * value beyond the scale fills the bar and ends in `▸`. `marker` (an SLO limit) is drawn as `┃`
 * at its position, over the bar where the bar reaches it.
 */
export function renderBar(value: number | null, scaleMax: number, width: number, marker?: number): string {
  if (width <= 0) return '';
  const cells = Array<string>(width).fill(' ');
  if (value !== null && Number.isFinite(value) && value > 0 && scaleMax > 0) {
    const eighths = Math.max(1, Math.round((Math.min(value, scaleMax) / scaleMax) * width * 8));
    for (let c = 0; c < width; c++) {
      const fill = Math.min(8, Math.max(0, eighths - c * 8));
      if (fill > 0) cells[c] = HORIZONTAL[fill]!;
    }
    if (value > scaleMax) cells[width - 1] = '▸';
  }
  if (marker !== undefined && scaleMax > 0 && marker >= 0 && marker <= scaleMax) {
    const at = Math.min(width - 1, Math.floor((marker / scaleMax) * width));
    cells[at] = '┃';
  }
  return cells.join('');
}

/**
 * One tornado row as a bar of `width` cells on a `min`…`max` scale (the glyphs of `overcast
 * sensitivity`'s text tornado): `▒` from the nominal value to the metric with the input at its low
 * end, `█` to the metric at its high end (drawn over `▒` where they overlap), `│` the nominal value,
 * `¦` the limit where the bar leaves that cell empty.
 */
export function renderTornadoBar(nominal: number, low: number, high: number, min: number, max: number, width: number, limit?: number): string {
  if (width <= 0) return '';
  const span = max - min || 1;
  const pos = (v: number): number => Math.min(width - 1, Math.max(0, Math.round(((v - min) / span) * (width - 1))));
  const cells = Array<string>(width).fill(' ');
  const n = pos(nominal);
  const fill = (to: number, glyph: string): void => {
    for (let i = Math.min(n, to); i <= Math.max(n, to); i++) cells[i] = glyph;
  };
  if (Number.isFinite(low)) fill(pos(low), '▒');
  if (Number.isFinite(high)) fill(pos(high), '█');
  if (limit !== undefined && Number.isFinite(limit) && cells[pos(limit)] === ' ') cells[pos(limit)] = '¦';
  cells[n] = '│';
  return cells.join('');
}
