/**
 * Standard exponential variates by the ziggurat method (Marsaglia & Tsang, "The Ziggurat Method
 * for Generating Random Variables", J. Stat. Software 5(8), 2000), for the micro CPU model's
 * inner loop: 32 random bits, a table lookup, a comparison and a multiplication for 97.8 % of
 * variates, where −log(1 − U) costs a Math.log call (~15 ns on the development machine, two per
 * CPU burst). NumPy's Generator draws its exponentials the same way.
 *
 * The density e^−x is covered by 256 layers of equal area; layer 0 is the base strip, whose
 * part beyond r = 7.697… is the exact tail r − log(U). 32 random bits supply both the layer
 * (the low 8) and the position within it (the high 24). Marsaglia and Tsang use the same 32 bits
 * for both, which correlates the layer with the value's low bits (Doornik, "An Improved Ziggurat
 * Method to Generate Normal Random Samples", 2005); disjoint bits avoid that. 24 bits place a
 * variate within its layer to 2^−24 of the layer's width: at most 4.6e-7 of the mean, far below
 * anything the CPU model resolves.
 *
 * The result is exact in distribution (not an approximation of e^−x) up to that resolution and
 * float64 rounding of the tables; test/model/ziggurat.test.ts checks moments, the CDF and the tail.
 */
import type { Rng } from './streams.js';

const LAYERS = 256;
/** Right edge of the base strip's rectangle, and the layers' common area (Marsaglia & Tsang). */
const R = 7.697117470131487;
const AREA = 3.949659822581572e-3;
const SCALE = 2 ** 24; // positions within a layer

/** Position (of 2^24) below which a point of layer i lies inside the curve's rectangle for sure. */
const ZIGGURAT_K = new Float64Array(LAYERS);
/** Width of layer i per unit of position: x = position · W[i]. */
const ZIGGURAT_W = new Float64Array(LAYERS);
/** e^−x at the right edge of layer i, for the wedge test. */
const F = new Float64Array(LAYERS);
{
  let x = R;
  let previous = R;
  const q = AREA / Math.exp(-x);
  ZIGGURAT_K[0] = (x / q) * SCALE;
  ZIGGURAT_K[1] = 0;
  ZIGGURAT_W[0] = q / SCALE;
  ZIGGURAT_W[LAYERS - 1] = x / SCALE;
  F[0] = 1;
  F[LAYERS - 1] = Math.exp(-x);
  for (let i = LAYERS - 2; i >= 1; i--) {
    x = -Math.log(AREA / x + Math.exp(-x));
    ZIGGURAT_K[i + 1] = (x / previous) * SCALE;
    previous = x;
    F[i] = Math.exp(-x);
    ZIGGURAT_W[i] = x / SCALE;
  }
}

/**
 * The standard exponential variate for 32 random bits (an int32) when the bits' layer rectangle
 * settles it (97.8 % of draws), else −1: then zigguratSlowPath finishes the draw. Split so that a
 * hot loop can inline this part and draw the bits itself.
 */
export function zigguratFast(bits: number): number {
  const layer = bits & 255;
  const position = bits >>> 8;
  return position < ZIGGURAT_K[layer]! ? position * ZIGGURAT_W[layer]! : -1;
}

/**
 * The rest of a draw whose 32 bits fell outside their layer's rectangle: the tail or the wedge
 * test, then fresh draws from the uniform source `rng` until one is accepted.
 */
export function zigguratSlowPath(rng: Rng, bits: number): number {
  for (;;) {
    const layer = bits & 255;
    const position = bits >>> 8;
    if (position < ZIGGURAT_K[layer]!) return position * ZIGGURAT_W[layer]!;
    if (layer === 0) return R - Math.log(1 - rng());
    const x = position * ZIGGURAT_W[layer]!;
    if (F[layer]! + rng() * (F[layer - 1]! - F[layer]!) < Math.exp(-x)) return x;
    bits = uniformBits(rng);
  }
}

/** 32 random bits from a uniform on [0, 1) of 32-bit resolution (Alea's, xoshiro128Uniform's). */
function uniformBits(rng: Rng): number {
  return (rng() * 4294967296) | 0; // 2^32
}

/** A standard exponential variate (mean 1) from the uniform source `rng`. */
export function standardExponential(rng: Rng): number {
  const bits = uniformBits(rng);
  const x = zigguratFast(bits);
  return x >= 0 ? x : zigguratSlowPath(rng, bits);
}
