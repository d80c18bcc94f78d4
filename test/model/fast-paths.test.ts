/**
 * The shortcuts of the step loop change no result: a replication computed with them gives the
 * same encoded bytes as one computed with each shortcut turned off (its condition forced false).
 *
 * - IoSystem.setSteadyLoads skips its per-VM pass when no VM changed state, no boot finished and
 *   no VM was logging on at the last pass (src/model/io/io-system.ts); CpuModel.open keeps its
 *   weights and counts and adjusts only booting and overhead slots' demand when no VM changed
 *   state (src/model/cpu/cpu-model.ts). Both ask a StateSnapshot (src/model/state-snapshot.ts,
 *   matches), which this test forces false.
 * - MemoryModel.assignSwap skips its passes while a host had and has nothing of any working set
 *   in swap (src/model/memory/host-memory.ts, swapSettled).
 * - MemoryModel.step skips stepGuests for a host where no VM runs and ksmd holds nothing
 *   mergeable (host-memory.ts, guestsIdle): here the minutes before the first storm's boots.
 *
 * The scenarios make every shortcut's invalidation happen: a boot storm with logons, OOM kills
 * with restarts (states change back and forth), balloons, and working sets pushed into swap. The
 * test also checks that the run did reach those states, so that the comparison means something.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src/scenarios/load.js';
import { place } from '../../src/model/placement.js';
import { simulateReplication, type ReplicationResult } from '../../src/model/replication.js';
import { encodeTransfer } from '../../src/model/transfer.js';
import { StateSnapshot } from '../../src/model/state-snapshot.js';
import { MemoryModel } from '../../src/model/memory/host-memory.js';
import { CpuModel } from '../../src/model/cpu/cpu-model.js';
import type { ModelScenario } from '../../src/model/scenario.js';

// Windows desktops (Windows boots have a logon phase) and Linux servers on hosts with swap that
// their working sets overflow; restarts after kills; a second storm later in the run.
const TEXT = (balloon: boolean): string => `
name: fast-paths
seed: 11
duration: 3h
step: 1 min
startHour: 7
overcommit: { cpu: 4, memory: 1.9 }
hosts:
  - { name: h, count: 3, cpu: { cores: 16 }, memory: { totalGiB: 64, reservedGiB: 4, swapGiB: 24, swapMBps: 400 } }
vms:
  - name: desk
    count: 20
    vcpus: 2
    memoryGiB: 4
    os: windows
    hostOverheadPct: 5
    workload:
      cpu: { utilPct: 10, burstMs: 10 }
      memory: { activeGiB: 3.5, idleActiveGiB: 3, cacheGiBPerHour: 0.5, vmCv: 0.3, noiseCv: 0.1 }
      io: { iops: 10 }
  - name: srv
    count: fill
    vcpus: 2
    memoryGiB: 4
    os: linux
    workload:
      cpu: { utilPct: 10, burstMs: 10 }
      memory: { activeGiB: 3.5, idleActiveGiB: 2.5, cacheGiBPerHour: 1, vmCv: 0.3, noiseCv: 0.1 }
      io: { iops: 5 }
ksm: { enabled: true, tuned: true }
balloon: { enabled: ${balloon}, maxPct: 5 }
oom: { restartAfter: 10 min }
boots:
  maxPerHost: 3
  waves:
    - { kind: storm, at: "07:10", spread: 10 min }
    - { kind: storm, at: "08:30", spread: 5 min }
`;

/** The scenario as a memory-only replication (risk.ts's, which runs no CPU model), or with every model at fleet resolution. */
async function load(balloon: boolean, models: 'memory' | 'all' = 'memory'): Promise<ModelScenario> {
  const text = models === 'all' ? `${TEXT(balloon)}cpuModel: { resolution: fleet, microWindows: 0 }\n` : TEXT(balloon);
  const parsed = await parseScenarioText(text, 'fast-paths.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return models === 'all' ? parsed.value : { ...parsed.value, memoryFocus: { workingSetShift: 0 } };
}

type Patchable = Record<string, unknown>;
const snapshotProto = StateSnapshot.prototype as unknown as Patchable;
const memoryProto = MemoryModel.prototype as unknown as Patchable;
const matches = snapshotProto.matches;
const swapSettled = memoryProto.swapSettled;
const guestsIdle = memoryProto.guestsIdle;
const cpuProto = CpuModel.prototype as unknown as Patchable;
const adjustDemand = cpuProto.adjustDemand;

afterEach(() => {
  snapshotProto.matches = matches;
  memoryProto.swapSettled = swapSettled;
  memoryProto.guestsIdle = guestsIdle;
  cpuProto.adjustDemand = adjustDemand;
});

function encoded(s: ModelScenario, replication: number): { json: string; result: ReplicationResult } {
  const result = simulateReplication(s, place(s), replication);
  return { json: JSON.stringify(encodeTransfer(result)), result };
}

describe('step-loop shortcuts', () => {
  it.each([false, true])('change no byte of a replication (balloons %s)', async (balloon) => {
    const s = await load(balloon);
    for (const replication of [0, 1]) {
      // With the shortcuts, counting how often each one is taken.
      let unchangedStates = 0;
      let settledSwap = 0;
      let idleGuests = 0;
      snapshotProto.matches = function (this: unknown, vmState: Uint8Array): boolean {
        const same = (matches as (v: Uint8Array) => boolean).call(this, vmState);
        if (same) unchangedStates++;
        return same;
      };
      memoryProto.swapSettled = function (this: unknown, h: number, share: number): boolean {
        const settled = (swapSettled as (h: number, share: number) => boolean).call(this, h, share);
        if (settled) settledSwap++;
        return settled;
      };
      memoryProto.guestsIdle = function (this: unknown, h: number): boolean {
        const idle = (guestsIdle as (h: number) => boolean).call(this, h);
        if (idle) idleGuests++;
        return idle;
      };
      const fast = encoded(s, replication);
      // Without them.
      snapshotProto.matches = () => false;
      memoryProto.swapSettled = () => false;
      memoryProto.guestsIdle = () => false;
      const slow = encoded(s, replication);
      snapshotProto.matches = matches;
      memoryProto.swapSettled = swapSettled;
      memoryProto.guestsIdle = guestsIdle;

      expect(fast.json).toBe(slow.json);
      // The run went through what invalidates the shortcuts, and took them in between.
      const m = fast.result.memory;
      const io = fast.result.io;
      if (!balloon) {
        // (Balloons give the memory back before it comes to that.)
        expect(m.kills.length).toBeGreaterThan(0);
        expect(Math.max(...m.vmSlowdownMax)).toBeGreaterThan(1); // working sets in swap
      }
      expect(Math.max(...m.hostSwapPeakGiB)).toBeGreaterThan(0);
      expect(io.phases[5]).toBeGreaterThan(0); // VM-seconds logging on
      expect(io.boots).toBeGreaterThan(20);
      expect(unchangedStates).toBeGreaterThan(0);
      expect(settledSwap).toBeGreaterThan(0);
      expect(idleGuests).toBeGreaterThan(0);
    }
  });

  it('change no byte of a replication with the CPU model at fleet resolution', async () => {
    // Booting desktops (their demand is their boot's CPU work) with QEMU overhead (hostOverheadPct),
    // kills and restarts: every kind of slot CpuModel.open adjusts while states stand.
    const s = await load(false, 'all');
    for (const replication of [0, 1]) {
      let adjusted = 0;
      cpuProto.adjustDemand = function (this: unknown, now: number): void {
        adjusted++;
        (adjustDemand as (now: number) => void).call(this, now);
      };
      const fast = encoded(s, replication);
      snapshotProto.matches = () => false;
      const slow = encoded(s, replication);
      snapshotProto.matches = matches;
      cpuProto.adjustDemand = adjustDemand;
      expect(fast.json).toBe(slow.json);
      expect(adjusted).toBeGreaterThan(30);
      expect(fast.result.io.boots).toBeGreaterThan(20);
      expect(fast.result.memory.kills.length).toBeGreaterThan(0);
    }
  });
});
