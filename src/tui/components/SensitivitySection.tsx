import { Box, Text } from 'ink';
import type { KnobValue } from '../knobs.js';
import { sensitivityLines, sensitivityStatus } from '../sensitivity-view.js';
import type { SensitivityState } from '../state.js';
import { tint } from '../tint.js';
import { wrapWords } from '../wrap.js';

export interface Props {
  sensitivity: SensitivityState;
  /** The knobs now: a study run with other values is marked as such. */
  values: Record<string, KnobValue>;
  width: number;
  height: number;
}

const sameValues = (a: Record<string, KnobValue>, b: Record<string, KnobValue>): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
};

function progressBar(done: number, total: number, width: number): string {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return `${'▓'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/**
 * The Sensitivity tab: the study in progress (stage, points done, elapsed) over the last result —
 * summary, verdict flips (`!`), the ranking, the tornado of the metric j/k selects, what to
 * measure next (../sensitivity-view.ts lays them out) — or, before any study, how to run one.
 */
export default function SensitivitySection({ sensitivity, values, width, height }: Props) {
  const { running, last } = sensitivity;
  const status = running ? `${progressBar(running.done, running.total, 10)} ${sensitivityStatus(running.stage, running.done, running.total, running.elapsedMs)}` : null;
  const statusLines = status ? wrapWords(status, width) : [];
  const room = Math.max(0, height - statusLines.length);
  const hint = !last && !running ? [...wrapWords('press y to rank the uncertain inputs', width), ...wrapWords('(the scenario’s ranges and the assumed defaults it relies on) by how much they move each SLO metric and the verdict, on the knobs as they are', width)] : [];
  const lines = last ? sensitivityLines(last.result, { metric: sensitivity.metric, width, height: room, elapsedMs: last.elapsedMs, stale: !sameValues(last.values, values) }) : [];
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {statusLines.map((text, i) => (
        <Text key={`status-${i}`} wrap="truncate-end" color="yellow">
          {text}
        </Text>
      ))}
      {hint.slice(0, room).map((text, i) => (
        <Text key={`hint-${i}`} wrap="truncate-end" dimColor={i > 0}>
          {text}
        </Text>
      ))}
      {lines.map((l) => (
        <Text key={l.key} wrap="truncate-end" bold={l.style === 'bold'} dimColor={l.style === 'dim'} {...tint(l.style === 'warn' && 'yellow')}>
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
