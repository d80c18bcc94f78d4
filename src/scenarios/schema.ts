/**
 * The scenario file format: one zod schema that validates user files, gives the TypeScript types,
 * publishes the JSON Schema for editors (`overcast schema`) and generates the field reference in
 * docs/scenarios.md (scripts/gen-docs.ts). Its output is the model's `ModelScenario`, checked at
 * compile time below, so the file format and the model cannot drift apart silently.
 *
 * Conventions:
 * - A field whose name ends in a unit (`memoryGiB`, `burstMs`, `utilPct`) holds a number in that
 *   unit; where a conversion makes sense it also accepts a quantity string (`memoryGiB: 4096 MiB`).
 * - A field without a unit in its name that holds a quantity (`duration`, `step`) takes a string
 *   with its unit (`24h`, `5 min`); there is no silent default unit.
 * - Objects are strict: an unknown key is an error (a misspelt knob must not be ignored).
 * - Defaults follow the software's own defaults where one exists (nova, Linux CFS), cited inline.
 */
import * as z from 'zod';
import type { ModelScenario, Slo } from '../model/scenario.js';
import { SLO_DEFINITIONS } from '../model/slo.js';
import { DISTRIBUTIONS } from '../model/random/distributions.js';
import { SCHEDULER_POLICIES } from '../model/cpu/scheduler.js';
import { MEMORY_GIB, RATE_MBPS, TIME_HOURS, TIME_MS, TIME_SECONDS, type Dimension, type UnitParser } from './units.js';
import { BALLOON_DEFAULTS, GUEST_MEMORY_DEFAULTS, KSM_DEFAULTS } from '../model/memory/spec.js';
import { BOOT_PROFILES, STEADY_IO_DEFAULTS } from '../model/io/boot.js';
import { LATENCY_DEFAULTS } from '../model/latency/spec.js';
import { hddBootIops, hddIops, RAID_LEVELS, typicalSeekMs, type ArraySpec } from '../model/io/storage.js';
import { PROFILE_PRESETS, resolveProfile } from './profiles.js';
import { TRACE_FORMATS } from './traces/format.js';
import { GAP_FILLS } from './traces/series.js';
import { MapSpecError, parseGenericMap } from './traces/generic.js';
import { parseTimeZone } from './traces/time.js';

/** Extra metadata the docs generator and JSON Schema carry beside zod's own. */
interface FieldMeta {
  description: string;
  /** Unit of the stored value, when it has one. */
  unit?: string;
  /** How the default reads in the docs when the stored default is a converted number. */
  defaultText?: string;
  /** What the field accepts, in words, where the schema's type says too little. */
  accepts?: string;
}

const DURATION_ACCEPTS = "a time with its unit, e.g. '24h', '5 min', '20s'";

const meta = (m: FieldMeta): FieldMeta & Record<string, unknown> => ({ ...m });

/**
 * A number in `dimension.unit`, or a quantity string converted to it. Without a unit parser (JSON
 * Schema generation, files without unit strings) a string is an error naming the expected form.
 */
function quantity(units: UnitParser | undefined, dimension: Dimension) {
  return z.union([z.number(), z.string()]).transform((value, ctx): number => {
    if (typeof value === 'number') return value;
    if (!units) {
      ctx.addIssue({ code: 'custom', message: `expected ${dimension.name} such as ${dimension.example}, found '${value}'`, input: value });
      return z.NEVER;
    }
    const converted = units.convert(value, dimension);
    if (!converted.ok) {
      ctx.addIssue({ code: 'custom', message: converted.message, input: value });
      return z.NEVER;
    }
    return converted.value;
  });
}

/** A duration that must carry its unit when written as text; a bare number is refused. */
function duration(units: UnitParser | undefined) {
  return z
    .union([z.string(), z.number()])
    .superRefine((value, ctx) => {
      if (typeof value === 'number') {
        ctx.addIssue({ code: 'custom', message: `expected a time with its unit such as ${TIME_SECONDS.example}, found ${value} (no unit)`, input: value });
      }
    })
    .pipe(quantity(units, TIME_SECONDS));
}

/**
 * `workload.trace`: measured series drive the group's VMs (docs/traces.md). Exported so the loader
 * can read a validated group's trace settings again when it loads the files they name.
 */
export function createTraceSchema(units?: UnitParser) {
  const hours = quantity(units, TIME_HOURS);
  return z.strictObject({
    file: z
      .string()
      .min(1)
      .optional()
      .meta(meta({ description: 'A workload file written by `overcast import … -o <file>`; relative paths are relative to the scenario file. Give `file` or `csv`.' })),
    csv: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .meta(meta({ description: 'Trace files or folders to import when the scenario loads (as `overcast import` would), relative to the scenario file; needs `format`.', accepts: 'a path or a list of paths' })),
    format: z.enum(TRACE_FORMATS).optional().meta(meta({ description: 'Format of the `csv` files (docs/traces.md).' })),
    map: z
      .record(z.string(), z.string())
      .optional()
      .meta(meta({ description: 'Generic CSV: column mapping, target → `column[:unit]` (e.g. `{ time: ts, vm: host, cpu: "cpu_util:%" }`); guessed from the header when left out.', accepts: 'a mapping of texts' })),
    separator: z.string().min(1).optional().meta(meta({ description: 'Generic CSV: field separator (default: detected from the first line).' })),
    header: z.boolean().default(true).meta(meta({ description: 'Generic CSV: whether the first line names the columns.' })),
    timeZone: z
      .string()
      .default('UTC')
      .meta(meta({ description: 'Zone of timestamps written without one: `UTC`, an offset such as `+02:00`, or an IANA name such as `Europe/Amsterdam`.' })),
    strict: z.boolean().default(false).meta(meta({ description: 'Fail on the first malformed row (default: skip and count such rows).' })),
    gapFill: z
      .enum(GAP_FILLS)
      .default('linear')
      .meta(meta({ description: 'How steps without a measurement are filled: `linear` between the neighbours, `hold` the last value, `zero`.' })),
    maxGap: duration(units)
      .pipe(z.number().positive())
      .optional()
      .meta(meta({ description: 'Longest a sample holds before the time after it counts as a gap; default three steps or three sample intervals, whichever is longer.', unit: 's', accepts: DURATION_ACCEPTS })),
    ids: z.array(z.string().min(1)).min(1).optional().meta(meta({ description: 'The traces to use, by id, in this order (default: all, in file order).' })),
    mapping: z
      .enum(['bootstrap', 'byId'])
      .default('bootstrap')
      .meta(meta({ description: '`byId`: VM k replays trace k, all on the traces’ clock; `bootstrap`: each VM draws a trace, then a random whole block (day) of it for every simulated block, seeded per replication.' })),
    blockHours: hours
      .pipe(z.number().positive())
      .default(24)
      .meta(meta({ description: 'Bootstrap block length; a day keeps daily patterns. Must be a multiple of `step`.', unit: 'h', defaultText: '24' })),
    maxShiftHours: hours
      .pipe(z.number().nonnegative())
      .default(0)
      .meta(meta({ description: 'Shift each VM along its trace by a random amount within ± this (whole steps, per VM and replication), so VMs replaying one trace do not peak together.', unit: 'h', defaultText: '0' })),
    offset: duration(units)
      .pipe(z.number().nonnegative())
      .default(0)
      .meta(meta({ description: '`byId`: how far into the traces to start (then on to the next `startHour`).', unit: 's', accepts: DURATION_ACCEPTS, defaultText: '0s' })),
  });
}

/** A moment: a time of day (`07:30`, relative to `startHour`) or a time from the start (`2h`). */
type Moment = { clockHours: number } | { seconds: number };

function timeOfDay(units: UnitParser | undefined) {
  return z.union([z.string(), z.number()]).transform((value, ctx): Moment => {
    if (typeof value === 'string') {
      const clock = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(value);
      if (clock) {
        const hours = Number(clock[1]);
        const minutes = Number(clock[2]);
        if (hours > 23 || minutes > 59) {
          ctx.addIssue({ code: 'custom', message: `expected a time of day from 00:00 to 23:59, found '${value}'`, input: value });
          return z.NEVER;
        }
        return { clockHours: hours + minutes / 60 };
      }
    }
    const parsed = duration(units).safeParse(value);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: `expected a time of day such as '07:30' or a time such as '2h', found ${typeof value === 'string' ? `'${value}'` : value}`, input: value });
      return z.NEVER;
    }
    if (parsed.data < 0) {
      ctx.addIssue({ code: 'custom', message: `expected a time from the start >= 0, found ${typeof value === 'string' ? `'${value}'` : value}`, input: value });
      return z.NEVER;
    }
    return { seconds: parsed.data };
  });
}

/** Seconds from the start of the run until a moment (a time of day comes at its next occurrence). */
function momentSeconds(moment: Moment, startHour: number): number {
  if ('seconds' in moment) return moment.seconds;
  return ((((moment.clockHours - startHour) % 24) + 24) % 24) * 3600;
}

type DiskArrayInput = { disks: number; type: 'hdd' | 'ssd'; rpm: number; seekMs?: number | undefined; iopsPerDisk?: number | undefined; raid: ArraySpec['raid'] };

/** The model's array from its description: IOPS per disk from rpm and seek, or given. */
function arrayOf(a: DiskArrayInput): ArraySpec {
  const iopsPerDisk = a.iopsPerDisk ?? (a.type === 'ssd' ? 20_000 : hddIops(a.rpm, a.seekMs ?? typicalSeekMs(a.rpm)));
  if (a.type === 'ssd') return { disks: a.disks, iopsPerDisk, bootIopsPerDisk: iopsPerDisk, raid: a.raid };
  // Hard disks serve boot IO faster than random IO (short seeks); a given iopsPerDisk scales both.
  const seekMs = a.seekMs ?? typicalSeekMs(a.rpm);
  const bootIopsPerDisk = (hddBootIops(a.rpm, seekMs) * iopsPerDisk) / hddIops(a.rpm, seekMs);
  return { disks: a.disks, iopsPerDisk, bootIopsPerDisk, raid: a.raid };
}

/**
 * The quantity fields the scenario's parts share, in the units a file may write (`4 GiB`,
 * `20 ms`); `units` is the parser (mathjs only for expressions), undefined for the JSON Schema.
 */
function fieldKit(units: UnitParser | undefined) {
  return {
    units,
    positiveGiB: quantity(units, MEMORY_GIB).pipe(z.number().positive()),
    nonNegativeGiB: quantity(units, MEMORY_GIB).pipe(z.number().nonnegative()),
    positiveMs: quantity(units, TIME_MS).pipe(z.number().positive()),
  };
}

type FieldKit = ReturnType<typeof fieldKit>;

/** A disk array: a host's local disks or a shared datastore's. */
function diskArraySchema({ positiveMs }: FieldKit) {
  return z.strictObject({
    disks: z.int().min(1).default(2).meta(meta({ description: 'Disks in the array (all members, e.g. 4 for a RAID 10 of two mirrored pairs).', unit: 'disks' })),
    type: z.enum(['hdd', 'ssd']).default('hdd').meta(meta({ description: '`hdd`: IOPS from rpm and seek time; `ssd`: `iopsPerDisk` (default 20,000, within SATA SSDs’ 3,000–40,000).' })),
    rpm: z.int().min(3600).max(20_000).default(10_000).meta(meta({ description: 'Hard disk spindle speed; rotational latency = 30,000 / rpm ms.', unit: 'rpm' })),
    seekMs: positiveMs.optional().meta(meta({ description: 'Average seek time; default by rpm: 7.2k 8.5 ms, 10k 4.5 ms, 15k 3.5 ms (giving 79, 133, 182 IOPS).', unit: 'ms' })),
    iopsPerDisk: z.number().positive().max(MAX_IOPS).optional().meta(meta({ description: 'Random IOPS of one disk; overrides the rpm/seek calculation.', unit: 'IOPS' })),
    raid: z.enum(RAID_LEVELS).default('raid1').meta(meta({ description: 'RAID level; write penalty raid0 1, raid1/raid10 2, raid5 4, raid6 6.' })),
  });
}

/** A group of identical hosts: CPU, memory and where their VMs' disks are. */
function hostGroupSchema({ positiveGiB, nonNegativeGiB, units }: FieldKit, diskArray: ReturnType<typeof diskArraySchema>) {
  return z.strictObject({
    name: z.string().min(1).meta(meta({ description: 'Host group name; hosts are named `<name>-1`, `<name>-2`, …' })),
    count: z.int().min(1).max(MAX_HOSTS).default(1).meta(meta({ description: 'Number of identical hosts in the group.' })),
    cpu: z
      .strictObject({
        cores: z.int().min(1).max(MAX_CORES).meta(meta({ description: 'CPUs the hypervisor schedules on (count hyper-threads if the host has SMT on).', unit: 'cores' })),
        reservedCores: z
          .int()
          .min(0)
          .default(0)
          .meta(meta({ description: 'CPUs kept for the host OS (nova `reserved_host_cpus`, default 0); not offered to VMs.', unit: 'cores' })),
        threadsPerCore: z.int().min(1).max(8).default(1).meta(meta({ description: 'Hardware threads per physical core (2 with Intel Hyper-Threading or AMD SMT on); `cores` counts threads, so the host has cores / threadsPerCore physical cores. A thread whose sibling is busy runs slower (`smtGainPct`, docs/cpu.md).', unit: 'threads' })),
        smtGainPct: z.number().min(0).max(100).default(20).meta(meta({ description: 'With threadsPerCore > 1: extra work a core does with all its threads busy, over one thread alone. Assumption 20 (range 10–30: VMware KB 326271 gives 10–30 % more throughput, each busy thread 55–65 % of a core alone).', unit: '%', defaultText: '20' })),
      })
      .meta(meta({ description: 'CPU of each host.' })),
    memory: z
      .strictObject({
        totalGiB: positiveGiB.meta(meta({ description: 'Installed RAM.', unit: 'GiB' })),
        reservedGiB: nonNegativeGiB
          .default(0.5)
          .meta(meta({ description: 'RAM kept for the host (nova `reserved_host_memory_mb`, default 512 MB).', unit: 'GiB', defaultText: '0.5' })),
        hostOsGiB: nonNegativeGiB
          .default(2)
          .meta(meta({ description: 'Memory the host OS and its daemons (libvirtd, Open vSwitch, agents) actually use; `reservedGiB` only keeps memory from placement. Assumption 2 GiB, range 1–4 (RHEL: a KVM host needs up to 4 GB for itself).', unit: 'GiB', defaultText: '2' })),
        swapGiB: nonNegativeGiB.default(0).meta(meta({ description: 'Host swap space.', unit: 'GiB', defaultText: '0' })),
        swapReadMs: z
          .number()
          .positive()
          .max(10_000)
          .default(8)
          .meta(meta({ description: 'Time to read one 4 KiB page back from the swap device when it is idle: a hard disk 5–13 ms, a SATA SSD about 0.1 ms (calibration: 1000 / random IOPS). Default 8 (a 7.2k–10k rpm disk).', unit: 'ms', defaultText: '8' })),
        swapMBps: quantity(units, RATE_MBPS)
          .pipe(z.number().positive())
          .default(100)
          .meta(meta({ description: 'Sustained write speed of the swap device (assumption: one hard disk, about 100 MB/s sequential).', unit: 'MB/s', defaultText: '100' })),
      })
      .meta(meta({ description: 'Memory of each host.' })),
    storage: z
      .union([
        diskArray.meta(meta({ description: 'Local disks.' })),
        z.strictObject({ datastore: z.string().min(1).meta(meta({ description: 'Name of a shared datastore (top-level `datastores`).' })) }),
      ])
      .prefault({})
      .meta(meta({ description: 'Where the host’s VMs keep their disks: a local array, or `{ datastore: name }`. Default: two 10k rpm disks in RAID 1.', accepts: 'a disk array or { datastore: name }' })),
  });
}

/** The parametric CPU demand of each vCPU of a VM group. */
function cpuWorkloadSchema({ units }: FieldKit) {
  return z.strictObject({
    utilPct: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .meta(meta({ description: 'Mean uncontended utilisation of each vCPU over the day (what it would use alone on the host). Required unless the group has `trace`.', unit: '%' })),
    burstMs: quantity(units, TIME_MS)
      .pipe(z.number().min(MIN_BURST_MS).max(3_600_000))
      .default(10)
      .meta(meta({ description: 'Mean CPU burst: how long a vCPU stays runnable once woken. Short (1–10 ms) for interactive desktops and web servers, long (100 ms+) for batch.', unit: 'ms', defaultText: '10' })),
    burstDistribution: z.enum(DISTRIBUTIONS).default('exponential').meta(meta({ description: 'Distribution of burst lengths.' })),
    burstCv: z
      .number()
      .nonnegative()
      .max(MAX_CV)
      .default(1)
      .meta(meta({ description: 'Coefficient of variation (sd/mean) of bursts, for `gamma`, `lognormal` and `hyperexponential` (>= 1).' })),
    gapDistribution: z.enum(DISTRIBUTIONS).default('exponential').meta(meta({ description: 'Distribution of idle gaps between bursts; their mean follows from `burstMs` and the utilisation.' })),
    gapCv: z.number().nonnegative().max(MAX_CV).default(1).meta(meta({ description: 'Coefficient of variation of idle gaps (as `burstCv`).' })),
    profile: z
      .union([z.enum(Object.keys(PROFILE_PRESETS) as [string, ...string[]]), z.array(z.number().nonnegative()).length(24)])
      .optional()
      .meta(meta({ defaultText: 'flat', description: `Daily shape of the load: a preset (${Object.keys(PROFILE_PRESETS).join(', ')}) or 24 hourly weights from midnight; rescaled to mean 1, so \`utilPct\` stays the daily mean.` })),
    vmCv: z
      .number()
      .nonnegative()
      .max(MAX_CV)
      .optional()
      .meta(meta({ defaultText: '0', description: 'Spread of mean utilisation between VMs of the group (lognormal with mean 1 and this cv, drawn once per VM and replication).' })),
    noiseCv: z
      .number()
      .nonnegative()
      .max(MAX_CV)
      .optional()
      .meta(meta({ defaultText: '0', description: 'Interval-to-interval variation of each VM’s utilisation (lognormal, mean 1, independent per interval).' })),
  });
}

/** A group of identical VMs: size, OS, workload, network, boots. */
function vmGroupSchema(kit: FieldKit) {
  const { units, positiveGiB, nonNegativeGiB, positiveMs } = kit;
  const cpuWorkload = cpuWorkloadSchema(kit);
  return z.strictObject({
    name: z.string().min(1).meta(meta({ description: 'VM group name; VMs are named `<name>-1`, `<name>-2`, …' })),
    count: z
      .union([z.int().min(0).max(MAX_VMS), z.literal('fill')])
      .meta(meta({ description: 'Number of VMs, or `fill`: as many as the hosts accept within the allocation ratios (at most one group).' })),
    vcpus: z.int().min(1).max(MAX_CORES).meta(meta({ description: 'vCPUs per VM.', unit: 'vCPUs' })),
    memoryGiB: positiveGiB.meta(meta({ description: 'Memory allocated to each VM (the flavor’s RAM).', unit: 'GiB' })),
    os: z.enum(['windows', 'linux', 'other']).default('linux').meta(meta({ description: 'Guest OS family.' })),
    host: z.string().min(1).optional().meta(meta({ description: 'With `placement: as-is`: the host (`<host group>-<n>`) the VMs run on today, kept there without the fit tests (`overcast import` writes it).' })),
    image: z.string().min(1).optional().meta(meta({ description: 'Image the VMs boot from; VMs of one image share pages (used by the memory model). Defaults to the group name.' })),
    workload: z
      .strictObject({
        cpu: cpuWorkload
          .optional()
          .meta(meta({ description: 'Parametric CPU demand of each vCPU. Required unless `trace` is given; with `trace` it holds only the burst shape (`burstMs`, `burstDistribution`, `burstCv`, `gapDistribution`, `gapCv`).' })),
        trace: createTraceSchema(units)
          .optional()
          .meta(meta({ description: 'Measured traces drive the VMs instead of the parametric CPU demand (docs/traces.md).' })),
        memory: z
          .strictObject({
            activeGiB: nonNegativeGiB.optional().meta(meta({ description: 'Working set at the day’s peak (never more than the memory the guest keeps in use: `memoryGiB` less its free floor). Default half of `memoryGiB` (assumption, range 30–90 %).', unit: 'GiB' })),
            idleActiveGiB: nonNegativeGiB.optional().meta(meta({ description: 'Working set in the quietest hour; in between it follows the CPU profile’s shape. Default `activeGiB`.', unit: 'GiB' })),
            cacheGiBPerHour: nonNegativeGiB.optional().meta(meta({ description: 'Growth of the guest’s file cache (Linux page cache, Windows standby list) while it runs, until its memory is full but for the free floor. Default 10 % of `memoryGiB` per hour (assumption, range 2–50 %/h: both kernels use otherwise free memory as cache, so it fills within hours).', unit: 'GiB/h' })),
            freeFloorPct: z.number().min(0).max(100).optional().meta(meta({ description: `Share of memory the guest keeps free; Windows keeps free pages zeroed, which KSM merges. Default windows ${GUEST_MEMORY_DEFAULTS.windows.freeFloorPct}, linux/other ${GUEST_MEMORY_DEFAULTS.linux.freeFloorPct} (assumption).`, unit: '%' })),
            sharedPct: z
              .number()
              .min(0)
              .max(100)
              .optional()
              .meta(meta({ description: `Share of used memory identical across VMs of the same image (KSM-mergeable). Default windows ${GUEST_MEMORY_DEFAULTS.windows.sharedPct} (range 10–37: Waldspurger OSDI’02 reclaimed 32.9 % of 10 identical Windows NT VMs; newer Windows with large pages and ASLR shares less), linux ${GUEST_MEMORY_DEFAULTS.linux.sharedPct} (range 15–40: 12 mostly identical Linux VMs saved ~30 %, wirelessmoves 2021; Waldspurger: 9 Linux VMs shared 29.2 %), other ${GUEST_MEMORY_DEFAULTS.other.sharedPct}.`, unit: '%' })),
            crossImagePct: z
              .number()
              .min(0)
              .max(100)
              .default(2)
              .meta(meta({ description: 'Of `sharedPct`, the share identical across guests of any image (runtimes, fonts), merging host-wide. Default 2 (range 0–5: VMware finds < 5 % freed among diverse VMs).', unit: '%', defaultText: '2' })),
            touchMiBps: z
              .number()
              .nonnegative()
              .max(100_000)
              .default(1)
              .meta(meta({ description: 'Working set the guest re-references per second: with a share s of it in swap the guest takes s × this in major faults, each waiting for the swap device. Assumption 1 MiB/s (range 0.25–4); docs/memory.md shows where the published 3× swap slowdown falls in that range.', unit: 'MiB/s', defaultText: '1' })),
            vmCv: z.number().nonnegative().max(MAX_CV).default(0).meta(meta({ description: 'Spread of the working set between VMs (lognormal, mean 1, per VM and replication).' })),
            noiseCv: z.number().nonnegative().max(MAX_CV).default(0).meta(meta({ description: 'Interval-to-interval variation of the working set (lognormal, mean 1).' })),
          })
          .prefault({})
          .meta(meta({ description: 'What the guests do with their memory (the memory model).' })),
        io: z
          .strictObject({
            iops: z.number().nonnegative().max(MAX_IOPS).optional().meta(meta({ description: `Steady front-end IOPS of each running VM. Default windows ${STEADY_IO_DEFAULTS.windows.iops} (VDI users average 8–10 IOPS, calibration.md §2), linux/other ${STEADY_IO_DEFAULTS.linux.iops}.`, unit: 'IOPS' })),
            readPct: z.number().min(0).max(100).optional().meta(meta({ description: `Share of reads. Default windows ${STEADY_IO_DEFAULTS.windows.readPct} (VDI steady state is write-heavy: 30/70 "average"), linux/other ${STEADY_IO_DEFAULTS.linux.readPct}.`, unit: '%' })),
          })
          .prefault({})
          .meta(meta({ description: 'Steady disk IO of each running VM.' })),
      })
      .meta(meta({ description: 'What the VMs do.' })),
    network: z
      .strictObject({
        gbps: z.number().nonnegative().max(MAX_GBPS).meta(meta({ description: 'Mean bandwidth each VM wants, sent plus received; it follows the VM’s CPU demand (profile, spread and noise).', unit: 'Gbit/s' })),
        packetBytes: z
          .number()
          .min(64)
          .max(65_536)
          .default(LATENCY_DEFAULTS.packetBytes)
          .meta(meta({ description: 'Mean packet size; the packet rate is bandwidth / size. Default 1500 (full Ethernet frames; assumption).', unit: 'bytes' })),
        vhostNet: z
          .union([z.boolean(), z.enum(['on', 'off'])])
          .default(LATENCY_DEFAULTS.vhostNet)
          .transform((v) => v === true || v === 'on')
          .meta(meta({ description: '`on`: packets go through in-kernel vhost workers, one per queue (the default since qemu-kvm made vhost-net its default); `off`: through the QEMU main loop in user space (Ubuntu 14.04’s VHOST_NET_ENABLED=0, field reports 000/001).', accepts: 'on, off, true or false' })),
        queues: z
          .int()
          .min(1)
          .max(256)
          .default(LATENCY_DEFAULTS.queues)
          .meta(meta({ description: 'virtio-net queue pairs (libvirt `<driver queues=N>`; nova hw_vif_multiqueue_enabled gives one per vCPU). Default 1: virtio-net’s single queue (calibration.md §3). Each queue’s softirq runs on one guest vCPU.', unit: 'queues' })),
        offloads: z
          .union([z.boolean(), z.enum(['on', 'off'])])
          .default(LATENCY_DEFAULTS.offloads)
          .transform((v) => v === true || v === 'on')
          .meta(meta({ description: 'Segmentation offload (TSO/GSO on send, GRO on receive): per-packet costs are paid per segment of `segmentBytes`. Default on: QEMU’s virtio-net offers the TSO and checksum offloads by default and guests negotiate them (libvirt `<host tso4=\'off\'/>` turns them off).', accepts: 'on, off, true or false' })),
        segmentBytes: z
          .int()
          .min(64)
          .max(65_536)
          .nullable()
          .default(null)
          .meta(meta({ description: 'Mean bytes per segment with offloads on. Default 32768 for full frames (assumption, 8–64 KiB; docs/latency.md), `packetBytes` when that is below 1500 (small messages are one segment each).', unit: 'bytes', defaultText: '32768 or packetBytes' })),
        connections: z
          .int()
          .min(1)
          .max(1_000_000)
          .nullable()
          .default(null)
          .meta(meta({ description: 'TCP connections the VM’s bandwidth is spread over (iperf’s default 1; a load test’s concurrency). With `segmentBytes` unset, sets the segment size by TSO autosizing: 1 ms of each connection’s rate, 2 MSS to 64 KiB (docs/latency.md).', unit: 'connections', defaultText: 'unset: segmentBytes applies' })),
        pinned: z
          .boolean()
          .default(false)
          .meta(meta({ description: 'vCPUs and the VM’s vhost workers (or QEMU main loop) pinned to dedicated cores, other threads kept off them (field report 002’s fix): the path is never descheduled, and those cores (vCPUs + path threads) leave the host’s shared pool.' })),
        peer: z
          .string()
          .min(1)
          .nullable()
          .default(null)
          .meta(meta({ description: 'The VM its traffic goes to and comes from: a VM name (`server-1`) for every VM of the group, or a group name (VM n talks to that group’s VM n, wrapping at its count). When the placement puts the peer on the same host, that traffic is switched by the host’s bridge, not its NIC, and the peer’s vhost worker (or QEMU main loop) and guest softirq carry it too (field report 002: 25 Gbit/s VM-to-VM on one host). On another host it uses the NIC as any traffic.', defaultText: 'none' })),
        peerShare: z
          .number()
          .min(0)
          .max(1)
          .default(1)
          .meta(meta({ description: 'Share of the VM’s bandwidth exchanged with `peer`; the rest leaves through the host NIC.', unit: 'fraction' })),
      })
      .optional()
      .meta(meta({ description: 'Network demand and virtio NIC; the group’s QEMU main loop, vhost workers and guest softirq are then modelled (docs/latency.md).' })),
    iothreads: z
      .int()
      .min(0)
      .max(64)
      .optional()
      .meta(meta({ description: 'Dedicated iothreads per VM (virtio-blk data plane, x-data-plane): disk emulation moves off the QEMU main loop (field report 003). Default 0.', unit: 'threads' })),
    disk: z
      .strictObject({
        cache: z.enum(['none', 'writeback']).default(LATENCY_DEFAULTS.disk.cache).meta(meta({ description: 'QEMU cache mode of the disk (libvirt `<driver cache=…>`). `writeback`: writes land in the host page cache and each guest flush waits for the image’s dirty pages to be written back, holding the QEMU main loop without an iothread (docs/latency.md). Default none (nova’s choice where O_DIRECT works; CloudStack’s default).' })),
        flushSeconds: z.number().positive().max(3600).default(LATENCY_DEFAULTS.disk.flushSeconds).meta(meta({ description: 'How often the guest flushes its disk while it writes. Assumption 5 s (ext4’s journal commit interval), range 1–30.', unit: 's' })),
      })
      .optional()
      .meta(meta({ description: 'The virtual disk as QEMU opens it: cache mode and guest flush interval (main-loop stalls, docs/latency.md).' })),
    overheadGiB: nonNegativeGiB.default(0.2).meta(meta({ description: 'QEMU/KVM process memory beside guest RAM (assumption: 200 MiB; LF Edge found 600 MiB enough for most guests).', unit: 'GiB', defaultText: '0.2' })),
    oomScoreAdj: z.int().min(-1000).max(1000).default(0).meta(meta({ description: 'Linux `oom_score_adj` of the VMs’ QEMU processes (−1000: never killed).' })),
    hostOverheadPct: z.number().min(0).max(100).default(0).meta(meta({ description: 'Host CPU each running VM’s QEMU process uses beside its vCPUs (device emulation, timers, display protocol encoding), % of one core; it competes with the vCPUs (docs/cpu.md). Default 0; for Windows desktops an assumption of 5 (range 1–30: an idle Windows 10 guest costs ~1 % of a host core with Hyper-V enlightenments, 30 % without).', unit: '%', defaultText: '0' })),
    uiActionMs: positiveMs.default(50).meta(meta({ description: 'CPU work of one user-interface action at a full core’s speed, for the `uiActionMs` metric: how long such an action takes under contention (docs/cpu.md). Assumption 50 ms (half of the 100 ms users perceive as instant).', unit: 'ms', defaultText: '50' })),
    boot: z
      .strictObject({
        ios: z.number().positive().max(1e8).optional().meta(meta({ description: 'IOs one boot sends to the storage. Default windows 20,000 (a disk-level Windows 7 boot trace), linux 4,000 (assumption).', unit: 'IOs' })),
        readPct: z.number().min(0).max(100).optional().meta(meta({ description: 'Share of reads. Default windows 95 (420 MB read, 24 MB written), linux 90.', unit: '%' })),
        outstanding: z.number().positive().max(1024).optional().meta(meta({ description: 'IOs a booting VM keeps in flight. Default 1 (a disk-level Windows 7 boot trace; docs/io.md).', unit: 'IOs' })),
        thinkMs: z.number().nonnegative().max(3_600_000).optional().meta(meta({ description: 'Computing time between one boot IO’s completion and the next. Default 0 (the trace’s hard disk never waited for the boot).', unit: 'ms' })),
        cpuSeconds: z.number().nonnegative().max(86_400).optional().meta(meta({ description: 'CPU work of a boot, in seconds of one vCPU; the boot is up no sooner than this over its vCPUs. Default windows 30, linux 10 (assumptions).', unit: 's' })),
        logonIops: z.number().nonnegative().max(MAX_IOPS).optional().meta(meta({ description: 'IOPS of the logon after the boot. Default windows 12 (Login VSI logon storm, Dell BP1018: 11–13), linux 0.', unit: 'IOPS' })),
        logonReadPct: z.number().min(0).max(100).optional().meta(meta({ description: 'Share of reads in the logon’s IO. Default windows 3 (Dell BP1018: R/W 3/97).', unit: '%' })),
        logonSeconds: z.number().nonnegative().max(86_400).optional().meta(meta({ description: 'Length of the logon after the boot (0: none). Default windows 60 (assumption, 30–120), linux 0.', unit: 's' })),
      })
      .prefault({})
      .meta(meta({ description: 'What a boot costs (defaults by `os`, docs/io.md).' })),
  });
}

/** The host CPU scheduler. */
function schedulerSchema({ positiveMs }: FieldKit) {
  return z
    .strictObject({
      policy: z
        .enum(SCHEDULER_POLICIES)
        .default('cfs')
        .meta(meta({ description: '`cfs`: Linux CFS with time slices and wake-up preemption; `fifo`: each burst runs to completion in wake-up order (the textbook queue).' })),
      latencyMs: positiveMs.optional().meta(meta({ description: 'CFS `sched_latency`; default 6 ms × (1 + log2(min(cpus, 8))), i.e. 24 ms on 8+ CPUs (kernel/sched/fair.c).', unit: 'ms' })),
      minGranularityMs: positiveMs.optional().meta(meta({ description: 'CFS `sched_min_granularity`; default 0.75 ms × the same factor (3 ms).', unit: 'ms' })),
      wakeupGranularityMs: positiveMs.optional().meta(meta({ description: 'CFS `sched_wakeup_granularity`; default 1 ms × the same factor (4 ms).', unit: 'ms' })),
    })
    .prefault({})
    .meta(meta({ description: 'Host CPU scheduler.' }));
}

/** How CPU contention is computed (fleet, micro, windows). */
function cpuModelSchema({ units }: FieldKit) {
  return z
    .strictObject({
      resolution: z
        .enum(['auto', 'micro', 'fleet'])
        .default('auto')
        .meta(meta({ description: '`micro`: simulate every burst for the whole run; `fleet`: closed-form queueing per host and interval plus a few micro windows; `auto`: micro when the run has at most `microBudgetBursts` bursts.' })),
      microBudgetBursts: z
        .number()
        .positive()
        .max(1e12)
        .default(20_000_000)
        .meta(meta({ description: 'Largest number of bursts per replication `auto` simulates exactly (about 5 s of CPU per replication).' })),
      microWindows: z
        .int()
        .min(0)
        .default(4)
        .meta(meta({ description: 'In fleet resolution: (host, interval) pairs per replication, drawn at random, also simulated burst by burst — for scheduling delays and as a running check of the closed form.' })),
      heartbeatWindows: z
        .int()
        .min(0)
        .default(LATENCY_DEFAULTS.heartbeatWindows)
        .meta(meta({ description: 'In fleet resolution: intervals per replication at which the hosts of each heartbeat are micro-simulated for the advertisements’ delays (stratified over the run; each interval uses the nearest).' })),
      microWindow: duration(units)
        .pipe(z.number().positive())
        .default(10)
        .meta(meta({ description: 'Simulated length of each micro window (after its warm-up).', unit: 's', accepts: DURATION_ACCEPTS, defaultText: '10s' })),
      warmup: duration(units)
        .pipe(z.number().nonnegative())
        .optional()
        .meta(meta({ description: 'Simulated before measuring in micro runs and windows; by default 10 burst cycles of the slowest vCPU, within 0.5–10 s (vCPUs start in their uncontended steady state).', unit: 's', accepts: DURATION_ACCEPTS })),
    })
    .prefault({})
    .meta(meta({ description: 'How CPU contention is computed.' }));
}

/** One optional upper limit per SLO the model defines (../model/slo.ts). */
function sloShapeOf() {
  return Object.fromEntries(
    (Object.keys(SLO_DEFINITIONS) as (keyof Slo)[]).map((key) => {
      const def = SLO_DEFINITIONS[key];
      const implicit = def.defaultLimit !== undefined ? `; ${def.defaultLimit} when not set, so the verdict fails when any VM fits no host` : '';
      return [key, z.number().nonnegative().optional().meta(meta({ description: `Upper limit on ${def.metric}${implicit}.`, unit: def.unit, ...(def.defaultLimit !== undefined ? { defaultText: String(def.defaultLimit) } : {}) }))];
    }),
  ) as { [K in keyof Slo]-?: z.ZodOptional<z.ZodNumber> };
}

/** The host's own threads and daemons on the latency paths (docs/latency.md). */
function hostThreadsSchema() {
  return z
    .strictObject({
      nicGbps: z.number().positive().max(MAX_GBPS).default(LATENCY_DEFAULTS.nicGbps).meta(meta({ description: 'Host NIC bandwidth shared by the host’s VMs (field report 002: a 10 GbE switch).', unit: 'Gbit/s' })),
      qemuIoMicros: z.number().nonnegative().max(MAX_MICROS).default(LATENCY_DEFAULTS.costs.qemuIoMicros).meta(meta({ description: 'QEMU main-loop CPU per disk IO it emulates (a VM without iothreads). Assumption: 50,000 IOPS per main loop (docs/latency.md).', unit: 'µs' })),
      qemuPacketMicros: z.number().nonnegative().max(MAX_MICROS).default(LATENCY_DEFAULTS.costs.qemuPacketMicros).meta(meta({ description: 'QEMU main-loop CPU per packet with vhost_net off. Assumption: 5× the vhost cost (vhost removes up to four system calls per packet, linux-kvm.org).', unit: 'µs' })),
      vhostPacketMicros: z.number().nonnegative().max(MAX_MICROS).default(LATENCY_DEFAULTS.costs.vhostPacketMicros).meta(meta({ description: 'vhost worker CPU per packet. Assumption: 500k packets/s per worker.', unit: 'µs' })),
      iothreadIoMicros: z.number().nonnegative().max(MAX_MICROS).default(LATENCY_DEFAULTS.costs.iothreadIoMicros).meta(meta({ description: 'iothread CPU per disk IO. Data plane reaches "several times" the IOPS of the main loop (QEMU commit e72f66a0); 4× assumed.', unit: 'µs' })),
      guestPacketMicros: z.number().nonnegative().max(MAX_MICROS).default(LATENCY_DEFAULTS.costs.guestPacketMicros).meta(meta({ description: 'Guest softirq CPU per packet on the queue’s vCPU: one vCPU handles "in the order of 100k PPS" (ganeti PR #1950).', unit: 'µs' })),
      ringPackets: z.int().min(1).default(LATENCY_DEFAULTS.costs.ringPackets).meta(meta({ description: 'virtio ring size: packets queued ahead at a saturated path (QEMU’s default rx/tx_queue_size 256).', unit: 'packets' })),
      mainLoopBlockingShare: z.number().min(0).max(1).default(LATENCY_DEFAULTS.costs.mainLoopBlockingShare).meta(meta({ description: 'Share of a VM’s disk IOs that hold its QEMU main loop (and the BQL) for about one device latency when it has no iothread: guest flushes, qcow2 metadata (docs/latency.md, main-loop stalls). Assumption: 1 %.', unit: 'fraction' })),
      vmExitMicros: z.number().nonnegative().max(MAX_MICROS).default(LATENCY_DEFAULTS.costs.vmExitMicros).meta(meta({ description: 'One VM exit and re-entry. SplitX (WIOV 2011) measured 0.7 µs direct, up to 10× with cache effects; 1.5 µs assumed.', unit: 'µs' })),
      exitsPerNotification: z.number().nonnegative().max(64).default(LATENCY_DEFAULTS.costs.exitsPerNotification).meta(meta({ description: 'VM exits per notification round trip of a queue: interrupt injection, EOI, the kick, HLT. Assumption 4 (2–8).', unit: 'exits' })),
      schedSliceMicros: z.number().positive().max(1_000_000).default(LATENCY_DEFAULTS.costs.schedSliceMicros).meta(meta({ description: 'CFS slice a descheduled thread sits out per competitor; sets how long a notification waits for a contended vCPU or vhost worker. Default: the kernel’s minimal granularity, 0.75 ms × (1 + log2 8) = 3 ms.', unit: 'µs' })),
      daemons: z
        .array(
          z.strictObject({
            name: z.string().min(1).meta(meta({ description: 'Daemon name (libvirtd, an agent).' })),
            cpuPct: z.number().min(0).max(100).meta(meta({ description: 'CPU it would use alone, % of one core (one thread).', unit: '%' })),
            quotaPct: z
              .number()
              .positive()
              .max(100)
              .nullable()
              .default(null)
              .meta(meta({ description: 'CFS quota, cpu.cfs_quota_us / cpu.cfs_period_us as % of one core (field report 003: 10000 / 100000 = 10 %); null for none.', unit: '%', defaultText: 'null' })),
          }),
        )
        .default([])
        .meta(meta({ description: 'Daemons on every host, each a thread competing with the vCPUs.' })),
    })
    .prefault({})
    .meta(meta({ description: 'Host-side threads: CPU costs of device work (defaults and sources in docs/latency.md), the host NIC, daemons.' }));
}

/** Boot waves and the limits that admit them (docs/io.md). */
function bootsSchema({ units }: FieldKit) {
  return z
    .strictObject({
      maxPerHost: z.int().min(1).nullable().optional().meta(meta({ description: 'Most boots in progress at once per host (admission control); later ones queue in request order. Default (or null): no limit.', unit: 'boots' })),
      maxPerDatastore: z.int().min(1).nullable().optional().meta(meta({ description: 'Most boots in progress at once per datastore. Default (or null): no limit.', unit: 'boots' })),
      waves: z
        .array(
          z.discriminatedUnion('kind', [
            z.strictObject({
              kind: z.literal('storm').meta(meta({ description: '`storm`: the VMs of `groups` power on within a window (they are off before).' })),
              at: timeOfDay(units).meta(meta({ description: 'When: a time of day (`07:30`) or a time from the start (`2h`).', accepts: "a time of day such as '07:30' or a time such as '2h'" })),
              spread: duration(units).pipe(z.number().nonnegative()).default(0).meta(meta({ description: 'Boots are requested uniformly over this window.', unit: 's', accepts: DURATION_ACCEPTS, defaultText: '0s' })),
              groups: z.array(z.string().min(1)).optional().meta(meta({ description: 'VM groups that boot (default: all).' })),
            }),
            z.strictObject({
              kind: z.literal('hostReboot').meta(meta({ description: '`hostReboot`: the named hosts restart with all their VMs.' })),
              at: timeOfDay(units).meta(meta({ description: 'When: a time of day or a time from the start.', accepts: "a time of day such as '07:30' or a time such as '2h'" })),
              hosts: z.array(z.string().min(1)).min(1).meta(meta({ description: 'Hosts by name (`compute-3`).' })),
              down: duration(units).pipe(z.number().nonnegative()).default(300).meta(meta({ description: 'How long the host is down before its VMs boot.', unit: 's', accepts: DURATION_ACCEPTS, defaultText: '5 min' })),
            }),
            z.strictObject({
              kind: z.literal('rolling').meta(meta({ description: '`rolling`: every host of `hostGroups` reboots in turn.' })),
              at: timeOfDay(units).meta(meta({ description: 'When the first host goes down.', accepts: "a time of day such as '07:30' or a time such as '2h'" })),
              hostGroups: z.array(z.string().min(1)).optional().meta(meta({ description: 'Host groups to roll through (default: all).' })),
              interval: duration(units).pipe(z.number().positive()).default(900).meta(meta({ description: 'Time between one host going down and the next.', unit: 's', accepts: DURATION_ACCEPTS, defaultText: '15 min' })),
              down: duration(units).pipe(z.number().nonnegative()).default(300).meta(meta({ description: 'How long each host is down before its VMs boot.', unit: 's', accepts: DURATION_ACCEPTS, defaultText: '5 min' })),
            }),
          ]),
        )
        .default([])
        .meta(meta({ description: 'Boot waves. Without any, every VM is running from before the start.' })),
    })
    .prefault({})
    .meta(meta({ description: 'When VMs boot, and how many may boot at once.' }));
}

/** Every top-level field, each checked alone; cross-field checks come after (refineScenario). */
function scenarioFields(kit: FieldKit) {
  const { units } = kit;
  const diskArray = diskArraySchema(kit);
  const hostGroup = hostGroupSchema(kit, diskArray);
  const vmGroup = vmGroupSchema(kit);
  const schedulerSpec = schedulerSchema(kit);
  const cpuModel = cpuModelSchema(kit);
  const sloShape = sloShapeOf();
  return z
    .strictObject({
      name: z.string().min(1).meta(meta({ description: 'Scenario name, shown in reports.' })),
      description: z.string().optional().meta(meta({ description: 'What the scenario models and where its numbers come from.' })),
      seed: z.int().min(0).default(1).meta(meta({ description: 'Master seed; the same scenario and seed give identical results.' })),
      replications: z.int().min(1).max(100_000).default(10).meta(meta({ description: 'Independent Monte Carlo replications; intervals come from their spread.' })),
      duration: duration(units).pipe(z.number().positive()).default(86_400).meta(meta({ description: 'Simulated time per replication.', unit: 's', accepts: DURATION_ACCEPTS, defaultText: '24h' })),
      step: duration(units)
        .pipe(z.number().min(1))
        .default(300)
        .meta(meta({ description: 'Measurement interval: CPU ready % and utilisation are reported per VM and host per step (vCenter’s past-day chart uses 5 min).', unit: 's', accepts: DURATION_ACCEPTS, defaultText: '5 min' })),
      startHour: z.number().min(0).lt(24).default(0).meta(meta({ description: 'Hour of day at simulated time 0 (selects the workload profile hour).', unit: 'h' })),
      overcommit: z
        .strictObject({
          cpu: z.number().positive().max(MAX_RATIO).default(4).meta(meta({ description: 'vCPU allocation ratio (nova `cpu_allocation_ratio`; nova’s initial default 4.0 since 2023.1).' })),
          memory: z.number().positive().max(MAX_RATIO).default(1).meta(meta({ description: 'RAM allocation ratio (nova `ram_allocation_ratio`; initial default 1.0).' })),
        })
        .prefault({})
        .meta(meta({ description: 'Allocation ratios with OpenStack Placement semantics: a host offers (total − reserved) × ratio.' })),
      placement: z
        .enum(['spread', 'pack', 'as-is'])
        .default('spread')
        .meta(meta({ description: '`spread`: the host with most free RAM (nova’s default weigher); `pack`: the least (stacking); `as-is`: groups with a `host` stay on it (an imported cloud as it runs), the rest spread.' })),
      hosts: z.array(hostGroup).min(1).meta(meta({ description: 'Host groups.' })),
      vms: z.array(vmGroup).min(1).meta(meta({ description: 'VM groups, placed in file order.' })),
      scheduler: schedulerSpec,
      cpuModel,
      ksm: z
        .strictObject({
          enabled: z.boolean().default(KSM_DEFAULTS.enabled).meta(meta({ description: 'Kernel samepage merging on (the kernel’s default is off: `run` 0).' })),
          pagesToScan: z.int().min(1).default(KSM_DEFAULTS.pagesToScan).meta(meta({ description: '`pages_to_scan` per wake-up (kernel default 100).', unit: 'pages' })),
          sleepMs: z.number().min(0.001).max(3_600_000).default(KSM_DEFAULTS.sleepMs).meta(meta({ description: '`sleep_millisecs` between wake-ups (kernel default 20): 5,000 pages/s, a pass over 64 GiB in 56 minutes.', unit: 'ms' })),
          tuned: z.boolean().default(false).meta(meta({ description: 'ksmtuned adjusts the scan rate every 60 s (up to 125,000 pages/s under pressure) and stops ksmd when memory is not committed.' })),
          cpuMicrosPerPage: z.number().nonnegative().max(MAX_MICROS).default(KSM_DEFAULTS.cpuMicrosPerPage).meta(meta({ description: 'ksmd CPU per scanned page (2.4 µs: about 30 % of a core at ksmtuned’s ceiling, SUSE measurement).', unit: 'µs' })),
        })
        .prefault({})
        .meta(meta({ description: 'KSM on every host.' })),
      balloon: z
        .strictObject({
          enabled: z.boolean().default(BALLOON_DEFAULTS.enabled).meta(meta({ description: 'virtio-balloon driven by a host policy (nova does not by default).' })),
          lowFreePct: z.number().min(0).max(100).default(BALLOON_DEFAULTS.lowFreePct).meta(meta({ description: 'Inflate when host free memory is below this share of RAM (older ESX ballooned below 6 %).', unit: '%' })),
          highFreePct: z.number().min(0).max(100).default(BALLOON_DEFAULTS.highFreePct).meta(meta({ description: 'Deflate above this share.', unit: '%' })),
          rateMBps: quantity(units, RATE_MBPS).pipe(z.number().positive()).default(BALLOON_DEFAULTS.rateMBps).meta(meta({ description: 'Reclaim speed per VM.', unit: 'MB/s', defaultText: String(BALLOON_DEFAULTS.rateMBps) })),
          maxPct: z.number().min(0).max(100).default(BALLOON_DEFAULTS.maxPct).meta(meta({ description: 'At most this share of a VM’s memory is ballooned (ESXi: 65 %).', unit: '%' })),
        })
        .prefault({})
        .meta(meta({ description: 'Memory ballooning.' })),
      oom: z
        .strictObject({
          restartAfter: duration(units)
            .pipe(z.number().nonnegative())
            .optional()
            .meta(meta({ description: 'Restart a VM the OOM killer killed after this long (as an operator’s automation would); by default it stays down.', unit: 's', accepts: DURATION_ACCEPTS })),
        })
        .prefault({})
        .meta(meta({ description: 'What happens after an OOM kill.' })),
      hostThreads: hostThreadsSchema(),
      heartbeats: z
        .array(
          z.strictObject({
            name: z.string().min(1).optional().meta(meta({ description: 'Name in reports; default the group’s, or `<master>/<backup>`.' })),
            group: z.string().min(1).optional().meta(meta({ description: 'A VM group whose first two VMs are the pair (`<group>-1` master, `<group>-2` backup).' })),
            master: z.string().min(1).optional().meta(meta({ description: 'The master VM by name (`lb-1`); with `backup`, instead of `group`.' })),
            backup: z.string().min(1).optional().meta(meta({ description: 'The backup VM by name (`lb-2`).' })),
            interval: duration(units).pipe(z.number().positive()).default(LATENCY_DEFAULTS.heartbeat.intervalSeconds).meta(meta({ description: 'Advertisement interval (keepalived `advert_int`, default 1 s).', unit: 's', accepts: DURATION_ACCEPTS, defaultText: '1s' })),
            priority: z.int().min(1).max(254).default(LATENCY_DEFAULTS.heartbeat.priority).meta(meta({ description: 'The backup’s VRRP priority; it sets the skew of the master-down interval (RFC 3768: 3 × interval + (256 − priority) / 256 s, 3.609 s at 100).' })),
            version: z.union([z.literal(2), z.literal(3)]).default(LATENCY_DEFAULTS.heartbeat.version).meta(meta({ description: 'VRRP version: 2 (RFC 3768, keepalived’s default) or 3 (RFC 5798: the skew scales with the interval).' })),
          }),
        )
        .default([])
        .meta(meta({ description: 'Periodic heartbeats between two VMs (VRRP as keepalived sends it): gaps, failovers and flaps (docs/latency.md).' })),
      datastores: z
        .array(diskArray.extend({ name: z.string().min(1).meta(meta({ description: 'Datastore name, referred to by hosts’ `storage: { datastore: name }`.' })) }))
        .default([])
        .meta(meta({ description: 'Disk arrays shared by several hosts.' })),
      boots: bootsSchema(kit),
      slo: z
        .strictObject(sloShape)
        .prefault({})
        .meta(meta({ description: 'Service-level objectives, each an upper limit: PASS when the 95 % upper bound is within it, NOT DEMONSTRATED when only the point value is, FAIL when the point value is over it; the verdict is the worst of them.' })),
    })
}

type ScenarioFields = z.output<ReturnType<typeof scenarioFields>>;

/** Checks across fields (one fill group, reserved below total, traces, boots, heartbeats, as-is hosts). */
function refineScenario(scenario: ScenarioFields, ctx: z.RefinementCtx): void {
  const fills = scenario.vms.filter((g) => g.count === 'fill');
  if (fills.length > 1) {
    ctx.addIssue({ code: 'custom', path: ['vms'], message: `at most one VM group may use count: fill, found ${fills.length} (${fills.map((g) => g.name).join(', ')})` });
  }
  checkUniqueNames(scenario.hosts, 'hosts', ctx);
  checkUniqueNames(scenario.vms, 'vms', ctx);
  scenario.hosts.forEach((host, i) => {
    if (host.cpu.reservedCores >= host.cpu.cores) {
      ctx.addIssue({ code: 'custom', path: ['hosts', i, 'cpu', 'reservedCores'], message: `must be less than cores (${host.cpu.cores}), found ${host.cpu.reservedCores}` });
    }
    if ((host.cpu.cores - host.cpu.reservedCores) % host.cpu.threadsPerCore !== 0) {
      ctx.addIssue({ code: 'custom', path: ['hosts', i, 'cpu', 'threadsPerCore'], message: `cores less reservedCores (${host.cpu.cores - host.cpu.reservedCores}) must be a multiple of threadsPerCore (whole physical cores), found ${host.cpu.threadsPerCore}` });
    }
    if (host.memory.reservedGiB >= host.memory.totalGiB) {
      ctx.addIssue({ code: 'custom', path: ['hosts', i, 'memory', 'reservedGiB'], message: `must be less than totalGiB (${host.memory.totalGiB}), found ${host.memory.reservedGiB}` });
    }
  });
  if (scenario.step > scenario.duration) {
    ctx.addIssue({ code: 'custom', path: ['step'], message: `must not exceed duration (${scenario.duration} s), found ${scenario.step} s` });
  }
  checkWork(scenario, ctx);
  scenario.vms.forEach((group, i) => {
    const trace = group.workload.trace;
    const at = (...path: (string | number)[]): (string | number)[] => ['vms', i, 'workload', ...path];
    if (!trace) {
      if (!group.workload.cpu) ctx.addIssue({ code: 'custom', path: at('cpu'), message: 'missing required field (expected a mapping: the parametric CPU demand, or give workload.trace)' });
      else if (group.workload.cpu.utilPct === undefined) ctx.addIssue({ code: 'custom', path: at('cpu', 'utilPct'), message: 'missing required field (expected a number >= 0 and <= 100)' });
    } else {
      checkTrace(trace, group.workload.cpu, scenario.step, at, group.count, ctx);
    }
    const cpu = group.workload.cpu;
    if (!cpu) return;
    if (cpu.burstDistribution === 'hyperexponential' && cpu.burstCv < 1) {
      ctx.addIssue({ code: 'custom', path: ['vms', i, 'workload', 'cpu', 'burstCv'], message: `hyperexponential needs burstCv >= 1, found ${cpu.burstCv}` });
    }
    if (cpu.gapDistribution === 'hyperexponential' && cpu.gapCv < 1) {
      ctx.addIssue({ code: 'custom', path: ['vms', i, 'workload', 'cpu', 'gapCv'], message: `hyperexponential needs gapCv >= 1, found ${cpu.gapCv}` });
    }
  });
  checkBootsAndStorage(scenario, ctx);
  checkHeartbeats(scenario, ctx);
  // A traffic peer names a VM (<group>-<n>) or a group.
  const groupCounts = new Map(scenario.vms.map((g) => [g.name, g.count]));
  scenario.vms.forEach((g, i) => {
    const peer = g.network?.peer;
    if (peer === undefined || peer === null || groupCounts.has(peer)) return;
    const m = /^(.*)-(\d+)$/.exec(peer);
    const count = m ? groupCounts.get(m[1]!) : undefined;
    if (count === undefined || (count !== 'fill' && Number(m![2]) > count) || Number(m![2]) < 1) {
      ctx.addIssue({ code: 'custom', path: ['vms', i, 'network', 'peer'], message: `no VM or group named '${peer}' (a VM is <group>-<n>; groups: ${[...groupCounts.keys()].join(', ')})` });
    }
  });
  // A pinned VM's vCPUs and path threads take dedicated cores; every host must keep one shared.
  const smallestHost = Math.min(...scenario.hosts.map((h) => h.cpu.cores - h.cpu.reservedCores));
  scenario.vms.forEach((g, i) => {
    const net = g.network;
    if (!net?.pinned) return;
    const paths = net.vhostNet ? net.queues : 1;
    if (g.vcpus + paths >= smallestHost) {
      ctx.addIssue({ code: 'custom', path: ['vms', i, 'network', 'pinned'], message: `a pinned VM takes ${g.vcpus + paths} dedicated cores (${g.vcpus} vCPUs + ${paths} ${net.vhostNet ? (paths === 1 ? 'vhost worker' : 'vhost workers') : 'QEMU main loop'}); the smallest host has ${smallestHost} pCPUs and must keep at least one shared` });
    }
  });
  if (scenario.placement === 'as-is') {
    // A pinned group must name a host that exists: a typo would silently spread its VMs.
    const hostNames = new Set(scenario.hosts.flatMap((h) => Array.from({ length: h.count }, (_, k) => `${h.name}-${k + 1}`)));
    scenario.vms.forEach((g, i) => {
      if (g.host !== undefined && !hostNames.has(g.host)) ctx.addIssue({ code: 'custom', path: ['vms', i, 'host'], message: `no host '${g.host}' (hosts are named <host group>-<n>, e.g. ${[...hostNames].slice(0, 2).join(', ')})` });
      if (g.host !== undefined && g.count === 'fill') ctx.addIssue({ code: 'custom', path: ['vms', i, 'count'], message: 'a group pinned to a host needs a number of VMs, not fill' });
    });
  }
}

/** The validated file as the model takes it: units converted, defaults by OS resolved, names kept. */
function toModelScenario(s: ScenarioFields): ModelScenario {
  return {
  name: s.name,
  description: s.description,
  seed: s.seed,
  replications: s.replications,
  durationSeconds: s.duration,
  stepSeconds: s.step,
  startHour: s.startHour,
  overcommit: s.overcommit,
  placement: s.placement,
  hosts: s.hosts.map((h) => ({
    name: h.name,
    count: h.count,
    cpu: h.cpu,
    memory: h.memory,
    storage: 'datastore' in h.storage ? { kind: 'datastore' as const, name: h.storage.datastore } : { kind: 'local' as const, array: arrayOf(h.storage) },
  })),
  vms: s.vms.map((g) => ({
    name: g.name,
    host: g.host,
    count: g.count,
    vcpus: g.vcpus,
    memoryGiB: g.memoryGiB,
    os: g.os,
    image: g.image ?? g.name,
    workload: {
      ...workloadOf(g.workload, s.step),
      memory: {
        activeGiB: g.workload.memory.activeGiB ?? g.memoryGiB / 2,
        idleActiveGiB: g.workload.memory.idleActiveGiB ?? g.workload.memory.activeGiB ?? g.memoryGiB / 2,
        cacheGiBPerHour: g.workload.memory.cacheGiBPerHour ?? g.memoryGiB / 10,
        freeFloorPct: g.workload.memory.freeFloorPct ?? GUEST_MEMORY_DEFAULTS[g.os].freeFloorPct,
        sharedPct: g.workload.memory.sharedPct ?? GUEST_MEMORY_DEFAULTS[g.os].sharedPct,
        crossImagePct: g.workload.memory.crossImagePct,
        touchMiBps: g.workload.memory.touchMiBps,
        vmCv: g.workload.memory.vmCv,
        noiseCv: g.workload.memory.noiseCv,
      },
      io: { iops: g.workload.io.iops ?? STEADY_IO_DEFAULTS[g.os].iops, readPct: g.workload.io.readPct ?? STEADY_IO_DEFAULTS[g.os].readPct },
    },
    process: { overheadGiB: g.overheadGiB, oomScoreAdj: g.oomScoreAdj },
    hostOverheadPct: g.hostOverheadPct,
    uiActionMs: g.uiActionMs,
    ...(g.network && { network: g.network }),
    ...(g.iothreads !== undefined && { iothreads: g.iothreads }),
    ...(g.disk && { disk: g.disk }),
    boot: {
      ios: g.boot.ios ?? BOOT_PROFILES[g.os].ios,
      readPct: g.boot.readPct ?? BOOT_PROFILES[g.os].readPct,
      outstanding: g.boot.outstanding ?? BOOT_PROFILES[g.os].outstanding,
      thinkMs: g.boot.thinkMs ?? BOOT_PROFILES[g.os].thinkMs,
      cpuSeconds: g.boot.cpuSeconds ?? BOOT_PROFILES[g.os].cpuSeconds,
      logonIops: g.boot.logonIops ?? BOOT_PROFILES[g.os].logonIops,
      logonReadPct: g.boot.logonReadPct ?? BOOT_PROFILES[g.os].logonReadPct,
      logonSeconds: g.boot.logonSeconds ?? BOOT_PROFILES[g.os].logonSeconds,
    },
  })),
  scheduler: s.scheduler,
  cpuModel: {
    resolution: s.cpuModel.resolution,
    microBudgetBursts: s.cpuModel.microBudgetBursts,
    microWindows: s.cpuModel.microWindows,
    microWindowSeconds: s.cpuModel.microWindow,
    warmupSeconds: s.cpuModel.warmup,
  },
  memory: { ksm: s.ksm, balloon: s.balloon, restartKilledAfterSeconds: s.oom.restartAfter ?? null },
  datastores: s.datastores.map((d) => ({ name: d.name, array: arrayOf(d) })),
  boots: {
    maxPerHost: s.boots.maxPerHost ?? null,
    maxPerDatastore: s.boots.maxPerDatastore ?? null,
    waves: s.boots.waves.map((w) => {
      const atSeconds = momentSeconds(w.at, s.startHour);
      if (w.kind === 'storm') return { kind: 'storm' as const, atSeconds, spreadSeconds: w.spread, groups: w.groups ?? s.vms.map((g) => g.name) };
      if (w.kind === 'hostReboot') return { kind: 'hostReboot' as const, atSeconds, hosts: w.hosts, downSeconds: w.down };
      return { kind: 'rolling' as const, atSeconds, hostGroups: w.hostGroups ?? s.hosts.map((h) => h.name), intervalSeconds: w.interval, downSeconds: w.down };
    }),
  },
  slo: s.slo,
  ...(usesLatency(s) && {
    latency: {
      hostThreads: {
        costs: {
          qemuIoMicros: s.hostThreads.qemuIoMicros,
          qemuPacketMicros: s.hostThreads.qemuPacketMicros,
          vhostPacketMicros: s.hostThreads.vhostPacketMicros,
          iothreadIoMicros: s.hostThreads.iothreadIoMicros,
          guestPacketMicros: s.hostThreads.guestPacketMicros,
          ringPackets: s.hostThreads.ringPackets,
          mainLoopBlockingShare: s.hostThreads.mainLoopBlockingShare,
          vmExitMicros: s.hostThreads.vmExitMicros,
          exitsPerNotification: s.hostThreads.exitsPerNotification,
          schedSliceMicros: s.hostThreads.schedSliceMicros,
        },
        daemons: s.hostThreads.daemons,
        nicGbps: s.hostThreads.nicGbps,
      },
      heartbeats: s.heartbeats.map((hb) => {
        const master = hb.master ?? `${hb.group}-1`;
        const backup = hb.backup ?? `${hb.group}-2`;
        return { name: hb.name ?? hb.group ?? `${master}/${backup}`, master, backup, intervalSeconds: hb.interval, priority: hb.priority, version: hb.version };
      }),
      heartbeatWindows: s.cpuModel.heartbeatWindows,
    },
  }),
  };
}

export function createScenarioSchema(units?: UnitParser) {
  return scenarioFields(fieldKit(units))
    .superRefine(refineScenario, { when: (payload) => payload.issues.length === 0 }) // cross-field checks only on fields that are valid themselves
    .transform(toModelScenario);
}

/** Whether the scenario uses the latency paths at all (else the model skips them: docs/latency.md). */
function usesLatency(s: { vms: { network?: unknown; iothreads?: number | undefined }[]; hostThreads: { daemons: unknown[] }; heartbeats: unknown[] }): boolean {
  return s.heartbeats.length > 0 || s.hostThreads.daemons.length > 0 || s.vms.some((g) => g.network !== undefined || (g.iothreads ?? 0) > 0);
}

/** A heartbeat names its pair by group or by two VM names that exist; the flapsPerDay SLO needs a heartbeat. */
function checkHeartbeats(
  s: {
    vms: { name: string; count: number | 'fill' }[];
    heartbeats: { group?: string | undefined; master?: string | undefined; backup?: string | undefined }[];
    slo: { flapsPerDay?: number | undefined };
  },
  ctx: z.RefinementCtx,
): void {
  const groups = new Map(s.vms.map((g) => [g.name, g.count]));
  const exists = (name: string): boolean => {
    const m = /^(.*)-(\d+)$/.exec(name);
    if (!m) return false;
    const count = groups.get(m[1]!);
    return count !== undefined && (count === 'fill' || Number(m[2]) <= count) && Number(m[2]) >= 1;
  };
  s.heartbeats.forEach((hb, i) => {
    const at = (field: string): (string | number)[] => ['heartbeats', i, field];
    if (hb.group !== undefined) {
      if (hb.master !== undefined || hb.backup !== undefined) ctx.addIssue({ code: 'custom', path: at('group'), message: 'give either group or master and backup, not both' });
      const count = groups.get(hb.group);
      if (count === undefined) ctx.addIssue({ code: 'custom', path: at('group'), message: `no VM group named '${hb.group}' (groups: ${[...groups.keys()].join(', ')})` });
      else if (count !== 'fill' && count < 2) ctx.addIssue({ code: 'custom', path: at('group'), message: `a heartbeat needs two VMs, group '${hb.group}' has ${count}` });
      return;
    }
    if (hb.master === undefined || hb.backup === undefined) {
      ctx.addIssue({ code: 'custom', path: at(hb.master === undefined ? 'master' : 'backup'), message: 'missing required field (expected a VM name such as lb-1; or give group)' });
      return;
    }
    for (const field of ['master', 'backup'] as const) {
      const name = hb[field]!;
      if (!exists(name)) ctx.addIssue({ code: 'custom', path: at(field), message: `no VM named '${name}' (VMs are named <group>-<n>, groups: ${[...groups.keys()].join(', ')})` });
    }
    if (hb.master === hb.backup) ctx.addIssue({ code: 'custom', path: at('backup'), message: `must differ from master ('${hb.master}')` });
  });
  if (s.slo.flapsPerDay !== undefined && s.heartbeats.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['slo', 'flapsPerDay'], message: 'needs a heartbeat to measure (add heartbeats:, or remove this SLO)' });
  }
}

type CpuInput = {
  utilPct?: number | undefined;
  burstMs: number;
  burstDistribution: ModelScenario['vms'][number]['workload']['cpu']['burstDistribution'];
  burstCv: number;
  gapDistribution: ModelScenario['vms'][number]['workload']['cpu']['gapDistribution'];
  gapCv: number;
  profile?: string | number[] | undefined;
  vmCv?: number | undefined;
  noiseCv?: number | undefined;
};
type TraceOutput = z.output<ReturnType<typeof createTraceSchema>>;

/** The model's workload: parametric, or trace-driven with the traces left for the loader to fill in. */
function workloadOf(w: { cpu?: CpuInput | undefined; trace?: TraceOutput | undefined }, stepSeconds: number): Pick<ModelScenario['vms'][number]['workload'], 'cpu' | 'trace'> {
  const cpu = w.cpu ?? { burstMs: 10, burstDistribution: 'exponential' as const, burstCv: 1, gapDistribution: 'exponential' as const, gapCv: 1 };
  const shape = { burstMs: cpu.burstMs, burstDistribution: cpu.burstDistribution, burstCv: cpu.burstCv, gapDistribution: cpu.gapDistribution, gapCv: cpu.gapCv };
  if (!w.trace) {
    return { cpu: { utilPct: cpu.utilPct ?? 0, ...shape, profile: resolveProfile(cpu.profile ?? 'flat'), vmCv: cpu.vmCv ?? 0, noiseCv: cpu.noiseCv ?? 0 } };
  }
  const t = w.trace;
  const sources = t.file ?? (Array.isArray(t.csv) ? t.csv.join(', ') : (t.csv ?? ''));
  return {
    // utilPct becomes the traces' mean when the loader reads them.
    cpu: { utilPct: 0, ...shape, profile: resolveProfile('flat'), vmCv: 0, noiseCv: 0 },
    trace: {
      label: sources,
      traces: [],
      stepSeconds,
      mapping: t.mapping,
      blockSeconds: t.blockHours * 3600,
      maxShiftSeconds: t.maxShiftHours * 3600,
      offsetSeconds: t.offset,
    },
  };
}

/** Cross-field checks of a trace-driven group. */
function checkTrace(
  trace: TraceOutput,
  cpu: CpuInput | undefined,
  stepSeconds: number,
  at: (...path: (string | number)[]) => (string | number)[],
  count: number | 'fill',
  ctx: z.RefinementCtx,
): void {
  const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path: at('trace', ...path), message });
  if (trace.file === undefined && trace.csv === undefined) issue([], 'give the traces: `file` (a workload file from overcast import) or `csv` (trace files to import)');
  if (trace.file !== undefined && trace.csv !== undefined) issue(['csv'], 'give either `file` or `csv`, not both');
  if (trace.csv !== undefined && trace.format === undefined) issue(['format'], `missing required field with csv (expected one of ${TRACE_FORMATS.map((f) => `'${f}'`).join(', ')})`);
  if (trace.file !== undefined) {
    for (const key of ['format', 'map', 'separator'] as const) if (trace[key] !== undefined) issue([key], 'only with `csv`: a workload file was imported already');
  }
  if (trace.map !== undefined && trace.format !== undefined && trace.format !== 'generic') issue(['map'], `only with format 'generic', found format '${trace.format}'`);
  if (trace.map !== undefined) {
    try {
      parseGenericMap(trace.map);
    } catch (error) {
      if (!(error instanceof MapSpecError)) throw error;
      issue(error.target !== undefined && error.target in trace.map ? ['map', error.target] : ['map'], error.message);
    }
  }
  if (parseTimeZone(trace.timeZone) === undefined) issue(['timeZone'], `unknown time zone '${trace.timeZone}' (expected UTC, an offset such as +02:00, or an IANA name such as Europe/Amsterdam)`);
  const blockSeconds = trace.blockHours * 3600;
  if (Math.abs(blockSeconds / stepSeconds - Math.round(blockSeconds / stepSeconds)) > 1e-9 || blockSeconds < stepSeconds) {
    issue(['blockHours'], `must be a whole number of steps (step ${stepSeconds} s), found ${trace.blockHours} h`);
  }
  if (trace.mapping === 'byId' && count === 'fill') issue(['mapping'], 'byId gives each VM its own trace, so the group needs a number as count, not fill (or use mapping: bootstrap)');
  if (cpu) {
    for (const key of ['utilPct', 'profile', 'vmCv', 'noiseCv'] as const) {
      if (cpu[key] !== undefined) ctx.addIssue({ code: 'custom', path: at('cpu', key), message: 'not used with workload.trace: the measured traces set the utilisation (remove it, or remove trace)' });
    }
  }
}

/** Names that boot waves and hosts refer to must exist. */
function checkBootsAndStorage(
  s: {
    hosts: { name: string; count: number; storage: object }[];
    vms: { name: string }[];
    datastores: { name: string }[];
    boots: { waves: ({ kind: 'storm'; groups?: string[] | undefined } | { kind: 'hostReboot'; hosts: string[] } | { kind: 'rolling'; hostGroups?: string[] | undefined })[] };
  },
  ctx: z.RefinementCtx,
): void {
  const datastores = new Set(s.datastores.map((d) => d.name));
  s.hosts.forEach((h, i) => {
    if ('datastore' in h.storage) {
      const name = (h.storage as { datastore: string }).datastore;
      if (!datastores.has(name)) {
        ctx.addIssue({ code: 'custom', path: ['hosts', i, 'storage', 'datastore'], message: `no datastore named '${name}' (datastores: ${[...datastores].join(', ') || 'none'})` });
      }
    }
  });
  checkUniqueNames(s.datastores, 'datastores', ctx);
  const groups = new Set(s.vms.map((g) => g.name));
  const hostGroups = new Set(s.hosts.map((h) => h.name));
  const hostNames = new Set(s.hosts.flatMap((h) => Array.from({ length: h.count }, (_, k) => `${h.name}-${k + 1}`)));
  s.boots.waves.forEach((w, i) => {
    const at = (field: string, k: number): (string | number)[] => ['boots', 'waves', i, field, k];
    if (w.kind === 'storm') (w.groups ?? []).forEach((g, k) => groups.has(g) || ctx.addIssue({ code: 'custom', path: at('groups', k), message: `no VM group named '${g}' (groups: ${[...groups].join(', ')})` }));
    if (w.kind === 'hostReboot') w.hosts.forEach((h, k) => hostNames.has(h) || ctx.addIssue({ code: 'custom', path: at('hosts', k), message: `no host named '${h}' (hosts are named <group>-<n>, e.g. ${[...hostNames][0] ?? 'compute-1'})` }));
    if (w.kind === 'rolling') (w.hostGroups ?? []).forEach((g, k) => hostGroups.has(g) || ctx.addIssue({ code: 'custom', path: at('hostGroups', k), message: `no host group named '${g}' (host groups: ${[...hostGroups].join(', ')})` }));
  });
}

function checkUniqueNames(items: readonly { name: string }[], path: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.name)) ctx.addIssue({ code: 'custom', path: [path, i, 'name'], message: `duplicate name '${item.name}' in ${path}` });
    seen.add(item.name);
  });
}

export type ScenarioSchema = ReturnType<typeof createScenarioSchema>;
/** What a user may write (before defaults and unit conversion). */
export type ScenarioInput = z.input<ScenarioSchema>;

/** The JSON Schema of scenario files, for editors (`# yaml-language-server: $schema=…`). */
export function scenarioJsonSchema(): Record<string, unknown> {
  jsonSchemaCache ??= {
    ...(z.toJSONSchema(createScenarioSchema(), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>),
    title: 'overcast scenario',
  };
  return jsonSchemaCache;
}

/** The JSON Schema is a pure function of the code; built once per process on first use. */
let jsonSchemaCache: Record<string, unknown> | undefined;

/**
 * Physical ranges and a work estimate, so what validation accepts a run completes. The bounds are
 * validity limits, not measurements: the largest x86 hosts schedule under 1,000 hardware threads
 * and KVM caps a guest at 4,096 vCPUs (KVM_MAX_VCPUS); a coefficient of variation of 100 is a
 * lognormal σ of 3.0, far beyond any measured workload; a 1 µs burst is below the scheduler's
 * granularity. The work estimate counts VM-steps (replications × steps × VMs): the bundled
 * default scenario is 8.4e5 and runs in 2.5 s on one thread (measured); MAX_VM_STEPS is 1,200 times that, about an hour.
 */
const MAX_CORES = 4096;
const MAX_HOSTS = 100_000;
const MAX_VMS = 10_000_000;
const MAX_CV = 100;
/**
 * Allocation ratios: nova's legacy CPU default is 16. The recommender lifts the ratio it is not
 * searching to 1,000,000 (src/study/knobs.ts), so that is the bound; the work estimate and the
 * VM cap bound what a fill group places at it.
 */
const MAX_RATIO = 1_000_000;
/** IOPS of a disk or a VM: an NVMe device reaches about 1.5 million; 10 million is beyond any. */
const MAX_IOPS = 10_000_000;
/** A VM's or a host NIC's bandwidth: 400 GbE exists; 1,000 Gbit/s is beyond it. */
const MAX_GBPS = 1000;
/** A CPU cost per packet, IO or page: 1 s (1e6 µs) is beyond any measured path. */
const MAX_MICROS = 1_000_000;
const MIN_BURST_MS = 0.001;
const MAX_STEPS = 1_000_000;
const MAX_VM_STEPS = 1e9;

interface WorkShape {
  replications: number;
  duration: number;
  step: number;
  overcommit: { cpu: number; memory: number };
  hosts: readonly { count: number; cpu: { cores: number; reservedCores: number }; memory: { totalGiB: number; reservedGiB: number } }[];
  vms: readonly { count: number | 'fill'; vcpus: number; memoryGiB: number }[];
}

/** Refuses fleets and runs too large to finish, naming the field that makes them so. */
function checkWork(scenario: WorkShape, ctx: z.RefinementCtx): void {
  const steps = Math.ceil(scenario.duration / scenario.step);
  if (steps > MAX_STEPS) {
    ctx.addIssue({ code: 'custom', path: ['step'], message: `duration / step is ${steps} steps; at most ${MAX_STEPS} (use a longer step or a shorter duration)` });
    return;
  }
  let hosts = 0;
  let vcpuSlots = 0;
  let memorySlotsGiB = 0;
  for (const h of scenario.hosts) {
    hosts += h.count;
    vcpuSlots += h.count * (h.cpu.cores - h.cpu.reservedCores) * scenario.overcommit.cpu;
    memorySlotsGiB += h.count * Math.max(0, h.memory.totalGiB - h.memory.reservedGiB) * scenario.overcommit.memory;
  }
  if (hosts > MAX_HOSTS) {
    ctx.addIssue({ code: 'custom', path: ['hosts'], message: `${hosts} hosts in all; at most ${MAX_HOSTS}` });
    return;
  }
  let vms = 0;
  let largest = 0;
  let largestCount = -1;
  scenario.vms.forEach((g, i) => {
    // A fill group takes at most what the allocation ratios leave (the tighter of CPU and RAM).
    const n = g.count === 'fill' ? Math.floor(Math.min(vcpuSlots / g.vcpus, g.memoryGiB > 0 ? memorySlotsGiB / g.memoryGiB : Number.POSITIVE_INFINITY)) : g.count;
    vms += n;
    if (n > largestCount) [largest, largestCount] = [i, n];
  });
  if (vms > MAX_VMS) {
    ctx.addIssue({ code: 'custom', path: ['vms', largest, 'count'], message: `${vms} VMs in all; at most ${MAX_VMS}` });
    return;
  }
  const work = scenario.replications * steps * vms;
  if (work > MAX_VM_STEPS) {
    ctx.addIssue({
      code: 'custom',
      path: ['replications'],
      message: `${scenario.replications} replications × ${steps} steps × ${vms} VMs = ${work.toExponential(1)} VM-steps; at most ${MAX_VM_STEPS.toExponential(0)} (fewer replications, a longer step or a shorter duration)`,
    });
  }
}
