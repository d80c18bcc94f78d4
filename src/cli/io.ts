/**
 * The CLI's connection to the outside world, injected so commands run in-process under test with
 * captured streams, and so nothing below the CLI touches `process` directly.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface OutputStream {
  write(text: string): void;
  /** True when the stream is a terminal (progress and colour may be shown). */
  readonly isTTY: boolean;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** True when stdin is an interactive terminal. */
  stdinIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: { write: (t) => void process.stdout.write(t), isTTY: process.stdout.isTTY === true },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY === true },
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Writes a file so that readers see either the old content or the whole new content, never half:
 * write a temporary file beside it, then rename over it (atomic within one filesystem). Content
 * given as an async iterable is written as it comes (a large output need not be held in memory);
 * if the iterable throws, the temporary file is removed and the old file stays.
 */
export async function writeFileAtomic(path: string, content: string | AsyncIterable<string>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, content, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
