/** `overcast init`: a bundled scenario copied to edit, with its data files; nothing replaced without --force. */
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/cli/paths.js';
import { runCli } from '../helpers/cli.js';

const scratch = (): Promise<string> => mkdtemp(join(tmpdir(), 'overcast-init-'));

describe('overcast init', () => {
  it('copies the default scenario to ./default.yaml, which validates', async () => {
    const dir = await scratch();
    const { code, stdout, stderr } = await runCli(['init'], { cwd: dir });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^wrote default\.yaml: a copy of the bundled scenario default\nEdit it, then:\n {2}overcast validate default\.yaml/);
    const bundled = await readFile(join(packageRoot(), 'scenarios/default.yaml'), 'utf8');
    const copy = await readFile(join(dir, 'default.yaml'), 'utf8');
    // The same scenario; only the editor's schema comment points at the package's schema.
    expect(copy.split('\n').slice(1)).toEqual(bundled.split('\n').slice(1));
    expect(copy.split('\n')[0]).toBe(`# yaml-language-server: $schema=${join(packageRoot(), 'docs/scenario.schema.json')}`);
    expect((await runCli(['validate', 'default.yaml'], { cwd: dir })).code).toBe(0);
  });

  it('refuses to replace a file unless --force', async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'mine.yaml'), 'my edits');
    const refused = await runCli(['init', 'vdi-callcenter', 'mine.yaml'], { cwd: dir });
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe('overcast: mine.yaml: already exists (--force replaces it)\n');
    expect(await readFile(join(dir, 'mine.yaml'), 'utf8')).toBe('my edits');
    expect(await readdir(dir)).toEqual(['mine.yaml']);
    expect((await runCli(['init', 'vdi-callcenter', 'mine.yaml', '--force'], { cwd: dir })).code).toBe(0);
    expect(await readFile(join(dir, 'mine.yaml'), 'utf8')).toContain('name: vdi-callcenter');
  });

  it('copies the workload files a scenario reads, into a folder given as the path', async () => {
    const dir = await scratch();
    await mkdir(join(dir, 'work'));
    const { code, stdout } = await runCli(['init', 'bitbrains-rnd', 'work'], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toContain('wrote work/bitbrains-rnd.yaml: a copy of the bundled scenario bitbrains-rnd, with work/data/bitbrains-rnd-2013-7.workload');
    const data = await readFile(join(dir, 'work/data/bitbrains-rnd-2013-7.workload'));
    expect(data.equals(await readFile(join(packageRoot(), 'scenarios/data/bitbrains-rnd-2013-7.workload')))).toBe(true);
    expect((await runCli(['validate', 'work/bitbrains-rnd.yaml'], { cwd: dir })).code).toBe(0);
  });

  it('names the bundled scenarios when asked for another', async () => {
    const { code, stderr } = await runCli(['init', 'nope'], { cwd: await scratch() });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^overcast: init: no bundled scenario 'nope'; bundled: bitbrains-rnd, default, /);
  });
});
