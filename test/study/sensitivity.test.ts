/**
 * `overcast sensitivity` (src/study/sensitivity.ts): the Morris design's shape, and the ranking on
 * a scenario whose outcome provably depends on one input. The memory need peak is the VMs'
 * memory over the host's RAM, so the host's RAM moves it by construction; the swap device's read
 * time is never used on a host without swap (src/model/memory), so with common random numbers
 * its elementary effects are exactly 0 and it must rank last. The swap SLO makes the memory
 * need count in the ranking (it stands in for the memory SLOs). The VMs' utilisation moves CPU
 * ready (the repairman queue's load), a tenth of its limit here, so it ranks between them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inProcessRunner } from '../../src/model/runner.js';
import { createStream } from '../../src/model/random/streams.js';
import { uncertainInputs } from '../../src/scenarios/assumptions.js';
import { parseScenario } from '../../src/scenarios/load.js';
import { MORRIS_DELTA, morrisTrajectory, runSensitivity } from '../../src/study/sensitivity.js';
import { source } from './helpers.js';

describe('Morris trajectories', () => {
  it('move each input exactly once by ±Δ and stay on the grid in [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 1e6 }), (k, seed) => {
        const { points, moved } = morrisTrajectory(k, createStream(seed, 0, 't', 'morris'));
        expect(points).toHaveLength(k + 1);
        expect(new Set(moved.map((m) => m.input)).size).toBe(k);
        for (let p = 1; p <= k; p++) {
          const changed = points[p]!.map((x, i) => (Math.abs(x - points[p - 1]![i]!) > 1e-12 ? i : -1)).filter((i) => i >= 0);
          expect(changed).toEqual([moved[p - 1]!.input]);
          expect(Math.abs(points[p]![changed[0]!]! - points[p - 1]![changed[0]!]!)).toBeCloseTo(MORRIS_DELTA, 12);
          for (const x of points[p]!) expect(x >= -1e-12 && x <= 1 + 1e-12).toBe(true);
        }
      }),
    );
  });
});

const SCENARIO = `
name: one-input
seed: 3
replications: 1
duration: 2h
step: 30 min
overcommit: { cpu: 3, memory: 1.0 }
hosts:
  - name: h
    count: 2
    cpu: { cores: 8 }
    memory: { totalGiB: { between: [64, 256], nominal: 128 }, swapGiB: 0, swapReadMs: { between: [0.1, 13] } }
vms:
  - name: vm
    count: 40
    vcpus: 1
    memoryGiB: 4
    workload:
      cpu: { utilPct: { between: [25, 45] } }
      memory: { activeGiB: 3 }
cpuModel: { resolution: fleet, microWindows: 0 }
slo:
  cpuReadyPctP95: 50
  swapPeakGiB: 100
`;

describe('runSensitivity', () => {
  it('ranks the input the outcome depends on first and one the model never reads last, with a zero effect', async () => {
    const parsed = await parseScenario(SCENARIO, 'test.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const inputs = uncertainInputs(parsed.value.scenario, parsed.value.document, parsed.value.ranges).filter((i) => i.origin === 'file');
    expect(inputs.map((i) => i.path)).toEqual(['hosts.h.memory.totalGiB', 'hosts.h.memory.swapReadMs', 'vms.vm.workload.cpu.utilPct']);
    const result = await runSensitivity(source(SCENARIO), parsed.value.scenario, inputs, inProcessRunner(), {
      trajectories: 4,
      screenReplications: 1,
      tornadoReplications: 1,
      top: 3,
      ends: [0, 1],
    });
    const order = result.screening.ranking.map((r) => inputs[r.input]!.path);
    expect(order).toEqual(['hosts.h.memory.totalGiB', 'vms.vm.workload.cpu.utilPct', 'hosts.h.memory.swapReadMs']);
    expect(result.screening.effects[2]!.cpuReadyPctP95!.mu).toBeGreaterThan(0);
    const swapRead = result.screening.effects[1]!;
    for (const m of result.metrics) expect(swapRead[m.key]!.muStar).toBe(0);
    // More RAM, less of it needed: the memory need falls with totalGiB (μ < 0) ...
    expect(result.screening.effects[0]!.memoryNeedPeakPct!.mu).toBeLessThan(0);
    // ... and the tornado's ends bracket the nominal need: 40 VMs × (3 GiB + overhead) over 2 hosts.
    const row = result.tornado.rows.find((r) => r.input === 0)!;
    expect(row.low.metrics.memoryNeedPeakPct).toBeGreaterThan(result.tornado.nominal.metrics.memoryNeedPeakPct!);
    expect(row.high.metrics.memoryNeedPeakPct).toBeLessThan(result.tornado.nominal.metrics.memoryNeedPeakPct!);
    // r × (k + 1) screening points, each one replication, plus the tornado and the nominal point.
    expect(result.screening.points).toBe(4 * 4);
    // An input with no effect is not carried into the tornado.
    expect(result.tornado.rows.map((r) => r.input)).not.toContain(1);
  });
});
