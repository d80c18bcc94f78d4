/**
 * What `-o` does to the path it names, and when a bad one is found: before the simulation, as a
 * usage error with a message (exit 2), never as an internal error after the work is done.
 */
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUICK, runCli } from '../helpers/cli.js';

const scratch = (): Promise<string> => mkdtemp(join(tmpdir(), 'overcast-out-'));

describe('-o never replaces what is not a regular file', () => {
  it('writes /dev/null in place: it stays a character device', async () => {
    const before = await lstat('/dev/null');
    const { code, stdout, stderr } = await runCli(['run', 'default', '-o', '/dev/null', ...QUICK]);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    const after = await lstat('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
  });

  it('keeps a symbolic link and replaces the report it points to', async () => {
    const dir = await scratch();
    await mkdir(join(dir, 'reports'));
    await writeFile(join(dir, 'reports', 'today.json'), 'old');
    await symlink('reports/today.json', join(dir, 'latest.json'));
    expect((await runCli(['run', 'default', '--json', '-o', 'latest.json', ...QUICK], { cwd: dir })).code).toBe(0);
    expect(await readlink(join(dir, 'latest.json'))).toBe('reports/today.json');
    expect(JSON.parse(await readFile(join(dir, 'reports', 'today.json'), 'utf8')).scenario.name).toBe('default');
  });
});

describe('a bad -o is a usage error found before the run', () => {
  // Without QUICK the default scenario simulates 10 × 24 h: a check after the run would take
  // minutes, and on a terminal (tty) the progress line would appear on stderr first.
  it('run: a missing directory', async () => {
    const dir = await scratch();
    const { code, stdout, stderr } = await runCli(['run', 'default', '-o', 'no/such/dir/report.txt'], { cwd: dir, tty: true });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(`overcast: no/such/dir/report.txt: the directory ${join(dir, 'no/such/dir')} does not exist\n`);
  });

  it('run: a directory given as the file', async () => {
    const dir = await scratch();
    const { code, stderr } = await runCli(['run', 'default', '-o', '.'], { cwd: dir, tty: true });
    expect(code).toBe(2);
    expect(stderr).toBe('overcast: .: is a directory; give a file name\n');
  });

  it('sweep: both files are checked, and neither is written when one cannot be', async () => {
    const dir = await scratch();
    await mkdir(join(dir, 'out.json'));
    const { code, stderr } = await runCli(['sweep', 'default', '--vary', 'overcommit.cpu=3:4:1', '-o', 'out', ...QUICK], { cwd: dir, tty: true });
    expect(code).toBe(2);
    expect(stderr).toBe('overcast: out.json: is a directory; give a file name\n');
    expect(await readdir(dir)).toEqual(['out.json']);
  });

  it('recommend and import check -o before they start', async () => {
    const dir = await scratch();
    const rec = await runCli(['recommend', 'default', '-o', 'missing/r.txt'], { cwd: dir, tty: true });
    expect(rec).toMatchObject({ code: 2, stderr: `overcast: missing/r.txt: the directory ${join(dir, 'missing')} does not exist\n` });
    const imp = await runCli(['import', join(dir, 'nothing.csv'), '--format', 'generic', '-o', 'missing/w.ndjson'], { cwd: dir });
    expect(imp).toMatchObject({ code: 2, stderr: `overcast: missing/w.ndjson: the directory ${join(dir, 'missing')} does not exist\n` });
  });

  it('a full disk is a clear message and exit 2, not an internal error', async () => {
    const { code, stderr } = await runCli(['run', 'default', '-o', '/dev/full', ...QUICK]);
    expect(code).toBe(2);
    expect(stderr).toBe('overcast: /dev/full: cannot write: no space left on the device\n');
  });
});

describe('text fits the terminal', () => {
  it('is at most 100 columns in a pipe or a file, and at most the terminal width on one', async () => {
    const piped = await runCli(['run', 'vdi-callcenter', ...QUICK]);
    expect(Math.max(...piped.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
    const narrow = await runCli(['run', 'vdi-callcenter', '--quiet', ...QUICK], { tty: true, columns: 72 });
    const widest = narrow.stdout.split('\n').reduce((a, l) => (l.length > a.length ? l : a), '');
    expect(widest.length, widest).toBeLessThanOrEqual(72);
  });
});
