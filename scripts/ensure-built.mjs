#!/usr/bin/env node
// `npm start` builds only when needed: a full `tsc` takes seconds to tens of seconds even with
// nothing to do, while comparing file times takes milliseconds. The build is stale when any
// source, config or lock file — or a directory holding them, whose time changes when a file is
// added or removed — is newer than the stamp the last successful build wrote (`--stamp`, run by
// `npm run build`). Plain JavaScript, so it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const stamp = join(root, 'dist', '.build-stamp');
const entry = join(root, 'dist', 'src', 'cli', 'main.js');
const SOURCE_DIRS = ['src', 'bench', 'scripts'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

if (process.argv.includes('--stamp')) {
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  process.exit(0);
}

/** The newest modification time under `path` (files and the directories themselves). */
function newest(path) {
  let info;
  try {
    info = statSync(path);
  } catch {
    return 0;
  }
  let time = info.mtimeMs;
  if (info.isDirectory()) for (const name of readdirSync(path)) time = Math.max(time, newest(join(path, name)));
  return time;
}

const built = existsSync(stamp) && existsSync(entry) ? statSync(stamp).mtimeMs : 0;
const sources = Math.max(...SOURCE_DIRS.map((d) => newest(join(root, d))), ...SOURCE_FILES.map((f) => newest(join(root, f))));
if (sources > built) {
  process.stderr.write(built === 0 ? 'overcast: building (first start)…\n' : 'overcast: sources changed since the last build; building…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
