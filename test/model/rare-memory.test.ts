/**
 * The hooks rare-event estimation relies on (study/risk.ts):
 * - a memory-focused replication (no CPU model, no latency paths) gives every memory result of the
 *   full replication exactly, since nothing in CPU contention feeds back into memory;
 * - shift 0 is the plain model exactly (the shifted draws are the same normals);
 * - the recorded likelihood ratio of a shift is exp(Σ(−θZ' + θ²/2)) over the host's shifted draws.
 */
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src/scenarios/load.js';
import { place } from '../../src/model/placement.js';
import { simulateReplication } from '../../src/model/replication.js';
import type { ModelScenario } from '../../src/model/scenario.js';

const TEXT = `
name: rare
seed: 3
duration: 4h
step: 1 min
startHour: 7
overcommit: { cpu: 2, memory: 1.4 }
hosts:
  - { name: h, count: 3, cpu: { cores: 16 }, memory: { totalGiB: 64, reservedGiB: 4, swapGiB: 4, swapMBps: 100 } }
vms:
  - name: desk
    count: fill
    vcpus: 2
    memoryGiB: 4
    os: windows
    workload:
      cpu: { utilPct: 20, burstMs: 10, vmCv: 0.4, noiseCv: 0.3 }
      memory: { activeGiB: 3, idleActiveGiB: 2, cacheGiBPerHour: 0.5, vmCv: 0.3, noiseCv: 0.1 }
      io: { iops: 10 }
ksm: { enabled: true, tuned: true }
boots:
  maxPerHost: 4
  waves: [{ kind: storm, at: "07:10", spread: 10 min }]
`;

async function load(): Promise<ModelScenario> {
  const parsed = await parseScenarioText(TEXT, 'rare.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

describe('memory-focused replications', () => {
  it('give the full replication memory results exactly, and shift 0 is the plain model', async () => {
    const s = await load();
    const p = place(s);
    const full = simulateReplication(s, p, 1).memory;
    const focused = simulateReplication({ ...s, memoryFocus: { workingSetShift: 0 } }, p, 1).memory;
    expect(full.kills.length + full.hostSwapPeakGiB.reduce((a, b) => a + b, 0)).toBeGreaterThan(0); // the run reaches swap or kills
    expect(Array.from(focused.hostNeededPeakPct)).toEqual(Array.from(full.hostNeededPeakPct));
    expect(Array.from(focused.hostMinHeadroomGiB)).toEqual(Array.from(full.hostMinHeadroomGiB));
    expect(Array.from(focused.hostKsmSavedMeanGiB)).toEqual(Array.from(full.hostKsmSavedMeanGiB));
    expect(focused.kills).toEqual(full.kills);
    // Step by step: every host's KSM saving of every interval (the histogram of them) and its swap.
    expect(focused.ksmSavedGiB.toJSON()).toEqual(full.ksmSavedGiB.toJSON());
    expect(Array.from(focused.hostSwapPeakGiB)).toEqual(Array.from(full.hostSwapPeakGiB));
    expect(Array.from(focused.swapStallSteps)).toEqual(Array.from(full.swapStallSteps));
    expect(Array.from(focused.vmSwappedSteps)).toEqual(Array.from(full.vmSwappedSteps));
    // The timelines, which the estimator does not read, are left out of a focused run.
    expect(full.timeline.hosts).toBe(3);
    expect(focused.timeline.hosts).toBe(0);
    expect(Array.from(full.hostLogWeight)).toEqual([0, 0, 0]);
  });

  it('a shift moves the working sets up and carries the likelihood ratio of its draws', async () => {
    const s = await load();
    const p = place(s);
    const plain = simulateReplication({ ...s, memoryFocus: { workingSetShift: 0 } }, p, 0).memory;
    const theta = 1.5;
    const shifted = simulateReplication({ ...s, memoryFocus: { workingSetShift: theta } }, p, 0).memory;
    for (let h = 0; h < p.hosts.length; h++) {
      const n = p.hosts[h]!.vms.length;
      expect(shifted.hostShiftedCount[h]).toBe(n);
      // The same normals, each moved by θ.
      expect(shifted.hostShiftedZSum[h]).toBeCloseTo(plain.hostShiftedZSum[h]! + n * theta, 9);
      // log w = Σ(−θ·Z' + θ²/2) = −θ·ΣZ' + nθ²/2.
      expect(shifted.hostLogWeight[h]).toBeCloseTo(-theta * shifted.hostShiftedZSum[h]! + (n * theta * theta) / 2, 9);
      // Larger working sets leave less headroom.
      expect(shifted.hostMinHeadroomGiB[h]).toBeLessThanOrEqual(plain.hostMinHeadroomGiB[h]!);
    }
  });
});
