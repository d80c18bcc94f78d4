/**
 * Why VMs fit no host, in words an operator can act on: a VM larger than every host on its own
 * (overcommit never lets one VM exceed a host's usable pCPUs or RAM: ../model/placement.ts), or
 * allocation ratios whose capacity the VMs placed before it used up.
 */
import type { Placement, UnplacedGroup } from '../model/placement.js';
import type { ModelScenario } from '../model/scenario.js';
import { fmt } from './format.js';

/** A count of vCPUs or GiB: whole when it is (a capacity at a fractional ratio may not be). */
const amount = (n: number): string => (Number.isInteger(n) ? String(n) : fmt(n));

export function explainUnplaced(u: UnplacedGroup, scenario: ModelScenario, placement: Placement): string {
  const group = scenario.vms.find((g) => g.name === u.group);
  const hosts = placement.hosts;
  const size = group ? `${group.vcpus} vCPUs and ${amount(group.memoryGiB)} GiB each` : '';
  if (u.reason === 'larger-than-host') {
    const maxPcpus = Math.max(0, ...hosts.map((h) => h.pcpus));
    const maxGiB = Math.max(0, ...hosts.map((h) => h.memoryGiB));
    const tooMany = group ? [group.vcpus > maxPcpus ? 'vCPUs' : '', group.memoryGiB > maxGiB ? 'RAM' : ''].filter(Boolean) : [];
    const which = tooMany.length > 0 ? `more ${tooMany.join(' and ')} than` : 'no host has both, though each is below';
    return `larger than any host (${size}; ${which} the largest host's usable ${maxPcpus} pCPUs and ${amount(maxGiB)} GiB, after reserved cores and memory); overcommit never lets one VM exceed a host`;
  }
  const vcpuCapacity = hosts.reduce((s, h) => s + h.vcpuCapacity, 0);
  const vcpus = hosts.reduce((s, h) => s + h.vcpusAllocated, 0);
  const ramCapacity = hosts.reduce((s, h) => s + h.memoryCapacityGiB, 0);
  const ram = hosts.reduce((s, h) => s + h.memoryAllocatedGiB, 0);
  const parts: string[] = [];
  if (u.reason === 'vcpu' || u.reason === 'vcpu+memory') {
    parts.push(`vCPU capacity used up (${amount(vcpus)} of ${amount(vcpuCapacity)} vCPUs allocated: usable pCPUs × cpu ratio ${fmt(scenario.overcommit.cpu)})`);
  }
  if (u.reason === 'memory' || u.reason === 'vcpu+memory') {
    parts.push(`RAM capacity used up (${amount(ram)} of ${amount(ramCapacity)} GiB allocated: usable RAM × ram ratio ${fmt(scenario.overcommit.memory)})`);
  }
  return `${parts.join(' and ')} on every host that could take one${size ? ` (${size})` : ''}: raise the ratio or add hosts`;
}
