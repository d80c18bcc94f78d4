import { describe, expect, it } from 'vitest';
import { inProcessRunner } from '../../src/model/runner.js';
import { configNumber, configSnippets } from '../../src/report/config-snippets.js';
import { recommend } from '../../src/study/recommend.js';
import { REPAIRMAN_YAML, scenario, source } from './helpers.js';

describe('config to paste', () => {
  it('writes ratios as config files do', () => {
    expect([2.5, 4, 0.55, 1.234567, 16].map(configNumber)).toEqual(['2.5', '4.0', '0.55', '1.2346', '16.0']);
  });

  it('gives nova.conf, the Placement command, CloudStack, KSM and the boot throttle for a recommendation', async () => {
    const result = await recommend(source(REPAIRMAN_YAML, ['hosts.h.memory.reservedGiB=8']), inProcessRunner(), { knobs: ['cpuAllocationRatio'], whatIf: [], riskCurve: false });
    const snippets = configSnippets(result);
    expect(snippets.novaConf).toBe(
      [
        '# overcast recommend repairman (seed 7; SLOs at 95 % confidence)',
        '# nova.conf on every compute node; nova-compute writes these ratios into its Placement',
        '# inventory.',
        '[DEFAULT]',
        'cpu_allocation_ratio = 2.5',
        'ram_allocation_ratio = 1.5',
        'reserved_host_memory_mb = 8192',
        '',
      ].join('\n'),
    );
    expect(snippets.placement).toContain(
      [
        'openstack resource provider inventory set <uuid> --amend \\',
        '    --resource VCPU:allocation_ratio=2.5 \\',
        '    --resource MEMORY_MB:allocation_ratio=1.5 \\',
        // nova's reserved_host_cpus and reserved_host_memory_mb are these inventories' `reserved`.
        '    --resource VCPU:reserved=0 \\',
        '    --resource MEMORY_MB:reserved=8192',
      ].join('\n'),
    );
    expect(snippets.placement).toContain(
      ['    <aggregate-uuid> --aggregate --amend \\', '    --resource VCPU:allocation_ratio=2.5 \\', '    --resource MEMORY_MB:allocation_ratio=1.5'].join('\n'),
    );
    expect(snippets.cloudstack).toContain('cmk update configuration name=cpu.overprovisioning.factor value=2.5 clusterid=<cluster-uuid>\ncmk update configuration name=mem.overprovisioning.factor value=1.5 clusterid=<cluster-uuid>');
    expect(snippets.ksmtuned).toContain('echo 0 > /sys/kernel/mm/ksm/run');
    expect(snippets.bootThrottle).toContain('no VMs boot in this scenario');
  });

  it('writes the scenario’s KSM settings: ksmtuned, or a fixed scan rate', async () => {
    // The snippets read the settings from the scenario: reuse one recommendation with others.
    const result = await recommend(source(REPAIRMAN_YAML), inProcessRunner(), { knobs: ['cpuAllocationRatio'], whatIf: [], riskCurve: false });
    const tuned = await scenario(REPAIRMAN_YAML, ['ksm={enabled: true, tuned: true}']);
    expect(configSnippets({ ...result, scenario: tuned }).ksmtuned).toContain('KSM_NPAGES_MAX=1250');
    const fixed = await scenario(REPAIRMAN_YAML, ['ksm={enabled: true, pagesToScan: 200, sleepMs: 10}']);
    expect(configSnippets({ ...result, scenario: fixed }).ksmtuned).toContain('echo 200 > /sys/kernel/mm/ksm/pages_to_scan\necho 10 > /sys/kernel/mm/ksm/sleep_millisecs\necho 1 > /sys/kernel/mm/ksm/run');
  });
});
