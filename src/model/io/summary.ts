/**
 * The storage and boot results of a study: device utilisation and IO latency distributions,
 * boot durations overall and per OS, admission waits, the storm's length, and timelines.
 */
import { summarizeDistribution, maxOfArrays, meanOfArrays, type DistributionSummary } from '../stats/summary.js';
import type { GuestOs, ModelScenario } from '../scenario.js';
import { IO_PHASES, type IoPhase, type IoReplication } from './io-system.js';

export interface IoSummary {
  devices: number;
  /** Utilisation % of each device in each step. */
  utilPct: DistributionSummary;
  /** Latency of every IO served, ms. */
  latencyMs: DistributionSummary;
  byDevice: { name: string; utilPctMax: number; shortMinutes: number }[];
  /** Share of the running VMs' steady IOPS the devices could not serve, %. */
  steadyShortfallPct: number;
  /**
   * Per phase of a VM's IO (boot, logon, steady): the IOPS one VM in that phase got on average
   * (IOs served over VM-seconds in the phase) and the share of reads, %; null when no VM was in it.
   */
  phases: { phase: IoPhase; iopsPerVm: number | null; readPct: number | null; vmHours: number }[];
  timeline: { stepSeconds: number; utilPctMax: number[]; latencyMsMean: number[]; bootsInFlight: number[]; bootsQueued: number[] };
}

export interface BootSummary {
  /** Boots finished per replication. */
  count: number;
  /** Requested but not finished by the end of the run, per replication. */
  unfinished: number;
  seconds: DistributionSummary;
  secondsByOs: { os: GuestOs; seconds: DistributionSummary }[];
  queuedSeconds: DistributionSummary;
  /** Latency of the boots' own IOs, ms. */
  ioLatencyMs: DistributionSummary;
  /** First boot request to last boot done, minutes: mean and max over replications; null without boots. */
  stormMinutes: { mean: number; max: number } | null;
  maxPerHost: number | null;
  maxPerDatastore: number | null;
}

export function summarizeIo(scenario: ModelScenario, results: readonly IoReplication[]): { io: IoSummary; boot: BootSummary } {
  const reps = Math.max(1, results.length);
  const first = results[0];
  const storms = results.map((r) => (r.lastDoneSeconds - r.firstRequestSeconds) / 60).filter((x) => Number.isFinite(x));
  const osList: GuestOs[] = ['windows', 'linux', 'other'];
  return {
    io: {
      devices: first?.devices ?? 0,
      utilPct: summarizeDistribution(results.map((r) => r.utilPct)),
      latencyMs: summarizeDistribution(results.map((r) => r.latencyMs)),
      byDevice: (first?.deviceNames ?? []).map((name, d) => ({
        name,
        utilPctMax: Math.max(...results.map((r) => r.deviceUtilPctMax[d]!)),
        shortMinutes: (results.reduce((s, r) => s + r.deviceShortSteps[d]!, 0) / reps) * (scenario.stepSeconds / 60),
      })),
      steadyShortfallPct: shortfall(results),
      phases: IO_PHASES.map((phase, p) => {
        const ios = results.reduce((s, r) => s + r.phases[3 * p]!, 0);
        const reads = results.reduce((s, r) => s + r.phases[3 * p + 1]!, 0);
        const vmSeconds = results.reduce((s, r) => s + r.phases[3 * p + 2]!, 0);
        return { phase, iopsPerVm: vmSeconds > 0 ? ios / vmSeconds : null, readPct: ios > 0 ? (100 * reads) / ios : null, vmHours: vmSeconds / 3600 / reps };
      }),
      timeline: {
        stepSeconds: scenario.stepSeconds,
        utilPctMax: [...maxOfArrays(results.map((r) => r.timeline.utilPctMax))],
        latencyMsMean: [...meanOfArrays(results.map((r) => r.timeline.latencyIoSeconds.map((x, k) => (r.timeline.ios[k]! > 0 ? (1000 * x) / r.timeline.ios[k]! : 0))))],
        bootsInFlight: [...meanOfArrays(results.map((r) => r.timeline.bootsInFlight))],
        bootsQueued: [...meanOfArrays(results.map((r) => r.timeline.bootsQueued))],
      },
    },
    boot: {
      count: results.reduce((s, r) => s + r.boots, 0) / reps,
      unfinished: results.reduce((s, r) => s + r.bootsUnfinished, 0) / reps,
      seconds: summarizeDistribution(results.map((r) => r.bootSeconds)),
      secondsByOs: osList
        .filter((os) => results.some((r) => r.bootSecondsByOs[os].count > 0))
        .map((os) => ({ os, seconds: summarizeDistribution(results.map((r) => r.bootSecondsByOs[os])) })),
      queuedSeconds: summarizeDistribution(results.map((r) => r.queuedSeconds)),
      ioLatencyMs: summarizeDistribution(results.map((r) => r.bootLatencyMs)),
      stormMinutes: storms.length > 0 ? { mean: storms.reduce((a, b) => a + b, 0) / storms.length, max: Math.max(...storms) } : null,
      maxPerHost: scenario.boots.maxPerHost,
      maxPerDatastore: scenario.boots.maxPerDatastore,
    },
  };
}

function shortfall(results: readonly IoReplication[]): number {
  const wanted = results.reduce((s, r) => s + r.steadyIosWanted, 0);
  const served = results.reduce((s, r) => s + r.steadyIosServed, 0);
  return wanted > 0 ? (100 * Math.max(0, wanted - served)) / wanted : 0;
}
