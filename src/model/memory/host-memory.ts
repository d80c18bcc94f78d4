/**
 * Memory on every host of the fleet, step by step: what each guest has made the host back, what
 * KSM merges of it, what balloons reclaim, what goes to swap, and whom the OOM killer kills.
 *
 * Guests (per VM, GiB):
 * - `active`: the working set, between idleActiveGiB and activeGiB following the workload's daily
 *   shape, times a per-VM factor (vmCv) and per-step noise (noiseCv), both lognormal with mean 1.
 * - `cache`: file cache (Linux page cache, Windows standby list), growing at cacheGiBPerHour until
 *   the guest's memory is full but for its free floor; the working set evicts it.
 * - `backed`: what the host has actually allocated. Windows zeroes all of its RAM at boot, so the
 *   host backs all of it at once (calibration.md §1, the Virtuozzo patent US10761872); its free
 *   pages stay zero-filled, and zero pages are mergeable. Linux backs memory lazily and never
 *   gives it back: backed is the most it has ever used; its free pages are not zero.
 * - `shared`: sharedPct of used memory, identical across VMs of the same image (mergeable).
 * Memory of a VM that is not running is zero; a VM starting before the run ("warm") has run long
 * enough for its cache to fill and for KSM to have merged what it can.
 *
 * Host (per step): the memory the host needs is
 *     Σ (backed + overhead) + reserved + KSM metadata − KSM savings,
 * with metadata 64 bytes per scanned 4 KiB page (ksm.rst, "Monitoring KSM profit": 1.6 %).
 * Balloons (optional) inflate when free memory falls below lowFreePct of RAM, taking the guest's
 * free and cache pages first, at rateMBps per VM, up to maxPct of its memory; they deflate above
 * highFreePct. Memory beyond RAM goes to swap, no faster than the swap device writes (swapMBps);
 * idle pages first (Linux reclaims inactive pages first), working sets only when idle pages run
 * out. A guest whose working set is partly swapped slows down: slowdown = 1 + 4 × (swapped share
 * of its working set), fitted to the one published point (4 × 8 GB guests on 16 GB, all active,
 * ran 3× slower: performancebydesign 2013-07, calibration.md §4). When RAM plus swap cannot hold
 * what the host needs, the OOM killer kills the VM with the highest badness — its RSS and swap
 * plus oom_score_adj × (RAM + swap) / 1000 (mm/oom_kill.c, calibration.md §4) — and repeats until
 * the rest fits. A swap device slower than the growth stalls the guests instead (counted, not
 * killed): reclaim blocks allocations rather than failing them while it makes progress.
 */
import type { Rng } from '../random/streams.js';
import { noiseFactor } from '../random/distributions.js';
import { fullPassSeconds, initialControl, KsmMerger, ksmtunedAdjust, KSMTUNED, scanRatePagesPerSecond, type KsmControl } from './ksm.js';
import type { GuestMemorySpec, MemoryModelSpec } from './spec.js';

/** Bytes of KSM metadata (an rmap_item) per scanned page, over the page size (ksm.rst). */
const KSM_METADATA_SHARE = 64 / 4096;
/** Slowdown per unit share of the working set in swap (3× at half: see the header). */
const SWAP_SLOWDOWN_PER_SHARE = 4;

export interface MemoryHost {
  name: string;
  totalGiB: number;
  reservedGiB: number;
  swapGiB: number;
  swapMBps: number;
}

export interface MemoryVm {
  name: string;
  host: number;
  allocatedGiB: number;
  overheadGiB: number;
  oomScoreAdj: number;
  /** Windows zeroes its memory at boot and keeps free pages zeroed. */
  zeroesMemory: boolean;
  /** VMs with the same image share `sharedPct` of their used memory. */
  image: string;
  guest: GuestMemorySpec;
  /** 24 hourly weights of the workload (mean 1); the working set follows their shape. */
  profile: readonly number[];
}

export interface OomKill {
  timeSeconds: number;
  host: number;
  vm: number;
  /** Memory the host needed and what RAM plus swap could hold, GiB, when it struck. */
  neededGiB: number;
  capacityGiB: number;
}

/** Per-host readings of the last step. */
export interface HostMemoryReading {
  /** Σ (backed + overhead), before KSM, GiB. */
  backedGiB: number;
  /** What the host needed after KSM and balloons (RAM + swap in use), GiB. */
  neededGiB: number;
  ksmSavedGiB: number;
  ksmMergeableGiB: number;
  swapUsedGiB: number;
  balloonGiB: number;
  /** ksmd's CPU use, in cores. */
  ksmdCores: number;
  /** Whether the swap device could not keep up during the step. */
  swapStalled: boolean;
}

const STOPPED = 0;
const RUNNING = 1;

export class MemoryModel {
  readonly hosts: readonly MemoryHost[];
  readonly vms: readonly MemoryVm[];
  readonly spec: MemoryModelSpec;
  /** Per VM: 1 while running (its memory counts), 0 when stopped or killed. */
  readonly state: Uint8Array;
  readonly active: Float64Array;
  readonly cache: Float64Array;
  readonly backed: Float64Array;
  readonly balloon: Float64Array;
  /** Share of each VM's working set that is in swap (0..1), and its slowdown factor. */
  readonly swappedActiveShare: Float64Array;
  readonly slowdown: Float64Array;
  readonly readings: HostMemoryReading[];
  private readonly vmFactor: Float64Array;
  /** Per VM: the peak of its daily profile (constant; kept out of the per-step loop). */
  private readonly profilePeak: Float64Array;
  private readonly noise: Rng[];
  private readonly hostVms: number[][];
  private readonly imageOf: Int32Array;
  private readonly mergers: KsmMerger[];
  private readonly controls: KsmControl[];
  private readonly tunedClock: Float64Array;
  private readonly swapUsed: Float64Array;
  private readonly ksmEverRan: Uint8Array;
  /** Per image: shared memory and VM count on the host being evaluated (scratch). */
  private readonly imageSum: Float64Array;
  private readonly imageCount: Int32Array;

  constructor(hosts: readonly MemoryHost[], vms: readonly MemoryVm[], spec: MemoryModelSpec, streamOf: (vm: MemoryVm, purpose: string) => Rng) {
    this.hosts = hosts;
    this.vms = vms;
    this.spec = spec;
    const n = vms.length;
    this.state = new Uint8Array(n);
    this.active = new Float64Array(n);
    this.cache = new Float64Array(n);
    this.backed = new Float64Array(n);
    this.balloon = new Float64Array(n);
    this.swappedActiveShare = new Float64Array(n);
    this.slowdown = new Float64Array(n).fill(1);
    this.vmFactor = new Float64Array(n);
    this.profilePeak = new Float64Array(n);
    this.noise = [];
    const images = new Map<string, number>();
    this.imageOf = new Int32Array(n);
    vms.forEach((vm, j) => {
      this.vmFactor[j] = noiseFactor(streamOf(vm, 'memory-factor'), vm.guest.vmCv);
      let peak = 0;
      for (const w of vm.profile) if (w > peak) peak = w;
      this.profilePeak[j] = peak;
      this.noise.push(streamOf(vm, 'memory-noise'));
      if (!images.has(vm.image)) images.set(vm.image, images.size);
      this.imageOf[j] = images.get(vm.image)!;
    });
    this.imageSum = new Float64Array(images.size);
    this.imageCount = new Int32Array(images.size);
    this.hostVms = hosts.map(() => []);
    vms.forEach((vm, j) => this.hostVms[vm.host]!.push(j));
    this.mergers = hosts.map(() => new KsmMerger());
    this.controls = hosts.map(() => initialControl(spec.ksm));
    this.tunedClock = new Float64Array(hosts.length);
    this.swapUsed = new Float64Array(hosts.length);
    this.ksmEverRan = new Uint8Array(hosts.length);
    this.readings = hosts.map(() => ({ backedGiB: 0, neededGiB: 0, ksmSavedGiB: 0, ksmMergeableGiB: 0, swapUsedGiB: 0, balloonGiB: 0, ksmdCores: 0, swapStalled: false }));
  }

  /** The working set VM j wants at `hour` (before noise). */
  private activeTarget(j: number, hour: number): number {
    const vm = this.vms[j]!;
    const { activeGiB, idleActiveGiB } = vm.guest;
    const peak = this.profilePeak[j]!;
    const shape = peak > 0 ? vm.profile[Math.floor(hour) % 24]! / peak : 1;
    return (idleActiveGiB + (activeGiB - idleActiveGiB) * shape) * this.vmFactor[j]!;
  }

  /** Starts VM j as if it had run for a long time: cache full, memory backed, KSM settled later. */
  startWarm(j: number, hour: number): void {
    const vm = this.vms[j]!;
    this.state[j] = RUNNING;
    const capacity = vm.allocatedGiB * (1 - vm.guest.freeFloorPct / 100);
    this.active[j] = Math.min(vm.allocatedGiB, this.activeTarget(j, hour));
    this.cache[j] = vm.guest.cacheGiBPerHour > 0 ? Math.max(0, capacity - this.active[j]!) : 0;
    this.backed[j] = vm.zeroesMemory ? vm.allocatedGiB : Math.min(vm.allocatedGiB, this.active[j]! + this.cache[j]!);
  }

  /** VM j boots: Windows zeroes (backs) all its memory at once, Linux only what booting touches. */
  boot(j: number, hour: number): void {
    const vm = this.vms[j]!;
    this.state[j] = RUNNING;
    this.balloon[j] = 0;
    this.cache[j] = 0;
    this.active[j] = Math.min(vm.allocatedGiB, this.activeTarget(j, hour));
    this.backed[j] = vm.zeroesMemory ? vm.allocatedGiB : this.active[j]!;
  }

  /** VM j stops (killed or shut down): the host frees its memory. */
  stop(j: number): void {
    this.state[j] = STOPPED;
    this.active[j] = 0;
    this.cache[j] = 0;
    this.backed[j] = 0;
    this.balloon[j] = 0;
    this.swappedActiveShare[j] = 0;
    this.slowdown[j] = 1;
  }

  /** After warm starts: KSM has long since merged what is mergeable. */
  settleKsm(): void {
    if (!this.spec.ksm.enabled) return;
    this.hosts.forEach((_, h) => {
      this.updateMergeable(h);
      this.mergers[h]!.settle();
      this.ksmEverRan[h] = 1;
    });
  }

  /**
   * Advances every host by `seconds` ending at `hour` of day and applies the OOM killer. Kills are
   * appended to `kills` (their VMs are stopped); returns the number added.
   */
  step(timeSeconds: number, seconds: number, hour: number, kills: OomKill[]): number {
    const before = kills.length;
    for (let h = 0; h < this.hosts.length; h++) {
      this.stepGuests(h, seconds, hour);
      this.stepHost(h, timeSeconds, seconds, kills);
    }
    return kills.length - before;
  }

  private stepGuests(h: number, seconds: number, hour: number): void {
    for (const j of this.hostVms[h]!) {
      if (this.state[j] !== RUNNING) continue;
      const vm = this.vms[j]!;
      const g = vm.guest;
      const size = vm.allocatedGiB - this.balloon[j]!;
      const wanted = this.activeTarget(j, hour) * noiseFactor(this.noise[j]!, g.noiseCv);
      const active = Math.min(size, wanted);
      const capacity = Math.max(0, size * (1 - g.freeFloorPct / 100) - active);
      const cache = Math.min(capacity, this.cache[j]! + (g.cacheGiBPerHour * seconds) / 3600);
      this.active[j] = active;
      this.cache[j] = cache;
      const used = active + cache;
      this.backed[j] = vm.zeroesMemory ? size : Math.min(size, Math.max(this.backed[j]!, used));
    }
  }

  /** Mergeable memory of host h from its running guests: zero pages, and shared pages per image. */
  private updateMergeable(h: number): void {
    let zero = 0;
    const { imageSum, imageCount } = this;
    for (const j of this.hostVms[h]!) {
      const image = this.imageOf[j]!;
      imageSum[image] = 0;
      imageCount[image] = 0;
    }
    for (const j of this.hostVms[h]!) {
      if (this.state[j] !== RUNNING) continue;
      const vm = this.vms[j]!;
      const used = this.active[j]! + this.cache[j]!;
      if (vm.zeroesMemory) zero += Math.max(0, this.backed[j]! - used);
      const image = this.imageOf[j]!;
      imageSum[image]! += (vm.guest.sharedPct / 100) * used;
      imageCount[image]!++;
    }
    // n identical copies merge into one: (n − 1)/n of them is saved. Each image is counted once.
    let shared = 0;
    for (const j of this.hostVms[h]!) {
      const image = this.imageOf[j]!;
      const count = imageCount[image]!;
      if (count > 0) {
        shared += (imageSum[image]! * (count - 1)) / count;
        imageCount[image] = 0;
      }
    }
    const merger = this.mergers[h]!;
    merger.setMergeable(0, zero);
    merger.setMergeable(1, shared);
  }

  private backedTotal(h: number): number {
    let backed = 0;
    for (const j of this.hostVms[h]!) if (this.state[j] === RUNNING) backed += this.backed[j]! + this.vms[j]!.overheadGiB;
    return backed;
  }

  private needed(h: number, backedWithOverhead: number): number {
    const host = this.hosts[h]!;
    const merger = this.mergers[h]!;
    const metadata = this.ksmEverRan[h] ? backedWithOverhead * KSM_METADATA_SHARE : 0;
    return backedWithOverhead + host.reservedGiB + metadata - (this.spec.ksm.enabled ? merger.savedGiB() : 0);
  }

  private stepHost(h: number, timeSeconds: number, seconds: number, kills: OomKill[]): void {
    const host = this.hosts[h]!;
    const reading = this.readings[h]!;
    const merger = this.mergers[h]!;
    const ksm = this.spec.ksm;

    // KSM: what can merge now, and how far ksmd gets during the step (ksmtuned re-decides every 60 s).
    let ksmCpuSeconds = 0;
    if (ksm.enabled) {
      this.updateMergeable(h);
      const control = this.controls[h]!;
      let remaining = seconds;
      while (remaining > 1e-9) {
        let slice = remaining;
        if (ksm.tuned) {
          if (this.tunedClock[h]! <= 0) {
            const backed = this.backedTotal(h);
            const committed = this.committed(h);
            ksmtunedAdjust(control, host.totalGiB, committed, host.totalGiB - this.needed(h, backed));
            this.tunedClock[h] = KSMTUNED.monitorIntervalSeconds;
          }
          slice = Math.min(remaining, this.tunedClock[h]!);
          this.tunedClock[h]! -= slice;
        }
        if (control.running) {
          const rate = scanRatePagesPerSecond(control.pagesToScan, control.sleepMs);
          merger.advance(slice, rate, this.backedTotal(h));
          ksmCpuSeconds += (rate * ksm.cpuMicrosPerPage * slice) / 1e6;
          this.ksmEverRan[h] = 1;
        }
        remaining -= slice;
      }
    }

    // Balloons, then swap, then the OOM killer.
    let backed = this.backedTotal(h);
    let needed = this.needed(h, backed);
    if (this.spec.balloon.enabled) {
      this.moveBalloons(h, seconds, host.totalGiB - needed);
      if (ksm.enabled) this.updateMergeable(h);
      backed = this.backedTotal(h);
      needed = this.needed(h, backed);
    }
    const capacity = host.totalGiB + host.swapGiB;
    while (needed > capacity + 1e-9) {
      const victim = this.oomVictim(h, capacity);
      if (victim < 0) break; // nothing killable is left (all oom_score_adj −1000)
      kills.push({ timeSeconds, host: h, vm: victim, neededGiB: needed, capacityGiB: capacity });
      this.stop(victim);
      if (ksm.enabled) this.updateMergeable(h);
      backed = this.backedTotal(h);
      needed = this.needed(h, backed);
    }
    const excess = Math.max(0, needed - host.totalGiB);
    const swapRate = (host.swapMBps * seconds * 1e6) / 2 ** 30;
    const previous = this.swapUsed[h]!;
    const target = Math.min(excess, host.swapGiB);
    const swapUsed = target > previous ? Math.min(target, previous + swapRate) : Math.max(target, previous - swapRate);
    this.swapUsed[h] = swapUsed;
    this.assignSwap(h, swapUsed);

    reading.backedGiB = backed;
    reading.neededGiB = needed;
    reading.ksmSavedGiB = ksm.enabled ? merger.savedGiB() : 0;
    reading.ksmMergeableGiB = ksm.enabled ? merger.mergeableGiB() : 0;
    reading.swapUsedGiB = swapUsed;
    reading.swapStalled = target > swapUsed + 1e-9;
    reading.ksmdCores = seconds > 0 ? ksmCpuSeconds / seconds : 0;
    let balloon = 0;
    for (const j of this.hostVms[h]!) balloon += this.balloon[j]!;
    reading.balloonGiB = balloon;
  }

  /** What ksmtuned calls committed: the memory size of every running QEMU process. */
  private committed(h: number): number {
    let committed = 0;
    for (const j of this.hostVms[h]!) if (this.state[j] === RUNNING) committed += this.vms[j]!.allocatedGiB + this.vms[j]!.overheadGiB;
    return committed;
  }

  /** The running VM with the highest OOM badness on host h, or −1. */
  private oomVictim(h: number, capacityGiB: number): number {
    let victim = -1;
    let worst = Number.NEGATIVE_INFINITY;
    for (const j of this.hostVms[h]!) {
      if (this.state[j] !== RUNNING) continue;
      const vm = this.vms[j]!;
      if (vm.oomScoreAdj <= -1000) continue;
      // oom_badness: RSS + swap (+ page tables, negligible here), plus adj × total pages / 1000.
      const badness = this.backed[j]! + vm.overheadGiB + (vm.oomScoreAdj * capacityGiB) / 1000;
      if (badness > worst) {
        worst = badness;
        victim = j;
      }
    }
    return victim;
  }

  /** Inflates or deflates balloons on host h given its free memory. */
  private moveBalloons(h: number, seconds: number, freeGiB: number): void {
    const host = this.hosts[h]!;
    const b = this.spec.balloon;
    const step = (b.rateMBps * seconds * 1e6) / 2 ** 30;
    if (freeGiB < (b.lowFreePct / 100) * host.totalGiB) {
      let need = (b.lowFreePct / 100) * host.totalGiB - freeGiB;
      for (const j of this.hostVms[h]!) {
        if (need <= 0) break;
        if (this.state[j] !== RUNNING) continue;
        const vm = this.vms[j]!;
        // The guest gives up free and cache pages, never its working set.
        const reclaimable = Math.max(0, vm.allocatedGiB - this.balloon[j]! - this.active[j]!);
        const room = (b.maxPct / 100) * vm.allocatedGiB - this.balloon[j]!;
        const take = Math.max(0, Math.min(step, reclaimable, room, need));
        if (take <= 0) continue;
        const before = this.backed[j]!;
        this.balloon[j]! += take;
        const size = vm.allocatedGiB - this.balloon[j]!;
        this.cache[j] = Math.min(this.cache[j]!, Math.max(0, size - this.active[j]!));
        this.backed[j] = Math.min(this.backed[j]!, size);
        need -= before - this.backed[j]!;
      }
    } else if (freeGiB > (b.highFreePct / 100) * host.totalGiB) {
      for (const j of this.hostVms[h]!) this.balloon[j] = Math.max(0, this.balloon[j]! - step);
    }
  }

  /** Spreads `swapUsed` GiB over host h's guests: idle pages first, then working sets. */
  private assignSwap(h: number, swapUsed: number): void {
    let idle = 0;
    let active = 0;
    for (const j of this.hostVms[h]!) {
      if (this.state[j] !== RUNNING) continue;
      idle += Math.max(0, this.backed[j]! - this.active[j]!);
      active += this.active[j]!;
    }
    const activeSwapped = Math.max(0, swapUsed - idle);
    const share = active > 0 ? Math.min(1, activeSwapped / active) : 0;
    for (const j of this.hostVms[h]!) {
      const s = this.state[j] === RUNNING ? share : 0;
      this.swappedActiveShare[j] = s;
      this.slowdown[j] = 1 + SWAP_SLOWDOWN_PER_SHARE * s;
    }
  }

  /** Seconds for one KSM pass over host h's backed memory at the current rate (Infinity when stopped). */
  passSeconds(h: number): number {
    const control = this.controls[h]!;
    if (!this.spec.ksm.enabled || !control.running) return Number.POSITIVE_INFINITY;
    return fullPassSeconds(this.backedTotal(h), scanRatePagesPerSecond(control.pagesToScan, control.sleepMs));
  }
}
