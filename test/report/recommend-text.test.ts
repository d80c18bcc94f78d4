/**
 * The recommendation as text people read: wrapped to the terminal (100 columns in a pipe), a
 * negative margin said in words, and config to paste that names the settings that really apply
 * (nova has no power-on throttle; Placement's VCPU inventory has a `reserved`).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inProcessRunner } from '../../src/model/runner.js';
import { configSnippets } from '../../src/report/config-snippets.js';
import { recommend, type Evaluation, type RecommendResult } from '../../src/study/recommend.js';
import { runCli } from '../helpers/cli.js';
import { REPAIRMAN_YAML, source } from '../study/helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'overcast-rec-text-'));
  await writeFile(join(dir, 'r.yaml'), REPAIRMAN_YAML);
});

/** The lines of a text report outside its config (code to paste, kept whole and ≤ 100 anyway). */
const prose = (text: string): string[] => text.split('\n--- ')[0]!.split('\n');

describe('recommend text', () => {
  // The RAM ratio's own SLO, set far below what two 1-hour replications can show, is over its
  // limit at every CPU ratio: it belongs to the RAM ratio, lifted while the CPU ratio is searched.
  const ARGS = ['recommend', 'r.yaml', '--knob', 'cpu', '--what-if', 'none', '--set', 'slo.oomRiskPerHostMonth=0.001'];

  it('says a negative margin in words, and fits 100 columns in a pipe', async () => {
    const { code, stdout } = await runCli(ARGS, { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/headroom -/);
    expect(stdout.replace(/\n +/g, ' ')).toMatch(/! oomRiskPerHostMonth [\d.]+ of 0\.001: [\d.]+× its limit, not judged for this knob \(it belongs to a ratio lifted in this search\)/);
    const widest = stdout.split('\n').reduce((a, l) => (l.length > a.length ? l : a), '');
    expect(widest.length, widest).toBeLessThanOrEqual(100);
  });

  it('wraps to a narrower terminal', async () => {
    const { stdout } = await runCli([...ARGS, '--quiet'], { cwd: dir, tty: true, columns: 70 });
    const widest = prose(stdout).reduce((a, l) => (l.length > a.length ? l : a), '');
    expect(widest.length, widest).toBeLessThanOrEqual(70);
  });
});

describe('config to paste', () => {
  let result: RecommendResult;
  beforeAll(async () => {
    result = await recommend(source(REPAIRMAN_YAML, ['hosts.h.cpu.reservedCores=2']), inProcessRunner(), { knobs: ['cpuAllocationRatio'], whatIf: [], riskCurve: false });
  });

  it('reserves the hosts’ cores in the VCPU inventory, as nova’s reserved_host_cpus does', () => {
    const snippets = configSnippets(result);
    expect(snippets.novaConf).toContain('reserved_host_cpus = 2');
    expect(snippets.placement).toContain('    --resource VCPU:reserved=2 \\\n');
  });

  it('says nova has no power-on throttle, and gives what does throttle boots of existing VMs', () => {
    // The repairman fleet has no boots; give it a boot limit of 6 and a p95 boot of 700 s.
    const at = { slos: [{ name: 'bootSecondsP95', metric: '', unit: 's', limit: 900, value: 700, upper95: 750, status: 'pass' }] } as unknown as Evaluation;
    const withBoots: RecommendResult = {
      ...result,
      combined: { ...result.combined, values: { ...result.combined.values, maxConcurrentBoots: 6 } },
      knobs: result.knobs.map((k) => (k.id === 'maxConcurrentBoots' ? { ...k, status: 'bound', value: 6, atValue: at } : k)),
    };
    const text = configSnippets(withBoots).bootThrottle;
    expect(text).toContain('# At most 6 boots in progress per host (12 across the 2 hosts).');
    expect(text).toContain('# OpenStack nova has no setting for this. max_concurrent_builds limits instance builds');
    expect(text).toContain("  xargs -P 6 -I{} sh -c 'openstack server start {} && sleep 700'");
    expect(text).toContain('"Max concurrent power operations" (per vCenter');
    expect(text).toContain('# Server, default 50): 6 × the hosts that vCenter manages (12 for these 2 hosts).');
    expect(text).toContain('execute.in.sequence.hypervisor.commands=true');
    expect(text).toMatch(/# New instances \(builds\), where nova does limit them: .*\nmax_concurrent_builds = 6\n$/);
    for (const snippet of Object.values(configSnippets(withBoots))) for (const line of snippet.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });
});
