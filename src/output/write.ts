/**
 * Writing outputs (reports, sweep tables, workload files, exports) so that what the user named
 * is never damaged:
 *
 * - A regular file, or a path where nothing exists yet, is written through a temporary file in
 *   the same directory, flushed to disk (fsync), renamed over the path and the directory flushed:
 *   readers see the old content or the whole new content, never half, and a crash or a full disk
 *   leaves the old file. The old file's permission bits are kept.
 * - A symbolic link stays a link: the file it points to is replaced as above.
 * - A character device (`/dev/null`, a terminal) or a FIFO is written in place, as a shell
 *   redirection would; renaming over it would turn `/dev/null` into a regular file.
 * - Anything else (a directory, a block device, a socket) is refused.
 *
 * `checkOutput` makes the same checks without writing, so a command can refuse a bad `-o` before
 * spending minutes on a simulation. Every failure is an OutputError whose message says what is
 * wrong in words (no permission, no space left, no such directory); callers show it as a user
 * error, not as a bug.
 *
 * A temporary file is removed when the process is interrupted (SIGINT, SIGTERM, SIGHUP) while it
 * is being written: the handlers are installed only while a temporary file exists, remove the
 * files synchronously, and then let the signal take its usual course (re-raised when nothing else
 * listens for it). A SIGKILL or a power cut can still leave a hidden `.<name>.<hex>.tmp` beside
 * the output; the output itself is never half written.
 *
 * This module is shared by the command line and the terminal UI; it knows nothing of either.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { rmSync } from 'node:fs';
import { access, link, lstat, open, readlink, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** What can be written: text, bytes, or text produced as the writing goes (a large output). */
export type OutputContent = string | Uint8Array | AsyncIterable<string>;

/** A file to write, for `writeOutputs`. */
export interface OutputFile {
  path: string;
  content: OutputContent;
  /** How to name the path in messages (default: the path); e.g. as the user typed it. */
  label?: string;
}

export interface WriteOptions {
  /** Refuse to replace anything already at the path (the default replaces a regular file). */
  exclusive?: boolean;
  /** How to name the path in messages (one output; `OutputFile.label` for several). */
  label?: string;
}

/** An output that cannot be written, with the reason in words. `code` is the errno code when there is one. */
export class OutputError extends Error {
  constructor(
    readonly path: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'OutputError';
  }
}

/** Where and how a path is written. */
interface Target {
  /** The path as given, for messages. */
  shown: string;
  /** The path written: for `file` and `absent`, symbolic links resolved. */
  path: string;
  kind: 'absent' | 'file' | 'stream';
  /** Permission bits of the file replaced. */
  mode?: number;
}

const errnoCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/** The reason an errno code stands for, in words. */
function reason(code: string | undefined): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOENT':
      return 'no such directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'EIO':
      return 'input/output error';
    case 'ENXIO':
      return 'no reader on the other end';
    default:
      return code ? `cannot write it (${code})` : 'cannot write it';
  }
}

/** An OutputError for a failed system call on the output `shown`. */
function failure(shown: string, error: unknown, replacing = true): OutputError {
  if (error instanceof OutputError) return error;
  const code = errnoCode(error);
  const unchanged = replacing && (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EIO') ? ' (nothing was replaced)' : '';
  return new OutputError(shown, code, `${shown}: cannot write: ${reason(code)}${unchanged}`);
}

/** An error raised by the content itself (an import failing half-way), passed through unchanged. */
class ContentFailure {
  constructor(readonly cause: unknown) {}
}

/** The error to throw for a failure while writing: the content's own, or an OutputError. */
function writeFailure(shown: string, error: unknown, replacing = true): unknown {
  if (error instanceof ContentFailure) return error.cause;
  return errnoCode(error) !== undefined ? failure(shown, error, replacing) : error;
}

/** The final path of a chain of symbolic links that ends nowhere (a link to a file not yet made). */
async function danglingTarget(path: string): Promise<string> {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    let info;
    try {
      info = await lstat(current);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return current;
      throw error;
    }
    if (!info.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw Object.assign(new Error('ELOOP'), { code: 'ELOOP', syscall: 'readlink' });
}

/** Checks that a directory exists and new files can be made in it. */
async function checkDirectory(shown: string, dir: string): Promise<void> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    const code = errnoCode(error);
    throw new OutputError(shown, code, code === 'ENOENT' ? `${shown}: the directory ${dir} does not exist` : `${shown}: cannot use the directory ${dir}: ${reason(code)}`);
  }
  if (!info.isDirectory()) throw new OutputError(shown, 'ENOTDIR', `${shown}: ${dir} is not a directory`);
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new OutputError(
      shown,
      errnoCode(error),
      `${shown}: cannot create files in ${dir}: ${reason(errnoCode(error))} (the output is written to a temporary file beside it, then renamed)`,
    );
  }
}

/** Decides how `path` is written, checking that it can be. */
async function inspect(path: string, shown: string, options: WriteOptions): Promise<Target> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'ENOENT') throw failure(shown, error);
    // Nothing there, or a link to nothing: the file is created where the link chain ends.
    const at = await danglingTarget(path).catch((e: unknown) => {
      throw failure(shown, e);
    });
    if (options.exclusive && at !== path) throw new OutputError(shown, 'EEXIST', `${shown}: already exists (a symbolic link)`);
    await checkDirectory(shown, dirname(at));
    return { shown, path: at, kind: 'absent' };
  }
  if (options.exclusive) throw new OutputError(shown, 'EEXIST', `${shown}: already exists`);
  if (info.isDirectory()) throw new OutputError(shown, 'EISDIR', `${shown}: is a directory; give a file name`);
  if (info.isCharacterDevice() || info.isFIFO()) {
    try {
      await access(path, constants.W_OK);
    } catch (error) {
      throw failure(shown, error);
    }
    return { shown, path, kind: 'stream' };
  }
  if (!info.isFile()) {
    const what = info.isBlockDevice() ? 'a block device' : info.isSocket() ? 'a socket' : 'not a regular file';
    throw new OutputError(shown, undefined, `${shown}: is ${what}; overcast writes only regular files, character devices (such as /dev/null) and FIFOs`);
  }
  const real = await realpath(path).catch((e: unknown) => {
    throw failure(shown, e);
  });
  try {
    await access(real, constants.W_OK);
  } catch (error) {
    throw new OutputError(shown, errnoCode(error), `${shown}: ${reason(errnoCode(error))} (the file is not writable)`);
  }
  await checkDirectory(shown, dirname(real));
  return { shown, path: real, kind: 'file', mode: info.mode & 0o7777 };
}

/**
 * Checks, without writing anything, that `path` can be written: its directory exists and is
 * writable, and what is there now is a regular file (replaced), a character device or FIFO
 * (written in place), or nothing. Throws an OutputError saying why not.
 */
export async function checkOutput(path: string, options: WriteOptions = {}): Promise<void> {
  await inspect(path, options.label ?? path, options);
}

async function writeContent(handle: FileHandle, content: OutputContent): Promise<void> {
  if (typeof content === 'string' || content instanceof Uint8Array) {
    await handle.writeFile(content);
    return;
  }
  const chunks = content[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<string>;
    try {
      next = await chunks.next();
    } catch (error) {
      throw new ContentFailure(error);
    }
    if (next.done) return;
    try {
      await handle.write(next.value);
    } catch (error) {
      // Stop the producer: nothing more will be written.
      await chunks.return?.(undefined).catch(() => {});
      throw error;
    }
  }
}

/** Flushes a directory's entries (the rename) to disk; some filesystems cannot, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF' && code !== 'ENOTSUP') throw error;
  } finally {
    await handle?.close();
  }
}

/** Temporary files that exist now, removed if a signal ends the process. */
const liveTemporaries = new Set<string>();
const CLEANUP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function removeLiveTemporaries(signal: NodeJS.Signals): void {
  for (const path of liveTemporaries) {
    try {
      rmSync(path, { force: true });
    } catch {
      // Nothing more can be done on the way out.
    }
  }
  liveTemporaries.clear();
  uninstallCleanup();
  // Nobody else handles it: end the process as the signal would have.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installCleanup(): void {
  for (const signal of CLEANUP_SIGNALS) if (!process.listeners(signal).includes(removeLiveTemporaries)) process.on(signal, removeLiveTemporaries);
}

function uninstallCleanup(): void {
  for (const signal of CLEANUP_SIGNALS) process.removeListener(signal, removeLiveTemporaries);
}

function track(path: string): void {
  if (liveTemporaries.size === 0) installCleanup();
  liveTemporaries.add(path);
}

function untrack(path: string): void {
  liveTemporaries.delete(path);
  if (liveTemporaries.size === 0) uninstallCleanup();
}

/** Removes a temporary file and forgets it. */
async function discard(path: string): Promise<void> {
  await rm(path, { force: true });
  untrack(path);
}

/** A temporary file written beside its target, ready to be renamed over it. */
interface Prepared {
  target: Target;
  temporary: string | null;
}

async function prepare(target: Target, content: OutputContent): Promise<Prepared> {
  if (target.kind === 'stream') {
    // In place, as `> /dev/null` would: a device or FIFO is never replaced.
    let handle: FileHandle | undefined;
    try {
      handle = await open(target.path, 'w');
      await writeContent(handle, content);
    } catch (error) {
      throw writeFailure(target.shown, error, false);
    } finally {
      await handle?.close().catch(() => {});
    }
    return { target, temporary: null };
  }
  const temporary = join(dirname(target.path), `.${basename(target.path)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  track(temporary);
  try {
    handle = await open(temporary, 'wx', target.mode ?? 0o666);
    if (target.mode !== undefined) await handle.chmod(target.mode);
    await writeContent(handle, content);
    await handle.sync();
    await handle.close();
    handle = undefined;
    return { target, temporary };
  } catch (error) {
    await handle?.close().catch(() => {});
    await discard(temporary);
    throw writeFailure(target.shown, error);
  }
}

async function commit(prepared: Prepared, options: WriteOptions): Promise<void> {
  const { target, temporary } = prepared;
  if (temporary === null) return;
  try {
    if (options.exclusive) {
      // link() fails if the name exists, so a file made meanwhile is never replaced.
      await link(temporary, target.path);
      await discard(temporary);
    } else {
      await rename(temporary, target.path);
      untrack(temporary);
    }
  } catch (error) {
    await discard(temporary);
    if (errnoCode(error) === 'EEXIST') throw new OutputError(target.shown, 'EEXIST', `${target.shown}: already exists`);
    throw failure(target.shown, error);
  }
  await syncDirectory(dirname(target.path)).catch((error: unknown) => {
    throw failure(target.shown, error);
  });
}

/** Writes one output (see the module comment for what happens to each kind of path). */
export async function writeOutput(path: string, content: OutputContent, options: WriteOptions = {}): Promise<void> {
  await writeOutputs([{ path, content, ...(options.label !== undefined ? { label: options.label } : {}) }], options);
}

/**
 * Writes several outputs as one decision: every temporary file is written and flushed first,
 * and only then are they renamed into place. If any cannot be written, none replaces its target
 * and every temporary file is removed. (Devices and FIFOs among them are written in place during
 * the first phase.)
 */
export async function writeOutputs(files: readonly OutputFile[], options: WriteOptions = {}): Promise<void> {
  const targets: Target[] = [];
  for (const f of files) targets.push(await inspect(f.path, f.label ?? f.path, options));
  const prepared: Prepared[] = [];
  try {
    for (let i = 0; i < files.length; i++) prepared.push(await prepare(targets[i]!, files[i]!.content));
  } catch (error) {
    await Promise.all(prepared.map((p) => (p.temporary ? discard(p.temporary) : undefined)));
    throw error;
  }
  for (let i = 0; i < prepared.length; i++) {
    try {
      await commit(prepared[i]!, options);
    } catch (error) {
      await Promise.all(prepared.slice(i + 1).map((p) => (p.temporary ? discard(p.temporary) : undefined)));
      throw error;
    }
  }
}
