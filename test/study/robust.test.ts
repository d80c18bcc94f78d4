/**
 * Robust recommendations (src/study/robust.ts). The scenario is the study tests' repairman fleet
 * (./helpers.ts): identical 1-vCPU VMs whose CPU ready share is the M/M/P//n queue's, exact in
 * every replication, so the recommended CPU ratio falls as their utilisation rises. With the
 * utilisation given as a range, the robust ratio is the one at the range's high end: never above
 * the point recommendation, and below it here. An input the model never reads (the swap read
 * time on hosts without swap) moves nothing and names nothing.
 */
import { describe, expect, it } from 'vitest';
import { inProcessRunner } from '../../src/model/runner.js';
import { uncertainInputs } from '../../src/scenarios/assumptions.js';
import { parseScenario } from '../../src/scenarios/load.js';
import { recommendRobust } from '../../src/study/robust.js';
import { REPAIRMAN_YAML, source } from './helpers.js';

const RANGED = REPAIRMAN_YAML.replace('utilPct: 40,', 'utilPct: { between: [30, 50] },').replace('memory: { totalGiB: 128.5, reservedGiB: 0.5 }', 'memory: { totalGiB: 128.5, reservedGiB: 0.5, swapReadMs: { between: [0.1, 13] } }');

async function robustOf(text: string, ends: [number, number]) {
  const parsed = await parseScenario(text, 'test.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const inputs = uncertainInputs(parsed.value.scenario, parsed.value.document, parsed.value.ranges).filter((i) => i.origin === 'file');
  return recommendRobust(source(text), inProcessRunner(), { knobs: ['cpuAllocationRatio'], whatIf: [], riskCurve: false }, { inputs, ends, probeReplications: 1 });
}

describe('recommend --robust', () => {
  it('is never less conservative than the point recommendation, and names the assumption that limits it', async () => {
    expect(RANGED).toContain('between: [30, 50]');
    const robust = await robustOf(RANGED, [0, 1]);
    const cpu = robust.knobs.find((k) => k.id === 'cpuAllocationRatio')!;
    expect(cpu.point).not.toBeNull();
    expect(cpu.robust!).toBeLessThan(cpu.point!);
    expect(cpu.limitingCorner).toBe('cpuReadyPctP95');
    expect(robust.inputs[cpu.limitingInput!]!.path).toBe('vms.vm.workload.cpu.utilPct');
    // The corner moves only what moves the SLO: utilisation to its adverse (high) end.
    expect(robust.corners).toHaveLength(1);
    const util = robust.inputs.findIndex((i) => i.path === 'vms.vm.workload.cpu.utilPct');
    expect(robust.inputs.map((i) => i.path).sort()).toEqual(['hosts.h.memory.swapReadMs', 'vms.vm.workload.cpu.utilPct']);
    expect(robust.corners[0]!.settings).toEqual([{ input: util, end: 'high', value: 50 }]);
    // The 10th–90th percentiles are less extreme than the ends: between the two.
    const q90 = await robustOf(RANGED, [0.1, 0.9]);
    const cpu90 = q90.knobs.find((k) => k.id === 'cpuAllocationRatio')!;
    expect(cpu90.robust!).toBeLessThanOrEqual(cpu.point!);
    expect(cpu90.robust!).toBeGreaterThanOrEqual(cpu.robust!);
    expect(q90.corners[0]!.settings[0]!.value).toBe(48);
  });
});
