/**
 * The shared output writer (src/output/write.ts) on real files, links, devices and FIFOs: what is
 * at the path afterwards, what happens to the old content when writing fails, and that no
 * temporary file is left behind. Failures are provoked for real where the system allows it
 * (/dev/full for ENOSPC on a device, a 4 KiB tmpfs for ENOSPC on a file when mounting is
 * permitted, an unprivileged child process for EACCES when the tests run as root).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkOutput, OutputError, writeOutput, writeOutputs } from '../../src/output/write.js';
import { packageRoot } from '../../src/cli/paths.js';

const dirs: string[] = [];
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'overcast-write-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    spawnSync('umount', [join(dir, 'tiny')], { stdio: 'ignore' });
    await rm(dir, { recursive: true, force: true });
  }
});

async function* chunks(parts: string[], failAfter?: number): AsyncGenerator<string> {
  for (let i = 0; i < parts.length; i++) {
    if (failAfter !== undefined && i === failAfter) throw new Error('the producer failed');
    yield parts[i]!;
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('regular files and new paths', () => {
  it('creates a new file and leaves nothing else in the directory', async () => {
    const dir = await scratch();
    await writeOutput(join(dir, 'report.txt'), 'hello\n');
    expect(await readFile(join(dir, 'report.txt'), 'utf8')).toBe('hello\n');
    expect(await readdir(dir)).toEqual(['report.txt']);
  });

  it('replaces a regular file and keeps its permission bits', async () => {
    const dir = await scratch();
    const path = join(dir, 'report.txt');
    await writeFile(path, 'old');
    await chmod(path, 0o640);
    await writeOutput(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(['report.txt']);
  });

  it('writes content produced as it goes (an async iterable)', async () => {
    const dir = await scratch();
    await writeOutput(join(dir, 'w.ndjson'), chunks(['a\n', 'b\n', 'c\n']));
    expect(await readFile(join(dir, 'w.ndjson'), 'utf8')).toBe('a\nb\nc\n');
  });

  it('passes a failing producer’s own error through, keeps the old file and removes the temporary one', async () => {
    const dir = await scratch();
    const path = join(dir, 'w.ndjson');
    await writeFile(path, 'old');
    const error = await rejection(writeOutput(path, chunks(['a\n', 'b\n'], 1)));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(OutputError);
    expect((error as Error).message).toBe('the producer failed');
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['w.ndjson']);
  });

  it('refuses to replace anything with exclusive, and creates the file otherwise', async () => {
    const dir = await scratch();
    const path = join(dir, 'x.yaml');
    await writeOutput(path, 'one', { exclusive: true });
    const error = await rejection(writeOutput(path, 'two', { exclusive: true }));
    expect(error).toMatchObject({ code: 'EEXIST' });
    expect(await readFile(path, 'utf8')).toBe('one');
    expect(await readdir(dir)).toEqual(['x.yaml']);
  });
});

describe('what is not a regular file is never replaced', () => {
  it('writes /dev/null in place: it stays a character device', async () => {
    const before = await lstat('/dev/null');
    await writeOutput('/dev/null', 'discarded\n');
    const after = await lstat('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
  });

  it('writes a FIFO in place, to the reader on the other end', async () => {
    const dir = await scratch();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const received = new Promise<string>((resolve, reject) => {
      let text = '';
      createReadStream(fifo, 'utf8')
        .on('data', (chunk) => (text += chunk))
        .on('end', () => resolve(text))
        .on('error', reject);
    });
    await writeOutput(fifo, 'through the pipe\n');
    expect(await received).toBe('through the pipe\n');
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect(await readdir(dir)).toEqual(['pipe']);
  });

  it('keeps a symbolic link and replaces the file it points to', async () => {
    const dir = await scratch();
    await mkdir(join(dir, 'real'));
    await writeFile(join(dir, 'real', 'report.txt'), 'old');
    await symlink('real/report.txt', join(dir, 'link.txt'));
    await writeOutput(join(dir, 'link.txt'), 'new');
    expect((await lstat(join(dir, 'link.txt'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(dir, 'link.txt'))).toBe('real/report.txt');
    expect(await readFile(join(dir, 'real', 'report.txt'), 'utf8')).toBe('new');
    expect((await readdir(dir)).sort()).toEqual(['link.txt', 'real']);
    expect(await readdir(join(dir, 'real'))).toEqual(['report.txt']);
  });

  it('creates the file a dangling link points to, keeping the link', async () => {
    const dir = await scratch();
    await symlink('target.txt', join(dir, 'link.txt'));
    await writeOutput(join(dir, 'link.txt'), 'made');
    expect((await lstat(join(dir, 'link.txt'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, 'target.txt'), 'utf8')).toBe('made');
  });

  it('refuses a directory and a socket with a message, before writing', async () => {
    const dir = await scratch();
    expect(await rejection(checkOutput(dir))).toMatchObject({ code: 'EISDIR', message: `${dir}: is a directory; give a file name` });
    const socketPath = join(dir, 'sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const error = await rejection(writeOutput(socketPath, 'x'));
      expect(error).toBeInstanceOf(OutputError);
      expect((error as Error).message).toContain('is a socket');
      expect((await lstat(socketPath)).isSocket()).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('failures are clear messages', () => {
  it('names a missing directory', async () => {
    const dir = await scratch();
    const error = await rejection(checkOutput(join(dir, 'no', 'report.txt'), { label: 'no/report.txt' }));
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toBe(`no/report.txt: the directory ${join(dir, 'no')} does not exist`);
  });

  it('says "no space left" when a device is full (/dev/full)', async () => {
    const error = await rejection(writeOutput('/dev/full', 'x'.repeat(10_000)));
    expect(error).toMatchObject({ code: 'ENOSPC', message: '/dev/full: cannot write: no space left on the device' });
  });

  it('keeps the old file and leaves no temporary file when the disk fills up', async (context) => {
    const dir = await scratch();
    const tiny = join(dir, 'tiny');
    await mkdir(tiny);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', tiny], { stdio: 'ignore' });
    if (mounted.status !== 0) {
      context.skip('mounting a small tmpfs is not permitted here (needs root); /dev/full covers ENOSPC on a device');
      return;
    }
    const path = join(tiny, 'report.json');
    await writeFile(path, 'old');
    const error = await rejection(writeOutput(path, 'x'.repeat(64 * 1024)));
    expect(error).toMatchObject({ code: 'ENOSPC' });
    expect((error as Error).message).toBe(`${path}: cannot write: no space left on the device (nothing was replaced)`);
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(tiny)).toEqual(['report.json']);
  });

  it('says "permission denied" for a directory it may not write, checked before writing', async () => {
    const dir = await scratch();
    const locked = join(dir, 'locked');
    await mkdir(locked);
    await chmod(dir, 0o755);
    await chmod(locked, 0o555);
    const target = join(locked, 'report.txt');
    if (process.getuid?.() !== 0) {
      const error = await rejection(checkOutput(target));
      expect((error as Error).message).toMatch(/: cannot create files in .*locked: permission denied/);
      return;
    }
    // Root may write anywhere; ask an unprivileged user (nobody) instead.
    const script = `import('${join(packageRoot(), 'src/output/write.ts')}').then((m) => m.checkOutput(${JSON.stringify(target)})).then(() => console.log('no error'), (e) => console.log(e.name + ': ' + e.message));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: packageRoot(), uid: 65534, gid: 65534, encoding: 'utf8' });
    expect(child.stdout.trim()).toMatch(/^OutputError: .*locked\/report\.txt: cannot create files in .*locked: permission denied/);
  });
});

describe('several outputs as one decision', () => {
  it('replaces both files, or neither when one cannot be written', async () => {
    const dir = await scratch();
    const csv = join(dir, 'sweep.csv');
    const json = join(dir, 'sweep.json');
    await writeFile(csv, 'old csv');
    await writeFile(json, 'old json');
    await writeOutputs([
      { path: csv, content: 'new csv' },
      { path: json, content: 'new json' },
    ]);
    expect([await readFile(csv, 'utf8'), await readFile(json, 'utf8')]).toEqual(['new csv', 'new json']);

    // The second content fails after the first temporary file is written: nothing is renamed.
    const error = await rejection(
      writeOutputs([
        { path: csv, content: 'newer csv' },
        { path: json, content: chunks(['{', '}'], 1) },
      ]),
    );
    expect((error as Error).message).toBe('the producer failed');
    expect([await readFile(csv, 'utf8'), await readFile(json, 'utf8')]).toEqual(['new csv', 'new json']);
    expect((await readdir(dir)).sort()).toEqual(['sweep.csv', 'sweep.json']);
  });
});

describe('interrupted writes', () => {
  // The case: `import -o` killed or Ctrl-C'd half-way left a hidden .tmp file every time.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`removes the temporary file when ${signal} ends the process, and ends as the signal would`, async () => {
      const dir = await scratch();
      const out = join(dir, 'out.ndjson');
      const { spawn } = await import('node:child_process');
      const child = spawn(process.execPath, ['--import', 'tsx', join(packageRoot(), 'test/output/fixtures/slow-write.ts'), out], { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
      await new Promise<void>((resolveStarted, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('writing')) resolveStarted();
        });
        child.on('exit', (code) => reject(new Error(`child ended early (${code})`)));
      });
      expect((await readdir(dir)).some((n) => n.endsWith('.tmp'))).toBe(true);
      const ended = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, sig) => r(sig)));
      child.kill(signal);
      expect(await ended).toBe(signal);
      expect(await readdir(dir)).toEqual([]);
    }, 20_000);
  }
});
