import { Box, Text } from 'ink';
import { fmt } from '../../report/format.js';
import { sloRows } from '../selectors.js';
import type { UiState } from '../state.js';

/** The SLOs with PASS/FAIL written out, value against limit, and the baseline's when comparing. */
export default function SloList({ state }: { state: UiState }) {
  const rows = sloRows(state);
  if (!state.current) return <Text dimColor>{'SLOs: waiting for the first run…'}</Text>;
  if (rows.length === 0) return <Text dimColor>{'no SLOs set in the scenario'}</Text>;
  return (
    <Box flexDirection="column">
      {rows.map((s) => (
        <Text key={s.name} wrap="truncate-end">
          <Text bold color={s.pass ? 'green' : 'red'}>
            {s.pass ? '✓ PASS ' : '✗ FAIL '}
          </Text>
          {`${s.name} ${fmt(s.value)} ${s.pass ? '≤' : '>'} ${fmt(s.limit)} ${s.unit}`}
          {s.baseline ? <Text dimColor>{` (base ${fmt(s.baseline.value)} ${s.baseline.pass ? 'PASS' : 'FAIL'})`}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
