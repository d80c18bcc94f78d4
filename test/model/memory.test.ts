/**
 * The memory model's parts: KSM scan arithmetic and merge lag (memory/ksm.ts), ksmtuned's rule,
 * and the host memory model's guests, swap and OOM killer (memory/host-memory.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fullPassSeconds, KsmMerger, ksmtunedAdjust, scanRatePagesPerSecond, type KsmControl } from '../../src/model/memory/ksm.js';
import { MemoryModel, type MemoryHost, type MemoryVm, type OomKill } from '../../src/model/memory/host-memory.js';
import { BALLOON_DEFAULTS, KSM_DEFAULTS, type GuestMemorySpec, type MemoryModelSpec } from '../../src/model/memory/spec.js';
import { createStream } from '../../src/model/random/streams.js';

describe('KSM scan arithmetic (ksm.rst defaults: pages_to_scan 100, sleep_millisecs 20)', () => {
  it('scans 5,000 pages/s: 64 GiB in 55.9 minutes and 256 GiB in 3.73 hours', () => {
    const rate = scanRatePagesPerSecond(100, 20);
    expect(rate).toBe(5000);
    // 64 GiB = 64 × 262,144 = 16,777,216 pages; / 5,000 pages/s = 3,355.4432 s = 55.924 min.
    expect(fullPassSeconds(64, rate)).toBeCloseTo(3355.4432, 6);
    expect(fullPassSeconds(64, rate) / 60).toBeCloseTo(55.924, 3);
    // 256 GiB: 67,108,864 pages / 5,000 = 13,421.77 s = 3.72827 h (calibration.md §1: "≈ 3.7 h").
    expect(fullPassSeconds(256, rate) / 3600).toBeCloseTo(3.72827, 5);
  });

  it("ksmtuned's ceiling is 125,000 pages/s (1,250 pages every 10 ms): 256 GiB in about 9 minutes", () => {
    const rate = scanRatePagesPerSecond(1250, 10);
    expect(rate).toBe(125_000);
    // 67,108,864 / 125,000 = 536.87 s = 8.95 min.
    expect(fullPassSeconds(256, rate) / 60).toBeCloseTo(8.948, 3);
  });
});

describe('ksmtuned adjust() (ksmtuned.conf defaults)', () => {
  const control = (): KsmControl => ({ running: false, pagesToScan: 100, sleepMs: 20 });

  it('stops ksmd while committed memory plus the threshold stays below RAM', () => {
    // 256 GiB host: threshold = max(20 % × 256, 2) = 51.2 GiB; 200 + 51.2 < 256 → stop.
    const c = control();
    ksmtunedAdjust(c, 256, 200, 56);
    expect(c.running).toBe(false);
  });

  it('boosts pages_to_scan by 300 when free memory is under the threshold, decays by 50 otherwise, within 64..1250', () => {
    const c = control();
    ksmtunedAdjust(c, 256, 250, 40); // committed 250 + 51.2 >= 256: run; free 40 < 51.2: boost
    expect(c).toEqual({ running: true, pagesToScan: 400, sleepMs: 10 }); // sleep = max(10, floor(10 × 16 / 256))
    for (let i = 0; i < 10; i++) ksmtunedAdjust(c, 256, 250, 40);
    expect(c.pagesToScan).toBe(1250);
    ksmtunedAdjust(c, 256, 250, 100);
    expect(c.pagesToScan).toBe(1200);
    for (let i = 0; i < 100; i++) ksmtunedAdjust(c, 256, 250, 100);
    expect(c.pagesToScan).toBe(64);
  });

  it('sleeps 10 ms × 16 GiB / RAM on small hosts (8 GiB → 20 ms)', () => {
    const c = control();
    ksmtunedAdjust(c, 8, 8, 1);
    expect(c.sleepMs).toBe(20);
  });
});

describe('KSM merge lag (mm/ksm.c: two unchanged visits, or one if a stable copy exists)', () => {
  it('new content with no stable copy merges uniformly between one and two passes after it appears', () => {
    const m = new KsmMerger();
    m.setMergeable(0, 10);
    const pass = 1000; // seconds per pass at this rate and size
    const rate = (10 * 262_144) / pass;
    m.advance(0.9 * pass, rate, 10);
    expect(m.savedGiB()).toBe(0);
    m.advance(0.6 * pass, rate, 10); // 1.5 passes: half merged
    expect(m.savedGiB()).toBeCloseTo(5, 9);
    m.advance(0.6 * pass, rate, 10); // 2.1 passes: all
    expect(m.savedGiB()).toBeCloseTo(10, 9);
  });

  it('content that matches a stable page merges within one pass', () => {
    const m = new KsmMerger();
    const rate = 262_144; // 1 GiB/s over 10 GiB: a pass every 10 s
    m.setMergeable(0, 4);
    m.advance(25, rate, 10); // 2.5 passes: the first cohort is stable
    m.setMergeable(0, 8); // 4 more GiB of zero pages appear
    m.advance(5, rate, 10); // half a pass later, half of them merged
    expect(m.savedGiB()).toBeCloseTo(6, 9);
  });

  it('never saves more than is mergeable, whatever the sequence of changes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom<0 | 1>(0, 1), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 5000, noNaN: true })), { maxLength: 40 }),
        (ops) => {
          const m = new KsmMerger();
          for (const [kind, amount, seconds] of ops) {
            m.setMergeable(kind, amount);
            m.advance(seconds, 5000, 64);
            expect(m.savedGiB()).toBeLessThanOrEqual(m.mergeableGiB() + 1e-9);
            expect(m.savedGiB()).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('growth while ksmd stands still joins one cohort, with the same savings as separate ones', () => {
    // ksmtuned stops ksmd while memory is plentiful; the guests' caches still grow every step.
    const m = new KsmMerger();
    for (let step = 1; step <= 1000; step++) m.setMergeable(1, step * 0.01);
    expect(m.pendingCohorts()).toBe(1);
    const rate = 262_144; // a pass every 10 s over 10 GiB
    m.advance(15, rate, 10); // 1.5 passes: half of the 10 GiB (delay 1 pass, then uniform)
    expect(m.savedGiB()).toBeCloseTo(5, 9);
    // Growth at different scan positions stays separate: two cohorts.
    m.setMergeable(1, 12);
    m.advance(1, rate, 10);
    m.setMergeable(1, 13);
    expect(m.pendingCohorts()).toBe(3);
  });

  it('unmerges at once when mergeable content disappears (copy-on-write)', () => {
    const m = new KsmMerger();
    m.setMergeable(0, 10);
    m.settle();
    expect(m.savedGiB()).toBe(10);
    m.setMergeable(0, 4);
    expect(m.savedGiB()).toBeCloseTo(4, 12);
  });
});

const GUEST: GuestMemorySpec = { activeGiB: 2, idleActiveGiB: 2, cacheGiBPerHour: 0, freeFloorPct: 0, sharedPct: 0, crossImagePct: 0, touchMiBps: 1, vmCv: 0, noiseCv: 0 };
const FLAT = Array.from({ length: 24 }, () => 1);

function spec(ksm: Partial<MemoryModelSpec['ksm']> = {}): MemoryModelSpec {
  return { ksm: { ...KSM_DEFAULTS, ...ksm }, balloon: { ...BALLOON_DEFAULTS }, restartKilledAfterSeconds: null };
}

function vm(name: string, overrides: Partial<MemoryVm> = {}): MemoryVm {
  return { name, host: 0, allocatedGiB: 4, overheadGiB: 0, oomScoreAdj: 0, zeroesMemory: false, image: 'img', guest: GUEST, profile: FLAT, ...overrides };
}

function model(hosts: MemoryHost[], vms: MemoryVm[], s = spec()): MemoryModel {
  return new MemoryModel(hosts, vms, s, (v, purpose) => createStream(1, 0, `vm:${v.name}`, purpose));
}

const host = (totalGiB: number, swapGiB = 0, hostOsGiB = 0): MemoryHost => ({ name: 'h', totalGiB, hostOsGiB, swapGiB, swapMBps: 1e9, swapReadMs: 8 });

describe('guest memory', () => {
  it('Windows backs all its memory at boot; Linux only its working set', () => {
    const m = model([host(64)], [vm('win', { zeroesMemory: true }), vm('lin')]);
    m.boot(0, 9);
    m.boot(1, 9);
    expect(m.backed[0]).toBe(4);
    expect(m.backed[1]).toBe(2);
  });

  it("Linux's page cache grows at cacheGiBPerHour until the guest is full but for its free floor, and is never given back", () => {
    const guest = { ...GUEST, cacheGiBPerHour: 0.5, freeFloorPct: 10 };
    const m = model([host(64)], [vm('lin', { guest })]);
    m.boot(0, 0);
    const kills: OomKill[] = [];
    m.step(3600, 3600, 1, kills);
    expect(m.cache[0]).toBeCloseTo(0.5, 12);
    expect(m.backed[0]).toBeCloseTo(2.5, 12);
    m.step(36_000, 36_000, 11, kills);
    // Capacity 4 × 0.9 = 3.6 GiB: working set 2 + cache 1.6.
    expect(m.cache[0]).toBeCloseTo(1.6, 12);
    expect(m.backed[0]).toBeCloseTo(3.6, 12);
  });
});

describe('KSM savings on a host', () => {
  function savedAfterSettling(images: string[], zeroesMemory: boolean): number {
    const guest = { ...GUEST, sharedPct: 30 };
    const m = model(
      [host(256)],
      images.map((image, i) => vm(`v${i}`, { image, zeroesMemory, guest })),
      spec({ enabled: true }),
    );
    images.forEach((_, j) => m.startWarm(j, 12));
    m.settleKsm();
    m.step(60, 60, 12, []);
    return m.readings[0]!.ksmSavedGiB;
  }

  it('identical guests save more than mixed ones', () => {
    // 8 VMs of one image: 30 % of 2 GiB used is shared, 7/8 of 8 × 0.6 GiB saved = 4.2 GiB.
    const identical = savedAfterSettling(Array(8).fill('a'), false);
    expect(identical).toBeCloseTo((7 / 8) * 8 * 0.6, 9);
    // Four images, two VMs each: half of each pair saved = 4 × 0.6 = 2.4 GiB.
    const mixed = savedAfterSettling(['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd'], false);
    expect(mixed).toBeCloseTo(4 * 0.6, 9);
    expect(identical).toBeGreaterThan(mixed);
  });

  it("zero pages of Windows guests merge: free memory costs the host nothing once merged", () => {
    // 8 Windows VMs, 4 GiB each with 2 GiB in use: 2 GiB zero pages each (16 GiB) plus the shared part.
    const saved = savedAfterSettling(Array(8).fill('a'), true);
    expect(saved).toBeCloseTo(16 + (7 / 8) * 8 * 0.6, 9);
  });
});

describe('swap and the OOM killer', () => {
  it('memory beyond RAM goes to swap, idle pages first; only then do working sets slow down', () => {
    // Two Linux guests with 2 GiB working set and 1 GiB cache each, backed 3 GiB: host needs 6 GiB.
    const guest = { ...GUEST, cacheGiBPerHour: 1, freeFloorPct: 25 };
    const m = model([host(5, 4)], [vm('a', { guest }), vm('b', { guest })]);
    m.boot(0, 0);
    m.boot(1, 0);
    m.step(3600, 3600, 1, []);
    expect(m.readings[0]!.neededGiB).toBeCloseTo(6, 9);
    expect(m.readings[0]!.swapUsedGiB).toBeCloseTo(1, 9); // 1 GiB over RAM, all of it idle cache
    expect(m.slowdown[0]).toBe(1);
  });

  it('kills the VM with the highest badness (the largest) when RAM plus swap cannot hold the rest', () => {
    const guest = { ...GUEST, activeGiB: 3, idleActiveGiB: 3 };
    const m = model([host(8, 1)], [vm('small', { allocatedGiB: 2, guest }), vm('large', { allocatedGiB: 6, guest: { ...guest, activeGiB: 6, idleActiveGiB: 6 } }), vm('mid', { allocatedGiB: 3, guest })]);
    [0, 1, 2].forEach((j) => m.boot(j, 0));
    const kills: OomKill[] = [];
    m.step(60, 60, 0, kills);
    // Backed 2 + 6 + 3 = 11 GiB > 8 + 1: the 6 GiB VM goes, then 5 GiB fits.
    expect(kills.map((k) => m.vms[k.vm]!.name)).toEqual(['large']);
    expect(kills[0]).toMatchObject({ neededGiB: 11, capacityGiB: 9 });
    expect(m.state[1]).toBe(0);
  });

  it('oom_score_adj −1000 exempts a VM; a positive adjustment makes a smaller VM the victim', () => {
    const guest = { ...GUEST, activeGiB: 4, idleActiveGiB: 4 };
    const m = model([host(8, 0)], [vm('big', { allocatedGiB: 5, guest: { ...guest, activeGiB: 5, idleActiveGiB: 5 }, oomScoreAdj: -1000 }), vm('sacrificial', { allocatedGiB: 4, guest, oomScoreAdj: 500 })]);
    [0, 1].forEach((j) => m.boot(j, 0));
    const kills: OomKill[] = [];
    m.step(60, 60, 0, kills);
    expect(kills.map((k) => m.vms[k.vm]!.name)).toEqual(['sacrificial']);
  });

  it('adding RAM never adds OOM kills (same guests, same random streams)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 40 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 10 }), (ram, extra, seed) => {
        const guest = { ...GUEST, activeGiB: 2.5, idleActiveGiB: 1, cacheGiBPerHour: 0.5, freeFloorPct: 5, vmCv: 0.4, noiseCv: 0.3 };
        const vms = Array.from({ length: 8 }, (_, i) => vm(`v${i}`, { guest, zeroesMemory: i % 2 === 0 }));
        const killsWith = (totalGiB: number): number => {
          const m = new MemoryModel([host(totalGiB, 2)], vms, spec({ enabled: true }), (v, purpose) => createStream(seed, 0, `vm:${v.name}`, purpose));
          vms.forEach((_, j) => m.boot(j, 7));
          const kills: OomKill[] = [];
          for (let k = 1; k <= 48; k++) m.step(k * 600, 600, (7 + k / 6) % 24, kills);
          return kills.length;
        };
        expect(killsWith(ram + extra)).toBeLessThanOrEqual(killsWith(ram));
      }),
      { seed: 11, numRuns: 60 },
    );
  });
});
