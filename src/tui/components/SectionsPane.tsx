import { Box, Text } from 'ink';
import { activeSection, sectionsOf } from '../selectors.js';
import { tabNumber } from '../sections.js';
import type { UiState } from '../state.js';
import Pane from './Pane.js';
import SectionView from './SectionView.js';

export interface Props {
  state: UiState;
  width: number;
  height: number;
}

/** The report's sections as numbered tabs (only those the report has), the active one drawn below. */
export default function SectionsPane({ state, width, height }: Props) {
  const sections = sectionsOf(state);
  const active = activeSection(state);
  const focused = state.focus === 'sections';
  const inner = width - 2;
  return (
    <Pane title="Charts" note={focused ? '←→ tab · j/k chart' : '[ ] or 1-5: tab'} focused={focused} width={width} height={height}>
      <Text wrap="truncate-end">
        {sections.map((s) => (
          <Text key={s.id} inverse={s.id === active.id} bold={s.id === active.id}>
            {s.id === active.id ? `[${tabNumber(s.id)} ${s.title}]` : ` ${tabNumber(s.id)} ${s.title} `}
          </Text>
        ))}
      </Text>
      <Box flexGrow={1}>
        {state.current ? (
          <SectionView id={active.id} current={state.current.result} baseline={state.baseline?.result ?? null} width={inner} height={Math.max(1, height - 4)} chart={state.chart} />
        ) : (
          <Text dimColor>{'waiting for the first run…'}</Text>
        )}
      </Box>
    </Pane>
  );
}
