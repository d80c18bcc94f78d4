/**
 * Generic CSV: any delimited file with a header (or columns by position), mapped onto the trace
 * metrics by a column mapping. Long format (a VM id column, rows of many VMs) or one file per VM
 * (no `vm` column: the file name is the id).
 *
 * The mapping is `target=column[:unit]` pairs (`--map 'time=ts:s,vm=host,cpu=cpu_util:%'`, or a
 * mapping in the scenario). A column is a header name or `#n` (1-based position, for files without
 * a header). Targets and units:
 *
 * | target | units (default first) | becomes |
 * | --- | --- | --- |
 * | `time` | `auto`, `s`, `ms`, `iso` | the sample time (auto: a number is Unix s, or ms above 1e11; else ISO 8601 / `M/D/YYYY H:MM:SS`) |
 * | `vm` | — | the VM id |
 * | `cpu` | `%`, `fraction`, `MHz`, `cores` | cpuPct (MHz needs `cpuCapacityMHz`, cores needs `vcpus`) |
 * | `vcpus`, `cpuCapacityMHz` | a column or a constant number | the VM's vCPUs / CPU capacity |
 * | `memory` | `%`, or a size unit `B`, `KB`, `MB`, `GB` (= KiB, MiB, GiB) | memoryPct or memoryUsedGiB |
 * | `memoryProvisioned` | a size unit | with a size `memory`, also memoryPct |
 * | `diskRead`, `diskWrite` | `KB/s`, `B/s`, `MB/s`, `GB/s`, `IOPS` | disk…KBps or disk…Iops |
 * | `netRx`, `netTx` | `KB/s`, `B/s`, `MB/s`, `GB/s`, `bit/s`, `Kbit/s`, `Mbit/s`, `Gbit/s` | net…KBps |
 *
 * Without a mapping, one is guessed from the header names and reported so it can be confirmed or
 * corrected with --map. The separator is detected from the first line (`,` `;` TAB `|`, or `;`
 * followed by TAB as in Bitbrains) unless given.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { TraceMetric } from '../../model/workload/trace-demand.js';
import { asInputError, readCsv } from './csv-stream.js';
import { fileId, headerIndex, type ReaderOptions, type TraceReader } from './format.js';
import type { ImportSession } from './session.js';
import { epochSeconds, parseDateTime } from './time.js';
import { parseNumber, shown, shownList, TraceInputError } from './validation.js';

export const GENERIC_TARGETS = ['time', 'vm', 'cpu', 'vcpus', 'cpuCapacityMHz', 'memory', 'memoryProvisioned', 'diskRead', 'diskWrite', 'netRx', 'netTx'] as const;
export type GenericTarget = (typeof GENERIC_TARGETS)[number];

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, kib: 1024, mb: 2 ** 20, mib: 2 ** 20, gb: 2 ** 30, gib: 2 ** 30, tb: 2 ** 40, tib: 2 ** 40 };
/** Rates in KiB/s per unit. */
const RATE_UNITS: Record<string, number> = {
  'b/s': 1 / 1024,
  'kb/s': 1,
  'kib/s': 1,
  'mb/s': 1024,
  'mib/s': 1024,
  'gb/s': 1024 * 1024,
  'gib/s': 1024 * 1024,
  'bit/s': 1 / 8 / 1024,
  'kbit/s': 1e3 / 8 / 1024,
  'mbit/s': 1e6 / 8 / 1024,
  'gbit/s': 1e9 / 8 / 1024,
};
const UNITS: Record<GenericTarget, readonly string[]> = {
  time: ['auto', 's', 'ms', 'iso'],
  vm: [],
  cpu: ['%', 'fraction', 'MHz', 'cores'],
  vcpus: [],
  cpuCapacityMHz: [],
  memory: ['%', 'B', 'KB', 'KiB', 'MB', 'MiB', 'GB', 'GiB', 'TB', 'TiB'],
  memoryProvisioned: ['B', 'KB', 'KiB', 'MB', 'MiB', 'GB', 'GiB', 'TB', 'TiB'],
  diskRead: ['KB/s', 'B/s', 'KiB/s', 'MB/s', 'MiB/s', 'GB/s', 'GiB/s', 'IOPS'],
  diskWrite: ['KB/s', 'B/s', 'KiB/s', 'MB/s', 'MiB/s', 'GB/s', 'GiB/s', 'IOPS'],
  netRx: ['KB/s', 'B/s', 'KiB/s', 'MB/s', 'MiB/s', 'GB/s', 'GiB/s', 'bit/s', 'Kbit/s', 'Mbit/s', 'Gbit/s'],
  netTx: ['KB/s', 'B/s', 'KiB/s', 'MB/s', 'MiB/s', 'GB/s', 'GiB/s', 'bit/s', 'Kbit/s', 'Mbit/s', 'Gbit/s'],
};

/** A mapping the user wrote that cannot be right (unknown target or unit). */
export class MapSpecError extends Error {
  readonly target: string | undefined;
  constructor(message: string, target?: string) {
    super(message);
    this.name = 'MapSpecError';
    this.target = target;
  }
}

export interface MapEntry {
  column: string;
  unit: string;
  /** A constant instead of a column (vcpus, cpuCapacityMHz). */
  constant?: number;
}
export type GenericMap = Partial<Record<GenericTarget, MapEntry>>;

/** `target=column[:unit],…` as written on the command line, to a mapping object. */
export function splitMapText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new MapSpecError(`--map: expected target=column[:unit], found '${part.trim()}'`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** Checks a mapping's targets and units; columns are checked against the header when a file is read. */
export function parseGenericMap(spec: Readonly<Record<string, string>>): GenericMap {
  const map: GenericMap = {};
  for (const [key, value] of Object.entries(spec)) {
    if (!(GENERIC_TARGETS as readonly string[]).includes(key)) {
      throw new MapSpecError(`unknown map target '${key}' (expected one of ${GENERIC_TARGETS.join(', ')})`, key);
    }
    const target = key as GenericTarget;
    const units = UNITS[target];
    if (value === '') throw new MapSpecError(`${target}: no column given`, key);
    if ((target === 'vcpus' || target === 'cpuCapacityMHz') && /^\d+(\.\d+)?$/.test(value)) {
      const constant = Number(value);
      if (!(constant > 0)) throw new MapSpecError(`${target}: expected a number > 0, found '${value}'`, key);
      map[target] = { column: '', unit: '', constant };
      continue;
    }
    const colon = value.lastIndexOf(':');
    let column = value;
    let unit = units[0] ?? '';
    if (colon > 0) {
      const candidate = value.slice(colon + 1).trim();
      const known = units.find((u) => u.toLowerCase() === candidate.toLowerCase());
      if (known) {
        column = value.slice(0, colon).trim();
        unit = known;
      } else if (units.length > 0 && !/\s/.test(candidate) && candidate.length <= 8) {
        throw new MapSpecError(`${target}: unknown unit '${candidate}' (expected one of ${units.join(', ')})`, key);
      }
    }
    map[target] = { column, unit };
  }
  if (!map.time) throw new MapSpecError('the mapping needs a time column (time=<column>)', 'time');
  if (!map.cpu && !map.memory && !map.diskRead && !map.diskWrite && !map.netRx && !map.netTx) {
    throw new MapSpecError('the mapping names no metric (cpu, memory, diskRead, diskWrite, netRx or netTx)');
  }
  if (map.cpu?.unit === 'MHz' && !map.cpuCapacityMHz) throw new MapSpecError('cpu in MHz needs cpuCapacityMHz (a column or a number)', 'cpu');
  if (map.cpu?.unit === 'cores' && !map.vcpus) throw new MapSpecError('cpu in cores needs vcpus (a column or a number)', 'cpu');
  if (map.memoryProvisioned && (!map.memory || map.memory.unit === '%')) throw new MapSpecError('memoryProvisioned needs memory in a size unit', 'memoryProvisioned');
  return map;
}

/** The mapping as `--map` text. */
export function formatMap(spec: Readonly<Record<string, string>>): string {
  return Object.entries(spec)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** A mapping guessed from header names; undefined for targets not found. */
export function guessMap(header: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const taken = new Set<number>();
  const pick = (target: string, test: (h: string) => boolean, unit?: (h: string) => string | undefined): void => {
    const i = header.findIndex((h, k) => !taken.has(k) && test(h.toLowerCase()));
    if (i < 0) return;
    taken.add(i);
    const u = unit?.(header[i]!.toLowerCase());
    out[target] = u ? `${header[i]}:${u}` : header[i]!;
  };
  const sizeUnit = (h: string): string | undefined => /\b(kib|kb|mib|mb|gib|gb|bytes?)\b/.exec(h.replace(/[[\]()_]/g, ' '))?.[1]?.replace(/^bytes?$/, 'B').toUpperCase().replace('IB', 'iB');
  const rateUnit = (h: string): string | undefined => {
    if (/iops|ops\/s|tps/.test(h)) return 'IOPS';
    const m = /(kib|kb|mib|mb|gib|gb|b)\/s|(kbit|mbit|gbit|bit)s?\/s/.exec(h);
    if (!m) return undefined;
    if (m[2]) return `${m[2][0]!.toUpperCase()}${m[2].slice(1)}/s`.replace(/^Bit/, 'bit');
    return `${m[1]!.toUpperCase().replace('IB', 'iB')}/s`;
  };
  pick('time', (h) => /^(time|timestamp|ts|date|datetime|epoch)\b/.test(h) || /time/.test(h));
  pick('vm', (h) => /^(vm|vmid|vm_id|vm id|vm_name|vmname|instance|instance_id|host|hostname|machine|machine_id|name|id|uuid)$/.test(h.trim()));
  pick('cpu', (h) => /cpu/.test(h) && /(%|pct|percent|util)/.test(h) && !/capacity|provisioned/.test(h), () => '%');
  if (!out.cpu) pick('cpu', (h) => /cpu/.test(h) && /mhz/.test(h) && !/capacity|provisioned/.test(h), () => 'MHz');
  if (out.cpu?.endsWith(':MHz')) pick('cpuCapacityMHz', (h) => /cpu/.test(h) && /mhz/.test(h) && /capacity|provisioned/.test(h));
  pick('vcpus', (h) => /(vcpus?|cores|cpu count|num_?cpus?)/.test(h) && !/%|mhz|util/.test(h));
  pick('memoryProvisioned', (h) => /mem/.test(h) && /(provisioned|capacity|total|size)/.test(h) && sizeUnit(h) !== undefined, sizeUnit);
  pick('memory', (h) => /mem/.test(h) && /(%|pct|percent|util)/.test(h), () => '%');
  if (!out.memory) pick('memory', (h) => /mem/.test(h) && sizeUnit(h) !== undefined, sizeUnit);
  pick('diskRead', (h) => /(disk|io|blk)/.test(h) && /(read|rd)/.test(h), rateUnit);
  pick('diskWrite', (h) => /(disk|io|blk)/.test(h) && /(write|wr)/.test(h), rateUnit);
  pick('netRx', (h) => /(net|network|nic|eth)/.test(h) && /(rx|recv|receive|in\b|_in)/.test(h), rateUnit);
  pick('netTx', (h) => /(net|network|nic|eth)/.test(h) && /(tx|trans|sent|send|out\b|_out)/.test(h), rateUnit);
  if (out.cpu?.endsWith(':MHz') && !out.cpuCapacityMHz) delete out.cpu;
  if (out.memoryProvisioned && (!out.memory || out.memory.endsWith(':%'))) delete out.memoryProvisioned;
  return out;
}

/**
 * The first 64 KiB of a file as text, decompressed when it is `.gz` (the header and separator were
 * guessed from the compressed bytes): the first 4 KiB of compressed data, inflated as far as they go.
 */
function readHead(file: string): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const gz = /\.gz$/i.test(file);
      const buf = Buffer.alloc(gz ? 4096 : 65_536);
      const n = readSync(fd, buf, 0, buf.length, 0);
      if (!gz) return buf.subarray(0, n).toString('utf8');
      const text = gunzipSync(buf.subarray(0, n), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 8 << 20 });
      return text.subarray(0, 65_536).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw asInputError(file, error);
  }
}

/** The separator of a delimited file, from its first line. */
export function detectSeparator(file: string): { delimiter: string; trim: boolean } {
  const firstLine = readHead(file).split(/\r?\n/, 1)[0] ?? '';
  if (firstLine.includes(';\t')) return { delimiter: ';', trim: true };
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    const count = firstLine.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return { delimiter: best, trim: false };
}

interface Resolved {
  metrics: TraceMetric[];
  /** Per metric: column, factor, kind. */
  plan: { metric: TraceMetric; column: number; kind: 'scale' | 'mhz' | 'cores' | 'memPct'; factor: number }[];
  time: number;
  timeUnit: string;
  vm: number;
  vcpus: { column: number; constant: number };
  capacity: { column: number; constant: number };
  memProvisioned: { column: number; factor: number };
}

function metricsOf(map: GenericMap): TraceMetric[] {
  const out: TraceMetric[] = [];
  if (map.cpu) out.push('cpuPct');
  if (map.memory) {
    if (map.memory.unit === '%') out.push('memoryPct');
    else {
      if (map.memoryProvisioned) out.push('memoryPct');
      out.push('memoryUsedGiB');
    }
  }
  if (map.diskRead) out.push(map.diskRead.unit === 'IOPS' ? 'diskReadIops' : 'diskReadKBps');
  if (map.diskWrite) out.push(map.diskWrite.unit === 'IOPS' ? 'diskWriteIops' : 'diskWriteKBps');
  if (map.netRx) out.push('netRxKBps');
  if (map.netTx) out.push('netTxKBps');
  return out;
}

function resolve(map: GenericMap, header: readonly string[] | undefined, file: string): Resolved {
  const at = header ? headerIndex(header) : () => -1;
  const column = (target: GenericTarget): number => {
    const entry = map[target];
    if (!entry || entry.constant !== undefined) return -1;
    const pos = /^#(\d+)$/.exec(entry.column);
    if (pos) return Number(pos[1]) - 1;
    const i = at(entry.column);
    if (i < 0) {
      throw new TraceInputError(
        file,
        header ? 1 : undefined,
        header ? `map: ${target}: no column '${entry.column}' in the header (columns: ${shownList(header)})` : `map: ${target}: '${entry.column}' needs a header line; use #n for column n`,
      );
    }
    return i;
  };
  const metrics = metricsOf(map);
  const plan: Resolved['plan'] = [];
  for (const metric of metrics) {
    switch (metric) {
      case 'cpuPct': {
        const unit = map.cpu!.unit;
        plan.push({ metric, column: column('cpu'), kind: unit === 'MHz' ? 'mhz' : unit === 'cores' ? 'cores' : 'scale', factor: unit === 'fraction' ? 100 : 1 });
        break;
      }
      case 'memoryPct':
        if (map.memory!.unit === '%') plan.push({ metric, column: column('memory'), kind: 'scale', factor: 1 });
        else plan.push({ metric, column: column('memory'), kind: 'memPct', factor: SIZE_UNITS[map.memory!.unit.toLowerCase()]! });
        break;
      case 'memoryUsedGiB':
        plan.push({ metric, column: column('memory'), kind: 'scale', factor: SIZE_UNITS[map.memory!.unit.toLowerCase()]! / 2 ** 30 });
        break;
      case 'diskReadIops':
      case 'diskReadKBps':
        plan.push({ metric, column: column('diskRead'), kind: 'scale', factor: metric === 'diskReadIops' ? 1 : RATE_UNITS[map.diskRead!.unit.toLowerCase()]! });
        break;
      case 'diskWriteIops':
      case 'diskWriteKBps':
        plan.push({ metric, column: column('diskWrite'), kind: 'scale', factor: metric === 'diskWriteIops' ? 1 : RATE_UNITS[map.diskWrite!.unit.toLowerCase()]! });
        break;
      case 'netRxKBps':
        plan.push({ metric, column: column('netRx'), kind: 'scale', factor: RATE_UNITS[map.netRx!.unit.toLowerCase()]! });
        break;
      case 'netTxKBps':
        plan.push({ metric, column: column('netTx'), kind: 'scale', factor: RATE_UNITS[map.netTx!.unit.toLowerCase()]! });
        break;
      default:
        break;
    }
  }
  return {
    metrics,
    plan,
    time: column('time'),
    timeUnit: map.time!.unit,
    vm: map.vm ? column('vm') : -1,
    vcpus: { column: column('vcpus'), constant: map.vcpus?.constant ?? Number.NaN },
    capacity: { column: column('cpuCapacityMHz'), constant: map.cpuCapacityMHz?.constant ?? Number.NaN },
    memProvisioned: { column: column('memoryProvisioned'), factor: map.memoryProvisioned ? SIZE_UNITS[map.memoryProvisioned.unit.toLowerCase()]! : 1 },
  };
}

/** Reads the first record of a file (the header) with the given separator. */
async function firstRecord(file: string, delimiter: string, trim: boolean): Promise<string[] | undefined> {
  const { parse } = await import('csv-parse/sync');
  const text = readHead(file);
  const line = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  try {
    const records = parse(line, { delimiter, trim, relax_quotes: true, relax_column_count: true }) as string[][];
    return records[0];
  } catch {
    return line.split(delimiter);
  }
}

/**
 * The generic reader. With no mapping given, the first file's header is used to guess one; the
 * metrics (and so the reader) are fixed by the mapping, so it is resolved before any row is read.
 */
export async function genericReader(options: ReaderOptions, firstFile: string | undefined): Promise<TraceReader & { mapSpec: Record<string, string>; guessed: boolean }> {
  const header = options.header ?? true;
  let spec = options.map ? { ...options.map } : undefined;
  let guessed = false;
  if (!spec) {
    if (!header) throw new MapSpecError('without a header line the columns cannot be guessed: give a mapping (--map time=#1,cpu=#2:%…)');
    if (!firstFile) throw new MapSpecError('no file to guess the column mapping from');
    const sep = options.separator !== undefined ? { delimiter: options.separator, trim: false } : detectSeparator(firstFile);
    const names = (await firstRecord(firstFile, sep.delimiter, sep.trim)) ?? [];
    spec = guessMap(names);
    guessed = true;
    if (!spec.time || (!spec.cpu && !spec.memory)) {
      throw new MapSpecError(
        `cannot guess the column mapping from the header of ${firstFile} (${shownList(names)}); give it with --map time=<column>,cpu=<column>:%…`,
      );
    }
  }
  const map = parseGenericMap(spec);
  const metrics = metricsOf(map);
  const finalSpec = spec;
  const values = new Float64Array(metrics.length);
  return {
    metrics,
    nominalSeconds: undefined,
    mapSpec: finalSpec,
    guessed,
    fileEntity: (file) => (map.vm ? undefined : fileId(file)),
    describe: () => [`column mapping${guessed ? ' (guessed from the header; confirm or correct with --map)' : ''}: ${formatMap(finalSpec)}`],
    async readFile(file: string, session: ImportSession): Promise<number> {
      const log = session.log;
      const sep = options.separator !== undefined ? { delimiter: options.separator, trim: false } : detectSeparator(file);
      const perFileId = fileId(file);
      let plan: Resolved | undefined = header ? undefined : resolve(map, undefined, file);
      const { bytes } = await readCsv(file, { delimiter: sep.delimiter, trim: sep.trim }, log, (f, line) => {
        if (plan === undefined) {
          plan = resolve(map, f, file);
          return;
        }
        const p = plan;
        log.rowsRead++;
        const timeText = f[p.time];
        let t: number;
        if (p.timeUnit === 'iso') t = parseDateTime(timeText ?? '', options.timeZone);
        else {
          const n = parseNumber(timeText);
          if (p.timeUnit === 's') t = n;
          else if (p.timeUnit === 'ms') t = n / 1000;
          else t = Number.isNaN(n) ? parseDateTime(timeText ?? '', options.timeZone) : epochSeconds(n);
        }
        if (Number.isNaN(t)) {
          log.reject(file, line, `${map.time!.column}: not a time`, `found ${shown(timeText)}`);
          return;
        }
        const id = p.vm >= 0 ? f[p.vm] : perFileId;
        if (id === undefined || id === '') {
          log.reject(file, line, `${map.vm!.column}: no VM id`);
          return;
        }
        const vcpus = p.vcpus.column >= 0 ? parseNumber(f[p.vcpus.column]) : p.vcpus.constant;
        let any = false;
        for (let j = 0; j < p.plan.length; j++) {
          const step = p.plan[j]!;
          const text = f[step.column];
          if (text === undefined || text.trim() === '') {
            values[j] = Number.NaN;
            continue;
          }
          const v = parseNumber(text);
          if (Number.isNaN(v)) {
            log.reject(file, line, `${header ? `'${columnName(map, step.metric)}'` : `column ${step.column + 1}`}: not a number`, `found ${shown(text)}`);
            return;
          }
          if (v < 0) {
            log.reject(file, line, `${header ? `'${columnName(map, step.metric)}'` : `column ${step.column + 1}`}: negative`, `found ${shown(text)}`);
            return;
          }
          let out: number;
          if (step.kind === 'scale') out = v * step.factor;
          else if (step.kind === 'mhz') {
            const capacity = p.capacity.column >= 0 ? parseNumber(f[p.capacity.column]) : p.capacity.constant;
            out = capacity > 0 ? (100 * v) / capacity : Number.NaN;
          } else if (step.kind === 'cores') out = vcpus > 0 ? (100 * v) / vcpus : Number.NaN;
          else {
            const provisioned = parseNumber(f[p.memProvisioned.column]) * p.memProvisioned.factor;
            out = provisioned > 0 ? (100 * v * step.factor) / provisioned : Number.NaN;
          }
          if (step.metric === 'cpuPct' && out > 100) log.note(file, line, 'CPU above 100 %: kept as measured (the model caps at 100 %)');
          values[j] = out;
          if (out === out) any = true;
        }
        if (!any) {
          log.reject(file, line, 'no metric value in the row');
          return;
        }
        if (session.sample(id, t, values, file, line) && vcpus > 0) {
          const b = session.builder(id);
          if (vcpus > (b.vcpus ?? 0)) b.vcpus = vcpus;
        }
      });
      return bytes;
    },
  };
}

function columnName(map: GenericMap, metric: TraceMetric): string {
  const target: GenericTarget =
    metric === 'cpuPct' ? 'cpu' : metric.startsWith('memory') ? 'memory' : metric.startsWith('diskRead') ? 'diskRead' : metric.startsWith('diskWrite') ? 'diskWrite' : metric === 'netRxKBps' ? 'netRx' : 'netTx';
  return map[target]?.column ?? target;
}
