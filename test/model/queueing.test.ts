/**
 * Closed forms in cpu/queueing.ts: the machine-repairman model M/M/P//n and Erlang C / M/M/c.
 *
 * M/M/P//n (Kleinrock vol. 1 §3.8; Gross & Harris, finite-source M/M/c): K runnable vCPUs,
 * birth rate (n − k)/Z, death rate min(k, P)/S, so p(k+1)/p(k) = (n − k)·ρ / min(k + 1, P) with
 * ρ = S/Z = u/(1 − u).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { erlangC, machineRepairman, mmc, mmcWaitTail, repairmanMeanWakeDelay, solveRepairman } from '../../src/model/cpu/queueing.js';

/**
 * Independent reference for M/M/P//n in log space (no rescaling tricks): log p(k) accumulated
 * from the birth–death ratios, normalised with log-sum-exp.
 */
function repairmanReference(n: number, P: number, u: number): { meanWaiting: number; meanRunning: number } {
  const logRho = Math.log(u / (1 - u));
  const logp = [0];
  for (let k = 0; k < n; k++) logp.push(logp[k]! + Math.log(n - k) + logRho - Math.log(Math.min(k + 1, P)));
  const max = Math.max(...logp);
  let total = 0;
  let waiting = 0;
  let running = 0;
  logp.forEach((lp, k) => {
    const p = Math.exp(lp - max);
    total += p;
    waiting += Math.max(0, k - P) * p;
    running += Math.min(k, P) * p;
  });
  return { meanWaiting: waiting / total, meanRunning: running / total };
}

describe('machineRepairman (M/M/P//n)', () => {
  it('n = 2, P = 1, u = 0.5 solved by hand', () => {
    // ρ = 0.5/0.5 = 1. p1/p0 = (2 − 0)·ρ/min(1, 1) = 2ρ = 2; p2/p1 = (2 − 1)·ρ/min(2, 1) = ρ = 1.
    // Unnormalised 1, 2, 2 → total 5 → p = (0.2, 0.4, 0.4).
    // Waiting E[(K − 1)+] = p2 = 0.4; running E[min(K, 1)] = p1 + p2 = 0.8;
    // ready share 0.4/2 = 0.2; utilisation 0.8/1.
    const r = machineRepairman(2, 1, 0.5);
    expect(Array.from(r.distribution)).toEqual([expect.closeTo(0.2, 14), expect.closeTo(0.4, 14), expect.closeTo(0.4, 14)]);
    expect(r.meanWaiting).toBeCloseTo(0.4, 14);
    expect(r.meanRunning).toBeCloseTo(0.8, 14);
    expect(r.readyFraction).toBeCloseTo(0.2, 14);
    expect(r.pcpuUtilization).toBeCloseTo(0.8, 14);
  });

  it('n = 2, P = 1, u = 0.2 solved by hand', () => {
    // ρ = 0.2/0.8 = 0.25. Unnormalised 1, 2ρ = 0.5, 2ρ² = 0.125 → total 1.625.
    // Waiting 0.125/1.625 = 0.0769231; running (0.5 + 0.125)/1.625 = 0.3846154.
    const r = machineRepairman(2, 1, 0.2);
    expect(r.meanWaiting).toBeCloseTo(0.125 / 1.625, 14);
    expect(r.meanRunning).toBeCloseTo(0.625 / 1.625, 14);
    expect(r.readyFraction).toBeCloseTo(0.125 / 1.625 / 2, 14);
  });

  it('n = 3, P = 2, u = 0.5 solved by hand', () => {
    // ρ = 1. p1/p0 = 3ρ/1 = 3; p2/p1 = 2ρ/2 = 1; p3/p2 = 1ρ/2 = 0.5 → unnormalised 1, 3, 3, 1.5,
    // total 8.5. Waiting (K − 2)+ = 1·1.5/8.5; running 3·1 + 3·2 + 1.5·2 = 12 → 12/8.5.
    const r = machineRepairman(3, 2, 0.5);
    expect(r.meanWaiting).toBeCloseTo(1.5 / 8.5, 14);
    expect(r.meanRunning).toBeCloseTo(12 / 8.5, 14);
    expect(r.pcpuUtilization).toBeCloseTo(6 / 8.5, 14);
  });

  it('distribution sums to 1, agrees with the log-space reference, and balances flow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 64 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), (n, P, u) => {
        const r = machineRepairman(n, P, u);
        expect(r.distribution.length).toBe(n + 1);
        let sum = 0;
        for (const p of r.distribution) {
          expect(p).toBeGreaterThanOrEqual(0);
          sum += p;
        }
        expect(sum).toBeCloseTo(1, 12);
        const ref = repairmanReference(n, P, u);
        expect(r.meanWaiting).toBeCloseTo(ref.meanWaiting, 9);
        expect(r.meanRunning).toBeCloseTo(ref.meanRunning, 9);
        // Flow balance: completions meanRunning/S equal wake-ups (sleeping)/Z, and
        // sleeping = n − waiting − running, so meanRunning = ρ·(n − waiting − running).
        const rho = u / (1 - u);
        expect(r.meanRunning).toBeCloseTo(rho * (n - r.meanWaiting - r.meanRunning), 8);
        expect(r.pcpuUtilization).toBeLessThanOrEqual(1 + 1e-12);
      }),
      { seed: 21, numRuns: 300 },
    );
  });

  it('nobody waits when n <= P', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, u) => {
        const r = machineRepairman(n, n + 3, u);
        expect(r.meanWaiting).toBe(0);
        expect(r.readyFraction).toBe(0);
        expect(machineRepairman(n, n, u).readyFraction).toBe(0);
      }),
      { seed: 22, numRuns: 200 },
    );
  });

  it('large hosts stay finite and match the log-space reference (5000 vCPUs)', () => {
    for (const [n, P, u] of [
      [5000, 64, 0.02],
      [5000, 4000, 0.8], // ρ = 4: unnormalised terms reach ~4^4000, far past 1e308, so rescaling runs
      [5000, 16, 0.5],
      [5000, 1000, 0.15],
    ] as const) {
      const r = machineRepairman(n, P, u);
      const ref = repairmanReference(n, P, u);
      for (const v of [r.meanWaiting, r.meanRunning, r.readyFraction, r.pcpuUtilization]) expect(Number.isFinite(v)).toBe(true);
      expect(r.meanWaiting / ref.meanWaiting - 1).toBeCloseTo(0, 9);
      expect(r.meanRunning / ref.meanRunning - 1).toBeCloseTo(0, 9);
      let sum = 0;
      for (const p of r.distribution) sum += p;
      expect(sum).toBeCloseTo(1, 9);
    }
    // Saturation asymptote: offered n·u = 100 > P = 64 vCPU-loads. With the pCPUs always busy the
    // throughput is P/S, so a vCPU's cycle Z + S + W = n·S/P: W = 5000/64·S − 50·S = 28.125·S and
    // the ready share W/(Z + S + W) = 28.125/78.125 = 0.36.
    expect(machineRepairman(5000, 64, 0.02).readyFraction).toBeCloseTo(0.36, 9);
  });

  it('u = 0 and u = 1 are the idle and hog limits', () => {
    const idle = machineRepairman(10, 4, 0);
    expect(idle.meanRunning).toBe(0);
    expect(Array.from(idle.distribution)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // 10 hogs on 4 pCPUs: K = 10 always, 4 run, 6 wait; ready share 6/10.
    const hogs = machineRepairman(10, 4, 1);
    expect(hogs.meanWaiting).toBe(6);
    expect(hogs.readyFraction).toBe(0.6);
    expect(hogs.pcpuUtilization).toBe(1);
    expect(hogs.distribution[10]).toBe(1);
    expect(machineRepairman(0, 4, 0.5).readyFraction).toBe(0);
  });

  it('tends to M/M/c as the population grows with the offered load held fixed', () => {
    // n sources with ρ = a/n offer λ = n/Z = a/S in the limit, so E[(K − P)+] → Lq = a·C/(c − a).
    // c = 4, a = 3.2: C = 0.596432 (hand computation in the erlangC test), Lq = 3.2·0.596432/0.8
    // = 2.385730. The finite-source arrival rate is thinned by (1 − k/n), a relative change of
    // order E[K]·(d ln Lq/d ln λ)/n ≈ 5.6·13/n ≈ 7e-5 at n = 1e6; tolerance 1e-3.
    const n = 1_000_000;
    const rho = 3.2 / n;
    const r = machineRepairman(n, 4, rho / (1 + rho));
    expect(Math.abs(r.meanWaiting / 2.38573 - 1)).toBeLessThan(1e-3);
    expect(Math.abs(r.meanWaiting / mmc(4, 3.2, 1).meanQueueLength - 1)).toBeLessThan(1e-3);
  });

  it('rejects invalid sizes', () => {
    expect(() => machineRepairman(2.5, 1, 0.5)).toThrow(RangeError);
    expect(() => machineRepairman(-1, 1, 0.5)).toThrow(RangeError);
    expect(() => machineRepairman(4, 0, 0.5)).toThrow(RangeError);
  });

  it('solveRepairman writes the same means without allocating a distribution', () => {
    const out = { meanWaiting: -1, meanRunning: -1 };
    const returned = solveRepairman(out, 16, 8, 0.45);
    const full = machineRepairman(16, 8, 0.45);
    expect(returned).toBe(out);
    expect(out.meanWaiting).toBe(full.meanWaiting);
    expect(out.meanRunning).toBe(full.meanRunning);
  });
});

describe('repairmanMeanWakeDelay', () => {
  it('n = 2, P = 1, u = 0.5 by the arrival theorem', () => {
    // A waking vCPU sees the system with n − 1 = 1 vCPU: M/M/1//1 with ρ = 1 has p = (½, ½).
    // It waits one full burst (j − P + 1 = 1 completion at rate P/S) when the other is runnable:
    // E[wait] = ½·S. With S = 10 ms: 5 ms.
    expect(repairmanMeanWakeDelay(2, 1, 0.5, 0.01)).toBeCloseTo(0.005, 14);
    expect(repairmanMeanWakeDelay(1, 1, 0.9, 0.01)).toBe(0);
  });

  it("agrees with Little's law: E[wait] = E[(K − P)+] / throughput, throughput = E[min(K, P)]/S", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.integer({ min: 1, max: 32 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (n, P, u) => {
        // Two different routes to the same number: the arrival theorem (what the code does) and
        // Little's law on the queue of the n-vCPU system (throughput of wake-ups = meanRunning/S).
        const S = 0.01;
        const r = machineRepairman(n, P, u);
        const little = (r.meanWaiting * S) / r.meanRunning;
        expect(repairmanMeanWakeDelay(n, P, u, S)).toBeCloseTo(little, 10);
      }),
      { seed: 23, numRuns: 300 },
    );
  });
});

describe('Erlang C and M/M/c', () => {
  it('c = 4, a = 3.2 solved by hand', () => {
    // Σ_{k<4} a^k/k! = 1 + 3.2 + 5.12 + 5.461333 = 14.781333; a^4/4! = 104.8576/24 = 4.369067,
    // × c/(c − a) = 4/0.8 = 5 → 21.845333. C = 21.845333/(14.781333 + 21.845333) = 0.5964325.
    // Wq = C/(cμ − λ) = 0.5964325/0.8 = 0.7455406 S; T = 1.7455406 S.
    expect(erlangC(4, 3.2)).toBeCloseTo(0.5964325, 7);
    const r = mmc(4, 3.2, 1);
    expect(r.meanWait).toBeCloseTo(0.7455406, 7);
    expect(r.meanResponse).toBeCloseTo(1.7455406, 7);
    expect(r.meanQueueLength).toBeCloseTo(3.2 * 0.7455406, 7);
  });

  it('M/M/1: C = ρ, Wq = ρS/(1 − ρ)', () => {
    for (const rho of [0.1, 0.5, 0.8, 0.95]) {
      expect(erlangC(1, rho)).toBeCloseTo(rho, 14);
      expect(mmc(1, rho / 2, 2).meanWait).toBeCloseTo((rho * 2) / (1 - rho), 12);
    }
  });

  /**
   * calibration.md §7 (status D, S = mean service time). Each row: c, ρ, P(wait), Wq/S, T/S,
   * p95(Wq)/S, with the number of decimals printed in the table. The table's digits are compared at
   * one unit in the last printed place: two cells are truncated or computed from rounded inputs
   * rather than rounded (c = 4: Wq = 0.7455406 printed 0.745 and T = 1.7455406 printed 1.745;
   * c = 16, ρ = 0.8: p95 = 0.56497 printed 0.57), so half a unit would fail on the table, not on
   * the code; the hand computation above checks c = 4 to 7 digits.
   */
  const TABLE: [c: number, rho: number, pWait: number, wq: number, t: number, p95: number, p95Decimals: number][] = [
    [1, 0.8, 0.8, 4.0, 5.0, 13.9, 1],
    [1, 0.9, 0.9, 9.0, 10.0, 28.9, 1],
    [4, 0.8, 0.596, 0.745, 1.745, 3.1, 2],
    [16, 0.8, 0.305, 0.095, 1.095, 0.57, 2],
    [16, 0.9, 0.591, 0.37, 1.37, 1.54, 2],
    [16, 0.95, 0.78, 0.975, 1.975, 3.43, 2],
    [32, 0.9, 0.458, 0.143, 1.143, 0.69, 2],
  ];

  for (const [c, rho, pWait, wq, t, p95, p95Decimals] of TABLE) {
    it(`calibration §7 row c = ${c}, ρ = ${rho}: P(wait) ${pWait}, Wq ${wq} S, T ${t} S, p95(Wq) ${p95} S`, () => {
      const S = 1;
      const lambda = (rho * c) / S;
      const r = mmc(c, lambda, S);
      // P(wait), Wq and T are printed with 3 decimals (Wq and T of the c = 1 rows with 2; 1e-3 covers both).
      expect(Math.abs(r.waitProbability - pWait)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(erlangC(c, rho * c) - pWait)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(r.meanWait - wq)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(r.meanResponse - t)).toBeLessThanOrEqual(1e-3);
      // p95(Wq) is where P(Wq > t) = 0.05: the tail must cross 0.05 within one unit of the printed value.
      const unit = 10 ** -p95Decimals;
      expect(mmcWaitTail(c, lambda, S, p95 - unit)).toBeGreaterThan(0.05);
      expect(mmcWaitTail(c, lambda, S, p95 + unit)).toBeLessThan(0.05);
    });
  }

  it('mmcWaitTail starts at C and decays at rate cμ − λ', () => {
    // M/M/16 at ρ = 0.9 (λ = 14.4, μ = 1): P(Wq > 0) = C; P(Wq > 1) = C·e^{−1.6}.
    const C = erlangC(16, 14.4);
    expect(mmcWaitTail(16, 14.4, 1, 0)).toBeCloseTo(C, 14);
    expect(mmcWaitTail(16, 14.4, 1, 1)).toBeCloseTo(C * Math.exp(-1.6), 14);
  });

  // REGRESSION (fixed in src/model/cpu/queueing.ts): mmc() and mmcWaitTail() did not guard the unstable case
  // a = λS >= c. erlangC returns 1 there, and then mmc computes Wq = S/(c − a), which is negative
  // for a > c (M/M/2 with a = 3: Wq = −1 S) and infinite at a = c; mmcWaitTail returns
  // exp(+…·t) > 1, a "probability" above 1. The queue grows without bound, so the mean wait should
  // be +Infinity.
  it('an overloaded M/M/c reports an unbounded wait, not a negative one', () => {
    const r = mmc(2, 3, 1);
    expect(r.meanWait).toBe(Number.POSITIVE_INFINITY);
    expect(mmcWaitTail(2, 3, 1, 1)).toBeLessThanOrEqual(1);
  });
});
