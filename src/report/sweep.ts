/**
 * A sweep as JSON and CSV: every metric of the run report at every grid point, with its
 * confidence intervals.
 *
 * Each point's metrics are its run report (./report.ts) without the per-host tables and
 * timelines, so a model that adds a report section (memory, IO) adds columns here without a
 * change. CSV columns are the flattened paths (`cpu.readyPct.p95`, `cpu.readyPct.ci95.p95.hi`,
 * `slos.cpuReadyPctP95.upper95`); list entries with a `name` are keyed by it
 * (`cpu.byGroup.desktop.readyPct.p95`). `verdict` is the point's verdict by the one rule of
 * ../model/slo.ts (`pass` when every SLO's upper95 is within its limit — the recommender's
 * criterion — so a sweep over a knob shows where the recommendation would fall).
 */
import type { SloStatus } from '../model/slo.js';
import type { SweepResult } from '../study/sweep.js';
import { buildReport, REPORT_VERSION, type Report } from './report.js';

export const SWEEP_REPORT_VERSION = 2;

/** Keys left out of the per-point metrics: per-host and per-step detail, and lists that vary in length. */
const OMIT = new Set(['byHost', 'timeline', 'unplacedByGroup']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface SweepPointReport {
  at: Record<string, number | string>;
  /** The point's verdict: its worst SLO status. */
  verdict: SloStatus;
  metrics: { [key: string]: Json };
}

export interface SweepReport {
  overcast: { sweepVersion: number; reportVersion: number };
  scenario: { name: string; description: string | null; seed: number; replications: number; durationSeconds: number; stepSeconds: number };
  vary: { path: string; values: (number | string)[] }[];
  points: SweepPointReport[];
}

function omit(value: unknown): Json {
  if (Array.isArray(value)) return value.map(omit);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) if (!OMIT.has(k)) out[k] = omit(v);
    return out;
  }
  return value as Json;
}

/** The run report minus what the sweep states once (version, scenario) or beside it (verdict) and the omitted detail. */
function pointMetrics(report: Report): { [key: string]: Json } {
  const { overcast: _version, scenario: _scenario, verdict: _verdict, ...metrics } = omit(report) as { [key: string]: Json };
  return metrics;
}

export function buildSweepReport(result: SweepResult): SweepReport {
  const first = result.points[0]!.study;
  const s = first.scenario;
  return {
    overcast: { sweepVersion: SWEEP_REPORT_VERSION, reportVersion: REPORT_VERSION },
    scenario: { name: s.name, description: s.description ?? null, seed: s.seed, replications: first.replications, durationSeconds: s.durationSeconds, stepSeconds: s.stepSeconds },
    vary: result.dimensions.map((d) => ({ path: d.path, values: d.values })),
    points: result.points.map((p) => {
      const report = buildReport(p.study);
      return { at: p.at, verdict: report.verdict, metrics: pointMetrics(report) };
    }),
  };
}

export function sweepJson(report: SweepReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Flattens a JSON value into `path → scalar`; named list entries keyed by name, `ci95` pairs as lo/hi. */
export function flatten(value: Json, prefix: string, out: Map<string, Json>): void {
  if (Array.isArray(value)) {
    if (value.length === 2 && value.every((v) => typeof v === 'number') && /ci95\.[a-z0-9]+$/i.test(prefix)) {
      out.set(`${prefix}.lo`, value[0]!);
      out.set(`${prefix}.hi`, value[1]!);
      return;
    }
    value.forEach((item, i) => {
      const key = item !== null && typeof item === 'object' && !Array.isArray(item) && typeof item.name === 'string' ? item.name : String(i);
      if (item !== null && typeof item === 'object' && !Array.isArray(item) && typeof item.name === 'string') {
        const { name: _name, ...rest } = item;
        flatten(rest, `${prefix}.${key}`, out);
      } else flatten(item, `${prefix}.${key}`, out);
    });
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, value);
}

function csvCell(value: Json | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per point: the varied values, `verdict`, then every metric column. */
export function sweepCsv(report: SweepReport): string {
  const rows = report.points.map((p) => {
    const flat = new Map<string, Json>();
    flatten(p.metrics, '', flat);
    return { p, flat };
  });
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const { flat } of rows) {
    for (const key of flat.keys()) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const paths = report.vary.map((d) => d.path);
  const lines = [[...paths, 'verdict', ...columns].map(csvCell).join(',')];
  for (const { p, flat } of rows) lines.push([...paths.map((path) => csvCell(p.at[path] ?? null)), csvCell(p.verdict), ...columns.map((c) => csvCell(flat.get(c)))].join(','));
  return `${lines.join('\n')}\n`;
}
