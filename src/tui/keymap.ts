/**
 * Key bindings: from a key press to the commands it stands for, as a pure function of the state
 * (tested without a terminal). The conventions are those of k9s, htop, btop and lazygit: `q` and
 * Ctrl-C quit, `?` help, Esc back, Tab between panes, arrows or hjkl to move and change, Enter to
 * drill down. Ctrl-C quits even while a value is typed; other letters are text there.
 */
import type { Action, UiState } from './state.js';
import { pageSize } from './state.js';

/** The key flags the UI reads (ink's `Key` has these and more). */
export interface KeyFlags {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/** Commands that reach outside the state: the App carries them out. */
/** `sensitivity`: start the study, or cancel the one running (`y` again); `cancelOnly` (Esc) never starts one. */
export type Effect = { type: 'quit' } | { type: 'export'; target: string } | { type: 'recommend' } | { type: 'sensitivity'; cancelOnly?: boolean };
export type Command = Action | Effect;

export function isEffect(command: Command): command is Effect {
  return command.type === 'quit' || command.type === 'export' || command.type === 'recommend' || command.type === 'sensitivity';
}

const hasSpecialKey = (key: KeyFlags): boolean =>
  Boolean(key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end || key.return || key.escape || key.ctrl || key.tab || key.backspace || key.delete || key.meta);

/**
 * Keys typed faster than the terminal is read arrive as one string (`jjk`, or a burst from
 * `tmux send-keys`); outside a text field each character is its own key press.
 */
export function splitKeys(input: string, key: KeyFlags, editing: boolean): { input: string; key: KeyFlags }[] {
  if (editing || input.length <= 1 || hasSpecialKey(key)) return [{ input, key }];
  return [...input].map((ch) => ({ input: ch, key: /[A-Z]/.test(ch) ? { shift: true } : {} }));
}

export function commandsForKey(state: UiState, input: string, key: KeyFlags): Command[] {
  if (key.ctrl && input === 'c') return [{ type: 'quit' }];
  if (state.exportPrompt) return exportCommands(state.exportPrompt.text, input, key);
  if (state.filtering) return filterCommands(input, key);
  if (state.edit) return editCommands(input, key);
  if (state.help) {
    if (input === '?' || key.escape) return [{ type: 'toggleHelp' }];
    if (input === 'q') return [{ type: 'quit' }];
    if (key.upArrow || input === 'k') return [{ type: 'move', delta: -1 }];
    if (key.downArrow || input === 'j') return [{ type: 'move', delta: 1 }];
    if (key.pageUp) return [{ type: 'move', delta: -pageSize(state) }];
    if (key.pageDown) return [{ type: 'move', delta: pageSize(state) }];
    return [];
  }
  if (key.escape) return backHasNothingToClose(state) && state.sensitivity.running ? [{ type: 'sensitivity', cancelOnly: true }] : [{ type: 'back' }];
  if (key.tab) return [{ type: 'focus', delta: key.shift ? -1 : 1 }];
  if (key.return) return [{ type: 'activate' }];
  if (key.upArrow) return [{ type: 'move', delta: -1 }];
  if (key.downArrow) return [{ type: 'move', delta: 1 }];
  if (key.pageUp) return [{ type: 'move', delta: -pageSize(state) }];
  if (key.pageDown) return [{ type: 'move', delta: pageSize(state) }];
  if (key.home) return [{ type: 'moveTo', where: 'first' }];
  if (key.end) return [{ type: 'moveTo', where: 'last' }];
  if (key.leftArrow) return [{ type: 'adjust', steps: -1, big: Boolean(key.shift) }];
  if (key.rightArrow) return [{ type: 'adjust', steps: 1, big: Boolean(key.shift) }];
  if (key.ctrl || key.meta) return [];

  const typing = state.focus === 'knobs' && state.detail === null;
  if (typing && /^[0-9.-]$/.test(input)) return [{ type: 'editStart', text: input }];
  if (/^[1-9]$/.test(input)) return [{ type: 'section', index: Number(input) - 1 }];

  switch (input) {
    case 'q':
      return [{ type: 'quit' }];
    case '?':
      return [{ type: 'toggleHelp' }];
    case 'k':
      return [{ type: 'move', delta: -1 }];
    case 'j':
      return [{ type: 'move', delta: 1 }];
    case 'g':
      return [{ type: 'moveTo', where: 'first' }];
    case 'G':
      return [{ type: 'moveTo', where: 'last' }];
    case 'h':
      return [{ type: 'adjust', steps: -1, big: false }];
    case 'l':
      return [{ type: 'adjust', steps: 1, big: false }];
    case 'H':
      return [{ type: 'adjust', steps: -1, big: true }];
    case 'L':
      return [{ type: 'adjust', steps: 1, big: true }];
    case 'r':
      return [{ type: 'rerun' }];
    case 's':
      return [{ type: 'recommend' }];
    case 'y':
      return [{ type: 'sensitivity' }];
    case 'e':
      return [{ type: 'exportStart' }];
    case '/':
      return [{ type: 'filterStart' }];
    case 'c':
      return [{ type: 'compare' }];
    case 'x':
      return [{ type: 'resetKnob' }];
    case 'X':
      return [{ type: 'resetAll' }];
    case '[':
      return [{ type: 'section', delta: -1 }];
    case ']':
      return [{ type: 'section', delta: 1 }];
    case '<':
      return [{ type: 'sort', delta: -1 }];
    case '>':
      return [{ type: 'sort', delta: 1 }];
    default:
      return [];
  }
}

/** Esc goes back from the innermost thing open (the reducer's `back`); with none, it cancels a sensitivity study. */
function backHasNothingToClose(state: UiState): boolean {
  return !state.help && !state.exportPrompt && !state.edit && state.detail === null && state.filter === '';
}

/** The export prompt: a path is typed as text (any printable character); Enter exports it. */
function exportCommands(text: string, input: string, key: KeyFlags): Command[] {
  if (key.return) return [{ type: 'exportClose' }, { type: 'export', target: text }];
  if (key.escape) return [{ type: 'exportClose' }];
  if (key.backspace || key.delete) return [{ type: 'exportBackspace' }];
  // Ctrl-U clears the default to type a path from scratch, as in a shell.
  if (key.ctrl && input === 'u') return [{ type: 'exportInput', text: '', replace: true }];
  if (!key.ctrl && !key.meta && !key.tab && input.length > 0 && !/[\u0000-\u001f]/.test(input)) return [{ type: 'exportInput', text: input }];
  return [];
}

/** Typing a filter: it applies as typed; Enter keeps it, Esc clears it; Tab keeps it and moves on. */
function filterCommands(input: string, key: KeyFlags): Command[] {
  if (key.return) return [{ type: 'filterDone' }];
  if (key.tab) return [{ type: 'filterDone' }, { type: 'focus', delta: key.shift ? -1 : 1 }];
  if (key.escape) return [{ type: 'filterClear' }];
  if (key.backspace || key.delete) return [{ type: 'filterBackspace' }];
  if (key.upArrow) return [{ type: 'filterDone' }, { type: 'move', delta: -1 }];
  if (key.downArrow) return [{ type: 'filterDone' }, { type: 'move', delta: 1 }];
  if (!key.ctrl && !key.meta && input.length > 0 && !/[\u0000-\u001f]/.test(input)) return [{ type: 'filterInput', text: input }];
  return [];
}

function editCommands(input: string, key: KeyFlags): Command[] {
  if (key.return) return [{ type: 'editCommit' }];
  // Tab while typing applies the value and moves on, as in a form.
  if (key.tab) return [{ type: 'editCommit' }, { type: 'focus', delta: key.shift ? -1 : 1 }];
  if (key.escape) return [{ type: 'editCancel' }];
  // Ink 6 reports the Backspace key as `delete`; both erase the last character.
  if (key.backspace || key.delete) return [{ type: 'editBackspace' }];
  if (!key.ctrl && !key.meta && /^[\w.+-]+$/.test(input)) return [{ type: 'editInput', text: input }];
  return [];
}

export interface KeyHelp {
  keys: string;
  action: string;
}

/** The full list, for the help overlay (`?`). */
export const KEY_HELP: readonly { group: string; keys: readonly KeyHelp[] }[] = [
  {
    group: 'Everywhere',
    keys: [
      { keys: 'q  Ctrl-C', action: 'quit (Ctrl-C also while typing a value)' },
      { keys: '?', action: 'this help; ? or Esc closes it' },
      { keys: 'Tab  Shift-Tab', action: 'next / previous pane (the focused pane has a double border and ▸)' },
      { keys: '↑↓  j k', action: 'move in the focused pane (PgUp/PgDn, g/G or Home/End jump)' },
      { keys: 'Esc', action: 'back: close the host view, cancel typing, close help, clear the filter' },
      { keys: 'r', action: 're-run (reads the scenario file again)' },
      { keys: 's', action: 'run the recommendation and apply it' },
      { keys: 'y', action: 'rank the uncertain inputs (sensitivity study on the knobs as they are; tab 6); y again or Esc cancels' },
      { keys: 'e', action: 'export the shown report: asks for a path (default shown); .json, .md or .html writes that format, a name without one writes all three' },
      { keys: 'c', action: 'compare: pin these results as the baseline / clear it' },
      { keys: '/', action: 'filter hosts (and a drilled-into host\'s VMs) by name or VM group as you type; Enter keeps it, Esc clears it' },
      { keys: '1-9  [ ]', action: 'chart tab by number / previous, next (1-9 type values in Knobs)' },
    ],
  },
  {
    group: 'Knobs',
    keys: [
      { keys: '←→  h l', action: 'change the selected knob by a step (H L or Shift-arrows: a big step)' },
      { keys: '0-9 . -  Enter', action: 'type a value; Enter (or Tab, moving on) applies it, Esc cancels' },
      { keys: 'Enter', action: 'start typing (or switch a choice)' },
      { keys: 'x  X', action: 'reset the selected knob / all knobs to the scenario’s values' },
    ],
  },
  {
    group: 'Charts',
    keys: [
      { keys: '←→  h l', action: 'previous / next section tab' },
      { keys: '↑↓  j k', action: 'next chart when they do not all fit; on Sensitivity, the metric whose tornado is drawn' },
    ],
  },
  {
    group: 'Hosts',
    keys: [
      { keys: 'Enter', action: 'drill down: the host’s VMs and numbers (Esc back)' },
      { keys: '< >', action: 'sort by another column' },
    ],
  },
];

/** The footer's short list: always on screen. */
export const FOOTER_KEYS: readonly KeyHelp[] = [
  { keys: 'q', action: 'quit' },
  { keys: '?', action: 'help' },
  { keys: 'Tab', action: 'pane' },
  { keys: '↑↓', action: 'move' },
  { keys: '←→', action: 'change' },
  { keys: 'Enter', action: 'open' },
  { keys: 'Esc', action: 'back' },
  { keys: 'r', action: 're-run' },
  { keys: 's', action: 'recommend' },
  { keys: 'y', action: 'sensitivity' },
  { keys: 'e', action: 'export' },
  { keys: 'c', action: 'compare' },
];

/** Columns one footer entry takes: ` key ` inverse, a space and the action, and a separating space. */
const footerEntryWidth = (k: KeyHelp, first: boolean): number => (first ? 0 : 1) + k.keys.length + 2 + 1 + k.action.length;

/** The footer's keys packed into lines of at most `width` columns, in order; no key is ever cut. */
export function footerLines(keys: readonly KeyHelp[] = FOOTER_KEYS, width: number): KeyHelp[][] {
  const lines: KeyHelp[][] = [[]];
  let used = 0;
  for (const k of keys) {
    const line = lines[lines.length - 1]!;
    const w = footerEntryWidth(k, line.length === 0);
    if (line.length > 0 && used + w > width) {
      lines.push([k]);
      used = footerEntryWidth(k, true);
    } else {
      line.push(k);
      used += w;
    }
  }
  return lines;
}
