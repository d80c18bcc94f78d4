// Latency paths (src/model/latency/): VRRP arithmetic, the heartbeat tracker, the network path's
// capacity, host-thread CPU conservation, and the direction of the bundled scenarios' effects.
import { describe, expect, it } from 'vitest';
import { HeartbeatTracker, masterDownSeconds } from '../../src/model/latency/vrrp.js';
import { GUEST, NIC, NONE, QEMU, VHOST, shareNic, vmPacketRate } from '../../src/model/latency/network.js';
import { poissonInterval } from '../../src/model/latency/summary.js';
import { LATENCY_DEFAULTS } from '../../src/model/latency/spec.js';
import { FixedStall, MainLoopStalls, mainLoopOnPath, stallHold, type StallSource } from '../../src/model/latency/stalls.js';
import { createStream } from '../../src/model/random/streams.js';
import { runStudy } from '../../src/model/run.js';
import { loadScenarioFile } from '../../src/scenarios/load.js';
import { bundledScenario } from '../../src/cli/paths.js';
import type { ModelScenario } from '../../src/model/scenario.js';
import { hostGroup, scenario, vmGroup } from './helpers.js';

describe('VRRP master-down interval', () => {
  // calibration.md §5: MDI = 3·Adver_Int + (256 − P)/256 s (v2); the table's values at A = 1 s.
  it.each([
    [50, 3.805],
    [90, 3.648],
    [100, 3.609],
    [150, 3.414],
    [200, 3.219],
    [254, 3.008],
  ])('priority %i at 1 s: %f s', (priority, expected) => {
    expect(masterDownSeconds(1, priority, 2)).toBeCloseTo(expected, 3);
    // Exactly the rational value (no rounding inside): 3 + (256 − P)/256.
    expect(masterDownSeconds(1, priority, 2)).toBe(3 + (256 - priority) / 256);
  });

  it('VRRPv3 scales the skew with the interval; v2 does not', () => {
    // RFC 5798: Skew = (256 − P)·MAI/256; at A = 2 s, P = 100: 6 + 2·156/256 = 7.21875 s.
    expect(masterDownSeconds(2, 100, 3)).toBe(7.21875);
    // RFC 3768: Skew = (256 − P)/256 whatever the interval: 6 + 0.609375.
    expect(masterDownSeconds(2, 100, 2)).toBe(6.609375);
    expect(() => masterDownSeconds(1, 0, 2)).toThrow(RangeError);
  });
});

describe('heartbeat tracker', () => {
  const mdi = masterDownSeconds(1, 100, 2);

  it('a constant delay never fails over, whatever its size', () => {
    for (const delay of [0, 0.05, 2.9, 30]) {
      const t = new HeartbeatTracker(mdi);
      for (let i = 0; i < 86_400; i++) t.receive(i + delay);
      t.finish(86_400 + delay);
      expect(t.failovers).toBe(0);
      expect(t.flaps).toBe(0);
    }
  });

  it('a single delay longer than the master-down interval always fails over, once, as a flap', () => {
    // FIFO: the delayed advert holds back the ones behind it, so the gap is A + D > MDI.
    for (const priority of [50, 100, 254]) {
      const down = masterDownSeconds(1, priority, 2);
      for (const extra of [1e-6, 0.5, 10]) {
        const t = new HeartbeatTracker(down);
        for (let i = 0; i < 100; i++) t.receive(i + (i === 50 ? down + extra : 0));
        t.finish(100);
        expect(t.failovers).toBe(1);
        expect(t.flaps).toBe(1);
      }
    }
  });

  it('a gap just within the master-down interval does not fail over; three lost adverts do', () => {
    const t = new HeartbeatTracker(mdi);
    t.receive(0);
    t.receive(mdi); // gap exactly MDI: the timer has not expired
    expect(t.failovers).toBe(0);
    t.receive(mdi + 4); // adverts at +1, +2, +3 lost: gap 4 s > 3.609 s
    expect(t.failovers).toBe(1);
  });

  it('a failover while the master was off is not a flap', () => {
    const t = new HeartbeatTracker(mdi);
    t.receive(0);
    t.masterOff();
    t.receive(100);
    expect(t.failovers).toBe(1);
    expect(t.flaps).toBe(0);
  });
});

describe('network path capacity', () => {
  const guest = LATENCY_DEFAULTS.costs.guestPacketMicros * 1e-6;
  const vhost = LATENCY_DEFAULTS.costs.vhostPacketMicros * 1e-6;
  const qemu = LATENCY_DEFAULTS.costs.qemuPacketMicros * 1e-6;
  // Per-segment capacity only: no exits and no slice, so no notification wait however small f is
  // (that term has its own tests in netpath.test.ts).
  const costs = { guest, vhost, qemu, notify: 0, slice: 0 };
  const ring = 256;
  const out = new Float64Array(2);

  it('scales with queues until another component saturates', () => {
    // 16 vCPUs, idle host (f = 1): each queue's vCPU carries 1 / 10 µs = 100k packets/s.
    for (let q = 1; q <= 8; q++) {
      vmPacketRate(5e6, q, 16, true, 1, 1, 0, ring, costs, out);
      expect(out[0]).toBeCloseTo(q * 100_000, 6);
      expect(out[1]).toBe(GUEST);
    }
    // Queues beyond the vCPUs add nothing: 4 vCPUs cap at 4 × 100k.
    vmPacketRate(5e6, 8, 4, true, 1, 1, 0, ring, costs, out);
    expect(out[0]).toBeCloseTo(400_000, 6);
    // vhost workers that get 10 % of a CPU: q · 0.1 / 2 µs = q · 50k < q · 100k: vhost binds.
    vmPacketRate(5e6, 4, 16, true, 1, 0.1, 0, ring, costs, out);
    expect(out[0]).toBeCloseTo(200_000, 6);
    expect(out[1]).toBe(VHOST);
    // Without vhost every queue goes through the one QEMU main loop: 1 / 10 µs however many queues.
    for (const q of [1, 2, 8]) {
      vmPacketRate(5e6, q, 16, false, 1, 1, 0, ring, costs, out);
      expect(out[0]).toBeCloseTo(Math.min(q * 100_000, 100_000), 6);
    }
    // ... less its disk emulation: 0.4 cores of disk leave 0.6 / 10 µs = 60k packets/s.
    vmPacketRate(5e6, 8, 16, false, 1, 1, 0.4, ring, costs, out);
    expect(out[0]).toBeCloseTo(60_000, 6);
    expect(out[1]).toBe(QEMU);
    // Demand below every capacity: achieved = demand, no bottleneck.
    vmPacketRate(50_000, 1, 2, false, 1, 1, 0, ring, costs, out);
    expect(out[0]).toBe(50_000);
    expect(out[1]).toBe(NONE);
  });

  it('the NIC is shared max-min fairly and caps the host', () => {
    const gbps = Float64Array.of(9.6, 1, 0.5);
    const bn = new Uint8Array(3);
    const total = shareNic(gbps, bn, 0, 3, 10, new Int32Array(3));
    expect(total).toBe(10);
    expect([...gbps]).toEqual([8.5, 1, 0.5]);
    expect([...bn]).toEqual([NIC, NONE, NONE]);
  });
});

describe('rate intervals', () => {
  it('Garwood interval: 0 events gives [0, 3.689]; 10 events [4.795, 18.39]', () => {
    const [l0, u0] = poissonInterval(0);
    expect(l0).toBe(0);
    expect(u0).toBeCloseTo(-Math.log(0.025), 6);
    // Standard table values (e.g. Garwood 1936 / chi-square quantiles /2 at 20 and 22 df).
    const [l, u] = poissonInterval(10);
    expect(l).toBeCloseTo(4.7954, 3);
    expect(u).toBeCloseTo(18.3904, 3);
  });
});

describe('host-thread CPU is charged exactly once', () => {
  it('on an uncontended host, each kind is its closed-form demand and the host load is their sum', () => {
    // One 16-core host; VMs with no CPU of their own, so the host's load is device work only.
    const net = vmGroup('net', 2, 2, 2);
    net.workload.cpu.utilPct = 0;
    net.workload.io = { iops: 1000, readPct: 70 };
    net.network = { gbps: 0.12, packetBytes: 1500, vhostNet: false, queues: 1, offloads: false, segmentBytes: null, connections: null, pinned: false }; // 10,000 packets/s
    const fast = vmGroup('fast', 1, 4, 2);
    fast.workload.cpu.utilPct = 0;
    fast.workload.io = { iops: 2000, readPct: 70 };
    fast.iothreads = 2;
    fast.network = { gbps: 0.24, packetBytes: 1500, vhostNet: true, queues: 2, offloads: false, segmentBytes: null, connections: null, pinned: false }; // 20,000 packets/s
    const s: ModelScenario = {
      ...scenario({ hosts: [hostGroup('h', 1, 16, 64)], vms: [net, fast] }),
      cpuModel: { resolution: 'fleet', microBudgetBursts: 0, microWindows: 0, microWindowSeconds: 1 },
      latency: {
        hostThreads: { costs: { ...LATENCY_DEFAULTS.costs }, nicGbps: 10, daemons: [{ name: 'libvirtd', cpuPct: 50, quotaPct: 10 }] },
        heartbeats: [],
        heartbeatWindows: 0,
      },
    };
    const study = runStudy(s);
    const c = LATENCY_DEFAULTS.costs;
    // Cores, from the costs: QEMU = 2 VMs × (1000 IOPS × 20 µs + 10k pps × 10 µs) = 0.24;
    // vhost = 20k pps × 2 µs = 0.04; iothreads = 2000 × 5 µs = 0.01; daemons = quota 10 % = 0.1.
    const qemu = 2 * (1000 * c.qemuIoMicros + 10_000 * c.qemuPacketMicros) * 1e-6;
    const vhost = 20_000 * c.vhostPacketMicros * 1e-6;
    const iothread = 2000 * c.iothreadIoMicros * 1e-6;
    const daemons = 0.1;
    const t = study.latency.hostThreads.coresPerHost;
    expect(t.qemu).toBeCloseTo(qemu, 9);
    expect(t.vhost).toBeCloseTo(vhost, 9);
    expect(t.iothread).toBeCloseTo(iothread, 9);
    expect(t.daemons).toBeCloseTo(daemons, 9);
    expect(t.ksmd).toBe(0);
    // Guest softirq is the VMs' own CPU: (2 × 10k + 20k) pps × 10 µs = 0.4 cores. The host's load is the sum,
    // each part once: nothing double-counted, nothing lost.
    const guest = 40_000 * c.guestPacketMicros * 1e-6;
    expect((study.cpu.hostUtilPct.mean / 100) * 16).toBeCloseTo(qemu + vhost + iothread + daemons + guest, 9);
    expect(study.latency.hostThreads.cpuPct.qemu).toBeCloseTo((100 * qemu) / 16, 9);
    expect(study.latency.network.vms.map((v) => v.bottleneck)).toEqual(['none', 'none', 'none']);
  });
});

describe('bundled scenarios: the direction of the effects', () => {
  const load = async (name: string, edit: (s: ModelScenario) => void): Promise<ModelScenario> => {
    const loaded = await loadScenarioFile(bundledScenario(name));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const s = structuredClone(loaded.value.scenario);
    edit(s);
    return s;
  };

  it('keepalived-vhost: vhost_net on loses fewer adverts and flaps no more than off', async () => {
    // Lost adverts are rare events (tens in 8 simulated days), so 8 replications.
    const off = runStudy(await load('keepalived-vhost', (s) => (s.replications = 8)));
    const on = runStudy(
      await load('keepalived-vhost', (s) => {
        s.replications = 8;
        for (const g of s.vms) if (g.network) g.network.vhostNet = true;
      }),
    );
    const [hbOff] = off.latency.heartbeats;
    const [hbOn] = on.latency.heartbeats;
    expect(hbOff!.masterDownMs).toBeCloseTo(3609.375, 6);
    // Off: the busy VMs' QEMU main loops saturate (a whole core each at the peak).
    expect(off.latency.hostThreads.maxThreadPct.qemu).toBeGreaterThan(99);
    // On: no QEMU packet work; what is left is the disk emulation of the VMs' IO (20 µs per IO).
    expect(on.latency.hostThreads.cpuPct.qemu).toBeLessThan(0.05);
    expect(hbOff!.lost).toBeGreaterThan(2 * hbOn!.lost);
    expect(hbOff!.flapsPerDay).toBeGreaterThanOrEqual(hbOn!.flapsPerDay);
    expect(hbOff!.delayMs.p99).toBeGreaterThan(hbOn!.delayMs.p99);
  }, 120_000);

  it('multiqueue: 8 queues beat 1; 2× beats 16× overcommit', async () => {
    const run = async (cpu: number, queues: number): Promise<number> => {
      const s = await load('multiqueue', (x) => {
        x.replications = 2;
        x.overcommit.cpu = cpu;
        x.vms.find((g) => g.name === 'nginx')!.network!.queues = queues;
      });
      return runStudy(s).latency.network.vms.find((v) => v.name === 'nginx-1')!.achievedGbps;
    };
    const one2 = await run(2, 1);
    const eight2 = await run(2, 8);
    const one16 = await run(16, 1);
    // One queue: one vCPU's softirq, 100k segments/s; 1,000 connections sharing 10 Gbit/s get
    // TSO-autosized segments of 2 MSS = 2 × 1448 B, so 100k × 2896 B × 8 = 2.317 Gbit/s.
    expect(one2).toBeCloseTo(2.317, 2);
    // Eight queues would carry 8 × 2.317 Gbit/s: the NIC binds at 10 Gbit/s less the ~1 Gbit/s
    // of the tomcat VM on the same host.
    expect(eight2).toBeGreaterThan(3 * one2);
    expect(eight2).toBeGreaterThan(8.9);
    // At 16× the queue's vCPU is contended: less than one uncontended vCPU's 2.317 Gbit/s. (With
    // 8 queues both fill the link.)
    expect(one16).toBeLessThan(one2);
  }, 120_000);
});

describe('main-loop stalls under the BQL', () => {
  const mdi = masterDownSeconds(1, 100, 2);
  /** Adverts every second for `n` s through the path; returns the tracker. */
  const run = (n: number, sender: StallSource | null, receiver: StallSource | null): HeartbeatTracker => {
    const tracker = new HeartbeatTracker(mdi);
    const hold = new Float64Array(2);
    for (let i = 0; i < n; i++) {
      const delay = 0.001 + stallHold(i, 0.0002, 0.0005, sender, receiver, hold);
      tracker.receive(i + delay);
    }
    tracker.finish(n);
    return tracker;
  };

  it('a sender-side stall longer than master-down − interval fails over once, as a flap, with vhost_net off; never with it on', () => {
    // The stall starts just before the advert at 5 s and lasts 2.7 s > 3.609 − 1: adverts 5, 6, 7
    // wait for its end (7.69 s), so the backup hears nothing from 4.001 s to 7.69 s: 3.69 s > MDI.
    const stall = new FixedStall(4.99, 4.99 + 2.7);
    expect(2.7).toBeGreaterThan(mdi - 1);
    const off = run(20, mainLoopOnPath(false, stall), null);
    expect(off.failovers).toBe(1);
    expect(off.flaps).toBe(1);
    // The same stall on the receiver's loop does the same.
    expect(run(20, null, mainLoopOnPath(false, stall)).flaps).toBe(1);
    // vhost_net: the packets bypass both main loops.
    const on = run(20, mainLoopOnPath(true, stall), mainLoopOnPath(true, stall));
    expect(on.failovers).toBe(0);
    expect(on.flaps).toBe(0);
    // A stall shorter than master-down − interval cannot open a gap beyond MDI wherever it starts.
    for (let start = 4; start < 5; start += 0.05) expect(run(20, new FixedStall(start, start + mdi - 1 - 0.01), null).failovers).toBe(0);
  });

  it('consecutive adverts see the same stall (correlation): all are released at its end', () => {
    const stall = new FixedStall(2.5, 6.2);
    const hold = new Float64Array(2);
    const released = [3, 4, 5, 6].map((t) => t + stallHold(t, 0, 0, stall, null, hold));
    expect(released).toEqual([6.2, 6.2, 6.2, 6.2]);
  });

  it('stall share is rate × mean duration (M/G/1 utilisation), per interval', () => {
    // 2 blocking ops/s of 50 ms in the first half, 1/s of 200 ms in the second: shares 0.1 and 0.2.
    const steps = 400;
    const step = 500;
    const rate = Float64Array.from({ length: steps }, (_, k) => (k < steps / 2 ? 2 : 1));
    const mean = Float64Array.from({ length: steps }, (_, k) => (k < steps / 2 ? 0.05 : 0.2));
    const loops = new MainLoopStalls(createStream(7, 0, 'test', 'stalls'), step, rate, mean);
    const half = (steps / 2) * step;
    const first = loops.stalledSeconds(half) / half;
    const second = (loops.stalledSeconds(2 * half) - first * half) / half;
    // Sampling error: ~2e5 operations per half, relative standard error well under 1 %.
    expect(first).toBeCloseTo(0.1, 2);
    expect(Math.abs(second / 0.2 - 1)).toBeLessThan(0.03);
    expect(Math.abs(first / 0.1 - 1)).toBeLessThan(0.03);
    // Zero rate: never stalls.
    const idle = new MainLoopStalls(createStream(7, 0, 'test', 'idle'), step, new Float64Array(steps), mean);
    expect(idle.stalledSeconds(steps * step)).toBe(0);
    expect(idle.release(1234)).toBe(1234);
  });

  it('is deterministic: the same seed gives identical stalls', () => {
    const rate = new Float64Array(100).fill(3);
    const mean = new Float64Array(100).fill(0.1);
    const a = new MainLoopStalls(createStream(1, 2, 'vm:lb-1', 'main-loop-stalls'), 60, rate, mean);
    const b = new MainLoopStalls(createStream(1, 2, 'vm:lb-1', 'main-loop-stalls'), 60, rate, mean);
    for (let t = 0; t < 6000; t += 0.37) expect(a.release(t)).toBe(b.release(t));
    expect(a.stalledSeconds(6000)).toBe(b.stalledSeconds(6000));
    expect(a.operations).toBeGreaterThan(10_000);
  });

  it('in a run: a VM without an iothread stalls for its IO; with an iothread it does not; same seed, same result', () => {
    const build = (iothreads: number): ModelScenario => {
      const lb = vmGroup('lb', 2, 2, 2);
      lb.workload.io = { iops: 50, readPct: 30 };
      lb.network = { gbps: 0.01, packetBytes: 600, vhostNet: false, queues: 1, offloads: true, segmentBytes: null, connections: null, pinned: false };
      if (iothreads > 0) lb.iothreads = iothreads;
      return {
        ...scenario({ hosts: [hostGroup('h', 2, 8, 64)], vms: [lb] }),
        placement: 'spread',
        cpuModel: { resolution: 'fleet', microBudgetBursts: 0, microWindows: 0, microWindowSeconds: 1 },
        latency: {
          hostThreads: { costs: { ...LATENCY_DEFAULTS.costs }, nicGbps: 10, daemons: [] },
          heartbeats: [{ name: 'vip', master: 'lb-1', backup: 'lb-2', intervalSeconds: 1, priority: 100, version: 2 }],
          heartbeatWindows: 2,
        },
      };
    };
    const plain = runStudy(build(0)).latency.heartbeats[0]!;
    const again = runStudy(build(0)).latency.heartbeats[0]!;
    const iothread = runStudy(build(1)).latency.heartbeats[0]!;
    // Closed form: share × served IOPS × device latency, a little under 1 % × 50 × 8 ms ≈ 0.4 %.
    expect(plain.mainLoopStallPct.master).toBeGreaterThan(0.1);
    expect(plain.mainLoopStallPct.master).toBeLessThan(1);
    expect(plain.stalledAdverts).toBeGreaterThan(0);
    expect(iothread.mainLoopStallPct).toEqual({ master: 0, backup: 0 });
    expect(iothread.stalledAdverts).toBe(0);
    expect(again).toEqual(plain);
  }, 60_000);
});
