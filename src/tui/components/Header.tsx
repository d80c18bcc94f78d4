import { Box, Text } from 'ink';
import { SLO_STATUS_TEXT, type SloStatus } from '../../model/slo.js';
import { STATUS_COLOR, STATUS_MARK } from '../verdict.js';
import { headerSummary, replicationNote, statusText } from '../selectors.js';
import { sensitivityStatus } from '../sensitivity-view.js';
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

/** ` │ a │ b …` with as many whole facts, in order, as fit in `room` columns. */
export function fitFacts(facts: readonly string[], room: number): string {
  let out = '';
  for (const fact of facts) {
    const next = `${out} │ ${fact}`;
    if (next.length > room) break;
    out = next;
  }
  return out;
}

/** Two lines: what is simulated and its verdict; then the run in progress or the last run. */
export default function Header({ state, width }: Props) {
  const h = headerSummary(state);
  const running = state.run.phase === 'waiting' || state.run.phase === 'loading' || state.run.phase === 'running';
  const note = replicationNote(state);
  const problem = state.run.phase === 'invalid' || state.run.phase === 'failed';
  // What fits after the scenario and verdict: the facts in order of importance, whole ones only.
  const verdictText = (v: SloStatus | null): number => (v === null ? 1 : `${STATUS_MARK[v]} ${SLO_STATUS_TEXT[v]}`.length);
  const lead = `overcast │ ${h.scenario} │ Verdict: `.length + verdictText(h.verdict) + (state.baseline ? ' (baseline '.length + verdictText(h.baselineVerdict) + 1 : 0);
  const facts = [
    `${h.hosts} hosts`,
    `${h.vms} VMs${h.unplaced > 0 ? ` (! ${h.unplaced} unplaced)` : ''}`,
    `CPU ratio ${h.cpuRatio}`,
    `RAM ratio ${h.ramRatio}`,
    `vCPU:pCPU ${h.vcpuPerPcpu}`,
    `RAM ${h.ramAllocatedPct} %`,
  ];
  const status = statusText(state);
  // Before the status: `⟳ ` and a 10-cell progress bar while running, else two spaces.
  const statusRoom = width - (running ? 13 : 2) - status.length - (state.baseline ? ` · compare: baseline run #${state.baseline.runId}`.length : 0);
  const study = state.sensitivity.running;
  // The study's status whole, or its short form (stage, count, time) when that is all that fits.
  const studyFull = study ? ` · ${sensitivityStatus(study.stage, study.done, study.total, study.elapsedMs)}` : '';
  const studyText = study && studyFull.length > statusRoom ? ` · ${sensitivityStatus(study.stage, study.done, study.total, study.elapsedMs, true)}` : studyFull;
  // The study's status shows whole when it fits after the recommendation's (or alone).
  const recommendRoom = statusRoom - (studyText.length <= statusRoom ? studyText.length : 0);
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
        {fitFacts(facts, width - lead)}
      </Text>
      <Text wrap="truncate-end">
        {running ? <Text color="yellow">{`⟳ ${progressBar(state.run.done, state.run.total, 10)} `}</Text> : problem ? <Text color="red">{'! '}</Text> : <Text>{'  '}</Text>}
        <Text {...tint(problem && 'red')}>{status}</Text>
        {studyText !== '' && studyText.length <= statusRoom ? <Text color="yellow">{studyText}</Text> : null}
        {state.recommendStatus !== null ? (
          <Text color="yellow">{` · ${state.recommendStatus}`.slice(0, Math.max(0, recommendRoom))}</Text>
        ) : studyText === '' && note && note.length + 3 <= statusRoom ? (
          <Text dimColor>{` · ${note}`}</Text>
        ) : null}
        {state.baseline ? <Text>{` · compare: baseline run #${state.baseline.runId}`}</Text> : null}
      </Text>
    </Box>
  );
}
