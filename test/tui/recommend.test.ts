/**
 * The `s` key's recommender: the real search (on a worker pool) on the closed-form scenario of
 * test/study, mapped onto the UI's knobs. The expected CPU ratio is whatever `recommend` itself
 * finds there (test/study/recommend-validation.test.ts checks that against M/M/P//n).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inProcessRunner } from '../../src/model/runner.js';
import { recommend } from '../../src/study/recommend.js';
import { recommendationToKnobs, recommendProgress, studyRecommender } from '../../src/tui/recommend.js';
import { REPAIRMAN_YAML, source } from '../study/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'overcast-tui-recommend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the UI recommender', () => {
  it('applies the values to paste to the ratio knobs, ignoring the UI’s reduced replications', async () => {
    const file = join(dir, 'repairman.yaml');
    writeFileSync(file, REPAIRMAN_YAML);
    const direct = await recommend(source(REPAIRMAN_YAML), inProcessRunner(), { whatIf: [], riskCurve: false });
    const expected = recommendationToKnobs(direct);
    expect(expected.ok).toBe(true);
    if (!expected.ok) return;
    const cpu = direct.knobs.find((k) => k.id === 'cpuAllocationRatio')!;
    expect(cpu.status).toBe('bound');
    expect(expected.values['overcommit.cpu']).toBe(cpu.value);
    // No memory SLO is set, so the RAM ratio stays as written.
    expect(expected.values['overcommit.memory']).toBe(1.5);
    expect(expected.summary).toContain('cpu_allocation_ratio');

    // A replications override (the UI's knob) must not reach the search: with 1 replication the
    // loader would give different intervals; the answer must equal the direct one.
    const viaUi = await studyRecommender({ file, overrides: [{ set: 'replications=1', label: 'UI replications' }] });
    expect(viaUi).toEqual(expected);
  }, 60_000);

  it('applies the grown fleet the recommendation was verified on, not the ratios alone', () => {
    const knob = { id: 'cpuAllocationRatio', configName: 'cpu_allocation_ratio', value: 5, bindingSlo: 'cpuReadyPctP95', failsBelow: [] as { value: number; failing: string[] }[] };
    const result = {
      scenario: { vms: [{ name: 'web', count: 160 }, { name: 'app', count: 120 }, { name: 'fill me', count: 'fill' }] },
      knobs: [knob],
      combined: { values: { cpuAllocationRatio: 5 }, notes: [], evaluation: { verdict: 'pass', failing: [], growth: 1.25, fleet: { vms: 350 } } },
    } as unknown as Parameters<typeof recommendationToKnobs>[0];
    const applied = recommendationToKnobs(result);
    expect(applied.ok).toBe(true);
    if (!applied.ok) return;
    // growMix's counts: floor(count × factor); a fill group has no count knob.
    expect(applied.values).toEqual({ 'overcommit.cpu': 5, 'vms.web.count': 200, 'vms.app.count': 150 });
    expect(applied.summary).toContain('VMs × 1.25 (350 placed)');
    expect(applied.summary).toContain('cpu_allocation_ratio 5 (cpuReadyPctP95) ·');

    // A knob that failed below its answer says so: lowering it is not safer there.
    knob.failsBelow = [{ value: 4, failing: ['cpuReadyPctP95'] }];
    const notMonotone = recommendationToKnobs(result);
    expect(notMonotone.ok && notMonotone.summary).toContain('cpu_allocation_ratio 5 (cpuReadyPctP95; fails lower, at 4) ·');
  });

  it('shows progress with the candidates done, the time and a rough ETA', () => {
    const shown: string[] = [];
    let t = 0;
    const progress = recommendProgress((text) => shown.push(text), 0, () => t);
    t = 5000;
    progress('cpuAllocationRatio 2: 5 replications');
    progress('cpuAllocationRatio 2: pass · 5 replications');
    expect(shown[0]).toBe('recommending: 0 candidates in 5 s · cpuAllocationRatio 2: 5 replications');
    // One candidate in 5 s, about 20 expected: 19 more at 5 s each.
    expect(shown[1]).toBe('recommending: 1 candidate in 5 s · about 95 s left · cpuAllocationRatio 2: pass · 5 replications');
  });

  it('says so when there is no knob to apply', () => {
    const empty = recommendationToKnobs({ knobs: [], combined: { values: {}, notes: [], evaluation: null } } as unknown as Parameters<typeof recommendationToKnobs>[0]);
    expect(empty.ok).toBe(false);
  });
});
