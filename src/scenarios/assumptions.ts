/**
 * The assumptions registry: every model default that is an assumption (not a measurement) with
 * the range it could take, a one-line reason, and how to measure it on a real host. One table,
 * read by `overcast validate` (which lists the uncertain inputs of a scenario), `overcast
 * sensitivity` (which moves them) and `recommend --robust` (which judges at their adverse ends).
 *
 * A default applies only where the file leaves the field out and the model uses it in that
 * scenario (KSM sharing only with KSM on, boot costs only for groups that boot, …). A value the
 * file writes is taken as given; a range the file writes (./ranges.ts) replaces the default one.
 * The ranges come from the sources the schema's field descriptions cite (docs/sensitivity.md).
 */
import type { ModelScenario, VmGroup } from '../model/scenario.js';
import { LATENCY_DEFAULTS } from '../model/latency/spec.js';
import { describeRange, valueAt, type FileRange, type RangeDistribution } from './ranges.js';

export interface UncertainInput {
  /** The `--set` path, list entries by name: `vms.desktop.workload.memory.sharedPct`. */
  path: string;
  /** The field within its entry, as the registry names it: `workload.memory.sharedPct`. */
  field: string;
  /** Whose it is, for reports: `desktop`, `compute`, or '' for a scenario-wide field. */
  owner: string;
  distribution: RangeDistribution;
  unit: string;
  /** `file`: written as a range in the scenario; `default`: an assumed default's range. */
  origin: 'file' | 'default';
  reason: string;
  /** How to measure it on a real host, when the registry knows. */
  measure?: string;
}

type Scope = 'vms' | 'hosts' | 'top';

interface Assumption {
  scope: Scope;
  field: string;
  unit: string;
  /** The default range for this entry (its nominal is the model's default), or none. */
  range: (s: ModelScenario, index: number) => { distribution: Omit<RangeDistribution, 'nominal'>; reason: string } | undefined;
  measure: string;
  /** The nominal value where the model leaves the field unset (null) and resolves it later. */
  nominal?: (s: ModelScenario, index: number) => number;
}

const tri = (low: number, mode: number, high: number): Omit<RangeDistribution, 'nominal'> => ({ kind: 'triangular', low, mode, high });
const logu = (low: number, high: number): Omit<RangeDistribution, 'nominal'> => ({ kind: 'loguniform', low, high });

const boots = (s: ModelScenario, g: VmGroup): boolean =>
  s.boots.waves.some((w) => w.kind !== 'storm' || w.groups.includes(g.name));
const swapOn = (s: ModelScenario): boolean => s.hosts.some((h) => h.memory.swapGiB > 0);
const latencyCosts = (s: ModelScenario): boolean => s.latency !== undefined;
const network = (s: ModelScenario, vhost: boolean): boolean => s.latency !== undefined && s.vms.some((g) => g.network !== undefined && g.network.vhostNet === vhost);
const mainLoopIo = (s: ModelScenario): boolean => s.latency !== undefined && s.vms.some((g) => (g.iothreads ?? 0) === 0 && g.workload.io.iops > 0);

const KSM_MEASURE = 'with KSM running and n guests of the image on a host, `grep . /sys/kernel/mm/ksm/* > ksm.txt`, then `overcast calibrate ksm ksm.txt --vms n --used-gib <each guest’s used memory>` (pages_sharing × 4 KiB is the memory saved)';
const LATENCY_MEASURE = '`pidstat -t -p $(pgrep -f qemu.*<vm>) 1` (CPU of each QEMU or vhost thread) ÷ the packets or IOs it served in that second (`sar -n DEV 1` on the tap, `iostat -x 1`)';

export const ASSUMPTIONS: readonly Assumption[] = [
  {
    scope: 'vms',
    field: 'workload.memory.sharedPct',
    unit: '%',
    range: (s, i) => {
      if (!s.memory.ksm.enabled) return undefined;
      const os = s.vms[i]!.os;
      if (os === 'windows') return { distribution: tri(10, 25, 37), reason: 'Waldspurger (OSDI’02) reclaimed 32.9 % of identical Windows NT guests; newer Windows with large pages and ASLR shares less' };
      if (os === 'linux') return { distribution: tri(15, 30, 40), reason: '12 mostly identical Linux guests saved ~30 % (wirelessmoves 2021); Waldspurger: 9 Linux guests 29.2 %' };
      return undefined;
    },
    measure: KSM_MEASURE,
  },
  {
    scope: 'vms',
    field: 'workload.memory.crossImagePct',
    unit: '%',
    range: (s) => (s.memory.ksm.enabled ? { distribution: tri(0, 2, 5), reason: 'VMware finds < 5 % freed among diverse guests' } : undefined),
    measure: `${KSM_MEASURE}, on a host whose guests run different images`,
  },
  {
    scope: 'vms',
    field: 'workload.memory.activeGiB',
    unit: 'GiB',
    range: (s, i) => {
      const m = s.vms[i]!.memoryGiB;
      return { distribution: tri(0.3 * m, 0.5 * m, 0.9 * m), reason: 'default half of memoryGiB; a guest’s working set at its peak is 30–90 % of its memory (assumption)' };
    },
    measure: 'at the day’s peak, `virsh dommemstat <vm>` (rss and unused), or in the guest: Linux `free -m` (used − buff/cache), Windows `Get-Counter "\\Memory\\Committed Bytes"`',
  },
  {
    scope: 'vms',
    field: 'workload.memory.cacheGiBPerHour',
    unit: 'GiB/h',
    range: (s, i) => {
      const m = s.vms[i]!.memoryGiB;
      return { distribution: tri(0.02 * m, 0.1 * m, 0.5 * m), reason: 'default 10 % of memoryGiB per hour; file caches fill free memory within hours (assumption, 2–50 %/h)' };
    },
    measure: '`virsh dommemstat <vm>` every hour after a boot: how fast `unused` falls',
  },
  {
    scope: 'vms',
    field: 'workload.memory.freeFloorPct',
    unit: '%',
    range: (s, i) =>
      s.vms[i]!.os === 'windows'
        ? { distribution: tri(5, 10, 20), reason: 'Windows keeps free pages zeroed (merged by KSM as zero pages); 10 % assumed' }
        : { distribution: tri(1, 2, 5), reason: 'Linux keeps little free beyond its reserves (min_free_kbytes); 2 % assumed' },
    measure: 'in the guest at the day’s peak: Windows `Get-Counter "\\Memory\\Free & Zero Page List Bytes"`, Linux `grep MemFree /proc/meminfo`, as % of its memory',
  },
  {
    scope: 'vms',
    field: 'uiActionMs',
    unit: 'ms',
    range: (s) => (s.slo.uiActionMsP95 !== undefined ? { distribution: tri(20, 50, 100), reason: 'CPU work of one UI action: half of the 100 ms users perceive as instant (assumption)' } : undefined),
    measure: 'in the guest, the CPU time of a typical action (open a form, switch a tab): `perf stat -e task-clock` around it, or Windows Performance Recorder',
  },
  {
    scope: 'vms',
    field: 'workload.memory.touchMiBps',
    unit: 'MiB/s',
    range: (s) => (swapOn(s) ? { distribution: logu(0.25, 4), reason: 'no published rate; the published 3× swap slowdown falls inside 0.25–4 MiB/s (docs/memory.md)' } : undefined),
    measure: 'on a host that swaps: `sar -B 1` (majflt/s) ÷ the guests whose memory is partly swapped, × 4 KiB',
  },
  {
    scope: 'vms',
    field: 'overheadGiB',
    unit: 'GiB',
    range: () => ({ distribution: tri(0.1, 0.2, 0.6), reason: 'QEMU process memory beside guest RAM; LF Edge found 600 MiB enough for most guests' }),
    measure: '`ps -o rss= -p <qemu pid>` minus the guest memory it backs (`virsh dommemstat <vm>` rss at a fully touched guest)',
  },
  {
    scope: 'vms',
    field: 'workload.cpu.burstMs',
    unit: 'ms',
    range: () => ({ distribution: logu(1, 100), reason: 'mean run time per wake-up: 1–10 ms interactive, 100 ms+ batch (assumption; default 10)' }),
    measure: 'in the guest, `perf sched timehist` for a minute of the busy hour: mean run time per wake-up',
  },
  {
    scope: 'vms',
    field: 'boot.cpuSeconds',
    unit: 's',
    range: (s, i) => {
      const g = s.vms[i]!;
      if (!boots(s, g)) return undefined;
      return g.os === 'windows'
        ? { distribution: tri(10, 30, 60), reason: 'a 2-vCPU Windows 7 guest is up in 30–60 s on SSD (docs/io.md); the CPU share of that is assumed' }
        : { distribution: tri(5, 10, 30), reason: 'no published boot trace for a Linux server image (assumption)' };
    },
    measure: 'boot one guest on idle SSD storage: `virsh domstats --vcpu <vm>` vcpu.*.time from start to login, summed',
  },
  {
    scope: 'vms',
    field: 'boot.logonSeconds',
    unit: 's',
    range: (s, i) => {
      const g = s.vms[i]!;
      return boots(s, g) && g.os === 'windows' ? { distribution: tri(30, 60, 120), reason: 'length of the logon after the boot (assumption, 30–120 s)' } : undefined;
    },
    measure: 'from the guest’s event log: Winlogon start to the shell ready (event 4624 to Explorer start), or the VDI broker’s logon duration',
  },
  {
    scope: 'vms',
    field: 'boot.outstanding',
    unit: 'IOs',
    range: (s, i) => (boots(s, s.vms[i]!) ? { distribution: tri(1, 1, 4), reason: 'a disk-level Windows 7 boot trace kept one IO in flight (docs/io.md); newer guests and virtio-blk may queue more' } : undefined),
    measure: '`iostat -x 1 > boot.txt` on the host while one guest boots on idle storage, then `overcast calibrate boot boot.txt --device <its disk>` (the mean aqu-sz)',
  },
  {
    scope: 'vms',
    field: 'boot.ios',
    unit: 'IOs',
    range: (s, i) => {
      const g = s.vms[i]!;
      return boots(s, g) && g.os !== 'windows' ? { distribution: tri(2000, 4000, 8000), reason: 'no published boot trace for a Linux server image (assumption)' } : undefined;
    },
    measure: '`iostat -x 1 > boot.txt` on the host while one guest boots, then `overcast calibrate boot boot.txt --device <its disk>` (r/s + w/s summed over the boot)',
  },
  {
    scope: 'vms',
    field: 'network.packetBytes',
    unit: 'bytes',
    range: (s, i) => (s.vms[i]!.network ? { distribution: tri(500, 1500, 1500), reason: 'full-size frames for bulk traffic; request-response traffic has smaller packets (assumption)' } : undefined),
    measure: '`sar -n DEV 1` on the host: (rxkB/s + txkB/s) × 1024 ÷ (rxpck/s + txpck/s) on the guest’s tap',
  },
  {
    scope: 'hosts',
    field: 'memory.hostOsGiB',
    unit: 'GiB',
    range: () => ({ distribution: tri(1, 2, 4), reason: 'RHEL: a KVM host needs up to 4 GB for itself (assumption 2)' }),
    measure: 'on a host with no guests running: `free -g` used (or `smem -t` of the host daemons)',
  },
  {
    scope: 'hosts',
    field: 'cpu.smtGainPct',
    unit: '%',
    range: (s, i) => ((s.hosts[i]!.cpu.threadsPerCore ?? 1) > 1 ? { distribution: tri(10, 20, 30), reason: 'VMware KB 326271: both threads of a core give 10–30 % more throughput than one (assumption 20; docs/cpu.md)' } : undefined),
    measure: 'on an idle host, `stress-ng --cpu N --metrics-brief -t 60` with N = physical cores, then N = hardware threads: the ratio of bogo-ops, less 1',
  },
  {
    scope: 'vms',
    field: 'hostOverheadPct',
    unit: '%',
    // Default 0: not modelled unless the file says so (servers); a file range gets this advice.
    range: () => undefined,
    measure: '`pidstat -t -p $(pgrep -f qemu.*<vm>) 60`: the QEMU process’s CPU less its vCPU threads’ (“CPU n/KVM”), as % of a core, in the busy hour',
  },
  {
    scope: 'hosts',
    field: 'memory.swapMBps',
    unit: 'MB/s',
    range: (s, i) => (s.hosts[i]!.memory.swapGiB > 0 ? { distribution: tri(50, 100, 200), reason: 'one hard disk writes about 100 MB/s sequentially (assumption)' } : undefined),
    measure: '`dd if=/dev/zero of=<file on the swap device> bs=1M count=2048 oflag=direct` (MB/s)',
  },
  {
    scope: 'top',
    field: 'hostThreads.qemuPacketMicros',
    unit: 'µs',
    range: (s) => (network(s, false) ? { distribution: logu(5, 20), reason: 'QEMU user-space packet path taken as 5× vhost’s (no measurement; halved to doubled)' } : undefined),
    measure: LATENCY_MEASURE,
  },
  {
    scope: 'top',
    field: 'hostThreads.vhostPacketMicros',
    unit: 'µs',
    range: (s) => (network(s, true) ? { distribution: logu(1, 4), reason: '500k packets/s per vhost worker is a round figure, not a measurement (halved to doubled)' } : undefined),
    measure: LATENCY_MEASURE,
  },
  {
    scope: 'top',
    field: 'hostThreads.qemuIoMicros',
    unit: 'µs',
    range: (s) => (mainLoopIo(s) ? { distribution: logu(10, 40), reason: '50,000 IOPS per QEMU main loop (assumption; halved to doubled)' } : undefined),
    measure: LATENCY_MEASURE,
  },
  {
    scope: 'top',
    field: 'hostThreads.iothreadIoMicros',
    unit: 'µs',
    range: (s) => (s.latency !== undefined && s.vms.some((g) => (g.iothreads ?? 0) > 0 && g.workload.io.iops > 0) ? { distribution: logu(2.5, 10), reason: 'data plane "several times" the main loop’s IOPS (QEMU commit e72f66a0): 4× assumed (halved to doubled)' } : undefined),
    measure: LATENCY_MEASURE,
  },
  {
    scope: 'top',
    field: 'hostThreads.mainLoopBlockingShare',
    unit: 'fraction',
    range: (s) => (mainLoopIo(s) && latencyCosts(s) ? { distribution: logu(0.002, 0.05), reason: 'share of guest IOs (flushes, qcow2 metadata) that hold the QEMU main loop; no published rate (assumption 1 %)' } : undefined),
    measure: '`perf trace -p <qemu pid> -e fdatasync,pwritev` during the busy hour: synchronous calls on the main thread ÷ the guest’s IOs',
  },
  {
    scope: 'vms',
    field: 'disk.flushSeconds',
    unit: 's',
    range: (s, i) => {
      const g = s.vms[i]!;
      // Only a writeback disk's flushes stall the main loop, and only without an iothread.
      if (s.latency === undefined || g.disk?.cache !== 'writeback' || (g.iothreads ?? 0) > 0 || !(g.workload.io.iops > 0)) return undefined;
      return { distribution: tri(1, 5, 30), reason: 'ext4 commits (and flushes) every 5 s by default (commit=5); other guest filesystems and applications that fsync flush more or less often' };
    },
    measure: 'on the host, `perf trace -e fdatasync,fsync -p <qemu pid> -- sleep 60` (the guest’s flushes reach the image as fdatasync calls), or in a Linux guest `grep commit= /proc/mounts`',
  },
  {
    scope: 'vms',
    field: 'network.segmentBytes',
    unit: 'bytes',
    range: (s, i) => {
      const n = s.vms[i]!.network;
      // The default applies to full frames with offloads on, when no connection count sets it.
      if (!n || !n.offloads || n.segmentBytes !== null || n.connections !== null || n.packetBytes < 1500) return undefined;
      return { distribution: tri(8192, LATENCY_DEFAULTS.segmentBytes, 65536), reason: 'mean GSO/GRO segment of bulk traffic: at most 64 KiB; 32 KiB assumed (docs/latency.md)' };
    },
    nominal: () => LATENCY_DEFAULTS.segmentBytes,
    measure: 'on the host during the transfer, `tcpdump -i <tap> -nn -c 1000` and average the length field (with offloads the tap carries whole segments)',
  },
  {
    scope: 'top',
    field: 'hostThreads.vmExitMicros',
    unit: 'µs',
    range: (s) => (s.vms.some((g) => g.network !== undefined) ? { distribution: logu(0.75, 3), reason: 'SplitX (WIOV 2011): 0.7 µs direct, up to 10× with cache effects; 1.5 µs assumed (halved to doubled)' } : undefined),
    measure: '`perf kvm stat live` on the host while the VM sends: the mean exit handling time',
  },
  {
    scope: 'top',
    field: 'hostThreads.exitsPerNotification',
    unit: 'exits',
    range: (s) => (s.vms.some((g) => g.network !== undefined) ? { distribution: tri(2, 4, 8), reason: 'interrupt injection, EOI, kick, HLT per notification round trip (assumption)' } : undefined),
    measure: '`perf kvm stat live` on the host: exits per second ÷ the queue’s notifications (interrupts per second in the guest’s /proc/interrupts for the virtio queue)',
  },
  {
    scope: 'top',
    field: 'hostThreads.schedSliceMicros',
    unit: 'µs',
    range: (s) => (s.vms.some((g) => g.network !== undefined) ? { distribution: tri(750, 3000, 4000), reason: 'CFS minimal granularity 0.75 ms × (1 + ilog2 ncpus): 0.75 ms on one CPU, 3 ms from 8, 4 ms at the cap' } : undefined),
    measure: '`cat /sys/kernel/debug/sched/min_granularity_ns` (or base_slice_ns on EEVDF kernels) on the host',
  },
  // Fields that are the user's to give (no default range), with how to measure them when a
  // scenario writes them as ranges.
  {
    scope: 'vms',
    field: 'network.gbps',
    unit: 'Gbit/s',
    range: () => undefined,
    measure: '`sar -n DEV 60` on the host during the busy hour: (rxkB/s + txkB/s) × 8 ÷ 10⁶ on the guest’s tap',
  },
  {
    scope: 'vms',
    field: 'workload.cpu.utilPct',
    unit: '%',
    range: () => undefined,
    measure: '`virsh domstats --vcpu <vm>` twice, a minute apart: Δ vcpu.<n>.time ÷ (60 s × 10⁹) per vCPU, or import a week of libvirt-exporter data (`overcast import`)',
  },
  {
    scope: 'vms',
    field: 'workload.io.iops',
    unit: 'IOPS',
    range: () => undefined,
    measure: '`virsh domblkstat <vm> <disk>` twice, a minute apart: Δ (rd_req + wr_req) ÷ 60',
  },
  {
    scope: 'hosts',
    field: 'memory.swapGiB',
    unit: 'GiB',
    range: () => undefined,
    measure: '`swapon --show` on the host',
  },
];

/** The reason of a file range that gives none. */
export const FILE_RANGE_REASON = 'a range in the scenario file';

/** The registry entry for a field path (names or indices), if any: for measure-next advice. */
export function assumptionFor(path: readonly (string | number)[]): Pick<Assumption, 'field' | 'unit' | 'measure'> | undefined {
  const scope = path[0];
  const rest = scope === 'vms' || scope === 'hosts' ? path.slice(2).join('.') : path.join('.');
  return ASSUMPTIONS.find((a) => (a.scope === 'top' ? a.field === path.join('.') : a.scope === scope && a.field === rest));
}

/** The model's value of a registry field (where the scenario's default resolved to). */
function modelValue(s: ModelScenario, a: Assumption, index: number): number | undefined {
  const entry: unknown = a.scope === 'vms' ? s.vms[index] : a.scope === 'hosts' ? s.hosts[index] : s;
  // The model keeps a few fields elsewhere than the file does.
  const path =
    a.scope === 'top' ? ['latency', 'hostThreads', 'costs', a.field.split('.')[1]!]
    : a.field === 'overheadGiB' ? ['process', 'overheadGiB']
    : a.field.split('.');
  const v = valueAt(entry, path);
  return typeof v === 'number' ? v : undefined;
}

/** `vms.desktop.boot.outstanding` from ['vms', 0, 'boot', 'outstanding']: list entries by name. */
export function namedPath(document: unknown, path: readonly (string | number)[]): string {
  const out: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const name = typeof segment === 'number' ? valueAt(document, [...path.slice(0, i), segment, 'name']) : undefined;
    out.push(typeof name === 'string' && /^[\w-]+$/.test(name) ? name : String(segment));
  }
  return out.join('.');
}

/**
 * A scenario's uncertain inputs: the ranges its file writes, then the registry's defaults for the
 * fields it leaves out and the model uses. `document` is the file as read (overrides applied).
 */
export function uncertainInputs(s: ModelScenario, document: unknown, fileRanges: readonly FileRange[]): UncertainInput[] {
  const inputs: UncertainInput[] = fileRanges.map((r) => {
    const known = assumptionFor(r.path);
    const owner = typeof r.path[1] === 'number' ? namedPath(document, r.path.slice(0, 2)).split('.')[1]! : '';
    return {
      path: namedPath(document, r.path),
      field: (r.path[0] === 'vms' || r.path[0] === 'hosts' ? r.path.slice(2) : r.path).join('.'),
      owner,
      distribution: r.distribution,
      unit: r.distribution.unit ?? known?.unit ?? '',
      origin: 'file' as const,
      reason: r.reason ?? FILE_RANGE_REASON,
      ...(known && { measure: known.measure }),
    };
  });
  for (const a of ASSUMPTIONS) {
    const count = a.scope === 'vms' ? s.vms.length : a.scope === 'hosts' ? s.hosts.length : 1;
    for (let index = 0; index < count; index++) {
      const filePath: (string | number)[] = a.scope === 'top' ? a.field.split('.') : [a.scope, index, ...a.field.split('.')];
      if (valueAt(document, filePath) !== undefined) continue; // written in the file: given, or a file range
      const range = a.range(s, index);
      const nominal = a.nominal?.(s, index) ?? modelValue(s, a, index);
      if (!range || nominal === undefined) continue;
      const lowEnd = Math.min(range.distribution.low, nominal);
      const highEnd = Math.max(range.distribution.high, nominal);
      if (!(lowEnd < highEnd)) continue;
      const distribution: RangeDistribution = { ...range.distribution, low: lowEnd, high: highEnd, nominal, ...(range.distribution.kind === 'triangular' && { mode: nominal }) };
      const owner = a.scope === 'vms' ? s.vms[index]!.name : a.scope === 'hosts' ? s.hosts[index]!.name : '';
      inputs.push({ path: namedPath(document, filePath), field: a.field, owner, distribution, unit: a.unit, origin: 'default', reason: range.reason, measure: a.measure });
    }
  }
  return inputs;
}

/** One line per input for `validate` and reports: path, range, where it comes from. */
export function describeInput(input: UncertainInput): string {
  const from = input.origin === 'file' ? 'range in the file' : 'assumed default';
  return `${input.path}: ${describeRange(input.distribution, input.unit)} (${input.reason === FILE_RANGE_REASON ? from : `${from}: ${input.reason}`})`;
}
