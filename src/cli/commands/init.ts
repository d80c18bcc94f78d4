/**
 * `overcast init [scenario] [path]`: copies a bundled scenario (default `default`) to a file to
 * edit, with the workload files it references, so a user starts from a working scenario instead
 * of a copy buried under node_modules. Refuses to replace anything unless --force; the scenario
 * and its data files are written as one decision (all or none).
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { OutputError, writeOutputs, type OutputFile } from '../../output/write.js';
import type { RegisterCommand } from '../command.js';
import { EXIT_OK, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { bundledScenario, packageRoot } from '../paths.js';
import { bundledScenarioNames } from '../scenario-arg.js';

export interface InitOptions {
  force?: boolean;
}

const DEFAULT_SCENARIO = 'default';

export const register: RegisterCommand = (program, { io, exit }) => {
  program
    .command('init')
    .description('copy a bundled scenario to a file you can edit (default: the bundled default, to ./<scenario>.yaml)')
    .argument('[scenario]', 'bundled scenario name', DEFAULT_SCENARIO)
    .argument('[path]', 'file or folder to write to (default: ./<scenario>.yaml)')
    .option('--force', 'replace files that exist')
    .action(async (scenario: string, path: string | undefined, options: InitOptions) => {
      exit(await initCommand(scenario, path, options, io));
    });
};

/** Relative paths of the workload files a scenario's VM groups read (`workload.trace.file` or `.csv`). */
async function referencedFiles(text: string): Promise<string[]> {
  // Imported when it runs: the YAML parser is not for `overcast --help` to load.
  const { parseDocument } = await import('yaml');
  const raw = parseDocument(text).toJS() as { vms?: { workload?: { trace?: { file?: unknown; csv?: unknown } } }[] } | null;
  const paths: string[] = [];
  for (const group of raw?.vms ?? []) {
    const trace = group?.workload?.trace;
    for (const value of [trace?.file, trace?.csv].flat()) if (typeof value === 'string' && !isAbsolute(value)) paths.push(value);
  }
  return [...new Set(paths)];
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function initCommand(name: string, path: string | undefined, options: InitOptions, io: CliIo): Promise<number> {
  const names = bundledScenarioNames();
  if (!names.includes(name)) {
    const hint = /[./\\]/.test(name) ? ` (to copy to ${name}, name the scenario first: overcast init ${DEFAULT_SCENARIO} ${name})` : '';
    throw new UsageError(`init: no bundled scenario '${name}'${hint}; bundled: ${names.join(', ')}`);
  }
  const source = bundledScenario(name);
  let target = resolve(io.cwd, path ?? `${name}.yaml`);
  if (await isDirectory(target)) target = join(target, `${name}.yaml`);
  const text = await readFile(source, 'utf8');
  // The editor's schema comment points at the package's schema, wherever the copy goes.
  const schema = join(packageRoot(), 'docs', 'scenario.schema.json');
  const copy = text.replace(/^# yaml-language-server: \$schema=.*$/m, () => `# yaml-language-server: $schema=${schema}`);
  const shown = (p: string): string => {
    const r = relative(io.cwd, p);
    return r.startsWith('..') || isAbsolute(r) ? p : r;
  };
  const files: OutputFile[] = [{ path: target, content: copy, label: shown(target) }];
  for (const ref of await referencedFiles(text)) {
    const from = resolve(dirname(source), ref);
    if (await isDirectory(from)) throw new UsageError(`init: ${name} reads the folder ${ref}; copy it by hand from ${from}`);
    const to = resolve(dirname(target), ref);
    await mkdir(dirname(to), { recursive: true });
    files.push({ path: to, content: await readFile(from), label: shown(to) });
  }
  try {
    await writeOutputs(files, { exclusive: options.force !== true });
  } catch (error) {
    if (error instanceof OutputError && error.code === 'EEXIST') throw new OutputError(error.path, error.code, `${error.message} (--force replaces it)`);
    throw error;
  }
  const data = files.slice(1).map((f) => shown(f.path));
  io.stdout.write(
    [
      `wrote ${shown(target)}: a copy of the bundled scenario ${name}${data.length > 0 ? `, with ${data.join(', ')}` : ''}`,
      'Edit it, then:',
      `  overcast validate ${shown(target)}    # check it and see what would be placed`,
      `  overcast ${shown(target)}             # explore it in the terminal UI`,
      `  overcast run ${shown(target)}         # the report (--format html for charts)`,
      '',
    ].join('\n'),
  );
  return EXIT_OK;
}
