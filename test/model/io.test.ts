/**
 * The storage model: RAID arithmetic (io/storage.ts), the device's queueing (io/device.ts) against
 * closed forms and against a discrete-event simulation of the array, and boot storms through the
 * whole replication (admission control, fluid progress, conservation of work).
 */
import { describe, expect, it } from 'vitest';
import { arrayIops, backendOpsPerIo, hddIops, RAID_WRITE_PENALTY } from '../../src/model/io/storage.js';
import { deviceState, mmcWaitSeconds, solveDevice, thinkForRate } from '../../src/model/io/device.js';
import { runMicro } from '../../src/model/cpu/micro.js';
import { fifoScheduler } from '../../src/model/cpu/scheduler.js';
import { EXPONENTIAL } from '../../src/model/random/distributions.js';
import { createStream } from '../../src/model/random/streams.js';
import { runStudy } from '../../src/model/run.js';
import { hostGroup, scenario, vmGroup } from './helpers.js';

describe('disk and RAID arithmetic (calibration.md §2)', () => {
  it('hard disk IOPS = 1000 / (seek + 30,000 / rpm)', () => {
    expect(hddIops(7200, 8.5)).toBeCloseTo(1000 / (8.5 + 30000 / 7200), 12); // 78.95
    expect(hddIops(10_000, 4.5)).toBeCloseTo(1000 / 7.5, 12); // 133.3, the VelociRaptor calculation
    expect(hddIops(15_000, 3.5)).toBeCloseTo(1000 / 5.5, 12); // 181.8, "180 typical"
    // The typical seeks by rpm land inside the published ranges 75–100, ~130, 175–210.
    expect(hddIops(7200)).toBeGreaterThan(75);
    expect(hddIops(15_000)).toBeGreaterThan(175);
  });

  it('write penalties: RAID 0 → 1, RAID 1 and 10 → 2, RAID 5 → 4, RAID 6 → 6', () => {
    expect(RAID_WRITE_PENALTY).toEqual({ raid0: 1, raid1: 2, raid10: 2, raid5: 4, raid6: 6 });
  });

  it('front-end IOPS = disks × IOPS / (r + (1 − r)·penalty)', () => {
    // 70/30 on RAID 5: 0.7 + 0.3 × 4 = 1.9 back-end operations per IO; 10 disks of 1000 → 5,263.2.
    expect(backendOpsPerIo('raid5', 0.7)).toBeCloseTo(1.9, 12);
    expect(arrayIops({ disks: 10, iopsPerDisk: 1000, raid: 'raid5' }, 0.7)).toBeCloseTo(10_000 / 1.9, 9);
    // All reads: every level serves disks × IOPS; all writes: divided by the penalty.
    for (const raid of ['raid0', 'raid1', 'raid10', 'raid5', 'raid6'] as const) {
      expect(arrayIops({ disks: 8, iopsPerDisk: 100, raid }, 1)).toBeCloseTo(800, 9);
      expect(arrayIops({ disks: 8, iopsPerDisk: 100, raid }, 0)).toBeCloseTo(800 / RAID_WRITE_PENALTY[raid], 9);
    }
  });
});

/**
 * A discrete-event simulation of the array: c disks are the servers, every IO in flight is a
 * thread alternating think time (exponential, mean Z) and service (exponential, mean S) served
 * first come first served — the micro CPU engine with FIFO scheduling is exactly that.
 */
function simulateArray(servers: number, s: number, classes: { k: number; z: number }[], seconds = 400, replications = 4): { iops: number[]; utilization: number } {
  const threads = classes.reduce((n, c) => n + c.k, 0);
  const classOf: number[] = [];
  classes.forEach((c, i) => {
    for (let j = 0; j < c.k; j++) classOf.push(i);
  });
  const iops = classes.map(() => 0);
  let busy = 0;
  for (let r = 0; r < replications; r++) {
    const res = runMicro({
      pcpus: servers,
      scheduler: fifoScheduler(),
      threads,
      burstMeanSeconds: new Float64Array(threads).fill(s),
      burstDistribution: new Uint8Array(threads).fill(EXPONENTIAL),
      burstCv: new Float64Array(threads).fill(1),
      gapDistribution: new Uint8Array(threads).fill(EXPONENTIAL),
      gapCv: new Float64Array(threads).fill(1),
      rngs: classOf.map((_, t) => createStream(5, r, `slot-${t}`, 'io')),
      utilization: Float64Array.from(classOf, (i) => s / (s + classes[i]!.z)),
      steps: 1,
      stepSeconds: seconds,
      sampleSeconds: seconds,
      warmupSeconds: 20,
    });
    classOf.forEach((i, t) => (iops[i]! += res.runSeconds[t]! / s / (seconds * replications)));
    busy += res.busyCpuSeconds / (servers * seconds * replications);
  }
  return { iops, utilization: busy };
}

describe('the device under load', () => {
  // 8 × 7,200 rpm disks in RAID 10 at 95 % reads: S = 1.05 / 78.95 s per front-end IO.
  const S = 1.05 / hddIops(7200);
  const steadyZ = thinkForRate(1, 8, S); // one IO in flight at 8 IOPS per VM

  it("one kind of load is M/M/c//K exactly: at saturation the latency is K / C (Little's law)", () => {
    // 100 boot IOs in flight, no think time, 8 disks: all 8 always busy, latency = K·S/c.
    const state = solveDevice({ servers: 8, serviceSeconds: S, steady: { outstanding: 0, thinkSeconds: 0 }, boot: { outstanding: 100, thinkSeconds: 0 } }, deviceState());
    expect(state.utilization).toBeCloseTo(1, 12);
    expect(state.bootIops).toBeCloseTo(8 / S, 9);
    expect(state.latencySeconds).toBeCloseTo((100 * S) / 8, 9);
  });

  it('many light VMs approach the open M/M/c queue: latency = S + Erlang C wait, at several utilisations', () => {
    // 20,000 VMs each with one IO in flight and a long think time behave almost as Poisson
    // arrivals (a finite source slows its arrivals by the share of VMs waiting, < 0.3 % here).
    for (const perVmIops of [0.01, 0.02, 0.026, 0.028]) {
      const state = solveDevice(
        { servers: 8, serviceSeconds: S, steady: { outstanding: 20_000, thinkSeconds: thinkForRate(20_000, 20_000 * perVmIops, S) }, boot: { outstanding: 0, thinkSeconds: 0 } },
        deviceState(),
      );
      const open = S + mmcWaitSeconds(8, S, state.steadyIops);
      expect(state.latencySeconds / open - 1, `at ${(state.utilization * 100).toFixed(0)} % busy`).toBeLessThan(0.02);
      expect(state.latencySeconds / open - 1).toBeGreaterThan(-0.02);
    }
  });

  it.each([
    ['steady only: 36 VMs at 8 IOPS', 36, 0],
    ['boots only: 6 boots × 2 IOs in flight', 0, 12],
    ['storm in progress: 30 VMs up, 6 booting', 30, 12],
    ['heavy storm: 20 up, 20 booting', 20, 40],
    ['tail of a storm: 36 up, 2 booting', 36, 4],
  ])('%s: each kind’s throughput within 2 % of a discrete-event simulation of the array', (_label, steadyVms, bootSlots) => {
    const bootZ = 0.002;
    const state = solveDevice({ servers: 8, serviceSeconds: S, steady: { outstanding: steadyVms, thinkSeconds: steadyZ }, boot: { outstanding: bootSlots, thinkSeconds: bootZ } }, deviceState());
    const classes = [
      { k: steadyVms, z: steadyZ },
      { k: bootSlots, z: bootZ },
    ].filter((c) => c.k > 0);
    const sim = simulateArray(8, S, classes);
    let i = 0;
    if (steadyVms > 0) expect(Math.abs(state.steadyIops / sim.iops[i++]! - 1)).toBeLessThan(0.02);
    if (bootSlots > 0) expect(Math.abs(state.bootIops / sim.iops[i]! - 1)).toBeLessThan(0.02);
    expect(Math.abs(state.utilization - sim.utilization)).toBeLessThan(0.02);
  });
});

describe('boot storms through the whole model', () => {
  // One host, 20 Linux VMs of 2 GiB (no memory pressure), booting all at once at t = 60 s; each
  // boot reads 4,000 IOs. Local array: 2 disks of 100 IOPS in RAID 1 at 100 % reads → C = 200 IOPS
  // (the steady IO is off so the boots have the device alone).
  function storm(maxPerHost: number | null) {
    const host = { ...hostGroup('h', 1, 16, 128), storage: { kind: 'local' as const, array: { disks: 2, iopsPerDisk: 100, raid: 'raid1' as const } } };
    const vms = vmGroup('v', 20, 1, 2);
    vms.boot = { ios: 4000, readPct: 100, outstanding: 2, thinkMs: 0, cpuSeconds: 1, logonIops: 0, logonReadPct: 0, logonSeconds: 0 };
    vms.workload.memory.activeGiB = 1;
    vms.workload.memory.idleActiveGiB = 1;
    const s = scenario({ hosts: [host], vms: [vms], overcommit: { cpu: 4, memory: 1 } });
    s.durationSeconds = 4 * 3600;
    s.stepSeconds = 60;
    s.boots = { waves: [{ kind: 'storm', atSeconds: 60, spreadSeconds: 0, groups: ['v'] }], maxPerHost, maxPerDatastore: null };
    s.cpuModel = { ...s.cpuModel, resolution: 'fleet', microWindows: 0 };
    return runStudy(s);
  }

  const unlimited = storm(null);
  const limited = storm(4);
  // Total work: 20 × 4,000 = 80,000 IOs at C = 200 IOPS: the device needs 400 s at the least.
  const DEVICE_SECONDS = (20 * 4000) / 200;

  it('every boot finishes, whatever the limit', () => {
    expect(unlimited.boot.count).toBe(20);
    expect(limited.boot.count).toBe(20);
    expect(unlimited.boot.unfinished).toBe(0);
    expect(limited.boot.unfinished).toBe(0);
  });

  it("the storm's total work is conserved: it lasts at least total IOs / capacity, and with no think time that is exact", () => {
    // With the device saturated throughout (40 or 8 IOs in flight, no think time, 2 disks), the
    // storm takes exactly 400 s either way: a limit reorders the work, it cannot shrink it.
    expect(unlimited.boot.stormMinutes!.mean * 60).toBeCloseTo(DEVICE_SECONDS, 0);
    expect(limited.boot.stormMinutes!.mean * 60).toBeCloseTo(DEVICE_SECONDS, 0);
  });

  it('a limit lowers the per-boot time (admission to up) but not the storm below what the device allows', () => {
    // Unlimited: all 20 share the device to the end, each boot takes the whole 400 s.
    expect(unlimited.boot.seconds.p50).toBeCloseTo(DEVICE_SECONDS, -1);
    // Limit 4: each boot gets a quarter of 200 IOPS → 4,000 / 50 = 80 s, the rest wait their turn.
    expect(limited.boot.seconds.p95).toBeLessThan(0.3 * unlimited.boot.seconds.p95);
    expect(limited.boot.seconds.p50).toBeCloseTo(80, -1);
    expect(limited.boot.queuedSeconds.max).toBeGreaterThan(250);
  });

  it("boot IOs wait K / C at saturation (Little's law): 40 in flight → 0.2 s, 8 → 0.04 s", () => {
    expect(unlimited.boot.ioLatencyMs.p50).toBeCloseTo((40 / 200) * 1000, -1);
    expect(limited.boot.ioLatencyMs.p50).toBeCloseTo((8 / 200) * 1000, 0);
  });
});
