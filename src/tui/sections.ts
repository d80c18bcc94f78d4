/**
 * The report sections the UI can show, one tab each in the section pane. Plain data (no React):
 * the reducer and the key bindings use it to cycle tabs and charts; components/SectionView.tsx
 * maps each id to the component that draws it.
 *
 * A section is shown only when the report has it (`present`), so a model that adds a report
 * section (memory, io, boot, network, heartbeats, recommendation) adds one entry here and one
 * component; see src/tui/README.md.
 */
import type { Report } from '../report/report.js';
import { hasIo, hasLatency, latencyEvents, memoryEvents, memoryOf } from './report-sections.js';

export interface SectionInfo {
  /** Stable id; also the report key it reads, by convention. */
  id: string;
  /** Tab title. */
  title: string;
  /** Whether this report has the section. */
  present(report: Report): boolean;
  /** Charts the section cycles through with j/k when they do not all fit. */
  charts: number;
  /** Event-log lines the section contributes after a run (OOM kills, failovers, …). */
  events?(report: Report): string[];
  /** The section draws a block in the host view (SectionHostBlock in components/SectionView.tsx). */
  hostBlock?: boolean;
}

/** Unplaced VMs are events worth a line in the log. */
function placementEvents(report: Report): string[] {
  return report.placement.unplacedByGroup.map((u) => `${u.count} VM${u.count === 1 ? '' : 's'} of ${u.group} did not fit (${u.reason})`);
}

export const SECTIONS: readonly SectionInfo[] = [
  { id: 'cpu', title: 'CPU', present: (r) => r.cpu !== undefined, charts: 2 },
  { id: 'memory', title: 'Memory', present: (r) => memoryOf(r)?.timeline !== undefined, charts: 2, events: memoryEvents, hostBlock: true },
  { id: 'io', title: 'IO & boots', present: hasIo, charts: 2 },
  // Heartbeats, network paths, host threads: three blocks, one at a time when they do not all fit.
  { id: 'network', title: 'Network', present: hasLatency, charts: 3, events: latencyEvents },
  { id: 'placement', title: 'Placement', present: (r) => r.placement !== undefined, charts: 1, events: placementEvents },
];

/**
 * The Sensitivity tab (`y`): not a report section but the last sensitivity study's result (or a
 * hint to press `y`), drawn by components/SensitivitySection.tsx from the UI state. Present once
 * a run has a report, after the report's sections.
 */
export const SENSITIVITY_TAB: SectionInfo = { id: 'sensitivity', title: 'Sensitivity', present: () => true, charts: 1 };

/** Every tab in number order. */
export const ALL_TABS: readonly SectionInfo[] = [...SECTIONS, SENSITIVITY_TAB];

/** A section's tab number (1-based): fixed by its place in ALL_TABS, whatever the report has. */
export function tabNumber(id: string): number {
  return ALL_TABS.findIndex((s) => s.id === id) + 1;
}

/** Which section shows each SLO's metric. */
const SLO_SECTION: Record<string, string> = {
  unplacedVms: 'placement',
  cpuReadyPctP95: 'cpu',
  cpuReadyPctMean: 'cpu',
  schedDelayMsP99: 'cpu',
  hostUtilPctP95: 'cpu',
  uiActionMsP95: 'cpu',
  oomRiskPerHostMonth: 'memory',
  swapPeakGiB: 'memory',
  bootSecondsP95: 'io',
  ioLatencyMsP95: 'io',
  flapsPerDay: 'network',
};

const STATUS_RANK: Record<string, number> = { fail: 2, 'not-demonstrated': 1, pass: 0 };

/**
 * The section of the binding SLO: the worst status, then the least headroom (upper bound over
 * limit), among the scenario's own SLOs (unplacedVms only when it fails). The tab the UI opens on,
 * so vdi-callcenter does not open on an all-zero CPU tab.
 */
export function bindingSection(report: Report): string | null {
  let best: { rank: number; use: number; section: string } | null = null;
  for (const s of report.slos) {
    const section = SLO_SECTION[s.name];
    if (!section || (s.implicit && s.status === 'pass')) continue;
    const rank = STATUS_RANK[s.status] ?? 0;
    const use = s.limit > 0 ? (s.upper95 ?? s.value ?? 0) / s.limit : 0;
    if (!best || rank > best.rank || (rank === best.rank && use > best.use)) best = { rank, use, section };
  }
  return best && presentSections(report).some((p) => p.id === best.section) ? best.section : null;
}

/** The tabs the Charts pane shows: the report's sections, then Sensitivity (just the first before any result). */
export function tabsFor(report: Report | undefined): SectionInfo[] {
  return report ? [...presentSections(report), SENSITIVITY_TAB] : presentSections(undefined);
}

/** Sections the report has, in tab order (just the first before any result). */
export function presentSections(report: Report | undefined): SectionInfo[] {
  if (!report) return SECTIONS.slice(0, 1);
  return SECTIONS.filter((s) => s.present(report));
}
