import { Box, Text } from 'ink';
import { footerLines, type KeyHelp } from '../keymap.js';

export interface Props {
  /** While a value is typed, the footer says how to finish instead. */
  editing: boolean;
  /** Terminal width: the keys wrap onto as many lines as they need, never cut. */
  width: number;
}

const EDITING_KEYS: readonly KeyHelp[] = [
  { keys: 'Enter', action: 'apply' },
  { keys: 'Esc', action: 'cancel' },
  { keys: 'Backspace', action: 'erase' },
  { keys: 'Ctrl-C', action: 'quit' },
];

/** The main keys, always on screen (htop's F-key bar), on one line or two. */
export default function Footer({ editing, width }: Props) {
  const lines = footerLines(editing ? EDITING_KEYS : undefined, width);
  return (
    <Box flexDirection="column">
      {lines.map((keys, row) => (
        <Text key={row} wrap="truncate-end">
          {keys.map((k, i) => (
            <Text key={k.keys}>
              {i > 0 ? ' ' : ''}
              <Text inverse bold>{` ${k.keys} `}</Text>
              {` ${k.action}`}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
