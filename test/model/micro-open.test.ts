/**
 * The open variant of the micro model (Poisson job sources, no closed threads) against M/M/c:
 * Erlang C's P(wait), Wq = C·S/(c − a) and T = Wq + S (calibration.md §7; Gross & Harris,
 * "Fundamentals of Queueing Theory", §2.3). Cases, run lengths and why CFS shares the mean
 * response time are in ./validation-cases.ts; the three-part criterion is `compareWithTheory`.
 */
import { describe, expect, it } from 'vitest';
import { mmc } from '../../src/model/cpu/queueing.js';
import { cfsDefaults, fifoScheduler, type SchedulerParams } from '../../src/model/cpu/scheduler.js';
import type { MicroResult } from '../../src/model/cpu/micro.js';
import { compareWithTheory, openMicro, replicate, type ReplicatedStatistic } from './helpers.js';
import { BURST_SECONDS, OPEN_CFS, OPEN_EXTRA_SLOTS, OPEN_FIFO_LARGE, OPEN_FIFO_SMALL, REPLICATIONS, WARMUP_SECONDS, type OpenCase } from './validation-cases.js';

interface OpenStatistics {
  meanWait: ReplicatedStatistic;
  waitProbability: ReplicatedStatistic;
  meanResponse: ReplicatedStatistic;
  dropped: number;
}

function runCase(c: OpenCase, scheduler: SchedulerParams): OpenStatistics {
  const results: MicroResult[] = [];
  for (let r = 0; r < REPLICATIONS; r++) {
    results.push(
      openMicro({
        pcpus: c.pcpus,
        arrivalRatePerSecond: (c.rho * c.pcpus) / BURST_SECONDS,
        burstSeconds: BURST_SECONDS,
        scheduler,
        measuredSeconds: c.measuredSeconds,
        warmupSeconds: WARMUP_SECONDS,
        maxInSystem: c.pcpus + OPEN_EXTRA_SLOTS,
        seed: 2024,
        replication: r,
      }),
    );
  }
  return {
    meanWait: replicate(REPLICATIONS, (r) => results[r]!.open.waitSecondsSum / results[r]!.open.jobs),
    // A job dispatched on arrival has delay exactly 0, which the histogram keeps in its zero bucket
    // (counts[0]: values < 1e-9 ms); every other bucket is a job that waited.
    waitProbability: replicate(REPLICATIONS, (r) => 1 - results[r]!.schedDelayMs.counts[0]! / results[r]!.schedDelayMs.count),
    meanResponse: replicate(REPLICATIONS, (r) => results[r]!.open.responseSecondsSum / results[r]!.open.jobs),
    dropped: results.reduce((sum, res) => sum + res.open.dropped, 0),
  };
}

function expectMatches(stat: ReplicatedStatistic, theory: number): void {
  const cmp = compareWithTheory(stat, theory);
  expect(cmp.relativeHalfWidth).toBeLessThan(0.01);
  expect(Math.abs(cmp.relativeError)).toBeLessThan(0.02);
  expect(cmp.theoryInInterval).toBe(true);
}

function theoryOf(c: OpenCase): ReturnType<typeof mmc> {
  return mmc(c.pcpus, (c.rho * c.pcpus) / BURST_SECONDS, BURST_SECONDS);
}

describe('micro model, open sources vs M/M/c', () => {
  it(`FIFO ${OPEN_FIFO_SMALL.label}: P(wait), Wq and T within 2 % of Erlang C`, () => {
    const stats = runCase(OPEN_FIFO_SMALL, fifoScheduler());
    const theory = theoryOf(OPEN_FIFO_SMALL);
    expect(stats.dropped).toBe(0);
    expectMatches(stats.waitProbability, theory.waitProbability);
    expectMatches(stats.meanWait, theory.meanWait);
    expectMatches(stats.meanResponse, theory.meanResponse);
  });

  it(`FIFO ${OPEN_FIFO_LARGE.label}: P(wait) and T within 2 % of Erlang C`, () => {
    const stats = runCase(OPEN_FIFO_LARGE, fifoScheduler());
    const theory = theoryOf(OPEN_FIFO_LARGE);
    expect(stats.dropped).toBe(0);
    expectMatches(stats.waitProbability, theory.waitProbability);
    expectMatches(stats.meanResponse, theory.meanResponse);
  });

  it(`CFS ${OPEN_CFS.label}: mean response time within 2 % of the M/M/c T`, () => {
    const stats = runCase(OPEN_CFS, cfsDefaults(OPEN_CFS.pcpus));
    expect(stats.dropped).toBe(0);
    expectMatches(stats.meanResponse, theoryOf(OPEN_CFS).meanResponse);
  });

  // REGRESSION (fixed in src/model/cpu/micro.ts): `busyCpuSeconds` is documented as "Sum over pCPUs of busy
  // seconds in the measured period", but `account()` returned early for open-job slots
  // (t >= closed) and `onSample` sums run time of closed threads only, so CPU time used by open
  // jobs was never counted: an open-only run reported 0 busy seconds.
  it('busyCpuSeconds counts the CPU time of open jobs', () => {
    // M/M/4 at ρ = 0.8 for 200 s: the pCPUs are busy a = λS = 3.2 CPUs on average, so
    // busy ≈ 3.2 × 200 = 640 CPU-seconds. Busy time is the sum of ~λT = 64,000 Exp(S) job sizes,
    // relative sd sqrt(2/64,000) = 0.56 % (Poisson count and exponential sizes); 3 % is > 5 sd.
    const res = openMicro({
      pcpus: 4,
      arrivalRatePerSecond: 320,
      burstSeconds: BURST_SECONDS,
      scheduler: fifoScheduler(),
      measuredSeconds: 200,
      warmupSeconds: WARMUP_SECONDS,
      maxInSystem: 4 + OPEN_EXTRA_SLOTS,
      seed: 7,
      replication: 0,
    });
    expect(Math.abs(res.busyCpuSeconds / 640 - 1)).toBeLessThan(0.03);
  });
});
