import { Box, Text } from 'ink';
import { fmt } from '../../report/format.js';
import { HOST_SORT_LABELS, HOT_READY_PCT, hostRows, hostRowsVisible, layoutFor, visibleWindow, type HostRow, type HostSort } from '../selectors.js';
import type { UiState } from '../state.js';
import Pane from './Pane.js';
import { tint } from '../tint.js';

export interface Props {
  state: UiState;
  width: number;
  height: number;
}

interface Column {
  key: string;
  title: string;
  width: number;
  /** Lower goes first when the pane is too narrow for all. */
  priority: number;
  cell(row: HostRow): string;
}

const signed = (x: number): string => (x > 0 ? `+${fmt(x)}` : fmt(x));

const COLUMNS: Column[] = [
  { key: 'name', title: 'host', width: 12, priority: 0, cell: (r) => r.name },
  { key: 'vms', title: 'VMs', width: 4, priority: 3, cell: (r) => String(r.vms) },
  { key: 'ratio', title: 'vCPU/pCPU', width: 9, priority: 4, cell: (r) => fmt(r.vcpuPerPcpu) },
  { key: 'ram', title: 'RAM %', width: 6, priority: 6, cell: (r) => fmt(r.ramPct) },
  { key: 'readyMean', title: 'ready% mean', width: 11, priority: 1, cell: (r) => fmt(r.readyMean) },
  { key: 'readyMax', title: 'ready% max', width: 10, priority: 5, cell: (r) => fmt(r.readyMax) },
  { key: 'utilMean', title: 'util% mean', width: 10, priority: 7, cell: (r) => fmt(r.utilMean) },
  { key: 'utilMax', title: 'util% max', width: 9, priority: 2, cell: (r) => fmt(r.utilMax) },
];

/** The column each sort order sorts by. */
const SORT_COLUMN: Record<HostSort, string> = { ready: 'readyMean', util: 'utilMax', ratio: 'ratio', ram: 'ram', name: 'name' };

const DELTA: Column = {
  key: 'delta',
  title: 'Δready mean',
  width: 11,
  priority: 1.5,
  cell: (r) => (r.baseline === 'new' ? 'new host' : r.baseline && r.readyMean !== null && r.baseline.readyMean !== null ? signed(r.readyMean - r.baseline.readyMean) : ''),
};

/** The columns that fit `width`, in display order. */
export function fitColumns(width: number, comparing: boolean): Column[] {
  const all = comparing ? [...COLUMNS.slice(0, 5), DELTA, ...COLUMNS.slice(5)] : COLUMNS;
  const chosen = new Set<string>();
  let used = 2; // selection and `!` marks
  for (const c of [...all].sort((a, b) => a.priority - b.priority)) {
    if (used + c.width + 1 > width) continue;
    chosen.add(c.key);
    used += c.width + 1;
  }
  return all.filter((c) => chosen.has(c.key));
}

/**
 * Hosts: one row per host with its placement and CPU numbers, `!` where mean ready reaches the
 * point users notice, sortable (< >), Enter to drill down. When comparing, Δready mean shows the
 * change against the baseline.
 */
export default function HostTable({ state, width, height }: Props) {
  const focused = state.focus === 'hosts';
  const rows = hostRows(state);
  const columns = fitColumns(width - 2, state.baseline !== null);
  const visible = Math.min(hostRowsVisible(layoutFor(state.size)), Math.max(1, height - 4));
  const { from, to } = visibleWindow(rows.length, state.selectedHost, visible);
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.slice(0, columns[0]!.width).padEnd(columns[0]!.width) : c.padStart(columns[i]!.width))).join(' ');
  return (
    <Pane
      title={state.filter !== '' ? `Hosts (${rows.length} of ${state.current?.result.report.placement.byHost.length ?? 0}) /${state.filter}` : `Hosts (${rows.length})`}
      note={`sorted by ${HOST_SORT_LABELS[state.hostSort]} · < > sort · Enter: VMs · / filter · ! ready ≥ ${HOT_READY_PCT} %`}
      focused={focused}
      width={width}
      height={height}
    >
      <Text wrap="truncate-end" bold>
        {columns.map((c, i) => {
          const sorted = SORT_COLUMN[state.hostSort] === c.key;
          // The sorted column's title is marked by ▼ in the space before it and underlined, not by colour alone.
          const cell = i === 0 ? c.title.padEnd(c.width) : c.title.padStart(c.width);
          return (
            <Text key={c.key}>
              {i === 0 ? (sorted ? ' ▼' : '  ') : sorted ? '▼' : ' '}
              <Text underline={sorted} {...tint(sorted && 'cyan')}>
                {cell}
              </Text>
            </Text>
          );
        })}
      </Text>
      <Box flexDirection="column">
        {rows.length === 0 ? <Text dimColor>{'no results yet'}</Text> : null}
        {rows.slice(from, to).map((row, i) => {
          const selected = from + i === state.selectedHost;
          return (
            <Text key={row.name} wrap="truncate-end" inverse={selected && focused}>
              {selected ? '>' : ' '}
              <Text {...tint(row.hot && 'red')} bold={row.hot}>
                {row.hot ? '!' : ' '}
              </Text>
              {line(columns.map((c) => c.cell(row)))}
            </Text>
          );
        })}
      </Box>
    </Pane>
  );
}
