/** Where the installed package lives, so bundled scenarios are found from any working directory. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding overcast's package.json (the same from src/ under tsx and from dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'overcast') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the overcast package root');
    dir = parent;
  }
}

export function bundledScenario(name: string): string {
  return join(packageRoot(), 'scenarios', `${name}.yaml`);
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
