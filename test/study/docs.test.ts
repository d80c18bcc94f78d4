// The docs of recommend, sweep and scale must match the code: every field of a real recommend
// JSON is documented in docs/recommend.md, and the cluster examples in docs/examples/ are
// well-formed and use the options overcast has.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/cli/paths.js';
import { runCli } from '../helpers/cli.js';
import { REPAIRMAN_YAML } from './helpers.js';
import { leafPaths } from '../helpers/json-paths.js';

const root = packageRoot();
const read = (path: string): Promise<string> => readFile(join(root, path), 'utf8');

describe('recommend and scale documentation', () => {
  it('docs/recommend.md documents every field of the recommend JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overcast-docs-'));
    await writeFile(join(dir, 'r.yaml'), REPAIRMAN_YAML);
    const { stdout } = await runCli(['recommend', 'r.yaml', '--json', '--knob', 'cpu', '--what-if', 'load+20'], { cwd: dir });
    const doc = await read('docs/recommend.md');
    // Knob fields are documented once as `….field`.
    const undocumented = leafPaths(JSON.parse(stdout))
      .map((path) => path.replace(/^recommendation\.\w+\./, '….'))
      .filter((path) => {
        const segments = path.split('.');
        return !segments.some((_, i) => doc.includes(`\`${segments.slice(0, i + 1).join('.')}`));
      });
    expect([...new Set(undocumented)]).toEqual([]);
  });

  it('the Kubernetes Indexed Job and the Slurm array script are well-formed and use real options', async () => {
    const manifests = parseAllDocuments(await read('docs/examples/kubernetes-indexed-job.yaml')).map((d) => d.toJS() as { kind: string; spec: Record<string, unknown> });
    expect(manifests.map((m) => m.kind)).toEqual(['Job', 'Job']);
    expect(manifests[0]!.spec).toMatchObject({ completionMode: 'Indexed', completions: 16 });
    const slurm = await read('docs/examples/slurm-array.sh');
    execFileSync('bash', ['-n', join(root, 'docs/examples/slurm-array.sh')]);
    expect(slurm).toContain('#SBATCH --array=0-15');
    const { stdout: sweepHelp } = await runCli(['sweep', '--help']);
    for (const text of [await read('docs/examples/kubernetes-indexed-job.yaml'), slurm]) {
      for (const option of text.match(/--(?:vary|replications|quiet|shard)\b/g) ?? []) expect(sweepHelp).toContain(option);
    }
  });

  it('the README lists the new commands', async () => {
    const readme = await read('README.md');
    for (const command of ['overcast sweep', 'overcast recommend', 'overcast merge']) expect(readme).toContain(command);
    for (const command of ['sweep', 'recommend', 'merge']) {
      const { stdout } = await runCli([command, '--help']);
      for (const option of stdout.match(/--[a-z][a-z0-9-]+/g) ?? []) expect(readme, `${command} ${option}`).toContain(option);
    }
  });
});
