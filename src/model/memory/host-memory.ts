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
 *
 * Speed: the model steps every VM of the fleet every interval, so per-VM parameters and state are
 * typed arrays (indexed by placement VM), each host's VMs are a contiguous run of `order` (slots),
 * and a host's step is one pass over its running guests that also sums what KSM, ksmtuned, the
 * host and the swap assignment need; the constants that pass reads are laid out by slot, so it
 * reads them in order. The swap assignment runs only while some working set is or was in swap.
 * The per-interval noise comes from a RandomField (one sfc32 stream per VM, seeded from its
 * `memory-noise` stream); its normal draw and Math.exp are about half of the pass (measured on
 * vdi-callcenter: ~20 ns per VM and step in all).
 */
import type { Rng } from '../random/streams.js';
import { standardNormal } from '../random/distributions.js';
import { RandomField } from '../random/normal-field.js';
import { fullPassSeconds, initialControl, KsmMerger, ksmtunedAdjust, KSMTUNED, scanRatePagesPerSecond, type KsmControl } from './ksm.js';
import type { GuestMemorySpec, MemoryModelSpec } from './spec.js';

/** Bytes of KSM metadata (an rmap_item) per scanned page, over the page size (ksm.rst). */
export const KSM_METADATA_SHARE = 64 / 4096;
/** 4 KiB pages per MiB. */
const PAGES_PER_MIB = 256;

export interface MemoryHost {
  name: string;
  totalGiB: number;
  /** Memory the host OS and its daemons use (nova's reservation is a placement figure, not a use). */
  hostOsGiB: number;
  swapGiB: number;
  swapMBps: number;
  /** Idle read time of one page from the swap device, ms. */
  swapReadMs: number;
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

/** Layout of MemoryModel.slotParams (doubles per slot) and slotInts (integers per slot). */
const SLOT_FLOATS = 11;
const S_ACTIVE_BASE = 0;
const S_ACTIVE_RANGE = 1;
const S_NOISE_MU = 2;
const S_NOISE_SIGMA = 3;
/** 1 − the free floor's share: the share of its memory a guest may use. */
const S_KEEP_SHARE = 4;
const S_CACHE_RATE = 5;
const S_ALLOCATED = 6;
const S_OVERHEAD = 7;
const S_SHARED_SHARE = 8;
const S_CROSS_SHARE = 9;
/** allocated − balloon: the guest's memory (kept by setBalloon). */
const S_SIZE = 10;
const SLOT_INTS = 5;
/** The VM (placement index) in the slot. */
const S_VM = 0;
/** 24 × its shape's index: where its daily shape starts in `shapes`. */
const S_SHAPE_ROW = 1;
const S_IMAGE = 2;
const S_ZEROES = 3;
/** 1 while the VM runs (kept by setRunning and stop, as `state`). */
const S_RUNNING = 4;

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

  // Per VM, constant: sizes and guest behaviour.
  private readonly allocated: Float64Array;
  private readonly overhead: Float64Array;
  private readonly oomAdj: Float64Array;
  private readonly zeroes: Uint8Array;
  private readonly imageOf: Int32Array;
  /** Working set at the quietest hour and its range up to the peak, both times the VM's factor. */
  private readonly activeBase: Float64Array;
  private readonly activeRange: Float64Array;
  /** Index of the VM's daily shape (profile / its peak) in `shapes`, 24 values each. */
  private readonly shapeOf: Int32Array;
  private readonly shapes: Float64Array;
  /** File cache growth, GiB/s; share of memory kept free; share of used memory identical within an image. */
  private readonly cacheRate: Float64Array;
  private readonly freeShare: Float64Array;
  private readonly sharedShare: Float64Array;
  /** Share of used memory identical across guests of any image; and the working-set pages re-referenced per second. */
  private readonly crossShare: Float64Array;
  private readonly touchPages: Float64Array;
  /** Per-interval lognormal noise exp(mu + sigma·Z) (sigma 0: none). */
  private readonly noiseMu: Float64Array;
  private readonly noiseSigma: Float64Array;
  /** The noise streams, one per slot (see slotParams). */
  private readonly noise: RandomField;
  /**
   * The per-VM constants stepGuests reads, by slot p (the VM order[p], so a host's guests are
   * consecutive): SLOT_FLOATS doubles each in slotParams, SLOT_INTS integers each in slotInts.
   * One array read in order instead of a dozen read at stride (a spread placement interleaves the
   * hosts' VMs) halves the pass's time; the values are the per-VM arrays' own.
   */
  private readonly slotParams: Float64Array;
  private readonly slotInts: Int32Array;
  /** The slot of each VM (order's inverse). */
  private readonly slotOf: Int32Array;
  /**
   * Per slot, the working set its VM wants this hour before noise (activeBase + activeRange ×
   * shape), worked out when a host's hour changes (hostTargetHour) instead of every step.
   */
  private readonly slotTarget: Float64Array;
  /**
   * Per slot, the step's noise factor exp(mu + sigma·Z), drawn by stepGuests in a pass of its own:
   * Math.exp is a call into C after which no floating-point register survives, so inside the main
   * pass every running sum went to memory and back around it (measured on the fleet bench's memory
   * alone: 35.1 → 33.5 ns per VM, fastest of 16 alternated passes).
   */
  private readonly slotNoise: Float64Array;
  private readonly hostTargetHour: Int32Array;

  // Per host.
  /** VMs by host: host h owns order[hostStart[h] .. hostStart[h + 1]). */
  private readonly order: Int32Array;
  private readonly hostStart: Int32Array;
  private readonly mergers: KsmMerger[];
  private readonly controls: KsmControl[];
  private readonly tunedClock: Float64Array;
  private readonly swapUsed: Float64Array;
  private readonly ksmEverRan: Uint8Array;
  /** Whether some working set on the host is in swap (the swap shares need updating). */
  private readonly swapShared: Uint8Array;
  /** Running VMs per host (kept by startWarm, boot and stop). */
  private readonly runningOnHost: Int32Array;
  /** Sums of the host being stepped: Σ(backed + overhead) and Σ(allocated + overhead) over running VMs. */
  private sumBacked = 0;
  private sumCommitted = 0;
  /**
   * And for the swap assignment: Σ max(0, backed − active) (idle pages) and Σ active over running
   * VMs, summed in the same pass, in the same order as a separate pass would.
   */
  private sumIdle = 0;
  private sumActive = 0;
  /** Per image: shared memory and VM count on the host being evaluated (scratch). */
  private readonly imageSum: Float64Array;
  private readonly imageCount: Int32Array;
  /** The distinct images of host h's VMs: hostImages[hostImageStart[h] .. hostImageStart[h + 1]). */
  private readonly hostImages: Int32Array;
  private readonly hostImageStart: Int32Array;

  /**
   * Per host, for rare-event estimation (../../study/risk.ts): the log of the likelihood ratio of
   * its VMs' working-set factors under the shifted draw, the sum of their shifted normals and how
   * many there are; and the smallest headroom (RAM + swap − needed, before the OOM killer acts)
   * over the run, GiB (negative when it killed).
   */
  readonly hostLogWeight: Float64Array;
  readonly hostShiftedZSum: Float64Array;
  readonly hostShiftedCount: Float64Array;
  readonly hostMinHeadroomGiB: Float64Array;

  /**
   * `workingSetShift` (default 0) draws each VM's working-set factor exp(mu + sigma·Z) with Z from
   * N(shift, 1) instead of N(0, 1): importance sampling towards large working sets. The draws are
   * the same normals shifted, so shift 0 is the plain model exactly; hostLogWeight carries the
   * likelihood ratio Π φ(Z)/φ(Z − shift) = exp(Σ(−shift·Z + shift²/2)) of each host's draws.
   */
  constructor(hosts: readonly MemoryHost[], vms: readonly MemoryVm[], spec: MemoryModelSpec, streamOf: (vm: MemoryVm, purpose: string) => Rng, workingSetShift = 0) {
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

    this.allocated = new Float64Array(n);
    this.overhead = new Float64Array(n);
    this.oomAdj = new Float64Array(n);
    this.zeroes = new Uint8Array(n);
    this.imageOf = new Int32Array(n);
    this.activeBase = new Float64Array(n);
    this.activeRange = new Float64Array(n);
    this.shapeOf = new Int32Array(n);
    this.cacheRate = new Float64Array(n);
    this.freeShare = new Float64Array(n);
    this.sharedShare = new Float64Array(n);
    this.crossShare = new Float64Array(n);
    this.touchPages = new Float64Array(n);
    this.noiseMu = new Float64Array(n);
    this.noiseSigma = new Float64Array(n);
    this.hostLogWeight = new Float64Array(hosts.length);
    this.hostShiftedZSum = new Float64Array(hosts.length);
    this.hostShiftedCount = new Float64Array(hosts.length);
    this.hostMinHeadroomGiB = new Float64Array(hosts.length).fill(Number.POSITIVE_INFINITY);
    const images = new Map<string, number>();
    const shapeIndex = new Map<readonly number[], number>();
    const shapes: number[] = [];
    vms.forEach((vm, j) => {
      const g = vm.guest;
      let factor = 1;
      if (g.vmCv > 0) {
        // Lognormal with mean 1 (as distributions.noiseFactor), its normal shifted for importance sampling.
        const sigma2 = Math.log(1 + g.vmCv * g.vmCv);
        const z = standardNormal(streamOf(vm, 'memory-factor')) + workingSetShift;
        factor = Math.exp(-sigma2 / 2 + Math.sqrt(sigma2) * z);
        if (workingSetShift !== 0) this.hostLogWeight[vm.host]! += -workingSetShift * z + (workingSetShift * workingSetShift) / 2;
        this.hostShiftedZSum[vm.host]! += z;
        this.hostShiftedCount[vm.host]!++;
      }
      this.allocated[j] = vm.allocatedGiB;
      this.overhead[j] = vm.overheadGiB;
      this.oomAdj[j] = vm.oomScoreAdj;
      this.zeroes[j] = vm.zeroesMemory ? 1 : 0;
      if (!images.has(vm.image)) images.set(vm.image, images.size);
      this.imageOf[j] = images.get(vm.image)!;
      this.activeBase[j] = g.idleActiveGiB * factor;
      this.activeRange[j] = (g.activeGiB - g.idleActiveGiB) * factor;
      let shape = shapeIndex.get(vm.profile);
      if (shape === undefined) {
        shape = shapeIndex.size;
        shapeIndex.set(vm.profile, shape);
        let peak = 0;
        for (const w of vm.profile) if (w > peak) peak = w;
        for (let hour = 0; hour < 24; hour++) shapes.push(peak > 0 ? vm.profile[hour]! / peak : 1);
      }
      this.shapeOf[j] = shape;
      this.cacheRate[j] = g.cacheGiBPerHour / 3600;
      this.freeShare[j] = g.freeFloorPct / 100;
      this.crossShare[j] = Math.min(g.crossImagePct, g.sharedPct) / 100;
      // The image pool holds what only the same image shares; the cross-image part is pooled host-wide.
      this.sharedShare[j] = g.sharedPct / 100 - this.crossShare[j]!;
      this.touchPages[j] = g.touchMiBps * PAGES_PER_MIB;
      if (g.noiseCv > 0) {
        const sigma2 = Math.log(1 + g.noiseCv * g.noiseCv);
        this.noiseSigma[j] = Math.sqrt(sigma2);
        this.noiseMu[j] = -sigma2 / 2;
      }
    });
    this.shapes = Float64Array.from(shapes);
    this.imageSum = new Float64Array(images.size);
    this.imageCount = new Int32Array(images.size);

    this.hostStart = new Int32Array(hosts.length + 1);
    for (const vm of vms) this.hostStart[vm.host + 1]!++;
    for (let h = 0; h < hosts.length; h++) this.hostStart[h + 1]! += this.hostStart[h]!;
    this.order = new Int32Array(n);
    const fill = this.hostStart.slice(0, hosts.length);
    vms.forEach((vm, j) => (this.order[fill[vm.host]!++] = j));
    // Each stream is named by its VM, so laying them out by slot changes no draw.
    this.noise = new RandomField(Array.from(this.order, (j) => streamOf(vms[j]!, 'memory-noise')));
    this.slotParams = new Float64Array(SLOT_FLOATS * n);
    this.slotInts = new Int32Array(SLOT_INTS * n);
    this.slotOf = new Int32Array(n);
    this.slotTarget = new Float64Array(n);
    this.slotNoise = new Float64Array(n);
    this.hostTargetHour = new Int32Array(hosts.length).fill(-1);
    for (let p = 0; p < n; p++) {
      const j = this.order[p]!;
      const f = SLOT_FLOATS * p;
      this.slotParams[f + S_ACTIVE_BASE] = this.activeBase[j]!;
      this.slotParams[f + S_ACTIVE_RANGE] = this.activeRange[j]!;
      this.slotParams[f + S_NOISE_MU] = this.noiseMu[j]!;
      this.slotParams[f + S_NOISE_SIGMA] = this.noiseSigma[j]!;
      this.slotParams[f + S_KEEP_SHARE] = 1 - this.freeShare[j]!;
      this.slotParams[f + S_CACHE_RATE] = this.cacheRate[j]!;
      this.slotParams[f + S_ALLOCATED] = this.allocated[j]!;
      this.slotParams[f + S_OVERHEAD] = this.overhead[j]!;
      this.slotParams[f + S_SHARED_SHARE] = this.sharedShare[j]!;
      this.slotParams[f + S_CROSS_SHARE] = this.crossShare[j]!;
      this.slotParams[f + S_SIZE] = this.allocated[j]!;
      this.slotOf[j] = p;
      const i = SLOT_INTS * p;
      this.slotInts[i + S_VM] = j;
      this.slotInts[i + S_SHAPE_ROW] = 24 * this.shapeOf[j]!;
      this.slotInts[i + S_IMAGE] = this.imageOf[j]!;
      this.slotInts[i + S_ZEROES] = this.zeroes[j]!;
    }

    const hostImageList: number[] = [];
    this.hostImageStart = new Int32Array(hosts.length + 1);
    for (let h = 0; h < hosts.length; h++) {
      const seen = new Set<number>();
      for (let p = this.hostStart[h]!; p < this.hostStart[h + 1]!; p++) seen.add(this.imageOf[this.order[p]!]!);
      hostImageList.push(...seen);
      this.hostImageStart[h + 1] = hostImageList.length;
    }
    this.hostImages = Int32Array.from(hostImageList);

    this.mergers = hosts.map(() => new KsmMerger());
    this.controls = hosts.map(() => initialControl(spec.ksm));
    this.tunedClock = new Float64Array(hosts.length);
    this.swapUsed = new Float64Array(hosts.length);
    this.ksmEverRan = new Uint8Array(hosts.length);
    this.swapShared = new Uint8Array(hosts.length);
    this.runningOnHost = new Int32Array(hosts.length);
    this.readings = hosts.map(() => ({ backedGiB: 0, neededGiB: 0, ksmSavedGiB: 0, ksmMergeableGiB: 0, swapUsedGiB: 0, balloonGiB: 0, ksmdCores: 0, swapStalled: false }));
  }

  /** The working set VM j wants at `hour` (before noise). */
  private activeTarget(j: number, hour: number): number {
    return this.activeBase[j]! + this.activeRange[j]! * this.shapes[24 * this.shapeOf[j]! + (Math.floor(hour) % 24)]!;
  }

  /** Starts VM j as if it had run for a long time: cache full, memory backed, KSM settled later. */
  startWarm(j: number, hour: number): void {
    const size = this.allocated[j]!;
    this.setRunning(j);
    const capacity = size * (1 - this.freeShare[j]!);
    this.active[j] = Math.min(capacity, this.activeTarget(j, hour));
    this.cache[j] = this.cacheRate[j]! > 0 ? Math.max(0, capacity - this.active[j]!) : 0;
    this.backed[j] = this.zeroes[j] ? size : Math.min(size, this.active[j]! + this.cache[j]!);
  }

  /** VM j boots: Windows zeroes (backs) all its memory at once, Linux only what booting touches. */
  boot(j: number, hour: number): void {
    const size = this.allocated[j]!;
    this.setRunning(j);
    this.setBalloon(j, 0);
    this.cache[j] = 0;
    this.active[j] = Math.min(size * (1 - this.freeShare[j]!), this.activeTarget(j, hour));
    this.backed[j] = this.zeroes[j] ? size : this.active[j]!;
  }

  private setRunning(j: number): void {
    if (this.state[j] !== RUNNING) this.runningOnHost[this.vms[j]!.host]!++;
    this.state[j] = RUNNING;
    this.slotInts[SLOT_INTS * this.slotOf[j]! + S_RUNNING] = 1;
  }

  /**
   * Sets VM j's balloon and the size its slot's pass reads. The pass reads state and sizes from the
   * slot arrays instead of `state` and `balloon` by VM: two arrays fewer in the loop leave more
   * registers for the rest (its code spilled ~80 values a VM; measured 3-4 % of a replication).
   */
  private setBalloon(j: number, balloonGiB: number): void {
    this.balloon[j] = balloonGiB;
    this.slotParams[SLOT_FLOATS * this.slotOf[j]! + S_SIZE] = this.allocated[j]! - balloonGiB;
  }

  /** VM j stops (killed or shut down): the host frees its memory. */
  stop(j: number): void {
    if (this.state[j] === RUNNING) this.runningOnHost[this.vms[j]!.host]!--;
    this.state[j] = STOPPED;
    this.slotInts[SLOT_INTS * this.slotOf[j]! + S_RUNNING] = 0;
    this.active[j] = 0;
    this.cache[j] = 0;
    this.backed[j] = 0;
    this.setBalloon(j, 0);
    this.swappedActiveShare[j] = 0;
    this.slowdown[j] = 1;
  }

  /** After warm starts: KSM has long since merged what is mergeable. */
  settleKsm(): void {
    if (!this.spec.ksm.enabled) return;
    for (let h = 0; h < this.hosts.length; h++) {
      this.sumHost(h);
      this.mergers[h]!.settle();
      this.ksmEverRan[h] = 1;
    }
  }

  /**
   * Advances every host by `seconds` ending at `hour` of day and applies the OOM killer. Kills are
   * appended to `kills` (their VMs are stopped); returns the number added.
   */
  step(timeSeconds: number, seconds: number, hour: number, kills: OomKill[]): number {
    const before = kills.length;
    for (let h = 0; h < this.hosts.length; h++) {
      if (this.guestsIdle(h)) this.sumBacked = this.sumCommitted = this.sumIdle = this.sumActive = 0;
      else this.stepGuests(h, seconds, hour);
      this.stepHost(h, timeSeconds, seconds, kills);
    }
    return kills.length - before;
  }

  /**
   * One pass over host h's running guests: each guest's working set, cache and backed memory for
   * the step, and the host's sums (sumBacked, sumCommitted, and the mergeable memory when KSM is on).
   */
  private stepGuests(h: number, seconds: number, hour: number): void {
    const { slotParams, slotInts, slotTarget, noise, active, cache, backed } = this;
    const hourIndex = Math.floor(hour) % 24;
    if (this.hostTargetHour[h] !== hourIndex) this.setTargets(h, hourIndex);
    const ksm = this.spec.ksm.enabled;
    const { imageSum, imageCount } = this;
    if (ksm) this.clearImages(h);
    let sumBacked = 0;
    let sumCommitted = 0;
    let sumIdle = 0;
    let sumActive = 0;
    let zero = 0;
    let cross = 0;
    let crossCount = 0;
    // A host of one image (the usual case) sums its shared memory in a local: summed through
    // imageSum, each VM's addition waits for the previous one's store.
    const oneImage = this.hostImageStart[h + 1]! - this.hostImageStart[h]! === 1 ? this.hostImages[this.hostImageStart[h]!]! : -1;
    let imageShared = 0;
    let imageVms = 0;
    const end = this.hostStart[h + 1]!;
    const slotNoise = this.slotNoise;
    // The noise of each running slot, drawn in slot order as the main pass drew it before.
    for (let p = this.hostStart[h]!; p < end; p++) {
      if (slotInts[SLOT_INTS * p + S_RUNNING] !== 1) continue;
      const f = SLOT_FLOATS * p;
      const sigma = slotParams[f + S_NOISE_SIGMA]!;
      if (sigma > 0) slotNoise[p] = Math.exp(slotParams[f + S_NOISE_MU]! + sigma * noise.normal(p));
    }
    for (let p = this.hostStart[h]!; p < end; p++) {
      const i = SLOT_INTS * p;
      if (slotInts[i + S_RUNNING] !== 1) continue;
      const j = slotInts[i + S_VM]!;
      const f = SLOT_FLOATS * p;
      const allocated = slotParams[f + S_ALLOCATED]!;
      const size = slotParams[f + S_SIZE]!;
      let wanted = slotTarget[p]!;
      if (slotParams[f + S_NOISE_SIGMA]! > 0) wanted *= slotNoise[p]!;
      // The free floor holds: the working set never takes the memory the guest keeps free.
      const inUse = size * slotParams[f + S_KEEP_SHARE]!;
      const a = wanted < inUse ? wanted : inUse;
      const room = inUse - a;
      const grown = cache[j]! + slotParams[f + S_CACHE_RATE]! * seconds;
      const c = room > 0 ? (grown < room ? grown : room) : 0;
      active[j] = a;
      cache[j] = c;
      const used = a + c;
      const zeroes = slotInts[i + S_ZEROES]!;
      let b: number;
      if (zeroes) b = size;
      else {
        b = backed[j]! > used ? backed[j]! : used;
        if (b > size) b = size;
      }
      backed[j] = b;
      const overhead = slotParams[f + S_OVERHEAD]!;
      sumBacked += b + overhead;
      sumCommitted += allocated + overhead;
      sumIdle += b > a ? b - a : 0;
      sumActive += a;
      if (ksm) {
        if (zeroes && b > used) zero += b - used;
        if (oneImage >= 0) {
          imageShared += slotParams[f + S_SHARED_SHARE]! * used;
          imageVms++;
        } else {
          const image = slotInts[i + S_IMAGE]!;
          imageSum[image]! += slotParams[f + S_SHARED_SHARE]! * used;
          imageCount[image]!++;
        }
        const crossShare = slotParams[f + S_CROSS_SHARE]!;
        if (crossShare > 0) {
          cross += crossShare * used;
          crossCount++;
        }
      }
    }
    this.sumBacked = sumBacked;
    this.sumCommitted = sumCommitted;
    this.sumIdle = sumIdle;
    this.sumActive = sumActive;
    if (ksm) {
      if (oneImage >= 0) {
        imageSum[oneImage] = imageShared;
        imageCount[oneImage] = imageVms;
      }
      this.setMergeable(h, zero, cross, crossCount);
    }
  }

  /**
   * Whether stepGuests would find nothing to do on host h: no VM runs there (its sums are all 0)
   * and ksmd holds nothing mergeable, so handing it 0 again changes no saving. A host waits so
   * through the night until its desktops boot: vdi-callcenter's hosts spend 7.5 of 24 hours so.
   * Its working-set targets are left for the hour when a guest runs (setTargets is lazy).
   * test/model/fast-paths.test.ts compares replications with and without this shortcut.
   */
  private guestsIdle(h: number): boolean {
    return this.runningOnHost[h] === 0 && (!this.spec.ksm.enabled || this.mergers[h]!.mergeableGiB() === 0);
  }

  /** Host h's slots' working-set targets at `hourIndex` (as activeTarget, in slot order). */
  private setTargets(h: number, hourIndex: number): void {
    const { slotParams, slotInts, shapes } = this;
    for (let p = this.hostStart[h]!; p < this.hostStart[h + 1]!; p++) {
      const f = SLOT_FLOATS * p;
      this.slotTarget[p] = slotParams[f + S_ACTIVE_BASE]! + slotParams[f + S_ACTIVE_RANGE]! * shapes[slotInts[SLOT_INTS * p + S_SHAPE_ROW]! + hourIndex]!;
    }
    this.hostTargetHour[h] = hourIndex;
  }

  private clearImages(h: number): void {
    for (let i = this.hostImageStart[h]!; i < this.hostImageStart[h + 1]!; i++) {
      const image = this.hostImages[i]!;
      this.imageSum[image] = 0;
      this.imageCount[image] = 0;
    }
  }

  /** Sums host h as stepGuests does, without advancing its guests (after kills and balloons). */
  private sumHost(h: number): void {
    const { order, state, allocated, backed, overhead, active, cache, zeroes, imageSum, imageCount, imageOf, sharedShare, crossShare } = this;
    const ksm = this.spec.ksm.enabled;
    if (ksm) this.clearImages(h);
    let sumBacked = 0;
    let sumCommitted = 0;
    let sumIdle = 0;
    let sumActive = 0;
    let zero = 0;
    let cross = 0;
    let crossCount = 0;
    const end = this.hostStart[h + 1]!;
    for (let p = this.hostStart[h]!; p < end; p++) {
      const j = order[p]!;
      if (state[j] !== RUNNING) continue;
      sumBacked += backed[j]! + overhead[j]!;
      sumCommitted += allocated[j]! + overhead[j]!;
      sumIdle += backed[j]! > active[j]! ? backed[j]! - active[j]! : 0;
      sumActive += active[j]!;
      if (ksm) {
        const used = active[j]! + cache[j]!;
        if (zeroes[j] && backed[j]! > used) zero += backed[j]! - used;
        const image = imageOf[j]!;
        imageSum[image]! += sharedShare[j]! * used;
        imageCount[image]!++;
        if (crossShare[j]! > 0) {
          cross += crossShare[j]! * used;
          crossCount++;
        }
      }
    }
    this.sumBacked = sumBacked;
    this.sumCommitted = sumCommitted;
    this.sumIdle = sumIdle;
    this.sumActive = sumActive;
    if (ksm) this.setMergeable(h, zero, cross, crossCount);
  }

  /**
   * Hands host h's mergeable memory to its ksmd: `zero` GiB of zero pages; per image the part of
   * the running guests' used memory that the image shares (summed by the caller's pass); and
   * `cross` GiB shared by `crossCount` guests whatever their image. n identical copies merge into
   * one: (n − 1)/n of them is saved.
   */
  private setMergeable(h: number, zero: number, cross: number, crossCount: number): void {
    const { imageSum, imageCount, hostImages } = this;
    let shared = 0;
    for (let i = this.hostImageStart[h]!; i < this.hostImageStart[h + 1]!; i++) {
      const image = hostImages[i]!;
      const count = imageCount[image]!;
      if (count > 0) shared += (imageSum[image]! * (count - 1)) / count;
    }
    if (crossCount > 0) shared += (cross * (crossCount - 1)) / crossCount;
    const merger = this.mergers[h]!;
    merger.setMergeable(0, zero);
    merger.setMergeable(1, shared);
  }

  private needed(h: number, backedWithOverhead: number): number {
    const host = this.hosts[h]!;
    const metadata = this.ksmEverRan[h] ? backedWithOverhead * KSM_METADATA_SHARE : 0;
    return backedWithOverhead + host.hostOsGiB + metadata - (this.spec.ksm.enabled ? this.mergers[h]!.savedGiB() : 0);
  }

  private stepHost(h: number, timeSeconds: number, seconds: number, kills: OomKill[]): void {
    const host = this.hosts[h]!;
    const reading = this.readings[h]!;
    const merger = this.mergers[h]!;
    const ksm = this.spec.ksm;

    // KSM: how far ksmd gets during the step (ksmtuned re-decides every 60 s). Backed memory and
    // commitments stay as stepGuests summed them; only the savings move within the step.
    let ksmCpuSeconds = 0;
    if (ksm.enabled) {
      const control = this.controls[h]!;
      let remaining = seconds;
      while (remaining > 1e-9) {
        let slice = remaining;
        if (ksm.tuned) {
          if (this.tunedClock[h]! <= 0) {
            ksmtunedAdjust(control, host.totalGiB, this.sumCommitted, host.totalGiB - this.needed(h, this.sumBacked));
            this.tunedClock[h] = KSMTUNED.monitorIntervalSeconds;
          }
          slice = Math.min(remaining, this.tunedClock[h]!);
          this.tunedClock[h]! -= slice;
        }
        if (control.running) {
          const rate = scanRatePagesPerSecond(control.pagesToScan, control.sleepMs);
          merger.advance(slice, rate, this.sumBacked);
          ksmCpuSeconds += (rate * ksm.cpuMicrosPerPage * slice) / 1e6;
          this.ksmEverRan[h] = 1;
        }
        remaining -= slice;
      }
    }

    // Balloons, then swap, then the OOM killer.
    let needed = this.needed(h, this.sumBacked);
    if (this.spec.balloon.enabled) {
      this.moveBalloons(h, seconds, host.totalGiB - needed);
      this.sumHost(h);
      needed = this.needed(h, this.sumBacked);
    }
    const capacity = host.totalGiB + host.swapGiB;
    if (capacity - needed < this.hostMinHeadroomGiB[h]!) this.hostMinHeadroomGiB[h] = capacity - needed;
    while (needed > capacity + 1e-9) {
      const victim = this.oomVictim(h, capacity);
      if (victim < 0) break; // nothing killable is left (all oom_score_adj −1000)
      kills.push({ timeSeconds, host: h, vm: victim, neededGiB: needed, capacityGiB: capacity });
      this.stop(victim);
      this.sumHost(h);
      needed = this.needed(h, this.sumBacked);
    }
    const excess = Math.max(0, needed - host.totalGiB);
    const swapRate = (host.swapMBps * seconds * 1e6) / 2 ** 30;
    const previous = this.swapUsed[h]!;
    const target = Math.min(excess, host.swapGiB);
    const swapUsed = target > previous ? Math.min(target, previous + swapRate) : Math.max(target, previous - swapRate);
    this.swapUsed[h] = swapUsed;
    if (swapUsed > 0 || this.swapShared[h]) this.assignSwap(h, swapUsed);

    reading.backedGiB = this.sumBacked;
    reading.neededGiB = needed;
    reading.ksmSavedGiB = ksm.enabled ? merger.savedGiB() : 0;
    reading.ksmMergeableGiB = ksm.enabled ? merger.mergeableGiB() : 0;
    reading.swapUsedGiB = swapUsed;
    reading.swapStalled = target > swapUsed + 1e-9;
    reading.ksmdCores = seconds > 0 ? ksmCpuSeconds / seconds : 0;
    let balloon = 0;
    if (this.spec.balloon.enabled) for (let p = this.hostStart[h]!; p < this.hostStart[h + 1]!; p++) balloon += this.balloon[this.order[p]!]!;
    reading.balloonGiB = balloon;
  }

  /** The running VM with the highest OOM badness on host h, or −1. */
  private oomVictim(h: number, capacityGiB: number): number {
    let victim = -1;
    let worst = Number.NEGATIVE_INFINITY;
    for (let p = this.hostStart[h]!; p < this.hostStart[h + 1]!; p++) {
      const j = this.order[p]!;
      if (this.state[j] !== RUNNING) continue;
      const adj = this.oomAdj[j]!;
      if (adj <= -1000) continue;
      // oom_badness: RSS + swap (+ page tables, negligible here), plus adj × total pages / 1000.
      const badness = this.backed[j]! + this.overhead[j]! + (adj * capacityGiB) / 1000;
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
    const start = this.hostStart[h]!;
    const end = this.hostStart[h + 1]!;
    if (freeGiB < (b.lowFreePct / 100) * host.totalGiB) {
      let need = (b.lowFreePct / 100) * host.totalGiB - freeGiB;
      for (let p = start; p < end; p++) {
        if (need <= 0) break;
        const j = this.order[p]!;
        if (this.state[j] !== RUNNING) continue;
        const allocated = this.allocated[j]!;
        // The guest gives up free and cache pages, never its working set.
        const reclaimable = Math.max(0, allocated - this.balloon[j]! - this.active[j]!);
        const room = (b.maxPct / 100) * allocated - this.balloon[j]!;
        const take = Math.max(0, Math.min(step, reclaimable, room, need));
        if (take <= 0) continue;
        const before = this.backed[j]!;
        this.setBalloon(j, this.balloon[j]! + take);
        const size = allocated - this.balloon[j]!;
        this.cache[j] = Math.min(this.cache[j]!, Math.max(0, size - this.active[j]!));
        this.backed[j] = Math.min(this.backed[j]!, size);
        need -= before - this.backed[j]!;
      }
    } else if (freeGiB > (b.highFreePct / 100) * host.totalGiB) {
      for (let p = start; p < end; p++) {
        const j = this.order[p]!;
        this.setBalloon(j, Math.max(0, this.balloon[j]! - step));
      }
    }
  }

  /**
   * Spreads `swapUsed` GiB over host h's guests — idle pages first, then working sets — and works
   * out how much each guest slows down (see swapSlowdowns). The idle and active sums are those of
   * the host's last pass (stepGuests, or sumHost after balloons and kills), which saw the guests
   * as they are now.
   */
  private assignSwap(h: number, swapUsed: number): void {
    const start = this.hostStart[h]!;
    const end = this.hostStart[h + 1]!;
    const idle = this.sumIdle;
    const active = this.sumActive;
    const activeSwapped = Math.max(0, swapUsed - idle);
    const share = active > 0 ? Math.min(1, activeSwapped / active) : 0;
    if (this.swapSettled(h, share)) return;
    for (let p = start; p < end; p++) {
      const j = this.order[p]!;
      this.swappedActiveShare[j] = this.state[j] === RUNNING ? share : 0;
    }
    swapSlowdowns(this.order, start, end, this.state, this.swappedActiveShare, this.touchPages, this.hosts[h]!.swapReadMs / 1000, this.slowdown);
    this.swapShared[h] = share > 0 ? 1 : 0;
  }

  /**
   * Whether host h's swap shares and slowdowns are already what a working-set share `share` gives:
   * with nothing in swap before or now, every share on the host is 0 and every slowdown 1 (stop()
   * resets a VM's; nothing else sets them), so assignSwap's passes would change nothing.
   * test/model/fast-paths.test.ts compares replications with and without this shortcut.
   */
  private swapSettled(h: number, share: number): boolean {
    return share === 0 && !this.swapShared[h];
  }

  /** Whether any VM's working set is partly in swap after the last step (else every slowdown is 1). */
  anyWorkingSetSwapped(): boolean {
    return this.swapShared.includes(1);
  }

  /** Seconds for one KSM pass over host h's backed memory at the current rate (Infinity when stopped). */
  passSeconds(h: number): number {
    const control = this.controls[h]!;
    if (!this.spec.ksm.enabled || !control.running) return Number.POSITIVE_INFINITY;
    this.sumHost(h);
    return fullPassSeconds(this.sumBacked, scanRatePagesPerSecond(control.pagesToScan, control.sleepMs));
  }
}

/**
 * Slowdowns of guests whose working sets are partly in swap, from the mechanism: a guest with a
 * share s of its working set swapped out and re-referencing r working-set pages per second takes
 * f = s·r major faults per second of progress, each waiting L for the swap device, so progress
 * slows by S = 1 + f·L. The host's guests share one swap device: at slowdown S a guest faults
 * f/S times per second of wall time, the device is busy ρ = L₀·Σ f/S, and a fault waits
 * L = L₀/(1 − ρ) (one server, M/M/1). L is the fixed point, found by bisection (the busier the
 * device, the slower the guests and the fewer faults per second, so a solution always exists).
 * Written into `out` (1 for guests with nothing in swap). Sources and the published check (four
 * 8 GB guests on a 16 GB host ran 3× slower) in docs/memory.md.
 */
export function swapSlowdowns(order: Int32Array, start: number, end: number, state: Uint8Array, share: Float64Array, touchPages: Float64Array, readSeconds: number, out: Float64Array): void {
  const demand = (latency: number): number => {
    let busy = 0;
    for (let p = start; p < end; p++) {
      const j = order[p]!;
      const f = state[j] === RUNNING ? share[j]! * touchPages[j]! : 0;
      if (f > 0) busy += (readSeconds * f) / (1 + f * latency);
    }
    return busy;
  };
  // g(L) = L·(1 − ρ(L)) − L₀ rises with L from −L₀·ρ(L₀) at L₀: bisect for its root.
  let lo = readSeconds;
  let hi = readSeconds;
  while (hi * (1 - demand(hi)) < readSeconds && hi < 1e6) hi *= 2;
  for (let i = 0; i < 60 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (mid * (1 - demand(mid)) < readSeconds) lo = mid;
    else hi = mid;
  }
  const latency = hi;
  for (let p = start; p < end; p++) {
    const j = order[p]!;
    const f = state[j] === RUNNING ? share[j]! * touchPages[j]! : 0;
    out[j] = 1 + f * latency;
  }
}
