/**
 * Kernel samepage merging on one host: how fast ksmd scans, and how far behind the mergeable
 * memory its savings lag.
 *
 * Scan rate. ksmd wakes every `sleep_millisecs` and examines `pages_to_scan` pages, so it covers
 * pagesToScan / sleep pages per second: the kernel defaults (100 pages, 20 ms) give 5,000
 * pages/s = 19.5 MiB/s, a full pass over 64 GiB in 56 minutes and over 256 GiB in 3.7 hours
 * (Documentation/admin-guide/mm/ksm.rst; calibration.md §1). Only pages present in RAM are
 * visited, so a pass covers the backed memory.
 *
 * Merge lag (mm/ksm.c, cmp_and_merge_page). A page is first compared with the stable tree; if an
 * identical page is already stable it merges at once. Otherwise its checksum must be unchanged
 * since the previous visit before it enters the unstable tree, where the next identical page to
 * be visited merges with it. So content that has no stable copy yet merges between one and two
 * passes after it appeared (its first visit comes uniformly within one pass, the merging visit
 * one pass later); content matching a stable page merges within one pass. Progress is measured
 * in passes Φ = ∫ rate / backedPages dt, so a changing scan rate or memory size is handled
 * exactly. Savings are tracked per cohort: the mergeable memory that appeared at Φ0 is merged
 * over [Φ0 + 1, Φ0 + 2] (or [Φ0, Φ0 + 1]) uniformly.
 *
 * When mergeable content disappears (a guest writes to a merged zero page, a VM is killed) the
 * saving drops at once: copy-on-write unmerges on the write. Cohorts shrink in proportion.
 *
 * ksmtuned (qemu-kvm's ksmtuned.conf, calibration.md §1): every 60 s, if committed memory plus a
 * threshold (20 % of RAM, at least 2 GiB) exceeds RAM, it starts ksmd and moves pages_to_scan by
 * +300 when free memory is below the threshold, −50 otherwise, within 64..1250; sleep is
 * 10 ms × 16 GiB / RAM, at least 10 ms. Its ceiling, 1,250 pages / 10 ms = 125,000 pages/s
 * (488 MiB/s), passes 256 GiB in 9 minutes. When committed memory is low it stops ksmd; merged
 * pages stay merged (run = 0 keeps them).
 */
import { PAGES_PER_GIB, type KsmSpec } from './spec.js';

/** Pages per second scanned with `pagesToScan` pages every `sleepMs`. */
export function scanRatePagesPerSecond(pagesToScan: number, sleepMs: number): number {
  return (pagesToScan * 1000) / sleepMs;
}

/** Seconds for one full pass over `backedGiB` at `pagesPerSecond`. */
export function fullPassSeconds(backedGiB: number, pagesPerSecond: number): number {
  return (backedGiB * PAGES_PER_GIB) / pagesPerSecond;
}

/** ksmtuned's constants (ksmtuned.conf defaults). */
export const KSMTUNED = {
  monitorIntervalSeconds: 60,
  sleepMs: 10,
  npagesBoost: 300,
  npagesDecay: -50,
  npagesMin: 64,
  npagesMax: 1250,
  thresholdPct: 20,
  thresholdMinGiB: 2,
} as const;

/** ksmd's settings at one moment. */
export interface KsmControl {
  running: boolean;
  pagesToScan: number;
  sleepMs: number;
}

/** The initial control state: the configured values, running if KSM is enabled and not tuned. */
export function initialControl(spec: KsmSpec): KsmControl {
  return { running: spec.enabled && !spec.tuned, pagesToScan: spec.pagesToScan, sleepMs: spec.sleepMs };
}

/**
 * One ksmtuned adjustment (its `adjust()` function), applied to `control` in place.
 * `committedGiB` is what the VMs have been promised (ksmtuned sums the QEMU processes' sizes),
 * `freeGiB` the host's free memory.
 */
export function ksmtunedAdjust(control: KsmControl, totalGiB: number, committedGiB: number, freeGiB: number): void {
  const threshold = Math.max((KSMTUNED.thresholdPct / 100) * totalGiB, KSMTUNED.thresholdMinGiB);
  if (committedGiB + threshold < totalGiB) {
    control.running = false;
    return;
  }
  control.running = true;
  const delta = freeGiB < threshold ? KSMTUNED.npagesBoost : KSMTUNED.npagesDecay;
  control.pagesToScan = Math.min(KSMTUNED.npagesMax, Math.max(KSMTUNED.npagesMin, control.pagesToScan + delta));
  control.sleepMs = Math.max(10, Math.floor((KSMTUNED.sleepMs * 16) / totalGiB));
}

/**
 * The savings of one host's ksmd: mergeable memory in cohorts by the pass at which it appeared,
 * and the pass progress Φ. Two kinds of content are tracked separately because they find a
 * stable copy at different times: zero pages (all identical) and pages shared between VMs of
 * one image. Amounts are in GiB of memory saved when fully merged.
 */
export class KsmMerger {
  /** Passes completed so far (fractional). */
  passes = 0;
  private readonly kinds: CohortList[] = [new CohortList(), new CohortList()];
  /** savedGiB() as last computed, while nothing has changed since (a host step asks up to three times). */
  private saved = 0;
  private savedKnown = false;

  /** Advances the scan by `seconds` at `pagesPerSecond` over `backedGiB` of present memory. */
  advance(seconds: number, pagesPerSecond: number, backedGiB: number): void {
    if (seconds <= 0 || pagesPerSecond <= 0 || backedGiB <= 0) return;
    this.passes += (pagesPerSecond * seconds) / (backedGiB * PAGES_PER_GIB);
    for (const kind of this.kinds) kind.collapse(this.passes);
    this.savedKnown = false;
  }

  /**
   * Sets the mergeable amount of one kind (0 = zero pages, 1 = shared content). Growth becomes a
   * new cohort; shrinkage scales every cohort down (copy-on-write unmerges at once).
   */
  setMergeable(kind: 0 | 1, mergeableGiB: number): void {
    this.kinds[kind]!.setTotal(Math.max(0, mergeableGiB), this.passes);
    this.savedKnown = false;
  }

  /** Treats everything mergeable now as merged (a host that has run long before the simulation). */
  settle(): void {
    for (const kind of this.kinds) kind.settle();
    this.savedKnown = false;
  }

  /** Memory saved so far, GiB. */
  savedGiB(): number {
    if (!this.savedKnown) {
      this.saved = this.kinds[0]!.saved(this.passes) + this.kinds[1]!.saved(this.passes);
      this.savedKnown = true;
    }
    return this.saved;
  }

  mergeableGiB(): number {
    return this.kinds[0]!.total + this.kinds[1]!.total;
  }

  /** Cohorts still merging (both kinds): the cost of savedGiB(), for tests. */
  pendingCohorts(): number {
    return this.kinds[0]!.pending() + this.kinds[1]!.pending();
  }
}

/**
 * Cohorts of one kind of content: amount and the pass at which it became mergeable. Kept in
 * typed arrays with a count: cohorts come and go nearly every step (one appears as the guests'
 * use grows, older ones finish merging), and shortening a JavaScript array is a runtime call.
 */
class CohortList {
  total = 0;
  /** Fully merged amount (cohorts older than their merge window). */
  private merged = 0;
  private amounts = new Float64Array(8);
  private starts = new Float64Array(8);
  private count = 0;
  /** Whether a stable copy of this content exists (then new pages merge within one pass). */
  private stableExists = false;

  setTotal(target: number, passes: number): void {
    const current = this.total;
    if (target > current) {
      // A cohort merges over [start + delay, start + delay + 1]; delay 1 without a stable copy.
      const delay = this.stableExists ? 0 : 1;
      const start = passes + delay;
      // Cohorts with the same start merge alike (saved() is linear in the amount), so growth
      // while ksmd stands still (ksmtuned stopped it) joins one cohort instead of piling up one
      // per step; exact, and it keeps the list as short as the number of distinct starts.
      const last = this.count - 1;
      if (last >= 0 && this.starts[last] === start) this.amounts[last]! += target - current;
      else {
        if (this.count === this.amounts.length) this.grow();
        this.amounts[this.count] = target - current;
        this.starts[this.count] = start;
        this.count++;
      }
    } else if (target < current) {
      const scale = current > 0 ? target / current : 0;
      this.merged *= scale;
      for (let i = 0; i < this.count; i++) this.amounts[i]! *= scale;
    }
    this.total = target;
  }

  private grow(): void {
    const amounts = new Float64Array(2 * this.amounts.length);
    const starts = new Float64Array(2 * this.starts.length);
    amounts.set(this.amounts);
    starts.set(this.starts);
    this.amounts = amounts;
    this.starts = starts;
  }

  /** Moves cohorts whose merge window has passed into `merged`. */
  collapse(passes: number): void {
    const { amounts, starts } = this;
    let keep = 0;
    for (let i = 0; i < this.count; i++) {
      const start = starts[i]!;
      if (passes > start) this.stableExists = this.stableExists || amounts[i]! > 0;
      if (passes >= start + 1) this.merged += amounts[i]!;
      else {
        amounts[keep] = amounts[i]!;
        starts[keep] = start;
        keep++;
      }
    }
    this.count = keep;
  }

  pending(): number {
    return this.count;
  }

  settle(): void {
    this.merged = this.total;
    this.count = 0;
    this.stableExists = this.total > 0;
  }

  saved(passes: number): number {
    const { amounts, starts } = this;
    let saved = this.merged;
    for (let i = 0; i < this.count; i++) {
      const fraction = passes - starts[i]!;
      if (fraction > 0) saved += amounts[i]! * Math.min(1, fraction);
    }
    return saved;
  }
}
