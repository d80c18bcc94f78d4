/**
 * The CLI's connection to the outside world, injected so commands run in-process under test with
 * captured streams, and so nothing below the CLI touches `process` directly. Files are written by
 * the shared writer in ../output/write.ts; `emit` chooses between it and stdout.
 */
import { resolve } from 'node:path';
import { checkOutput, writeOutput } from '../output/write.js';

export interface OutputStream {
  write(text: string): void;
  /** True when the stream is a terminal (progress and colour may be shown). */
  readonly isTTY: boolean;
  /** The terminal's width in columns, when it is one. */
  readonly columns?: number | undefined;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** True when stdin is an interactive terminal. */
  stdinIsTTY: boolean;
  /** Reads all of stdin (for the scenario argument `-`); absent when there is none to read. */
  readStdin?: () => Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export function processIo(): CliIo {
  return {
    stdout: {
      write: (t) => void process.stdout.write(t),
      isTTY: process.stdout.isTTY === true,
      get columns() {
        return process.stdout.columns;
      },
    },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY === true },
    stdinIsTTY: process.stdin.isTTY === true,
    readStdin: () => readAll(process.stdin),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Width to lay text out in: the terminal's (at least 60 columns), or 100 in a pipe or a file. */
export function textWidth(io: CliIo, toFile: boolean): number {
  if (toFile || !io.stdout.isTTY || !io.stdout.columns) return 100;
  return Math.max(60, io.stdout.columns);
}

/**
 * Checks an `-o` path before a command does its work: a path that cannot be written is a usage
 * error now, not a failure after the simulation. Returns the absolute path.
 */
export async function checkOutputOption(output: string | undefined, io: CliIo): Promise<string | undefined> {
  if (output === undefined) return undefined;
  const path = resolve(io.cwd, output);
  await checkOutput(path, { label: output });
  return path;
}

/** Writes a command's output to `-o` (atomically; see ../output/write.ts) or to stdout. */
export async function emit(content: string, output: string | undefined, io: CliIo): Promise<void> {
  if (output === undefined) io.stdout.write(content);
  else await writeOutput(resolve(io.cwd, output), content, { label: output });
}
