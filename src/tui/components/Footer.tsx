import { Box, Text } from 'ink';
import { footerLines, type KeyHelp } from '../keymap.js';

export interface Props {
  /** While a value is typed, the footer says how to finish instead. */
  editing: boolean;
  /** The export path being typed (`e`), or null: the footer becomes the prompt. */
  exportPrompt?: string | null;
  /** The host filter being typed (`/`), or null. */
  filterPrompt?: string | null;
  /** Terminal width: the keys wrap onto as many lines as they need, never cut. */
  width: number;
}

const EDITING_KEYS: readonly KeyHelp[] = [
  { keys: 'Enter', action: 'apply' },
  { keys: 'Esc', action: 'cancel' },
  { keys: 'Backspace', action: 'erase' },
  { keys: 'Ctrl-C', action: 'quit' },
];

const EXPORT_KEYS: readonly KeyHelp[] = [
  { keys: 'Enter', action: 'export' },
  { keys: 'Esc', action: 'cancel' },
  { keys: 'Backspace', action: 'erase' },
  { keys: 'Ctrl-U', action: 'clear' },
];

/**
 * A prompt (export path, host filter) takes the footer's place and its height (1 or 2 lines at this width), so the
 * panes above do not move: the path (its start dropped when it is too long, the cursor end kept),
 * then the keys and what the extension chooses.
 */
const FILTER_KEYS: readonly KeyHelp[] = [
  { keys: 'Enter', action: 'keep' },
  { keys: 'Esc', action: 'clear' },
  { keys: 'Backspace', action: 'erase' },
];

interface PromptProps {
  label: string;
  text: string;
  keys: readonly KeyHelp[];
  hint: string;
  width: number;
  height: number;
}

function Prompt({ label, text, keys: keyList, hint, width, height }: PromptProps) {
  const keys = keyList.map((k) => `${k.keys} ${k.action}`).join('  ');
  const sameLine = height < 2 ? `   ${keys}` : '';
  const room = Math.max(8, width - 1 - label.length - 1 - sameLine.length);
  const shown = text.length > room ? `…${text.slice(text.length - room + 1)}` : text;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color="yellow">{`${label}${shown}_`}</Text>
        {sameLine}
      </Text>
      {height >= 2 ? <Text wrap="truncate-end">{width - 1 >= keys.length + 3 + hint.length ? `${keys} · ${hint}` : keys}</Text> : null}
    </Box>
  );
}

/** The main keys, always on screen (htop's F-key bar), on one line or two. */
export default function Footer({ editing, exportPrompt = null, filterPrompt = null, width }: Props) {
  const height = footerLines(undefined, width).length;
  if (exportPrompt !== null) {
    return <Prompt label="export to: " text={exportPrompt} keys={EXPORT_KEYS} hint=".json/.md/.html: that format; no extension: all three" width={width} height={height} />;
  }
  if (filterPrompt !== null) {
    return <Prompt label="filter hosts and VMs: /" text={filterPrompt} keys={FILTER_KEYS} hint="host name, VM name or VM group, any case" width={width} height={height} />;
  }
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
