/**
 * The tabulated repairman waiting (cpu/repairman-table.ts) against the exact M/M/c//n solution
 * (cpu/queueing.ts). Its documented accuracy: within 3·10⁻⁴ of max(W, n/1000) for every n, c and
 * u on the grid (measured below 1e-4 when the table was designed; the test leaves a factor 3).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gridPosition, tabulatedWaiting } from '../../src/model/cpu/repairman-table.js';
import { machineRepairman } from '../../src/model/cpu/queueing.js';

describe('repairman table', () => {
  it('matches the exact waiting E[(K − c)+] of M/M/c//n within 3e-4 of max(W, n/1000)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 160 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }), (n, cShare, u) => {
        const c = 1 + Math.floor(cShare * (n - 1)) - (cShare === 1 ? 1 : 0);
        const at = gridPosition(n, u, { index: -1, fraction: 0 });
        if (at.index < 0) return; // off the grid: the kernel solves exactly
        const exact = machineRepairman(n, c, u).meanWaiting;
        expect(Math.abs(tabulatedWaiting(n, c, at) - exact)).toBeLessThanOrEqual(3e-4 * Math.max(exact, n / 1000));
      }),
      { seed: 5, numRuns: 400 },
    );
  });

  it('the sharpest knee (one free pCPU, many vCPUs) is followed across its width', () => {
    // c = 1, n = 128: the waiting jumps from ~0 to ~n − 2 as nρ goes from 1/2 to 2.
    for (const u of [0.002, 0.004, 0.006, 0.0078, 0.008, 0.01, 0.02]) {
      const exact = machineRepairman(128, 1, u).meanWaiting;
      const at = gridPosition(128, u, { index: -1, fraction: 0 });
      expect(Math.abs(tabulatedWaiting(128, 1, at) - exact)).toBeLessThanOrEqual(3e-4 * Math.max(exact, 0.128));
    }
  });

  it('is off the grid (index −1) at u = 0, u = 1 and beyond ln ρ = ±14', () => {
    for (const u of [0, 1, 1e-7, 1 - 1e-7]) expect(gridPosition(16, u, { index: 0, fraction: 0 }).index).toBe(-1);
  });
});
