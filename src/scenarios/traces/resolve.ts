/**
 * Loads the traces a scenario's `workload.trace` names: a workload file, or trace files imported
 * on the spot; resamples them to the scenario's step and picks the ones listed in `ids`.
 * Problems come back as TraceSpecError naming the trace field they belong to (the loader turns
 * them into file:line:field messages); a problem inside a trace file names that file and line.
 *
 * Workload files are decoded once per process and content: a study resolves the scenario again
 * for every sweep point or search candidate, and each would otherwise parse the file anew and
 * hold its own copy of the traces (bitbrains-rnd: 3.25 MB of text, 2.4 MB of series, over 100 ms
 * per candidate). The cache is keyed by the file's path, its SHA-256 and the step, so a file
 * rewritten in place is read again; it keeps the few files used last, within a byte budget. The
 * series it hands out are shared by every scenario loaded from the file, and nothing writes to
 * them.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { TraceSeries } from '../../model/workload/trace-demand.js';
import type { GapFill } from './series.js';
import { resampleTrace } from './series.js';
import type { TraceFormatName } from './format.js';
import { importTraces } from './import.js';
import { parseTimeZone, UTC } from './time.js';
import { readWorkloadFile } from './workload-file.js';
import { shownList, TraceInputError } from './validation.js';

/** The trace settings of a group, as the schema outputs them. */
export interface TraceSpec {
  file?: string | undefined;
  csv?: string | string[] | undefined;
  format?: TraceFormatName | undefined;
  map?: Record<string, string> | undefined;
  separator?: string | undefined;
  header: boolean;
  timeZone: string;
  strict: boolean;
  gapFill: GapFill;
  maxGap?: number | undefined;
  ids?: string[] | undefined;
}

/** A problem with one field of the trace settings. */
export class TraceSpecError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'TraceSpecError';
    this.field = field;
  }
}

const at = (baseDir: string, path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));

/** The traces of a spec at `stepSeconds`; throws TraceSpecError. */
export async function loadTraces(spec: TraceSpec, baseDir: string, stepSeconds: number): Promise<TraceSeries[]> {
  let traces: TraceSeries[];
  const field = spec.file !== undefined ? 'file' : 'csv';
  try {
    if (spec.file !== undefined) {
      traces = await readWorkloadTraces(at(baseDir, spec.file), stepSeconds);
    } else {
      const paths = (Array.isArray(spec.csv) ? spec.csv : [spec.csv ?? '']).map((p) => at(baseDir, p));
      traces = [];
      await importTraces(
        paths,
        {
          format: spec.format ?? 'generic',
          stepSeconds,
          gapFill: spec.gapFill,
          maxGapSeconds: spec.maxGap,
          strict: spec.strict,
          map: spec.map,
          separator: spec.separator,
          header: spec.header,
          timeZone: parseTimeZone(spec.timeZone) ?? UTC,
        },
        (t) => {
          traces.push({ id: t.id, startSeconds: t.startSeconds, steps: t.steps, vcpus: t.vcpus, memoryGiB: t.memoryGiB, series: t.series });
        },
      );
    }
  } catch (error) {
    if (error instanceof TraceInputError) throw new TraceSpecError(field, error.message);
    if (error instanceof Error && error.name === 'MapSpecError') throw new TraceSpecError('map', error.message);
    throw error;
  }
  if (spec.ids) {
    const byId = new Map(traces.map((t) => [t.id, t]));
    const missing = spec.ids.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      throw new TraceSpecError('ids', `no trace with id ${shownList(missing)} (ids: ${shownList(traces.map((t) => t.id), 12)})`);
    }
    traces = spec.ids.map((id) => byId.get(id)!);
  }
  traces = traces.filter((t) => t.series.cpuPct !== undefined);
  if (traces.length === 0) throw new TraceSpecError(field, 'no trace with a CPU series');
  return traces;
}

/** Files the workload cache keeps at most, and the series bytes it keeps at most (the newest file is kept whatever its size). */
export const WORKLOAD_CACHE_FILES = 4;
export const WORKLOAD_CACHE_BYTES = 512 * 1024 * 1024;

interface CachedWorkload {
  traces: Promise<readonly TraceSeries[]>;
  bytes: number;
}

/** Most recently used last. */
const workloadCache = new Map<string, CachedWorkload>();

/** Workload files decoded so far (cache misses), for tests. */
export const workloadCacheStats = { reads: 0 };

/** Empties the workload cache (tests). */
export function clearWorkloadCache(): void {
  workloadCache.clear();
}

async function contentHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The traces of a workload file resampled to `stepSeconds`, decoded once per content (see the top of this file). */
async function readWorkloadTraces(path: string, stepSeconds: number): Promise<TraceSeries[]> {
  let hash: string;
  try {
    hash = await contentHash(path);
  } catch {
    // Unreadable: let the reader say why, in its words.
    return decodeWorkload(path, stepSeconds);
  }
  const key = `${path}\0${hash}\0${stepSeconds}`;
  let entry = workloadCache.get(key);
  if (entry) {
    workloadCache.delete(key);
    workloadCache.set(key, entry);
  } else {
    const cached: CachedWorkload = { traces: decodeWorkload(path, stepSeconds), bytes: 0 };
    entry = cached;
    workloadCache.set(key, cached);
    try {
      cached.bytes = seriesBytes(await cached.traces);
    } catch (error) {
      if (workloadCache.get(key) === cached) workloadCache.delete(key);
      throw error;
    }
    evictWorkloads();
  }
  return [...(await entry.traces)];
}

async function decodeWorkload(path: string, stepSeconds: number): Promise<TraceSeries[]> {
  workloadCacheStats.reads++;
  const file = await readWorkloadFile(path);
  return file.traces.map((t) => resampleTrace(t, file.header.stepSeconds, stepSeconds));
}

function seriesBytes(traces: readonly TraceSeries[]): number {
  let bytes = 0;
  for (const t of traces) for (const values of Object.values(t.series)) bytes += values.byteLength;
  return bytes;
}

/** Drops the least recently used files beyond the count or byte budget, never the newest. */
function evictWorkloads(): void {
  let bytes = 0;
  for (const entry of workloadCache.values()) bytes += entry.bytes;
  for (const [key, entry] of workloadCache) {
    if (workloadCache.size <= 1 || (workloadCache.size <= WORKLOAD_CACHE_FILES && bytes <= WORKLOAD_CACHE_BYTES)) break;
    workloadCache.delete(key);
    bytes -= entry.bytes;
  }
}
