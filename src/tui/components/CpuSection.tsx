import { Box, Text } from 'ink';
import { STATUS_COLOR, STATUS_MARK } from '../verdict.js';
import { fmt } from '../../report/format.js';
import type { Report } from '../../report/report.js';
import { niceCeil, renderBar, type ChartSeries } from '../charts.js';
import Chart from './Chart.js';
import { tint } from '../tint.js';
import type { SectionProps } from './SectionView.js';

type Row = 'p50' | 'p95' | 'p99' | 'max';

/** The ready-% SLO the distribution is drawn against (p95 preferred, then mean). */
function readyLimit(report: Report): { name: string; limit: number; stat: Row | 'mean' } | null {
  const p95 = report.slos.find((s) => s.name === 'cpuReadyPctP95');
  if (p95) return { name: 'p95', limit: p95.limit, stat: 'p95' };
  const mean = report.slos.find((s) => s.name === 'cpuReadyPctMean');
  return mean ? { name: 'mean', limit: mean.limit, stat: 'mean' } : null;
}

/** CPU ready percentiles as bars against the SLO limit (`┃`), with the baseline's numbers when comparing. */
function Distribution({ report, baseline, width, rows }: { report: Report; baseline: Report | null; width: number; rows: readonly Row[] }) {
  const d = report.cpu.readyPct;
  const limit = readyLimit(report);
  const scale = niceCeil(Math.max(limit ? limit.limit * 1.6 : 0, (d.p95 ?? 0) * 1.2, limit ? 0 : (d.p99 ?? 0), 0.1));
  const barWidth = Math.max(8, width - 34);
  const slo = report.slos.find((s) => s.name === 'cpuReadyPctP95');
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" bold>
        {`CPU ready % per vCPU-interval${limit ? ` · ┃ SLO ${limit.name} ≤ ${fmt(limit.limit)} %` : ' · no ready SLO set'} · scale 0–${fmt(scale)} %`}
      </Text>
      {rows.map((row) => {
        const value = d[row];
        const base = baseline?.cpu.readyPct[row];
        const verdict = slo && row === 'p95' ? ` ${STATUS_MARK[slo.status]}` : '';
        return (
          <Text key={row} wrap="truncate-end">
            {` ${row.padEnd(4)}`}
            <Text {...tint(slo && row === 'p95' && STATUS_COLOR[slo.status])}>{renderBar(value, scale, barWidth, limit?.limit)}</Text>
            {` ${fmt(value).padStart(6)} %${verdict}`}
            {baseline ? <Text dimColor>{` base ${fmt(base)}`}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}

const nums = (xs: readonly (number | null)[]): (number | null)[] => [...xs];

/**
 * The CPU section: the ready distribution against the SLO, then the ready and utilisation
 * timelines. When comparing, the baseline is drawn as `·` dots over the current area.
 */
export default function CpuSection({ current, baseline, width, height, chart }: SectionProps) {
  const report = current.report;
  const base = baseline?.report ?? null;
  const duration = report.scenario.durationSeconds;
  const distRows: Row[] = height >= 14 ? ['p50', 'p95', 'p99', 'max'] : ['p95', 'p99', 'max'];
  const distHeight = distRows.length + 1;
  const left = height - distHeight;
  const limit = readyLimit(report);

  const readySeries: ChartSeries[] = [{ values: nums(report.cpu.timeline.readyPctMean), style: 'area', reduce: 'mean' }];
  if (base) readySeries.push({ values: nums(base.cpu.timeline.readyPctMean), style: 'dots', reduce: 'mean', marker: '·' });
  const utilSeries: ChartSeries[] = [{ values: nums(report.cpu.timeline.hostUtilPctMean), style: 'area', reduce: 'mean' }];
  if (base) utilSeries.push({ values: nums(base.cpu.timeline.hostUtilPctMean), style: 'dots', reduce: 'mean', marker: '·' });
  else utilSeries.push({ values: nums(report.cpu.timeline.hostUtilPctMax), style: 'dots', reduce: 'max', marker: '•' });

  const charts = [
    {
      title: base ? 'ready % over the run, vCPU-weighted mean (█ now · baseline)' : 'ready % over the run, vCPU-weighted mean of all VMs',
      series: readySeries,
      unit: '%',
    },
    {
      title: base ? 'host CPU utilisation %, mean (█ now · baseline)' : 'host CPU utilisation % (█ mean of hosts • busiest host)',
      series: utilSeries,
      unit: '%',
      max: 100,
    },
  ];
  // Both charts when each gets 4 plot rows (title and time axis take 2 more); else the selected one.
  const both = left >= 2 * 6;
  const shown = both ? charts : [charts[chart % charts.length]!];
  const plotHeight = Math.max(2, Math.floor(left / shown.length) - 2);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Distribution report={report} baseline={base} width={width} rows={distRows} />
      {left >= 4
        ? shown.map((c, i) => (
            <Chart
              key={c.title}
              title={both ? c.title : `${c.title} (${(chart % charts.length) + 1}/2, j/k)`}
              series={c.series}
              width={width}
              height={plotHeight}
              unit={c.unit}
              durationSeconds={duration}
              {...(c.max !== undefined ? { max: c.max } : {})}
              {...(i === 0 && limit?.stat === 'mean' ? { reference: limit.limit } : {})}
            />
          ))
        : null}
    </Box>
  );
}
