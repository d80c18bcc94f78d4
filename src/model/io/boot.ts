/**
 * What a VM's boot costs, and the boots in progress on one storage device.
 *
 * A boot has three phases:
 * 1. the read burst: the boot issues a fixed number of IOs, keeping `outstanding` in flight and
 *    computing `thinkMs` between one IO's completion and the next;
 * 2. its CPU work: the boot cannot be up before its CPU work (`cpuSeconds`) is done on its vCPUs,
 *    so on storage that keeps up a boot is bound by its CPU and think time;
 * 3. logon: once up, the desktop issues `logonIops` (`logonReadPct` reads) for `logonSeconds`,
 *    then its steady workload IO.
 * A boot whose IOs are done no longer loads the device, even while its CPU work goes on.
 * Booting VMs on one device share what the device can give closed-loop IO (./device.ts) equally.
 *
 * Windows defaults (../shared/reference/calibration.md §2):
 * - 20,000 IOs, 95 % reads: a disk-level trace of a Windows 7 boot (edugeek.net SSD thread,
 *   hIOmon: 20,000 IOs, 420 MB read and 24 MB written, average 19 KB). Disk level is what a VM's
 *   virtual disk sends to the host's storage: the counts measured above the guest's cache are
 *   3–4 × higher (ThinScale 2014: 70,000 IOs in 2–3 min; Helge Klein 2013: 62,000 at
 *   application level, "much higher … than at disk level") because the guest merges and caches.
 * - 1 IO in flight. In the same trace the disk's busy time is about IOs × one IO's service time
 *   on both devices: hard disk 118 s (5.9 ms per IO), SSD 8.5 s (0.43 ms per IO, about one
 *   19 KB read at queue depth 1). A boot keeping k IOs in flight would have kept the SSD busy
 *   about 1/k of that. Windows 7's boot reads are largely synchronous demand reads.
 * - Think 0 ms: on the hard disk the trace's average rate (190 IOPS over 20,000 IOs, 105 s) is
 *   the disk's rate while busy (118 s): the disk was never idle waiting for the boot, so the
 *   boot's own computing between IOs is negligible against 5.9 ms.
 * - 30 CPU seconds (assumption, range 10–60 s): on SSD a Windows 7 VM with 2 vCPUs is up in
 *   about 15 s plus its IO.
 * - Logon: 12 IOPS, 3 % reads, for 60 s. The rate is the Login VSI logon storm of Dell BP1018
 *   (11–13 IOPS per desktop, R/W 3/97; its provisioning server absorbed the reads, so reads are
 *   understated); the 60 s is an assumption (range 30–120 s).
 * Linux defaults are assumptions (no published trace in the calibration set): a server image
 * reading about 200 MB in 4,000 IOs, 90 % reads, one in flight, 10 CPU seconds, no logon.
 */
import type { GuestOs } from '../scenario.js';

export interface BootProfile {
  /** Front-end IOs one boot issues. */
  ios: number;
  /** Share of reads among them, %. */
  readPct: number;
  /** IOs a booting VM keeps in flight. */
  outstanding: number;
  /** Computing time between one IO's completion and the next, ms. */
  thinkMs: number;
  /** CPU work of a boot, seconds of one vCPU. */
  cpuSeconds: number;
  /** After the boot: IOPS of the logon, its read share % and its length, s (0: no logon). */
  logonIops: number;
  logonReadPct: number;
  logonSeconds: number;
}

/**
 * Steady IO of a running guest by OS, where the file leaves it out: Windows desktops 10 IOPS at
 * 30 % reads (VDI users average 8–10 IOPS, write-heavy steady state; calibration.md §2); servers
 * 0 IOPS (their IO is the user's to give), 70 % reads.
 */
export const STEADY_IO_DEFAULTS: Record<GuestOs, { iops: number; readPct: number }> = {
  windows: { iops: 10, readPct: 30 },
  linux: { iops: 0, readPct: 70 },
  other: { iops: 0, readPct: 70 },
};

export const BOOT_PROFILES: Record<GuestOs, BootProfile> = {
  windows: { ios: 20_000, readPct: 95, outstanding: 1, thinkMs: 0, cpuSeconds: 30, logonIops: 12, logonReadPct: 3, logonSeconds: 60 },
  linux: { ios: 4_000, readPct: 90, outstanding: 1, thinkMs: 0, cpuSeconds: 10, logonIops: 0, logonReadPct: 0, logonSeconds: 0 },
  other: { ios: 4_000, readPct: 90, outstanding: 1, thinkMs: 0, cpuSeconds: 10, logonIops: 0, logonReadPct: 0, logonSeconds: 0 },
};

/**
 * Boots in progress on one device, as fluid: every boot with IOs left gets the same IO rate,
 * constant between events (a boot starting, its IOs done, it ending, the steady load changing),
 * so each boot's remaining IOs fall linearly and the next event time is known exactly.
 */
export class DeviceBoots {
  /** VM of each active boot. */
  readonly vms: number[] = [];
  /** IOs each active boot still has to do. */
  readonly remainingIos: number[] = [];
  /** When each active boot was admitted, seconds. */
  readonly startedAt: number[] = [];
  /** Earliest time each boot may be up: its CPU work done on its vCPUs (admitted + cpuSeconds / vCPUs). */
  readonly notBefore: number[] = [];
  /** IOs each boot keeps in flight while it has IOs left (from its profile). */
  readonly outstanding: number[] = [];
  /** IO rate of each boot with IOs left since `since`, IOPS. */
  ratePerBoot = 0;
  since = 0;
  /** Bumped whenever rates change, so stale completion events can be recognised. */
  generation = 0;

  get count(): number {
    return this.vms.length;
  }

  /** Boots that still have IOs to do (the ones loading the device). */
  ioCount(): number {
    let n = 0;
    for (const r of this.remainingIos) if (r > DONE_IOS) n++;
    return n;
  }

  /** IOs in flight over the boots that still have IOs to do. */
  totalOutstanding(): number {
    let k = 0;
    for (let i = 0; i < this.vms.length; i++) if (this.remainingIos[i]! > DONE_IOS) k += this.outstanding[i]!;
    return k;
  }

  /** Advances every boot's remaining IOs to `now` at the current rate; returns IOs done. */
  advance(now: number): number {
    const dt = now - this.since;
    let done = 0;
    if (dt > 0 && this.ratePerBoot > 0) {
      for (let i = 0; i < this.vms.length; i++) {
        const step = Math.min(this.remainingIos[i]!, this.ratePerBoot * dt);
        this.remainingIos[i]! -= step;
        done += step;
      }
    }
    this.since = now;
    return done;
  }

  add(vm: number, now: number, profile: BootProfile, cpuFloorSeconds: number): void {
    this.vms.push(vm);
    this.remainingIos.push(profile.ios);
    this.startedAt.push(now);
    this.notBefore.push(now + cpuFloorSeconds);
    this.outstanding.push(profile.outstanding);
  }

  remove(index: number): void {
    for (const list of [this.vms, this.remainingIos, this.startedAt, this.notBefore, this.outstanding]) list.splice(index, 1);
  }

  /**
   * Time of the next event at the current rate: a boot's IOs done (it stops loading the device)
   * or a boot up (IOs done and CPU floor passed). Infinity with no boots or no progress.
   */
  nextCompletion(): number {
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.vms.length; i++) {
      const remaining = this.remainingIos[i]!;
      const at = remaining <= DONE_IOS ? Math.max(this.since, this.notBefore[i]!) : this.ratePerBoot > 0 ? this.since + remaining / this.ratePerBoot : Number.POSITIVE_INFINITY;
      if (at < next) next = at;
    }
    return next;
  }
}

/** Remaining IOs below which a boot's IO is done (fluid rounding). */
export const DONE_IOS = 1e-6;
