/**
 * Memory-model parameters as the model receives them (units resolved, defaults filled by the
 * scenario layer), with the published numbers behind each default. Sources are in
 * ../shared/reference/calibration.md §1 (page sharing) and §4 (memory-overcommit failure).
 */

/** Bytes per page on x86-64. */
import type { GuestOs } from '../scenario.js';

export const PAGE_BYTES = 4096;
export const PAGES_PER_GIB = 2 ** 30 / PAGE_BYTES;

export interface KsmSpec {
  /** Kernel default is off (`run` 0, ksm.rst). */
  enabled: boolean;
  /** `pages_to_scan`: pages examined per wake-up (kernel default 100, ksm.rst). */
  pagesToScan: number;
  /** `sleep_millisecs` between wake-ups (kernel default 20, ksm.rst). */
  sleepMs: number;
  /** ksmtuned adjusts the scan rate every 60 s from free memory (qemu-kvm's ksmtuned.conf). */
  tuned: boolean;
  /**
   * ksmd CPU per scanned page, µs. Default 2.4: SUSE measured ksmd at about 30 % of one x86
   * core on ksmtuned hosts (SUSE-Cloud/automation PR #1088); at ksmtuned's ceiling of 125,000
   * pages/s that is 2.4 µs a page. The rate behind the 30 % was not reported, so this is an
   * estimate that makes ksmd cheap at the kernel's default rate (5,000 pages/s: 1.2 % of a core).
   */
  cpuMicrosPerPage: number;
}

export interface BalloonSpec {
  /** virtio-balloon driven by a host policy (as oVirt MOM does; nova does not by default). */
  enabled: boolean;
  /** Host free memory below this share of RAM inflates balloons (older ESX: balloon below 6 % free). */
  lowFreePct: number;
  /** Above this share, balloons deflate. */
  highFreePct: number;
  /** Reclaim speed per VM, MB/s. */
  rateMBps: number;
  /** At most this share of a VM's memory is ballooned (ESXi default 65 %, calibration.md §4). */
  maxPct: number;
}

/** Per VM group: what the guest does with its memory. */
export interface GuestMemorySpec {
  /** Working set at the day's peak, GiB. */
  activeGiB: number;
  /** Working set in the quietest hour, GiB (active follows the CPU profile in between). */
  idleActiveGiB: number;
  /** Growth of the guest's file cache (Linux page cache, Windows standby list) while it runs, GiB/h. */
  cacheGiBPerHour: number;
  /** Share of the guest's memory that stays free (Windows keeps free pages zeroed; mergeable). */
  freeFloorPct: number;
  /** Share of used memory identical across VMs booted from the same image (code, libraries). */
  sharedPct: number;
  /** Of that, the share identical across guests of any image (common runtimes, fonts): merges host-wide. */
  crossImagePct: number;
  /**
   * Working-set pages the guest re-references per second, MiB/s: with a share s of its working set
   * in swap it takes s × this in major faults, each waiting for the swap device (the swap slowdown).
   */
  touchMiBps: number;
  /** Spread of the working set between VMs (lognormal, mean 1, drawn once per VM and replication). */
  vmCv: number;
  /** Interval-to-interval variation of the working set (lognormal, mean 1). */
  noiseCv: number;
}

export interface VmMemoryParams {
  /** QEMU/KVM process overhead beside guest RAM, GiB. */
  overheadGiB: number;
  /** Linux `oom_score_adj` of the VM's QEMU process, −1000..1000 (−1000 = never killed). */
  oomScoreAdj: number;
}

export interface MemoryModelSpec {
  ksm: KsmSpec;
  balloon: BalloonSpec;
  /** Restart a VM killed by the OOM killer after this long (an operator's automation); null = stay down. */
  restartKilledAfterSeconds: number | null;
}

export const KSM_DEFAULTS: KsmSpec = { enabled: false, pagesToScan: 100, sleepMs: 20, tuned: false, cpuMicrosPerPage: 2.4 };
export const BALLOON_DEFAULTS: BalloonSpec = { enabled: false, lowFreePct: 6, highFreePct: 12, rateMBps: 64, maxPct: 65 };

/**
 * Guest memory defaults by OS, where the file leaves them out (sources in the schema's field
 * descriptions, which quote these values; ranges in ../../scenarios/assumptions.ts).
 * - freeFloorPct: Windows keeps free pages zeroed (KSM merges them as zero pages), 10 % assumed;
 *   Linux keeps little free beyond its reserves, 2 % assumed.
 * - sharedPct: Windows 25 (Waldspurger OSDI'02 reclaimed 32.9 % of identical Windows NT guests;
 *   newer Windows shares less), Linux 30 (12 mostly identical Linux guests saved ~30 %), other 0.
 */
export const GUEST_MEMORY_DEFAULTS: Record<GuestOs, { freeFloorPct: number; sharedPct: number }> = {
  windows: { freeFloorPct: 10, sharedPct: 25 },
  linux: { freeFloorPct: 2, sharedPct: 30 },
  other: { freeFloorPct: 2, sharedPct: 0 },
};
