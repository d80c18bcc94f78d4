/**
 * A CloudStack cloud as a scenario: hosts from `cmk list hosts type=Routing` (cpunumber, memorytotal
 * in bytes), running VMs from `cmk list virtualmachines listall=true` (hostname, cpunumber, memory in
 * MiB, serviceofferingname) and the allocation ratios from `cmk list configurations` rows
 * `cpu.overprovisioning.factor` / `mem.overprovisioning.factor` (CloudStack applies them to a
 * cluster's capacity as Placement's allocation_ratio does). Service offerings, when given, only fill
 * in a VM's size where its row lacks it.
 *
 * Field names are those of the API's response classes (apache/cloudstack
 * api/src/main/java/org/apache/cloudstack/api/response/): HostResponse @ e0566769 `name`, `type`
 * (`Routing` for hypervisors), `cpunumber`, `memorytotal` (deprecated there in favour of
 * `memorywithoverprovisioning`, still returned; the class states no unit: read as bytes);
 * UserVmResponse @ 04a2f419 `state`, `hostname`, `cpunumber`,
 * `memory` (MiB), `serviceofferingname`; ConfigurationResponse `name`, `value`.
 *
 * Pure: takes the parsed documents, returns the scenario (see openstack.ts for the grouping).
 */
import { CloudInputError, field, type CloudDocument } from './documents.js';
import { buildCloudScenario, type CloudImport, type HostSpec, type RunningVm } from './openstack.js';

const MIB = 1024 * 1024;

export function importCloudStack(docs: readonly CloudDocument[]): CloudImport {
  const notes: string[] = [];
  const of = (kind: CloudDocument['kind']): CloudDocument[] => docs.filter((d) => d.kind === kind);

  // Cluster-scoped settings: a scenario has one pair, so the first value is used and others are noted.
  const ratio = (name: string): number | undefined => {
    const values: number[] = [];
    for (const doc of of('cloudstack-configurations')) {
      doc.rows.forEach((row, i) => {
        if (row.name === name) values.push(field(doc, i, row, 'value', 'number'));
      });
    }
    if (new Set(values).size > 1) notes.push(`${name} differs between the lists (${values.join(', ')}): the scenario uses ${values[0]}`);
    return values[0];
  };
  const cpuRatio = ratio('cpu.overprovisioning.factor');
  const memoryRatio = ratio('mem.overprovisioning.factor');
  if (cpuRatio === undefined || memoryRatio === undefined) {
    notes.push('no cpu./mem.overprovisioning.factor among the inputs: CloudStack’s defaults 1.0 are used');
  }

  const hosts: HostSpec[] = [];
  for (const doc of of('cloudstack-hosts')) {
    doc.rows.forEach((row, i) => {
      if (typeof row.type === 'string' && row.type !== 'Routing') return; // storage VMs, console proxies
      hosts.push({
        name: field(doc, i, row, 'name', 'string'),
        cores: field(doc, i, row, 'cpunumber', 'number'),
        reservedCores: 0,
        memoryMiB: Math.round(field(doc, i, row, 'memorytotal', 'number') / MIB),
        reservedMiB: 0,
        cpuRatio: cpuRatio ?? 1,
        memoryRatio: memoryRatio ?? 1,
      });
    });
  }
  if (hosts.length === 0) throw new CloudInputError('(inputs)', 'no hosts: expected `cmk list hosts type=Routing` output (a "host" list)');
  notes.push(`${hosts.length} hosts from list hosts`);

  const offerings = new Map<string, { vcpus: number; ramMiB: number }>();
  for (const doc of of('cloudstack-offerings')) {
    doc.rows.forEach((row, i) => {
      if (typeof row.cpunumber === 'number' && typeof row.memory === 'number') offerings.set(field(doc, i, row, 'name', 'string'), { vcpus: row.cpunumber, ramMiB: row.memory });
    });
  }

  const vms: RunningVm[] = [];
  const skipped = new Map<string, number>();
  for (const doc of of('cloudstack-vms')) {
    doc.rows.forEach((row, i) => {
      const state = field(doc, i, row, 'state', 'string');
      if (state !== 'Running') return void skipped.set(`state ${state}`, (skipped.get(`state ${state}`) ?? 0) + 1);
      const offering = typeof row.serviceofferingname === 'string' ? row.serviceofferingname : 'custom';
      const known = offerings.get(offering);
      const vcpus = typeof row.cpunumber === 'number' || known === undefined ? field(doc, i, row, 'cpunumber', 'number') : known.vcpus;
      const ramMiB = typeof row.memory === 'number' || known === undefined ? field(doc, i, row, 'memory', 'number') : known.ramMiB;
      vms.push({ host: typeof row.hostname === 'string' ? row.hostname : '', size: `${offering}-${vcpus}c${ramMiB}m`, vcpus, ramMiB });
    });
  }
  return buildCloudScenario('cloudstack', hosts, vms, skipped, notes);
}
