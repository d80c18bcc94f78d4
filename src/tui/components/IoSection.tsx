import { Box, Text } from 'ink';
import { fmt } from '../../report/format.js';
import { eventWindow, type ChartSeries } from '../charts.js';
import { bootOf, elapsed as fmtElapsed, ioOf } from '../report-sections.js';
import Chart from './Chart.js';
import type { SectionProps } from './SectionView.js';

const nums = (xs: readonly (number | null)[] | undefined): (number | null)[] => [...(xs ?? [])];

/** IO and boots: boot times against the admission limit, boots in flight and queued, IO latency. */
export default function IoSection({ current, baseline, width, height, chart }: SectionProps) {
  const io = ioOf(current.report);
  const boot = bootOf(current.report);
  const baseIo = baseline ? ioOf(baseline.report) : undefined;
  const baseBoot = baseline ? bootOf(baseline.report) : undefined;
  const duration = current.report.scenario.durationSeconds;
  const boots = boot?.count ?? 0;
  // Zoomed to the boot storm when it is a small part of the run (both charts share the window).
  const inFlight = nums(io?.timeline?.bootsInFlight);
  const queued = nums(io?.timeline?.bootsQueued);
  const window = eventWindow(inFlight.map((v, i) => (v ?? 0) + (queued[i] ?? 0)));
  const stepSeconds = io?.timeline?.stepSeconds ?? duration;
  const cut = (xs: (number | null)[]): (number | null)[] => (window ? xs.slice(window.from, window.to) : xs);
  const axis = window ? { durationSeconds: (window.to - window.from) * stepSeconds, startSeconds: window.from * stepSeconds } : { durationSeconds: duration };
  const bootSeries: ChartSeries[] = [
    { values: cut(inFlight), style: 'area', reduce: 'max' },
    { values: cut(queued), style: 'dots', reduce: 'max', marker: '•' },
  ];
  const latencySeries: ChartSeries[] = [{ values: cut(nums(io?.timeline?.latencyMsMean)), style: 'area', reduce: 'mean' }];
  if (baseIo) latencySeries.push({ values: cut(nums(baseIo.timeline?.latencyMsMean)), style: 'dots', reduce: 'mean', marker: '·' });
  const zoom = window ? ` · boot storm, ${fmtElapsed(axis.startSeconds ?? 0)}–${fmtElapsed((axis.startSeconds ?? 0) + axis.durationSeconds)}` : '';
  const charts = [
    { title: `boots in flight (█) · waiting for admission (•)${zoom}`, series: bootSeries, unit: '' },
    { title: `${baseIo ? 'IO latency ms, mean (█ now · baseline)' : 'IO latency ms, mean over devices'}${zoom}`, series: latencySeries, unit: 'ms' },
  ];
  const left = height - 2;
  const both = left >= 2 * 6;
  const shown = both ? charts : [charts[chart % charts.length]!];
  const plotHeight = Math.max(2, Math.floor(left / shown.length) - 2);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate-end">
        {boots > 0
          ? `boots ${Math.round(boots)}${(boot?.unfinished ?? 0) > 0 ? ` (! ${Math.round(boot?.unfinished ?? 0)} unfinished)` : ''} · boot p95 ${fmt(boot?.seconds?.p95)} s${baseBoot ? ` (base ${fmt(baseBoot.seconds?.p95)})` : ''} · waited p95 ${fmt(boot?.queuedSeconds?.p95)} s · limit ${boot?.maxPerHost ?? 'none'} per host · storm ${fmt(boot?.stormMinutes?.max)} min`
          : 'no boots in this run'}
      </Text>
      <Text wrap="truncate-end">{`disks: ${io?.devices ?? 0} devices · utilisation p95 ${fmt(io?.utilPct?.p95)} % · latency p95 ${fmt(io?.latencyMs?.p95)} ms (mean ${fmt(io?.latencyMs?.mean)})`}</Text>
      {left >= 4
        ? shown.map((c) => <Chart key={c.title} title={both ? c.title : `${c.title} (${(chart % charts.length) + 1}/2, j/k)`} series={c.series} width={width} height={plotHeight} {...(c.unit ? { unit: c.unit } : {})} {...axis} />)
        : null}
    </Box>
  );
}
