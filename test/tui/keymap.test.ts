import { describe, expect, it } from 'vitest';
import { commandsForKey, isEffect, splitKeys, type KeyFlags } from '../../src/tui/keymap.js';
import { apply, stateWithResult } from './helpers.js';

const types = (commands: { type: string }[]): string[] => commands.map((c) => c.type);

describe('key bindings', () => {
  it('maps the dashboard keys to commands', async () => {
    const state = await stateWithResult();
    const press = (input: string, key: KeyFlags = {}) => commandsForKey(state, input, key);
    expect(press('q')).toEqual([{ type: 'quit' }]);
    expect(press('c', { ctrl: true })).toEqual([{ type: 'quit' }]);
    expect(press('?')).toEqual([{ type: 'toggleHelp' }]);
    expect(press('', { escape: true })).toEqual([{ type: 'back' }]);
    expect(press('', { tab: true })).toEqual([{ type: 'focus', delta: 1 }]);
    expect(press('', { tab: true, shift: true })).toEqual([{ type: 'focus', delta: -1 }]);
    expect(press('', { return: true })).toEqual([{ type: 'activate' }]);
    expect(press('', { upArrow: true })).toEqual([{ type: 'move', delta: -1 }]);
    expect(press('k')).toEqual([{ type: 'move', delta: -1 }]);
    expect(press('', { downArrow: true })).toEqual([{ type: 'move', delta: 1 }]);
    expect(press('j')).toEqual([{ type: 'move', delta: 1 }]);
    expect(press('', { leftArrow: true })).toEqual([{ type: 'adjust', steps: -1, big: false }]);
    expect(press('h')).toEqual([{ type: 'adjust', steps: -1, big: false }]);
    expect(press('', { rightArrow: true })).toEqual([{ type: 'adjust', steps: 1, big: false }]);
    expect(press('l')).toEqual([{ type: 'adjust', steps: 1, big: false }]);
    expect(press('L', { shift: true })).toEqual([{ type: 'adjust', steps: 1, big: true }]);
    expect(press('', { rightArrow: true, shift: true })).toEqual([{ type: 'adjust', steps: 1, big: true }]);
    expect(press('H', { shift: true })).toEqual([{ type: 'adjust', steps: -1, big: true }]);
    expect(press('g')).toEqual([{ type: 'moveTo', where: 'first' }]);
    expect(press('G', { shift: true })).toEqual([{ type: 'moveTo', where: 'last' }]);
    expect(press('', { home: true })).toEqual([{ type: 'moveTo', where: 'first' }]);
    expect(press('', { end: true })).toEqual([{ type: 'moveTo', where: 'last' }]);
    expect(types(press('', { pageDown: true }))).toEqual(['move']);
    expect((press('', { pageDown: true })[0] as { delta: number }).delta).toBeGreaterThan(1);
    expect(press('r')).toEqual([{ type: 'rerun' }]);
    expect(press('s')).toEqual([{ type: 'recommend' }]);
    expect(press('e')).toEqual([{ type: 'exportStart' }]);
    expect(press('c')).toEqual([{ type: 'compare' }]);
    expect(press('x')).toEqual([{ type: 'resetKnob' }]);
    expect(press('X', { shift: true })).toEqual([{ type: 'resetAll' }]);
    expect(press(']')).toEqual([{ type: 'section', delta: 1 }]);
    expect(press('[')).toEqual([{ type: 'section', delta: -1 }]);
    expect(press('>')).toEqual([{ type: 'sort', delta: 1 }]);
    expect(press('<')).toEqual([{ type: 'sort', delta: -1 }]);
    expect(press('z')).toEqual([]);
    expect(['quit', 'export', 'recommend'].every((t) => isEffect({ type: t } as never))).toBe(true);
    expect(isEffect({ type: 'rerun' })).toBe(false);
  });

  it('digits type a value in the knobs pane and pick a chart tab elsewhere', async () => {
    const state = await stateWithResult();
    expect(commandsForKey(state, '3', {})).toEqual([{ type: 'editStart', text: '3' }]);
    expect(commandsForKey(state, '.', {})).toEqual([{ type: 'editStart', text: '.' }]);
    const hosts = apply(state, { type: 'focus', delta: 2 });
    expect(commandsForKey(hosts, '2', {})).toEqual([{ type: 'section', index: 1 }]);
    expect(commandsForKey(hosts, '0', {})).toEqual([]);
  });

  it('while typing, letters are text and only Enter, Tab, Esc, Backspace and Ctrl-C act', async () => {
    const state = apply(await stateWithResult(), { type: 'editStart', text: '4' });
    expect(commandsForKey(state, 'q', {})).toEqual([{ type: 'editInput', text: 'q' }]);
    expect(commandsForKey(state, '5', {})).toEqual([{ type: 'editInput', text: '5' }]);
    expect(commandsForKey(state, '', { return: true })).toEqual([{ type: 'editCommit' }]);
    // Tab applies the value and moves to the next pane (Shift-Tab the previous), as in a form.
    expect(commandsForKey(state, '', { tab: true })).toEqual([{ type: 'editCommit' }, { type: 'focus', delta: 1 }]);
    expect(commandsForKey(state, '', { tab: true, shift: true })).toEqual([{ type: 'editCommit' }, { type: 'focus', delta: -1 }]);
    expect(commandsForKey(state, '', { escape: true })).toEqual([{ type: 'editCancel' }]);
    expect(commandsForKey(state, '', { backspace: true })).toEqual([{ type: 'editBackspace' }]);
    expect(commandsForKey(state, '', { delete: true })).toEqual([{ type: 'editBackspace' }]);
    expect(commandsForKey(state, 'c', { ctrl: true })).toEqual([{ type: 'quit' }]);
    expect(commandsForKey(state, '', { upArrow: true })).toEqual([]);
  });

  it('with help open, only ?, Esc, q, Ctrl-C and scrolling act', async () => {
    const state = apply(await stateWithResult(), { type: 'toggleHelp' });
    expect(commandsForKey(state, 'j', {})).toEqual([{ type: 'move', delta: 1 }]);
    expect(commandsForKey(state, '', { upArrow: true })).toEqual([{ type: 'move', delta: -1 }]);
    expect(commandsForKey(state, 'r', {})).toEqual([]);
    expect(commandsForKey(state, 'l', {})).toEqual([]);
    expect(commandsForKey(state, '?', {})).toEqual([{ type: 'toggleHelp' }]);
    expect(commandsForKey(state, '', { escape: true })).toEqual([{ type: 'toggleHelp' }]);
    expect(commandsForKey(state, 'q', {})).toEqual([{ type: 'quit' }]);
  });

  it('splits a burst of keys into single presses, except while typing or for special keys', () => {
    expect(splitKeys('jjk', {}, false)).toEqual([
      { input: 'j', key: {} },
      { input: 'j', key: {} },
      { input: 'k', key: {} },
    ]);
    expect(splitKeys('jL', {}, false)[1]).toEqual({ input: 'L', key: { shift: true } });
    expect(splitKeys('4.5', {}, true)).toEqual([{ input: '4.5', key: {} }]);
    expect(splitKeys('', { upArrow: true }, false)).toEqual([{ input: '', key: { upArrow: true } }]);
  });
});
