/**
 * Ranges in scenario files: any numeric field may be written as what is known about it instead of
 * one number, because some inputs are never measured.
 *
 *   outstanding: { between: [1, 4] }                  # uniform; nominal the midpoint
 *   sharedPct: { triangular: [10, 25, 40] }            # low, most likely, high; nominal the mode
 *   qemuPacketMicros: { loguniform: [5, 20] }          # halved to doubled; nominal the geometric mean
 *   swapGiB: { between: ['4 GiB', '16 GiB'], nominal: '8 GiB', reason: 'host not described' }
 *
 * A run uses each range's nominal value; `overcast sensitivity` moves them over the range and
 * `recommend --robust` judges at their adverse ends. Ends may be quantity strings with one unit.
 * This module only reads and replaces them in the parsed document (data in, data out); the loader
 * validates both ends against the schema like any other value.
 */
import { describeValue } from './issues.js';

export type RangeKind = 'between' | 'triangular' | 'loguniform';

export const RANGE_KINDS: readonly RangeKind[] = ['between', 'triangular', 'loguniform'];

/** What is known about one input: a distribution over [low, high] and the value a run uses. */
export interface RangeDistribution {
  kind: RangeKind;
  low: number;
  high: number;
  /** The most likely value (triangular); the midpoint of `between`; the geometric mean of `loguniform`. */
  nominal: number;
  /** For triangular: the mode (equal to nominal). */
  mode?: number;
  /** Unit the ends were written in ('GiB'), when they were quantity strings. */
  unit?: string;
  /** Whole numbers only (the field is an integer). */
  integer?: boolean;
}

/** A range found in a scenario file. */
export interface FileRange {
  /** Where it is in the document (list entries by index). */
  path: (string | number)[];
  distribution: RangeDistribution;
  /** The file's own one-line reason, if it gave one. */
  reason?: string;
}

export interface RangeProblem {
  path: (string | number)[];
  message: string;
}

/** True for an object that is meant as a range (it has one of the kind keys). */
function isRangeObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return RANGE_KINDS.some((k) => Object.hasOwn(value, k));
}

const QUANTITY = /^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\d\s].*?)?\s*$/;

/** A number, or a quantity string split into its number and unit. */
function readEnd(value: unknown): { number: number; unit?: string } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? { number: value } : undefined;
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  const number = Number(m[1]);
  if (!Number.isFinite(number)) return undefined;
  return m[2] ? { number, unit: m[2] } : { number };
}

/**
 * Reads a range object into its distribution, or says what is wrong with it. `integer` rounds the
 * nominal value and every value drawn (an integer field).
 */
export function readRange(value: Record<string, unknown>, integer = false): { ok: true; distribution: RangeDistribution; reason?: string } | { ok: false; message: string } {
  const kinds = RANGE_KINDS.filter((k) => Object.hasOwn(value, k));
  const allowed = new Set<string>([...RANGE_KINDS, 'nominal', 'reason']);
  const unknown = Object.keys(value).filter((k) => !allowed.has(k));
  const example = "e.g. { between: [1, 4] }, { triangular: [10, 25, 40] } or { loguniform: ['5 µs', '20 µs'] }";
  if (kinds.length > 1) return { ok: false, message: `a range has one of ${RANGE_KINDS.join(', ')}, found ${kinds.join(' and ')}` };
  if (unknown.length > 0) return { ok: false, message: `unknown field '${unknown[0]}' in a range (a range has ${RANGE_KINDS.join(' / ')}, and optionally nominal and reason)` };
  const kind = kinds[0]!;
  const list = value[kind];
  const size = kind === 'triangular' ? 3 : 2;
  if (!Array.isArray(list) || list.length !== size) {
    return { ok: false, message: `${kind} takes a list of ${size} values (${kind === 'triangular' ? 'low, most likely, high' : 'low, high'}), found ${describeValue(list)}; ${example}` };
  }
  const ends = list.map(readEnd);
  const bad = ends.findIndex((e) => e === undefined);
  if (bad >= 0) return { ok: false, message: `${kind}: expected a number or a quantity such as '4 GiB', found ${describeValue(list[bad])}` };
  const units = new Set(ends.map((e) => e!.unit ?? ''));
  if (units.size > 1) return { ok: false, message: `${kind}: give every value in one unit, found ${[...units].map((u) => (u === '' ? 'a plain number' : `'${u}'`)).join(' and ')}` };
  const unit = ends[0]!.unit;
  const numbers = ends.map((e) => e!.number);
  const low = numbers[0]!;
  const high = numbers[numbers.length - 1]!;
  if (!(low < high)) return { ok: false, message: `${kind}: the low end must be below the high end, found [${list.map((v) => describeValue(v)).join(', ')}] (for a known value, write the value itself)` };
  if (kind === 'loguniform' && !(low > 0)) return { ok: false, message: `loguniform needs a low end > 0, found ${describeValue(list[0])}` };
  let nominal: number;
  let mode: number | undefined;
  if (kind === 'triangular') {
    mode = numbers[1]!;
    if (!(mode >= low && mode <= high)) return { ok: false, message: `triangular: the most likely value must lie between the ends, found [${list.map((v) => describeValue(v)).join(', ')}]` };
    nominal = mode;
  } else nominal = kind === 'between' ? (low + high) / 2 : Math.sqrt(low * high);
  if (Object.hasOwn(value, 'nominal')) {
    if (kind === 'triangular') return { ok: false, message: 'triangular: the most likely value is the nominal one; leave out nominal' };
    const given = readEnd(value.nominal);
    if (!given) return { ok: false, message: `nominal: expected a number or a quantity, found ${describeValue(value.nominal)}` };
    if ((given.unit ?? '') !== (unit ?? '')) return { ok: false, message: `nominal: give it in the range's unit (${unit ? `'${unit}'` : 'a plain number'}), found ${describeValue(value.nominal)}` };
    if (!(given.number >= low && given.number <= high)) return { ok: false, message: `nominal ${describeValue(value.nominal)} lies outside the range [${describeValue(list[0])}, ${describeValue(list[list.length - 1])}]` };
    nominal = given.number;
  }
  if (Object.hasOwn(value, 'reason') && typeof value.reason !== 'string') return { ok: false, message: `reason: expected a line of text, found ${describeValue(value.reason)}` };
  if (integer) nominal = Math.round(nominal);
  const distribution: RangeDistribution = { kind, low, high, nominal, ...(mode !== undefined && { mode }), ...(unit !== undefined && { unit }), ...(integer && { integer }) };
  return typeof value.reason === 'string' ? { ok: true, distribution, reason: value.reason.slice(0, 200) } : { ok: true, distribution };
}

/**
 * Finds every range in a parsed document and returns a copy with each replaced by its nominal
 * value (written back in its unit), plus the problems of ranges that cannot be read.
 * `isInteger(path)` tells integer fields (their values are rounded).
 */
export function extractRanges(raw: unknown, isInteger: (path: readonly (string | number)[]) => boolean): { raw: unknown; ranges: FileRange[]; problems: RangeProblem[] } {
  const ranges: FileRange[] = [];
  const problems: RangeProblem[] = [];
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (isRangeObject(value)) {
      const read = readRange(value, isInteger(path));
      if (!read.ok) {
        problems.push({ path, message: read.message });
        return value;
      }
      ranges.push({ path, distribution: read.distribution, ...(read.reason !== undefined && { reason: read.reason }) });
      return valueText(read.distribution.nominal, read.distribution);
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = walk(item, [...path, key]);
      return out;
    }
    return value;
  };
  const replaced = walk(raw, []);
  return { raw: replaced, ranges, problems };
}

/** The value at a path of a parsed document, undefined where any step is missing. */
export function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let node = raw;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

/** A copy of the document with the value at each path replaced (paths that exist only). */
export function withValuesAt(raw: unknown, values: readonly { path: readonly (string | number)[]; value: unknown }[]): unknown {
  const copy = structuredClone(raw);
  for (const { path, value } of values) {
    let node = copy as Record<string | number, unknown>;
    for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
    node[path[path.length - 1]!] = value;
  }
  return copy;
}

/** A value as the file would write it: a number, or a quantity string in the range's unit. */
export function valueText(value: number, distribution: Pick<RangeDistribution, 'unit' | 'integer'>): number | string {
  const v = distribution.integer ? Math.round(value) : Number(value.toPrecision(6));
  return distribution.unit ? `${v} ${distribution.unit}` : v;
}

/**
 * The value at cumulative probability `u` in [0, 1] (the inverse CDF): 0 is the low end, 1 the
 * high end. Screening designs work on [0, 1] and map each input through this.
 */
export function quantile(distribution: RangeDistribution, u: number): number {
  const { low, high } = distribution;
  const p = Math.min(1, Math.max(0, u));
  let x: number;
  switch (distribution.kind) {
    case 'between':
      x = low + p * (high - low);
      break;
    case 'loguniform':
      x = low * Math.pow(high / low, p);
      break;
    case 'triangular': {
      const mode = distribution.mode ?? distribution.nominal;
      const split = (mode - low) / (high - low);
      x = p <= split ? low + Math.sqrt(p * (high - low) * (mode - low)) : high - Math.sqrt((1 - p) * (high - low) * (high - mode));
      break;
    }
  }
  return distribution.integer ? Math.round(x) : x;
}

/** The cumulative probability of `x` (the CDF, the inverse of `quantile`): 0 at the low end, 1 at the high end. */
export function cumulative(distribution: RangeDistribution, x: number): number {
  const { low, high } = distribution;
  if (x <= low) return 0;
  if (x >= high) return 1;
  switch (distribution.kind) {
    case 'between':
      return (x - low) / (high - low);
    case 'loguniform':
      return Math.log(x / low) / Math.log(high / low);
    case 'triangular': {
      const mode = distribution.mode ?? distribution.nominal;
      return x <= mode ? (x - low) ** 2 / ((high - low) * (mode - low)) : 1 - (high - x) ** 2 / ((high - low) * (high - mode));
    }
  }
}

/** How a range reads in reports: `triangular 10–25–40 %`, `between 4–16 GiB (nominal 8)`. */
export function describeRange(distribution: RangeDistribution, unit?: string): string {
  const u = distribution.unit ?? unit;
  const n = (x: number): string => String(Number(x.toPrecision(4)));
  const suffix = u ? ` ${u}` : '';
  if (distribution.kind === 'triangular') return `triangular ${n(distribution.low)}–${n(distribution.mode ?? distribution.nominal)}–${n(distribution.high)}${suffix}`;
  const midpoint = distribution.kind === 'between' ? (distribution.low + distribution.high) / 2 : Math.sqrt(distribution.low * distribution.high);
  const nominal = Math.abs(distribution.nominal - midpoint) > 1e-9 * Math.max(1, Math.abs(midpoint)) ? ` (nominal ${n(distribution.nominal)})` : '';
  return `${distribution.kind} ${n(distribution.low)}–${n(distribution.high)}${suffix}${nominal}`;
}

/** The JSON Schema of a range, for editors (`$defs.range` of docs/scenario.schema.json). */
const RANGE_JSON_SCHEMA = {
  type: 'object',
  description: "What is known about an unmeasured number: { between: [low, high] }, { triangular: [low, most likely, high] } or { loguniform: [low, high] }, optionally with nominal (the value a run uses) and reason. Ends may be quantities in one unit ('4 GiB').",
  properties: {
    between: { type: 'array', items: { type: ['number', 'string'] }, minItems: 2, maxItems: 2 },
    triangular: { type: 'array', items: { type: ['number', 'string'] }, minItems: 3, maxItems: 3 },
    loguniform: { type: 'array', items: { type: ['number', 'string'] }, minItems: 2, maxItems: 2 },
    nominal: { type: ['number', 'string'] },
    reason: { type: 'string' },
  },
  additionalProperties: false,
  oneOf: [{ required: ['between'] }, { required: ['triangular'] }, { required: ['loguniform'] }],
};

/** Keys that describe a field rather than constrain its value: they stay on the outer node. */
const DESCRIPTIVE = new Set(['description', 'unit', 'defaultText', 'default', 'accepts', 'title']);

/**
 * The scenario's JSON Schema as editors should see it: every numeric field also accepts a range.
 * The loader keeps using the schema without ranges (it reads and replaces them first).
 */
export function withRangesAllowed(schema: Record<string, unknown>): Record<string, unknown> {
  const numeric = (node: Record<string, unknown>): boolean => {
    const types = Array.isArray(node.type) ? (node.type as unknown[]) : [node.type];
    return types.includes('number') || types.includes('integer');
  };
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const record = node as Record<string, unknown>;
    if (numeric(record) && record.type !== 'array' && record.type !== 'object') {
      const outer: Record<string, unknown> = {};
      const inner: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(record)) (DESCRIPTIVE.has(k) ? outer : inner)[k] = v;
      return { ...outer, anyOf: [inner, { $ref: '#/$defs/range' }] };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, n]) => [p, visit(n)])) : visit(v);
    return out;
  };
  const visited = visit(schema) as Record<string, unknown>;
  return { ...visited, $defs: { ...(visited.$defs as Record<string, unknown> | undefined), range: RANGE_JSON_SCHEMA } };
}
