/**
 * Shared builders for the model tests.
 *
 * - `scenario`, `hostGroup`, `vmGroup`: the one place that builds `ModelScenario` objects, so a
 *   new field in src/model/scenario.ts needs one edit here and nowhere else.
 * - `closedMicro`, `openMicro`: `runMicro` configurations for the validation tests (exponential
 *   bursts and gaps, one seeded stream per thread).
 * - `replicate`: runs a statistic over independent replications and returns its 95 % t-interval.
 */
import { EXPONENTIAL } from '../../src/model/random/distributions.js';
import { createStream } from '../../src/model/random/streams.js';
import { exponentialThreads, runMicro, type MicroResult } from '../../src/model/cpu/micro.js';
import { meanInterval, type MeanInterval } from '../../src/model/stats/intervals.js';
import { fleetScratch, solveHostInterval } from '../../src/model/cpu/fleet.js';
import type { SchedulerParams } from '../../src/model/cpu/scheduler.js';
import type { CpuWorkload, HostGroup, ModelScenario, VmGroup } from '../../src/model/scenario.js';
import { BOOT_PROFILES } from '../../src/model/io/boot.js';
import { BALLOON_DEFAULTS, KSM_DEFAULTS } from '../../src/model/memory/spec.js';

// ------------------------------------------------------------------------------------ scenarios

export function hostGroup(name: string, count: number, cores: number, totalGiB: number, reservedCores = 0, reservedGiB = 0): HostGroup {
  return {
    name,
    count,
    cpu: { cores, reservedCores },
    memory: { totalGiB, reservedGiB, hostOsGiB: reservedGiB, swapGiB: 0, swapMBps: 100, swapReadMs: 8 },
    storage: { kind: 'local', array: { disks: 2, iopsPerDisk: 133, raid: 'raid1' } },
  };
}

const flatCpu: CpuWorkload = {
  utilPct: 20,
  burstMs: 10,
  burstDistribution: 'exponential',
  burstCv: 1,
  gapDistribution: 'exponential',
  gapCv: 1,
  profile: new Array<number>(24).fill(1),
  vmCv: 0,
  noiseCv: 0,
};

export function vmGroup(name: string, count: number | 'fill', vcpus: number, memoryGiB: number): VmGroup {
  return {
    name,
    count,
    vcpus,
    memoryGiB,
    os: 'linux',
    image: 'base',
    workload: {
      cpu: { ...flatCpu, profile: [...flatCpu.profile] },
      memory: { activeGiB: memoryGiB, idleActiveGiB: memoryGiB, cacheGiBPerHour: 0, freeFloorPct: 2, sharedPct: 15, crossImagePct: 2, touchMiBps: 1, vmCv: 0, noiseCv: 0 },
      io: { iops: 0, readPct: 70 },
    },
    process: { overheadGiB: 0, oomScoreAdj: 0 },
    boot: { ...BOOT_PROFILES.linux },
  };
}

export interface ScenarioParts {
  hosts: HostGroup[];
  vms: VmGroup[];
  overcommit?: { cpu: number; memory: number };
  placement?: 'pack' | 'spread';
}

/** A complete ModelScenario with neutral defaults for everything the test does not set. */
export function scenario(parts: ScenarioParts): ModelScenario {
  return {
    name: 'test',
    seed: 1,
    replications: 1,
    durationSeconds: 3600,
    stepSeconds: 300,
    startHour: 0,
    overcommit: parts.overcommit ?? { cpu: 1, memory: 1 },
    placement: parts.placement ?? 'pack',
    hosts: parts.hosts,
    vms: parts.vms,
    scheduler: { policy: 'cfs' },
    cpuModel: { resolution: 'auto', microBudgetBursts: 1e8, microWindows: 2, microWindowSeconds: 60 },
    memory: { ksm: { ...KSM_DEFAULTS }, balloon: { ...BALLOON_DEFAULTS }, restartKilledAfterSeconds: null },
    datastores: [],
    boots: { waves: [], maxPerHost: null, maxPerDatastore: null },
    slo: {},
  };
}

// ---------------------------------------------------------------------------------- micro runs

export interface ClosedRun {
  /** Closed threads (vCPUs). */
  n: number;
  pcpus: number;
  /** Uncontended utilisation of every thread, or one value per thread. */
  utilization: number | readonly number[];
  burstSeconds: number;
  scheduler: SchedulerParams;
  measuredSeconds: number;
  warmupSeconds: number;
  seed: number;
  replication: number;
}

/** One replication of n exponential threads on `pcpus` CPUs, a single step measured as one sample. */
export function closedMicro(run: ClosedRun): MicroResult {
  const util = new Float64Array(run.n);
  for (let t = 0; t < run.n; t++) util[t] = typeof run.utilization === 'number' ? run.utilization : run.utilization[t]!;
  return runMicro({
    pcpus: run.pcpus,
    scheduler: run.scheduler,
    ...exponentialThreads(run.n, run.burstSeconds),
    rngs: Array.from({ length: run.n }, (_, t) => createStream(run.seed, run.replication, `vcpu:${t}`, 'cpu')),
    utilization: util,
    steps: 1,
    stepSeconds: run.measuredSeconds,
    sampleSeconds: run.measuredSeconds,
    warmupSeconds: run.warmupSeconds,
  });
}

export interface OpenRun {
  pcpus: number;
  arrivalRatePerSecond: number;
  burstSeconds: number;
  scheduler: SchedulerParams;
  measuredSeconds: number;
  warmupSeconds: number;
  /** Job slots; arrivals beyond are dropped (tests check that none were). */
  maxInSystem: number;
  seed: number;
  replication: number;
}

/** One replication of an open M/M/c system: Poisson arrivals, exponential jobs, no closed threads. */
export function openMicro(run: OpenRun): MicroResult {
  return runMicro({
    pcpus: run.pcpus,
    scheduler: run.scheduler,
    ...exponentialThreads(0, run.burstSeconds),
    rngs: [],
    utilization: new Float64Array(0),
    steps: 1,
    stepSeconds: run.measuredSeconds,
    sampleSeconds: run.measuredSeconds,
    warmupSeconds: run.warmupSeconds,
    open: [
      {
        arrivalRatePerSecond: run.arrivalRatePerSecond,
        burstMeanSeconds: run.burstSeconds,
        burstDistribution: EXPONENTIAL,
        burstCv: 1,
        rng: createStream(run.seed, run.replication, 'open:0', 'jobs'),
        maxInSystem: run.maxInSystem,
      },
    ],
  });
}

/** Sum of a typed array. */
export function total(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** Share of the measured time the closed threads spent ready, averaged over threads. */
export function readyFraction(result: MicroResult, threads: number): number {
  return total(result.readySeconds) / (threads * result.measuredSeconds);
}

// --------------------------------------------------------------------------------- statistics

/**
 * Student t quantiles t(0.9995, df), the two-sided 99.9 % points (standard table, e.g.
 * NIST/SEMATECH e-Handbook of Statistical Methods §1.3.6.7.2), for the replication counts used.
 */
export const T9995: Readonly<Record<number, number>> = { 9: 4.781, 19: 3.883 };

export interface ReplicatedStatistic extends MeanInterval {
  values: number[];
  /** Half-width of the 95 % t-interval. */
  halfWidth95: number;
}

/** Runs `statistic(replication)` for replications 0..R−1 and returns the values and their 95 % t-interval. */
export function replicate(replications: number, statistic: (replication: number) => number): ReplicatedStatistic {
  const values: number[] = [];
  for (let r = 0; r < replications; r++) values.push(statistic(r));
  const ci = meanInterval(values);
  return { ...ci, values, halfWidth95: (ci.upper95 - ci.lower95) / 2 };
}

/**
 * The quantities of the validation criterion every simulation-vs-closed-form test asserts:
 *  1. precision: `relativeHalfWidth`, the 95 % half-width as a share of the theory. Tests require
 *     <= 1 %, so a 2 % claim is not vacuous: with 20 replications the standard error is then
 *     <= 1 % / t(0.975, 19) = 0.48 %, and a simulator 2 % off would sit >= 4 standard errors
 *     away from the theory;
 *  2. accuracy: `relativeError`, (mean − theory) / theory; tests require |.| < 2 % (the issue);
 *  3. consistency: `theoryInInterval`, the theory lies in the 99.9 % t-interval
 *     mean ± t(0.9995, R−1)·SE, i.e. the deviation is explained by sampling noise, not by a bias
 *     below the 2 % bar. 99.9 % rather than 95 %: the suite makes about 40 such checks, and by
 *     Bonferroni a correct simulator then fails one of them with probability <= 4 % for an
 *     arbitrary seed (at 95 % it would fail several on almost every seed).
 */
export function compareWithTheory(stat: ReplicatedStatistic, theory: number): { relativeError: number; relativeHalfWidth: number; theoryInInterval: boolean } {
  const t = T9995[stat.n - 1];
  if (t === undefined) throw new Error(`no t(0.9995) table entry for ${stat.n - 1} degrees of freedom`);
  return {
    relativeError: (stat.mean - theory) / theory,
    relativeHalfWidth: stat.halfWidth95 / theory,
    theoryInInterval: Math.abs(stat.mean - theory) <= t * standardError(stat.values),
  };
}

/** Standard error of the mean of independent observations: s / sqrt(R). */
export function standardError(values: readonly number[]): number {
  const n = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return Math.sqrt(ss / (n - 1) / n);
}

// ------------------------------------------------------------ fleet kernel vs micro, one host

export interface HostMixClass {
  count: number;
  vcpus: number;
  u: number;
}

export interface FleetVsMicro {
  /** Fleet kernel: per-vCPU ready share of each class's VMs, host vCPU-weighted mean, pCPU utilisation. */
  fleet: { classReady: number[]; hostReady: number; utilization: number };
  /** Micro model over replications: the same quantities with their 95 % intervals. */
  micro: { classReady: ReplicatedStatistic[]; hostReady: ReplicatedStatistic; utilization: ReplicatedStatistic };
}

/**
 * Solves one host holding the given VM classes with the fleet kernel, and simulates the same
 * host with the micro model (one exponential thread per vCPU at its VM's utilisation).
 */
export function fleetVsMicro(
  pcpus: number,
  classes: readonly HostMixClass[],
  scheduler: SchedulerParams,
  opts: { replications: number; measuredSeconds: number; warmupSeconds: number; burstSeconds: number; seed: number },
): FleetVsMicro {
  // Fleet kernel, one entry per VM.
  const vmClass: number[] = [];
  classes.forEach((c, k) => {
    for (let i = 0; i < c.count; i++) vmClass.push(k);
  });
  const vcpus = Int32Array.from(vmClass, (k) => classes[k]!.vcpus);
  const demand = Float64Array.from(vmClass, (k) => classes[k]!.u);
  const readyOut = new Float64Array(vmClass.length);
  const runOut = new Float64Array(vmClass.length);
  const utilization = solveHostInterval(0, vmClass.length, vcpus, demand, pcpus, readyOut, runOut, fleetScratch(), scheduler.policy === 'fifo' ? 'fifo' : 'cfs');
  const classReady = classes.map((_, k) => readyOut[vmClass.indexOf(k)]!);
  let threads = 0;
  let weighted = 0;
  classes.forEach((c, k) => {
    threads += c.count * c.vcpus;
    weighted += c.count * c.vcpus * classReady[k]!;
  });

  // Micro model, one thread per vCPU.
  const threadClass: number[] = [];
  classes.forEach((c, k) => {
    for (let i = 0; i < c.count * c.vcpus; i++) threadClass.push(k);
  });
  const threadUtil = threadClass.map((k) => classes[k]!.u);
  const perClass: number[][] = classes.map(() => []);
  const host: number[] = [];
  const util: number[] = [];
  for (let r = 0; r < opts.replications; r++) {
    const res = closedMicro({
      n: threads,
      pcpus,
      utilization: threadUtil,
      burstSeconds: opts.burstSeconds,
      scheduler,
      measuredSeconds: opts.measuredSeconds,
      warmupSeconds: opts.warmupSeconds,
      seed: opts.seed,
      replication: r,
    });
    const sums = classes.map(() => 0);
    threadClass.forEach((k, t) => {
      sums[k]! += res.readySeconds[t]!;
    });
    classes.forEach((c, k) => perClass[k]!.push(sums[k]! / (c.count * c.vcpus * res.measuredSeconds)));
    host.push(readyFraction(res, threads));
    util.push(res.busyCpuSeconds / (pcpus * res.measuredSeconds));
  }
  const rep = (values: number[]): ReplicatedStatistic => replicate(values.length, (r) => values[r]!);
  return {
    fleet: { classReady, hostReady: weighted / threads, utilization },
    micro: { classReady: perClass.map(rep), hostReady: rep(host), utilization: rep(util) },
  };
}
