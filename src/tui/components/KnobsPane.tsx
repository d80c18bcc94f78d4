import { Box, Text } from 'ink';
import { HINT_LINES, knobRows, knobRowsVisible, layoutFor, visibleWindow } from '../selectors.js';
import type { UiState } from '../state.js';
import Pane from './Pane.js';
import { tint } from '../tint.js';

export interface Props {
  state: UiState;
  width: number;
  height: number;
}

/**
 * The knobs: every scenario field the UI can turn, its value now, `*` when changed from the
 * scenario, and the baseline's value when comparing. The selected knob is marked `>`; its hint (or
 * the value being typed) is wrapped on the last lines.
 */
export default function KnobsPane({ state, width, height }: Props) {
  const focused = state.focus === 'knobs';
  const rows = knobRows(state);
  const visible = knobRowsVisible(layoutFor(state.size));
  const { from, to } = visibleWindow(rows.length, state.selectedKnob, Math.min(visible, Math.max(1, height - 3 - HINT_LINES)));
  const inner = width - 2;
  const valueWidth = 8;
  // A row showing the baseline's value gives up label width for it; the others keep theirs.
  const labelWidthFor = (baseline: string | null): number => Math.max(6, Math.min(22, inner - 2 - valueWidth - (baseline !== null ? baseline.length + 6 : 0)));
  const selected = rows[state.selectedKnob];
  const changed = rows.filter((r) => r.changed).length;
  return (
    <Pane title="Knobs" note={`${changed > 0 ? `${changed} changed · ` : ''}←→ change · type a value`} focused={focused} width={width} height={height}>
      <Box flexDirection="column" flexGrow={1}>
        {rows.slice(from, to).map((row, i) => {
          const index = from + i;
          const isSelected = index === state.selectedKnob;
          const editing = isSelected && state.edit !== null;
          const value = editing ? `[${state.edit?.text ?? ''}_]` : row.value;
          return (
            <Text key={row.spec.id} wrap="truncate-end" inverse={isSelected && focused}>
              {isSelected ? '>' : ' '}
              {row.changed ? '*' : ' '}
              <Text bold={row.changed}>{row.spec.label.slice(0, labelWidthFor(row.baseline)).padEnd(labelWidthFor(row.baseline))}</Text>
              <Text bold={row.changed} {...tint(editing && 'yellow')}>
                {value.padStart(valueWidth)}
              </Text>
              {row.baseline !== null ? <Text dimColor>{` base ${row.baseline}`}</Text> : null}
            </Text>
          );
        })}
      </Box>
      <Box height={HINT_LINES} overflow="hidden">
        <Text wrap="wrap" dimColor={state.edit === null} {...tint(state.edit !== null && 'yellow')}>
          {state.edit !== null ? `${selected?.spec.label ?? ''}: Enter applies, Esc cancels` : (selected?.spec.hint ?? '')}
        </Text>
      </Box>
    </Pane>
  );
}
