import { Text } from 'ink';
import { FOOTER_KEYS } from '../keymap.js';

export interface Props {
  /** While a value is typed, the footer says how to finish instead. */
  editing: boolean;
}

/** The main keys, always on screen (htop's F-key bar). */
export default function Footer({ editing }: Props) {
  const keys = editing
    ? [
        { keys: 'Enter', action: 'apply' },
        { keys: 'Esc', action: 'cancel' },
        { keys: 'Backspace', action: 'erase' },
        { keys: 'Ctrl-C', action: 'quit' },
      ]
    : FOOTER_KEYS;
  return (
    <Text wrap="truncate-end">
      {keys.map((k, i) => (
        <Text key={k.keys}>
          {i > 0 ? ' ' : ''}
          <Text inverse bold>{` ${k.keys} `}</Text>
          {` ${k.action}`}
        </Text>
      ))}
    </Text>
  );
}
