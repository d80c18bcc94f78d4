/**
 * Tabulated waiting of the machine-repairman model, for the fleet kernel's CFS split
 * (./fleet.ts), which needs E[(K − c)+] of M/M/c//n (./queueing.ts) at one (n, u) for every
 * number c of pCPUs the lighter vCPUs may leave free: up to dozens of solves per bin, each O(n),
 * for every host and interval of a run.
 *
 * For fixed n and c the waiting is a smooth function of ln ρ (ρ = u / (1 − u)): its knee lies at
 * ρ ≈ c / (n − c) and is at least about 1/√n wide in ln ρ (for c = 1 the waiting jumps from 0 to
 * n − 2 as nρ goes from 1/2 to 2; for larger c the knee widens). So each (n, c) row holds the
 * exact waiting on a uniform grid in ln ρ over [−14, 14] (u from 8·10⁻⁷ to 1 − 8·10⁻⁷) with
 * 8·√n points per unit, and a lookup is a Catmull–Rom spline through the four nearest points.
 * Measured against the exact solve for n = 4..256, every c and random u (skewed towards 0), the
 * error is below 10⁻⁴ of max(W, n/1000) (test/model/repairman-table.test.ts checks 3·10⁻⁴). The
 * grid position depends only on u, so a bin computes it once for all its free counts.
 *
 * Rows are built where they are used, a block of 32 grid points at a time (a run's utilisations
 * stay in a narrow band, so most of a row is never needed), and kept up to a byte budget, after
 * which the cache starts afresh: the table's values depend only on (n, c, grid point), so eviction
 * changes speed, never results. It is a process-wide memo for that reason. Outside the grid the
 * caller solves exactly.
 */
import { solveRepairman, type RepairmanMeans } from './queueing.js';

const LN_RHO_MIN = -14;
const LN_RHO_MAX = 14;
const POINTS_PER_UNIT = 8;
/** Grid points computed together when a lookup needs one that is missing. */
const BLOCK = 32;
/** Bytes of rows kept per process before the cache is cleared. */
const BUDGET_BYTES = 64 * 2 ** 20;

/**
 * The four grid points a look-up interpolates lie at most this factor above its ρ (two spacings
 * of at most 1/POINTS_PER_UNIT in ln ρ): bounds on the looked-up waiting use it (./quiet-bound.ts).
 */
export const LOOKUP_REACH = Math.exp(2 / POINTS_PER_UNIT);
/** The Catmull–Rom weights' absolute values add up to at most 1.25 (at t = 1/2). */
export const LOOKUP_GAIN = 1.25;

/** Grid points of the rows for n vCPUs (the same for every c). */
function gridPoints(n: number): number {
  return Math.ceil((LN_RHO_MAX - LN_RHO_MIN) * POINTS_PER_UNIT * Math.sqrt(n));
}

/** rows[n][c], built on first use. */
let rows: (Float64Array | undefined)[][] = [];
let bytes = 0;
const means: RepairmanMeans = { meanWaiting: 0, meanRunning: 0 };

function row(n: number, c: number): Float64Array {
  let byC = rows[n];
  if (byC === undefined) {
    byC = [];
    rows[n] = byC;
  }
  let values = byC[c];
  if (values === undefined) {
    values = new Float64Array(gridPoints(n) + 1).fill(Number.NaN);
    if (bytes + values.byteLength > BUDGET_BYTES) {
      rows = [];
      bytes = 0;
      byC = [];
      rows[n] = byC;
    }
    byC[c] = values;
    bytes += values.byteLength;
  }
  return values;
}

/** A position on the grid of rows for n vCPUs: index and fraction; index −1 when u is off the grid. */
export interface GridPosition {
  index: number;
  fraction: number;
}

/** Where utilisation u falls on the grid of the rows for n vCPUs (written into `out`). */
export function gridPosition(n: number, u: number, out: GridPosition): GridPosition {
  const lnRho = u <= 0 ? Number.NEGATIVE_INFINITY : u >= 1 ? Number.POSITIVE_INFINITY : Math.log(u / (1 - u));
  const g = gridPoints(n);
  const x = ((lnRho - LN_RHO_MIN) / (LN_RHO_MAX - LN_RHO_MIN)) * g;
  if (!(x >= 0 && x < g)) {
    out.index = -1;
    out.fraction = 0;
    return out;
  }
  out.index = Math.floor(x);
  out.fraction = x - out.index;
  return out;
}

/** Computes the block of grid points of row (n, c) that holds point i. */
function buildBlock(values: Float64Array, n: number, c: number, i: number): void {
  const g = values.length - 1;
  const from = i - (i % BLOCK);
  const to = Math.min(g, from + BLOCK - 1);
  for (let k = from; k <= to; k++) {
    const rho = Math.exp(LN_RHO_MIN + ((LN_RHO_MAX - LN_RHO_MIN) * k) / g);
    values[k] = solveRepairman(means, n, c, rho / (1 + rho)).meanWaiting;
  }
}

/**
 * Row (n, c), 1 <= c < n, with the four grid points around `at` (index >= 0) computed. Split from
 * `interpolate` so the kernel's loop calls one function that returns an object and one small
 * enough to be inlined: a double returned from a call V8 does not inline is boxed (allocated).
 */
export function tableRow(n: number, c: number, at: GridPosition): Float64Array {
  const values = row(n, c);
  const last = values.length - 1;
  const i0 = at.index > 0 ? at.index - 1 : 0;
  const i3 = at.index + 2 <= last ? at.index + 2 : last;
  // NaN marks a point not computed yet (NaN fails every comparison).
  if (!(values[i0]! >= 0)) buildBlock(values, n, c, i0);
  if (!(values[i3]! >= 0)) buildBlock(values, n, c, i3);
  return values;
}

/** The Catmull–Rom spline through a row's four points around `at`, floored at 0. */
export function interpolate(values: Float64Array, at: GridPosition): number {
  const i = at.index;
  const t = at.fraction;
  const last = values.length - 1;
  const p0 = values[i > 0 ? i - 1 : 0]!;
  const p1 = values[i]!;
  const p2 = values[i + 1]!;
  const p3 = values[i + 2 <= last ? i + 2 : last]!;
  const w = p1 + 0.5 * t * (p2 - p0 + t * (2 * p0 - 5 * p1 + 4 * p2 - p3 + t * (3 * (p1 - p2) + p3 - p0)));
  return w > 0 ? w : 0;
}

/** E[(K − c)+] of M/M/c//n at the grid position of its utilisation (index >= 0), 1 <= c < n. */
export function tabulatedWaiting(n: number, c: number, at: GridPosition): number {
  return interpolate(tableRow(n, c, at), at);
}
