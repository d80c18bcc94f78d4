import { Box, Text } from 'ink';
import type { LogEntry } from '../state.js';
import { tint } from '../tint.js';

export interface Props {
  log: readonly LogEntry[];
  /** Entries skipped from the newest (scrolling back with j/k). */
  scroll: number;
  height: number;
}

/** `21:36:01` in local time. */
export function clockTime(at: number): string {
  const d = new Date(at);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const MARKS: Record<LogEntry['kind'], string> = { change: '~', run: '•', error: '!', info: ' ' };

/**
 * The event log, newest first: knob changes (~), runs (•), problems (!), other news. A long entry
 * wraps; what does not fit the pane's height is cut at the bottom (the oldest).
 */
export default function EventLog({ log, scroll, height }: Props) {
  const newestFirst = [...log].reverse().slice(scroll, scroll + Math.max(0, height));
  return (
    <Box flexDirection="column" height={Math.max(0, height)} overflow="hidden">
      {newestFirst.map((entry, i) => (
        // flexShrink 0: a wrapped entry keeps all its lines; the pane cuts the oldest at the bottom.
        <Box key={`${scroll + i}`} flexShrink={0}>
          <Text wrap="wrap" {...tint(entry.kind === 'error' && 'red')} dimColor={entry.kind === 'info'}>
            {`${clockTime(entry.at)} ${MARKS[entry.kind]} ${entry.text}`}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
