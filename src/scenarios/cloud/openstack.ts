/**
 * An OpenStack cloud as a scenario: hosts from Placement resource-provider inventories (or, for
 * clouds whose compute API still has them, `openstack hypervisor list --long`), VMs from
 * `openstack server list --all-projects --long` and their sizes from `openstack flavor list --long`.
 *
 * Inventory semantics are Placement's: a provider offers (total − reserved) × allocation_ratio of a
 * resource class (placement API reference, "Resource provider inventories"), which is what the
 * scenario's hosts (`cpu.cores`, `cpu.reservedCores`, `memory.totalGiB`, `memory.reservedGiB`) and
 * `overcommit` mean too. Identical hosts form one host group, VMs of one flavor on one host form one
 * VM group pinned to it (`host`), and `placement: as-is` keeps them there, so the first run is the
 * cloud as it runs today.
 *
 * Column names, as the clients print them with `-f json` (checked against their sources):
 * - `openstack server list --long`: `ID`, `Name`, `Status`, `Host`, and the flavor as `Flavor Name`
 *   + `Flavor ID` below compute microversion 2.47, as `Flavor` (the embedded flavor's
 *   original_name) from 2.47 on; `Host` is the server's hypervisor_hostname
 *   (OS-EXT-SRV-ATTR:hypervisor_hostname), null when unscheduled (python-openstackclient
 *   openstackclient/compute/v2/server.py ListServer @ 004b2ab2; before the SDK port, e.g. @
 *   0daa0969, `--long` had no flavor column and `Host` was OS-EXT-SRV-ATTR:host);
 * - `openstack flavor list --long`: `ID`, `Name`, `RAM` (MiB), `Disk`, `Ephemeral`, `VCPUs`,
 *   `Is Public`, `Swap`, `RXTX Factor`, `Properties` (flavor.py ListFlavor @ 01483593);
 * - `openstack hypervisor list --long`: `Hypervisor Hostname`, `vCPUs`, `Memory MB` (and `vCPUs
 *   Used`, `Memory MB Used`), only below microversion 2.88 (hypervisor.py ListHypervisor);
 * - `openstack resource provider list`: `uuid`, `name`, `generation` (and `root_provider_uuid`,
 *   `parent_provider_uuid` from placement 1.14, when providers nest: osc_placement/resources/
 *   resource_provider.py); a nested provider (GPU, NIC) has no VCPU or MEMORY_MB and is no host;
 * - `openstack resource provider inventory list`: `resource_class`, `allocation_ratio`,
 *   `min_unit`, `max_unit`, `reserved`, `step_size`, `total` (openstack/osc-placement
 *   osc_placement/resources/inventory.py ListInventory @ 644feaa5).
 *
 * Pure: takes the parsed JSON documents and their names, returns the scenario and what was decided.
 */
import { CloudInputError, field, type CloudDocument } from './documents.js';

export interface CloudImport {
  /** A scenario document (schema input form). */
  scenario: Record<string, unknown>;
  /** Lines for the summary: what was read, grouped, skipped and assumed. */
  notes: string[];
  /** Real host name → scenario host name (`<group>-<n>`), written as comments. */
  hostNames: [string, string][];
}

export interface HostSpec {
  name: string;
  cores: number;
  reservedCores: number;
  memoryMiB: number;
  reservedMiB: number;
  cpuRatio: number | undefined;
  memoryRatio: number | undefined;
}

interface Flavor {
  vcpus: number;
  ramMiB: number;
}

/** Server statuses that run guests; others (SHUTOFF, ERROR, SHELVED_OFFLOADED, …) use no CPU. */
const RUNNING = new Set(['ACTIVE']);

/** Assumed mean vCPU utilisation when no measurement is imported (range 5–40 %, an assumption). */
export const ASSUMED_UTIL_PCT = 20;

/**
 * The same, written into the scenario as a range (docs/scenarios.md, "Ranges"): runs use 20 %,
 * and `overcast sensitivity` / `recommend --robust` show what the unmeasured load decides.
 */
const assumedUtilRange = () => ({ between: [5, 40], nominal: ASSUMED_UTIL_PCT, reason: 'not measured: import a libvirt-exporter capture (docs/import.md)' });

export function importOpenStack(docs: readonly CloudDocument[]): CloudImport {
  const notes: string[] = [];
  const of = (kind: CloudDocument['kind']): CloudDocument[] => docs.filter((d) => d.kind === kind);

  const providerNames = new Map<string, string>();
  for (const doc of of('openstack-providers')) {
    doc.rows.forEach((row, i) => providerNames.set(field(doc, i, row, 'uuid', 'string'), field(doc, i, row, 'name', 'string')));
  }
  const hosts: HostSpec[] = [];
  for (const doc of of('openstack-inventory')) {
    const host = inventoryHost(doc, providerNames);
    if (host) hosts.push(host);
    else notes.push(`${doc.file}: no VCPU or MEMORY_MB inventory (a nested provider, e.g. a GPU or a NIC): not a host`);
  }
  if (hosts.length === 0) for (const doc of of('openstack-hypervisors')) hosts.push(...hypervisorHosts(doc));
  if (hosts.length === 0) throw new CloudInputError('(inputs)', 'no hosts: expected Placement inventories (inventory-<provider uuid>.json) or `openstack hypervisor list --long -f json` output');
  notes.push(`${hosts.length} hosts from ${of('openstack-inventory').length > 0 ? 'Placement inventories' : 'hypervisor list'}`);

  const flavors = new Map<string, Flavor>();
  for (const doc of of('openstack-flavors')) {
    doc.rows.forEach((row, i) => {
      const flavor = { vcpus: field(doc, i, row, 'VCPUs', 'number'), ramMiB: field(doc, i, row, 'RAM', 'number') };
      flavors.set(field(doc, i, row, 'Name', 'string'), flavor);
      flavors.set(field(doc, i, row, 'ID', 'string'), flavor);
    });
  }

  const servers: RunningVm[] = [];
  const skipped = new Map<string, number>();
  const skip = (why: string): void => void skipped.set(why, (skipped.get(why) ?? 0) + 1);
  for (const doc of of('openstack-servers')) {
    doc.rows.forEach((row, i) => {
      const status = field(doc, i, row, 'Status', 'string');
      if (!RUNNING.has(status)) return skip(`status ${status}`);
      // `Flavor Name` below compute microversion 2.47, `Flavor` (original_name) from 2.47 on.
      const flavorColumn = typeof row['Flavor Name'] === 'string' ? 'Flavor Name' : 'Flavor';
      const flavorName = field(doc, i, row, flavorColumn, 'string');
      const flavor = flavors.get(flavorName) ?? (typeof row['Flavor ID'] === 'string' ? flavors.get(row['Flavor ID']) : undefined);
      if (!flavor) throw new CloudInputError(`${doc.file}[${i}].${flavorColumn}`, `flavor '${flavorName}' is not in the flavor list (expected \`openstack flavor list --long --all -f json\` output among the inputs)`);
      servers.push({ host: typeof row.Host === 'string' ? row.Host : '', size: flavorName, vcpus: flavor.vcpus, ramMiB: flavor.ramMiB });
    });
  }
  return buildCloudScenario('openstack', hosts, servers, skipped, notes);
}

/** A running VM: the host it is on (as the cloud names it) and its size. */
export interface RunningVm {
  host: string;
  /** Flavor or service offering name: VMs of one size on one host form a group. */
  size: string;
  vcpus: number;
  ramMiB: number;
}

/** Groups identical hosts and (size, host) VMs into a scenario with placement as-is. */
export function buildCloudScenario(source: string, hosts: readonly HostSpec[], servers: readonly RunningVm[], skipped: Map<string, number>, notes: string[]): CloudImport {
  const skip = (why: string): void => void skipped.set(why, (skipped.get(why) ?? 0) + 1);
  // Allocation ratios: the scenario has one pair; take the most common and say so when hosts differ.
  const cpuRatio = commonest(hosts.map((h) => h.cpuRatio), 'cpu', notes);
  const memoryRatio = commonest(hosts.map((h) => h.memoryRatio), 'memory', notes);

  // Identical hosts → one group, named by size; hosts keep their order within a group.
  const groups = new Map<string, { spec: HostSpec; members: string[] }>();
  for (const h of hosts) {
    const key = `${h.cores}/${h.reservedCores}/${h.memoryMiB}/${h.reservedMiB}`;
    const entry = groups.get(key) ?? { spec: h, members: [] };
    entry.members.push(h.name);
    groups.set(key, entry);
  }
  const scenarioHost = new Map<string, string>();
  const hostGroups = [...groups.values()].map(({ spec, members }) => {
    const name = `compute-${spec.cores}c-${Math.round(spec.memoryMiB / 1024)}g`;
    members.forEach((m, i) => scenarioHost.set(m, `${name}-${i + 1}`));
    return {
      name,
      count: members.length,
      cpu: { cores: spec.cores, reservedCores: spec.reservedCores },
      memory: { totalGiB: round(spec.memoryMiB / 1024), reservedGiB: round(spec.reservedMiB / 1024) },
    };
  });
  notes.push(`${hostGroups.length} host group${hostGroups.length === 1 ? '' : 's'} of identical hosts`);

  // VMs: one group per (size, host), pinned to the host.
  const vmGroups = new Map<string, { name: string; count: number; vcpus: number; memoryGiB: number; host: string }>();
  for (const vm of servers) {
    const host = matchHost(vm.host, scenarioHost);
    if (host === undefined) {
      skip(vm.host === '' ? 'no host (not an admin listing, or not scheduled)' : `host '${vm.host}' is not among the hosts`);
      continue;
    }
    const key = `${vm.size}\u0000${host}`;
    const entry = vmGroups.get(key) ?? { name: `${slug(vm.size)}-on-${host}`, count: 0, vcpus: vm.vcpus, memoryGiB: round(vm.ramMiB / 1024), host };
    entry.count++;
    vmGroups.set(key, entry);
  }
  if (vmGroups.size === 0) throw new CloudInputError('(inputs)', 'no running VMs on known hosts: expected the server or virtual machine list among the inputs (docs/import.md)');
  const running = [...vmGroups.values()].reduce((n, g) => n + g.count, 0);
  notes.push(`${running} running VMs in ${vmGroups.size} groups (size × host), kept on their hosts (placement: as-is)`);
  for (const [why, n] of skipped) notes.push(`skipped ${n} VM${n === 1 ? '' : 's'}: ${why}`);
  notes.push(`workload: no measurement imported; each vCPU assumed ${ASSUMED_UTIL_PCT} % busy (assumption, range 5–40 %): replace with a trace`);

  return {
    scenario: {
      name: `${source}-import`,
      description: `Imported from ${source}: ${notes.join('; ')}.`,
      overcommit: { cpu: cpuRatio ?? 4, memory: memoryRatio ?? 1 },
      placement: 'as-is',
      hosts: hostGroups,
      vms: [...vmGroups.values()].map((g) => ({ name: g.name, count: g.count, vcpus: g.vcpus, memoryGiB: g.memoryGiB, host: g.host, workload: { cpu: { utilPct: assumedUtilRange() } } })),
    },
    notes,
    hostNames: [...scenarioHost],
  };
}


/** A compute node's provider as a host; undefined for a provider with neither VCPU nor MEMORY_MB (nested providers since placement 1.14). */
function inventoryHost(doc: CloudDocument, providerNames: ReadonlyMap<string, string>): HostSpec | undefined {
  const uuid = doc.provider ?? '';
  const name = providerNames.get(uuid) ?? uuid;
  const byClass = new Map<string, { row: Record<string, unknown>; i: number }>();
  doc.rows.forEach((row, i) => byClass.set(field(doc, i, row, 'resource_class', 'string'), { row, i }));
  if (!byClass.has('VCPU') && !byClass.has('MEMORY_MB')) return undefined;
  const get = (rc: string): { total: number; reserved: number; ratio: number } => {
    const hit = byClass.get(rc);
    if (!hit) throw new CloudInputError(doc.file, `no ${rc} inventory (expected rows with resource_class VCPU and MEMORY_MB)`);
    return {
      total: field(doc, hit.i, hit.row, 'total', 'number'),
      reserved: field(doc, hit.i, hit.row, 'reserved', 'number'),
      ratio: field(doc, hit.i, hit.row, 'allocation_ratio', 'number'),
    };
  };
  const cpu = get('VCPU');
  const mem = get('MEMORY_MB');
  return { name, cores: cpu.total, reservedCores: cpu.reserved, memoryMiB: mem.total, reservedMiB: mem.reserved, cpuRatio: cpu.ratio, memoryRatio: mem.ratio };
}

function hypervisorHosts(doc: CloudDocument): HostSpec[] {
  return doc.rows.map((row, i) => ({
    name: field(doc, i, row, 'Hypervisor Hostname', 'string'),
    cores: field(doc, i, row, 'vCPUs', 'number'),
    reservedCores: 0,
    memoryMiB: field(doc, i, row, 'Memory MB', 'number'),
    // nova's reserved_host_memory_mb default (512 MB); the hypervisor API does not report it.
    reservedMiB: 512,
    cpuRatio: undefined,
    memoryRatio: undefined,
  }));
}

/**
 * A server's `Host` to a scenario host. Current clients print the hypervisor_hostname, which is
 * also the Placement provider's name; older ones printed the compute service host (OS-EXT-SRV-
 * ATTR:host), often the short form of the same name: so an exact match first, then short names.
 */
function matchHost(raw: string, known: ReadonlyMap<string, string>): string | undefined {
  if (raw === '') return undefined;
  const exact = known.get(raw);
  if (exact) return exact;
  const short = raw.split('.')[0]!;
  for (const [name, scenarioName] of known) if (name.split('.')[0] === short) return scenarioName;
  return undefined;
}

function commonest(values: readonly (number | undefined)[], what: string, notes: string[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (counts.size === 0) return undefined;
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  if (sorted.length > 1) notes.push(`${what} allocation ratios differ between hosts (${sorted.map(([r, n]) => `${r} on ${n}`).join(', ')}): the scenario uses ${sorted[0]![0]}`);
  return sorted[0]![0];
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_.]+/g, '-').replace(/^-+|-+$/g, '') || 'flavor';
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
