/**
 * Importing measured traces: expands the paths given (a folder means the trace files in it),
 * streams every file through its format's reader into the series builders, and hands each
 * finished trace to a sink (the workload-file writer, or the scenario loader's list) together
 * with a summary of what was read.
 *
 * Memory is bounded by the output, not the input: rows are folded into the resampled series as
 * they stream past. Formats with one VM per file (Bitbrains, PlanetLab, generic without a VM
 * column) finish each VM when its file ends, so a sink that writes as it goes holds one VM at a
 * time; formats whose rows interleave VMs (Azure, Alibaba, sadf, esxtop, generic long format)
 * hold every VM's series until the input ends: 4 bytes per metric and step per VM.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TRACE_METRICS, type TraceMetric } from '../../model/workload/trace-demand.js';
import { alibabaReader } from './alibaba.js';
import { azureV1Reader } from './azure-v1.js';
import { bitbrainsReader } from './bitbrains.js';
import { asInputError } from './csv-stream.js';
import { esxtopReader } from './esxtop.js';
import type { ReaderOptions, TraceFormatName, TraceReader } from './format.js';
import { genericReader } from './generic.js';
import { planetlabReader } from './planetlab.js';
import { prometheusReader } from './prometheus.js';
import { prometheusTextReader } from './prometheus-text.js';
import { sadfReader } from './sadf.js';
import type { BuiltTrace, GapFill, MetricStats } from './series.js';
import { ImportSession } from './session.js';
import { ImportLog, TraceInputError } from './validation.js';

export interface ImportOptions extends ReaderOptions {
  format: TraceFormatName;
  stepSeconds: number;
  gapFill: GapFill;
  maxGapSeconds?: number | undefined;
  /** Most steps one trace may span (default DEFAULT_MAX_STEPS in session.ts). */
  maxSteps?: number | undefined;
  strict: boolean;
}

export interface TraceSummary {
  id: string;
  samples: number;
  firstSampleSeconds: number;
  lastSampleSeconds: number;
  startSeconds: number;
  steps: number;
  filledSteps: number;
  vcpus: number | undefined;
  memoryGiB: number | undefined;
  stats: Partial<Record<TraceMetric, MetricStats>>;
}

export interface ImportResult {
  format: TraceFormatName;
  stepSeconds: number;
  gapFill: GapFill;
  maxGapSeconds: number;
  files: { path: string; bytes: number }[];
  bytes: number;
  traces: TraceSummary[];
  /** Metrics present in at least one trace, in the canonical order. */
  metrics: TraceMetric[];
  log: ImportLog;
  /** Choices the reader made (e.g. a guessed mapping). */
  notes: string[];
}

/** Names in a folder that are documentation or overcast's own files, not traces. */
function isTraceFileName(name: string): boolean {
  // Prometheus range-query results are JSON named after their metric (prometheus.ts).
  if ((TRACE_METRICS as readonly string[]).includes(name.replace(/\.json$/i, '')) && /\.json$/i.test(name)) return true;
  return !name.startsWith('.') && !/^readme/i.test(name) && !/\.(md|json|ndjson|ya?ml|html?|pdf|png|license)$/i.test(name) && !/^license/i.test(name);
}

/** The files named by paths: a file as it is, a folder as its trace files (not recursive), in natural name order. */
export async function expandInputs(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw asInputError(path, error);
    }
    if (info.isDirectory()) {
      const names = (await readdir(path, { withFileTypes: true })).filter((d) => d.isFile() && isTraceFileName(d.name)).map((d) => d.name);
      names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      if (names.length === 0) throw new TraceInputError(path, undefined, 'no trace files in this folder');
      files.push(...names.map((n) => join(path, n)));
    } else files.push(path);
  }
  return files;
}

export async function createReader(options: ImportOptions, firstFile: string | undefined): Promise<TraceReader> {
  switch (options.format) {
    case 'bitbrains':
      return bitbrainsReader();
    case 'planetlab':
      return planetlabReader(options);
    case 'alibaba-2018':
      return alibabaReader();
    case 'azure-v1':
      return azureV1Reader();
    case 'sadf':
      return sadfReader(options);
    case 'esxtop':
      return esxtopReader(options);
    case 'generic':
      return genericReader(options, firstFile);
    case 'prometheus':
      return prometheusReader(firstFile);
    case 'prometheus-text':
      return prometheusTextReader(options);
  }
}


/** Imports `paths`; every finished trace goes to `sink`. Throws TraceInputError for bad input (strict mode: the first bad row). */
export async function importTraces(paths: readonly string[], options: ImportOptions, sink: (trace: BuiltTrace) => void | Promise<void>): Promise<ImportResult> {
  const files = await expandInputs(paths);
  const reader = await createReader(options, files[0]);
  const log = new ImportLog(options.strict);
  const summaries: TraceSummary[] = [];
  const present = new Set<TraceMetric>();
  const session = new ImportSession(log, { stepSeconds: options.stepSeconds, gapFill: options.gapFill, maxGapSeconds: options.maxGapSeconds, maxSteps: options.maxSteps }, async (trace) => {
    summaries.push({
      id: trace.id,
      samples: trace.samples,
      firstSampleSeconds: trace.firstSampleSeconds,
      lastSampleSeconds: trace.lastSampleSeconds,
      startSeconds: trace.startSeconds,
      steps: trace.steps,
      filledSteps: trace.filledSteps,
      vcpus: trace.vcpus,
      memoryGiB: trace.memoryGiB,
      stats: trace.stats,
    });
    for (const k of Object.keys(trace.series) as TraceMetric[]) present.add(k);
    await sink(trace);
  });
  session.configure(reader.metrics, reader.nominalSeconds);

  // Files of one VM (the same id in several folders, e.g. Bitbrains months) are read back to back.
  const ordered = files.map((path, i) => ({ path, i, id: reader.fileEntity(path) }));
  if (ordered.every((f) => f.id !== undefined)) {
    const firstIndex = new Map<string, number>();
    for (const f of ordered) if (!firstIndex.has(f.id!)) firstIndex.set(f.id!, f.i);
    ordered.sort((a, b) => firstIndex.get(a.id!)! - firstIndex.get(b.id!)! || a.i - b.i);
  }
  const read: { path: string; bytes: number }[] = [];
  for (let k = 0; k < ordered.length; k++) {
    const file = ordered[k]!;
    const bytes = await reader.readFile(file.path, session);
    read.push({ path: file.path, bytes });
    const next = ordered[k + 1];
    if (file.id !== undefined && next?.id !== file.id) await session.finish(file.id);
  }
  await reader.end?.(session);
  await session.finishAll();
  return {
    format: options.format,
    stepSeconds: options.stepSeconds,
    gapFill: options.gapFill,
    maxGapSeconds: session.maxGapSeconds,
    files: read,
    bytes: read.reduce((s, f) => s + f.bytes, 0),
    traces: summaries,
    metrics: TRACE_METRICS.filter((m) => present.has(m)),
    log,
    notes: reader.describe?.() ?? [],
  };
}
