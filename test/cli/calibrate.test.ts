/**
 * `overcast calibrate` (src/scenarios/calibrate/, src/cli/commands/calibrate.ts).
 *
 * KSM: the published dump of 12 mostly identical Linux VMs using about 16 GB (pages_sharing
 * 1,249,897 → 4.77 GiB saved, "about 30 %"; blog.wirelessmoves.com 2021, calibration.md §1).
 * The memory model saves s · U · (n − 1) among n guests of one image each using U, so the
 * calibrated s must reproduce the 4.77 GiB, and s · (n − 1)/n is the saved share of used memory.
 * Boot: a made-up capture whose arithmetic is checked by hand (test/fixtures/calibrate/README.md).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrateKsm, parseKsmDump } from '../../src/scenarios/calibrate/ksm.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = 'test/fixtures/calibrate';
const GIB = 1024 ** 3;

describe('calibrate ksm', () => {
  it('turns the published dump into the sharedPct that reproduces its savings', async () => {
    const dump = parseKsmDump(await readFile(join(FIXTURES, 'ksm-wirelessmoves.txt'), 'utf8'), 'dump');
    const usedGiB = 16e9 / 12 / GIB; // "about 16 GB" over 12 guests
    const result = calibrateKsm(dump, { vms: 12, usedGiB, zeroGiB: 0 }, 'dump');
    expect(result.savedGiB).toBeCloseTo((1_249_897 * 4096) / GIB, 9);
    // The model's saving at this sharedPct is the measured one (round trip through its formula).
    expect((result.sharedPct / 100) * usedGiB * 11).toBeCloseTo(result.savedGiB, 9);
    // Saved share of used memory: 4.77 GiB of 14.9 GiB, the published "about 30 %" (32 %).
    expect(((result.sharedPct / 100) * 11) / 12).toBeCloseTo(0.32, 2);
    expect(result.notes).toEqual([]);
  });

  it('prints the field to paste and a --set to try it; several dumps make a range', async () => {
    const one = await runCli(['calibrate', 'ksm', join(FIXTURES, 'ksm-wirelessmoves.txt'), '--vms', '12', '--used-gib', '1.2417']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/4\.77 GiB saved \(pages_sharing × 4 KiB\) among 12 guests using 1\.2417 GiB each: sharedPct 34\.9 %/);
    expect(one.stdout).toMatch(/\n {2}vms\.desktop\.workload\.memory\.sharedPct: 34\.9 {4}# %\n/);
    const dir = await mkdtemp(join(tmpdir(), 'overcast-cal-'));
    const second = join(dir, 'host2.txt');
    await writeFile(second, '/sys/kernel/mm/ksm/pages_sharing:1000000\n/sys/kernel/mm/ksm/full_scans:1\n');
    const two = await runCli(['calibrate', 'ksm', join(FIXTURES, 'ksm-wirelessmoves.txt'), second, '--vms', '12', '--used-gib', '1.2417', '--group', 'web']);
    expect(two.code).toBe(0);
    // 1,000,000 pages = 3.81 GiB over 11 × 1.2417 GiB = 27.9 %; the range spans both, nominal their mean.
    expect(two.stdout).toMatch(/vms\.web\.workload\.memory\.sharedPct: \{ between: \[27\.9, 34\.9\], nominal: 31\.4, reason: "measured 2 times \(overcast calibrate\)" \}/);
    expect(two.stdout).toMatch(/! .*host2\.txt: ksmd has finished 1 full scan: pages merge on the second scan at the earliest, so the sharing is a lower bound/);
    // The range it prints is one the scenario loader takes.
    const run = await runCli(['validate', 'vdi-callcenter', '--set', 'vms.desktop.workload.memory.sharedPct={ between: [27.9, 34.9], nominal: 31.4 }']);
    expect(run.code).toBe(0);
  });

  it('refuses a file that is not a dump, at its line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'overcast-cal-'));
    const bad = join(dir, 'bad.txt');
    await writeFile(bad, '/sys/kernel/mm/ksm/pages_sharing:12\nhello world\n');
    const run = await runCli(['calibrate', 'ksm', bad, '--vms', '4', '--used-gib', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.txt:2: expected a KSM sysfs line/);
    const vms = await runCli(['calibrate', 'ksm', bad, '--vms', '1', '--used-gib', '2']);
    expect(vms.code).toBe(2);
    expect(vms.stderr).toMatch(/--vms 1: expected a number >= 2/);
  });
});

describe('calibrate boot', () => {
  it('reads the queue and the IOs of a boot, skipping the since-boot report, in both iostat layouts', async () => {
    for (const file of ['iostat-boot.txt', 'iostat-boot-old.txt']) {
      const run = await runCli(['calibrate', 'boot', join(FIXTURES, file), '--device', 'sdb', '--json']);
      expect(run.code).toBe(0);
      const json = JSON.parse(run.stdout);
      const value = (path: string): unknown => json.fields.find((f: { path: string }) => f.path === path).value;
      // Three busy reports: 300 reads + 15 writes; queue (1.0 + 1.1 + 0.9) / 3.
      expect(value('vms.desktop.boot.ios')).toBe(315);
      expect(value('vms.desktop.boot.outstanding')).toBe(1);
      expect(value('vms.desktop.boot.readPct')).toBe(95);
    }
  });

  it('reads sadf’s CSV too, each record over its own interval, reads split by bytes', async () => {
    const run = await runCli(['calibrate', 'boot', join(FIXTURES, 'boot.sadf-d'), '--device', 'sdb', '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    const value = (path: string): unknown => json.fields.find((f: { path: string }) => f.path === path).value;
    // (105 + 114 + 96) transfers/s × 10 s; reads 105·1600/1640 + 114·1760/1792 + 96·1440/1488 = 307.3/s of 315: 97.6 %.
    expect(value('vms.desktop.boot.ios')).toBe(3150);
    expect(value('vms.desktop.boot.outstanding')).toBe(1);
    expect(value('vms.desktop.boot.readPct')).toBe(98);
  });

  it('names a missing device and a capture without a Device header', async () => {
    const missing = await runCli(['calibrate', 'boot', join(FIXTURES, 'iostat-boot.txt'), '--device', 'vdz']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no line for device 'vdz'/);
    const notIostat = await runCli(['calibrate', 'boot', join(FIXTURES, 'ksm-wirelessmoves.txt'), '--device', 'sdb']);
    expect(notIostat.code).toBe(2);
    expect(notIostat.stderr).toMatch(/no 'Device' header; expected the output of `iostat -x 1`/);
  });
});

describe('calibrate load', () => {
  it('reads a libvirt-exporter capture: 240 s of vCPU time over 300 s on 4 vCPUs is 20 % (test/fixtures/traces/prometheus-text/README.md)', async () => {
    const run = await runCli(['calibrate', 'load', 'test/fixtures/traces/prometheus-text/libvirt-two-scrapes.prom', '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.fields).toEqual([{ path: 'vms.desktop.workload.cpu.utilPct', unit: '% of each vCPU', values: [expect.closeTo(20, 6)], value: 20 }]);
  });

  it('gives the mean of the VMs’ mean CPU and their spread, as the import summary reports them', async () => {
    const dir = 'test/fixtures/traces/bitbrains-rnd/2013-7';
    const imported = JSON.parse((await runCli(['import', dir, '--format', 'bitbrains', '--json'])).stdout);
    const means: number[] = imported.traces.map((t: { stats: { cpuPct: { mean: number } } }) => t.stats.cpuPct.mean);
    const mean = means.reduce((a, b) => a + b, 0) / means.length;
    const sd = Math.sqrt(means.reduce((a, m) => a + (m - mean) ** 2, 0) / (means.length - 1));
    const run = await runCli(['calibrate', 'load', dir, '--format', 'bitbrains', '--group', 'rnd', '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.fields[0]).toMatchObject({ path: 'vms.rnd.workload.cpu.utilPct', value: Number(mean.toFixed(1)) });
    expect(json.fields[1]).toMatchObject({ path: 'vms.rnd.workload.cpu.vmCv', value: Number((sd / mean).toFixed(2)) });
  });

  it('refuses a cloud inventory, which has no measured load', async () => {
    const run = await runCli(['calibrate', 'load', 'test/fixtures/cloud/openstack']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is a cloud inventory \(openstack\); it has no measured load/);
  });
});
