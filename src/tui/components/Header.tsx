import { Box, Text } from 'ink';
import { SLO_STATUS_TEXT, type SloStatus } from '../../model/slo.js';
import { STATUS_COLOR, STATUS_MARK } from '../verdict.js';
import { headerSummary, replicationNote, statusText } from '../selectors.js';
import type { UiState } from '../state.js';
import { tint } from '../tint.js';

export interface Props {
  state: UiState;
  width: number;
}

/** `✓ PASS` / `~ NOT DEMONSTRATED` / `✗ FAIL`: symbol and word, colour only as a third cue. */
export function VerdictMark({ verdict }: { verdict: SloStatus | null }) {
  if (verdict === null) return <Text dimColor>…</Text>;
  return (
    <Text bold color={STATUS_COLOR[verdict]}>
      {`${STATUS_MARK[verdict]} ${SLO_STATUS_TEXT[verdict]}`}
    </Text>
  );
}

function progressBar(done: number, total: number, width: number): string {
  if (total <= 0) return '░'.repeat(width);
  const filled = Math.round((Math.min(done, total) / total) * width);
  return `${'▓'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** Two lines: what is simulated and its verdict; then the run in progress or the last run. */
export default function Header({ state, width }: Props) {
  const h = headerSummary(state);
  const running = state.run.phase === 'waiting' || state.run.phase === 'loading' || state.run.phase === 'running';
  const note = replicationNote(state);
  const problem = state.run.phase === 'invalid' || state.run.phase === 'failed';
  return (
    <Box flexDirection="column" width={width} height={2}>
      <Text wrap="truncate-end">
        <Text bold>overcast</Text>
        {` │ ${h.scenario} │ `}
        <Text bold>Verdict: </Text>
        <VerdictMark verdict={h.verdict} />
        {state.baseline ? (
          <Text>
            {' (baseline '}
            <VerdictMark verdict={h.baselineVerdict} />
            {')'}
          </Text>
        ) : null}
        {` │ ${h.hosts} hosts │ ${h.vms} VMs${h.unplaced > 0 ? ` (! ${h.unplaced} unplaced)` : ''} │ CPU ratio ${h.cpuRatio} │ RAM ratio ${h.ramRatio} │ vCPU:pCPU ${h.vcpuPerPcpu} │ RAM ${h.ramAllocatedPct} %`}
      </Text>
      <Text wrap="truncate-end">
        {running ? <Text color="yellow">{`⟳ ${progressBar(state.run.done, state.run.total, 10)} `}</Text> : problem ? <Text color="red">{'! '}</Text> : <Text>{'  '}</Text>}
        <Text {...tint(problem && 'red')}>{statusText(state)}</Text>
        {note ? <Text dimColor>{` · ${note}`}</Text> : null}
        {state.baseline ? <Text>{` · compare: baseline run #${state.baseline.runId}`}</Text> : null}
      </Text>
    </Box>
  );
}
