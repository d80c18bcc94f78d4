// Every folder of real samples in ../shared/data/traces that holds per-VM or per-host usage,
// imported as it is. Expected numbers come from the folder READMEs (cited) or from counts made
// independently with awk/grep on the same files (the command is given).
import { describe, expect, it } from 'vitest';
import { importAll, mean, trace } from './helpers.js';

describe('Bitbrains GWA-T-12 Rnd (bitbrains-rnd/2013-7)', async () => {
  const { result, traces } = await importAll([trace('bitbrains-rnd', '2013-7')], { format: 'bitbrains' });

  it('reads the 12 VMs and all 91,810 rows (README: "12 files, 91,810 data rows")', () => {
    expect(result.files).toHaveLength(12);
    expect([...traces.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(['1', '4', '9', '14', '20', '24', '28', '38', '41', '212', '233', '407']);
    expect(result.log.rowsRead).toBe(91_810);
    expect(result.log.rowsRejected).toBe(0);
  });

  it("skips VM 20's 4,158 duplicated timestamps (README) and keeps one row per timestamp", () => {
    expect(result.log.rowsSkipped).toBe(4_158);
    expect(result.log.skipped.every((r) => r.reason.startsWith('duplicate timestamp'))).toBe(true);
    // README table: 16,553 rows in 20.csv
    expect(traces.get('20')!.samples).toBe(16_553 - 4_158);
    expect(result.log.rowsAccepted).toBe(91_810 - 4_158);
  });

  it('reads timestamps as seconds although the header says ms (README: 1372629804 = 2013-06-30 22:03:24 UTC)', () => {
    expect(traces.get('1')!.firstSampleSeconds).toBe(1_372_629_804);
  });

  it('gives each VM its size: the largest CPU cores and provisioned memory (README table)', () => {
    const size = (id: string): [number | undefined, number | undefined] => [traces.get(id)!.vcpus, traces.get(id)!.memoryGiB];
    expect(size('1')[0]).toBe(2);
    expect(size('24')[0]).toBe(32);
    expect(size('28')[0]).toBe(16);
    expect(size('41')[0]).toBe(8);
    expect(size('28')[1]).toBeCloseTo(95.78, 2);
    expect(size('41')[1]).toBeCloseTo(20, 2);
  });

  it('keeps CPU above 100 % as measured and counts it (README: max 107.3 in 407, 106.4 in 41; 2,713 rows: awk -F";\\t" \'FNR>1 && $5>100\')', () => {
    const note = result.log.notes.find((n) => n.reason.startsWith('CPU usage above 100 %'));
    expect(note?.count).toBe(2_713);
    expect(traces.get('407')!.stats.cpuPct!.max).toBeCloseTo(107.3, 1);
    expect(traces.get('41')!.stats.cpuPct!.max).toBeCloseTo(106.4, 1);
  });

  it('matches the README mean / max CPU % of VMs without duplicate rows', () => {
    // README table: 1.csv 11.6 / 62.9, 9.csv 23.5 / 91.2, 407.csv 69.7 / 107.3, 233.csv 36.6 / 98.1
    const check = (id: string, m: number, max: number): void => {
      expect(traces.get(id)!.stats.cpuPct!.mean).toBeCloseTo(m, 1);
      expect(traces.get(id)!.stats.cpuPct!.max).toBeCloseTo(max, 1);
    };
    check('1', 11.6, 62.9);
    check('9', 23.5, 91.2);
    check('407', 69.7, 107.3);
    check('233', 36.6, 98.1);
  });

  it('notes memory usage above the provisioned memory (README: 38.csv and 212.csv, up to 6.5×)', () => {
    expect(result.log.notes.find((n) => n.reason.startsWith('memory usage above'))?.count).toBeGreaterThan(0);
    // 212.csv: max usage / provisioned 6.55 (README table) → memoryPct max ≈ 655
    expect(traces.get('212')!.stats.memoryPct!.max).toBeGreaterThan(600);
  });

  it("fills VM 1's 30.7 h gap (README: 110,414 s) by the gap policy", () => {
    // A sample holds 900 s (3 steps); the rest, (110414 − 900) / 300 ≈ 365 steps, is filled.
    expect(traces.get('1')!.filledSteps).toBeGreaterThanOrEqual(364);
    expect(result.maxGapSeconds).toBe(900);
  });

  it('puts every trace on the same 5-minute grid (full-length files cover 30 days: 2013-06-30 22:03 to 07-30 21:57, README)', () => {
    for (const t of traces.values()) expect(t.startSeconds % 300).toBe(0);
    const full = traces.get('9')!;
    expect(full.startSeconds).toBe(1_372_629_600);
    expect(full.steps).toBeGreaterThanOrEqual(8_639);
    expect(full.steps).toBeLessThanOrEqual(8_642);
  });

  it('treats a VM that is off (0 cores, 0 MHz) as using no CPU (README: 38.csv mostly off, 7,839 rows)', () => {
    expect(traces.get('38')!.stats.cpuPct!.p50).toBe(0);
    const off = result.log.notes.find((n) => n.reason.startsWith('VM off'));
    expect(off!.count).toBeGreaterThanOrEqual(7_839);
  });
});

describe('Bitbrains GWA-T-12 fastStorage (bitbrains-fastStorage)', async () => {
  const { result, traces } = await importAll([trace('bitbrains-fastStorage', 'opendc-test-bitbrains.csv')], { format: 'bitbrains' });
  const vm = traces.get('opendc-test-bitbrains')!;

  it('reads 8,619 rows of one 1-core 2 GiB VM with mean 0.28 / max 12.6 CPU % (README table)', () => {
    expect(result.log.rowsRead).toBe(8_619);
    expect(result.log.rowsAccepted).toBe(8_619);
    expect(vm.vcpus).toBe(1);
    expect(vm.memoryGiB).toBe(2);
    expect(vm.stats.cpuPct!.mean).toBeCloseTo(0.28, 2);
    expect(vm.stats.cpuPct!.max).toBeCloseTo(12.6, 1);
  });

  it('spans 2013-08-12 13:40:46 to 2013-09-11 13:39:58 UTC (README)', () => {
    expect(vm.firstSampleSeconds).toBe(Date.UTC(2013, 7, 12, 13, 40, 46) / 1000);
    expect(vm.lastSampleSeconds).toBe(Date.UTC(2013, 8, 11, 13, 39, 58) / 1000);
  });
});

describe('Alibaba cluster-trace-v2018 (alibaba-2018)', async () => {
  const { result, traces } = await importAll([trace('alibaba-2018')], { format: 'alibaba-2018' });

  it('reads 5 machines from the 31,135 usage rows and the machine_meta rows (README)', () => {
    expect([...traces.keys()]).toEqual(['m_1932', 'm_1933', 'm_1934', 'm_1935', 'm_1936']);
    // README: 31,135 + 17,592 rows
    expect(result.log.rowsRead).toBe(31_135 + 17_592);
    expect(result.log.rowsAccepted).toBe(31_135);
    expect(result.log.rowsRejected).toBe(0);
    // README: m_1932 has 3,325 rows; the others (awk -F, '{print $1}' machine_usage.csv | uniq -c)
    expect(traces.get('m_1932')!.samples).toBe(3_325);
    expect(traces.get('m_1933')!.samples).toBe(7_193);
  });

  it("covers m_1932 only from t = 386,640 s (README) and takes cpu_num 96 as every machine's vCPUs (README)", () => {
    expect(traces.get('m_1932')!.firstSampleSeconds).toBe(386_640);
    for (const t of traces.values()) expect(t.vcpus).toBe(96);
  });

  it("leaves out disk_io_percent sentinels -1 / 101 (README; 3 rows: awk -F, '$9==-1||$9==101')", () => {
    expect(result.log.notes.find((n) => n.reason.startsWith('disk_io_percent invalid'))?.count).toBe(3);
    for (const t of traces.values()) expect(t.stats.diskBusyPct!.max).toBeLessThanOrEqual(100);
  });

  it('differences the cumulative net counters into non-negative rates (README: net_in never decreases)', () => {
    for (const t of traces.values()) {
      const rx = t.series.netRxNormPerS!;
      expect(Math.min(...rx)).toBeGreaterThanOrEqual(0);
    }
    // m_1933's net_in goes from 22.79 to 24.01 over its rows (awk, column 7), so the mean rate is
    // about 1.22 / 691,000 s ≈ 1.8e-6 per second.
    expect(traces.get('m_1933')!.stats.netRxNormPerS!.mean).toBeGreaterThan(1e-7);
    expect(traces.get('m_1933')!.stats.netRxNormPerS!.mean).toBeLessThan(1e-4);
  });

  it('resamples the irregular ~10–100 s rows to 5-minute steps over the 8 days (README)', () => {
    const t = traces.get('m_1935')!;
    // 8 days = 2,304 steps of 5 min
    expect(t.steps).toBeGreaterThanOrEqual(2_300);
    expect(t.steps).toBeLessThanOrEqual(2_305);
    expect(t.stats.cpuPct!.max).toBeLessThanOrEqual(100);
  });
});

describe('Azure Public Dataset V1 (azure-v1)', async () => {
  const { result, traces } = await importAll([trace('azure-v1')], { format: 'azure-v1' });

  it('reads 100 readings of 100 VMs at t = 0 and the 10 vmtable rows, CRLF and all (README)', () => {
    expect(traces.size).toBe(100);
    expect(result.log.rowsRead).toBe(110);
    expect(result.log.rowsAccepted).toBe(100);
    for (const t of traces.values()) expect(t.firstSampleSeconds).toBe(0);
  });

  it('takes avgcpu; the row with the float noise value 15.683948000000001 (README) reads cleanly', () => {
    const first = traces.get('+ZcrOp5/c/fJ6mVgP5qMZlOAGDwyjaaDNM0WoWOt2IDb47gT0UwK9lFwkPQv3C7Q')!;
    // line 1: 0,+ZcrOp5/…,2.052803,3.911587,2.86979
    expect(first.series.cpuPct![0]).toBeCloseTo(2.86979, 5);
    // line 56: 0,/f1C+4x…,1.894231,15.683948000000001,3.199591 (the noisy value is maxcpu)
    expect(traces.get('/f1C+4xtoPaBxD+FoFdM52MiaWXZEqPqSnBxz4q4XMzoXabJvdddHchLrxc6SlYc')!.series.cpuPct![0]).toBeCloseTo(3.199591, 5);
  });

  it("reports that the vmtable VMs have no readings (README: no vmid in common) and accepts 'Unkown' (2 rows: grep -c Unkown)", () => {
    expect(result.log.notes.find((n) => n.reason.startsWith('vmtable VM without'))?.count).toBe(10);
    expect(result.log.notes.find((n) => n.reason.includes('Unkown'))?.count).toBe(2);
    for (const t of traces.values()) expect(t.vcpus).toBeUndefined();
  });
});

describe('PlanetLab CoMon (planetlab-20110303)', async () => {
  const { result, traces } = await importAll([trace('planetlab-20110303')], { format: 'planetlab' });

  it('reads 50 VMs × 288 values, names with spaces included (README)', () => {
    expect(traces.size).toBe(50);
    expect(result.log.rowsRead).toBe(14_400);
    expect(traces.has('mars_planetlab_haw-hamburg_de_ yale_p4p')).toBe(true);
    for (const t of traces.values()) expect(t.steps).toBe(288);
  });

  it('places line 1 at 2011-03-03 00:00 UTC, from the folder name (README)', () => {
    for (const t of traces.values()) expect(t.startSeconds).toBe(Date.UTC(2011, 2, 3) / 1000);
  });

  it('has overall mean 14.8 % and per-VM daily means 1.4 % to 69.2 % (README)', () => {
    const means = [...traces.values()].map((t) => t.stats.cpuPct!.mean);
    expect(mean(means)).toBeCloseTo(14.8, 1);
    expect(Math.min(...means)).toBeCloseTo(1.4, 1);
    expect(Math.max(...means)).toBeCloseTo(69.2, 1);
  });
});

describe('sysstat sadf -d (sysstat-sadf)', async () => {
  // A 1 s step puts each sample in its own step; a sample may hold up to an hour, so only the
  // restart stops the value before it from being held across the 34 minutes to the next one.
  const { result, traces } = await importAll([trace('sysstat-sadf', 'expected.sadf-d')], { format: 'sadf', stepSeconds: 1, maxGapSeconds: 3600 });
  const host = traces.get('SYSSTAT.TEST')!;
  const at = (iso: string): number => Date.parse(iso) / 1000 - host.startSeconds;

  it('imports the one host and skips the restart and comment records (README: LINUX-RESTART with a TAB, COM)', () => {
    expect([...traces.keys()]).toEqual(['SYSSTAT.TEST']);
    expect(result.log.skipped.find((s) => s.reason.startsWith('LINUX-RESTART'))?.count).toBe(2);
    expect(result.log.skipped.find((s) => s.reason.startsWith('COM'))?.count).toBe(1);
    expect(result.log.rowsRejected).toBe(0);
  });

  it('takes CPU from the all-CPU row: 100 − %idle (line 2: %idle 82.88 at 13:20:19 → 17.12)', () => {
    expect(host.series.cpuPct![at('2019-04-18T13:20:19Z')]).toBeCloseTo(17.12, 4);
  });

  it('sums whole disks (not partitions) and interfaces except loopback', () => {
    // 13:20:39, rkB/s of the disks: sda 41499.97 + sdf 54.34 + sdg 114.91 + sdr 0.13 + sds 83.56
    // (sda1…sda12 are partitions of sda); 13:20:49, rxkB/s: enp6s0 8891.46; lo and the virtual
    // virbr0 (1.20), virbr0-nic, virbr0-1 left out; the other physical ones 0.
    expect(host.series.diskReadKBps![at('2019-04-18T13:20:39Z')]).toBeCloseTo(41_499.97 + 54.34 + 114.91 + 0.13 + 83.56, 1);
    expect(result.log.skipped.find((r) => r.reason.startsWith('partition'))?.count).toBeGreaterThan(0);
    expect(host.series.netRxKBps![at('2019-04-18T13:20:49Z')]).toBeCloseTo(8_891.46, 1);
  });

  it('reads memory: %memused 46.11 and kbmemused 3755444 KiB (the memory section)', () => {
    expect(host.series.memoryPct![at('2019-04-18T13:20:19Z')]).toBeCloseTo(46.11, 4);
    expect(host.series.memoryUsedGiB![at('2019-04-18T13:20:19Z')]).toBeCloseTo(3_755_444 / 2 ** 20, 4);
  });

  it('breaks the series at the restart: the 34 minutes between 13:20:49 and 13:54:35 are filled, not held', () => {
    // 5 sampled times (grep -v '^#' | cut -d';' -f3 | sort | uniq -c). Steps run from 13:20:19 to
    // 13:54:36: 2,057. Measured: 13:20:19–13:20:59 (four samples, 10 s each: the last holds as long
    // as the interval before it) = 40 s, and 1 s after the restart (a lone sample holds one step):
    // 41. Filled: 2,057 − 41 = 2,016. Without the break 13:20:49 would hold for the hour allowed.
    expect(host.samples).toBe(5);
    expect(host.steps).toBe(2_057);
    expect(host.filledSteps).toBe(2_016);
  });
});

describe('sysstat sadf -dh (one line per interval)', async () => {
  const { traces } = await importAll([trace('sysstat-sadf', 'expected.sadf-dh')], { format: 'sadf', stepSeconds: 1 });

  it("uses the first group of the '[...]' header, all CPUs: the same 17.12 % at 13:20:19 as sadf -d", () => {
    const host = traces.get('SYSSTAT.TEST')!;
    expect(host.series.cpuPct![Date.parse('2019-04-18T13:20:19Z') / 1000 - host.startSeconds]).toBeCloseTo(17.12, 4);
  });
});

describe('esxtop batch CSV (esxtop)', async () => {
  const { result, traces } = await importAll([trace('esxtop', 'visualesxtoponline_upload-1000_origincsvfile.csv')], { format: 'esxtop', stepSeconds: 60 });
  const host = traces.get('proma-2n-dhcp60.eng.vmware.com')!;

  it('reads the 514 rows of the host (README)', () => {
    expect([...traces.keys()]).toEqual(['proma-2n-dhcp60.eng.vmware.com']);
    expect(result.log.rowsRead).toBe(514);
    expect(host.samples).toBe(514);
  });

  it("takes host CPU as the mean of the two pCPUs' % Util Time: (30.57 + 29.41) / 2 (README means)", () => {
    expect(host.stats.cpuPct!.mean).toBeCloseTo((30.57 + 29.41) / 2, 1);
  });

  it('takes host memory as Kernel + NonKernel MBytes (README means 1087 + 1743 MB)', () => {
    expect(host.stats.memoryUsedGiB!.mean).toBeCloseTo((1087 + 1743) / 1024, 2);
  });

  it('spreads the rows of each minute evenly (README: seconds lost, ~11 rows a minute, 22:42 to 23:29 UTC)', () => {
    expect(host.firstSampleSeconds).toBe(Date.UTC(2015, 2, 26, 22, 42) / 1000);
    expect(host.lastSampleSeconds).toBeGreaterThan(Date.UTC(2015, 2, 26, 23, 29) / 1000);
    expect(host.lastSampleSeconds).toBeLessThan(Date.UTC(2015, 2, 26, 23, 30) / 1000);
    expect(result.log.skipped.find((s) => s.reason.startsWith('duplicate'))).toBeUndefined();
  });
});
