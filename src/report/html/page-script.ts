/**
 * The script an HTML report runs to draw its charts: it reads the chart specs (../charts.ts)
 * embedded as JSON in the page and turns each into a uPlot chart. Plain ES2017 in a string, so
 * the page needs nothing but itself and the inlined uPlot; the browser test (test/report/) loads
 * real reports in Chromium and checks that every chart draws without a console error.
 *
 * How each kind is drawn:
 * - `time`: x as h:mm from the start of the run; a second y axis on the right when asked for.
 * - `category`: bars side by side per category: every series has its own x slot within the
 *   category's group (and nulls elsewhere), so uPlot's plain bar paths draw grouped bars.
 * - `xy`: lines with points (a risk curve has a handful of values).
 * - `tornado`: horizontal bars (uPlot's rotated x scale) from the baseline to each series' value.
 * Reference lines (`limits`) are dashed grey series, so they appear in the legend with a name.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
  var specs = JSON.parse(document.getElementById('overcast-charts').textContent);

  function color(i) { return PALETTE[i % PALETTE.length]; }
  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }
  function unitOf(axis) { return axis.unit ? axis.label + ' (' + axis.unit + ')' : axis.label; }
  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return 'n/a';
    var a = Math.abs(v);
    return a >= 1000 ? v.toFixed(0) : a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(2);
  }
  function lineSeries(s, i) {
    var c = color(i);
    var out = { label: s.label, stroke: c, width: 2, scale: s.axis === 'right' ? 'y2' : 'y', spanGaps: false, value: function (u, v) { return fmt(v); } };
    if (s.style === 'area') out.fill = alpha(c, 0.2);
    if (s.style === 'dashed') out.dash = [6, 4];
    return out;
  }
  function limitSeries(limit) {
    return { label: limit.label, stroke: '#666', width: 1.5, dash: [4, 4], points: { show: false }, scale: 'y', value: function (u, v) { return fmt(v); } };
  }
  function clock(seconds) {
    var minutes = Math.round(seconds / 60);
    var m = minutes % 60;
    return Math.floor(minutes / 60) + ':' + (m < 10 ? '0' : '') + m;
  }
  function hoursAxis(u, splits) { return splits.map(clock); }

  function timeOrXy(spec, width) {
    var x = spec.x.values;
    var data = [x];
    var series = [{ label: spec.kind === 'time' ? 'time' : unitOf(spec.x), value: spec.kind === 'time' ? function (u, v) { return v === null ? '' : clock(v); } : function (u, v) { return fmt(v); } }];
    spec.series.forEach(function (s, i) {
      data.push(s.values);
      var ls = lineSeries(s, i);
      if (spec.kind === 'xy') ls.points = { show: true, size: 7 };
      series.push(ls);
    });
    (spec.limits || []).forEach(function (l) {
      data.push(x.map(function () { return l.value; }));
      series.push(limitSeries(l));
    });
    var axes = [
      { label: spec.kind === 'time' ? 'time from the start (h:mm)' : unitOf(spec.x), values: spec.kind === 'time' ? hoursAxis : undefined, incrs: spec.kind === 'time' ? [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800] : undefined },
      { label: unitOf(spec.y), scale: 'y', size: 60 },
    ];
    var scales = { x: { time: false }, y: { range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.05 : 1]; } } };
    if (spec.y2) {
      axes.push({ label: unitOf(spec.y2), scale: 'y2', side: 1, grid: { show: false }, size: 60 });
      scales.y2 = { range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.05 : 1]; } };
    }
    return { opts: { width: width, height: 320, scales: scales, axes: axes, series: series }, data: data };
  }

  function category(spec, width) {
    var groups = spec.x.categories;
    var k = spec.series.length;
    var slots = k + 1;
    var x = [];
    for (var g = 0; g < groups.length; g++) for (var j = 0; j < slots; j++) x.push(g * slots + j);
    var data = [x];
    var series = [{ label: unitOf(spec.x), value: function (u, v) { return v === null ? '' : groups[Math.floor(v / slots)]; } }];
    spec.series.forEach(function (s, i) {
      data.push(x.map(function (pos) { return pos % slots === i ? s.values[Math.floor(pos / slots)] : null; }));
      series.push({ label: s.label, fill: alpha(color(i), 0.75), stroke: color(i), width: 1, scale: 'y', paths: uPlot.paths.bars({ size: [0.9, Infinity] }), points: { show: false }, value: function (u, v) { return fmt(v); } });
    });
    (spec.limits || []).forEach(function (l) {
      data.push(x.map(function () { return l.value; }));
      series.push(limitSeries(l));
    });
    var centres = groups.map(function (name, g) { return g * slots + (k - 1) / 2; });
    var axes = [
      { label: unitOf(spec.x), splits: function () { return centres; }, values: function () { return groups; }, grid: { show: false } },
      { label: unitOf(spec.y), size: 60 },
    ];
    var scales = { x: { time: false, range: [-1, x.length - 1] }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } };
    return { opts: { width: width, height: 320, scales: scales, axes: axes, series: series, cursor: { drag: { x: false, y: false } } }, data: data };
  }

  function tornado(spec, width) {
    var names = spec.x.categories;
    var x = names.map(function (n, i) { return i; });
    var data = [x];
    var base = spec.baseline || 0;
    var series = [{ label: unitOf(spec.x), value: function (u, v) { return v === null ? '' : names[v]; } }];
    spec.series.forEach(function (s, i) {
      data.push(s.values);
      series.push({ label: s.label, fill: alpha(color(i), 0.75), stroke: color(i), width: 1, fillTo: base, paths: uPlot.paths.bars({ size: [0.6, Infinity] }), points: { show: false }, value: function (u, v) { return fmt(v); } });
    });
    var axes = [
      { label: unitOf(spec.x), splits: function () { return x; }, values: function () { return names; }, grid: { show: false }, size: 140 },
      { label: unitOf(spec.y) },
    ];
    var scales = { x: { time: false, ori: 1, dir: -1, range: [-0.5, names.length - 0.5] }, y: { ori: 0, range: function (u, min, max) { var d = Math.max(Math.abs(min - base), Math.abs(max - base)) * 1.1 || 1; return [base - d, base + d]; } } };
    return { opts: { width: width, height: Math.max(160, 40 * names.length + 80), scales: scales, axes: axes, series: series }, data: data };
  }

  var BUILDERS = { time: timeOrXy, xy: timeOrXy, category: category, tornado: tornado };

  specs.forEach(function (spec) {
    var el = document.getElementById('chart-' + spec.id);
    var width = Math.max(360, Math.min(el.clientWidth || 960, 1100));
    try {
      var built = BUILDERS[spec.kind](spec, width);
      new uPlot(built.opts, built.data, el);
      el.setAttribute('data-drawn', 'yes');
    } catch (error) {
      el.textContent = 'This chart could not be drawn: ' + error.message;
      console.error('overcast chart ' + spec.id + ': ' + error.message);
    }
  });
})();
`;
