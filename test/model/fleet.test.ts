/**
 * Fleet kernel (cpu/fleet.ts solveHostInterval) against its own closed-form claims:
 * - identical vCPUs: exactly M/M/P//n (readyOut = E[(K − P)+]/n, utilisation E[min(K, P)]/P);
 * - a mix of idle and saturated vCPUs behaves as the saturated ones alone;
 * - for any mix: the moment match n = round((Σu)²/Σu²), ū = Σu/n, and a split whose vCPU-weighted
 *   ready shares add up to the matched system's E[(K − P)+].
 * Agreement with the micro simulation for mixed loads is in ./fleet-agreement.test.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fleetScratch, solveHostInterval, type FleetSplit } from '../../src/model/cpu/fleet.js';
import { machineRepairman } from '../../src/model/cpu/queueing.js';
import { fifoScheduler } from '../../src/model/cpu/scheduler.js';
import { closedMicro, total } from './helpers.js';

interface Solved {
  ready: Float64Array;
  run: Float64Array;
  utilization: number;
}

function solve(vcpus: readonly number[], demand: readonly number[], pcpus: number, split: FleetSplit = 'cfs'): Solved {
  const ready = new Float64Array(vcpus.length).fill(Number.NaN);
  const run = new Float64Array(vcpus.length).fill(Number.NaN);
  const utilization = solveHostInterval(0, vcpus.length, Int32Array.from(vcpus), Float64Array.from(demand), pcpus, ready, run, fleetScratch(), split);
  return { ready, run, utilization };
}

/**
 * The stretch solver stops when |Σ c_i·ready_i − W| <= 1e-12·(1 + W) (or when a Newton step
 * changes s by <= 1e-13·s), so with identical vCPUs each ready share is within that residual / n
 * of W/n; 1e-11·(1 + W)/n leaves a factor 10 for the step-size exit.
 */
function stretchTolerance(W: number, n: number): number {
  return (1e-11 * (1 + W)) / n;
}

describe('solveHostInterval: identical vCPUs are M/M/P//n exactly', () => {
  it('readyOut = E[(K−P)+]/n, runOut = E[min(K,P)]/n, utilisation = E[min(K,P)]/P', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 1, max: 32 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (vcpus, pcpus, u) => {
          const n = vcpus.reduce((a, b) => a + b, 0);
          const exact = machineRepairman(n, pcpus, u);
          const s = solve(vcpus, vcpus.map(() => u), pcpus);
          const tol = stretchTolerance(exact.meanWaiting, n);
          for (let i = 0; i < vcpus.length; i++) {
            expect(Math.abs(s.ready[i]! - exact.readyFraction)).toBeLessThanOrEqual(tol);
            // Per vCPU: running = meanRunning/n (symmetry). The kernel's run share is u·(1 − ready)
            // (flow balance: run = ρ·sleep and sleep = 1 − ready − run), which equals it.
            expect(Math.abs(s.run[i]! - exact.meanRunning / n)).toBeLessThanOrEqual(tol + 1e-12);
          }
          expect(s.utilization).toBeCloseTo(exact.pcpuUtilization, 12);
        },
      ),
      { seed: 31, numRuns: 300 },
    );
  });

  it('no contention when n <= P: every share is exactly the uncontended one', () => {
    const s = solve([2, 2, 4], [0.7, 0.7, 0.7], 8);
    expect(Array.from(s.ready)).toEqual([0, 0, 0]);
    // stretch 1: run = u
    expect(Array.from(s.run)).toEqual([0.7, 0.7, 0.7]);
    // utilisation 8 × 0.7 / 8
    expect(s.utilization).toBeCloseTo(0.7, 14);
  });

  it('an idle host gives zeros', () => {
    const s = solve([4, 1], [0, 0], 8);
    expect(Array.from(s.ready)).toEqual([0, 0]);
    expect(Array.from(s.run)).toEqual([0, 0]);
    expect(s.utilization).toBe(0);
  });

  it('solves only the VMs from..to−1 of larger arrays', () => {
    const vcpus = Int32Array.from([9, 2, 2, 9]);
    const demand = Float64Array.from([0.9, 0.6, 0.6, 0.9]);
    const ready = new Float64Array(4).fill(-1);
    const run = new Float64Array(4).fill(-1);
    solveHostInterval(1, 3, vcpus, demand, 2, ready, run, fleetScratch());
    // Slots 0 and 3 untouched; 1 and 2 are M/M/2//4 at u = 0.6.
    expect(ready[0]).toBe(-1);
    expect(ready[3]).toBe(-1);
    expect(ready[1]).toBeCloseTo(machineRepairman(4, 2, 0.6).readyFraction, 10);
  });
});

describe('solveHostInterval: idle + saturated vCPUs behave as the saturated ones alone', () => {
  it('30 hogs + 30 idle vCPUs on 8 pCPUs: hogs ready (30 − 8)/30, idle 0', () => {
    // Σu = 30, Σu² = 30 → n = 30, ū = 1: 30 hogs, 8 run, 22 wait. The split gives each hog
    // 1 − 1/s with 30·(1 − 1/s) = 22.
    const s = solve([10, 10, 10, 30], [1, 1, 1, 0], 8);
    for (let i = 0; i < 3; i++) {
      expect(s.ready[i]).toBeCloseTo(22 / 30, 9);
      expect(s.run[i]).toBeCloseTo(8 / 30, 9);
    }
    expect(s.ready[3]).toBe(0);
    expect(s.run[3]).toBe(0);
    expect(s.utilization).toBe(1);
  });

  it('the micro model agrees exactly: 12 hogs on 8 pCPUs keep 4 queued at every instant', () => {
    // Hogs (u = 1) have no gaps: a finishing hog wakes at the same instant, so K = 12 throughout
    // and exactly 12 − 8 = 4 hogs are ready at any time, under FIFO and CFS alike (work-conserving).
    // Total ready = 4 × 20 s = 80 s; the kernel says 12 × (4/12) × 20 s = 80 s as well.
    const fleet = solve([12], [1], 8);
    expect(fleet.ready[0]).toBeCloseTo(4 / 12, 9);
    const res = closedMicro({
      n: 12,
      pcpus: 8,
      utilization: 1,
      burstSeconds: 0.01,
      scheduler: fifoScheduler(),
      measuredSeconds: 20,
      warmupSeconds: 1,
      seed: 3,
      replication: 0,
    });
    // Only float rounding of the accumulated intervals separates the two (1e-9 relative).
    expect(total(res.readySeconds) / 80 - 1).toBeCloseTo(0, 9);
    expect(res.busyCpuSeconds / (8 * 20) - 1).toBeCloseTo(0, 9);
  });
});

/** VMs as (vCPUs, utilisation), utilisations from a grid that includes idle and saturated. */
const mixArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.97, 1)), { minLength: 1, maxLength: 30 });

describe('solveHostInterval: mixed loads, FIFO (processor-sharing split)', () => {

  it('ready shares add up to the moment-matched M/M/P//n waiting count, and are ordered by demand', () => {
    fc.assert(
      fc.property(mixArb, fc.integer({ min: 1, max: 32 }), (vms, pcpus) => {
        const vcpus = vms.map(([c]) => c);
        const demand = vms.map(([, u]) => u);
        const s = solve(vcpus, demand, pcpus, 'fifo');
        // The moment match, recomputed from the documented formulas.
        let s1 = 0;
        let s2 = 0;
        vms.forEach(([c, u]) => {
          s1 += c * u;
          s2 += c * u * u;
        });
        if (s1 === 0) {
          expect(s.utilization).toBe(0);
          return;
        }
        let nEff = Math.max(1, Math.round((s1 * s1) / s2));
        if (s1 / nEff > 1) nEff = Math.ceil(s1);
        const matched = machineRepairman(nEff, pcpus, s1 / nEff);
        let weighted = 0;
        vms.forEach(([c], i) => {
          weighted += c * s.ready[i]!;
          // Per VM: 0 <= ready, run = u·(1 − ready) (flow balance at the VM's stretched burst length).
          expect(s.ready[i]).toBeGreaterThanOrEqual(0);
          expect(s.run[i]).toBeCloseTo(demand[i]! * (1 - s.ready[i]!), 9);
        });
        // When W is (numerically) all the active vCPUs, the split is capped at s = 1e9 and sums to
        // active·(1 − 1e-9); otherwise Σ c·ready = W to the solver tolerance — unless the running
        // shares at that stretch would exceed the matched system's busy pCPUs: then the capacity
        // sets the stretch, Σ c·run = busy, and the VMs wait more than W.
        const active = vms.reduce((a, [c, u]) => a + (u > 0 ? c : 0), 0);
        const running = vms.reduce((a, [c], i) => a + c * s.run[i]!, 0);
        const busy = matched.pcpuUtilization * pcpus;
        const tolerance = Math.max(1e-9 * (1 + matched.meanWaiting), 2e-9 * active);
        if (Math.abs(running - busy) <= 1e-9 * (1 + busy) && weighted > matched.meanWaiting + tolerance) {
          expect(weighted).toBeGreaterThan(matched.meanWaiting);
        } else {
          expect(Math.abs(weighted - matched.meanWaiting)).toBeLessThanOrEqual(tolerance);
          expect(running).toBeLessThanOrEqual(busy * (1 + 1e-9) + 1e-12);
        }
        expect(s.utilization).toBeCloseTo(matched.pcpuUtilization, 12);
        // A common stretch factor: more demand never means less ready time.
        vms.forEach(([, ui], i) =>
          vms.forEach(([, uj], j) => {
            if (ui < uj) expect(s.ready[i]).toBeLessThanOrEqual(s.ready[j]! + 1e-12);
          }),
        );
      }),
      { seed: 32, numRuns: 300 },
    );
  });

  it('hand example: 1 vCPU at 0.8, 1 at 0.4, one 2-vCPU VM at 0.2 on 2 pCPUs', () => {
    // Σu = 0.8 + 0.4 + 2·0.2 = 1.6; Σu² = 0.64 + 0.16 + 2·0.04 = 0.88;
    // n = round(1.6²/0.88 = 2.909) = 3, ū = 1.6/3 = 0.5333.
    const s = solve([1, 1, 2], [0.8, 0.4, 0.2], 2, 'fifo');
    const W = machineRepairman(3, 2, 1.6 / 3).meanWaiting;
    expect(s.ready[0]! + s.ready[1]! + 2 * s.ready[2]!).toBeCloseTo(W, 10);
    // Each share is a(s)·(1 − 1/s), a(s) = s·u/(1 − u + s·u), for one s: recover s from the first
    // VM and check the others against it.
    const shareAt = (stretch: number, u: number): number => ((stretch * u) / (1 - u + stretch * u)) * (1 - 1 / stretch);
    let lo = 1;
    let hi = 1e6;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (shareAt(mid, 0.8) < s.ready[0]!) lo = mid;
      else hi = mid;
    }
    expect(s.ready[1]).toBeCloseTo(shareAt(lo, 0.4), 10);
    expect(s.ready[2]).toBeCloseTo(shareAt(lo, 0.2), 10);
  });
});

describe('solveHostInterval: mixed loads, CFS (quasi-static priority split)', () => {
  it('identical vCPUs give exactly M/M/P//n, as with the FIFO split', () => {
    for (const [n, pcpus, u] of [[24, 8, 0.4], [60, 30, 0.6], [9, 8, 0.95]] as const) {
      const cfs = solve([n], [u], pcpus, 'cfs');
      const fifo = solve([n], [u], pcpus, 'fifo');
      const exact = machineRepairman(n, pcpus, u);
      expect(cfs.ready[0]).toBeCloseTo(exact.meanWaiting / n, 12);
      expect(fifo.ready[0]).toBeCloseTo(exact.meanWaiting / n, 12);
    }
  });

  it('hand example: 4 light vCPUs (u 0.1) have priority over 10 heavy ones (u 0.6) on 8 pCPUs', () => {
    // Light bin [0.05, 0.15): 4 vCPUs at 0.1, no lighter bins, and 4 <= 8 pCPUs: never waits.
    // Heavy bin [0.5, 0.7): 10 vCPUs at 0.6. The light vCPUs' busy count k is M/M/8//4 with
    // u 0.1, i.e. Binomial(4, 0.1); the heavy bin waits W(10, 8 − k, 0.6) averaged over it.
    const s = solve([1, 1, 1, 1, 10], [0.1, 0.1, 0.1, 0.1, 0.6], 8, 'cfs');
    const light = machineRepairman(4, 8, 0.1).distribution;
    let heavyWaiting = 0;
    for (let k = 0; k <= 4; k++) heavyWaiting += light[k]! * machineRepairman(10, 8 - k, 0.6).meanWaiting;
    for (let i = 0; i < 4; i++) expect(s.ready[i]).toBe(0);
    // One VM of 10 vCPUs: its per-vCPU ready share is the bin's waiting over 10. The kernel reads
    // W(10, 8 − k, 0.6) from the repairman table (cpu/repairman-table.ts), accurate to 3e-4 of
    // max(W, n/1000) (test/model/repairman-table.test.ts).
    expect(Math.abs(s.ready[4]! - heavyWaiting / 10)).toBeLessThanOrEqual((3e-4 * Math.max(heavyWaiting, 10 / 1000)) / 10);
  });

  it('a lighter VM is never readier than a heavier one', () => {
    fc.assert(
      fc.property(mixArb, fc.integer({ min: 1, max: 32 }), (vms, pcpus) => {
        const s = solve(vms.map(([c]) => c), vms.map(([, u]) => u), pcpus, 'cfs');
        vms.forEach(([, ua], a) => {
          vms.forEach(([, ub], b) => {
            if (ua < ub) expect(s.ready[a]!).toBeLessThanOrEqual(s.ready[b]! + 1e-12);
          });
        });
      }),
      { seed: 2024, numRuns: 200 },
    );
  });
});

describe('solveHostInterval: invariants for any mix, both splits', () => {
  const splitArb = fc.constantFrom<FleetSplit>('cfs', 'fifo');

  it('hands out no more CPU than the host has: Σ vCPUs × run share <= utilisation × P <= P, and no VM runs more than it demands', () => {
    fc.assert(
      fc.property(mixArb, fc.integer({ min: 1, max: 32 }), splitArb, (vms, pcpus, split) => {
        const vcpus = vms.map(([c]) => c);
        const demand = vms.map(([, u]) => u);
        const s = solve(vcpus, demand, pcpus, split);
        let running = 0;
        vms.forEach(([c, u], i) => {
          running += c * s.run[i]!;
          expect(s.run[i]!).toBeLessThanOrEqual(u + 1e-12);
          expect(s.ready[i]!).toBeGreaterThanOrEqual(0);
        });
        expect(s.utilization).toBeLessThanOrEqual(1 + 1e-12);
        expect(running).toBeLessThanOrEqual(s.utilization * pcpus * (1 + 1e-12) + 1e-12);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('more pCPUs never make the host readier: total vCPU-weighted ready share does not rise', () => {
    fc.assert(
      fc.property(mixArb, fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: 8 }), splitArb, (vms, pcpus, extra, split) => {
        const vcpus = vms.map(([c]) => c);
        const demand = vms.map(([, u]) => u);
        const weighted = (s: Solved): number => vms.reduce((sum, [c], i) => sum + c * s.ready[i]!, 0);
        // The repairman table interpolates to 3e-4 of max(W, n/1000); allow that much rise.
        const n = vcpus.reduce((a, b) => a + b, 0);
        expect(weighted(solve(vcpus, demand, pcpus + extra, split))).toBeLessThanOrEqual(weighted(solve(vcpus, demand, pcpus, split)) + 3e-4 * Math.max(1, n / 1000));
      }),
      { seed: 8, numRuns: 200 },
    );
  });
});

describe('solveHostInterval: the stretch each VM\'s UI actions see (FleetScratch.uiClass, classStretch)', () => {
  // The recorder times UI actions from this one number per split set instead of from each VM's
  // shares (cpu/recorder.ts): it must be each VM's (ready + run)/run, 1 where it runs nothing,
  // whatever path the solve took (uncontended, quiet, binned CFS, FIFO, capped, SMT).
  it('equals (ready + run)/run of every VM to 1e-12, for any mix, both splits, with and without SMT', () => {
    fc.assert(
      fc.property(mixArb, fc.integer({ min: 1, max: 32 }), fc.constantFrom<FleetSplit>('cfs', 'fifo'), fc.boolean(), (vms, pcpus, split, smt) => {
        const vcpus = Int32Array.from(vms.map(([c]) => c));
        const demand = Float64Array.from(vms.map(([, u]) => u));
        const ready = new Float64Array(vms.length);
        const run = new Float64Array(vms.length);
        const scratch = fleetScratch();
        const cores = smt && pcpus >= 2 ? Math.floor(pcpus / 2) : pcpus;
        solveHostInterval(0, vms.length, vcpus, demand, pcpus, ready, run, scratch, split, cores, 0.25);
        for (let i = 0; i < vms.length; i++) {
          const expected = run[i]! > 0 ? (ready[i]! + run[i]!) / run[i]! : 1;
          const stretch = scratch.classStretch[scratch.uiClass[i]!]!;
          expect(Math.abs(stretch - expected)).toBeLessThanOrEqual(1e-12 * expected);
        }
      }),
      { seed: 11, numRuns: 400 },
    );
  });
});

