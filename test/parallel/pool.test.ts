/**
 * The real worker pool (piscina, two threads). Under vitest the workers load the TypeScript
 * worker through tsx (ecosystem.md pitfall 7); in production they run dist/src/parallel/worker.js.
 * The point of these tests is the requirement: results identical to a single-threaded
 * run for the same seed, whichever thread computed which replication.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStudy } from '../../src/model/run.js';
import { inProcessRunner, type ReplicationRunner } from '../../src/model/runner.js';
import { createWorkerPool } from '../../src/parallel/pool.js';
import { buildRecommendReport, recommendJson } from '../../src/report/recommend.js';
import { buildReport, reportJson } from '../../src/report/report.js';
import { buildSweepReport, sweepJson } from '../../src/report/sweep.js';
import { recommend } from '../../src/study/recommend.js';
import { runReplicated } from '../../src/study/run.js';
import { parseVary, planSweep, runSweep } from '../../src/study/sweep.js';
import { NOISY_YAML, REPAIRMAN_YAML, scenario, source } from '../study/helpers.js';
import { TRACE_YAML } from './traces.js';

describe('worker pool', () => {
  let pool: ReplicationRunner;
  beforeAll(() => {
    pool = createWorkerPool({ workers: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('runs replications on two threads with a byte-identical report', async () => {
    const s = await scenario(NOISY_YAML);
    expect(pool.workers).toBe(2);
    expect(reportJson(buildReport(await runReplicated(s, pool)))).toBe(reportJson(buildReport(runStudy(s))));
  });

  it('gives the same sweep and the same recommendation as one thread', async () => {
    const plan = await planSweep(source(NOISY_YAML, ['replications=2']), [parseVary('overcommit.cpu=2:4:1')]);
    expect(sweepJson(buildSweepReport(await runSweep(plan, pool)))).toBe(sweepJson(buildSweepReport(await runSweep(plan, inProcessRunner()))));
    const options = { knobs: ['cpuAllocationRatio', 'ramAllocationRatio'] as const, whatIf: ['load+20'] };
    const parallel = recommendJson(buildRecommendReport(await recommend(source(REPAIRMAN_YAML), pool, options)));
    const single = recommendJson(buildRecommendReport(await recommend(source(REPAIRMAN_YAML), inProcessRunner(), options)));
    expect(parallel).toBe(single);
  });

  it('replays traces from shared memory with the same bytes as one thread', async () => {
    const s = await scenario(TRACE_YAML);
    expect(reportJson(buildReport(await runReplicated(s, pool)))).toBe(reportJson(buildReport(runStudy(s))));
    // Candidates resolved from the same file share its series; a sweep gives the same bytes.
    const plan = await planSweep(source(TRACE_YAML), [parseVary('overcommit.cpu=2,4')]);
    expect(sweepJson(buildSweepReport(await runSweep(plan, pool)))).toBe(sweepJson(buildSweepReport(await runSweep(plan, inProcessRunner()))));
  }, 60_000);
});
