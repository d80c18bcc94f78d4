/**
 * Format detection when `overcast import` is given no --format (src/scenarios/traces/detect.ts).
 * The CSV samples are the first lines of the real traces in ../shared/data/traces (alibaba-2018
 * machine_usage.csv, azure-v1 vm_cpu_readings, bitbrains-rnd, esxtop, planetlab, sysstat-sadf),
 * shortened; the JSON ones are this repository's fixtures.
 */
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/scenarios/traces/detect.js';
import { runCli } from '../helpers/cli.js';

const SAMPLES: [string, string][] = [
  ['alibaba-2018', 'm_1932,386640,41,92,,,43.04,33.08,5\nm_1932,386670,43,92,,,43.04,33.08,5\n'],
  ['azure-v1', '0,+ZcrOp5/c/fJ6mVgP5qMZlOAGDwyjaaDNM0WoWOt2IDb47gT0UwK9lFwkPQv3C7Q,2.052803,3.911587,2.86979\n'],
  ['bitbrains', 'Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%]\n'],
  ['esxtop', '(PDH-CSV 4.0) (UTC)(0),\\\\host\\Physical Cpu(0)\\% Processor Time\n'],
  ['planetlab', '33\n41\n28\n'],
  ['sadf', '# hostname;interval;timestamp;CPU;%usr;%nice\nSYSSTAT.TEST;31;2019-04-18 13:20:19 UTC;-1;2.15;12.50\n'],
  ['generic', 'value,runtime,starttime,VM_id\n7878.28,30.04,2023-06-23 16:37:49.000,0\n'],
  ['prometheus', '{"status":"success","data":{"resultType":"matrix","result":[]}}'],
  ['openstack', '[{"ID":"1","Name":"m1.small","RAM":2048,"VCPUs":1}]'],
  ['cloudstack', '{"count":1,"host":[{"name":"kvm-01","cpunumber":48,"memorytotal":1}]}'],
];

describe('import format detection', () => {
  it.each(SAMPLES)('tells %s from its content', (format, text) => {
    expect(detectFormat('f', text)?.format).toBe(format);
  });

  it('says nothing for content of no known format', () => {
    expect(detectFormat('f', '1.5 2.5\n3 4\n')).toBeUndefined();
    expect(detectFormat('f', '{"foo": 1}')).toBeUndefined();
  });

  it('explains the detection on stderr and imports; an unknown file is exit 2 asking for --format', async () => {
    const r = await runCli(['import', 'test/fixtures/cloud/openstack']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('--format not given: using openstack, because test/fixtures/cloud/openstack/flavors.json reads as openstack flavor list --long (columns Name, RAM, VCPUs)\n');
    const bad = await runCli(['import', 'test/fixtures/cloud/openstack/README.md']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('matches no known format');
  });
});
