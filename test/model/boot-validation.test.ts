/**
 * Boots with their documented defaults against published measurements
 * (../shared/reference/calibration.md §2; sources in docs/io.md and src/model/io/boot.ts). The
 * defaults come from the sources; these tests pose the measured situations and state how close
 * the model must land, and check the boot's phases and IO accounting exactly where they can.
 */
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src/scenarios/load.js';
import { runStudy } from '../../src/model/run.js';
import type { ModelScenario } from '../../src/model/scenario.js';
import { hddBootIops, hddIops } from '../../src/model/io/storage.js';

async function scenario(text: string): Promise<ModelScenario> {
  const parsed = await parseScenarioText(text, 'boot-validation.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

const ONE_DISK = '{ disks: 1, type: hdd, rpm: 7200, raid: raid0 }';
/** The bundled VDI scenarios' array (scenarios/vdi-*.yaml). */
const BUNDLED = '{ disks: 8, type: hdd, rpm: 7200, raid: raid10 }';

/** `count` Windows desktops (defaults but for their steady IO) powering on within 5 minutes on one host's array. */
async function storm(storage: string, count: number, extra = '') {
  const s = await scenario(`
name: boots
duration: 3h
step: 1 min
replications: 1
overcommit: { cpu: 16, memory: 1 }
hosts:
  - { name: h, count: 1, cpu: { cores: 256 }, memory: { totalGiB: 4096, reservedGiB: 0 }, storage: ${storage} }
vms:
  - { name: d, count: ${count}, vcpus: 2, memoryGiB: 4, os: windows, workload: { cpu: { utilPct: 2.6 }, io: { iops: 8, readPct: 30 } }${extra} }
boots:
  waves:
    - { kind: storm, at: 10 min, spread: 5 min }
`);
  return runStudy(s);
}

describe('a lone Windows boot with the defaults', () => {
  it('on one 7,200 rpm disk takes about 2 minutes (edugeek.net hIOmon trace: disk busy 1 min 58 s for the boot)', async () => {
    const r = await storm(ONE_DISK, 1);
    // Not independent of the source: the boot seeks' share of the average seek is derived from
    // this trace (src/model/io/storage.ts), so this checks the chain (IO count, one in flight,
    // short seeks, no idle disk) reproduces it: 20,000 × 5.9 ms = 118 s. ±10 %.
    expect(r.boot.seconds.p50).toBeGreaterThan(106);
    expect(r.boot.seconds.p50).toBeLessThan(130);
    // Without short seeks the same boot would take 20,000 / 79 IOPS = 253 s: what the IO model
    // gave before (issue 15).
    expect(20_000 / hddIops(7200)).toBeGreaterThan(250);
    expect(20_000 / hddBootIops(7200)).toBeCloseTo(118, 0);
  });

  it('on the bundled 8-disk RAID 10 array takes 2–3 minutes (ThinScale 2014: a Windows 7 VM to logon in 2–3 min)', async () => {
    const r = await storm(BUNDLED, 1);
    // One IO in flight cannot use the 8 disks at once, so a lone boot is about as long as on one
    // disk, plus the RAID write penalty on its 5 % writes: 20,000 × 5.9 ms × 1.05 = 124 s.
    // Tolerance: 100–200 s, the published 2–3 min widened by 20 s each way because ThinScale's
    // end point ("services idle") and storage are not the model's (up, at the logon screen).
    expect(r.boot.seconds.p50).toBeGreaterThan(100);
    expect(r.boot.seconds.p50).toBeLessThan(200);
  });

  it('on SSDs is bound by its CPU work, not by a fixed floor (edugeek.net: SSD busy 8.5 s for the same boot)', async () => {
    const r = await storm('{ disks: 8, type: ssd, raid: raid10 }', 1);
    // 30 CPU seconds on 2 vCPUs: up at 15 s; its 20,000 IOs take about 1 s of that.
    expect(r.boot.seconds.p50).toBeCloseTo(15, 0);
    // A boot twice the CPU work takes twice as long: the CPU bounds it, not the storage.
    const heavy = await storm('{ disks: 8, type: ssd, raid: raid10 }', 1, ', boot: { cpuSeconds: 60 }');
    expect(heavy.boot.seconds.p50).toBeCloseTo(30, 0);
  });
});

describe('a boot whose IOs are done stops loading the device (issue 15)', () => {
  it('while its CPU work goes on, the disk is idle', async () => {
    // 1,000 IOs on one disk take 5.9 s; the CPU work (600 s on 1 vCPU) keeps the boot going to
    // 600 s. Before the fix the boot kept its IOs in flight until its floor ended, loading the
    // disk at 100 % for the whole 10 minutes.
    const s = await scenario(`
name: idle-tail
duration: 30 min
step: 1 min
replications: 1
overcommit: { cpu: 16, memory: 1 }
hosts:
  - { name: h, count: 1, cpu: { cores: 16 }, memory: { totalGiB: 64, reservedGiB: 0 }, storage: ${ONE_DISK} }
vms:
  - { name: v, count: 1, vcpus: 1, memoryGiB: 2, os: linux, workload: { cpu: { utilPct: 1 }, io: { iops: 0 } }, boot: { ios: 1000, cpuSeconds: 600 } }
boots:
  waves:
    - { kind: storm, at: 60 s, spread: 0 s }
`);
    const r = runStudy(s);
    expect(r.boot.seconds.p50).toBeCloseTo(600, 3);
    // The boot starts at 60 s, so the step 1–2 min holds its 5.9 s of IO; the steps after it are idle.
    const util = r.io.timeline.utilPctMax;
    expect(util[1]!).toBeCloseTo((100 * 5.9) / 60, 0);
    for (let k = 2; k < 11; k++) expect(util[k]!).toBe(0);
  });
});

describe('interleaved boots lose their short seeks', () => {
  it('two boots started together on one disk: each IO follows the other boot’s half the time, so it costs the mean of a short and a random IO', async () => {
    const s = await scenario(`
name: pair
duration: 30 min
step: 1 min
replications: 1
overcommit: { cpu: 16, memory: 1 }
hosts:
  - { name: h, count: 1, cpu: { cores: 16 }, memory: { totalGiB: 64, reservedGiB: 0 }, storage: ${ONE_DISK} }
vms:
  - { name: v, count: 2, vcpus: 2, memoryGiB: 2, os: linux, workload: { cpu: { utilPct: 1 }, io: { iops: 0 } }, boot: { ios: 20000, cpuSeconds: 1 } }
boots:
  waves:
    - { kind: storm, at: 60 s, spread: 0 s }
`);
    const r = runStudy(s);
    // One disk, 2 IOs in flight, no think time: the disk never idles, so both boots end together
    // after 40,000 IOs at S = ½ × 1/169.5 + ½ × 1/79.0 s = 9.28 ms each (RAID 0: no write penalty).
    const serviceSeconds = 0.5 / hddBootIops(7200) + 0.5 / hddIops(7200);
    expect(r.boot.seconds.p50).toBeCloseTo(40_000 * serviceSeconds, 0);
    // Alone, each would take 20,000 short-seek IOs (118 s); one after the other, 236 s; interleaved, 371 s.
    expect(r.boot.seconds.p50).toBeGreaterThan(1.5 * 2 * 20_000 * (1 / hddBootIops(7200)));
  });
});

describe('per-desktop IO by phase', () => {
  it('boot, logon and steady IOPS per desktop are what each phase served, over the time spent in it', async () => {
    const r = await storm(ONE_DISK, 1);
    const phase = (name: string) => r.io.phases.find((p) => p.phase === name)!;
    // Boot: 20,000 IOs over the 118 s boot = 169 IOPS, 95 % reads (the trace's 420 MB read / 24 MB written).
    expect(phase('boot').iopsPerVm!).toBeCloseTo(20_000 / r.boot.seconds.p50, 0);
    expect(phase('boot').readPct!).toBeCloseTo(95, 6);
    // Logon: 60 s at 12 IOPS with 3 % reads (Dell BP1018's Login VSI logon storm: 11–13 IOPS, R/W 3/97).
    expect(phase('logon').vmHours * 3600).toBeCloseTo(60, 6);
    expect(phase('logon').iopsPerVm!).toBeCloseTo(12, 6);
    expect(phase('logon').readPct!).toBeCloseTo(3, 6);
    // Steady: the desktop's own 8 IOPS at 30 % reads, all served on an otherwise idle disk.
    expect(phase('steady').iopsPerVm!).toBeCloseTo(8, 6);
    expect(phase('steady').readPct!).toBeCloseTo(30, 6);
  });
});

describe("a storm's IO latency (field report 004)", () => {
  // The report: Windows boots of 40 minutes, disks 100 % busy, 0.2 s per IO. Its hardware is not
  // given, so the storm is posed by its boot time: 72 desktops on the bundled array take about
  // 40 minutes each to boot (the model's answer, not an input).
  it("boots of ~40 minutes wait 0.12 s per IO, within a factor of 2 of the report's 0.2 s", async () => {
    const r = await storm(BUNDLED, 72);
    const bootSeconds = r.boot.seconds.p50;
    expect(bootSeconds / 60).toBeGreaterThan(30);
    expect(bootSeconds / 60).toBeLessThan(50);
    // Little's law per boot at saturation: 1 IO in flight over 20,000 IOs in T seconds waits T / 20,000.
    const littleSeconds = (1 * bootSeconds) / 20_000;
    expect(r.boot.ioLatencyMs.mean / 1000).toBeGreaterThan(0.85 * littleSeconds);
    expect(r.boot.ioLatencyMs.mean / 1000).toBeLessThan(1.15 * littleSeconds);
    // Against the report: at 40 minutes Little's law gives 2,400 / 20,000 = 0.12 s with one IO in
    // flight. Tolerance a factor of 2: the report's figures are single rounded numbers from one
    // test, and its Windows image (IOs per boot) is not given; 0.2 s would mean 1.7 IOs in flight
    // per boot or 33,000 IOs per boot, neither published.
    expect(r.boot.ioLatencyMs.mean / 1000).toBeGreaterThan(0.2 / 2);
    expect(r.boot.ioLatencyMs.mean / 1000).toBeLessThan(0.2 * 2);
    // The disks are saturated, as the report says.
    expect(r.io.byDevice[0]!.utilPctMax).toBeGreaterThan(99);
  });
});
