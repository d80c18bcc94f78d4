import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { tint } from '../tint.js';

export interface Props {
  title: string;
  /** Extra text after the title (counts, key hints), dimmed. */
  note?: string;
  focused: boolean;
  width: number;
  height: number;
  children?: ReactNode;
}

/**
 * The parts of a note (`a · b · c`) that fit in `room` columns, whole: the last ones are left out
 * rather than cut mid-key (every key is also in the help).
 */
export function fitNote(note: string, room: number): string {
  const parts = note.split(' · ');
  while (parts.length > 0 && parts.join(' · ').length > room) parts.pop();
  return parts.join(' · ');
}

/**
 * A bordered pane with a title line. The focused pane is marked by a double border and `▸`
 * before its title, not by colour alone.
 */
export default function Pane({ title, note, focused, width, height, children }: Props) {
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle={focused ? 'double' : 'single'} borderColor={focused ? 'cyan' : 'gray'} overflow="hidden">
      <Text wrap="truncate-end">
        <Text bold {...tint(focused && 'cyan')}>
          {focused ? '▸ ' : '  '}
          {title}
        </Text>
        {note ? <Text dimColor>{`  ${fitNote(note, width - 2 - 2 - title.length - 2)}`}</Text> : null}
      </Text>
      {children}
    </Box>
  );
}
