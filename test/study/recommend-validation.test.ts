/**
 * The recommender against a known answer. For identical single-vCPU VMs with exponential bursts
 * at a constant load u, each host is the machine-repairman queue M/M/P//n, whose ready share
 * E[(K − P)+]/n has a closed form (Kleinrock, Queueing Systems vol. 1 §3.8; machineRepairman in
 * src/model/cpu/queueing.ts, itself validated against simulation in test/model/). With `fill`,
 * a ratio r puts n = floor(32 r) vCPUs on each 32-pCPU host, so the largest ratio meeting a
 * ready limit L is just below (n* + 1)/32, where n* is the largest n with ready(n) ≤ L. The
 * search must return a grid value within one grid step (its tolerance) below that.
 */
import { describe, expect, it } from 'vitest';
import { machineRepairman } from '../../src/model/cpu/queueing.js';
import { inProcessRunner } from '../../src/model/runner.js';
import { knobById } from '../../src/study/knobs.js';
import { recommend } from '../../src/study/recommend.js';
import { REPAIRMAN_YAML, source } from './helpers.js';

const P = 32;
const U = 0.4;

/** Largest vCPU count per host whose exact ready % is within the limit. */
function largestN(limitPct: number): number {
  let n = 1;
  while (100 * machineRepairman(n + 1, P, U).readyFraction <= limitPct) n++;
  return n;
}

const quick = { whatIf: [], riskCurve: false } as const;

describe('recommend finds the closed-form answer', () => {
  it.each([5, 2])('CPU ratio for a ready limit of %d percent, within one grid step', async (limit) => {
    const n = largestN(limit);
    const exact = (n + 1) / P;
    const result = await recommend(source(REPAIRMAN_YAML, [`slo.cpuReadyPctP95=${limit}`]), inProcessRunner(), { ...quick, knobs: ['cpuAllocationRatio'] });
    const cpu = result.knobs.find((k) => k.id === 'cpuAllocationRatio')!;
    const step = knobById('cpuAllocationRatio').range.step;
    expect(cpu.status).toBe('bound');
    expect(cpu.bindingSlo).toBe('cpuReadyPctP95');
    expect(cpu.value!).toBeLessThan(exact);
    expect(cpu.value! + step).toBeGreaterThanOrEqual(exact - 1e-9);
    // The simulated ready % at the answer is the closed form's, and the interval has zero width.
    const reading = cpu.atValue!.slos.find((s) => s.name === 'cpuReadyPctP95')!;
    const nAt = Math.floor(P * cpu.value! + 1e-9);
    expect(reading.value).toBeCloseTo(100 * machineRepairman(nAt, P, U).readyFraction, 9);
    expect(reading.upper95).toBeCloseTo(reading.value, 12);
  });

  it('RAM ratio (with the CPU ratio lifted) within one grid step: 4 GiB VMs on 128 GiB give the same n = floor(32 r)', async () => {
    const n = largestN(5);
    const exact = (n + 1) / P;
    const result = await recommend(source(REPAIRMAN_YAML), inProcessRunner(), { ...quick, knobs: ['ramAllocationRatio'] });
    const ram = result.knobs.find((k) => k.id === 'ramAllocationRatio')!;
    expect(ram.status).toBe('bound');
    expect(ram.bindingSlo).toBe('cpuReadyPctP95');
    expect(ram.value!).toBeLessThan(exact);
    expect(ram.value! + knobById('ramAllocationRatio').range.step).toBeGreaterThanOrEqual(exact - 1e-9);
  });

  it('N+1: with one of two hosts down, the survivor carries both hosts’ VMs, so 2·floor(32 r) <= n*', async () => {
    const n = largestN(5);
    const exact = (Math.floor(n / 2) + 1) / P;
    const result = await recommend(source(REPAIRMAN_YAML), inProcessRunner(), { ...quick, knobs: ['cpuAllocationRatio'], nPlus1: true });
    const cpu = result.knobs.find((k) => k.id === 'cpuAllocationRatio')!;
    expect(cpu.value!).toBeLessThan(exact);
    expect(cpu.value! + knobById('cpuAllocationRatio').range.step).toBeGreaterThanOrEqual(exact - 1e-9);
    expect(cpu.atValue!.hostDown).toBe('h-2');
  });

  it('reports the search range bounds honestly: infeasible at the bottom, unbound at the top', async () => {
    // At ratio 1 no vCPU ever waits (n = P), but the hosts are 90 % busy: a 50 % utilisation limit fails everywhere.
    const heavy = await recommend(source(REPAIRMAN_YAML, ['vms.vm.workload.cpu.utilPct=90', 'slo={hostUtilPctP95: 50}']), inProcessRunner(), { ...quick, knobs: ['cpuAllocationRatio'] });
    const cpuHeavy = heavy.knobs.find((k) => k.id === 'cpuAllocationRatio')!;
    expect(cpuHeavy).toMatchObject({ status: 'infeasible', value: null, bindingSlo: 'hostUtilPctP95', confidence: null, outOfReach: ['hostUtilPctP95'] });
    const light = await recommend(source(REPAIRMAN_YAML, ['vms.vm.workload.cpu.utilPct=1']), inProcessRunner(), { ...quick, knobs: ['cpuAllocationRatio'] });
    const cpuLight = light.knobs.find((k) => k.id === 'cpuAllocationRatio')!;
    expect(cpuLight).toMatchObject({ status: 'range-top', value: 32, bindingSlo: null, confidence: 0.95 });
  });

  it('evaluates the bottom of the range only when today’s value fails (a knob assumed monotone passes below a pass)', async () => {
    const min = knobById('cpuAllocationRatio').range.min;
    // Today's ratio 1.5 (48 vCPUs at 40 % on 32 pCPUs, ready well under 5 %) passes: the search goes up from it, never to the bottom.
    const passing = await recommend(source(REPAIRMAN_YAML, ['overcommit.cpu=1.5']), inProcessRunner(), { ...quick, knobs: ['cpuAllocationRatio'] });
    const up = passing.knobs.find((k) => k.id === 'cpuAllocationRatio')!;
    expect(up.searched[0]!.value).toBe(1.5);
    expect(up.searched.map((e) => e.value)).not.toContain(min);
    // Today's ratio 8 fails (256 vCPUs at 40 % on 32 pCPUs): the bottom is evaluated first, to see what is out of reach.
    const failing = await recommend(source(REPAIRMAN_YAML, ['overcommit.cpu=8']), inProcessRunner(), { ...quick, knobs: ['cpuAllocationRatio'] });
    const down = failing.knobs.find((k) => k.id === 'cpuAllocationRatio')!;
    expect(down.searched[0]!.value).toBe(min);
    // The same answer either way.
    expect(down.value).toBe(up.value);
  });

  it('judges a knob only on the SLOs it can meet, and says which it cannot', async () => {
    // Host utilisation over 50 % fails at every ratio; ready % still sets the CPU ratio, and the
    // combination to paste is reported as failing utilisation.
    const result = await recommend(source(REPAIRMAN_YAML, ['slo.hostUtilPctP95=30']), inProcessRunner(), { ...quick, knobs: ['cpuAllocationRatio'] });
    const cpu = result.knobs.find((k) => k.id === 'cpuAllocationRatio')!;
    expect(cpu).toMatchObject({ status: 'bound', bindingSlo: 'cpuReadyPctP95', outOfReach: ['hostUtilPctP95'] });
    expect(cpu.value!).toBeLessThan((largestN(5) + 1) / P);
    expect(result.combined.evaluation!.failing).toEqual(['hostUtilPctP95']);
  });
});
