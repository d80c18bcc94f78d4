/**
 * Prometheus range-query import (src/scenarios/traces/prometheus.ts) on test/fixtures/traces/prometheus:
 * two VMs, 13 points 300 s apart in cpuPct.json and memoryUsedGiB.json (the /api/v1/query_range
 * JSON shape of the Prometheus HTTP API). Expected values are the fixture's own: instance-00000a01
 * 25 % throughout; instance-00000a02 10/30 alternating then 20 (mean (6·10 + 6·30 + 20) / 13 = 20).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('overcast import --format prometheus', () => {
  it('merges one file per metric into one trace per libvirt domain', async () => {
    const r = await runCli(['import', '--format', 'prometheus', 'test/fixtures/traces/prometheus', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { rows: { read: number; accepted: number }; traces: { id: string; samples: number; stats: Record<string, { mean: number; max: number }> }[] };
    // A row is one domain at one time: 2 domains × 13 times, both metrics merged into each.
    expect(summary.rows).toMatchObject({ read: 26, accepted: 26 });
    const byId = new Map(summary.traces.map((t) => [t.id, t]));
    expect(byId.get('instance-00000a01')!.stats.cpuPct!.mean).toBeCloseTo(25, 9);
    expect(byId.get('instance-00000a02')!.stats.cpuPct!.mean).toBeCloseTo(20, 9);
    expect(byId.get('instance-00000a02')!.stats.cpuPct!.max).toBe(30);
    expect(byId.get('instance-00000a02')!.stats.memoryUsedGiB!.mean).toBeCloseTo(6, 9);
  });

  it('names the file of a response that is not a range query, exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overcast-prom-'));
    await writeFile(join(dir, 'cpuPct.json'), JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    const r = await runCli(['import', '--format', 'prometheus', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cpuPct.json: expected a query_range response');
  });
});
