/**
 * Fleet-scale CPU contention: one host in one interval, in closed form.
 *
 * Within an interval each VM's vCPUs have an uncontended utilisation u_i (their demand). The host
 * is solved as a machine-repairman system (./queueing.ts) whose two parameters are matched to the
 * first two moments of the number of vCPUs that would be busy without contention,
 * K0 = Σ Bernoulli(u_i):
 *     mean  Σu_i = n·ū,    variance  Σu_i(1 − u_i) = n·ū(1 − ū)
 * so ū = Σu² / Σu and n = (Σu)² / Σu² (rounded). This is exact for identical vCPUs and for any mix
 * of idle and saturated vCPUs (30 hogs + 30 idle vCPUs behave as 30 hogs), and it keeps the
 * variance that drives queueing right in between.
 *
 * The mean number of waiting vCPUs W is then split between VMs with one common stretch factor s,
 * as processor sharing does: a vCPU with demand u is runnable a share a(s) = s·u / (1 − u + s·u) of
 * the time (its bursts take s times longer) and ready for a(s)·(1 − 1/s) of it; s solves
 * Σ a_i(s)(1 − 1/s) = W. For identical vCPUs this returns W / n each, the exact M/M/P//n answer.
 *
 * The split and the moment match are approximations for mixed loads; test/model/fleet-agreement.test.ts
 * measures them against the micro-level simulation. Cost per host-interval: O(VMs + n), no
 * allocation.
 */
import { solveRepairman, type RepairmanMeans } from './queueing.js';

/** Reusable scratch state so the per-interval call allocates nothing. */
export interface FleetScratch {
  means: RepairmanMeans;
}

export function fleetScratch(): FleetScratch {
  return { means: { meanWaiting: 0, meanRunning: 0 } };
}

/**
 * Solves one host for one interval. VMs are `from`..`to−1` of the given arrays. Writes each VM's
 * per-vCPU ready share (0..1) into `readyOut` and its per-vCPU running share into `runOut`, and
 * returns the pCPU utilisation (0..1).
 */
export function solveHostInterval(
  from: number,
  to: number,
  vcpus: Int32Array,
  demand: Float64Array,
  pcpus: number,
  readyOut: Float64Array,
  runOut: Float64Array,
  scratch: FleetScratch,
): number {
  let s1 = 0; // Σ u over vCPUs
  let s2 = 0; // Σ u² over vCPUs
  for (let i = from; i < to; i++) {
    const u = demand[i]!;
    s1 += vcpus[i]! * u;
    s2 += vcpus[i]! * u * u;
  }
  if (s1 <= 0) {
    for (let i = from; i < to; i++) {
      readyOut[i] = 0;
      runOut[i] = 0;
    }
    return 0;
  }
  let nEff = Math.max(1, Math.round((s1 * s1) / s2));
  let uEff = s1 / nEff;
  if (uEff > 1) {
    nEff = Math.ceil(s1);
    uEff = s1 / nEff;
  }
  const means = solveRepairman(scratch.means, nEff, pcpus, uEff);
  const waiting = means.meanWaiting;
  const stretch = waiting > 0 ? solveStretch(from, to, vcpus, demand, waiting) : 1;
  const readyScale = 1 - 1 / stretch;
  for (let i = from; i < to; i++) {
    const u = demand[i]!;
    const a = u >= 1 ? 1 : (stretch * u) / (1 - u + stretch * u);
    readyOut[i] = a * readyScale;
    runOut[i] = a / stretch;
  }
  return means.meanRunning / pcpus;
}

/** Solves Σ c_i·a_i(s)·(1 − 1/s) = W for s >= 1 by safeguarded Newton iteration. */
function solveStretch(from: number, to: number, vcpus: Int32Array, demand: Float64Array, waiting: number): number {
  // g(s) is increasing from 0 at s = 1 towards the number of active vCPUs as s → ∞.
  let active = 0;
  let s1 = 0;
  for (let i = from; i < to; i++) {
    if (demand[i]! > 0) active += vcpus[i]!;
    s1 += vcpus[i]! * demand[i]!;
  }
  if (waiting >= active * (1 - 1e-9)) return 1e9;
  let lo = 1;
  let hi = Number.POSITIVE_INFINITY;
  let s = 1 + waiting / s1; // light-load guess: ready ≈ u·(s − 1)
  for (let iter = 0; iter < 60; iter++) {
    let g = -waiting;
    let dg = 0;
    const inv = 1 / s;
    for (let i = from; i < to; i++) {
      const u = demand[i]!;
      if (u <= 0) continue;
      const c = vcpus[i]!;
      if (u >= 1) {
        g += c * (1 - inv);
        dg += c * inv * inv;
        continue;
      }
      const d = 1 - u + s * u;
      const a = (s * u) / d;
      const da = (u * (1 - u)) / (d * d);
      g += c * a * (1 - inv);
      dg += c * (da * (1 - inv) + a * inv * inv);
    }
    if (Math.abs(g) <= 1e-12 * (1 + waiting)) return s;
    if (g > 0) hi = s;
    else lo = s;
    let next = s - g / dg;
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? (lo + hi) / 2 : lo * 2;
    if (Math.abs(next - s) <= 1e-13 * s) return next;
    s = next;
  }
  return s;
}
