/**
 * What a VM's boot costs, and the boots in progress on one storage device.
 *
 * A boot issues a fixed number of IOs, keeping a few in flight; between IOs it computes for a
 * short think time. It ends when its IOs are done and at least `minSeconds` have passed (the
 * part of a boot that is not IO-bound: services starting, logon). Booting VMs on one device
 * share what the device can give closed-loop IO (./device.ts) equally: each keeps the same
 * number of IOs in flight.
 *
 * Windows defaults (../shared/reference/calibration.md §2):
 * - 70,000 IOs, 500–600 MB read and 20–30 MB written (95 % reads), for a Windows 7 VM booting to
 *   logon with its services idle, measured at the VM's disk (ThinScale, "ThinIO facts & figures
 *   pt 2: Bootstorm", 2014) — the IO a VDI host's storage serves. A disk-level trace of a physical
 *   Windows 7 boot counts 20,000 (edugeek.net, hIOmon): the guest's caches and readahead merge
 *   many requests on real hardware.
 * - 2 IOs in flight. Not published. A boot on one hard disk keeps about one in flight at the disk
 *   (the edugeek trace: busy 118 s for 20,000 IOs, 5.9 ms each, one disk's service time); the
 *   field report's storm (0.2 s per IO, 40-minute boots) implies a couple. Boot time at
 *   saturation does not depend on it; latency scales with it (Little's law).
 * - Think time 2 ms between a slot's IOs (assumption), and at least 120 s per boot: ThinScale's
 *   boots took 2–3 minutes on storage that kept up.
 * - 30 CPU seconds (assumption), spread over the boot.
 * Linux defaults are assumptions (no published trace in the calibration set): a server image
 * reading about 200 MB in 4,000 IOs, 90 % reads, 20 s minimum, 10 CPU seconds.
 */
import type { GuestOs } from '../scenario.js';

export interface BootProfile {
  /** Front-end IOs one boot issues. */
  ios: number;
  /** Share of reads among them, %. */
  readPct: number;
  /** IOs a booting VM keeps in flight. */
  outstanding: number;
  /** Computing time between one IO's completion and the next IO, ms. */
  thinkMs: number;
  /** CPU work of a boot, seconds of one vCPU. */
  cpuSeconds: number;
  /** A boot takes at least this long, seconds. */
  minSeconds: number;
}

export const BOOT_PROFILES: Record<GuestOs, BootProfile> = {
  windows: { ios: 70_000, readPct: 95, outstanding: 2, thinkMs: 2, cpuSeconds: 30, minSeconds: 120 },
  linux: { ios: 4_000, readPct: 90, outstanding: 2, thinkMs: 0.3, cpuSeconds: 10, minSeconds: 20 },
  other: { ios: 4_000, readPct: 90, outstanding: 2, thinkMs: 0.3, cpuSeconds: 10, minSeconds: 20 },
};

/**
 * Boots in progress on one device, as fluid: every boot gets the same IO rate, constant between
 * events (a boot starting or ending, the steady load changing), so each boot's remaining IOs fall
 * linearly and the next completion time is known exactly.
 */
export class DeviceBoots {
  /** VM of each active boot. */
  readonly vms: number[] = [];
  /** IOs each active boot still has to do. */
  readonly remainingIos: number[] = [];
  /** When each active boot was admitted, seconds. */
  readonly startedAt: number[] = [];
  /** Earliest time each boot may finish (admitted + minSeconds). */
  readonly notBefore: number[] = [];
  /** IOs each boot keeps in flight and its think time (from its profile). */
  readonly outstanding: number[] = [];
  /** IO rate of each active boot since `since`, IOPS. */
  ratePerBoot = 0;
  since = 0;
  /** Bumped whenever rates change, so stale completion events can be recognised. */
  generation = 0;

  get count(): number {
    return this.vms.length;
  }

  /** IOs in flight over all boots. */
  totalOutstanding(): number {
    let k = 0;
    for (const q of this.outstanding) k += q;
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

  add(vm: number, now: number, profile: BootProfile): void {
    this.vms.push(vm);
    this.remainingIos.push(profile.ios);
    this.startedAt.push(now);
    this.notBefore.push(now + profile.minSeconds);
    this.outstanding.push(profile.outstanding);
  }

  remove(index: number): void {
    for (const list of [this.vms, this.remainingIos, this.startedAt, this.notBefore, this.outstanding]) list.splice(index, 1);
  }

  /** Time the next boot can finish at the current rate (Infinity with no boots or no progress). */
  nextCompletion(): number {
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.vms.length; i++) {
      const remaining = this.remainingIos[i]!;
      const ioDone = remaining <= 1e-9 ? this.since : this.ratePerBoot > 0 ? this.since + remaining / this.ratePerBoot : Number.POSITIVE_INFINITY;
      const at = Math.max(ioDone, this.notBefore[i]!);
      if (at < next) next = at;
    }
    return next;
  }
}
