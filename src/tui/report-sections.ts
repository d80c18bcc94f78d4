/**
 * The memory, IO, boot and latency-path (host threads, network, heartbeats) sections of a report,
 * as the UI reads them: the report's own types (../report/report.ts, docs/report.md), and the
 * series and event lines the UI draws from them. Everything here is plain data access (no React).
 */
import { fmt as fmtNumber } from '../report/format.js';
import type { Report } from '../report/report.js';

export type MemorySection = Report['memory'];
export type MemoryTimelineHost = MemorySection['timeline']['hosts'][number];
export type IoSection = Report['io'];
export type BootSection = Report['boot'];

export const memoryOf = (report: Report): MemorySection => report.memory;
export const ioOf = (report: Report): IoSection => report.io;
export const bootOf = (report: Report): BootSection => report.boot;

/** Whether the report simulated disks or boots (a section with nothing in it is not shown). */
export function hasIo(report: Report): boolean {
  const io = ioOf(report);
  const boot = bootOf(report);
  return (io?.devices ?? 0) > 0 || (boot?.count ?? 0) > 0;
}

/**
 * Memory as % of RAM per step, mean of hosts and the fullest host: `backed` is what the guests
 * have touched; `needed` is that less KSM's savings, what RAM (and swap) must hold.
 */
export function memoryPctSeries(memory: MemorySection, what: 'backed' | 'needed'): { mean: (number | null)[]; max: (number | null)[] } {
  const hosts = memory.timeline?.hosts ?? [];
  const steps = Math.max(0, ...hosts.map((h) => h.backedGiB.length));
  const mean: (number | null)[] = [];
  const max: (number | null)[] = [];
  for (let i = 0; i < steps; i++) {
    let sum = 0;
    let count = 0;
    let top = -Infinity;
    for (const h of hosts) {
      const backed = h.backedGiB[i];
      if (backed === null || backed === undefined || !(h.ramGiB > 0)) continue;
      const gib = what === 'backed' ? backed : backed - (h.ksmSavedGiB[i] ?? 0);
      const pct = (100 * gib) / h.ramGiB;
      sum += pct;
      count++;
      if (pct > top) top = pct;
    }
    mean.push(count > 0 ? sum / count : null);
    max.push(count > 0 ? top : null);
  }
  return { mean, max };
}

/** The fleet total of a per-host memory series (KSM savings, swap) per step. */
export function fleetTotal(memory: MemorySection, pick: (h: MemoryTimelineHost) => (number | null)[]): (number | null)[] {
  const hosts = memory.timeline?.hosts ?? [];
  const steps = Math.max(0, ...hosts.map((h) => pick(h).length));
  const out: (number | null)[] = [];
  for (let i = 0; i < steps; i++) {
    let sum = 0;
    let seen = false;
    for (const h of hosts) {
      const v = pick(h)[i];
      if (v === null || v === undefined) continue;
      sum += v;
      seen = true;
    }
    out.push(seen ? sum : null);
  }
  return out;
}

/** `7.5 h` / `45 min` after the start of the run. */
export function elapsed(seconds: number): string {
  return seconds >= 2 * 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.round(seconds / 60)} min`;
}

/** Event-log lines for OOM kills (the first few, then a count). */
export function memoryEvents(report: Report): string[] {
  const memory = memoryOf(report);
  const kills = memory?.kills ?? [];
  if (kills.length === 0) return [];
  const shown = kills.slice(0, 3).map((k) => `OOM kill: ${k.vm} on ${k.host} at ${elapsed(k.timeSeconds)} (replication ${k.replication + 1})`);
  return kills.length > 3 ? [...shown, `… ${kills.length - 3} more OOM kills in this run`] : shown;
}

// ---- host threads, network paths and heartbeats (docs/report.md, docs/latency.md) ----

/** Host-thread kinds in the order the report and the text renderer list them. */
export const THREAD_KINDS = ['qemu', 'vhost', 'iothread', 'ksmd', 'daemons'] as const;
export type ThreadKindName = (typeof THREAD_KINDS)[number];

export type HostThreadsSection = Report['hostThreads'];
export type NetworkSection = Report['network'];
export type NetworkVm = NetworkSection['vms'][number];
export type HeartbeatRow = Report['heartbeats'][number];

export const hostThreadsOf = (report: Report): HostThreadsSection => report.hostThreads;
export const networkOf = (report: Report): NetworkSection => report.network;
export const heartbeatsOf = (report: Report): HeartbeatRow[] => report.heartbeats;
export const networkVmsOf = (report: Report): NetworkVm[] => report.network.vms;

/** Host threads that only the latency paths give CPU (ksmd has CPU whenever KSM runs: not a reason for the tab). */
const DEVICE_KINDS: readonly ThreadKindName[] = ['qemu', 'vhost', 'iothread', 'daemons'];

/** Whether the report has network VMs, heartbeats or device/daemon host-thread CPU (the Network tab). */
export function hasLatency(report: Report): boolean {
  const cpu = hostThreadsOf(report)?.cpuPct;
  return networkVmsOf(report).length > 0 || heartbeatsOf(report).length > 0 || DEVICE_KINDS.some((k) => (cpu?.[k] ?? 0) > 0);
}

/** One VM group's network paths: per-VM means of demand and achieved bandwidth, and what held them back. */
export interface NetworkGroupRow {
  group: string;
  vms: number;
  demandGbps: number | null;
  achievedGbps: number | null;
  /** Bottlenecks other than `none`, most VMs first (`[['qemu', 6]]`); empty when every VM got its demand. */
  bottlenecks: [name: string, vms: number][];
}

function meanOf(values: readonly (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** The network VMs by group, in report order. */
export function networkGroups(report: Report): NetworkGroupRow[] {
  const groups = new Map<string, NetworkVm[]>();
  for (const vm of networkVmsOf(report)) {
    const list = groups.get(vm.group) ?? [];
    list.push(vm);
    groups.set(vm.group, list);
  }
  return [...groups].map(([group, vms]) => {
    const counts = new Map<string, number>();
    for (const vm of vms) if (vm.bottleneck && vm.bottleneck !== 'none') counts.set(vm.bottleneck, (counts.get(vm.bottleneck) ?? 0) + 1);
    return {
      group,
      vms: vms.length,
      demandGbps: meanOf(vms.map((v) => v.demandGbps)),
      achievedGbps: meanOf(vms.map((v) => v.achievedGbps)),
      bottlenecks: [...counts].sort((a, b) => b[1] - a[1]),
    };
  });
}

/** `qemu` or `qemu 4, nic 2`: what held a group's VMs back. */
export function bottleneckText(row: NetworkGroupRow): string {
  if (row.bottlenecks.length === 0) return 'none';
  if (row.bottlenecks.length === 1 && row.bottlenecks[0]![1] === row.vms) return row.bottlenecks[0]![0];
  return row.bottlenecks.map(([name, n]) => `${name} ${n}`).join(', ');
}

/** `0.10–3.62`: a 95 % interval. */
export function intervalText(ci: readonly [number | null, number | null] | undefined): string {
  if (!ci) return 'n/a';
  return `${fmtNumber(ci[0])}–${fmtNumber(ci[1])}`;
}

/**
 * Whether a group got materially less than it wanted: a VM's path held it back and the group's
 * mean falls more than 1 % short (the report names a bottleneck from 0.1 % short, per VM).
 */
export function groupShort(row: NetworkGroupRow): boolean {
  return row.bottlenecks.length > 0 && row.demandGbps !== null && row.achievedGbps !== null && row.achievedGbps < row.demandGbps * 0.99;
}

/**
 * Event-log lines for the latency paths: heartbeats that failed over or flapped (with their 95 %
 * intervals) and VM groups whose network path held them back.
 */
export function latencyEvents(report: Report): string[] {
  const out: string[] = [];
  for (const hb of heartbeatsOf(report)) {
    const flaps = hb.flapsPerDay ?? 0;
    const failovers = hb.failoversPerDay ?? 0;
    if (!(flaps > 0) && !(failovers > 0)) continue;
    const pair = hb.master && hb.backup ? `heartbeat ${hb.master} → ${hb.backup}` : 'heartbeat';
    const gap = hb.gapMs?.max ?? null;
    const down = hb.masterDownMs ?? null;
    const versus = gap !== null && down !== null ? ` · gap max ${fmtNumber(gap)} ms ${gap > down ? '>' : '≤'} master-down ${fmtNumber(down)} ms` : '';
    out.push(
      flaps > 0
        ? `${fmtNumber(flaps)} flaps/day on ${hb.name} (${pair}, 95 % ${intervalText(hb.ci95?.flapsPerDay)}) · ${fmtNumber(failovers)} failovers/day${versus}`
        : `${fmtNumber(failovers)} failovers/day on ${hb.name} (${pair}, 95 % ${intervalText(hb.ci95?.failoversPerDay)}), no flaps${versus}`,
    );
  }
  for (const row of networkGroups(report)) {
    if (!groupShort(row)) continue;
    out.push(`network ${row.group}: ${fmtNumber(row.achievedGbps)} of ${fmtNumber(row.demandGbps)} Gbit/s per VM (bottleneck ${bottleneckText(row)})`);
  }
  return out;
}
