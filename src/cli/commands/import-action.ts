/**
 * What `overcast import` does (./import.ts is its surface): detects the format when none is given,
 * streams the traces, writes the workload file as they finish and prints the summary. Also the
 * format detection and import options `calibrate load` reuses.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat, open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { join, resolve } from 'node:path';
import { detectFormat } from '../../scenarios/traces/detect.js';
import { TRACE_METRIC_INFO, type TraceMetric } from '../../model/workload/trace-demand.js';
import type { TraceFormatName } from '../../scenarios/traces/format.js';
import { MapSpecError, splitMapText } from '../../scenarios/traces/generic.js';
import type { ImportOptions, ImportResult } from '../../scenarios/traces/import.js';
import type { BuiltTrace, GapFill } from '../../scenarios/traces/series.js';
import { epochSeconds, formatTraceTime, parseDateTime, parseTimeZone } from '../../scenarios/traces/time.js';
import { parseNumber, TraceInputError, type ReasonCount } from '../../scenarios/traces/validation.js';
import { endLine, headerLine, traceChunks } from '../../scenarios/traces/workload-file.js';
import { loadUnitParser, needsExpressions, TIME_SECONDS } from '../../scenarios/units.js';
import { cloudImportCommand } from './import-cloud.js';
import { writeOutput } from '../../output/write.js';
import { fmtDuration } from '../../report/format.js';
import { EXIT_OK, UsageError } from '../exit-codes.js';
import { checkOutputOption, type CliIo } from '../io.js';
import type { ImportCliOptions } from './import.js';

/** VMs listed per table in the text summary unless --all. */
const SHOWN_VMS = 30;

export async function importPaths(paths: string[], given: ImportCliOptions, io: CliIo): Promise<number> {
  const cli = { ...given, format: given.format ?? (await detectInputFormat(paths, io)) };
  if (cli.format === 'openstack' || cli.format === 'cloudstack') return cloudImportCommand(cli.format, paths, cli.output, io);
  const options = await importOptions(cli);
  // A workload file that cannot be written is found before the import reads anything.
  await checkOutputOption(cli.output, io);
  const inputs = paths.map((p) => resolve(io.cwd, p));
  // Files are named as the user named them: a file in a folder given as `dir` is `dir/name`.
  const shownName = (file: string): string => {
    const i = inputs.indexOf(file);
    if (i >= 0) return paths[i]!;
    const j = inputs.findIndex((dir) => file.startsWith(`${dir}/`));
    if (j >= 0) return `${paths[j]!.replace(/\/+$/, '')}/${file.slice(inputs[j]!.length + 1)}`;
    return file.startsWith(`${io.cwd}/`) ? file.slice(io.cwd.length + 1) : file;
  };
  const started = performance.now();
  let result: ImportResult;
  try {
    if (cli.output) {
      let finished: ImportResult | undefined;
      await writeOutput(resolve(io.cwd, cli.output), workloadLines(inputs, paths, options, (r) => (finished = r)), { label: cli.output });
      result = finished!;
    } else {
      const { importTraces } = await import('../../scenarios/traces/import.js');
      result = await importTraces(inputs, options, () => {});
      if (result.traces.length === 0) throw nothingImported(result);
    }
  } catch (error) {
    if (error instanceof TraceInputError) throw new UsageError(relabel(error.message, inputs, shownName));
    if (error instanceof MapSpecError) throw new UsageError(error.message);
    throw error;
  }
  const seconds = (performance.now() - started) / 1000;
  if (cli.json) io.stdout.write(`${JSON.stringify(summaryJson(result, seconds, shownName, cli.output), null, 2)}\n`);
  else io.stdout.write(summaryText(result, seconds, shownName, cli.output, cli.all === true));
  return EXIT_OK;
}

/** --format left out: told from the first input's content; the reason goes to stderr. */
export async function detectInputFormat(paths: string[], io: CliIo): Promise<string> {
  const first = resolve(io.cwd, paths[0]!);
  const info = await stat(first).catch(() => undefined);
  if (!info) throw new UsageError(`${paths[0]}: no such file or folder`);
  let file = first;
  if (info.isDirectory()) {
    // Files only: the import reads a folder's files, not its subfolders.
    const entries = (await readdir(first, { withFileTypes: true })).filter((d) => !d.name.startsWith('.') && !/^readme/i.test(d.name));
    const names = entries.filter((d) => d.isFile()).map((d) => d.name).sort();
    const json = names.find((n) => n.toLowerCase().endsWith('.json'));
    const pick = json ?? names[0];
    if (pick === undefined) {
      const folders = entries.filter((d) => d.isDirectory()).map((d) => d.name).sort();
      throw new UsageError(`${paths[0]}: ${folders.length > 0 ? `no files in this folder, only folders (${folders.slice(0, 3).join(', ')}${folders.length > 3 ? ', …' : ''}); name the folder that holds the traces, e.g. ${join(paths[0]!, folders[0]!)}` : 'empty folder'}`);
    }
    file = join(first, pick);
  }
  const whole = file.toLowerCase().endsWith('.json');
  let text: string;
  if (/\.gz$/i.test(file)) text = await gunzippedStart(file, 8192);
  else {
    const handle = await open(file, 'r');
    try {
      text = whole ? await handle.readFile('utf8') : (await handle.read(Buffer.alloc(8192), 0, 8192, 0)).buffer.toString('utf8').replace(/\0+$/, '');
    } finally {
      await handle.close();
    }
  }
  const shown = file.startsWith(`${io.cwd}/`) ? file.slice(io.cwd.length + 1) : file;
  const found = detectFormat(shown, text);
  if (!found) throw new UsageError(`--format not given and ${shown} matches no known format's signature (docs/traces.md, docs/import.md): give --format`);
  io.stderr.write(`--format not given: using ${found.format}, because ${found.because}\n`);
  return found.format;
}

/** The first `bytes` of a gzip file's content (the readers decompress .gz on the fly; detection looks at the same text). */
async function gunzippedStart(file: string, bytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = createReadStream(file).pipe(createGunzip());
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= bytes) break;
    }
  } catch {
    // Not gzip after all: detection then finds no signature and asks for --format.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, bytes).toString('utf8');
}

export async function importOptions(cli: ImportCliOptions & { format: string }): Promise<ImportOptions> {
  const zone = parseTimeZone(cli.timeZone ?? 'UTC');
  if (!zone) throw new UsageError(`--time-zone: unknown zone '${cli.timeZone}' (expected UTC, an offset such as +02:00, or an IANA name such as Europe/Amsterdam)`);
  const units = await loadUnitParser({ expressions: [cli.step, cli.maxGap].some((t) => typeof t === 'string' && needsExpressions(t)) });
  const seconds = (flag: string, text: string): number => {
    if (/^\s*[\d.]+\s*$/.test(text)) throw new UsageError(`${flag}: expected a time with its unit such as '5 min' or '300s', found ${text} (no unit)`);
    const converted = units.convert(text, TIME_SECONDS);
    if (!converted.ok) throw new UsageError(`${flag}: ${converted.message}`);
    if (!(converted.value > 0)) throw new UsageError(`${flag}: must be > 0, found '${text}'`);
    return converted.value;
  };
  let map: Record<string, string> | undefined;
  try {
    map = cli.map !== undefined ? splitMapText(cli.map) : undefined;
  } catch (error) {
    if (error instanceof MapSpecError) throw new UsageError(error.message);
    throw error;
  }
  if (map !== undefined && cli.format !== 'generic') throw new UsageError(`--map is for --format generic, not ${cli.format}`);
  let startSeconds: number | undefined;
  if (cli.start !== undefined) {
    const n = parseNumber(cli.start);
    startSeconds = Number.isNaN(n) ? parseDateTime(cli.start, zone) : epochSeconds(n);
    if (Number.isNaN(startSeconds)) throw new UsageError(`--start: expected an ISO 8601 time or Unix seconds, found '${cli.start}'`);
  }
  return {
    format: cli.format as TraceFormatName,
    stepSeconds: seconds('--step', cli.step ?? '5 min'),
    gapFill: (cli.gapFill ?? 'linear') as GapFill,
    maxGapSeconds: cli.maxGap !== undefined ? seconds('--max-gap', cli.maxGap) : undefined,
    maxSteps: maxStepsOption(cli.maxSteps),
    strict: cli.strict === true,
    map,
    separator: cli.separator,
    header: cli.header !== false,
    timeZone: zone,
    startSeconds,
  };
}

function maxStepsOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1e9) throw new UsageError(`--max-steps: expected a whole number from 1 to 1e9, found '${text}'`);
  return n;
}

function nothingImported(result: ImportResult): UsageError {
  const why = result.log.rejected[0];
  return new UsageError(`no rows could be imported from ${result.files.length} file${result.files.length === 1 ? '' : 's'} as ${result.format}${why ? ` (${result.log.rowsRejected} rejected; most often: ${why.reason}, first at ${why.first})` : ''}`);
}

/**
 * The workload file's lines, produced while the import runs: each trace is written when it
 * finishes, and the import waits while a few lines are queued (so memory holds a few traces, not
 * all). Throws, and so aborts the atomic write, when the import fails or imports nothing.
 */
async function* workloadLines(inputs: string[], shown: string[], options: ImportOptions, done: (r: ImportResult) => void): AsyncGenerator<string> {
  // Finished traces wait here for the writer, each written in pieces (traceChunks), never as one string.
  const queue: BuiltTrace[] = [];
  let wake: (() => void) | undefined;
  let resume: (() => void) | undefined;
  let finished = false;
  let failure: unknown;
  let result: ImportResult | undefined;
  // The importers (and csv-parse) load with the first import, not with every command's start-up.
  const { importTraces } = await import('../../scenarios/traces/import.js');
  const running = importTraces(inputs, options, async (trace) => {
    queue.push(trace);
    wake?.();
    // A few small VMs may wait; a big one (more than 1 M values) is written before the next is read.
    if (queue.length >= 4 || trace.steps * Object.keys(trace.series).length > 1 << 20) await new Promise<void>((r) => (resume = r));
  }).then(
    (r) => {
      result = r;
      finished = true;
      wake?.();
    },
    (error: unknown) => {
      failure = error;
      finished = true;
      wake?.();
    },
  );
  yield headerLine({ stepSeconds: options.stepSeconds, format: options.format, gapFill: options.gapFill, sources: shown });
  for (;;) {
    if (queue.length > 0) {
      yield* traceChunks(queue[0]!);
      queue.shift();
      const r = resume;
      resume = undefined;
      r?.();
      continue;
    }
    if (finished) break;
    await new Promise<void>((r) => (wake = r));
    wake = undefined;
  }
  await running;
  if (failure !== undefined) throw failure;
  if (result!.traces.length === 0) throw nothingImported(result!);
  done(result!);
  yield endLine(result!);
}

function relabel(message: string, inputs: string[], shownName: (f: string) => string): string {
  let out = message;
  for (const input of inputs) if (out.includes(input)) out = out.split(input).join(shownName(input));
  return out;
}

const fmt = (v: number | undefined, digits = 2): string => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
const int = (v: number): string => Math.round(v).toLocaleString('en-US');

function span(result: ImportResult): { first: number; last: number } {
  let first = Infinity;
  let last = -Infinity;
  for (const t of result.traces) {
    first = Math.min(first, t.firstSampleSeconds);
    last = Math.max(last, t.lastSampleSeconds);
  }
  return { first, last };
}

function table(rows: string[][], indent = '    '): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `${indent}${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd());
}

function summaryText(result: ImportResult, seconds: number, shownName: (f: string) => string, output: string | undefined, all: boolean): string {
  const out: string[] = [];
  const mb = result.bytes / 1e6;
  const { first, last } = span(result);
  const log = result.log;
  out.push(`overcast import: ${result.format} · ${result.files.length} file${result.files.length === 1 ? '' : 's'} · ${mb.toFixed(1)} MB in ${seconds.toFixed(1)} s (${seconds > 0 ? (mb / seconds).toFixed(1) : '—'} MB/s)`);
  out.push(`  VMs ${result.traces.length} · time span ${formatTraceTime(first)} – ${formatTraceTime(last)} (${((last - first) / 86_400).toFixed(1)} days) · step ${fmtDuration(result.stepSeconds)}`);
  out.push(`  gaps: filled ${result.gapFill}; a sample holds at most ${fmtDuration(result.maxGapSeconds)}`);
  for (const note of result.notes) out.push(`  ${note}`);
  out.push(`  rows: ${int(log.rowsRead)} read · ${int(log.rowsAccepted)} accepted · ${int(log.rowsRejected)} rejected · ${int(log.rowsSkipped)} skipped`);
  const reasons = (title: string, list: ReasonCount[]): void => {
    if (list.length === 0) return;
    out.push(`  ${title}:`);
    const rows = list.map((r) => [int(r.count), r.reason, `first at ${relabelAll(r.first, result, shownName)}`]);
    const w = Math.max(...rows.map((r) => r[0]!.length));
    for (const r of rows) out.push(`    ${r[0]!.padStart(w)}  ${r[1]} — ${r[2]}`);
  };
  reasons('rejected', log.rejected);
  reasons('skipped', log.skipped);
  reasons('handled on accepted rows', log.notes);
  const shown = all ? result.traces : result.traces.slice(0, SHOWN_VMS);
  const more = result.traces.length - shown.length;
  out.push('', '  VMs (steps at the import step; filled: steps filled by the gap policy)');
  out.push(
    ...table([
      ['id', 'vCPUs', 'mem GiB', 'samples', 'first', 'last', 'steps', 'filled'],
      ...shown.map((t) => [t.id, t.vcpus !== undefined ? String(t.vcpus) : '—', fmt(t.memoryGiB), int(t.samples), formatTraceTime(t.firstSampleSeconds), formatTraceTime(t.lastSampleSeconds), int(t.steps), int(t.filledSteps)]),
    ]),
  );
  if (more > 0) out.push(`    … and ${more} more (--all or --json for every VM)`);
  for (const metric of result.metrics) {
    const info = TRACE_METRIC_INFO[metric];
    out.push('', `  ${metric} (${info.unit}): p50/p95/p99 over measured steps, mean and max over samples`);
    out.push(
      ...table([
        ['id', 'p50', 'p95', 'p99', 'mean', 'max'],
        ...shown.filter((t) => t.stats[metric]).map((t) => {
          const s = t.stats[metric]!;
          return [t.id, fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.mean), fmt(s.max)];
        }),
      ]),
    );
  }
  out.push('', output ? `workload file written: ${output} (reference it as workload: { trace: { file: ${output} } })` : 'no workload file written (give -o <file> to write one)');
  return `${out.join('\n')}\n`;
}

function relabelAll(text: string, result: ImportResult, shownName: (f: string) => string): string {
  let out = text;
  for (const f of result.files) if (out.includes(f.path)) out = out.split(f.path).join(shownName(f.path));
  return out;
}

function summaryJson(result: ImportResult, seconds: number, shownName: (f: string) => string, output: string | undefined): unknown {
  const { first, last } = span(result);
  const { log } = result;
  const fix = (list: ReasonCount[]): ReasonCount[] => list.map((r) => ({ ...r, first: relabelAll(r.first, result, shownName) }));
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return {
    format: result.format,
    files: result.files.map((f) => ({ path: shownName(f.path), bytes: f.bytes })),
    bytes: result.bytes,
    seconds,
    mbPerSecond: seconds > 0 ? result.bytes / 1e6 / seconds : null,
    vms: result.traces.length,
    firstSampleSeconds: finite(first),
    lastSampleSeconds: finite(last),
    stepSeconds: result.stepSeconds,
    gapFill: result.gapFill,
    maxGapSeconds: result.maxGapSeconds,
    notes: result.notes,
    rows: { read: log.rowsRead, accepted: log.rowsAccepted, rejected: log.rowsRejected, skipped: log.rowsSkipped },
    rejected: fix(log.rejected),
    skipped: fix(log.skipped),
    handled: fix(log.notes),
    metrics: Object.fromEntries(result.metrics.map((m: TraceMetric) => [m, TRACE_METRIC_INFO[m].unit])),
    traces: result.traces.map((t) => ({
      id: t.id,
      vcpus: t.vcpus ?? null,
      memoryGiB: t.memoryGiB ?? null,
      samples: t.samples,
      firstSampleSeconds: t.firstSampleSeconds,
      lastSampleSeconds: t.lastSampleSeconds,
      startSeconds: t.startSeconds,
      steps: t.steps,
      filledSteps: t.filledSteps,
      stats: Object.fromEntries(
        Object.entries(t.stats).map(([k, s]) => [k, { samples: s.samples, mean: finite(s.mean), max: finite(s.max), p50: finite(s.p50), p95: finite(s.p95), p99: finite(s.p99), filledSteps: s.filledSteps }]),
      ),
    })),
    output: output ?? null,
  };
}
