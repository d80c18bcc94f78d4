/**
 * What the memory model records in one replication: per-host peaks of backed and needed memory,
 * swap, KSM savings and how fast ksmd converged after the host's last boot, OOM kills, per-VM
 * swap slowdowns, and per-host timelines for small fleets.
 */
import { Histogram } from '../stats/histogram.js';
import type { MemoryModel, OomKill } from './host-memory.js';

/** Per-host memory timelines are kept for fleets up to this many hosts. */
export const TIMELINE_HOSTS = 64;

export interface MemoryReplication {
  /** Per host: the peak over intervals of Σ(backed + overhead) over RAM, %. */
  hostBackedPeakPct: Float64Array;
  /** Per host: the peak of what the host needed after KSM and balloons (RAM + swap use) over RAM, %. */
  hostNeededPeakPct: Float64Array;
  hostSwapPeakGiB: Float64Array;
  /** Per host: mean KSM saving over the run, GiB. */
  hostKsmSavedMeanGiB: Float64Array;
  /** KSM saving of each host in each interval, GiB. */
  ksmSavedGiB: Histogram;
  /** Per host: seconds from its last boot finishing to KSM merging 90 % of what is mergeable (NaN: no boots, or not within the run). */
  ksmConvergeSeconds: Float64Array;
  /** Per host: intervals in which the swap device could not keep up. */
  swapStallSteps: Float64Array;
  /** Per host: OOM kills. */
  hostKills: Float64Array;
  kills: OomKill[];
  /** Per VM (placement index): worst slowdown from its working set being in swap (1 = none). */
  vmSlowdownMax: Float64Array;
  /** Per VM: intervals with part of its working set in swap. */
  vmSwappedSteps: Float64Array;
  /** Mean ksmd CPU per host, cores. */
  hostKsmdCoresMean: Float64Array;
  /** Per host: boots that finished on it. */
  hostBootsSeen: Float64Array;
  /** Per-host timelines (host-major: [host × steps]); empty beyond TIMELINE_HOSTS hosts. */
  timeline: { backedGiB: Float64Array; ksmSavedGiB: Float64Array; swapGiB: Float64Array; hosts: number };
  /**
   * Per host, for rare-event estimation: smallest headroom RAM + swap − needed over the run (GiB,
   * negative when the OOM killer struck), the log likelihood ratio of the host's working-set
   * factor draws (0 unless shifted), and the sum and count of their (shifted) standard normals.
   */
  hostMinHeadroomGiB: Float64Array;
  hostLogWeight: Float64Array;
  hostShiftedZSum: Float64Array;
  hostShiftedCount: Float64Array;
}

export class MemoryRecorder {
  readonly result: MemoryReplication;
  private readonly steps: number;
  private readonly hostLastBootDone: Float64Array;
  private readonly hostConverged: Uint8Array;

  /** `fleetHosts`: hosts in the whole fleet (a slice keeps timelines when the fleet is small enough). */
  constructor(hosts: number, vms: number, steps: number, fleetHosts = hosts) {
    this.steps = steps;
    const timelineHosts = fleetHosts <= TIMELINE_HOSTS ? hosts : 0;
    this.result = {
      hostBackedPeakPct: new Float64Array(hosts),
      hostNeededPeakPct: new Float64Array(hosts),
      hostSwapPeakGiB: new Float64Array(hosts),
      hostKsmSavedMeanGiB: new Float64Array(hosts),
      ksmSavedGiB: new Histogram(),
      ksmConvergeSeconds: new Float64Array(hosts).fill(Number.NaN),
      swapStallSteps: new Float64Array(hosts),
      hostKills: new Float64Array(hosts),
      kills: [],
      vmSlowdownMax: new Float64Array(vms).fill(1),
      vmSwappedSteps: new Float64Array(vms),
      hostKsmdCoresMean: new Float64Array(hosts),
      hostBootsSeen: new Float64Array(hosts),
      timeline: {
        backedGiB: new Float64Array(timelineHosts * steps),
        ksmSavedGiB: new Float64Array(timelineHosts * steps),
        swapGiB: new Float64Array(timelineHosts * steps),
        hosts: timelineHosts,
      },
      hostMinHeadroomGiB: new Float64Array(hosts),
      hostLogWeight: new Float64Array(hosts),
      hostShiftedZSum: new Float64Array(hosts),
      hostShiftedCount: new Float64Array(hosts),
    };
    this.hostLastBootDone = new Float64Array(hosts).fill(Number.NaN);
    this.hostConverged = new Uint8Array(hosts);
  }

  /** A boot finished on host h at `timeSeconds`: KSM convergence is timed from the host's last boot. */
  bootFinished(h: number, timeSeconds: number): void {
    this.hostLastBootDone[h] = timeSeconds;
    this.hostConverged[h] = 0;
    this.result.hostBootsSeen[h]!++;
  }

  kill(kill: OomKill): void {
    this.result.kills.push(kill);
    this.result.hostKills[kill.host]!++;
  }

  /** Records every host's readings and every VM's swap state at the end of interval k (at `now`). */
  record(memory: MemoryModel, k: number, now: number): void {
    const m = this.result;
    const hosts = memory.hosts.length;
    for (let h = 0; h < hosts; h++) {
      const reading = memory.readings[h]!;
      const ram = memory.hosts[h]!.totalGiB;
      m.hostBackedPeakPct[h] = Math.max(m.hostBackedPeakPct[h]!, (100 * reading.backedGiB) / ram);
      m.hostNeededPeakPct[h] = Math.max(m.hostNeededPeakPct[h]!, (100 * reading.neededGiB) / ram);
      m.hostSwapPeakGiB[h] = Math.max(m.hostSwapPeakGiB[h]!, reading.swapUsedGiB);
      m.hostKsmSavedMeanGiB[h]! += reading.ksmSavedGiB;
      m.hostKsmdCoresMean[h]! += reading.ksmdCores;
      m.ksmSavedGiB.add(Math.max(0, reading.ksmSavedGiB));
      if (reading.swapStalled) m.swapStallSteps[h]!++;
      if (m.timeline.hosts > 0) {
        const at = h * this.steps + k;
        m.timeline.backedGiB[at] = reading.backedGiB;
        m.timeline.ksmSavedGiB[at] = reading.ksmSavedGiB;
        m.timeline.swapGiB[at] = reading.swapUsedGiB;
      }
      // KSM convergence after the host's last boot: 90 % of what is mergeable merged.
      if (!Number.isNaN(this.hostLastBootDone[h]!) && !this.hostConverged[h] && reading.ksmMergeableGiB > 0) {
        if (reading.ksmSavedGiB >= 0.9 * reading.ksmMergeableGiB) {
          m.ksmConvergeSeconds[h] = now - this.hostLastBootDone[h]!;
          this.hostConverged[h] = 1;
        }
      }
    }
    if (!memory.anyWorkingSetSwapped()) return;
    const vms = memory.vms.length;
    for (let v = 0; v < vms; v++) {
      const slowdown = memory.slowdown[v]!;
      if (slowdown > m.vmSlowdownMax[v]!) m.vmSlowdownMax[v] = slowdown;
      if (memory.swappedActiveShare[v]! > 0) m.vmSwappedSteps[v]!++;
    }
  }

  finish(memory: MemoryModel): MemoryReplication {
    const m = this.result;
    m.hostMinHeadroomGiB.set(memory.hostMinHeadroomGiB);
    m.hostLogWeight.set(memory.hostLogWeight);
    m.hostShiftedZSum.set(memory.hostShiftedZSum);
    m.hostShiftedCount.set(memory.hostShiftedCount);
    for (let h = 0; h < m.hostKsmSavedMeanGiB.length; h++) {
      m.hostKsmSavedMeanGiB[h]! /= this.steps;
      m.hostKsmdCoresMean[h]! /= this.steps;
    }
    return m;
  }
}
