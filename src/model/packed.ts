/**
 * Results as they cross a thread boundary: the cheap sibling of ./transfer.ts.
 *
 * A worker thread's result reaches the main thread by structured cloning, which already keeps
 * typed arrays, NaN, ±Infinity, −0 and `undefined` exactly; it only drops class prototypes. So a
 * packed result is the result itself with each `Histogram` replaced by a tagged plain object that
 * holds its own fields (`counts` stays the histogram's Float64Array). The JSON encoding
 * (./transfer.ts) is for files (shards); measured on the bundled default scenario it costs 2.4 ms to
 * encode (in the worker) and 2.0 ms to decode (on the main thread, between the workers' results)
 * per replication, which computes in about 50 ms; packing and unpacking take 0.02–0.04 ms, and
 * cloning costs the same 0.5 ms either way. Typed arrays are cloned by copying
 * their bytes (about 0.7 MB a replication, a memcpy); moving them instead would need piscina's
 * `move()` in every worker, whose import costs 12–37 ms of the worker's start.
 *
 * A result that never leaves its thread (the in-process runner) is a valid packed value as it is:
 * unpacking passes histograms and typed arrays through untouched. Other class instances are
 * refused with their path, as ./transfer.ts refuses them, so a new result field of an unsupported
 * type fails in the tests instead of arriving as a bare object.
 */
import { Histogram } from './stats/histogram.js';

const TAG = '$t';

/** A histogram's fields as a plain, structured-clone-safe object. */
interface PackedHistogram {
  [TAG]: 'Histogram';
  counts: Float64Array;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Values unpackResult accepts: plain data, typed arrays, histograms, packed histograms. */
export type Packed = unknown;

/** `value` ready for posting to another thread (it shares its typed arrays with `value`). */
export function packResult(value: unknown, path = 'result'): Packed {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') throw new TypeError(`packed: cannot pack a ${typeof value} at ${path}`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => packResult(item, `${path}[${i}]`));
  if (value instanceof Histogram) {
    const h: PackedHistogram = { [TAG]: 'Histogram', counts: value.counts, count: value.count, sum: value.sum, min: value.min, max: value.max };
    return h;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new TypeError(`packed: cannot pack a ${name} at ${path} (use plain data, typed arrays or Histogram)`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === TAG) throw new TypeError(`packed: the key '${TAG}' at ${path} is reserved`);
    out[key] = packResult(child, `${path}.${key}`);
  }
  return out;
}

/**
 * The value packResult packed (after structured cloning, or not cloned at all), histograms
 * restored around the received counts (the packed value must not be used afterwards).
 */
export function unpackResult(value: Packed): unknown {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || value instanceof Histogram) return value;
  if (Array.isArray(value)) return value.map(unpackResult);
  const record = value as Record<string, unknown>;
  if (record[TAG] === 'Histogram') {
    const packed = record as unknown as PackedHistogram;
    // The clone's counts are this thread's own array: adopted, not copied.
    const h = new Histogram(packed.counts);
    h.count = packed.count;
    h.sum = packed.sum;
    h.min = packed.min;
    h.max = packed.max;
    return h;
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(record)) out[key] = unpackResult(child);
  return out;
}
