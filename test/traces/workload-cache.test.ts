/**
 * Workload files are decoded once per content (src/scenarios/traces/resolve.ts): a study resolves
 * its scenario again for every sweep point or search candidate, and each used to parse the file
 * anew and keep its own copy of the series. Scenarios from one file share its series; a file
 * rewritten in place is read again; the cache keeps a bounded number of files.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ModelScenario } from '../../src/model/scenario.js';
import type { TraceSeries } from '../../src/model/workload/trace-demand.js';
import { parseScenarioText } from '../../src/scenarios/load.js';
import { clearWorkloadCache, WORKLOAD_CACHE_FILES, workloadCacheStats } from '../../src/scenarios/traces/resolve.js';
import { headerLine, traceLine } from '../../src/scenarios/traces/workload-file.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeEach(() => clearWorkloadCache());

/** A workload file of two day-long traces at a 1 h step, CPU at `level` %. */
function workloadText(level: number): string {
  const day = (id: string, offset: number): TraceSeries => ({
    id,
    startSeconds: 0,
    steps: 24,
    series: { cpuPct: Float32Array.from({ length: 24 }, (_, i) => level + offset + (i % 6)) },
  });
  return headerLine({ stepSeconds: 3600, format: 'generic', gapFill: 'linear', sources: ['test'] }) + traceLine(day('a', 0)) + traceLine(day('b', 3)) + `${JSON.stringify({ end: { traces: 2 } })}\n`;
}

const scenarioText = (file: string, ratio = 2): string => `name: cached
duration: 24h
step: 1h
replications: 2
overcommit: { cpu: ${ratio}, memory: 1 }
hosts:
  - name: h
    count: 1
    cpu: { cores: 8 }
    memory: { totalGiB: 64 }
vms:
  - name: t
    count: 4
    vcpus: 1
    memoryGiB: 2
    workload:
      trace: { file: ${file}, mapping: bootstrap }
`;

async function load(file: string, ratio?: number): Promise<ModelScenario> {
  const loaded = await parseScenarioText(scenarioText(file, ratio), tmp.file('s.yaml', ''));
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return loaded.value;
}

const cpuOf = (s: ModelScenario): Float32Array => s.vms[0]!.workload.trace!.traces[0]!.series.cpuPct!;

describe('the workload file cache', () => {
  it('decodes a file once for every scenario resolved from it, which then share its series', async () => {
    tmp.file('w.workload', workloadText(10));
    const before = workloadCacheStats.reads;
    const a = await load('w.workload', 2);
    const b = await load('w.workload', 3);
    expect(workloadCacheStats.reads - before).toBe(1);
    expect(cpuOf(b)).toBe(cpuOf(a));
    // Each scenario has its own list, so picking traces for one does not touch the other's.
    expect(b.vms[0]!.workload.trace!.traces).not.toBe(a.vms[0]!.workload.trace!.traces);
  });

  it('reads a file again when its content changed', async () => {
    tmp.file('w.workload', workloadText(10));
    expect(cpuOf(await load('w.workload'))[0]).toBe(10);
    tmp.file('w.workload', workloadText(20)); // same size, rewritten in place
    expect(cpuOf(await load('w.workload'))[0]).toBe(20);
  });

  it(`keeps at most ${WORKLOAD_CACHE_FILES} files`, async () => {
    const names = Array.from({ length: WORKLOAD_CACHE_FILES + 1 }, (_, k) => tmp.file(`f${k}.workload`, workloadText(k)));
    const before = workloadCacheStats.reads;
    const first = cpuOf(await load(names[0]!));
    for (const name of names.slice(1)) await load(name);
    expect(workloadCacheStats.reads - before).toBe(names.length);
    // The least recently used file was dropped and is decoded again.
    const again = cpuOf(await load(names[0]!));
    expect(workloadCacheStats.reads - before).toBe(names.length + 1);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
