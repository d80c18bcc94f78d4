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

  it('splits a large fleet into chunks across the threads and gives the bytes one thread gives', async () => {
    // 40 hosts: three chunks of at least 16 hosts (model/chunks.ts), each replication fanned out.
    const s = await scenario(`
name: chunked
seed: 5
replications: 2
duration: 1h
step: 5 min
overcommit: { cpu: 4, memory: 1.5 }
hosts:
  - { name: h, count: 40, cpu: { cores: 8 }, memory: { totalGiB: 64, reservedGiB: 2, swapGiB: 2 } }
vms:
  - name: vm
    count: 400
    vcpus: 2
    memoryGiB: 4
    workload:
      cpu: { utilPct: 30, burstMs: 10, vmCv: 0.5, noiseCv: 0.3 }
      memory: { activeGiB: 3, cacheGiBPerHour: 1, vmCv: 0.3, noiseCv: 0.1 }
      io: { iops: 10 }
ksm: { enabled: true, tuned: true }
cpuModel: { resolution: fleet, microWindows: 4, microWindow: 5s }
`);
    expect(reportJson(buildReport(await runReplicated(s, pool)))).toBe(reportJson(buildReport(runStudy(s))));
  }, 60_000);

  it('replays traces from shared memory with the same bytes as one thread', async () => {
    const s = await scenario(TRACE_YAML);
    expect(reportJson(buildReport(await runReplicated(s, pool)))).toBe(reportJson(buildReport(runStudy(s))));
    // Candidates resolved from the same file share its series; a sweep gives the same bytes.
    const plan = await planSweep(source(TRACE_YAML), [parseVary('overcommit.cpu=2,4')]);
    expect(sweepJson(buildSweepReport(await runSweep(plan, pool)))).toBe(sweepJson(buildSweepReport(await runSweep(plan, inProcessRunner()))));
  }, 60_000);
});
