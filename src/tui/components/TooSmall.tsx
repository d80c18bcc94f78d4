import { Box, Text } from 'ink';
import { MIN_COLUMNS, MIN_ROWS } from '../selectors.js';

export interface Props {
  columns: number;
  rows: number;
}

/** Shown instead of a broken layout below the minimum size (btop's wording). */
export default function TooSmall({ columns, rows }: Props) {
  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Text bold wrap="truncate-end">
        Terminal size too small:
      </Text>
      <Text wrap="truncate-end">{`Width = ${columns} Height = ${rows}`}</Text>
      <Text bold wrap="truncate-end">
        Needed for current config:
      </Text>
      <Text wrap="truncate-end">{`Width = ${MIN_COLUMNS} Height = ${MIN_ROWS}`}</Text>
      <Text dimColor wrap="truncate-end">
        q quits
      </Text>
    </Box>
  );
}
