/**
 * `overcast import --format openstack|cloudstack <folder or files> -o my-cloud.yaml`: reads what the
 * OpenStack client or CloudStack's cmk prints (docs/import.md), tells each file's kind from its content, builds a scenario of the
 * cloud as it runs (placement: as-is), validates it like any scenario file and writes it
 * atomically. Bad input is a UsageError naming the file, row and column.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { CloudInputError, readCloudDocument, type CloudDocument } from '../../scenarios/cloud/documents.js';
import { importOpenStack } from '../../scenarios/cloud/openstack.js';
import { importCloudStack } from '../../scenarios/cloud/cloudstack.js';
import { parseScenarioText } from '../../scenarios/load.js';
import { writeOutput } from '../../output/write.js';
import { EXIT_OK, UsageError } from '../exit-codes.js';
import { checkOutputOption, type CliIo } from '../io.js';

export async function cloudImportCommand(format: 'openstack' | 'cloudstack', paths: string[], output: string | undefined, io: CliIo): Promise<number> {
  await checkOutputOption(output, io);
  const files: string[] = [];
  for (const p of paths) {
    const full = resolve(io.cwd, p);
    const info = await stat(full).catch(() => undefined);
    if (!info) throw new UsageError(`${p}: no such file or folder`);
    if (info.isDirectory()) {
      const names = (await readdir(full)).filter((n) => n.toLowerCase().endsWith('.json')).sort();
      if (names.length === 0) throw new UsageError(`${p}: no .json files in this folder (docs/import.md lists the commands that make them)`);
      files.push(...names.map((n) => join(full, n)));
    } else files.push(full);
  }
  const shown = (f: string): string => (f.startsWith(io.cwd) ? relative(io.cwd, f) : f);
  let text: string;
  let summary: string[];
  try {
    const docs: CloudDocument[] = [];
    for (const f of files) docs.push(readCloudDocument(shown(f), await readFile(f, 'utf8')));
    const foreign = docs.find((d) => !d.kind.startsWith(format));
    if (foreign) throw new CloudInputError(foreign.file, `read as ${foreign.because}, not a ${format} export (is --format right?)`);
    const result = format === 'openstack' ? importOpenStack(docs) : importCloudStack(docs);
    const mapping = result.hostNames.map(([real, name]) => `#   ${name} = ${real}`).join('\n');
    text = `# overcast scenario imported by overcast import --format ${format}\n# host names: scenario = cloud\n${mapping}\n${stringify(result.scenario, { lineWidth: 0 })}`;
    summary = [...docs.map((d) => `${d.file}: ${d.rows.length} rows, read as ${d.because}`), ...result.notes];
  } catch (error) {
    if (error instanceof CloudInputError) throw new UsageError(error.message);
    throw error;
  }
  // The scenario must load as any scenario file does before it is written.
  const checked = await parseScenarioText(text, output ?? 'imported scenario');
  if (!checked.ok) throw new Error(`import produced an invalid scenario: ${checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  if (output) await writeOutput(resolve(io.cwd, output), text, { label: output });
  io.stdout.write(`${summary.join('\n')}\n${output ? `wrote ${output}: run \`overcast run ${output}\` or \`overcast ui ${output}\`` : 'no -o given: nothing written'}\n`);
  return EXIT_OK;
}
