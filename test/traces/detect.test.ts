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
  // Text exposition: node_exporter's # HELP/# TYPE lines (collector/fixtures/e2e-output.txt), a capture's # scrape line.
  ['prometheus-text', '# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n# TYPE node_cpu_seconds_total counter\nnode_cpu_seconds_total{cpu="0",mode="idle"} 57464.83\n'],
  ['prometheus-text', '# scrape 2026-12-01T10:00:00Z\nlibvirt_up 1\n'],
];

describe('import format detection', () => {
  it.each(SAMPLES)('tells %s from its content', (format, text) => {
    expect(detectFormat('f', text)?.format).toBe(format);
  });

  it('tells the real libvirt-exporter README scrapes (no # lines at all) as text exposition, saying so', async () => {
    const { readFileSync } = await import('node:fs');
    for (const name of ['tinkoff-libvirt-exporter_README-example.prom', 'zhangjianweibj-prometheus-libvirt-exporter_README-example.prom']) {
      const found = detectFormat(name, readFileSync(`test/fixtures/traces/libvirt-exporter/${name}`, 'utf8'));
      expect(found?.format).toBe('prometheus-text');
      expect(found?.because).toContain('is Prometheus text exposition');
    }
    // Cut inside a line (detection reads the first 8 KiB): the partial last line is not held against it.
    expect(detectFormat('f', 'libvirt_up 1\nlibvirt_domain_info_virtual_cpus{domain="inst')?.format).toBe('prometheus-text');
  });

  it('does not take a space-separated table for text exposition', () => {
    expect(detectFormat('f', 'time cpu\n0 5\n')?.format).not.toBe('prometheus-text');
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
