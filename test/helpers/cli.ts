/** Runs the CLI in-process with captured streams (no build needed, no real terminal). */
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { packageRoot } from '../../src/cli/paths.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd?: string;
  tty?: boolean;
  env?: Record<string, string>;
  /** Text piped into stdin (stdin is then not a terminal). */
  stdin?: string;
  /** The terminal's width, with `tty`. */
  columns?: number;
}

export async function runCli(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t) => void (stdout += t), isTTY: options.tty ?? false, columns: options.columns },
    stderr: { write: (t) => void (stderr += t), isTTY: options.tty ?? false },
    stdinIsTTY: options.stdin === undefined && (options.tty ?? false),
    ...(options.stdin !== undefined ? { readStdin: () => Promise.resolve(options.stdin!) } : {}),
    // One thread unless a test asks for more: the worker pool has its own tests (test/parallel/).
    env: { OVERCAST_WORKERS: '1', ...options.env },
    cwd: options.cwd ?? packageRoot(),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Overrides that make a bundled scenario cheap enough for a unit test. */
export const QUICK = ['--set', 'duration=2h', '--replications', '2', '--set', 'cpuModel.microWindows=1'];
