/**
 * xoshiro128** (Blackman & Vigna, "Scrambled Linear Pseudorandom Number Generators", ACM TOMS
 * 47(4), 2021; reference code at https://prng.di.unimi.it/xoshiro128starstar.c): 128 bits of
 * state, 32-bit outputs, integer operations only. Many generators live side by side in one
 * Int32Array, four words each.
 *
 * Why, beside the Alea streams: the micro CPU model draws two exponential variates per CPU burst,
 * tens of millions per run. Alea computes in floating point and keeps each stream's state in its
 * own object; xoshiro128** steps in a few integer instructions on one flat array that the
 * compiler keeps in registers, and its 32-bit output feeds the ziggurat (./ziggurat.ts) without
 * a float conversion. Each generator is seeded by four draws of an Alea stream (./streams.ts), so
 * it is as reproducible as the stream's key. xoshiro128** passes BigCrush (the authors' tests);
 * its period is 2^128 − 1 from every non-zero seed. The fleet's RandomField (./normal-field.ts)
 * keeps sfc32 streams in the same layout, whose period is only guaranteed to be 2^32; in the
 * micro model both measured the same speed.
 */
import type { Rng } from './streams.js';

/** Words of state per generator. */
export const XOSHIRO128_WORDS = 4;

/** Seeds generator `g` (words 4g..4g+3 of `state`) from four 32-bit draws of `rng`. */
export function seedXoshiro128(state: Int32Array, g: number, rng: Rng): void {
  const o = XOSHIRO128_WORDS * g;
  let any = 0;
  for (let k = 0; k < XOSHIRO128_WORDS; k++) {
    const word = (rng() * 4294967296) | 0; // 2^32: Alea's uniforms are multiples of 2^−32
    state[o + k] = word;
    any |= word;
  }
  if (any === 0) state[o] = 1; // the all-zero state never leaves itself
}

/**
 * Steps generator `g` and returns its next 32-bit output as a signed int32 (`>>> 0` for the
 * unsigned value). A hot loop should let the compiler inline this: an int32 returned from a call
 * that is not inlined may be boxed.
 */
export function xoshiro128Next(state: Int32Array, g: number): number {
  const o = XOSHIRO128_WORDS * g;
  const s0 = state[o]!;
  const s1 = state[o + 1]!;
  const s2 = state[o + 2]! ^ s0;
  const s3 = state[o + 3]! ^ s1;
  const m = Math.imul(s1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9);
  state[o] = s0 ^ s3;
  state[o + 1] = s1 ^ s2;
  state[o + 2] = s2 ^ (s1 << 9);
  state[o + 3] = (s3 << 11) | (s3 >>> 21);
  return result;
}

/** A uniform on [0, 1) from generator `g` (32 bits of resolution, like Alea's). */
export function xoshiro128Uniform(state: Int32Array, g: number): number {
  return (xoshiro128Next(state, g) >>> 0) * 2.3283064365386963e-10; // 2^−32
}
