/**
 * Resolves the scenario a user names on the command line: a file path, the name of a bundled
 * scenario (`overcast run vdi-callcenter`), or `-` for standard input (`cat x.yaml | overcast run
 * -`; relative trace paths in it are then relative to the working directory). Loads it with the
 * command's overrides and turns scenario problems into a UsageError listing each one.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatIssue, type Loaded } from '../scenarios/issues.js';
import type { LoadedScenario } from '../scenarios/load.js';
import type { Override } from '../scenarios/overrides.js';
import { UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';
import { bundledScenario, packageRoot } from './paths.js';

/** The scenario argument that means standard input. */
export const STDIN_ARG = '-';
/** How standard input is named in messages. */
export const STDIN_LABEL = '<stdin>';

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

/** Reads the scenario text from standard input (for the argument `-`). */
export async function readStdinScenario(io: CliIo): Promise<string> {
  if (io.stdinIsTTY || !io.readStdin) throw new UsageError(`${STDIN_ARG}: reads the scenario from standard input, but none is piped in (e.g. cat scenario.yaml | overcast run -)`);
  const text = await io.readStdin();
  if (text.trim() === '') throw new UsageError(`${STDIN_LABEL}: empty; expected a scenario (YAML or JSON)`);
  return text;
}

/** The path standing for standard input: in the working directory, so relative paths resolve there. */
export function stdinPath(cwd: string): string {
  return join(cwd, STDIN_LABEL);
}

/** Loads the scenario argument; `where` is the CLI's io, or just a working directory (no stdin). */
export async function loadScenarioArg(arg: string, where: CliIo | string, options: ScenarioOptions): Promise<LoadedScenario> {
  const io: CliIo = typeof where === 'string' ? { stdout: { write: () => {}, isTTY: false }, stderr: { write: () => {}, isTTY: false }, stdinIsTTY: true, env: {}, cwd: where } : where;
  const fromStdin = arg === STDIN_ARG;
  const file = fromStdin ? stdinPath(io.cwd) : resolveScenarioPath(arg, io.cwd);
  const overrides = { overrides: overridesFrom(options) };
  // Loaded here, not at the top: the loader brings zod and the schema (about 100 ms), which
  // `overcast --help` and the commands that read no scenario never need.
  const { loadScenarioFile, parseScenario } = await import('../scenarios/load.js');
  let loaded: Loaded<LoadedScenario>;
  if (fromStdin) {
    const parsed = await parseScenario(await readStdinScenario(io), file, overrides);
    loaded = parsed.ok ? { ok: true, value: { ...parsed.value, file } } : parsed;
  } else loaded = await loadScenarioFile(file, overrides);
  const label = fromStdin ? STDIN_LABEL : arg;
  if (!loaded.ok) {
    const shown = loaded.issues.map((issue) => formatIssue(issue.file === file ? { ...issue, file: label } : issue));
    throw new UsageError(`${label}: ${loaded.issues.length} problem${loaded.issues.length === 1 ? '' : 's'}\n${shown.join('\n')}`);
  }
  return loaded.value;
}
