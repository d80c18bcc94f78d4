/**
 * Charts as data: what to plot, with units, independent of the library that draws them
 * (./html/ draws them with uPlot). The text and markdown formats skip charts; every number a
 * chart shows is also in a table of the same section.
 */

export interface ChartSeries {
  label: string;
  /** One value per x; null where there is no data. */
  values: (number | null)[];
  /** How to draw it: a line (default), a filled area, bars, or a dashed line. */
  style?: 'line' | 'area' | 'bars' | 'dashed';
  /** Which y axis: the left (default) or the right, when the units differ. */
  axis?: 'left' | 'right';
}

export interface ChartAxis {
  label: string;
  unit: string;
}

export interface ChartSpec {
  /** Stable id, unique in a document (used for the element's id). */
  id: string;
  title: string;
  /**
   * - `time`: x is seconds from the start of the run (shown in hours);
   * - `category`: x is one slot per name in `categories` (bars side by side);
   * - `xy`: x is a number such as a knob value;
   * - `tornado`: one row per name in `categories`, a bar from `series[0]` (low) to `series[1]`
   *   (high) around `baseline`: how much an answer moves when each input moves.
   */
  kind: 'time' | 'category' | 'xy' | 'tornado';
  x: ChartAxis & { values: number[]; categories?: string[] };
  y: ChartAxis;
  /** A second y axis, for series with `axis: 'right'`. */
  y2?: ChartAxis;
  series: ChartSeries[];
  /** Horizontal reference lines (an SLO limit, the host's RAM), on the left axis. */
  limits?: { label: string; value: number }[];
  /** Tornado only: the answer without any change (the bars' common origin). */
  baseline?: number;
  /** Said under the chart. */
  note?: string;
}

/** True when a chart has something to draw: at least one finite value in some series. */
export function chartHasData(chart: ChartSpec): boolean {
  return chart.x.values.length > 0 && chart.series.some((s) => s.values.some((v) => v !== null && Number.isFinite(v)));
}
