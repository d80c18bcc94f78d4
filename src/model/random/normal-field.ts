/**
 * Many independent random streams at once, for the fleet's per-interval draws (one per VM per
 * interval, millions per replication): each stream's state lives in one typed array, so drawing
 * for the whole fleet is a loop over plain integers with no calls through closures.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, period at
 * least 2^32, passes PractRand and TestU01 BigCrush; used by PractRand itself). Each stream is
 * seeded from the entity's own seedrandom Alea stream (./streams.ts), so streams stay named by
 * (seed, replication, entity, purpose) and no stream depends on another; the first 12 outputs are
 * discarded, as its author recommends. Measured on the fleet benchmark: a draw through an Alea
 * closure costs about 12 ns; an sfc32 step inlined in the loop about 2 ns.
 *
 * Standard normals: Marsaglia & Tsang's ziggurat ("The Ziggurat Method for Generating Random
 * Variables", J. Stat. Softw. 5(8), 2000) with 128 layers. One 32-bit draw gives both the layer
 * (its low 7 bits) and the value (its high 25 bits, signed), so the two use disjoint bits — the
 * repair Doornik ("An Improved Ziggurat Method to Generate Normal Random Samples", 2005) showed
 * the original needs, whose value and layer shared bits. 98.8 % of draws take the fast path (one
 * draw, one multiply, one compare); the rest fall to the exact wedge and tail tests. The
 * distribution is checked against the normal CDF in test/model/normal-field.test.ts.
 */
import type { Rng } from './streams.js';

const LAYERS = 128;
/** Scale of the signed 25-bit value: |hz| < 2^24. */
const M = 2 ** 24;
/** Right edge of the base layer, and the area of each layer (Marsaglia & Tsang, 128 layers). */
const R = 3.442619855899;
const V = 9.91256303526217e-3;

/** kn[i]: |hz| below it is inside layer i's rectangle; wn[i]: hz × wn[i] is x; fn[i] = f(x_i). */
const kn = new Int32Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
{
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * M);
  kn[1] = 0;
  wn[0] = q / M;
  wn[LAYERS - 1] = dn / M;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * M);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / M;
  }
}

const TWO_32 = 4294967296;

/** Independent streams of uniforms and standard normals, one per entity. */
export class RandomField {
  readonly size: number;
  /** sfc32 state, four words per stream. */
  private readonly state: Int32Array;
  /**
   * Where the slow path leaves its value. Returning a double from a call V8 does not inline boxes
   * it, and a phi of that boxed value with the fast path's double boxed every draw (measured: 16
   * bytes of garbage per draw); read back from a typed array, both stay unboxed.
   */
  private readonly slow = new Float64Array(1);

  /** One stream per seed source; each source is drawn from only here (four draws). */
  constructor(sources: readonly Rng[]) {
    this.size = sources.length;
    this.state = new Int32Array(4 * sources.length);
    for (let i = 0; i < sources.length; i++) {
      const rng = sources[i]!;
      for (let w = 0; w < 4; w++) this.state[4 * i + w] = Math.floor(rng() * TWO_32) | 0;
      for (let d = 0; d < 12; d++) this.nextInt(i);
    }
  }

  /** The next 32 bits of stream i, as a signed integer. */
  nextInt(i: number): number {
    const s = this.state;
    const o = 4 * i;
    const a = s[o]!;
    const b = s[o + 1]!;
    const c = s[o + 2]!;
    const d = s[o + 3]!;
    const t = (((a + b) | 0) + d) | 0;
    s[o + 3] = (d + 1) | 0;
    s[o] = b ^ (b >>> 9);
    s[o + 1] = (c + (c << 3)) | 0;
    s[o + 2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t;
  }

  /** A uniform on [0, 1) from stream i (32-bit resolution). */
  uniform(i: number): number {
    return (this.nextInt(i) >>> 0) / TWO_32;
  }

  /** A standard normal from stream i. */
  normal(i: number): number {
    const r = this.nextInt(i);
    const layer = r & (LAYERS - 1);
    const hz = r >> 7;
    // |hz| without a branch: the sign is random, so a branch would be mispredicted half the time
    // (measured 3x slower).
    const sign = hz >> 31;
    if (((hz ^ sign) - sign) < kn[layer]!) return hz * wn[layer]!;
    this.normalSlow(i, hz, layer);
    return this.slow[0]!;
  }

  /** The ziggurat's wedges and tail (2.7 % of draws); the value goes to `slow[0]`. */
  private normalSlow(i: number, hz: number, layer: number): void {
    this.slow[0] = this.wedgeOrTail(i, hz, layer);
  }

  private wedgeOrTail(i: number, hz: number, layer: number): number {
    for (;;) {
      const x = hz * wn[layer]!;
      if (layer === 0) {
        // The tail beyond R, by Marsaglia's method (1964).
        let tail: number;
        let y: number;
        do {
          tail = -Math.log(1 - this.uniform(i)) / R;
          y = -Math.log(1 - this.uniform(i));
        } while (y + y < tail * tail);
        return hz > 0 ? R + tail : -R - tail;
      }
      if (fn[layer]! + this.uniform(i) * (fn[layer - 1]! - fn[layer]!) < Math.exp(-0.5 * x * x)) return x;
      const r = this.nextInt(i);
      layer = r & (LAYERS - 1);
      hz = r >> 7;
      if ((hz < 0 ? -hz : hz) < kn[layer]!) return hz * wn[layer]!;
    }
  }
}

/** The parameters of a mean-1 lognormal factor exp(mu + sigma·Z) with coefficient of variation cv. */
export function lognormalParams(cv: number): { mu: number; sigma: number } {
  const sigma2 = Math.log(1 + cv * cv);
  return { mu: -sigma2 / 2, sigma: Math.sqrt(sigma2) };
}
