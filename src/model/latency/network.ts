/**
 * The network path of one VM in one interval, as a chain of single servers each of which can cap
 * the packet rate:
 *
 * 1. guest softirq: each virtio queue's interrupts and NAPI polling run on one guest vCPU (the
 *    queue's affinity), so a queue carries at most f_vcpu / c_guest packets/s, where f_vcpu is the
 *    share of a vCPU the VM gets when it always wants to run (1 on an idle host, less under
 *    contention) and c_guest the softirq CPU per packet. min(queues, vcpus) queues work in parallel.
 * 2. the host back end: with vhost_net, one vhost worker per queue, each at most f_vhost / c_vhost;
 *    without, every queue goes through the one QEMU main loop thread (the global lock serialises
 *    it), which also does the VM's disk emulation when the VM has no iothread: at most
 *    (f_qemu − disk work) / c_qemu.
 * 3. the host NIC, shared by the host's VMs (applied per host afterwards: `shareNic`).
 *
 * The VM achieves the smallest of these and its demand; the component that gave the smallest
 * capacity is its bottleneck. f for a thread is run / (run + ready) from the CPU kernel for that
 * thread: the share of time a thread that is always runnable actually runs.
 */

export const BOTTLENECKS = ['none', 'guestSoftirq', 'qemu', 'vhost', 'nic'] as const;
export type Bottleneck = (typeof BOTTLENECKS)[number];
export const NONE = 0;
export const GUEST = 1;
export const QEMU = 2;
export const VHOST = 3;
export const NIC = 4;

/** Capacities at or above demand × (1 − this) count as not binding (round-off). */
const SLACK = 1e-9;

/**
 * Packets/s the VM achieves before the NIC is shared; writes [pps, bottleneck code] into `out`.
 * Costs are in seconds of CPU per packet; `qemuDiskCores` is the main loop's disk work in cores.
 */
export function vmPacketRate(
  demandPps: number,
  queues: number,
  vcpus: number,
  vhostNet: boolean,
  vcpuShare: number,
  pathShare: number,
  qemuDiskCores: number,
  guestSecondsPerPacket: number,
  vhostSecondsPerPacket: number,
  qemuSecondsPerPacket: number,
  out: Float64Array,
): void {
  let pps = demandPps;
  let bottleneck = NONE;
  const parallel = Math.min(queues, vcpus);
  const guest = guestSecondsPerPacket > 0 ? (parallel * vcpuShare) / guestSecondsPerPacket : Number.POSITIVE_INFINITY;
  if (guest < pps * (1 - SLACK)) {
    pps = guest;
    bottleneck = GUEST;
  }
  if (vhostNet) {
    const vhost = vhostSecondsPerPacket > 0 ? (queues * pathShare) / vhostSecondsPerPacket : Number.POSITIVE_INFINITY;
    if (vhost < pps * (1 - SLACK)) {
      pps = vhost;
      bottleneck = VHOST;
    }
  } else {
    const qemu = qemuSecondsPerPacket > 0 ? Math.max(0, pathShare - qemuDiskCores) / qemuSecondsPerPacket : Number.POSITIVE_INFINITY;
    if (qemu < pps * (1 - SLACK)) {
      pps = qemu;
      bottleneck = QEMU;
    }
  }
  out[0] = pps;
  out[1] = bottleneck;
}

/**
 * The host NIC shared by its VMs: when their bandwidth exceeds `nicGbps`, each VM gets a max-min
 * fair share (water-filling: no VM gets more than it asked for, the rest split evenly).
 * `gbps[from..to)` is rewritten in place; `bottleneck` is set to NIC for VMs that lost bandwidth.
 * Returns the host's total after sharing. `order` is scratch of at least to − from entries.
 */
export function shareNic(gbps: Float64Array, bottleneck: Uint8Array, from: number, to: number, nicGbps: number, order: Int32Array): number {
  let total = 0;
  for (let i = from; i < to; i++) total += gbps[i]!;
  if (total <= nicGbps) return total;
  const n = to - from;
  for (let i = 0; i < n; i++) order[i] = from + i;
  const sorted = order.subarray(0, n).sort((a, b) => gbps[a]! - gbps[b]!);
  let left = nicGbps;
  for (let k = 0; k < n; k++) {
    const i = sorted[k]!;
    const fair = left / (n - k);
    if (gbps[i]! > fair) {
      gbps[i] = fair;
      bottleneck[i] = NIC;
    }
    left -= gbps[i]!;
  }
  return nicGbps;
}
