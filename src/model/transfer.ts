/**
 * A lossless, JSON-safe encoding of model results, for moving replication results between worker
 * threads and through shard files without losing a bit.
 *
 * Results are combined in replication order into exactly the numbers a single-threaded run gives
 * only if every value survives the trip exactly. Structured cloning (worker threads) drops class
 * prototypes, so a `Histogram` arrives as a plain object; JSON (shard files) also turns typed
 * arrays into objects, non-finite numbers into null and −0 into 0. This encoding walks any result
 * object and rewrites exactly those cases into tagged plain values:
 *
 * - `Histogram` → `{ $t: 'Histogram', v: <its toJSON() data> }` (integer bucket counts, exact sum);
 * - typed arrays → `{ $t: 'Float64Array', v: [...] }` (and the other numeric typed arrays);
 * - NaN, ±Infinity and −0 → `{ $t: 'num', v: 'NaN' }` and so on;
 * - `undefined` → `{ $t: 'undefined' }` (so a key that exists stays existing).
 *
 * Finite numbers are written as JSON numbers, which round-trip exactly (ECMAScript's number to
 * string conversion is the shortest string that reads back as the same double). Plain objects and
 * arrays are walked; any other class instance is refused with its path, so a new result field of
 * an unsupported type fails loudly in the tests instead of arriving as `{}` (the fields are not
 * listed by hand: a model that adds memory or IO results to `ReplicationResult` needs no change
 * here as long as it uses plain data, typed arrays and histograms).
 */
import { Histogram, type HistogramData } from './stats/histogram.js';

/** A JSON value. */
export type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

const TAG = '$t';

const TYPED_ARRAYS = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

function encodeNumber(value: number): Encoded {
  if (Number.isFinite(value) && !Object.is(value, -0)) return value;
  return { [TAG]: 'num', v: Object.is(value, -0) ? '-0' : String(value) };
}

function decodeNumber(text: string): number {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case 'Infinity':
      return Number.POSITIVE_INFINITY;
    case '-Infinity':
      return Number.NEGATIVE_INFINITY;
    case '-0':
      return -0;
    default:
      throw new TypeError(`transfer: unknown number '${text}'`);
  }
}

/**
 * A typed array's values, each as encodeNumber writes it. A plain loop into an array of the right
 * length: Array.from with a mapping function took six times as long on the 43,200 values of a
 * ten-host memory timeline (measured), and a replication carries several such arrays.
 */
function encodeNumbers(values: ArrayLike<number>): Encoded[] {
  const out = new Array<Encoded>(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    // Finite and not −0 (x − x is NaN for NaN and ±Infinity; 1/x tells −0 from 0).
    out[i] = x - x === 0 && (x !== 0 || 1 / x > 0) ? x : encodeNumber(x);
  }
  return out;
}

/** Encodes a result object (or any value built of plain data, typed arrays and histograms). */
export function encodeTransfer(value: unknown, path = 'result'): Encoded {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return encodeNumber(value);
  if (value === undefined) return { [TAG]: 'undefined' };
  if (Array.isArray(value)) return value.map((item, i) => encodeTransfer(item, `${path}[${i}]`));
  if (value instanceof Histogram) return { [TAG]: 'Histogram', v: encodeTransfer(value.toJSON(), `${path}(histogram)`) };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const name = value.constructor.name;
    if (!(name in TYPED_ARRAYS)) throw new TypeError(`transfer: cannot encode a ${name} at ${path}`);
    return { [TAG]: name, v: encodeNumbers(value as unknown as ArrayLike<number>) };
  }
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new TypeError(`transfer: cannot encode a ${name} at ${path} (use plain data, typed arrays or Histogram)`);
    }
    const out: { [key: string]: Encoded } = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === TAG) throw new TypeError(`transfer: the key '${TAG}' at ${path} is reserved`);
      out[key] = encodeTransfer(child, `${path}.${key}`);
    }
    return out;
  }
  throw new TypeError(`transfer: cannot encode a ${typeof value} at ${path}`);
}

/** Decodes what `encodeTransfer` wrote, restoring histograms, typed arrays and special numbers. */
export function decodeTransfer(value: Encoded): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeTransfer);
  const tag = value[TAG];
  if (typeof tag === 'string') {
    const payload = value.v;
    if (tag === 'num') return decodeNumber(String(payload));
    if (tag === 'undefined') return undefined;
    if (tag === 'Histogram') return Histogram.fromJSON(decodeTransfer(payload as Encoded) as HistogramData);
    if (tag in TYPED_ARRAYS && Array.isArray(payload)) {
      const out = new TYPED_ARRAYS[tag as TypedArrayName](payload.length);
      for (let i = 0; i < payload.length; i++) {
        const x = payload[i]!;
        out[i] = typeof x === 'number' ? x : (decodeTransfer(x) as number);
      }
      return out;
    }
    throw new TypeError(`transfer: unknown tag '${tag}'`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out[key] = decodeTransfer(child);
  return out;
}
