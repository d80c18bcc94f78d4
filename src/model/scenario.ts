/**
 * The model's input: a scenario with every unit resolved to plain numbers and every default
 * filled in. The scenario layer (src/scenarios/) turns user files into this shape; the model
 * never sees YAML, unit strings or file names.
 */
import type { DistributionName } from './random/distributions.js';
import type { SchedulerPolicy } from './cpu/scheduler.js';
import type { TraceWorkload } from './workload/trace-demand.js';
import type { GuestMemorySpec, MemoryModelSpec, VmMemoryParams } from './memory/spec.js';
import type { ArraySpec } from './io/storage.js';
import type { BootProfile } from './io/boot.js';
import type { DiskSpec, HeartbeatSpec, HostThreadsSpec, NetworkSpec } from './latency/spec.js';

/** `as-is`: groups that name a `host` stay on it (an imported cloud as it runs today); the rest spread. */
export type PlacementPolicy = 'pack' | 'spread' | 'as-is';
export type GuestOs = 'windows' | 'linux' | 'other';
export type CpuResolution = 'auto' | 'micro' | 'fleet';

export interface HostGroup {
  name: string;
  count: number;
  cpu: {
    /** CPUs (hardware threads) the hypervisor schedules on; with SMT, cores × threadsPerCore. */
    cores: number;
    /** Cores kept for the host (nova `reserved_host_cpus`). */
    reservedCores: number;
    /** Hardware threads per physical core (SMT); undefined or 1: every CPU is a core. */
    threadsPerCore?: number | undefined;
    /** Extra work of a core with all threads busy over one thread alone, %. */
    smtGainPct?: number | undefined;
  };
  memory: {
    /** Installed physical memory. */
    totalGiB: number;
    /** nova `reserved_host_memory_mb`, in GiB: kept from placement, not a use of memory. */
    reservedGiB: number;
    /** Memory the host OS and its daemons actually use, GiB (what physically competes with the VMs). */
    hostOsGiB: number;
    swapGiB: number;
    /** Sustained write speed of the swap device, MB/s. */
    swapMBps: number;
    /** Time to read one 4 KiB page back from the swap device, idle, ms. */
    swapReadMs: number;
  };
  /** The host's storage: its own disk array, or a shared datastore by name. */
  storage: HostStorage;
}

export type HostStorage = { kind: 'local'; array: ArraySpec } | { kind: 'datastore'; name: string };

/** A disk array serving several hosts. */
export interface Datastore {
  name: string;
  array: ArraySpec;
}

/** Steady disk IO of a running VM. */
export interface IoWorkload {
  /** Front-end IOs per second. */
  iops: number;
  /** Share of reads, %. */
  readPct: number;
}

export interface CpuWorkload {
  /** Mean uncontended utilisation of each vCPU over the run, in percent. */
  utilPct: number;
  /** Mean CPU burst (time a vCPU stays runnable once woken), in milliseconds. */
  burstMs: number;
  burstDistribution: DistributionName;
  burstCv: number;
  gapDistribution: DistributionName;
  gapCv: number;
  /** 24 hourly multipliers with mean 1 (hour 0 = midnight, in simulated time). */
  profile: number[];
  /** Spread of mean utilisation between VMs of the group (lognormal, mean 1). */
  vmCv: number;
  /** Interval-to-interval variation of each VM's utilisation (lognormal, mean 1, independent). */
  noiseCv: number;
}

export interface VmGroup {
  name: string;
  /** The host (`<host group>-<n>`) the group's VMs run on today; only `placement: as-is` uses it. */
  host?: string | undefined;
  /** A number of VMs, or 'fill': as many as the hosts accept within the allocation ratios. */
  count: number | 'fill';
  vcpus: number;
  memoryGiB: number;
  os: GuestOs;
  image: string;
  /**
   * `cpu` always holds the burst shape; with `trace` the measured series set the utilisation and
   * `cpu.utilPct` is the traces' mean (profile flat, no spread or noise).
   */
  workload: { cpu: CpuWorkload; memory: GuestMemorySpec; io: IoWorkload; trace?: TraceWorkload | undefined };
  /** QEMU overhead and OOM-killer adjustment of each VM's process. */
  process: VmMemoryParams;
  /** Host CPU of each running VM's QEMU process beside its vCPUs, % of a core (undefined: 0). */
  hostOverheadPct?: number | undefined;
  /** CPU work of one user-interface action at full speed, ms (undefined: 50), for the UI action metric. */
  uiActionMs?: number | undefined;
  /** What booting costs this group's VMs. */
  boot: BootProfile;
  /**
   * Network demand and virtio NIC (the latency paths, docs/latency.md). A group with `network`, or
   * with iothreads, or in a heartbeat, gets its QEMU main loop, vhost workers and iothreads
   * modelled as host threads; other groups' device work is not modelled.
   */
  network?: NetworkSpec | undefined;
  /** Dedicated iothreads per VM (virtio-blk data plane): disk emulation leaves the QEMU main loop. */
  iothreads?: number | undefined;
  /** Its virtual disk's cache mode and guest flush interval (undefined: cache none). */
  disk?: DiskSpec | undefined;
}

/**
 * When VMs boot. A `storm` powers on a set of VM groups within a window (a login storm; those
 * VMs are off until then); `hostReboot` restarts the named hosts' VMs; `rolling` reboots every
 * host of some host groups one after another. Admission control holds boots beyond the limits
 * in a queue, served in request order.
 */
export interface BootPlan {
  waves: BootWave[];
  /** Most boots in progress at once per host; null for no limit. */
  maxPerHost: number | null;
  /** Most boots in progress at once per datastore; null for no limit. */
  maxPerDatastore: number | null;
}

export type BootWave =
  | { kind: 'storm'; atSeconds: number; spreadSeconds: number; groups: string[] }
  | { kind: 'hostReboot'; atSeconds: number; hosts: string[]; downSeconds: number }
  | { kind: 'rolling'; atSeconds: number; hostGroups: string[]; intervalSeconds: number; downSeconds: number };

export interface SchedulerSpec {
  policy: SchedulerPolicy;
  /** Overrides of the CFS defaults (which scale with the host's CPU count), in milliseconds. */
  latencyMs?: number | undefined;
  minGranularityMs?: number | undefined;
  wakeupGranularityMs?: number | undefined;
}

export interface CpuModelSpec {
  /** micro: every burst for the whole run; fleet: closed form per interval plus micro windows. */
  resolution: CpuResolution;
  /** In `auto`, the largest expected burst count per replication simulated exactly. */
  microBudgetBursts: number;
  /** Micro-level windows per replication in fleet mode, at random hosts and intervals (scheduling delay, cross-check). */
  microWindows: number;
  microWindowSeconds: number;
  /** Warm-up before measuring in micro runs; undefined chooses from the burst and gap lengths. */
  warmupSeconds?: number | undefined;
}

/** Service-level objectives: a limit per metric; a run passes when every value is within. */
export interface Slo {
  /** VMs that fit no host; 0 when not set (model/slo.ts). */
  unplacedVms?: number | undefined;
  cpuReadyPctP95?: number | undefined;
  cpuReadyPctMean?: number | undefined;
  schedDelayMsP99?: number | undefined;
  hostUtilPctP95?: number | undefined;
  oomRiskPerHostMonth?: number | undefined;
  swapPeakGiB?: number | undefined;
  bootSecondsP95?: number | undefined;
  ioLatencyMsP95?: number | undefined;
  uiActionMsP95?: number | undefined;
  flapsPerDay?: number | undefined;
}

/** Host threads, daemons and heartbeats (docs/latency.md). */
export interface LatencySpec {
  hostThreads: HostThreadsSpec;
  heartbeats: HeartbeatSpec[];
  /** Fleet resolution: micro-level windows per replication on the hosts that carry heartbeats. */
  heartbeatWindows: number;
}

export interface ModelScenario {
  name: string;
  description?: string | undefined;
  seed: number;
  replications: number;
  durationSeconds: number;
  stepSeconds: number;
  /** Hour of day at simulated time 0 (selects the workload profile hour). */
  startHour: number;
  overcommit: { cpu: number; memory: number };
  placement: PlacementPolicy;
  hosts: HostGroup[];
  vms: VmGroup[];
  scheduler: SchedulerSpec;
  cpuModel: CpuModelSpec;
  memory: MemoryModelSpec;
  datastores: Datastore[];
  boots: BootPlan;
  slo: Slo;
  /** Absent: no daemons, heartbeats or modelled device threads (the defaults of docs/latency.md). */
  latency?: LatencySpec | undefined;
  /**
   * Set by rare-event estimation (../study/risk.ts), never by a scenario file: simulate only what
   * decides memory (the lifecycle, boot admission and IO, the memory model), with the working-set
   * factors drawn shifted by `workingSetShift` standard deviations. CPU contention feeds nothing
   * back into memory, so leaving it out changes no memory result (test/model/rare-memory.test.ts)
   * but one: no per-host memory timelines are kept, as the estimator reads none.
   */
  memoryFocus?: { workingSetShift: number } | undefined;
}
