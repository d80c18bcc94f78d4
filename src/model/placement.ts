/**
 * Initial placement of VMs on hosts, following OpenStack Placement and nova's filter scheduler.
 *
 * A host offers (total − reserved) × allocation_ratio of each resource (placement
 * `_check_capacity_exceeded`; nova/conf/compute.py). A VM fits when the VCPU and MEMORY_MB
 * allocations still fit, and, as OpenDC's VCpuFilter/RamFilter do, when it is no larger than the
 * host's usable physical resources on its own: overcommit is against other instances, never
 * against itself. Among fitting hosts, `pack` takes the one with the least free RAM (nova's
 * RAMWeigher with a negative multiplier, "stacking") and `spread` the one with the most (nova's
 * default); ties go to the lower host index. VMs are placed in file order.
 *
 * VMs that do not fit are reported per group with the resource that ran out, never dropped.
 */
import type { ModelScenario, VmGroup } from './scenario.js';

export interface PlacedHost {
  /** e.g. `compute-3`: host group name and 1-based index. */
  name: string;
  group: number;
  /** Usable pCPUs: cores − reservedCores. */
  pcpus: number;
  /** Usable physical memory: gib − reservedGiB. */
  memoryGiB: number;
  vcpuCapacity: number;
  memoryCapacityGiB: number;
  vcpusAllocated: number;
  memoryAllocatedGiB: number;
  /** Indices into `Placement.vms`, in placement order. */
  vms: number[];
}

export interface PlacedVm {
  /** e.g. `desktop-17`: VM group name and 1-based index. */
  name: string;
  group: number;
  host: number;
  vcpus: number;
  memoryGiB: number;
}

export type UnplacedReason = 'vcpu' | 'memory' | 'vcpu+memory' | 'larger-than-host';

export interface UnplacedGroup {
  group: string;
  count: number;
  reason: UnplacedReason;
}

export interface Placement {
  hosts: PlacedHost[];
  vms: PlacedVm[];
  unplaced: UnplacedGroup[];
}

/** Upper bound on VMs created by `count: fill`, against pathological inputs. */
export const FILL_LIMIT = 1_000_000;

export function place(scenario: ModelScenario): Placement {
  const hosts: PlacedHost[] = [];
  scenario.hosts.forEach((group, g) => {
    const pcpus = group.cpu.cores - group.cpu.reservedCores;
    const memoryGiB = group.memory.totalGiB - group.memory.reservedGiB;
    for (let i = 0; i < group.count; i++) {
      hosts.push({
        name: `${group.name}-${i + 1}`,
        group: g,
        pcpus,
        memoryGiB,
        vcpuCapacity: pcpus * scenario.overcommit.cpu,
        memoryCapacityGiB: memoryGiB * scenario.overcommit.memory,
        vcpusAllocated: 0,
        memoryAllocatedGiB: 0,
        vms: [],
      });
    }
  });

  const vms: PlacedVm[] = [];
  const unplaced = new Map<string, UnplacedGroup>();
  const noteUnplaced = (group: string, reason: UnplacedReason): void => {
    const key = `${group}\u0000${reason}`;
    const entry = unplaced.get(key);
    if (entry) entry.count++;
    else unplaced.set(key, { group, count: 1, reason });
  };

  scenario.vms.forEach((group, g) => {
    const fill = group.count === 'fill';
    const wanted = fill ? FILL_LIMIT : (group.count as number);
    for (let i = 0; i < wanted; i++) {
      const choice = chooseHost(hosts, group, scenario.placement);
      if (typeof choice === 'string') {
        // `fill` stops at the first VM that no longer fits; that one is not a missing VM.
        if (fill) break;
        noteUnplaced(group.name, choice);
        continue;
      }
      const host = hosts[choice]!;
      host.vcpusAllocated += group.vcpus;
      host.memoryAllocatedGiB += group.memoryGiB;
      host.vms.push(vms.length);
      vms.push({ name: `${group.name}-${i + 1}`, group: g, host: choice, vcpus: group.vcpus, memoryGiB: group.memoryGiB });
    }
  });

  return { hosts, vms, unplaced: [...unplaced.values()] };
}

/** Index of the chosen host, or why no host fits. */
function chooseHost(hosts: readonly PlacedHost[], vm: VmGroup, policy: 'pack' | 'spread'): number | UnplacedReason {
  let best = -1;
  let bestFree = 0;
  let vcpuShort = false;
  let memoryShort = false;
  let tooLarge = true;
  for (let h = 0; h < hosts.length; h++) {
    const host = hosts[h]!;
    if (vm.vcpus > host.pcpus || vm.memoryGiB > host.memoryGiB) continue;
    tooLarge = false;
    const vcpuFits = host.vcpusAllocated + vm.vcpus <= host.vcpuCapacity + 1e-9;
    const memoryFits = host.memoryAllocatedGiB + vm.memoryGiB <= host.memoryCapacityGiB + 1e-9;
    if (!vcpuFits) vcpuShort = true;
    if (!memoryFits) memoryShort = true;
    if (!vcpuFits || !memoryFits) continue;
    const free = host.memoryCapacityGiB - host.memoryAllocatedGiB;
    const better = best < 0 || (policy === 'pack' ? free < bestFree : free > bestFree);
    if (better) {
      best = h;
      bestFree = free;
    }
  }
  if (best >= 0) return best;
  if (tooLarge) return 'larger-than-host';
  if (vcpuShort && memoryShort) return 'vcpu+memory';
  return vcpuShort ? 'vcpu' : 'memory';
}
