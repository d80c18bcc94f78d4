/**
 * The run report's charts (./charts.ts): CPU ready per VM group against the SLO, CPU over the
 * run, the memory of the host that came closest to its RAM (backed, after KSM, swap, against
 * RAM), storage over the run, and the boot storm with the IO latency it causes. Each reads the
 * report's own numbers; nothing is computed that the JSON does not hold.
 */
import type { ChartSpec } from './charts.js';
import { chartHasData } from './charts.js';
import type { Report } from './report.js';

const times = (count: number, stepSeconds: number): number[] => Array.from({ length: count }, (_, i) => i * stepSeconds);

const keep = (charts: ChartSpec[]): ChartSpec[] => charts.filter(chartHasData);

function sloLimit(report: Report, name: string): { label: string; value: number }[] {
  const slo = report.slos.find((s) => s.name === name && !s.implicit);
  return slo ? [{ label: `SLO ${name} ${slo.limit} ${slo.unit}`, value: slo.limit }] : [];
}

export function cpuCharts(report: Report): ChartSpec[] {
  const { cpu } = report;
  const groups = cpu.byGroup.length > 0 ? cpu.byGroup : [{ name: 'all VMs', readyPct: cpu.readyPct }];
  const stat = (key: 'mean' | 'p50' | 'p95' | 'p99') => groups.map((g) => g.readyPct[key]);
  const t = cpu.timeline;
  return keep([
    {
      id: 'cpu-ready-by-group',
      title: 'CPU ready % per vCPU-interval, by VM group',
      kind: 'category',
      x: { label: 'VM group', unit: '', values: groups.map((_, i) => i), categories: groups.map((g) => g.name) },
      y: { label: 'ready', unit: '%' },
      series: [
        { label: 'mean', values: stat('mean'), style: 'bars' },
        { label: 'p50', values: stat('p50'), style: 'bars' },
        { label: 'p95', values: stat('p95'), style: 'bars' },
        { label: 'p99', values: stat('p99'), style: 'bars' },
      ],
      limits: sloLimit(report, 'cpuReadyPctP95'),
      note: 'the SLO limit applies to the p95 of all VMs; 5 % is where users start to notice',
    },
    {
      id: 'cpu-timeline',
      title: 'CPU over the run (means over replications)',
      kind: 'time',
      x: { label: 'time', unit: 's', values: times(t.readyPctMean.length, t.stepSeconds) },
      y: { label: 'ready, vCPU-weighted mean', unit: '%' },
      y2: { label: 'host utilisation', unit: '%' },
      series: [
        { label: 'ready % (mean of all VMs)', values: t.readyPctMean, style: 'area' },
        { label: 'host utilisation % (mean)', values: t.hostUtilPctMean, axis: 'right' },
        { label: 'host utilisation % (busiest host)', values: t.hostUtilPctMax, axis: 'right', style: 'dashed' },
      ],
    },
  ]);
}

export function memoryCharts(report: Report): ChartSpec[] {
  const { timeline } = report.memory;
  if (timeline.hosts.length === 0) return [];
  // The host whose backed memory came closest to (or furthest over) its RAM.
  const peakShare = (h: (typeof timeline.hosts)[number]): number => Math.max(0, ...h.backedGiB.map((v) => v ?? 0)) / h.ramGiB;
  const host = timeline.hosts.reduce((a, b) => (peakShare(b) > peakShare(a) ? b : a));
  const needed = host.backedGiB.map((b, i) => (b === null ? null : b - (host.ksmSavedGiB[i] ?? 0)));
  return keep([
    {
      id: 'memory-timeline',
      title: `Memory of ${host.name}, the host closest to its RAM (GiB, means over replications)`,
      kind: 'time',
      x: { label: 'time', unit: 's', values: times(host.backedGiB.length, timeline.stepSeconds) },
      y: { label: 'memory', unit: 'GiB' },
      series: [
        { label: 'backed by the guests (before KSM)', values: host.backedGiB },
        { label: 'after KSM merging', values: needed, style: 'area' },
        { label: 'saved by KSM', values: host.ksmSavedGiB, style: 'dashed' },
        { label: 'in swap', values: host.swapGiB },
      ],
      limits: [{ label: `RAM ${host.ramGiB} GiB`, value: host.ramGiB }],
    },
  ]);
}

export function storageCharts(report: Report): ChartSpec[] {
  const t = report.io.timeline;
  return keep([
    {
      id: 'io-timeline',
      title: 'Storage over the run (means over replications; the busiest device: the maximum)',
      kind: 'time',
      x: { label: 'time', unit: 's', values: times(t.utilPctMax.length, t.stepSeconds) },
      y: { label: 'busiest device', unit: '%' },
      y2: { label: 'IO latency, IO-weighted mean', unit: 'ms' },
      series: [
        { label: 'busiest device utilisation %', values: t.utilPctMax, style: 'area' },
        { label: 'IO latency ms', values: t.latencyMsMean, axis: 'right' },
      ],
    },
  ]);
}

export function bootCharts(report: Report): ChartSpec[] {
  const t = report.io.timeline;
  if ((report.boot.count ?? 0) + (report.boot.unfinished ?? 0) === 0) return [];
  return keep([
    {
      id: 'boot-storm',
      title: 'Boot storm and IO latency (time-averaged counts, means over replications)',
      kind: 'time',
      x: { label: 'time', unit: 's', values: times(t.bootsInFlight.length, t.stepSeconds) },
      y: { label: 'boots', unit: 'VMs' },
      y2: { label: 'IO latency', unit: 'ms' },
      series: [
        { label: 'booting (admitted)', values: t.bootsInFlight, style: 'area' },
        { label: 'waiting for admission', values: t.bootsQueued },
        { label: 'IO latency ms', values: t.latencyMsMean, axis: 'right', style: 'dashed' },
      ],
      limits: report.boot.maxPerHost !== null ? [{ label: `limit ${report.boot.maxPerHost} per host × ${report.placement.hosts} hosts`, value: report.boot.maxPerHost * report.placement.hosts }] : [],
    },
  ]);
}
