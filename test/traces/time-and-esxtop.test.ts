// Timestamps and time zones (hand conversions written beside each case), and esxtop's per-VM
// counters on a generated file in the pristine batch layout (quoted fields, seconds present),
// which the one public sample (host counters only, re-saved in a spreadsheet) does not exercise.
import { afterAll, describe, expect, it } from 'vitest';
import { epochSeconds, formatTraceTime, lacksSeconds, parseDateTime, parseTimeZone, UTC } from '../../src/scenarios/traces/time.js';
import { importAll, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('timestamps', () => {
  const amsterdam = parseTimeZone('Europe/Amsterdam')!;

  it('reads ISO 8601 with and without zone, sadf and US forms', () => {
    const midnight = Date.UTC(2013, 6, 1) / 1000;
    expect(parseDateTime('2013-07-01T00:00:00Z', UTC)).toBe(midnight);
    expect(parseDateTime('2013-07-01 00:00:00 UTC', UTC)).toBe(midnight);
    expect(parseDateTime('2013-07-01T02:00:00+02:00', UTC)).toBe(midnight);
    expect(parseDateTime('07/01/2013 00:00:00', UTC)).toBe(midnight);
    expect(parseDateTime('7/1/2013 0:00', UTC)).toBe(midnight);
    expect(parseDateTime('2013-07-01T00:00:00.5Z', UTC)).toBe(midnight + 0.5);
  });

  it('reads local times in the given zone, daylight saving included', () => {
    // 1 July: CEST, UTC+2, so 02:00 in Amsterdam is 00:00 UTC; 1 January: CET, UTC+1.
    expect(parseDateTime('2013-07-01 02:00:00', amsterdam)).toBe(Date.UTC(2013, 6, 1) / 1000);
    expect(parseDateTime('2013-01-01 01:00:00', amsterdam)).toBe(Date.UTC(2013, 0, 1) / 1000);
    expect(parseDateTime('2013-07-01 02:00:00', parseTimeZone('+02:00')!)).toBe(Date.UTC(2013, 6, 1) / 1000);
    expect(parseTimeZone('Mars/Olympus')).toBeUndefined();
  });

  it('refuses what is not a time, and dates that do not exist', () => {
    expect(parseDateTime('yesterday', UTC)).toBeNaN();
    expect(parseDateTime('2013-02-31 00:00:00', UTC)).toBeNaN();
    expect(parseDateTime('2013-13-01', UTC)).toBeNaN();
  });

  it('takes numbers above 1e11 as milliseconds', () => {
    expect(epochSeconds(1_372_629_804)).toBe(1_372_629_804);
    expect(epochSeconds(1_372_629_804_000)).toBe(1_372_629_804);
  });

  it('knows when seconds are missing, and prints relative times as durations', () => {
    expect(lacksSeconds('3/26/2015 22:42')).toBe(true);
    expect(lacksSeconds('03/26/2015 22:42:05')).toBe(false);
    expect(formatTraceTime(386_640)).toBe('+4d11:24:00');
    expect(formatTraceTime(1_372_629_804)).toBe('2013-06-30T22:03:24Z');
  });
});

describe('esxtop per-VM counters (generated pristine layout)', () => {
  const columns = [
    '(PDH-CSV 4.0) (UTC)(0)',
    '\\\\esx1\\Physical Cpu(_Total)\\% Util Time',
    '\\\\esx1\\Group Cpu(1:system)\\% Used',
    '\\\\esx1\\Group Cpu(5001:web-01)\\% Used',
    '\\\\esx1\\Vcpu(5001:web-01:5002:vmx-vcpu-0:web-01)\\% Used',
    '\\\\esx1\\Vcpu(5001:web-01:5003:vmx-vcpu-1:web-01)\\% Used',
    '\\\\esx1\\Group Memory(5001:web-01)\\Memory Size MBytes',
    '\\\\esx1\\Group Memory(5001:web-01)\\Memory Consumed Size MBytes',
    '\\\\esx1\\Network Port(vSwitch0:33554436:5001:web-01)\\MBits Received/sec',
    '\\\\esx1\\Network Port(vSwitch0:33554436:5001:web-01)\\MBits Transmitted/sec',
  ];
  const q = (fields: (string | number)[]): string => fields.map((f) => `"${f}"`).join(',');
  const path = tmp.file(
    'esxtop.csv',
    `${[q(columns), q(['03/26/2015 22:42:05', 40, 3, 150, 80, 70, 4096, 1024, 8, 2]), q(['03/26/2015 22:42:10', 50, 3, 50, 30, 20, 4096, 2048, 16, 4])].join('\r\n')}\r\n`,
  );

  it('imports the host and the VM, not the system group', async () => {
    const { traces } = await importAll([path], { format: 'esxtop', stepSeconds: 5 });
    expect([...traces.keys()].sort()).toEqual(['esx1', 'web-01']);
    const vm = traces.get('web-01')!;
    // % Used 150 over 2 vCPUs (two vmx-vcpu worlds) = 75 %; then 50 / 2 = 25 %
    expect([...vm.series.cpuPct!]).toEqual([75, 25]);
    // consumed 1024 of 4096 MB = 25 %, 1 GiB; then 50 %, 2 GiB
    expect([...vm.series.memoryPct!]).toEqual([25, 50]);
    expect([...vm.series.memoryUsedGiB!]).toEqual([1, 2]);
    // 8 Mbit/s = 8e6 / 8 / 1024 KiB/s = 976.5625
    expect(vm.series.netRxKBps![0]).toBeCloseTo(976.5625, 3);
    expect([...traces.get('esx1')!.series.cpuPct!]).toEqual([40, 50]);
  });
});
