/**
 * Unit behaviour of the micro-level CPU model (cpu/micro.ts, cpu/micro-host.ts): exact cases
 * (hogs, a lone thread), steps and samples, open-job admission, input validation, determinism,
 * the long-run regression, and a floating-point bug in slice accounting (regression tests).
 * The statistical validation against M/M/P//n and M/M/c is in micro-repairman-*.test.ts and
 * micro-open.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { exponentialThreads, runMicro, runMicroGeneralLoop, type MicroConfig, type MicroResult } from '../../src/model/cpu/micro.js';
import { autoWarmupSeconds, runHostMicro } from '../../src/model/cpu/micro-host.js';
import { cfsDefaults, fifoScheduler, resolveScheduler, type SchedulerParams } from '../../src/model/cpu/scheduler.js';
import { DETERMINISTIC, GAMMA, HYPEREXPONENTIAL, LOGNORMAL } from '../../src/model/random/distributions.js';
import { createStream, streamFactory } from '../../src/model/random/streams.js';
import type { PlacedVm } from '../../src/model/placement.js';
import { closedMicro, openMicro, total, vmGroup } from './helpers.js';

/** A config of `n` exponential threads with per-step utilisation rows (row-major, steps × n). */
function config(n: number, pcpus: number, scheduler: SchedulerParams, rows: number[][], stepSeconds: number, sampleSeconds: number, burstSeconds = 0.01): MicroConfig {
  return {
    pcpus,
    scheduler,
    ...exponentialThreads(n, burstSeconds),
    rngs: Array.from({ length: n }, (_, t) => createStream(5, 0, `vcpu:${t}`, 'cpu')),
    utilization: Float64Array.from(rows.flat()),
    steps: rows.length,
    stepSeconds,
    sampleSeconds,
    warmupSeconds: 1,
  };
}

/**
 * Standard deviation of the run share of a lone exponential thread observed for `seconds`
 * (renewal-reward CLT, e.g. Ross, "Stochastic Processes", §3.6): cycles of burst B (mean S) and
 * gap G (mean Z), N = seconds/(S + Z) cycles, Var(share) ≈ Var(B − u·(B + G)) / (N·(S + Z)²)
 * = ((1 − u)²S² + u²Z²) / (N·(S + Z)²).
 */
function runShareSd(u: number, S: number, seconds: number): number {
  const Z = (S * (1 - u)) / u;
  const cycle = S + Z;
  const N = seconds / cycle;
  return Math.sqrt(((1 - u) ** 2 * S * S + u * u * Z * Z) / (N * cycle * cycle));
}

describe('micro model: exact cases', () => {
  for (const [name, scheduler] of [
    ['fifo', fifoScheduler()],
    ['cfs', cfsDefaults(8)],
  ] as const) {
    it(`${name}: 12 hogs on 8 pCPUs are ready 4 × T in total and keep every pCPU busy`, () => {
      // u = 1: no gaps, K = 12 at every instant, and a work-conserving scheduler runs 8 of them.
      const res = closedMicro({ n: 12, pcpus: 8, utilization: 1, burstSeconds: 0.01, scheduler, measuredSeconds: 20, warmupSeconds: 1, seed: 1, replication: 0 });
      expect(total(res.readySeconds) / (4 * 20) - 1).toBeCloseTo(0, 9);
      expect(res.busyCpuSeconds / (8 * 20) - 1).toBeCloseTo(0, 9);
      // Every thread is always either running or ready: run + ready = T per thread, summed 12 × 20.
      expect((total(res.readySeconds) + total(res.runSeconds)) / (12 * 20) - 1).toBeCloseTo(0, 9);
    });
  }

  it('a lone thread never waits, and runs a share u of the time', () => {
    // u = 0.3, S = 10 ms over 1000 s: sd of the run share from runShareSd = 0.0017; 4 sd.
    const res = closedMicro({ n: 1, pcpus: 2, utilization: 0.3, burstSeconds: 0.01, scheduler: cfsDefaults(2), measuredSeconds: 1000, warmupSeconds: 1, seed: 2, replication: 0 });
    expect(res.readySeconds[0]).toBe(0);
    expect(res.schedDelayMs.max).toBe(0);
    expect(res.schedDelayMs.count).toBe(res.wakeups[0]);
    expect(Math.abs(res.runSeconds[0]! / 1000 - 0.3)).toBeLessThan(4 * runShareSd(0.3, 0.01, 1000));
    // Every burst takes a wake-up and at least one run-end event.
    expect(res.events).toBeGreaterThanOrEqual(2 * res.bursts);
  });

  it('the same configuration gives identical results; another replication does not', () => {
    const run = (replication: number) =>
      closedMicro({ n: 16, pcpus: 8, utilization: 0.45, burstSeconds: 0.01, scheduler: cfsDefaults(8), measuredSeconds: 5, warmupSeconds: 1, seed: 9, replication });
    const a = run(0);
    const b = run(0);
    expect(Array.from(b.readySeconds)).toEqual(Array.from(a.readySeconds));
    expect(Array.from(b.runSeconds)).toEqual(Array.from(a.runSeconds));
    expect(b.bursts).toBe(a.bursts);
    expect(b.events).toBe(a.events);
    expect(b.schedDelayMs.toJSON()).toEqual(a.schedDelayMs.toJSON());
    expect(run(1).bursts).not.toBe(a.bursts);
  });
});

describe('micro model: the specialised FIFO event loop', () => {
  /** Everything a run reports, callbacks included, for an exact comparison. */
  function record(run: (config: MicroConfig) => MicroResult, base: MicroConfig): unknown {
    const samples: number[][] = [];
    const delays: number[][] = [];
    const result = run({
      ...base,
      onSample: (k, ready, running) => samples.push([k, ...ready, ...running]),
      onWakeDelay: (t, delay, at) => delays.push([t, delay, at]),
    });
    return { ...result, readySeconds: [...result.readySeconds], runSeconds: [...result.runSeconds], wakeups: [...result.wakeups], schedDelayMs: result.schedDelayMs.toJSON(), samples, delays };
  }

  it('gives exactly the results of the general loop', () => {
    // runMicro runs FIFO hosts without open sources in advanceFifo, a copy of the general loop's
    // transitions kept in local variables; any difference between the two is a bug in the copy.
    // Steps through u = 0 (parked), u = 1 (no gap) and back; contended and idle phases;
    // exponential, deterministic, gamma, lognormal and hyperexponential bursts and gaps.
    const n = 12;
    const rows = [Array(n).fill(0.3), Array.from({ length: n }, (_, t) => (t % 4 === 0 ? 0 : 0.7)), Array(n).fill(1), Array.from({ length: n }, (_, t) => 0.1 + t / 20)];
    const base = config(n, 4, fifoScheduler(), rows, 2, 0.5);
    const mixed = config(n, 3, fifoScheduler(), rows, 2, 1);
    [DETERMINISTIC, GAMMA, LOGNORMAL, HYPEREXPONENTIAL].forEach((code, k) => {
      mixed.burstDistribution[k] = code;
      mixed.burstCv[k] = 1.5;
      mixed.gapDistribution[k + 4] = code;
      mixed.gapCv[k + 4] = 0.5;
    });
    for (const c of [base, mixed]) {
      const fresh = (): MicroConfig => ({ ...c, rngs: Array.from({ length: n }, (_, t) => createStream(5, 0, `vcpu:${t}`, 'cpu')) });
      const specialised = record(runMicro, fresh());
      expect(specialised).toEqual(record(runMicroGeneralLoop, fresh()));
      expect((specialised as { bursts: number }).bursts).toBeGreaterThan(1000);
    }
  });
});

describe('micro model: steps and samples', () => {
  it('a thread follows its per-step utilisation, sample by sample', () => {
    // One thread, step 0 at u = 0.2, step 1 at u = 0.6, 500 s each, sampled every 250 s.
    const samples: { k: number; run: number; ready: number }[] = [];
    const res = runMicro({
      ...config(1, 1, fifoScheduler(), [[0.2], [0.6]], 500, 250),
      onSample: (k, ready, run) => samples.push({ k, run: run[0]!, ready: ready[0]! }),
    });
    expect(samples.map((s) => s.k)).toEqual([0, 1, 2, 3]);
    expect(res.measuredSeconds).toBe(1000);
    // 4-sd bounds from runShareSd for a 250 s window: 0.0032 at u = 0.2, 0.0028 at u = 0.6.
    for (const [i, u] of [0.2, 0.2, 0.6, 0.6].entries()) {
      expect(samples[i]!.ready).toBe(0);
      expect(Math.abs(samples[i]!.run / 250 - u)).toBeLessThan(4 * runShareSd(u, 0.01, 250));
    }
    // The totals are the sums of the windows.
    expect(res.runSeconds[0]).toBeCloseTo(samples.reduce((a, s) => a + s.run, 0), 9);
  });

  it('a parked thread (u = 0) neither wakes nor runs until its utilisation rises', () => {
    const perSample: number[] = [];
    const res = runMicro({
      ...config(1, 1, cfsDefaults(1), [[0], [0.5]], 100, 100),
      onSample: (_k, _ready, run) => perSample.push(run[0]!),
    });
    expect(perSample[0]).toBe(0);
    // 4 sd of the run share over 100 s at u = 0.5 (runShareSd = 0.0071).
    expect(Math.abs(perSample[1]! / 100 - 0.5)).toBeLessThan(4 * runShareSd(0.5, 0.01, 100));
    // Wake-ups happen in step 1 only: about 100 s × u/S = 5000 of them.
    expect(res.wakeups[0]).toBeGreaterThan(4500);
  });
});

describe('micro model: open sources', () => {
  it('one slot on one pCPU drops arrivals as Erlang B: a/(1 + a)', () => {
    // M/M/1/1 with a = λS = 1: blocking probability a/(1 + a) = 0.5. Over 200 s at λ = 100/s
    // there are ~10,000 busy periods; the arrivals blocked in one are geometric with mean λS = 1
    // and variance λS(1 + λS) = 2, so blocked/accepted = 1 ± sqrt(2/10,000) = 1 ± 0.014 and the
    // blocked share r/(1 + r) has sd 0.25 · 0.014 = 0.0035. Bound: 0.02 (> 5 sd).
    const res = openMicro({
      pcpus: 1,
      arrivalRatePerSecond: 100,
      burstSeconds: 0.01,
      scheduler: fifoScheduler(),
      measuredSeconds: 200,
      warmupSeconds: 1,
      maxInSystem: 1,
      seed: 4,
      replication: 0,
    });
    const blocked = res.open.dropped / (res.open.dropped + res.open.jobs);
    expect(Math.abs(blocked - 0.5)).toBeLessThan(0.02);
    // An admitted job never queues behind another: every wait is 0.
    expect(res.open.waitSecondsSum).toBe(0);
  });
});

describe('micro model: input validation', () => {
  const good = (): MicroConfig => config(2, 1, fifoScheduler(), [[0.5, 0.5]], 10, 5);
  it.each([
    ['pcpus 0', (c: MicroConfig) => ({ ...c, pcpus: 0 })],
    ['fractional pcpus', (c: MicroConfig) => ({ ...c, pcpus: 1.5 })],
    ['no steps', (c: MicroConfig) => ({ ...c, steps: 0, utilization: new Float64Array(0) })],
    ['utilisation rows of the wrong size', (c: MicroConfig) => ({ ...c, utilization: new Float64Array(3) })],
    ['sample window not dividing the step', (c: MicroConfig) => ({ ...c, sampleSeconds: 3 })],
    ['missing per-thread arrays', (c: MicroConfig) => ({ ...c, burstCv: new Float64Array(1) })],
    ['missing streams', (c: MicroConfig) => ({ ...c, rngs: c.rngs.slice(0, 1) })],
  ])('rejects %s', (_name, mutate) => {
    expect(() => runMicro(mutate(good()))).toThrow(RangeError);
  });
});

/**
 * A scheduler whose parameters count their reads and abort the run past `maxReads`. CFS reads
 * them on every wake-up and every armed slice, so an event loop that re-arms without progress
 * (the bug this guards against) ends in an exception instead of hanging the test worker.
 */
function watchdog(base: SchedulerParams, maxReads: number): SchedulerParams {
  let reads = 0;
  const read = (value: number): number => {
    if (++reads > maxReads) throw new Error(`watchdog: over ${maxReads} scheduler reads, the run is not making progress`);
    return value;
  };
  return {
    policy: base.policy,
    get latencySeconds() {
      return read(base.latencySeconds);
    },
    get minGranularitySeconds() {
      return read(base.minGranularitySeconds);
    },
    get wakeupGranularitySeconds() {
      return read(base.wakeupGranularitySeconds);
    },
  };
}

describe('micro model: long runs', () => {
  it('regression: a 40,000 s single-step run with ~1 ms bursts terminates, and its burst count is throughput × time', () => {
    // The fixed bug: completion used to be decided by comparing remaining work with an epsilon;
    // past t ≈ 30,000 s one ulp of the clock (3.6e-12 s) exceeds it, a sliver of work re-armed a
    // zero-length slice forever. One thread on one pCPU, CFS slices of 0.5 ms (so most 1 ms bursts
    // are split), u = 0.002: the run is cheap but crosses 30,000 s with ~80,000 bursts.
    const u = 0.002;
    const S = 0.001;
    const seconds = 40_000;
    const expectedBursts = (seconds * u) / S; // throughput of a lone thread: u/S = 2 bursts/s
    // Slice-length reads per burst: one placement + 2 per armed slice (~2.5 slices); 100 is ample.
    const scheduler = watchdog(resolveScheduler({ policy: 'cfs', latencyMs: 0.5, minGranularityMs: 0.5, wakeupGranularityMs: 0.5 }, 1), 100 * expectedBursts);
    const res = runMicro({
      pcpus: 1,
      scheduler,
      ...exponentialThreads(1, S),
      rngs: [createStream(11, 0, 'vcpu:0', 'cpu')],
      utilization: Float64Array.from([u]),
      steps: 1,
      stepSeconds: seconds,
      sampleSeconds: seconds,
      warmupSeconds: 0,
    });
    // Renewal count over T: sd = sqrt(T·σ²/μ³) with cycle mean μ = S/u = 0.5 s and variance
    // σ² = S² + Z² = 1e-6 + 0.499² = 0.249 → sd = sqrt(40,000 · 0.249/0.125) = 282 (0.35 %).
    // Bound 2 % (> 5 sd).
    expect(Math.abs(res.bursts / expectedBursts - 1)).toBeLessThan(0.02);
    // The run reached the end: the single sample at 40,000 s accounted the run time, u·T ± 2 %.
    expect(Math.abs(res.runSeconds[0]! / (u * seconds) - 1)).toBeLessThan(0.02);
  });

  // REGRESSION (fixed in src/model/cpu/micro.ts armRunEnd): when a burst is a whole number of CFS slices (deterministic
  // bursts, or any burst within one clock ulp of a slice boundary), the last full slice leaves
  // `remaining` = rem − ran where `ran` = (now + slice) − now can exceed the slice by rounding;
  // remaining becomes ~ −1e-17 s, armRunEnd takes it as the next slice, and Simulation.schedule
  // threw "negative or NaN delay … for event run-end", aborting the whole run. (The
  // sliceEndsBurst fix handles slivers > 0; negative slivers are now clamped to 0.)
  it('a deterministic burst of exactly two CFS slices completes (1 thread, 1 pCPU)', () => {
    // u = 1: no gaps, and the only random draw (the initial-state uniform) is always < u, so the
    // timeline, and the failure, are fully deterministic.
    const threads = exponentialThreads(1, 0.2);
    threads.burstDistribution.fill(DETERMINISTIC);
    const run = () =>
      runMicro({
        pcpus: 1,
        scheduler: { policy: 'cfs', latencySeconds: 0.1, minGranularitySeconds: 0.1, wakeupGranularitySeconds: 0 },
        ...threads,
        rngs: [createStream(1, 0, 'vcpu:0', 'cpu')],
        utilization: Float64Array.from([1]),
        steps: 1,
        stepSeconds: 1000,
        sampleSeconds: 1000,
        warmupSeconds: 0,
      });
    expect(run).not.toThrow();
  });

  it('the same with kernel defaults: 128 vCPUs on 8 pCPUs (16:1), deterministic 6 ms bursts', () => {
    // nova's legacy cpu_allocation_ratio 16 (calibration.md §3). cfsDefaults(8): min_granularity
    // 3 ms, and with >= 8 runnable per pCPU every slice is 3 ms, so a 6 ms burst is two slices.
    const n = 128;
    const threads = exponentialThreads(n, 0.006);
    threads.burstDistribution.fill(DETERMINISTIC);
    const run = () =>
      runMicro({
        pcpus: 8,
        scheduler: cfsDefaults(8),
        ...threads,
        rngs: Array.from({ length: n }, (_, t) => createStream(1, 0, `vcpu:${t}`, 'cpu')),
        utilization: new Float64Array(n).fill(0.9),
        steps: 1,
        stepSeconds: 20,
        sampleSeconds: 20,
        warmupSeconds: 0,
      });
    expect(run).not.toThrow();
  });
});

describe('runHostMicro and autoWarmupSeconds', () => {
  it('maps VMs to one thread per vCPU and reports per-VM shares per sample', () => {
    const hog = vmGroup('hog', 1, 2, 4);
    hog.workload.cpu.burstMs = 5;
    const idle = vmGroup('idle', 1, 1, 4);
    const vms: PlacedVm[] = [
      { name: 'hog-1', group: 0, index: 0, host: 0, vcpus: 2, memoryGiB: 4 },
      { name: 'idle-1', group: 1, index: 0, host: 0, vcpus: 1, memoryGiB: 4 },
    ];
    const samples: [number, number, number, number][] = [];
    runHostMicro({
      pcpus: 1,
      scheduler: fifoScheduler(),
      vms,
      groups: [hog, idle],
      rows: Float64Array.from([1, 0, 1, 0]), // two steps: hog VM saturated, idle VM idle
      steps: 2,
      stepSeconds: 10,
      sampleSeconds: 5,
      warmupSeconds: 1,
      streams: streamFactory(1, 0),
      purpose: 'cpu',
      onVmSample: (_k, ready, run) => samples.push([ready[0]!, run[0]!, ready[1]!, run[1]!]),
    });
    // 2 hog vCPUs on 1 pCPU: at every instant one runs and one waits, so per vCPU ready = run = ½.
    expect(samples.length).toBe(4);
    for (const [readyHog, runHog, readyIdle, runIdle] of samples) {
      expect(readyHog).toBeCloseTo(0.5, 9);
      expect(runHog).toBeCloseTo(0.5, 9);
      expect(readyIdle).toBe(0);
      expect(runIdle).toBe(0);
    }
  });

  it('warm-up is 10 cycles of the slowest vCPU, utilisation floored at 5 %, within 0.5..10 s', () => {
    const groups = [vmGroup('a', 1, 1, 1), vmGroup('b', 1, 1, 1), vmGroup('c', 1, 1, 1)];
    groups[0]!.workload.cpu.burstMs = 40;
    groups[1]!.workload.cpu.burstMs = 1000;
    groups[2]!.workload.cpu.burstMs = 10;
    const vm = (group: number): PlacedVm => ({ name: `v${group}`, group, index: 0, host: 0, vcpus: 1, memoryGiB: 1 });
    // 40 ms at u = 0.2: cycle 0.04/0.2 = 0.2 s → 10 × 0.2 = 2 s.
    expect(autoWarmupSeconds([vm(0)], groups, () => 0.2)).toBeCloseTo(2, 12);
    // u = 0.01 is floored to 0.05: cycle 0.8 s → 8 s.
    expect(autoWarmupSeconds([vm(0)], groups, () => 0.01)).toBeCloseTo(8, 12);
    // 10 ms at u = 0.9: 10 × 0.0111 = 0.11 s → raised to 0.5 s.
    expect(autoWarmupSeconds([vm(2)], groups, () => 0.9)).toBe(0.5);
    // The 1 s-burst VM at u = 0.1 needs 10 × 10 = 100 s → capped at 10 s.
    expect(autoWarmupSeconds([vm(1)], groups, () => 0.1)).toBe(10);
    // The slowest VM decides: 40 ms (2 s) beside 10 ms (0.5 s) at u = 0.2 → 2 s.
    expect(autoWarmupSeconds([vm(2), vm(0)], groups, () => 0.2)).toBeCloseTo(2, 12);
  });
});
