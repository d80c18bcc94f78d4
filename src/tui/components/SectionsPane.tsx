import { Box, Text } from 'ink';
import { activeSection, sectionsOf, tabLabels } from '../selectors.js';
import { tabNumber } from '../sections.js';
import type { UiState } from '../state.js';
import Pane from './Pane.js';
import SectionView from './SectionView.js';
import SensitivitySection from './SensitivitySection.js';

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
  const labels = tabLabels(
    sections.map((s) => ({ id: s.id, title: s.title, number: tabNumber(s.id) })),
    active.id,
    inner,
  );
  const sensitivity = active.id === 'sensitivity';
  return (
    <Pane title="Charts" note={focused ? (sensitivity ? '←→ tab · j/k metric' : '←→ tab · j/k chart') : '[ ] or 1-6: tab'} focused={focused} width={width} height={height}>
      <Text wrap="truncate-end">
        {labels.map((l) => (
          <Text key={l.id} inverse={l.active} bold={l.active}>
            {l.text}
          </Text>
        ))}
      </Text>
      <Box flexGrow={1}>
        {state.current && sensitivity ? (
          <SensitivitySection sensitivity={state.sensitivity} values={state.values} width={inner} height={Math.max(1, height - 4)} />
        ) : state.current ? (
          <SectionView id={active.id} current={state.current.result} baseline={state.baseline?.result ?? null} width={inner} height={Math.max(1, height - 4)} chart={state.chart} />
        ) : (
          <Text dimColor>{'waiting for the first run…'}</Text>
        )}
      </Box>
    </Pane>
  );
}
