/**
 * Resolves the scenario a user names on the command line: a file path, or the name of a bundled
 * scenario (`overcast run vdi-callcenter`). Loads it with the command's overrides and turns
 * scenario problems into a UsageError listing each one.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelScenario } from '../model/scenario.js';
import { formatIssue } from '../scenarios/issues.js';
import { loadScenarioFile } from '../scenarios/load.js';
import type { Override } from '../scenarios/overrides.js';
import { UsageError } from './exit-codes.js';
import { bundledScenario, packageRoot } from './paths.js';

export interface ScenarioOptions {
  set?: string[];
  seed?: string;
  replications?: string;
}

export function bundledScenarioNames(): string[] {
  try {
    return readdirSync(join(packageRoot(), 'scenarios'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.replace(/\.yaml$/, ''))
      .sort();
  } catch {
    return [];
  }
}

export function resolveScenarioPath(arg: string, cwd: string): string {
  const asPath = resolve(cwd, arg);
  if (existsSync(asPath)) return asPath;
  if (!/[/\\]/.test(arg) && !/\.(ya?ml|json)$/i.test(arg)) {
    const bundled = bundledScenario(arg);
    if (existsSync(bundled)) return bundled;
  }
  const names = bundledScenarioNames();
  throw new UsageError(`${arg}: no such file${names.length > 0 ? ` (bundled scenarios: ${names.join(', ')})` : ''}`);
}

/** The overrides a command's options stand for, in the order they apply. */
export function overridesFrom(options: ScenarioOptions): Override[] {
  const overrides: Override[] = [...(options.set ?? [])];
  if (options.seed !== undefined) overrides.push({ set: `seed=${options.seed}`, label: `--seed ${options.seed}` });
  if (options.replications !== undefined) overrides.push({ set: `replications=${options.replications}`, label: `--replications ${options.replications}` });
  return overrides;
}

export async function loadScenarioArg(arg: string, cwd: string, options: ScenarioOptions): Promise<{ scenario: ModelScenario; file: string }> {
  const file = resolveScenarioPath(arg, cwd);
  const loaded = await loadScenarioFile(file, { overrides: overridesFrom(options) });
  if (!loaded.ok) {
    const shown = loaded.issues.map((issue) => formatIssue(issue.file === file ? { ...issue, file: arg } : issue));
    throw new UsageError(`${arg}: ${loaded.issues.length} problem${loaded.issues.length === 1 ? '' : 's'}\n${shown.join('\n')}`);
  }
  return loaded.value;
}
