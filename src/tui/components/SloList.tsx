import { Box, Text } from 'ink';
import { SLO_STATUS_TEXT } from '../../model/slo.js';
import { STATUS_COLOR, STATUS_MARK } from '../verdict.js';
import { fmt } from '../../report/format.js';
import { sloRows } from '../selectors.js';
import type { UiState } from '../state.js';

/** The SLOs with PASS, NOT DEMONSTRATED or FAIL written out, value against limit, and the baseline's when comparing. */
export default function SloList({ state }: { state: UiState }) {
  const rows = sloRows(state);
  if (!state.current) return <Text dimColor>{'SLOs: waiting for the first run…'}</Text>;
  if (rows.length === 0) return <Text dimColor>{'no SLOs set in the scenario'}</Text>;
  return (
    <Box flexDirection="column">
      {rows.map((s) => (
        <Text key={s.name} wrap="truncate-end">
          <Text bold color={STATUS_COLOR[s.status]}>
            {`${STATUS_MARK[s.status]} ${SLO_STATUS_TEXT[s.status]} `}
          </Text>
          {`${s.name} ${fmt(s.value)} ${s.status === 'fail' ? '>' : '≤'} ${fmt(s.limit)} ${s.unit}`}
          {s.baseline ? <Text dimColor>{` (base ${fmt(s.baseline.value)} ${SLO_STATUS_TEXT[s.baseline.status]})`}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
