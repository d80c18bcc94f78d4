/**
 * The fleet kernel's speedups for busy hosts that must change nothing:
 * - binOfByTable (cpu/fleet.ts): the bin of every utilisation, as binOf's comparisons give it,
 *   including the doubles right at and next to every bin edge;
 * - convolveBinomial's two Bernoulli steps per sweep (fusedSteps): the busy-count distribution,
 *   its lowest and highest cells, bit for bit as the one-step-at-a-time convolution it replaced
 *   (kept below as the reference), on sequences of bins like the CFS split's;
 * - binDemandCounted, which solveHostInterval takes after a solve in which some vCPU waited: the
 *   same shares and utilisation bit for bit as binDemand with binOrder, on busy and quiet hosts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binOf, binOfByTable, convolveBinomial, fleetScratch, solveHostInterval } from '../../src/model/cpu/fleet.js';

const TINY = 1e-15;

/** convolveBinomial as it was before fusedSteps: one Bernoulli(u) at a time, top down, in place. */
function referenceConvolve(busy: Float64Array, low: Int32Array, busyMax: number, pcpus: number, n: number, u: number): number {
  let max = busyMax;
  let bottom = low[0]!;
  if (bottom >= pcpus) return pcpus;
  if (u >= 1) {
    busy.fill(0, max + 1, Math.min(max + n, pcpus) + 1);
    for (let k = max; k >= bottom; k--) {
      const p = busy[k]!;
      busy[k] = 0;
      busy[k + n < pcpus ? k + n : pcpus]! += p;
    }
    low[0] = bottom + n < pcpus ? bottom + n : pcpus;
    return max + n < pcpus ? max + n : pcpus;
  }
  const q = 1 - u;
  for (let t = 0; t < n; t++) {
    let k: number;
    let above: number;
    if (max < pcpus) {
      above = busy[max]!;
      const top = u * above;
      k = max;
      if (top >= TINY) busy[++max] = top;
    } else {
      above = busy[pcpus - 1]!;
      busy[pcpus]! += u * above;
      k = pcpus - 1;
    }
    for (; k > bottom; k--) {
      const below = busy[k - 1]!;
      busy[k] = q * above + u * below;
      above = below;
    }
    busy[bottom]! *= q;
    while (bottom < max && busy[bottom]! < TINY) busy[bottom++] = 0;
  }
  while (max > bottom && busy[max]! < TINY) max--;
  low[0] = bottom;
  return max;
}

/** The double next to x towards +∞ (dir 1) or −∞ (dir −1), for x > 0. */
function nextDouble(x: number, dir: 1 | -1): number {
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] = bits[0]! + BigInt(dir);
  return f[0]!;
}

describe('binOfByTable', () => {
  it('gives binOf’s bin at, around and between every edge', () => {
    const edges = [0.05, 0.15, 0.3, 0.5, 0.7, 0.85];
    for (const edge of [...edges, 0.1, 0.25, 0.4, 0.6, 0.8, 0.95, 1]) {
      let below = edge;
      let above = edge;
      for (let step = 0; step < 64; step++) {
        expect(binOfByTable(below)).toBe(binOf(below));
        expect(binOfByTable(above)).toBe(binOf(above));
        below = nextDouble(below, -1);
        above = nextDouble(above, 1);
      }
    }
    for (const u of [0, -0, 1, 1.5, 20, Number.POSITIVE_INFINITY, Number.NaN, 5e-324]) expect(binOfByTable(u)).toBe(binOf(u));
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1.2, noNaN: true }), (u) => binOfByTable(u) === binOf(u)),
      { numRuns: 20_000, seed: 7 },
    );
  });
});

describe('convolveBinomial', () => {
  it('is the one-step-at-a-time convolution bit for bit, over bins of any size and utilisation', () => {
    // A utilisation: mostly spread over (0, 1), some near 0 and 1 (the trimming at both ends), and 0 and 1 exactly.
    const utilisation = fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1e-6, noNaN: true }),
      fc.double({ min: 1 - 1e-6, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 0.02, noNaN: true }),
      fc.constantFrom(0, 1),
    );
    const host = fc.record({
      pcpus: fc.integer({ min: 1, max: 80 }),
      bins: fc.array(fc.record({ n: fc.integer({ min: 1, max: 90 }), u: utilisation }), { minLength: 1, maxLength: 7 }),
    });
    fc.assert(
      fc.property(host, ({ pcpus, bins }) => {
        const fused = new Float64Array(2 * pcpus + 4);
        const reference = new Float64Array(2 * pcpus + 4);
        fused[0] = 1;
        reference[0] = 1;
        const fusedLow = new Int32Array(1);
        const referenceLow = new Int32Array(1);
        let fusedMax = 0;
        let referenceMax = 0;
        for (const { n, u } of bins) {
          fusedMax = convolveBinomial(fused, fusedLow, fusedMax, pcpus, n, u);
          referenceMax = referenceConvolve(reference, referenceLow, referenceMax, pcpus, n, u);
          if (fusedMax !== referenceMax || fusedLow[0] !== referenceLow[0]) return false;
          for (let k = 0; k < fused.length; k++) if (!Object.is(fused[k], reference[k])) return false;
        }
        return true;
      }),
      { numRuns: 20_000, seed: 11 },
    );
  });
});

describe('the CFS split with the bins counted as they are summed', () => {
  it('gives the shares of the split that bins them afterwards, bit for bit', () => {
    const host = fc.record({
      pcpus: fc.integer({ min: 2, max: 32 }),
      // Spread evenly (fc.double leans to the ends of its range, where few hosts wait).
      load: fc.integer({ min: 1, max: 40 }).map((x) => x / 20),
      vms: fc.array(fc.record({ vcpus: fc.integer({ min: 1, max: 4 }), share: fc.integer({ min: 0, max: 1000 }).map((x) => x / 1000 + 1e-7 * x) }), { minLength: 4, maxLength: 60 }),
    });
    let busy = 0;
    fc.assert(
      fc.property(host, ({ pcpus, load, vms }) => {
        const vcpus = Int32Array.from(vms, (vm) => vm.vcpus);
        const demand = Float64Array.from(vms, (vm) => Math.min(1, vm.share * load));
        const solve = (afterWaiting: boolean): { ready: Float64Array; run: Float64Array; utilization: number; waited: boolean } => {
          const scratch = fleetScratch();
          // What the previous solve left: 0 when some vCPU waited in it (which picks binDemandCounted).
          scratch.zeroReady[0] = afterWaiting ? 0 : 1;
          const ready = new Float64Array(vms.length);
          const run = new Float64Array(vms.length);
          const utilization = solveHostInterval(0, vms.length, vcpus, demand, pcpus, ready, run, scratch, 'cfs', pcpus, 0, true);
          return { ready, run, utilization, waited: scratch.zeroReady[0] === 0 };
        };
        const counted = solve(true);
        const afterwards = solve(false);
        if (counted.waited) busy++;
        return Object.is(counted.utilization, afterwards.utilization) && counted.ready.every((x, i) => Object.is(x, afterwards.ready[i])) && counted.run.every((x, i) => Object.is(x, afterwards.run[i]));
      }),
      { numRuns: 3_000, seed: 5 },
    );
    // Both kinds of host were tried: some on which vCPUs waited.
    expect(busy).toBeGreaterThan(600);
  });
});
