import { Box, Text } from 'ink';
import { KEY_HELP } from '../keymap.js';
import Pane from './Pane.js';
import { wrapWords } from '../wrap.js';

export interface Props {
  width: number;
  height: number;
}

const MARKS: readonly [string, string][] = [
  ['▸ and a double border', 'the focused pane'],
  ['>', 'the selected row'],
  ['*', 'a knob changed from the scenario'],
  ['✓ PASS  ✗ FAIL', 'SLO and overall verdicts'],
  ['!', 'a host whose mean CPU ready users notice (≥ 5 %); a problem in the log'],
  ['┃', 'the SLO limit on the ready bars'],
  ['█ area  • dots', 'charts: now (area); busiest host or, comparing, the baseline (dots)'],
  ['▒ █ │ ¦', 'Sensitivity tornado: the metric with the input at its low end (▒), at its high end (█); the nominal value (│); the SLO limit (¦)'],
];

export interface HelpLine {
  key: string;
  /** A group title, or a key and what it does. */
  title?: string;
  keys?: string;
  action?: string;
}

/** The help as lines: each group's title, then its keys; the marks last. */
export function helpLines(): HelpLine[] {
  const lines: HelpLine[] = [];
  for (const group of KEY_HELP) {
    lines.push({ key: group.group, title: group.group });
    for (const k of group.keys) lines.push({ key: `${group.group}:${k.keys}:${k.action}`, keys: k.keys, action: k.action });
  }
  lines.push({ key: 'Marks', title: 'Marks' });
  for (const [mark, meaning] of MARKS) lines.push({ key: `mark:${mark}`, keys: mark, action: meaning });
  return lines;
}

export interface HelpProps extends Props {
  /** Rows scrolled past (j/k while the help is open). */
  scroll: number;
}

/** One screen row of the help: a group title, or a key column and (part of) what it does. */
export interface HelpRow {
  id: string;
  title?: string;
  keys: string;
  text: string;
}

export { wrapWords };

/**
 * The help as screen rows for a column `width` wide: the key column as wide as the widest key
 * (so a long mark never runs into its meaning), each meaning wrapped under itself. Nothing is cut.
 */
export function helpRows(width: number): HelpRow[] {
  const lines = helpLines();
  const keyWidth = Math.min(Math.max(...lines.map((l) => (l.keys ?? '').length)) + 2, Math.max(8, Math.floor(width / 3)));
  const textWidth = Math.max(10, width - 2 - keyWidth);
  const rows: HelpRow[] = [];
  for (const line of lines) {
    if (line.title !== undefined) {
      rows.push({ id: line.key, title: line.title, keys: '', text: '' });
      continue;
    }
    const keys = line.keys ?? '';
    // A key label wider than its column gets a row of its own, the meaning below it.
    const parts = wrapWords(line.action ?? '', textWidth);
    if (keys.length > keyWidth - 1) rows.push({ id: `${line.key}:keys`, keys, text: '' });
    parts.forEach((part, i) => rows.push({ id: `${line.key}:${i}`, keys: i === 0 && keys.length <= keyWidth - 1 ? keys.padEnd(keyWidth) : ' '.repeat(keyWidth), text: part }));
  }
  return rows;
}

/**
 * Every key, grouped by pane, and what the screen's marks mean, wrapped to the width: in two
 * columns on a wide terminal when one does not hold it all, scrolled with j/k when it does not fit.
 */
export default function HelpOverlay({ width, height, scroll }: HelpProps) {
  const rows = Math.max(1, height - 3);
  const inner = width - 2;
  const oneColumn = helpRows(inner);
  const columns = width >= 120 && oneColumn.length > rows ? 2 : 1;
  const columnWidth = Math.floor(inner / columns);
  const all = columns === 1 ? oneColumn : helpRows(columnWidth - 1);
  const perPage = rows * columns;
  const from = Math.max(0, Math.min(scroll, all.length - perPage));
  const shown = all.slice(from, from + perPage);
  const more = all.length - from - shown.length;
  const column = (part: HelpRow[]) => (
    <Box flexDirection="column" width={columnWidth}>
      {part.map((row) =>
        row.title !== undefined ? (
          <Text key={row.id} bold wrap="truncate-end">
            {row.title}
          </Text>
        ) : (
          <Text key={row.id} wrap="truncate-end">
            {'  '}
            <Text bold>{row.keys}</Text>
            {row.text}
          </Text>
        ),
      )}
    </Box>
  );
  const note = `? or Esc closes · q quits${from > 0 || more > 0 ? ` · j/k scroll (${more > 0 ? `${more} more below` : 'end'})` : ''}`;
  return (
    <Pane title="Help" note={note} focused width={width} height={height}>
      <Box height={rows}>
        {column(shown.slice(0, rows))}
        {columns === 2 ? column(shown.slice(rows)) : null}
      </Box>
    </Pane>
  );
}
