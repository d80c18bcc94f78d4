/**
 * The CPU model's shortcuts for quiet hosts must change no bit of a result:
 * - Histogram.addRepeated(v, n) is n calls of add(v): same buckets, count, sum, min and max, for
 *   whole and fractional values and sums up to and past 2^53 (where the one multiply-add would
 *   round differently from the n additions);
 * - CpuRecorder on a host whose every ready share is 0: recordHostVmsAtZero (per group run) with
 *   the intervals counted by the caller, and recordUiActions with `runningByRun`, give the same
 *   CpuReplication as the per-VM recordHostVms and recordUiActions (the path every contended host
 *   takes), on random fleets of several groups with running, booting and stopped VMs;
 * - CpuRecorder.recordHostVms records what Histogram.addScaled per group run and a plain pass over
 *   the host for the sums record (an independent reference for its fused histogram additions);
 * - CpuDemandField.fill with a state filter writes the same values for the wanted VMs and leaves
 *   every VM's noise stream where the unfiltered fill leaves it.
 * The references are the per-VM code paths themselves (the bundled scenarios were also compared
 * byte for byte before and after these shortcuts; see the commit messages).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Histogram } from '../../src/model/stats/histogram.js';
import { CpuRecorder, type CpuReplication } from '../../src/model/cpu/recorder.js';
import { layoutFleet, type FleetLayout } from '../../src/model/fleet-layout.js';
import type { Placement, PlacedHost, PlacedVm } from '../../src/model/placement.js';
import { CpuDemandField } from '../../src/model/workload/cpu-demand.js';
import { streamFactory } from '../../src/model/random/streams.js';
import type { CpuWorkload } from '../../src/model/scenario.js';

function sameHistogram(a: Histogram, b: Histogram): boolean {
  if (!Object.is(a.count, b.count) || !Object.is(a.sum, b.sum) || !Object.is(a.min, b.min) || !Object.is(a.max, b.max)) return false;
  for (let i = 0; i < a.counts.length; i++) if (!Object.is(a.counts[i], b.counts[i])) return false;
  return true;
}

function sameArray(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('Histogram.addRepeated', () => {
  it('is `times` calls of add, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1e4, noNaN: true }), fc.constantFrom(0, 50, 1 / 3, 2 ** 40 + 0.5)),
        fc.integer({ min: 0, max: 200 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 20 }), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(2 ** 53 - 64, 2 ** 53 - 1, 2 ** 52 + 0.5)),
        (value, times, start) => {
          const a = new Histogram();
          const b = new Histogram();
          a.add(start);
          b.add(start);
          a.addRepeated(value, times);
          for (let t = 0; t < times; t++) b.add(value);
          expect(sameHistogram(a, b)).toBe(true);
        },
      ),
      { seed: 31, numRuns: 3000 },
    );
  });

  it('takes the multiply-add only where every partial sum is exact: (2^53 − 1) + 1 + 1 + 1 rounds as the additions do', () => {
    const a = new Histogram();
    const b = new Histogram();
    a.add(2 ** 53 - 1);
    b.add(2 ** 53 - 1);
    a.addRepeated(1, 3);
    for (let t = 0; t < 3; t++) b.add(1);
    // (2^53 − 1) + 1 = 2^53, and each 2^53 + 1 rounds back to 2^53 (ties to even), where one
    // multiply-add would give 2^53 + 2.
    expect(b.sum).toBe(2 ** 53);
    expect(sameHistogram(a, b)).toBe(true);
  });
});

/** A placement of `hosts` hosts and VMs of the given groups and vCPUs, VM v on host v mod hosts. */
function fleet(hosts: number, vms: { group: number; vcpus: number }[]): { placement: Placement; layout: FleetLayout } {
  const placedHosts: PlacedHost[] = Array.from({ length: hosts }, (_, h) => ({
    name: `h-${h + 1}`,
    group: 0,
    pcpus: 56,
    memoryGiB: 128,
    vcpuCapacity: 112,
    memoryCapacityGiB: 128,
    vcpusAllocated: 0,
    memoryAllocatedGiB: 0,
    vms: [],
  }));
  const placedVms: PlacedVm[] = vms.map((vm, v) => ({ name: `g${vm.group}-${v + 1}`, group: vm.group, index: v, host: v % hosts, vcpus: vm.vcpus, memoryGiB: 4 }));
  placedVms.forEach((vm, v) => placedHosts[vm.host]!.vms.push(v));
  const placement: Placement = { hosts: placedHosts, vms: placedVms, unplaced: [] };
  return { placement, layout: layoutFleet(placement) };
}

function sameReplication(a: CpuReplication, b: CpuReplication): boolean {
  return (
    sameHistogram(a.readyPct, b.readyPct) &&
    a.readyPctByGroup.every((h, g) => sameHistogram(h, b.readyPctByGroup[g]!)) &&
    sameHistogram(a.uiActionMs, b.uiActionMs) &&
    sameArray(a.hostReadyPctMean, b.hostReadyPctMean) &&
    sameArray(a.hostReadyPctMax, b.hostReadyPctMax) &&
    sameArray(a.vmReadyPctMean, b.vmReadyPctMean) &&
    sameArray(a.timeline.readyPctWeighted, b.timeline.readyPctWeighted) &&
    sameArray(a.timeline.vcpus, b.timeline.vcpus)
  );
}

describe('CpuRecorder on hosts whose ready shares are all 0', () => {
  it('records per group run exactly what the per-VM paths record', () => {
    let steps = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ group: fc.integer({ min: 0, max: 2 }), vcpus: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 40 }),
        // UI work per group: whole and fractional milliseconds.
        fc.tuple(fc.constantFrom(50, 20, 37.5), fc.double({ min: 5, max: 200, noNaN: true }), fc.integer({ min: 1, max: 100 })),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (hosts, vms, work, seed) => {
          const { layout } = fleet(hosts, vms);
          const groups = 3;
          const uiWorkMs = new Float64Array(layout.slots);
          for (let slot = 0; slot < layout.slots; slot++) if (layout.groupOf[slot]! >= 0) uiWorkMs[slot] = work[layout.groupOf[slot]!]!;
          const reference = new CpuRecorder('fleet', layout, hosts, groups, 6, uiWorkMs);
          const quiet = new CpuRecorder('fleet', layout, hosts, groups, 6, uiWorkMs);
          let state = seed;
          const random = (): number => {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            return state / 2 ** 32;
          };
          const ready = new Float64Array(layout.slots); // every share 0
          const run = new Float64Array(layout.slots);
          const weight = new Int32Array(layout.slots);
          const running = new Int32Array(layout.slots);
          const runs = layout.groupRuns.length / 3;
          const runningByRun = new Int32Array(runs);
          const weightByRun = new Int32Array(runs);
          const runningByGroup = new Int32Array(hosts * groups);
          for (let k = 0; k < 6; k++) {
            for (let r = 0; r < runs; r++) {
              runningByRun[r] = 0;
              weightByRun[r] = 0;
              for (let slot = layout.groupRuns[3 * r]!; slot < layout.groupRuns[3 * r + 1]!; slot++) {
                // Running, booting (weight but no UI action) or stopped; some running VMs idle (run 0).
                const x = random();
                running[slot] = x < 0.6 ? 1 : 0;
                weight[slot] = x < 0.8 ? layout.vcpus[slot]! : 0;
                run[slot] = x < 0.1 ? 0 : random();
                runningByRun[r]! += running[slot]!;
                weightByRun[r]! += weight[slot]!;
                if (weight[slot]! > 0) quiet.intervalsRun[slot]!++;
              }
            }
            for (let h = 0; h < hosts; h++) {
              // σ 1 or below (SMT), a fair-share cap of at least 1 (CpuModel passes max(1, active / P)).
              const speed = random() < 0.5 ? 1 : 0.9 + 0.1 * random();
              const maxStretch = random() < 0.5 ? 1 : 1 + random();
              reference.recordHostVms(h, k, ready, weight);
              reference.recordUiActions(h, ready, run, running, speed, maxStretch, true, runningByGroup, h * groups);
              quiet.recordHostVmsAtZero(h, k, weightByRun);
              quiet.recordUiActions(h, ready, run, running, speed, maxStretch, true, runningByGroup, h * groups, runningByRun);
              steps++;
            }
          }
          expect(sameReplication(quiet.finish(), reference.finish())).toBe(true);
        },
      ),
      { seed: 32, numRuns: 400 },
    );
    expect(steps).toBeGreaterThan(1000);
  });
});

describe('CpuRecorder.recordHostVms', () => {
  it('records what addScaled per group run and a pass over the host record, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ group: fc.integer({ min: 0, max: 2 }), vcpus: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (hosts, vms, seed) => {
          const { layout } = fleet(hosts, vms);
          const groups = 3;
          const steps = 5;
          const recorder = new CpuRecorder('fleet', layout, hosts, groups, steps);
          // The reference: the histograms filled by Histogram.addScaled run by run, the sums by a
          // plain pass over the host's VM slots.
          const pooled = new Histogram();
          const byGroup = Array.from({ length: groups }, () => new Histogram());
          const hostWeighted = new Float64Array(hosts);
          const hostVcpus = new Float64Array(hosts);
          const hostMax = new Float64Array(hosts);
          const slotSum = new Float64Array(layout.slots);
          const slotRuns = new Float64Array(layout.slots);
          const timelineWeighted = new Float64Array(steps);
          const timelineVcpus = new Float64Array(steps);
          let state = seed;
          const random = (): number => {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            return state / 2 ** 32;
          };
          const ready = new Float64Array(layout.slots);
          const weight = new Int32Array(layout.slots);
          for (let k = 0; k < steps; k++) {
            for (let slot = 0; slot < layout.slots; slot++) {
              const x = random();
              // Waiting, not waiting, or not running (weight 0).
              ready[slot] = x < 0.3 ? 0 : random() * random();
              weight[slot] = x < 0.85 ? layout.vcpus[slot]! : 0;
            }
            for (let h = 0; h < hosts; h++) {
              recorder.recordHostVms(h, k, ready, weight);
              for (let r = layout.hostRunFrom[h]!; r < layout.hostRunTo[h]!; r++) {
                const [from, to, group] = [layout.groupRuns[3 * r]!, layout.groupRuns[3 * r + 1]!, layout.groupRuns[3 * r + 2]!];
                pooled.addScaled(ready, weight, from, to, 100);
                byGroup[group]!.addScaled(ready, weight, from, to, 100);
              }
              let weighted = 0;
              let total = 0;
              for (let i = layout.hostFrom[h]!; i < layout.hostVmTo[h]!; i++) {
                if (weight[i] === 0) continue;
                const pct = ready[i]! * 100;
                weighted += pct * weight[i]!;
                total += weight[i]!;
                slotSum[i]! += pct;
                slotRuns[i]!++;
                if (pct > hostMax[h]!) hostMax[h] = pct;
              }
              hostWeighted[h]! += weighted;
              hostVcpus[h]! += total;
              timelineWeighted[k]! += weighted;
              timelineVcpus[k]! += total;
            }
          }
          const result = recorder.finish();
          expect(sameHistogram(result.readyPct, pooled)).toBe(true);
          for (let g = 0; g < groups; g++) expect(sameHistogram(result.readyPctByGroup[g]!, byGroup[g]!)).toBe(true);
          expect(sameArray(result.hostReadyPctMax, hostMax)).toBe(true);
          expect(sameArray(result.hostReadyPctMean, Float64Array.from(hostWeighted, (w, h) => (hostVcpus[h]! > 0 ? w / hostVcpus[h]! : 0)))).toBe(true);
          expect(sameArray(result.vmReadyPctMean, Float64Array.from(layout.slotOfVm, (slot) => (slotRuns[slot]! > 0 ? slotSum[slot]! / slotRuns[slot]! : 0)))).toBe(true);
          expect(sameArray(result.timeline.readyPctWeighted, timelineWeighted)).toBe(true);
          expect(sameArray(result.timeline.vcpus, timelineVcpus)).toBe(true);
        },
      ),
      { seed: 33, numRuns: 300 },
    );
  });
});

describe('CpuDemandField.fill with a state filter', () => {
  it('writes the wanted VMs’ values as the plain fill does and keeps every stream in step', () => {
    const workload: CpuWorkload = {
      utilPct: 2.6,
      burstMs: 10,
      burstDistribution: 'exponential',
      burstCv: 1,
      gapDistribution: 'exponential',
      gapCv: 1,
      profile: Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 20 ? 1.7 : 0.2)),
      vmCv: 0.4,
      noiseCv: 0.3,
    } as CpuWorkload;
    const vms = Array.from({ length: 50 }, (_, i) => ({ name: `desktop-${i + 1}`, workload: i % 7 === 0 ? { ...workload, noiseCv: 0 } : workload }));
    const plain = new CpuDemandField(vms, streamFactory(4, 0));
    const filtered = new CpuDemandField(vms, streamFactory(4, 0));
    const a = new Float64Array(vms.length);
    const b = new Float64Array(vms.length);
    const state = new Uint8Array(vms.length);
    let compared = 0;
    for (let k = 0; k < 300; k++) {
      // VMs switch between running (3) and not (0, 2) every few steps.
      for (let i = 0; i < vms.length; i++) state[i] = (i + Math.floor(k / 17)) % 3 === 0 ? 0 : (i + k) % 5 === 0 ? 2 : 3;
      b.fill(-1);
      plain.fill((k * 300) / 3600, a);
      filtered.fill((k * 300) / 3600, b, state, 3);
      for (let i = 0; i < vms.length; i++) {
        if (state[i] === 3) {
          expect(Object.is(b[i], a[i])).toBe(true);
          compared++;
        } else expect(b[i]).toBe(-1); // left as it was
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });
});
