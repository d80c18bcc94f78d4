// Pinning takes its cores out of the shared pool (src/model/cpu/cpu-model.ts solveHost,
// src/model/fleet-layout.ts pinnedSlots; docs/latency.md). Field report 002's fix pins the VM's
// vCPUs and moves the other processes off them; the cores it takes are no longer there for the
// other VMs. Expected values: the machine-repairman model M/M/P//n on the pCPUs that are left
// (src/model/cpu/queueing.ts, Kleinrock vol. 1 §3.8), which the fleet kernel reproduces exactly for
// identical vCPUs (one moment-matched class, one utilisation bin).
import { describe, expect, it } from 'vitest';
import { machineRepairman } from '../../src/model/cpu/queueing.js';
import { LATENCY_DEFAULTS } from '../../src/model/latency/spec.js';
import { runStudy } from '../../src/model/run.js';
import type { ModelScenario } from '../../src/model/scenario.js';
import { loadScenarioFile, parseScenarioText } from '../../src/scenarios/load.js';
import { bundledScenario } from '../../src/cli/paths.js';
import { hostGroup, scenario, vmGroup } from './helpers.js';

const PCPUS = 16;
const N = 24;
const U = 0.4;

/** One 16-core host: 24 one-vCPU VMs at 40 %, and one 4-vCPU VM at 30 % with vhost_net, pinned or not. */
function build(pinned: boolean, vhostNet = true, queues = 1): ModelScenario {
  const others = vmGroup('others', N, 1, 1);
  others.workload.cpu.utilPct = 100 * U;
  const pin = vmGroup('pin', 1, 4, 1);
  pin.workload.cpu.utilPct = 30;
  pin.network = { gbps: 0, packetBytes: 1500, vhostNet, queues, offloads: true, segmentBytes: null, connections: null, pinned };
  return {
    ...scenario({ hosts: [hostGroup('h', 1, PCPUS, 64)], vms: [others, pin], overcommit: { cpu: 3, memory: 1 } }),
    cpuModel: { resolution: 'fleet', microBudgetBursts: 0, microWindows: 0, microWindowSeconds: 1 },
    latency: { hostThreads: { costs: { ...LATENCY_DEFAULTS.costs }, nicGbps: 10, daemons: [] }, heartbeats: [], heartbeatWindows: 0 },
  };
}

const readyOf = (s: ModelScenario, group: string): number => runStudy(s).cpu.readyPctByGroup.find((g) => g.name === group)!.readyPct.mean;

describe('pinned cores leave the shared pool', () => {
  it('the others wait as 24 vCPUs on 16 − k pCPUs: k = 4 vCPUs + 1 vhost worker = 5', () => {
    const study = runStudy(build(true));
    const k = 4 + 1;
    const expected = machineRepairman(N, PCPUS - k, U);
    const others = study.cpu.readyPctByGroup.find((g) => g.name === 'others')!.readyPct.mean;
    expect(others).toBeCloseTo(100 * expected.readyFraction, 9);
    // The pinned VM never waits; the host is busy with the shared pool's running vCPUs plus the
    // pinned VM's own demand (its idle dedicated cores are idle host time).
    expect(study.cpu.readyPctByGroup.find((g) => g.name === 'pin')!.readyPct.mean).toBe(0);
    expect((study.cpu.hostUtilPct.mean / 100) * PCPUS).toBeCloseTo(expected.meanRunning + 4 * 0.3, 9);
  });

  it('micro resolution: the burst-level simulation on the 11 shared pCPUs gives the same repairman value within 5 %', () => {
    // Exponential 10 ms bursts and gaps (the helpers' workload): the simulation is M/M/P//n, which
    // test/model/micro-repairman-*.test.ts validate within 2 %; one simulated hour here.
    const s = build(true);
    s.cpuModel = { ...s.cpuModel, resolution: 'micro' };
    const study = runStudy(s);
    const expected = 100 * machineRepairman(N, PCPUS - 5, U).readyFraction;
    expect(study.cpu.readyPctByGroup.find((g) => g.name === 'others')!.readyPct.mean).toBeGreaterThan(0.95 * expected);
    expect(study.cpu.readyPctByGroup.find((g) => g.name === 'others')!.readyPct.mean).toBeLessThan(1.05 * expected);
    expect(study.cpu.readyPctByGroup.find((g) => g.name === 'pin')!.readyPct.mean).toBe(0);
    // Host load: the shared pool's running vCPUs plus the pinned VM's 4 × 30 %, within half a core.
    expect((study.cpu.hostUtilPct.mean / 100) * PCPUS).toBeCloseTo(machineRepairman(N, PCPUS - 5, U).meanRunning + 1.2, 0);
  });

  it('pinning raises the others’ ready time above sharing all 16 pCPUs', () => {
    const shared = readyOf(build(false), 'others');
    const pinned = readyOf(build(true), 'others');
    // Unpinned, the 28 vCPUs share 16 pCPUs: the 24 wait 0.10 % (the model's mixed-VM split),
    // against 2.77 % on 11.
    expect(shared).toBeLessThan(pinned);
    expect(shared).toBeGreaterThan(0);
  });

  it('without vhost_net the QEMU main loop is the pinned path thread; with 2 queues, 2 vhost workers', () => {
    expect(readyOf(build(true, false), 'others')).toBeCloseTo(100 * machineRepairman(N, PCPUS - 5, U).readyFraction, 9);
    expect(readyOf(build(true, true, 2), 'others')).toBeCloseTo(100 * machineRepairman(N, PCPUS - 6, U).readyFraction, 9);
  });

  it('a host cannot dedicate all its pCPUs', () => {
    const s = build(true, true, 1);
    s.vms[1]!.vcpus = PCPUS;
    s.overcommit.cpu = 4;
    expect(() => runStudy(s)).toThrow(/pinned VMs need 17 dedicated cores .* 16 pCPUs/);
  });

  it('a scenario whose pinned VM would take every pCPU of a host is refused at the field', async () => {
    const text = `
name: t
hosts: [{ name: h, count: 1, cpu: { cores: 8, reservedCores: 0 }, memory: { totalGiB: 64, reservedGiB: 0 } }]
vms:
  - { name: big, count: 1, vcpus: 7, memoryGiB: 4, workload: { cpu: { utilPct: 10 } }, network: { gbps: 1, pinned: true } }
`;
    const parsed = await parseScenarioText(text, 't.yaml');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => i.message).join('\n')).toMatch(/takes 8 dedicated cores \(7 vCPUs \+ 1 vhost worker\); the smallest host has 8 pCPUs/);
  });

  it('keepalived-vhost with the load balancers pinned (vhost_net on): their adverts wait for no thread, the neighbours wait more', async () => {
    const loaded = await loadScenarioFile(bundledScenario('keepalived-vhost'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const run = (pinned: boolean): ReturnType<typeof runStudy> => {
      const s = structuredClone(loaded.value.scenario);
      s.replications = 2;
      for (const g of s.vms) if (g.network) g.network.vhostNet = true;
      s.vms.find((g) => g.name === 'lb')!.network!.pinned = pinned;
      return runStudy(s);
    };
    const shared = run(false);
    const pinned = run(true);
    // Pinned, each load balancer's 2 vCPUs and vhost worker own 3 of 16 cores: its softirq gets a
    // whole vCPU (100k packets/s against a peak of ~80k), so no ring backlog and no wake-up wait.
    const hb = pinned.latency.heartbeats[0]!;
    expect(hb.delayMs.max).toBe(0);
    expect(hb.lost).toBe(0);
    expect(shared.latency.heartbeats[0]!.delayMs.max).toBeGreaterThan(0);
    const busyReady = (r: ReturnType<typeof runStudy>): number => r.cpu.readyPctByGroup.find((g) => g.name === 'busy')!.readyPct.mean;
    expect(busyReady(pinned)).toBeGreaterThan(busyReady(shared));
  }, 60_000);
});
