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
import { recommendationToKnobs, studyRecommender } from '../../src/tui/recommend.js';
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

  it('says so when there is no knob to apply', () => {
    const empty = recommendationToKnobs({ knobs: [], combined: { values: {}, notes: [], evaluation: null } } as unknown as Parameters<typeof recommendationToKnobs>[0]);
    expect(empty.ok).toBe(false);
  });
});
