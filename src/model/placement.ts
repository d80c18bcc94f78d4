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
 *
 * `as-is` keeps each VM of a group that names a `host` on that host without the fit tests: an
 * imported cloud runs today as its operators placed it, even beyond today's ratios, so the first
 * run reproduces it. Groups without a `host` (and hosts not found) are placed as `spread` would.
 *
 * Cost: O(VMs · log hosts). Hosts of one group are alike and contiguous, so each host group keeps a
 * segment tree of its hosts' free vCPU and memory capacity; a VM descends the tree of every group
 * it fits physically, pruning subtrees that cannot hold it or cannot beat the best host found, and
 * the groups' best hosts are compared as nova's weigher would (ties to the lower index). Once a VM
 * of a group fits nowhere, the rest of its group cannot fit either (nothing was freed), so they are
 * counted at once.
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
  /** 0-based index within the group (VM `<group>-<index + 1>`; unplaced VMs take their index too). */
  index: number;
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
  const trees: HostTree[] = [];
  scenario.hosts.forEach((group, g) => {
    const pcpus = group.cpu.cores - group.cpu.reservedCores;
    const memoryGiB = group.memory.totalGiB - group.memory.reservedGiB;
    const first = hosts.length;
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
    if (group.count > 0) trees.push(new HostTree(hosts, first, group.count, pcpus, memoryGiB));
  });

  const vms: PlacedVm[] = [];
  const unplaced = new Map<string, UnplacedGroup>();
  const noteUnplaced = (group: string, reason: UnplacedReason, count: number): void => {
    const key = `${group}\u0000${reason}`;
    const entry = unplaced.get(key);
    if (entry) entry.count += count;
    else unplaced.set(key, { group, count, reason });
  };

  const byName = new Map(hosts.map((h, i) => [h.name, i]));
  const policy = scenario.placement === 'as-is' ? 'spread' : scenario.placement;
  scenario.vms.forEach((group, g) => {
    const pinned = scenario.placement === 'as-is' && group.host !== undefined ? byName.get(group.host) : undefined;
    const fill = group.count === 'fill';
    const wanted = fill ? FILL_LIMIT : (group.count as number);
    for (let i = 0; i < wanted; i++) {
      const choice = pinned ?? chooseHost(hosts, trees, group, policy);
      if (typeof choice === 'string') {
        // `fill` stops at the first VM that no longer fits; that one is not a missing VM. Otherwise
        // the rest of the group fits no better (no capacity was freed): all are counted here.
        if (!fill) noteUnplaced(group.name, choice, wanted - i);
        break;
      }
      const host = hosts[choice]!;
      host.vcpusAllocated += group.vcpus;
      host.memoryAllocatedGiB += group.memoryGiB;
      host.vms.push(vms.length);
      vms.push({ name: `${group.name}-${i + 1}`, group: g, index: i, host: choice, vcpus: group.vcpus, memoryGiB: group.memoryGiB });
      trees.find((t) => choice >= t.first && choice < t.first + t.count)!.update(choice);
    }
  });

  return { hosts, vms, unplaced: [...unplaced.values()] };
}

/** The two fit tests of one host, with the 1e-9 slack allocation-ratio products need. */
function vcpuFits(host: PlacedHost, vm: VmGroup): boolean {
  return host.vcpusAllocated + vm.vcpus <= host.vcpuCapacity + 1e-9;
}
function memoryFits(host: PlacedHost, vm: VmGroup): boolean {
  return host.memoryAllocatedGiB + vm.memoryGiB <= host.memoryCapacityGiB + 1e-9;
}

/**
 * One host group's hosts (indices first .. first + count − 1) in a segment tree: each node holds
 * the most free vCPUs, the most and the least free memory of the hosts below it.
 */
class HostTree {
  private readonly size: number;
  private readonly maxVcpu: Float64Array;
  private readonly maxMemory: Float64Array;
  private readonly minMemory: Float64Array;

  constructor(
    private readonly hosts: readonly PlacedHost[],
    readonly first: number,
    readonly count: number,
    readonly pcpus: number,
    readonly memoryGiB: number,
  ) {
    let size = 1;
    while (size < count) size *= 2;
    this.size = size;
    this.maxVcpu = new Float64Array(2 * size).fill(Number.NEGATIVE_INFINITY);
    this.maxMemory = new Float64Array(2 * size).fill(Number.NEGATIVE_INFINITY);
    this.minMemory = new Float64Array(2 * size).fill(Number.POSITIVE_INFINITY);
    for (let i = 0; i < count; i++) this.setLeaf(i);
    for (let node = size - 1; node >= 1; node--) this.pull(node);
  }

  private setLeaf(i: number): void {
    const host = this.hosts[this.first + i]!;
    const leaf = this.size + i;
    this.maxVcpu[leaf] = host.vcpuCapacity - host.vcpusAllocated;
    this.maxMemory[leaf] = host.memoryCapacityGiB - host.memoryAllocatedGiB;
    this.minMemory[leaf] = this.maxMemory[leaf]!;
  }

  private pull(node: number): void {
    const l = 2 * node;
    const r = l + 1;
    this.maxVcpu[node] = Math.max(this.maxVcpu[l]!, this.maxVcpu[r]!);
    this.maxMemory[node] = Math.max(this.maxMemory[l]!, this.maxMemory[r]!);
    this.minMemory[node] = Math.min(this.minMemory[l]!, this.minMemory[r]!);
  }

  /** Host `index` (a fleet index) changed its allocation. */
  update(index: number): void {
    const i = index - this.first;
    this.setLeaf(i);
    for (let node = (this.size + i) >> 1; node >= 1; node >>= 1) this.pull(node);
  }

  /**
   * The host nova would pick among this group's hosts for `vm` (fleet index), or −1: spread takes
   * the most free memory, pack the least, ties to the lower index. Subtrees whose best cannot hold
   * the VM (with a margin for the fit tests' slack) or cannot beat `bound` are skipped; candidates
   * are checked with the exact fit tests.
   */
  best(vm: VmGroup, policy: 'pack' | 'spread', bound: { host: number; free: number }): void {
    this.descend(1, vm, policy, bound);
  }

  private descend(node: number, vm: VmGroup, policy: 'pack' | 'spread', bound: { host: number; free: number }): void {
    if (this.maxVcpu[node]! < vm.vcpus - 1e-6 || this.maxMemory[node]! < vm.memoryGiB - 1e-6) return;
    if (bound.host >= 0) {
      // Ties go to the lower index, and every node visited later holds higher indices (groups in
      // order, left subtrees first): only a strictly better host can win.
      if (policy === 'spread' ? this.maxMemory[node]! <= bound.free : this.minMemory[node]! >= bound.free) return;
    }
    if (node >= this.size) {
      const index = this.first + node - this.size;
      const host = this.hosts[index]!;
      if (!vcpuFits(host, vm) || !memoryFits(host, vm)) return;
      const free = host.memoryCapacityGiB - host.memoryAllocatedGiB;
      const better = bound.host < 0 || (policy === 'pack' ? free < bound.free : free > bound.free);
      if (better) {
        bound.host = index;
        bound.free = free;
      }
      return;
    }
    this.descend(2 * node, vm, policy, bound);
    this.descend(2 * node + 1, vm, policy, bound);
  }
}

/** Index of the chosen host, or why no host fits. */
function chooseHost(hosts: readonly PlacedHost[], trees: readonly HostTree[], vm: VmGroup, policy: 'pack' | 'spread'): number | UnplacedReason {
  const bound = { host: -1, free: 0 };
  let bigEnough = false;
  for (const tree of trees) {
    if (vm.vcpus > tree.pcpus || vm.memoryGiB > tree.memoryGiB) continue;
    bigEnough = true;
    tree.best(vm, policy, bound);
  }
  if (bound.host >= 0) return bound.host;
  if (!bigEnough) return 'larger-than-host';
  // No host takes it: which resource ran short (a scan, once per group that stops fitting).
  let vcpuShort = false;
  let memoryShort = false;
  for (const host of hosts) {
    if (vm.vcpus > host.pcpus || vm.memoryGiB > host.memoryGiB) continue;
    if (!vcpuFits(host, vm)) vcpuShort = true;
    if (!memoryFits(host, vm)) memoryShort = true;
  }
  if (vcpuShort && memoryShort) return 'vcpu+memory';
  return vcpuShort ? 'vcpu' : 'memory';
}
