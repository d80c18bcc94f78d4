/**
 * The fleet kernel's shortcuts that must change nothing:
 * - the quiet-host skip of the CFS split (cpu/fleet.ts quietHost): on hosts it proves quiet the
 *   shares are bit for bit those of the full split (convolution and table look-ups run);
 * - the bounds it rests on (cpu/quiet-bound.ts) are upper bounds: the repairman waiting against
 *   the exact M/M/c//n solution, the binomial-sum tail against the exact convolution;
 * - the early stop of the repairman chains on a light host (solveRepairmanRunning,
 *   solveSmtRepairman): the same sums bit for bit as the chain summed to the end;
 * - the kernel's reuse of the SMT chain's first terms for the running count (ChainPrefix,
 *   solveRepairmanRunningFrom): solveRepairmanRunning's result bit for bit.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fleetScratch, quietHost, solveHostInterval } from '../../src/model/cpu/fleet.js';
import { chainPrefix, machineRepairman, smtWorkRate, solveRepairman, solveRepairmanRunning, solveRepairmanRunningFrom, solveSmtRepairman } from '../../src/model/cpu/queueing.js';
import { binomialSumTail, repairmanWaitingBound } from '../../src/model/cpu/quiet-bound.js';

/** Bit-for-bit equality of two arrays (Object.is: tells 0 from −0, and NaN equals NaN). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('quiet-host skip of the CFS split', () => {
  it('gives the full split bit for bit, on light hosts of the bundled desktops’ shape and beyond', () => {
    let quiet = 0;
    let hosts = 0;
    const skipped = fleetScratch();
    const full = fleetScratch();
    full.skipQuiet = false;
    fc.assert(
      fc.property(
        // 10..80 VMs of 1..4 vCPUs, mean demand 0.5–15 % per vCPU with a lognormal-ish spread,
        // on 16..64 pCPUs (SMT or not): the vdi-callcenter hosts run 36 two-vCPU desktops at
        // about 7 % (2.6 % work + 5 % QEMU over 2 vCPUs) on 56 threads of 28 cores.
        fc.integer({ min: 10, max: 80 }),
        fc.double({ min: 0.005, max: 0.15, noNaN: true }),
        fc.integer({ min: 16, max: 64 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (vms, mean, pcpus, smt, seed) => {
          let state = seed;
          const random = (): number => {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            return state / 2 ** 32;
          };
          const vcpus = Int32Array.from({ length: vms }, () => 1 + Math.floor(random() * 4));
          const demand = Float64Array.from({ length: vms }, () => Math.min(1, mean * Math.exp(1.2 * (random() + random() + random() - 1.5))));
          const cores = smt ? pcpus / 2 : pcpus;
          const out = (): [Float64Array, Float64Array] => [new Float64Array(vms).fill(Number.NaN), new Float64Array(vms).fill(Number.NaN)];
          const [readyA, runA] = out();
          const [readyB, runB] = out();
          // binFirst: the skipping kernel also bins in its summing pass (the CPU model's hint).
          const utilA = solveHostInterval(0, vms, vcpus, demand, pcpus, readyA, runA, skipped, 'cfs', cores, 0.2, true);
          const speedA = Float64Array.from(skipped.speed);
          const utilB = solveHostInterval(0, vms, vcpus, demand, pcpus, readyB, runB, full, 'cfs', cores, 0.2);
          expect(Object.is(utilA, utilB)).toBe(true);
          expect(sameBits(readyA, readyB)).toBe(true);
          expect(sameBits(runA, runB)).toBe(true);
          expect(sameBits(speedA, full.speed)).toBe(true);
          hosts++;
          if (quietHost(skipped.binN, skipped.binU, pcpus)) quiet++;
        },
      ),
      { seed: 14, numRuns: 600 },
    );
    // Not vacuous: the skip was taken on a good part of these hosts (the last bins examined).
    expect(quiet).toBeGreaterThan(hosts / 4);
  });

  it('writes stretch-1 shares without dividing: 1 − u + 1·u is exactly 1 for every 0 <= u < 1', () => {
    // The identity writeSharesAtOne (cpu/fleet.ts) rests on: a = (1·u)/(1 − u + 1·u) = u, so
    // run = a/1 = u, bit for bit. Random doubles over [0, 1), their neighbours of 1/2 and of 1,
    // tiny and subnormal values.
    const edges = [0, -0, 5e-324, 1e-300, 2 ** -54, 0.1, 0.3, 0.5, 0.5 - 2 ** -54, 0.5 + 2 ** -53, 1 - 2 ** -53, 0.05, 0.15];
    for (const u of edges) expect(Object.is((1 * u) / (1 - u + 1 * u), u)).toBe(true);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (u) => {
        expect(Object.is((1 * u) / (1 - u + 1 * u), u)).toBe(true);
      }),
      { seed: 24, numRuns: 100_000 },
    );
  });

  it('is not taken where a bin can wait: 40 vCPUs at 0.5 on 8 pCPUs', () => {
    const s = fleetScratch();
    const ready = new Float64Array(2);
    const run = new Float64Array(2);
    solveHostInterval(0, 2, Int32Array.from([20, 20]), Float64Array.from([0.5, 0.02]), 8, ready, run, s);
    expect(quietHost(s.binN, s.binU, 8)).toBe(false);
    expect(ready[0]).toBeGreaterThan(0.1);
  });
});

describe('bounds behind the skip (cpu/quiet-bound.ts)', () => {
  it('repairmanWaitingBound >= the exact E[(K − c)+] of M/M/c//n', () => {
    let finite = 0;
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 1e-4, max: 0.5, noNaN: true }), (n, cShare, u) => {
        const c = Math.max(1, Math.floor(cShare * n));
        const bound = repairmanWaitingBound(n, c, u / (1 - u));
        const exact = machineRepairman(n, c, u).meanWaiting;
        if (Number.isFinite(bound)) finite++;
        // Relative slack for the exact solution's rounding.
        expect(exact).toBeLessThanOrEqual(bound * (1 + 1e-9) + 1e-300);
      }),
      { seed: 3, numRuns: 2000 },
    );
    expect(finite).toBeGreaterThan(500);
  });

  it('binomialSumTail >= the exact tail of a sum of binomials', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 0.6, noNaN: true })), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 0, max: 120 }),
        (bins, a) => {
          const ns = Float64Array.from(bins, ([n]) => n);
          const us = Float64Array.from(bins, ([, u]) => u);
          // Exact pmf of the sum by direct convolution.
          let pmf = [1];
          for (const [n, u] of bins) {
            for (let t = 0; t < n; t++) {
              const next = new Array<number>(pmf.length + 1).fill(0);
              pmf.forEach((p, k) => {
                next[k]! += p * (1 - u);
                next[k + 1]! += p * u;
              });
              pmf = next;
            }
          }
          const exact = pmf.slice(a).reduce((x, y) => x + y, 0);
          expect(exact).toBeLessThanOrEqual(binomialSumTail(ns, us, bins.length, a) * (1 + 1e-9) + 1e-300);
        },
      ),
      { seed: 9, numRuns: 500 },
    );
  });
});

/** The SMT chain summed to its end (solveSmtRepairman as it was before the early stop). */
function smtReference(n: number, pcpus: number, cores: number, gain: number, u: number): [number, number, number] {
  const rho = u / (1 - u);
  let p = 1;
  let total = 1;
  let runnable = 0;
  let busy = 0;
  let work = 0;
  for (let k = 0; k < n; k++) {
    const kk = k + 1;
    const rate = smtWorkRate(kk, pcpus, cores, gain);
    p = (p * (n - k) * rho) / rate;
    if (p > 1e200) {
      p /= 1e200;
      total /= 1e200;
      runnable /= 1e200;
      busy /= 1e200;
      work /= 1e200;
    }
    total += p;
    runnable += kk * p;
    busy += (kk < pcpus ? kk : pcpus) * p;
    work += rate * p;
    if (kk >= pcpus) {
      const ratio = ((n - kk) * rho) / rate;
      if (ratio < 1 && ((p * ratio) / (1 - ratio)) * n < 1e-17 * total) break;
    }
  }
  return [runnable / total, busy / total, work / total];
}

describe('early stop of the repairman chains', () => {
  const cases = fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 128 }), fc.double({ min: 1e-6, max: 0.999, noNaN: true }));

  it('solveRepairmanRunning: meanRunning bit for bit, meanWaiting the same or 0 where it is below 1e-16', () => {
    fc.assert(
      fc.property(cases, ([n, pcpus, u]) => {
        const full = solveRepairman({ meanWaiting: 0, meanRunning: 0 }, n, pcpus, u);
        const fast = solveRepairmanRunning({ meanWaiting: 0, meanRunning: 0 }, n, pcpus, u);
        expect(Object.is(fast.meanRunning, full.meanRunning)).toBe(true);
        if (!Object.is(fast.meanWaiting, full.meanWaiting)) {
          expect(fast.meanWaiting).toBe(0);
          expect(full.meanWaiting).toBeLessThan(1e-16);
        }
      }),
      { seed: 21, numRuns: 3000 },
    );
  });

  it('solveRepairmanRunningFrom the SMT chain’s prefix: solveRepairmanRunning bit for bit', () => {
    let settled = 0;
    let resumed = 0;
    fc.assert(
      fc.property(cases, fc.double({ min: 0, max: 0.5, noNaN: true }), fc.boolean(), ([n, threads, u], gain, odd) => {
        // Whole and fractional core counts (a pinned host's shared pool shrinks its cores in proportion).
        const pcpus = 2 * threads;
        const cores = odd ? threads * 0.75 : threads;
        const prefix = chainPrefix();
        solveSmtRepairman({ meanRunnable: 0, meanBusy: 0, meanWork: 0 }, n, pcpus, cores, gain, u, prefix);
        if (prefix.settled) settled++;
        else if (prefix.k > 0) resumed++;
        const from = solveRepairmanRunningFrom({ meanWaiting: 0, meanRunning: 0 }, n, pcpus, u, prefix);
        const plain = solveRepairmanRunning({ meanWaiting: 0, meanRunning: 0 }, n, pcpus, u);
        expect(Object.is(from.meanRunning, plain.meanRunning)).toBe(true);
        expect(Object.is(from.meanWaiting, plain.meanWaiting)).toBe(true);
      }),
      { seed: 23, numRuns: 5000 },
    );
    // Not vacuous: both ways out are taken often (a chain that stopped in the prefix, one resumed).
    expect(settled).toBeGreaterThan(250);
    expect(resumed).toBeGreaterThan(250);
  });

  it('solveSmtRepairman: the sums of the chain summed to its end, bit for bit', () => {
    fc.assert(
      fc.property(cases, fc.double({ min: 0, max: 0.5, noNaN: true }), ([n, threads, u], gain) => {
        const pcpus = 2 * threads;
        const s = solveSmtRepairman({ meanRunnable: 0, meanBusy: 0, meanWork: 0 }, n, pcpus, threads, gain, u);
        const [runnable, busy, work] = smtReference(n, pcpus, threads, gain, u);
        expect(Object.is(s.meanRunnable, runnable) && Object.is(s.meanBusy, busy) && Object.is(s.meanWork, work)).toBe(true);
      }),
      { seed: 22, numRuns: 3000 },
    );
  });
});
