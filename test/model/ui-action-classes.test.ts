/**
 * The fleet kernel's UI action times by stretch class (CpuRecorder.recordUiActions given
 * FleetScratch.uiClass and classStretch from cpu/fleet.ts, through its addByClass) against the
 * per-VM path it replaces (recordUiActions from each VM's ready and running shares): on contended fleets — CFS and FIFO,
 * with SMT hosts, two VM groups with different UI work, booting and stopped VMs — the histograms
 * hold the same counts in the same buckets and the same count, and a minimum, maximum and sum
 * equal to 1e-12 (one stretch per class against each VM's own (ready + run)/run, and the sum
 * added per class instead of per VM, so their last bits may differ). Everything else
 * of the replication is the same bits. The per-VM stretch itself is checked against
 * (ready + run)/run in ./fleet.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src/scenarios/load.js';
import { place } from '../../src/model/placement.js';
import { simulateReplication } from '../../src/model/replication.js';
import { encodeTransfer } from '../../src/model/transfer.js';
import { CpuRecorder } from '../../src/model/cpu/recorder.js';
import type { ModelScenario } from '../../src/model/scenario.js';

type Patchable = Record<string, unknown>;
const proto = CpuRecorder.prototype as unknown as Patchable;
const recordUiActions = proto.recordUiActions as (...args: unknown[]) => void;
const addByClass = proto.addByClass as (...args: unknown[]) => void;
afterEach(() => {
  proto.recordUiActions = recordUiActions;
  proto.addByClass = addByClass;
});

/** The per-VM path the classes replace: recordUiActions without the kernel's stretch classes (its last two arguments). */
function perVm(this: CpuRecorder, ...args: unknown[]): void {
  recordUiActions.apply(this, args.slice(0, 10));
}

const TEXT = (policy: string, smt: boolean): string => `
name: ui-classes
seed: 3
duration: 6h
step: 5 min
startHour: 7
overcommit: { cpu: 4, memory: 1.5 }
hosts:
  - { name: h, count: 6, cpu: { cores: 16${smt ? ', threadsPerCore: 2, smtGainPct: 25' : ''} }, memory: { totalGiB: 256, reservedGiB: 8 } }
vms:
  - name: desk
    count: 60
    vcpus: 2
    memoryGiB: 4
    os: windows
    uiActionMs: 80
    workload:
      cpu: { utilPct: 35, burstMs: 10, vmCv: 0.6, noiseCv: 0.4 }
      memory: { activeGiB: 2, vmCv: 0.2, noiseCv: 0.1 }
  - name: srv
    count: fill
    vcpus: 4
    memoryGiB: 8
    workload:
      cpu: { utilPct: 25, burstMs: 10, vmCv: 0.5, noiseCv: 0.3 }
      memory: { activeGiB: 4, vmCv: 0.2, noiseCv: 0.1 }
scheduler: { policy: ${policy} }
cpuModel: { resolution: fleet, microWindows: 0 }
boots:
  maxPerHost: 4
  waves:
    - { kind: storm, groups: [desk], at: "08:00", spread: 20 min }
`;

async function load(policy: string, smt: boolean): Promise<ModelScenario> {
  const parsed = await parseScenarioText(TEXT(policy, smt), 'ui-classes.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

describe('UI action times by stretch class', () => {
  it.each([
    ['cfs', false],
    ['cfs', true],
    ['fifo', false],
    ['fifo', true],
  ] as const)('match the per-VM times on a contended %s fleet (SMT %s)', async (policy, smt) => {
    const s = await load(policy, smt);
    const placement = place(s);
    let classed = 0;
    proto.addByClass = function (this: CpuRecorder, ...args: unknown[]): void {
      classed++;
      addByClass.apply(this, args);
    };
    const fast = simulateReplication(s, placement, 0);
    proto.addByClass = addByClass;
    proto.recordUiActions = perVm;
    const reference = simulateReplication(s, placement, 0);
    expect(classed).toBeGreaterThan(20);
    const a = fast.cpu.uiActionMs;
    const b = reference.cpu.uiActionMs;
    expect(a.count).toBe(b.count);
    // One stretch per class against each VM's own (ready + run)/run: equal to 1e-12.
    expect(Math.abs(a.min - b.min)).toBeLessThanOrEqual(1e-12 * b.min);
    expect(Math.abs(a.max - b.max)).toBeLessThanOrEqual(1e-12 * b.max);
    expect(Array.from(a.counts)).toEqual(Array.from(b.counts));
    expect(Math.abs(a.sum - b.sum)).toBeLessThanOrEqual(1e-12 * b.sum);
    // The rest of the replication: the same bits.
    const strip = (r: typeof fast): string => JSON.stringify(encodeTransfer({ ...r, cpu: { ...r.cpu, uiActionMs: null } }));
    expect(strip(fast)).toBe(strip(reference));
  }, 60_000);
});
