import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { fmt } from '../../report/format.js';
import type { Report } from '../../report/report.js';
import { niceCeil, renderBar } from '../charts.js';
import {
  bottleneckText,
  groupShort,
  heartbeatsOf,
  hostThreadsOf,
  intervalText,
  networkGroups,
  networkOf,
  THREAD_KINDS,
  type HeartbeatRow,
  type NetworkGroupRow,
} from '../report-sections.js';
import { tint } from '../tint.js';
import type { SectionProps } from './SectionView.js';

/** A busiest thread at this % of a core is saturated: its work queues up (a QEMU main loop at 100 %). */
const SATURATED_PCT = 99;

/** One block of the section: a title line and its rows (each a line). */
interface Block {
  title: string;
  rows: { key: string; node: ReactElement }[];
}

const base = (text: string | null) => (text === null ? null : <Text dimColor>{` base ${text}`}</Text>);

/** The flapsPerDay SLO, when the scenario sets it. */
function flapsSlo(report: Report): { limit: number } | null {
  const slo = report.slos.find((s) => s.name === 'flapsPerDay');
  return slo ? { limit: slo.limit } : null;
}

/**
 * One heartbeat: the gap p99 and max as bars against the master-down interval (`┃`), each with its
 * value and a verdict (a gap beyond the interval is a takeover), then failovers and flaps per day
 * with their 95 % intervals and the adverts lost.
 */
function heartbeatRows(hb: HeartbeatRow, baseHb: HeartbeatRow | undefined, report: Report, barWidth: number): Block['rows'] {
  const down = hb.masterDownMs ?? null;
  const scale = niceCeil(Math.max(down !== null ? down * 1.5 : 0, (hb.gapMs?.max ?? 0) * 1.15, hb.intervalMs ?? 0, 1));
  const pair = hb.master && hb.backup ? ` ${hb.master} → ${hb.backup} ·` : '';
  const rows: Block['rows'] = [
    {
      key: `${hb.name}-title`,
      node: (
        <Text wrap="truncate-end" bold>
          {`${hb.name}:${pair} advert every ${fmt(hb.intervalMs)} ms · ┃ master-down ${fmt(down)} ms · scale 0–${fmt(scale)} ms`}
        </Text>
      ),
    },
  ];
  for (const stat of ['p99', 'max'] as const) {
    const value = hb.gapMs?.[stat] ?? null;
    const over = value !== null && down !== null && value > down;
    const verdict = value === null || down === null ? '' : over ? ' ✗ takeover' : ' ✓ below';
    const b = baseHb?.gapMs?.[stat];
    rows.push({
      key: `${hb.name}-${stat}`,
      node: (
        <Text wrap="truncate-end">
          {` gap ${stat.padEnd(4)}`}
          <Text {...tint(verdict !== '' && (over ? 'red' : 'green'))}>{renderBar(value, scale, barWidth, down ?? undefined)}</Text>
          {` ${fmt(value).padStart(6)} ms${verdict}`}
          {base(baseHb ? `${fmt(b)} ms` : null)}
        </Text>
      ),
    });
  }
  const slo = flapsSlo(report);
  const flaps = hb.flapsPerDay ?? null;
  const sloText = slo && flaps !== null ? (flaps <= slo.limit ? ` ≤ SLO ${fmt(slo.limit)}` : ` > SLO ${fmt(slo.limit)}`) : '';
  const mark = slo && flaps !== null ? (flaps <= slo.limit ? '✓' : '✗') : (flaps ?? 0) > 0 || (hb.failoversPerDay ?? 0) > 0 ? '!' : '✓';
  rows.push({
    key: `${hb.name}-rates`,
    node: (
      <Text wrap="truncate-end">
        <Text bold {...tint(mark === '✓' ? 'green' : 'red')}>{` ${mark}`}</Text>
        {` flaps ${fmt(flaps)}/day (95 % ${intervalText(hb.ci95?.flapsPerDay)})${sloText} · failovers ${fmt(hb.failoversPerDay)}/day (${intervalText(hb.ci95?.failoversPerDay)})`}
        {hb.sent !== undefined ? ` · lost ${Math.round(hb.lost ?? 0)}/${Math.round(hb.sent)} adverts` : ''}
        {base(baseHb ? `${fmt(baseHb.flapsPerDay)} flaps/day` : null)}
      </Text>
    ),
  });
  return rows;
}

/** A VM group's network path: achieved bandwidth as a bar, the demand as `┃`, and what held it back. */
function networkRow(row: NetworkGroupRow, baseRow: NetworkGroupRow | undefined, scale: number, barWidth: number, labelWidth: number): Block['rows'][number] {
  const short = groupShort(row);
  const pct = row.demandGbps !== null && row.demandGbps > 0 && row.achievedGbps !== null ? (100 * row.achievedGbps) / row.demandGbps : null;
  return {
    key: `net-${row.group}`,
    node: (
      <Text wrap="truncate-end">
        {` ${`${row.group} ×${row.vms}`.padEnd(labelWidth)} `}
        <Text {...tint(short ? 'red' : 'green')}>{renderBar(row.achievedGbps, scale, barWidth, row.demandGbps ?? undefined)}</Text>
        {` ${fmt(row.achievedGbps).padStart(5)} of ${fmt(row.demandGbps)} Gbit/s${pct !== null ? ` (${Math.round(pct)} %)` : ''} `}
        {short ? `✗ bottleneck ${bottleneckText(row)}` : row.bottlenecks.length > 0 ? `✓ within 1 % (${bottleneckText(row)})` : '✓ no bottleneck'}
        {base(baseRow ? fmt(baseRow.achievedGbps) : null)}
      </Text>
    ),
  };
}

/**
 * The latency paths (docs/latency.md): heartbeat gaps against the master-down interval with
 * failovers and flaps, each network VM group's achieved against demanded bandwidth with its
 * bottleneck, and the host threads' CPU. Three blocks; when they do not all fit, j/k shows one.
 */
export default function NetworkSection({ current, baseline, width, height, chart }: SectionProps) {
  const report = current.report;
  const baseReport = baseline?.report ?? null;
  const barWidth = Math.max(8, Math.min(40, width - 72));
  const threadBarWidth = Math.max(8, Math.min(40, width - 76));

  const heartbeats = heartbeatsOf(report);
  const baseHeartbeats = baseReport ? new Map(heartbeatsOf(baseReport).map((h) => [h.name, h])) : null;
  const hbBlock: Block = {
    title: heartbeats.length > 0 ? 'heartbeats: gaps between adverts at the backup (█ gap ┃ master-down)' : 'no heartbeats in this scenario',
    rows: heartbeats.flatMap((hb) => heartbeatRows(hb, baseHeartbeats?.get(hb.name), report, barWidth)),
  };

  const groups = networkGroups(report);
  const baseGroups = baseReport ? new Map(networkGroups(baseReport).map((g) => [g.group, g])) : null;
  const netScale = niceCeil(Math.max(0.01, ...groups.flatMap((g) => [g.demandGbps ?? 0, g.achievedGbps ?? 0])));
  const labelWidth = Math.min(16, Math.max(0, ...groups.map((g) => `${g.group} ×${g.vms}`.length)));
  const nic = networkOf(report)?.nicGbps ?? null;
  const netBlock: Block = {
    title:
      groups.length > 0
        ? `network per VM, mean (█ achieved ┃ demand) · scale 0–${fmt(netScale)} Gbit/s${nic !== null ? ` · NIC ${fmt(nic)} Gbit/s` : ''}`
        : 'no VM group with a network in this scenario',
    rows: groups.map((g) => networkRow(g, baseGroups?.get(g.group), netScale, barWidth, labelWidth)),
  };

  const threads = hostThreadsOf(report);
  const baseThreads = baseReport ? hostThreadsOf(baseReport) : undefined;
  const kinds = THREAD_KINDS.filter((k) => (threads?.cpuPct?.[k] ?? 0) > 0 || (baseThreads?.cpuPct?.[k] ?? 0) > 0);
  const threadScale = niceCeil(Math.max(0.1, ...kinds.map((k) => Math.max(threads?.cpuPct?.[k] ?? 0, baseThreads?.cpuPct?.[k] ?? 0) * 1.2)));
  const threadBlock: Block = {
    title: kinds.length > 0 ? `host threads: CPU % of all pCPUs (█) · scale 0–${fmt(threadScale)} %` : 'no host-thread CPU in this run',
    rows: kinds.map((k) => {
      const busiest = threads?.maxThreadPct?.[k] ?? null;
      const saturated = busiest !== null && busiest >= SATURATED_PCT;
      return {
        key: `thread-${k}`,
        node: (
          <Text wrap="truncate-end">
            {` ${k.padEnd(8)} `}
            <Text {...tint(saturated && 'red')}>{renderBar(threads?.cpuPct?.[k] ?? null, threadScale, threadBarWidth)}</Text>
            {` ${fmt(threads?.cpuPct?.[k]).padStart(5)} % · ${fmt(threads?.coresPerHost?.[k])} cores/host · busiest ${fmt(busiest)} % of a core${saturated ? ' ✗ saturated' : ''}`}
            {base(baseThreads ? `${fmt(baseThreads.cpuPct?.[k])} %` : null)}
          </Text>
        ),
      };
    }),
  };

  const blocks = [hbBlock, netBlock, threadBlock];
  const total = blocks.reduce((n, b) => n + 1 + b.rows.length, 0);
  const all = total <= height;
  const shown = all ? blocks : [blocks[chart % blocks.length]!];
  const room = Math.max(0, height - 1);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {shown.map((block) => {
        const rows = all || block.rows.length <= room ? block.rows : block.rows.slice(0, Math.max(0, room - 1));
        return (
          <Box key={block.title} flexDirection="column">
            <Text wrap="truncate-end" bold>
              {all ? block.title : `${block.title} (${(chart % blocks.length) + 1}/${blocks.length}, j/k)`}
            </Text>
            {rows.map((r) => (
              <Box key={r.key}>{r.node}</Box>
            ))}
            {rows.length < block.rows.length ? <Text dimColor>{`… ${block.rows.length - rows.length} more lines: a taller terminal shows them`}</Text> : null}
          </Box>
        );
      })}
    </Box>
  );
}
