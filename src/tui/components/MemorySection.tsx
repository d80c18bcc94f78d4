import { Box, Text } from 'ink';
import { fmt } from '../../report/format.js';
import type { ChartSeries } from '../charts.js';
import { elapsed, fleetTotal, memoryOf, memoryPctSeries, type MemorySection as Memory } from '../report-sections.js';
import Chart from './Chart.js';
import type { SectionProps } from './SectionView.js';
import { tint } from '../tint.js';

/** `0.12 (95 % 0.05–0.25)`, and how a rare risk was decided (docs/risk.md) when not by plain Monte Carlo. */
export function riskText(r: Memory['oomRiskPerHostMonth']): string {
  const interval = `${fmt(r.estimate)} (95 % ${fmt(r.lower95)}–${fmt(r.upper95)}`;
  switch (r.method) {
    case 'bound':
      return `${interval}; bound: no kill possible)`;
    case 'mechanism':
      return `${interval}; mechanism: ${fmt(r.fixedHeadroomGiB)} GiB margin on every host-run)`;
    case 'importance':
      return `${interval}; importance sampling, ESS ${fmt(r.ess)})`;
    case 'tail':
      return `${interval}; EXTRAPOLATED tail${r.stoppedEarly ? ', not decided' : ''})`;
    default:
      return `${interval}${r.stoppedEarly ? '; not decided' : ''})`;
  }
}

/**
 * Memory: OOM risk and kills, backed memory against RAM over the run (mean of hosts as an area,
 * the fullest host as dots, RAM as the dashed 100 % line), KSM savings and swap.
 */
export default function MemorySection({ current, baseline, width, height, chart }: SectionProps) {
  const memory = memoryOf(current.report);
  const base = baseline ? memoryOf(baseline.report) : undefined;
  const kills = memory.oomKills?.total ?? 0;
  const duration = current.report.scenario.durationSeconds;
  const needed = memoryPctSeries(memory, 'needed');
  const memorySeries: ChartSeries[] = [{ values: needed.mean, style: 'area', reduce: 'mean' }];
  memorySeries.push(base ? { values: memoryPctSeries(base, 'needed').mean, style: 'dots', reduce: 'mean', marker: '·' } : { values: memoryPctSeries(memory, 'backed').mean, style: 'dots', reduce: 'mean', marker: '•' });
  const ksm = fleetTotal(memory, (h) => h.ksmSavedGiB);
  const swap = fleetTotal(memory, (h) => h.swapGiB);
  const charts = [
    {
      title: base ? 'memory % of RAM after KSM, mean of hosts (█ now · baseline ╌ RAM)' : 'memory % of RAM, mean of hosts (█ after KSM • backed before KSM ╌ RAM)',
      series: memorySeries,
      reference: 100,
      unit: '%',
    },
    {
      title: 'fleet GiB: KSM saved (█) · in swap (•)',
      series: [
        { values: ksm, style: 'area', reduce: 'mean' },
        { values: swap, style: 'dots', reduce: 'max', marker: '•' },
      ] as ChartSeries[],
      unit: 'GiB',
    },
  ];
  const headerLines = 3;
  const left = height - headerLines;
  const both = left >= 2 * 6;
  const shown = both ? charts : [charts[chart % charts.length]!];
  const plotHeight = Math.max(2, Math.floor(left / shown.length) - 2);
  const firstKills = (memory.kills ?? []).slice(0, 2).map((k) => `${k.vm}@${k.host} ${elapsed(k.timeSeconds)}`);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate-end">
        <Text bold {...tint(kills > 0 ? 'red' : 'green')}>
          {kills > 0 ? `✗ ${kills} OOM kill${kills === 1 ? '' : 's'}` : '✓ no OOM kills'}
        </Text>
        {` · OOM risk per host-month ${riskText(memory.oomRiskPerHostMonth)}`}
        {base ? <Text dimColor>{` base ${fmt(base.oomRiskPerHostMonth?.estimate)}, ${base.oomKills?.total ?? 0} kills`}</Text> : null}
      </Text>
      <Text wrap="truncate-end">
        {`backed peak ${fmt(memory.backedPeakPct?.worst)} % of RAM (fullest host), mean ${fmt(memory.backedPeakPct?.mean)} % · KSM saved ${fmt(memory.ksmSavedGiB?.mean)} GiB/host (max ${fmt(memory.ksmSavedGiB?.max)}) · swap peak ${fmt(memory.swapPeakGiB?.max)} GiB`}
      </Text>
      <Text wrap="truncate-end" dimColor={firstKills.length === 0}>
        {firstKills.length > 0 ? `kills: ${firstKills.join(' · ')}${(memory.kills?.length ?? 0) > 2 ? ' · … (event log)' : ''}` : 'no VM was killed in any replication'}
      </Text>
      {left >= 4
        ? shown.map((c) => (
            <Chart key={c.title} title={both ? c.title : `${c.title} (${(chart % charts.length) + 1}/2, j/k)`} series={c.series} width={width} height={plotHeight} unit={c.unit} durationSeconds={duration} {...(c.reference !== undefined ? { reference: c.reference } : {})} />
          ))
        : null}
    </Box>
  );
}

/** One host's memory in the host view: its peak numbers and its backed memory over the run. */
export function MemoryHostBlock({ current, host, width, height }: { current: SectionProps['current']; host: string; width: number; height: number }) {
  const memory = memoryOf(current.report);
  const row = memory?.byHost?.find((h) => h.name === host);
  const line = memory?.timeline?.hosts.find((h) => h.name === host);
  if (!memory || !row) return null;
  const pctOf = (values: readonly (number | null)[], minus?: readonly (number | null)[]): (number | null)[] =>
    line ? values.map((v, i) => (v === null || !(line.ramGiB > 0) ? null : (100 * (v - (minus?.[i] ?? 0))) / line.ramGiB)) : [];
  const backed = line ? pctOf(line.backedGiB) : [];
  const needed = line ? pctOf(line.backedGiB, line.ksmSavedGiB) : [];
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" {...tint(row.kills > 0 && 'red')}>
        {`memory: backed peak ${fmt(row.backedPeakPct)} % of ${Math.round(row.totalGiB)} GiB · swap peak ${fmt(row.swapPeakGiB)} GiB · KSM saved ${fmt(row.ksmSavedMeanGiB)} GiB · ${row.kills > 0 ? `✗ ${row.kills} OOM kills` : 'no OOM kills'}`}
      </Text>
      {line && height >= 5 ? (
        <Chart
          title={`${host}: memory % of RAM (█ after KSM • backed before KSM ╌ RAM)`}
          series={[
            { values: needed, style: 'area', reduce: 'mean' },
            { values: backed, style: 'dots', reduce: 'mean', marker: '•' },
          ]}
          width={width}
          height={Math.max(2, height - 3)}
          reference={100}
          unit="%"
          durationSeconds={current.report.scenario.durationSeconds}
        />
      ) : null}
    </Box>
  );
}
