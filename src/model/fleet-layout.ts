/**
 * How a replication lays the fleet out in flat arrays: every host owns a contiguous range of
 * slots, its VMs first (ordered by group, so each group is a contiguous run) and then its host
 * threads, which compete for the host's pCPUs like vCPUs but are not VMs: ksmd, then one slot
 * per host daemon, then for each VM whose device work is modelled (docs/latency.md) its QEMU main
 * loop, its vhost workers (one per queue, with vhost_net) and its iothreads, in VM order. The CPU
 * kernel solves a host over its whole range; VM metrics use the VM part only.
 *
 * Pinned VMs (`network.pinned`, docs/latency.md): a pinned VM's vCPUs and its path threads (vhost
 * workers, or the QEMU main loop without vhost_net) own dedicated cores. The layout lists those
 * slots per host (`pinnedSlots[hostPinnedFrom[h]..hostPinnedTo[h])`) and the cores they take
 * (`pinnedCores[h]`), which the CPU model removes from the host's shared pool.
 */
import type { Placement } from './placement.js';

/** Host threads per host, in this order after the host's VMs. */
export const HOST_THREADS = ['ksmd'] as const;
export type HostThread = (typeof HOST_THREADS)[number];

/** Kinds of host thread, as reported (`hostThreads.cpuPct`); a slot's kind is its index here. */
export const THREAD_KINDS = ['qemu', 'vhost', 'iothread', 'ksmd', 'daemons'] as const;
export type ThreadKind = (typeof THREAD_KINDS)[number];
export const KIND_VM = -1;
export const KIND_QEMU = 0;
export const KIND_VHOST = 1;
export const KIND_IOTHREAD = 2;
export const KIND_KSMD = 3;
export const KIND_DAEMON = 4;

/** The device threads of one VM, when its device work is modelled. */
export interface VmThreads {
  qemu: boolean;
  vhost: number;
  iothreads: number;
  /** vCPUs and path threads on dedicated cores (vhost workers, or the QEMU main loop without them). */
  pinned?: boolean;
}

/** What host threads beyond ksmd a fleet has. */
export interface ThreadPlan {
  /** Daemon threads per host. */
  daemons: number;
  /** Per placement VM: its device threads, or undefined when they are not modelled. */
  vmThreads: (vm: number) => VmThreads | undefined;
}

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
  /** Per slot: KIND_VM or the thread's kind (an index into THREAD_KINDS). */
  kind: Int8Array;
  /** Per slot: the VM a device thread works for, the daemon index of a daemon, else −1. */
  owner: Int32Array;
  /** Per placement VM: its QEMU main loop slot, first vhost slot and first iothread slot (−1: none), and the counts. */
  qemuSlot: Int32Array;
  vhostFrom: Int32Array;
  vhostCount: Int32Array;
  iothreadFrom: Int32Array;
  iothreadCount: Int32Array;
  /** Any device threads at all (false: the layout of a fleet without latency paths). */
  deviceThreads: boolean;
  /** Slots on dedicated cores (pinned VMs and their path threads), host by host; host h owns hostPinnedFrom[h]..hostPinnedTo[h]−1. */
  pinnedSlots: Int32Array;
  hostPinnedFrom: Int32Array;
  hostPinnedTo: Int32Array;
  /** Per host: cores its pinned slots take out of the shared pool (a VM's vCPUs count one each). */
  pinnedCores: Int32Array;
}

export function layoutFleet(placement: Placement, plan?: ThreadPlan): FleetLayout {
  const hosts = placement.hosts.length;
  const daemons = plan?.daemons ?? 0;
  const threads = HOST_THREADS.length + daemons;
  const vmSlots = placement.vms.length;
  const perVm = placement.vms.map((_, v) => plan?.vmThreads(v));
  let deviceSlots = 0;
  for (const t of perVm) if (t) deviceSlots += (t.qemu ? 1 : 0) + t.vhost + t.iothreads;
  const slots = vmSlots + hosts * threads + deviceSlots;
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
    kind: new Int8Array(slots).fill(KIND_VM),
    owner: new Int32Array(slots).fill(-1),
    qemuSlot: new Int32Array(vmSlots).fill(-1),
    vhostFrom: new Int32Array(vmSlots).fill(-1),
    vhostCount: new Int32Array(vmSlots),
    iothreadFrom: new Int32Array(vmSlots).fill(-1),
    iothreadCount: new Int32Array(vmSlots),
    deviceThreads: deviceSlots > 0,
    pinnedSlots: new Int32Array(0),
    hostPinnedFrom: new Int32Array(hosts),
    hostPinnedTo: new Int32Array(hosts),
    pinnedCores: new Int32Array(hosts),
  };
  const runs: number[] = [];
  const pinned: number[] = [];
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
    const thread = (kind: number, owner: number): number => {
      layout.vmOfSlot[slot] = -1;
      layout.vcpus[slot] = 1;
      layout.groupOf[slot] = -1;
      layout.hostOf[slot] = h;
      layout.kind[slot] = kind;
      layout.owner[slot] = owner;
      return slot++;
    };
    thread(KIND_KSMD, -1);
    for (let d = 0; d < daemons; d++) thread(KIND_DAEMON, d);
    layout.hostPinnedFrom[h] = pinned.length;
    for (const v of sorted) {
      const t = perVm[v];
      if (!t) continue;
      if (t.qemu) layout.qemuSlot[v] = thread(KIND_QEMU, v);
      layout.vhostCount[v] = t.vhost;
      for (let q = 0; q < t.vhost; q++) {
        const s = thread(KIND_VHOST, v);
        if (q === 0) layout.vhostFrom[v] = s;
      }
      layout.iothreadCount[v] = t.iothreads;
      for (let q = 0; q < t.iothreads; q++) {
        const s = thread(KIND_IOTHREAD, v);
        if (q === 0) layout.iothreadFrom[v] = s;
      }
      if (t.pinned) {
        pinned.push(layout.slotOfVm[v]!);
        layout.pinnedCores[h]! += layout.vcpus[layout.slotOfVm[v]!]!;
        const paths = t.vhost > 0 ? Array.from({ length: t.vhost }, (_, q) => layout.vhostFrom[v]! + q) : t.qemu ? [layout.qemuSlot[v]!] : [];
        for (const s of paths) pinned.push(s);
        layout.pinnedCores[h]! += paths.length;
      }
    }
    layout.hostPinnedTo[h] = pinned.length;
    layout.hostTo[h] = slot;
  });
  layout.groupRuns = Int32Array.from(runs);
  layout.pinnedSlots = Int32Array.from(pinned);
  return layout;
}

/** The slot of host thread `thread` on host h. */
export function threadSlot(layout: FleetLayout, h: number, thread: HostThread): number {
  return layout.hostVmTo[h]! + HOST_THREADS.indexOf(thread);
}
