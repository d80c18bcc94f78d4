/**
 * The workload file `overcast import -o` writes and a scenario references (`trace: { file }`):
 * imported traces, resampled, gap-filled and compact, so a scenario loads them in a fraction of
 * the time the CSVs take.
 *
 * Format (docs/traces.md): newline-delimited JSON, UTF-8.
 * - line 1, the header: `{"overcastWorkload":1,"stepSeconds":300,"format":…,"gapFill":…,
 *   "sources":[…]}`;
 * - one line per trace: `{"id":…,"startSeconds":…,"steps":…,"vcpus":…,"memoryGiB":…,
 *   "filledSteps":…,"series":{"cpuPct":"<base64>",…}}`, each series `steps` little-endian IEEE
 *   754 float32 values, base64-encoded;
 * - the last line: `{"end":{"traces":…,"metrics":{"cpuPct":"%",…},"maxGapSeconds":…,
 *   "rowsRead":…,"rowsAccepted":…,"rowsRejected":…,"rowsSkipped":…}}`, written when the import
 *   has finished. A file without it was cut short and is refused.
 * Lines are written and read one at a time, so neither side holds the file in memory.
 */
import { createReadStream } from 'node:fs';
import { endianness } from 'node:os';
import { createInterface } from 'node:readline';
import { TRACE_METRIC_INFO, TRACE_METRICS, type TraceMetric, type TraceSeries } from '../../model/workload/trace-demand.js';
import { asInputError } from './csv-stream.js';
import type { ImportResult } from './import.js';
import { TraceInputError } from './validation.js';

export const WORKLOAD_FILE_VERSION = 1;

export interface WorkloadHeader {
  overcastWorkload: number;
  stepSeconds: number;
  format: string;
  gapFill: string;
  sources: string[];
}

const LITTLE_ENDIAN = endianness() === 'LE';

export function encodeSeries(values: Float32Array): string {
  return encodeBytes(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
}

/** Float32 values' bytes (whole values) as little-endian base64, whatever this machine's byte order. */
function encodeBytes(bytes: Buffer): string {
  if (LITTLE_ENDIAN) return bytes.toString('base64');
  const copy = Buffer.from(bytes);
  copy.swap32();
  return copy.toString('base64');
}

export function decodeSeries(text: string, steps: number): Float32Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== steps * 4) return undefined;
  if (!LITTLE_ENDIAN) bytes.swap32();
  const out = new Float32Array(steps);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function headerLine(header: Omit<WorkloadHeader, 'overcastWorkload'>): string {
  return `${JSON.stringify({ overcastWorkload: WORKLOAD_FILE_VERSION, stepSeconds: header.stepSeconds, format: header.format, gapFill: header.gapFill, sources: header.sources })}\n`;
}

export function traceLine(trace: TraceSeries & { filledSteps?: number }): string {
  const series: Record<string, string> = {};
  for (const m of TRACE_METRICS) {
    const values = trace.series[m];
    if (values) series[m] = encodeSeries(values);
  }
  return `${JSON.stringify({ ...traceFields(trace), series })}\n`;
}

/** A trace line's fields before its series, in the order the line writes them. */
function traceFields(trace: TraceSeries & { filledSteps?: number }): Record<string, unknown> {
  return { id: trace.id, startSeconds: trace.startSeconds, steps: trace.steps, vcpus: trace.vcpus ?? null, memoryGiB: trace.memoryGiB ?? null, filledSteps: trace.filledSteps ?? 0 };
}

/** Bytes of a series encoded per piece: a multiple of 3 (base64 pieces join without padding) and of 4 (whole float32 values). */
const PIECE_BYTES = 3 * 4 * 16_384;

/**
 * The same text as traceLine, in pieces of at most ~256 KiB: a VM's line (1.3 MB per metric for
 * a year at 5 minutes) is never built whole, so a writer holds one piece beside the series.
 */
export function* traceChunks(trace: TraceSeries & { filledSteps?: number }): Generator<string> {
  const head = JSON.stringify(traceFields(trace));
  let open = `${head.slice(0, -1)},"series":{`;
  let first = true;
  for (const m of TRACE_METRICS) {
    const values = trace.series[m];
    if (!values) continue;
    let text = `${open}${first ? '' : ','}${JSON.stringify(m)}:"`;
    first = false;
    open = '';
    const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    for (let at = 0; at < bytes.length; at += PIECE_BYTES) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + PIECE_BYTES));
      text += encodeBytes(piece);
      yield text;
      text = '';
    }
    if (text !== '') yield text;
    yield '"';
  }
  yield `${open}}}\n`;
}

export function endLine(result: Pick<ImportResult, 'traces' | 'log' | 'metrics' | 'maxGapSeconds'>): string {
  const { log } = result;
  const metrics = Object.fromEntries(result.metrics.map((m) => [m, TRACE_METRIC_INFO[m].unit]));
  return `${JSON.stringify({ end: { traces: result.traces.length, metrics, maxGapSeconds: result.maxGapSeconds, rowsRead: log.rowsRead, rowsAccepted: log.rowsAccepted, rowsRejected: log.rowsRejected, rowsSkipped: log.rowsSkipped } })}\n`;
}

export interface WorkloadFile {
  header: WorkloadHeader;
  traces: TraceSeries[];
}

/** Reads a workload file line by line; TraceInputError (file, line, reason) for anything malformed. */
export async function readWorkloadFile(file: string): Promise<WorkloadFile> {
  const input = createReadStream(file, { encoding: 'utf8' });
  let opened: () => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    input.once('error', (error) => reject(asInputError(file, error)));
  });
  const ready = new Promise<void>((resolve) => (opened = resolve));
  input.once('open', () => opened());
  await Promise.race([ready, failed]);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let header: WorkloadHeader | undefined;
  const traces: TraceSeries[] = [];
  let ended = false;
  let n = 0;
  const bad = (reason: string): never => {
    throw new TraceInputError(file, n, reason);
  };
  try {
    for await (const line of lines) {
      n++;
      if (line.trim() === '') continue;
      if (ended) bad('text after the end line');
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        bad(n === 1 ? 'not an overcast workload file (expected JSON lines; make one with `overcast import … -o file`)' : 'not a JSON line');
      }
      if (value === null || typeof value !== 'object') bad('expected a JSON object');
      const o = value as Record<string, unknown>;
      if (!header) {
        if (o.overcastWorkload !== WORKLOAD_FILE_VERSION) bad(`not an overcast workload file of version ${WORKLOAD_FILE_VERSION} (its first line has no "overcastWorkload": ${WORKLOAD_FILE_VERSION})`);
        if (typeof o.stepSeconds !== 'number' || !(o.stepSeconds > 0)) bad('header: stepSeconds must be a number > 0');
        header = o as unknown as WorkloadHeader;
        continue;
      }
      if ('end' in o) {
        ended = true;
        const end = o.end as { traces?: unknown };
        if (end.traces !== traces.length) bad(`end line counts ${String(end.traces)} traces, the file holds ${traces.length}`);
        continue;
      }
      traces.push(parseTrace(o, bad));
    }
  } catch (error) {
    if (error instanceof TraceInputError) throw error;
    throw asInputError(file, error);
  } finally {
    lines.close();
    input.destroy();
  }
  if (!header) throw new TraceInputError(file, undefined, 'empty file: not an overcast workload file');
  if (!ended) throw new TraceInputError(file, n, 'the file ends without its end line: it was cut short');
  return { header, traces };
}

function parseTrace(o: Record<string, unknown>, bad: (reason: string) => never): TraceSeries {
  if (typeof o.id !== 'string') bad('trace: id must be a text');
  const id = o.id as string;
  if (typeof o.startSeconds !== 'number' || !Number.isFinite(o.startSeconds)) bad(`trace ${id}: startSeconds must be a number`);
  if (typeof o.steps !== 'number' || !Number.isInteger(o.steps) || o.steps < 1) bad(`trace ${id}: steps must be an integer >= 1`);
  const steps = o.steps as number;
  const raw = o.series;
  if (raw === null || typeof raw !== 'object') bad(`trace ${id}: series must be a mapping`);
  const series: Partial<Record<TraceMetric, Float32Array>> = {};
  for (const [key, text] of Object.entries(raw as Record<string, unknown>)) {
    if (!(TRACE_METRICS as readonly string[]).includes(key)) bad(`trace ${id}: unknown metric '${key}'`);
    if (typeof text !== 'string') bad(`trace ${id}: ${key} must be base64 text`);
    const values = decodeSeries(text as string, steps);
    if (!values) bad(`trace ${id}: ${key} does not hold ${steps} float32 values`);
    for (let i = 0; i < values!.length; i++) if (!Number.isFinite(values![i]!)) bad(`trace ${id}: ${key} holds a value that is not finite at step ${i}`);
    series[key as TraceMetric] = values!;
  }
  const vcpus = typeof o.vcpus === 'number' ? o.vcpus : undefined;
  const memoryGiB = typeof o.memoryGiB === 'number' ? o.memoryGiB : undefined;
  return { id, startSeconds: o.startSeconds as number, steps, vcpus, memoryGiB, series };
}
