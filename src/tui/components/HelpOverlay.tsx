import { Box, Text } from 'ink';
import { KEY_HELP } from '../keymap.js';
import Pane from './Pane.js';

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
  /** Lines scrolled past (j/k while the help is open). */
  scroll: number;
}

/**
 * Every key, grouped by pane, and what the screen's marks mean: in two columns on a wide
 * terminal, scrolled with j/k when it does not fit.
 */
export default function HelpOverlay({ width, height, scroll }: HelpProps) {
  const keyWidth = 16;
  const rows = Math.max(1, height - 3);
  const columns = width >= 120 ? 2 : 1;
  const lines = helpLines();
  const perPage = rows * columns;
  const from = Math.max(0, Math.min(scroll, lines.length - perPage));
  const shown = lines.slice(from, from + perPage);
  const more = lines.length - from - shown.length;
  const columnWidth = Math.floor((width - 2) / columns);
  const column = (part: HelpLine[]) => (
    <Box flexDirection="column" width={columnWidth}>
      {part.map((line) =>
        line.title !== undefined ? (
          <Text key={line.key} bold wrap="truncate-end">
            {line.title}
          </Text>
        ) : (
          <Text key={line.key} wrap="truncate-end">
            {'  '}
            <Text bold>{(line.keys ?? '').padEnd(keyWidth)}</Text>
            {line.action}
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
