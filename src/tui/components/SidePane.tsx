import { Text } from 'ink';
import { sloRows } from '../selectors.js';
import type { UiState } from '../state.js';
import EventLog from './EventLog.js';
import Pane from './Pane.js';
import SloList from './SloList.js';

export interface Props {
  state: UiState;
  width: number;
  height: number;
}

/** SLO verdicts on top, the event log below (scrolls with j/k when focused). */
export default function SidePane({ state, width, height }: Props) {
  const focused = state.focus === 'events';
  const slos = Math.max(1, sloRows(state).length);
  const logHeight = height - 3 - slos - 1;
  return (
    <Pane title="SLOs & events" note={state.eventScroll > 0 ? `${state.eventScroll} newer above` : 'newest first'} focused={focused} width={width} height={height}>
      <SloList state={state} />
      <Text dimColor wrap="truncate-end">
        {'─'.repeat(Math.max(0, width - 2))}
      </Text>
      <EventLog log={state.log} scroll={state.eventScroll} height={logHeight} />
    </Pane>
  );
}
