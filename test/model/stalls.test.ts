// Main-loop stalls by source (src/model/latency/stalls.ts, paths.ts; docs/latency.md "Stalls by
// source"): a stall's delay on an advert, writeback flush durations, iothreads, and the CPU wait
// at the end of each blocking call (what a host daemon's CFS quota changes).
import { describe, expect, it } from 'vitest';
import { FixedStall, MainLoopStalls, bandwidthLeft, stallHold, writebackSeconds, type WakeDelay } from '../../src/model/latency/stalls.js';
import { HeartbeatTracker, masterDownSeconds } from '../../src/model/latency/vrrp.js';
import { arrayIops, hddIops } from '../../src/model/io/storage.js';
import { createStream } from '../../src/model/random/streams.js';
import { place } from '../../src/model/placement.js';
import { simulateReplication } from '../../src/model/replication.js';
import { loadScenarioFile } from '../../src/scenarios/load.js';
import { bundledScenario } from '../../src/cli/paths.js';
import type { ModelScenario } from '../../src/model/scenario.js';

describe('a stall on an otherwise idle path', () => {
  it('delays an advert that reaches the loop at its start by exactly its length D, on either side', () => {
    // Closed form: an advert reaching a loop blocked over [t, t + D) leaves at t + D. No wake-up
    // delay, no backlog: the stall is the whole delay.
    const hold = new Float64Array(2);
    for (const D of [0.05, 0.7, 2.5, 4]) {
      const stall = new FixedStall(10, 10 + D);
      expect(stallHold(10, 0, 0, stall, null, hold)).toBeCloseTo(D, 12);
      expect(hold[0]).toBeCloseTo(D, 12);
      // Receiver side: the advert reaches the receiver's loop after `toReceiver` = 0.
      expect(stallHold(10, 0, 0, null, stall, hold)).toBeCloseTo(D, 12);
      expect(hold[1]).toBeCloseTo(D, 12);
      // Outside the stall: nothing.
      expect(stallHold(10 + D, 0, 0, stall, stall, hold)).toBe(0);
    }
  });

  it('a one-second heartbeat flaps iff 1 s + D exceeds master-down (3.609 s at priority 100, RFC 3768)', () => {
    const mdi = masterDownSeconds(1, 100, 2);
    const flapsWith = (D: number): number => {
      const tracker = new HeartbeatTracker(mdi);
      const hold = new Float64Array(2);
      // The stall starts just as the advert at 5 s is sent: it and every advert inside wait for its end.
      const stall = new FixedStall(5, 5 + D);
      for (let t = 0; t < 30; t++) tracker.receive(t + stallHold(t, 0, 0, stall, null, hold));
      tracker.finish(30);
      return tracker.flaps;
    };
    // The gap is from the advert at 4 s to 5 + D: 1 + D.
    expect(flapsWith(mdi - 1 - 0.01)).toBe(0);
    expect(flapsWith(mdi - 1 + 0.01)).toBe(1);
    expect(flapsWith(10)).toBe(1);
  });
});

describe('writeback flushes', () => {
  it('last dirty data / write bandwidth left, the idle share floored at a CFQ fair share', () => {
    // 8 × 7.2k rpm disks in RAID 10: hddIops(7200) each, write penalty 2 (calibration.md §2).
    const array = { disks: 8, iopsPerDisk: hddIops(7200), raid: 'raid10' as const };
    const writeIops = arrayIops(array, 0);
    expect(writeIops).toBeCloseTo((8 * hddIops(7200)) / 2, 9);
    // 35 dirty 8 KiB writes (7 write IOPS × 5 s) on an array 40 % busy with 10 writers.
    const bytes = 35 * 8192;
    const bandwidth = bandwidthLeft(writeIops * 8192, 0.4, 10);
    expect(bandwidth).toBeCloseTo(writeIops * 8192 * 0.6, 6);
    expect(writebackSeconds(bytes, bandwidth)).toBeCloseTo(bytes / (writeIops * 8192 * 0.6), 12);
    // Saturated (u = 1) with 80 writers: a 1/80 share, never an infinite wait.
    expect(bandwidthLeft(writeIops * 8192, 1, 80)).toBeCloseTo((writeIops * 8192) / 80, 6);
    expect(writebackSeconds(bytes, bandwidthLeft(writeIops * 8192, 1, 80))).toBeCloseTo((35 * 80) / writeIops, 9);
    expect(writebackSeconds(0, 0)).toBe(0);
  });

  it('flushes of fixed length D at rate λ stall the loop λ·D of the time (M/D/1 utilisation)', () => {
    const steps = 200;
    const step = 600;
    const zero = new Float64Array(steps);
    const flushRate = new Float64Array(steps).fill(0.2);
    const flushSeconds = new Float64Array(steps).fill(0.5);
    const loop = new MainLoopStalls(createStream(3, 0, 'test', 'flushes'), step, zero, zero, { flushRate, flushSeconds });
    const share = loop.stalledSeconds(steps * step) / (steps * step);
    // 24,000 flushes: the share's relative standard error is about 1/√24000 ≈ 0.6 %.
    expect(Math.abs(share / 0.1 - 1)).toBeLessThan(0.03);
    expect(loop.flushes).toBe(loop.operations);
    expect(loop.longestStallSeconds(steps * step)).toBeGreaterThanOrEqual(0.5);
  });
});

describe('the CPU wait at the end of each blocking call', () => {
  it('shorter wake-up delays never lengthen a stall: stalled time and the longest stall fall monotonically (same arrivals)', () => {
    // Common random numbers: every operation draws the same uniforms whatever its durations, so
    // scaling the wake-up delay down (a quota on a competing daemon) can only shorten busy periods.
    const steps = 100;
    const rate = new Float64Array(steps).fill(2);
    const mean = new Float64Array(steps).fill(0.05);
    const run = (scale: number): { stalled: number; longest: number } => {
      const wake: WakeDelay = (_k, u) => scale * 0.2 * u;
      const loop = new MainLoopStalls(createStream(9, 0, 'vm:lb-1', 'main-loop-stalls'), 60, rate, mean, { wake });
      return { stalled: loop.stalledSeconds(steps * 60), longest: loop.longestStallSeconds(steps * 60) };
    };
    const results = [1, 0.5, 0.25, 0.1, 0].map(run);
    for (let i = 1; i < results.length; i++) {
      expect(results[i]!.stalled).toBeLessThan(results[i - 1]!.stalled);
      expect(results[i]!.longest).toBeLessThanOrEqual(results[i - 1]!.longest);
    }
    // Without a wake-up delay the stalled share is rate × mean device time = 0.1 (M/G/1).
    expect(Math.abs(results[4]!.stalled / (steps * 60) / 0.1 - 1)).toBeLessThan(0.05);
  });
});

describe('sources in a bundled run (libvirtd-bql, field report 003)', () => {
  const load = async (...sets: string[]): Promise<ModelScenario> => {
    const loaded = await loadScenarioFile(bundledScenario('libvirtd-bql'), { overrides: sets });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    return { ...loaded.value.scenario, replications: 1 };
  };
  const longest = (s: ModelScenario): { stall: number; held: number; stalledSeconds: number } => {
    const r = simulateReplication(s, place(s), 0).latency!.heartbeats[0]!;
    return { stall: r.longestStallSeconds, held: r.stalledAdverts, stalledSeconds: r.masterStallSeconds + r.backupStallSeconds };
  };

  it('the boot storm lengthens the stalls: its IO is charged to the device latency they wait for', async () => {
    // One hour around the 08:00 storm; 45 desktops per host power on either way and do no steady IO.
    // With boots of 20,000 IOs each (the Windows default, docs/io.md) the array is saturated for
    // ~25 min and its IOs take ~60 ms; with boots of 100 IOs it stays at the load balancers' ~15 ms.
    // Each blocking IO holds the loop for the interval's latency, so the stalled time grows: by the
    // closed loop (one IO in flight, X = 1/(Z + R)) from ~0.15 % to ~0.4 % of the storm's time.
    const window = ['startHour=7.5', 'duration=1h', 'vms.desk.count=90', 'vms.desk.workload.io.iops=0'];
    // Fewer micro-simulated windows: the CPU waits play no part here (the hosts have spare cores).
    const cheap = (s: ModelScenario): ModelScenario => ({ ...s, cpuModel: { ...s.cpuModel, microWindows: 0 }, latency: { ...s.latency!, heartbeatWindows: 2 } });
    const storm = longest(cheap(await load(...window)));
    const light = longest(cheap(await load(...window, 'vms.desk.boot.ios=100')));
    expect(storm.stalledSeconds).toBeGreaterThan(1.15 * light.stalledSeconds);
    expect(storm.stall).toBeGreaterThan(light.stall);
  }, 180_000);

  it('iothreads take every disk stall off the main loop: blocking IO, boot storm and writeback alike', async () => {
    const off = longest(await load('vms.lb.disk.cache=writeback'));
    expect(off.stalledSeconds).toBeGreaterThan(0);
    expect(off.held).toBeGreaterThan(0);
    const on = longest(await load('vms.lb.disk.cache=writeback', 'vms.lb.iothreads=1'));
    expect(on).toEqual({ stall: 0, held: 0, stalledSeconds: 0 });
  }, 60_000);
});
