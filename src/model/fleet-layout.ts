/**
 * How a replication lays the fleet out in flat arrays: every host owns a contiguous range of
 * slots, its VMs first (ordered by group, so each group is a contiguous run) and then its host
 * threads (ksmd, and later QEMU and daemon threads), which compete for the host's pCPUs like
 * vCPUs but are not VMs. The CPU kernel solves a host over its whole range; VM metrics use the
 * VM part only.
 */
import type { Placement } from './placement.js';

/** Host threads per host, in this order after the host's VMs. */
export const HOST_THREADS = ['ksmd'] as const;
export type HostThread = (typeof HOST_THREADS)[number];

export interface FleetLayout {
  /** Slots in all: VMs plus host threads. */
  slots: number;
  vmSlots: number;
  /** Per slot: the placement VM index, or −1 for a host thread. */
  vmOfSlot: Int32Array;
  /** Per placement VM: its slot. */
  slotOfVm: Int32Array;
  /** Per slot: vCPUs (1 for a host thread). */
  vcpus: Int32Array;
  /** Per slot: VM group, or −1. */
  groupOf: Int32Array;
  /** Per slot: host. */
  hostOf: Int32Array;
  /** Per host: [from, vmTo) are its VMs, [vmTo, to) its host threads. */
  hostFrom: Int32Array;
  hostVmTo: Int32Array;
  hostTo: Int32Array;
  /** Runs of same-group VMs as (from, to, group) triples; host h owns runs hostRunFrom[h]..hostRunTo[h]−1. */
  groupRuns: Int32Array;
  hostRunFrom: Int32Array;
  hostRunTo: Int32Array;
}

export function layoutFleet(placement: Placement): FleetLayout {
  const hosts = placement.hosts.length;
  const threads = HOST_THREADS.length;
  const vmSlots = placement.vms.length;
  const slots = vmSlots + hosts * threads;
  const layout: FleetLayout = {
    slots,
    vmSlots,
    vmOfSlot: new Int32Array(slots),
    slotOfVm: new Int32Array(vmSlots),
    vcpus: new Int32Array(slots),
    groupOf: new Int32Array(slots),
    hostOf: new Int32Array(slots),
    hostFrom: new Int32Array(hosts),
    hostVmTo: new Int32Array(hosts),
    hostTo: new Int32Array(hosts),
    groupRuns: new Int32Array(0),
    hostRunFrom: new Int32Array(hosts),
    hostRunTo: new Int32Array(hosts),
  };
  const runs: number[] = [];
  let slot = 0;
  placement.hosts.forEach((host, h) => {
    layout.hostFrom[h] = slot;
    layout.hostRunFrom[h] = runs.length / 3;
    const sorted = [...host.vms].sort((a, b) => placement.vms[a]!.group - placement.vms[b]!.group || a - b);
    for (const v of sorted) {
      const vm = placement.vms[v]!;
      if (runs.length / 3 === layout.hostRunFrom[h] || runs[runs.length - 1] !== vm.group) runs.push(slot, slot + 1, vm.group);
      else runs[runs.length - 2] = slot + 1;
      layout.vmOfSlot[slot] = v;
      layout.slotOfVm[v] = slot;
      layout.vcpus[slot] = vm.vcpus;
      layout.groupOf[slot] = vm.group;
      layout.hostOf[slot] = h;
      slot++;
    }
    layout.hostVmTo[h] = slot;
    layout.hostRunTo[h] = runs.length / 3;
    for (let t = 0; t < threads; t++) {
      layout.vmOfSlot[slot] = -1;
      layout.vcpus[slot] = 1;
      layout.groupOf[slot] = -1;
      layout.hostOf[slot] = h;
      slot++;
    }
    layout.hostTo[h] = slot;
  });
  layout.groupRuns = Int32Array.from(runs);
  return layout;
}

/** The slot of host thread `thread` on host h. */
export function threadSlot(layout: FleetLayout, h: number, thread: HostThread): number {
  return layout.hostVmTo[h]! + HOST_THREADS.indexOf(thread);
}
