/**
 * Config to paste: a recommendation as the settings operators actually change.
 *
 * Sources for names, defaults and semantics:
 * - nova: `cpu_allocation_ratio`, `ram_allocation_ratio` (default None: when set to anything but
 *   None or 0.0, nova-compute overwrites the Placement inventory's allocation ratio with it; when
 *   unset, the ratio set in Placement stays), `initial_*_allocation_ratio` (only for new compute
 *   nodes), `reserved_host_memory_mb`, `reserved_host_cpus`, `max_concurrent_builds` (default 10,
 *   per compute node, 0 = unlimited) — nova/conf/compute.py (openstack/nova @020ad2d).
 * - Placement CLI: `openstack resource provider inventory set <uuid> --amend --resource
 *   VCPU:allocation_ratio=…` (`--amend` keeps the other inventory fields; `--aggregate` sets every
 *   provider of an aggregate, Placement API ≥ 1.3) — osc_placement/resources/inventory.py.
 * - CloudStack: `cpu.overprovisioning.factor`, `mem.overprovisioning.factor` (global defaults 1,
 *   settable per cluster; values below 1 are reset to 1) — apache/cloudstack Config.java via
 *   ../shared/reference/calibration.md §3. CloudStack counts CPU in MHz (vCPUs × offering speed
 *   against cores × clock), so its factor equals the vCPU:pCPU ratio only when offerings give
 *   each vCPU the host core's clock speed.
 * - ksmtuned defaults (/etc/ksmtuned.conf from qemu-kvm) and the KSM sysfs knobs
 *   (/sys/kernel/mm/ksm/{run,pages_to_scan,sleep_millisecs}, Documentation/admin-guide/mm/ksm.rst):
 *   calibration.md §1.
 */
import type { RecommendResult } from '../study/recommend.js';

export interface ConfigSnippets {
  novaConf: string;
  placement: string;
  cloudstack: string;
  ksmtuned: string;
  bootThrottle: string;
}

/** A ratio as written in config files: up to 4 decimals, no trailing zeros, at least one decimal. */
export function configNumber(value: number): string {
  const text = String(Number(value.toFixed(4)));
  return text.includes('.') ? text : `${text}.0`;
}

const KSMTUNED_DEFAULTS: [string, string, string][] = [
  ['KSM_MONITOR_INTERVAL', '60', 'seconds between checks'],
  ['KSM_SLEEP_MSEC', '10', 'ksmd sleep, scaled by 16 GiB / host RAM, at least 10 ms'],
  ['KSM_NPAGES_BOOST', '300', 'pages added per check while memory is short'],
  ['KSM_NPAGES_DECAY', '-50', 'pages removed per check otherwise'],
  ['KSM_NPAGES_MIN', '64', ''],
  ['KSM_NPAGES_MAX', '1250', ''],
  ['KSM_THRES_COEF', '20', 'start merging when free RAM < 20 % …'],
  ['KSM_THRES_CONST', '2048', '… or < 2048 MB'],
];

interface KsmSettings {
  enabled: boolean;
  tuned: boolean;
  pagesToScan: number;
  sleepMs: number;
}

/** The scenario's KSM settings when the memory model has them (read by name, so this works without it). */
function readKsm(scenario: RecommendResult['scenario']): KsmSettings | null {
  const ksm = (scenario as unknown as { memory?: { ksm?: Partial<KsmSettings> } }).memory?.ksm;
  if (!ksm || typeof ksm.enabled !== 'boolean') return null;
  return { enabled: ksm.enabled, tuned: ksm.tuned === true, pagesToScan: ksm.pagesToScan ?? 100, sleepMs: ksm.sleepMs ?? 20 };
}

export function configSnippets(result: RecommendResult): ConfigSnippets {
  const { values } = result.combined;
  const cpu = values.cpuAllocationRatio;
  const ram = values.ramAllocationRatio;
  const boots = values.maxConcurrentBoots;
  const scenario = result.scenario;
  const header = `# overcast recommend ${scenario.name} (seed ${scenario.seed}; SLOs at ${Math.round(result.confidence * 100)} % confidence${result.nPlus1 ? ', N+1' : ''})`;
  const reserved = new Map<string, { memoryMb: number; cpus: number; hosts: string[] }>();
  for (const h of scenario.hosts) {
    const memoryMb = Math.round(h.memory.reservedGiB * 1024);
    const key = `${memoryMb}|${h.cpu.reservedCores}`;
    const entry = reserved.get(key) ?? { memoryMb, cpus: h.cpu.reservedCores, hosts: [] };
    entry.hosts.push(`${h.name} (${h.count})`);
    reserved.set(key, entry);
  }

  const nova: string[] = [header, '# nova.conf on every compute node; nova-compute writes these ratios into its Placement inventory.'];
  for (const entry of reserved.values()) {
    if (reserved.size > 1) nova.push(`# host group ${entry.hosts.join(', ')}`);
    nova.push('[DEFAULT]');
    if (cpu !== null) nova.push(`cpu_allocation_ratio = ${configNumber(cpu)}`);
    if (ram !== null) nova.push(`ram_allocation_ratio = ${configNumber(ram)}`);
    nova.push(`reserved_host_memory_mb = ${entry.memoryMb}`);
    if (entry.cpus > 0) nova.push(`reserved_host_cpus = ${entry.cpus}`);
    if (boots !== null) nova.push(`max_concurrent_builds = ${Math.round(boots)}`);
  }

  const resources = [
    cpu !== null ? `--resource VCPU:allocation_ratio=${configNumber(cpu)}` : null,
    ram !== null ? `--resource MEMORY_MB:allocation_ratio=${configNumber(ram)}` : null,
  ].filter((x): x is string => x !== null);
  const memoryReserved = [...reserved.values()].map((e) => e.memoryMb);
  const placement: string[] = [
    header,
    '# Placement inventory (Stein and later). Leave the ratios unset in nova.conf, or nova-compute',
    '# overwrites these at its next update. Per compute node resource provider:',
    'openstack resource provider list --name <hypervisor-hostname>    # its UUID',
    `openstack resource provider inventory set <uuid> --amend \\`,
    ...[...resources, ...(new Set(memoryReserved).size === 1 ? [`--resource MEMORY_MB:reserved=${memoryReserved[0]}`] : [])].map(
      (r, i, all) => `    ${r}${i < all.length - 1 ? ' \\' : ''}`,
    ),
    '# or every provider in a host aggregate at once (Placement API >= 1.3):',
    `openstack --os-placement-api-version 1.3 resource provider inventory set <aggregate-uuid> --aggregate --amend ${resources.join(' ')}`,
  ];

  const cloudstack: string[] = [header, '# CloudStack, per cluster (the global settings of the same names are the defaults):'];
  if (cpu !== null) cloudstack.push(`cmk update configuration name=cpu.overprovisioning.factor value=${configNumber(cpu)} clusterid=<cluster-uuid>`);
  if (ram !== null) cloudstack.push(`cmk update configuration name=mem.overprovisioning.factor value=${configNumber(Math.max(1, ram))} clusterid=<cluster-uuid>`);
  if (ram !== null && ram < 1) cloudstack.push(`# CloudStack resets factors below 1 to 1; the recommended RAM ratio ${configNumber(ram)} means RAM is not what limits this fleet.`);
  cloudstack.push(
    '# CloudStack counts CPU in MHz: the factor equals the vCPU:pCPU ratio only when service offerings',
    "# give each vCPU the host core's clock speed; scale it by (core MHz / offering MHz per vCPU) otherwise.",
  );

  const ksm: string[] = [header];
  const ksmSpec = readKsm(scenario);
  if (ksmSpec === null) {
    ksm.push(
      '# ksmtuned: KSM is not modelled in this version, so overcast has no recommendation for it.',
      "# ksmtuned's shipped defaults (/etc/ksmtuned.conf), for reference:",
      ...KSMTUNED_DEFAULTS.map(([k, v, why]) => `# ${k}=${v}${why ? `    # ${why}` : ''}`),
    );
  } else if (!ksmSpec.enabled) {
    ksm.push('# KSM off, as modelled (the kernel default):', 'echo 0 > /sys/kernel/mm/ksm/run', 'systemctl disable --now ksmtuned    # where installed');
  } else if (ksmSpec.tuned) {
    ksm.push(
      '# KSM driven by ksmtuned, as modelled, with its shipped defaults (/etc/ksmtuned.conf):',
      ...KSMTUNED_DEFAULTS.map(([k, v, why]) => `${k}=${v}${why ? `    # ${why}` : ''}`),
      'systemctl enable --now ksm ksmtuned',
    );
  } else {
    ksm.push(
      '# KSM at a fixed scan rate, as modelled (no ksmtuned):',
      `echo ${ksmSpec.pagesToScan} > /sys/kernel/mm/ksm/pages_to_scan`,
      `echo ${ksmSpec.sleepMs} > /sys/kernel/mm/ksm/sleep_millisecs`,
      'echo 1 > /sys/kernel/mm/ksm/run',
    );
  }
  if (ksmSpec !== null) ksm.push('# The recommendation holds for these KSM settings; recommend again after changing them.');

  const boot: string[] = [header];
  if (boots !== null) {
    boot.push('# nova.conf [DEFAULT] on every compute node: builds (boots) nova-compute runs at once', `max_concurrent_builds = ${Math.round(boots)}`);
  } else {
    const bootKnob = result.knobs.find((k) => k.id === 'maxConcurrentBoots');
    boot.push(
      bootKnob?.status === 'not-modelled'
        ? '# Boot throttle: not modelled yet (it comes with the IO and boot-storm model), so no value.'
        : `# Boot throttle: no value (${bootKnob?.notes[0] ?? 'no limit in the scenario'}).`,
      '# The OpenStack knob is nova.conf [DEFAULT] max_concurrent_builds (per compute node; default 10,',
      '# 0 = unlimited); VDI brokers have their own limits on concurrent power operations.',
    );
  }

  const text = (lines: string[]): string => `${lines.join('\n')}\n`;
  return { novaConf: text(nova), placement: text(placement), cloudstack: text(cloudstack), ksmtuned: text(ksm), bootThrottle: text(boot) };
}
