/**
 * The memory, IO and boot sections of a report, read structurally.
 *
 * Those models are newer than the UI. The UI reads their sections through the shapes below (the
 * stable names of docs/report.md) and checks that they are there, so it builds and runs with
 * reports that have them and with reports that do not; a field that is missing reads as null and
 * shows as n/a. Everything here is plain data access (no React).
 */
import type { Report, ReportDistribution } from '../report/report.js';

export interface MemoryTimelineHost {
  name: string;
  ramGiB: number;
  backedGiB: (number | null)[];
  ksmSavedGiB: (number | null)[];
  swapGiB: (number | null)[];
}

export interface MemorySection {
  backedPeakPct?: { worst: number | null; mean: number | null };
  ksmSavedGiB?: { mean: number | null; max: number | null };
  swapPeakGiB?: { mean: number | null; max: number | null };
  oomKills?: { total: number; perHostMonth: number | null };
  oomRiskPerHostMonth?: { estimate: number | null; lower95: number | null; upper95: number | null };
  kills?: { replication: number; timeSeconds: number; host: string; vm: string; group: string }[];
  byHost?: { name: string; totalGiB: number; backedPeakPct: number | null; swapPeakGiB: number | null; ksmSavedMeanGiB: number | null; kills: number }[];
  timeline?: { stepSeconds: number; hosts: MemoryTimelineHost[] };
}

export interface IoSection {
  devices?: number;
  utilPct?: ReportDistribution;
  latencyMs?: ReportDistribution;
  timeline?: { stepSeconds: number; utilPctMax: (number | null)[]; latencyMsMean: (number | null)[]; bootsInFlight: (number | null)[]; bootsQueued: (number | null)[] };
}

export interface BootSection {
  count?: number | null;
  unfinished?: number | null;
  maxPerHost?: number | null;
  seconds?: ReportDistribution;
  queuedSeconds?: ReportDistribution;
  stormMinutes?: { mean: number | null; max: number | null } | null;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function section<T>(report: Report, key: string): T | undefined {
  const value = (report as unknown as Record<string, unknown>)[key];
  return isObject(value) ? (value as T) : undefined;
}

export const memoryOf = (report: Report): MemorySection | undefined => section<MemorySection>(report, 'memory');
export const ioOf = (report: Report): IoSection | undefined => section<IoSection>(report, 'io');
export const bootOf = (report: Report): BootSection | undefined => section<BootSection>(report, 'boot');

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
