/**
 * Config to paste: a recommendation as the settings operators actually change. Every line is at
 * most 100 characters (long commands are continued with `\`), so the text report never wraps
 * them.
 *
 * Sources for names, defaults and semantics:
 * - nova: `cpu_allocation_ratio`, `ram_allocation_ratio` (default None: when set to anything but
 *   None or 0.0, nova-compute overwrites the Placement inventory's allocation ratio with it; when
 *   unset, the ratio set in Placement stays), `initial_*_allocation_ratio` (only for new compute
 *   nodes), `reserved_host_memory_mb`, `reserved_host_cpus` (the `reserved` of the VCPU
 *   inventory), `max_concurrent_builds` ("Limits the maximum number of instance builds to run
 *   concurrently by nova-compute", default 10, per compute node, 0 = unlimited) —
 *   nova/conf/compute.py (openstack/nova @020ad2d). Nova has no option that limits concurrent
 *   power-ons (`server start`) of existing instances: `max_concurrent_builds` covers builds
 *   (create, rebuild) only.
 * - VMware Horizon: "Max concurrent power operations" in the vCenter Server settings (per vCenter
 *   Server, default 50; startup, shutdown, suspend…) — Horizon installation guide, "Setting a
 *   Concurrent Power Operations Rate to Support Remote Desktop Logon Storms" (docs.vmware.com).
 * - CloudStack: `execute.in.sequence.hypervisor.commands` (default false: "start, stop, reboot,
 *   copy and migrate commands will be serialized on the agent side" when true), so one start at a
 *   time per host and no other count — apache/cloudstack VirtualMachineManager.java.
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
import { KSMTUNED } from '../model/memory/ksm.js';
import type { RecommendResult } from '../study/recommend.js';

export interface ConfigSnippets {
  novaConf: string;
  placement: string;
  cloudstack: string;
  ksmtuned: string;
  bootThrottle: string;
}

/** A comment of any length as `# ` lines of at most 100 characters. */
function comment(text: string): string[] {
  const lines: string[] = [];
  let current = '#';
  for (const word of text.split(/\s+/)) {
    if (current.length > 1 && current.length + 1 + word.length > 100) {
      lines.push(current);
      current = '#';
    }
    current += ` ${word}`;
  }
  lines.push(current);
  return lines;
}

/** A ratio as written in config files: up to 4 decimals, no trailing zeros, at least one decimal. */
export function configNumber(value: number): string {
  const text = String(Number(value.toFixed(4)));
  return text.includes('.') ? text : `${text}.0`;
}

/**
 * ksmtuned.conf's settings as the memory model runs them (../model/memory/ksm.ts is the one home
 * of the numbers; this only names them as the file does).
 */
const KSMTUNED_DEFAULTS: [string, string, string][] = [
  ['KSM_MONITOR_INTERVAL', String(KSMTUNED.monitorIntervalSeconds), 'seconds between checks'],
  ['KSM_SLEEP_MSEC', String(KSMTUNED.sleepMs), `ksmd sleep, scaled by 16 GiB / host RAM, at least ${KSMTUNED.sleepMs} ms`],
  ['KSM_NPAGES_BOOST', String(KSMTUNED.npagesBoost), 'pages added per check while memory is short'],
  ['KSM_NPAGES_DECAY', String(KSMTUNED.npagesDecay), 'pages removed per check otherwise'],
  ['KSM_NPAGES_MIN', String(KSMTUNED.npagesMin), ''],
  ['KSM_NPAGES_MAX', String(KSMTUNED.npagesMax), ''],
  ['KSM_THRES_COEF', String(KSMTUNED.thresholdPct), `start merging when free RAM < ${KSMTUNED.thresholdPct} % …`],
  ['KSM_THRES_CONST', String(KSMTUNED.thresholdMinGiB * 1024), `… or < ${KSMTUNED.thresholdMinGiB * 1024} MB`],
];

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

  const nova: string[] = [header, '# nova.conf on every compute node; nova-compute writes these ratios into its Placement', '# inventory.'];
  for (const entry of reserved.values()) {
    if (reserved.size > 1) nova.push(`# host group ${entry.hosts.join(', ')}`);
    nova.push('[DEFAULT]');
    if (cpu !== null) nova.push(`cpu_allocation_ratio = ${configNumber(cpu)}`);
    if (ram !== null) nova.push(`ram_allocation_ratio = ${configNumber(ram)}`);
    nova.push(`reserved_host_memory_mb = ${entry.memoryMb}`);
    if (entry.cpus > 0) nova.push(`reserved_host_cpus = ${entry.cpus}`);
    if (boots !== null) nova.push('# new instances only; nova does not limit power-ons (see the boot throttle below)', `max_concurrent_builds = ${Math.round(boots)}`);
  }

  const resources = [
    cpu !== null ? `--resource VCPU:allocation_ratio=${configNumber(cpu)}` : null,
    ram !== null ? `--resource MEMORY_MB:allocation_ratio=${configNumber(ram)}` : null,
  ].filter((x): x is string => x !== null);
  // Reserved resources go into the inventory only when every host group reserves the same.
  const entries = [...reserved.values()];
  const reservedResources =
    entries.length === 1 ? [`--resource VCPU:reserved=${entries[0]!.cpus}`, `--resource MEMORY_MB:reserved=${entries[0]!.memoryMb}`] : [];
  const continued = (first: string, args: readonly string[]): string[] => [
    `${first}${args.length > 0 ? ' \\' : ''}`,
    ...args.map((a, i) => `    ${a}${i < args.length - 1 ? ' \\' : ''}`),
  ];
  const placement: string[] = [
    header,
    '# Placement inventory (Stein and later). Leave the ratios unset in nova.conf, or nova-compute',
    '# overwrites these at its next update. Per compute node resource provider:',
    'openstack resource provider list --name <hypervisor-hostname>    # its UUID',
    ...continued('openstack resource provider inventory set <uuid> --amend', [...resources, ...reservedResources]),
    ...(entries.length > 1
      ? [
          '# The host groups reserve different amounts: add --resource VCPU:reserved=<cores> and',
          '# --resource MEMORY_MB:reserved=<MB> per provider:',
          ...entries.map((e) => `#   ${e.hosts.join(', ')}: ${e.cpus} cores, ${e.memoryMb} MB`),
        ]
      : []),
    '# or every provider in a host aggregate at once (Placement API >= 1.3):',
    'openstack --os-placement-api-version 1.3 resource provider inventory set \\',
    ...continued('    <aggregate-uuid> --aggregate --amend', resources),
  ];

  const cloudstack: string[] = [header, '# CloudStack, per cluster (the global settings of the same names are the defaults):'];
  if (cpu !== null) cloudstack.push(`cmk update configuration name=cpu.overprovisioning.factor value=${configNumber(cpu)} clusterid=<cluster-uuid>`);
  if (ram !== null) cloudstack.push(`cmk update configuration name=mem.overprovisioning.factor value=${configNumber(Math.max(1, ram))} clusterid=<cluster-uuid>`);
  if (ram !== null && ram < 1) {
    cloudstack.push(`# CloudStack resets factors below 1 to 1; the recommended RAM ratio ${configNumber(ram)} means`, '# RAM is not what limits this fleet.');
  }
  cloudstack.push(
    '# CloudStack counts CPU in MHz: the factor equals the vCPU:pCPU ratio only when service',
    "# offerings give each vCPU the host core's clock speed; scale it by",
    '# (core MHz / offering MHz per vCPU) otherwise.',
  );

  const ksm: string[] = [header];
  const ksmSpec = scenario.memory.ksm;
  if (!ksmSpec.enabled) {
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

  const boot = bootThrottle(result, header);

  const text = (lines: string[]): string => `${lines.join('\n')}\n`;
  return { novaConf: text(nova), placement: text(placement), cloudstack: text(cloudstack), ksmtuned: text(ksm), bootThrottle: text(boot) };
}

/**
 * The boot limit as operators can enforce it. overcast's limit is boots in progress per host;
 * nova only limits builds, not power-ons, so the text says which setting applies to which case
 * and what to use where there is none.
 */
function bootThrottle(result: RecommendResult, header: string): string[] {
  const boots = result.combined.values.maxConcurrentBoots;
  const knob = result.knobs.find((k) => k.id === 'maxConcurrentBoots');
  if (boots === null) {
    return [
      header,
      ...comment(
        `Boot throttle: no value: ${knob?.notes[0] ?? 'no limit in the scenario'}.`,
      ),
      '# Where one is needed: nova has no setting for concurrent power-ons (max_concurrent_builds',
      '# limits new builds only); VMware Horizon has "Max concurrent power operations" per vCenter.',
    ];
  }
  const n = Math.round(boots);
  const hosts = result.scenario.hosts.reduce((sum, h) => sum + h.count, 0);
  const p95 = knob?.atValue?.slos.find((s) => s.name === 'bootSecondsP95')?.value;
  const wait = p95 !== undefined && Number.isFinite(p95) ? Math.ceil(p95) : null;
  return [
    header,
    `# At most ${n} boot${n === 1 ? '' : 's'} in progress per host (${n * hosts} across the ${hosts} hosts).`,
    '#',
    '# Desktops that already exist and are powered on (a login storm, host reboots):',
    '# OpenStack nova has no setting for this. max_concurrent_builds limits instance builds',
    '# (create, rebuild), not `openstack server start`, and nova-compute starts every power-on',
    '# it is sent at once. Throttle in what sends them, e.g. per host:',
    ...[
      `openstack server list --all-projects --host <host> --status SHUTOFF -f value -c ID |`,
      `  xargs -P ${n} -I{} sh -c 'openstack server start {} && sleep ${wait ?? '<boot seconds>'}'`,
    ],
    ...(wait !== null ? [`#   (${wait} s: the p95 boot time at this limit, so a slot frees when a boot is likely done)`] : []),
    '# VMware Horizon: vCenter Server settings, "Max concurrent power operations" (per vCenter',
    `# Server, default 50): ${n} × the hosts that vCenter manages (${n * hosts} for these ${hosts} hosts).`,
    '# CloudStack has no count: execute.in.sequence.hypervisor.commands=true starts one VM at a',
    `# time per host${n === 1 ? ' (exactly this limit)' : `, stricter than ${n}`}:`,
    ...(n === 1 ? ['cmk update configuration name=execute.in.sequence.hypervisor.commands value=true'] : []),
    '#',
    '# New instances (builds), where nova does limit them: nova.conf [DEFAULT] on every compute node',
    `max_concurrent_builds = ${n}`,
  ];
}
