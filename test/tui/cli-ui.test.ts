import { describe, expect, it } from 'vitest';
import { inCi, wantsUi } from '../../src/cli/commands/ui.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURE_FILE } from './helpers.js';

function io(tty: { stdin: boolean; stdout: boolean }, env: Record<string, string> = {}): CliIo {
  return { stdout: { write: () => undefined, isTTY: tty.stdout }, stderr: { write: () => undefined, isTTY: tty.stdout }, stdinIsTTY: tty.stdin, env, cwd: '.' };
}

describe('when the UI opens', () => {
  const terminal = io({ stdin: true, stdout: true });
  it('opens with a terminal on stdin and stdout, outside CI, without report options', () => {
    expect(wantsUi(terminal, {})).toBe(true);
    expect(wantsUi(terminal, { set: ['overcommit.cpu=3'], seed: '7', quiet: true })).toBe(true);
  });

  it('prints the report instead in a pipe, in CI, or with --json, --format, --output or --fail-on-slo', () => {
    expect(wantsUi(io({ stdin: false, stdout: true }), {})).toBe(false);
    expect(wantsUi(io({ stdin: true, stdout: false }), {})).toBe(false);
    expect(wantsUi(io({ stdin: true, stdout: true }, { CI: 'true' }), {})).toBe(false);
    expect(wantsUi(terminal, { json: true })).toBe(false);
    expect(wantsUi(terminal, { format: 'text' })).toBe(false);
    expect(wantsUi(terminal, { output: 'r.txt' })).toBe(false);
    expect(wantsUi(terminal, { failOnSlo: true })).toBe(false);
  });

  it('reads CI the way CI systems set it', () => {
    expect(['true', '1', 'yes', 'TRUE'].map((v) => inCi({ CI: v }))).toEqual([true, true, true, true]);
    expect([undefined, '', '0', 'false', 'False'].map((v) => inCi(v === undefined ? {} : { CI: v }))).toEqual([false, false, false, false, false]);
  });
});

describe('overcast ui without a terminal', () => {
  it('prints the text report and exits (never waits for keys)', async () => {
    const { code, stdout } = await runCli(['ui', FIXTURE_FILE, '--set', 'cpuModel.microWindows=1', '--replications', '2']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^overcast: ui-small/);
    expect(stdout).toMatch(/Verdict: PASS\n$/);
  });

  it('rejects a bad scenario like run does', async () => {
    const { code, stderr } = await runCli(['ui', 'no-such-scenario.yaml']);
    expect(code).toBe(2);
    expect(stderr).toContain('no-such-scenario.yaml: no such file');
  });

  it('is listed in the help', async () => {
    const { stdout } = await runCli(['--help']);
    expect(stdout).toMatch(/ui \[options\] \[scenario\]/);
    expect(stdout).toContain('opens the terminal UI');
  });
});
