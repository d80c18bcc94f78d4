/**
 * The network path of one VM in one interval, as a chain of single servers each of which can cap
 * the segment rate (docs/latency.md, "Network path per VM"):
 *
 * 0. segmentation offload: with TSO/GSO on send and GRO on receive (virtio-net negotiates them by
 *    default) the guest stack, vhost and QEMU handle one *segment* of up to 64 KiB per descriptor
 *    chain instead of one wire frame, so every per-packet cost below is paid per segment
 *    (`segmentBytes`); offloads off, a segment is one frame of `packetBytes`.
 * 1. guest softirq: each virtio queue's interrupts and NAPI polling run on one guest vCPU (the
 *    queue's affinity), so a queue carries at most f_vcpu / c_guest segments/s, where f_vcpu is the
 *    share of a vCPU the VM gets when it always wants to run (1 on an idle host, less under
 *    contention) and c_guest the softirq CPU per segment. min(queues, vcpus) queues work in parallel.
 * 2. the host back end: with vhost_net, one vhost worker per queue, each at most f_vhost / c_vhost;
 *    without, every queue goes through the one QEMU main loop thread (the global lock serialises
 *    it), which also does the VM's disk emulation when the VM has no iothread: at most
 *    (f_qemu − disk work) / c_qemu.
 * 3. notification round trips (`ringCycleSeconds`): a queue's ring holds a bounded number of
 *    segments; once the guest has drained it, the next batch needs a notification to each end
 *    (vhost kick, interrupt injection: VM exits) and the thread at each end to be scheduled. A
 *    thread that is absent (runnable, not running) a share r of the time waits on average
 *    r × (its mean absence); under round-robin slices s an absence lasts s · r / (1 − r). So a
 *    queue moves at most one ring per gap (waits + exits): the rate falls continuously as
 *    contention grows, to zero as r → 1, while a pinned VM (r = 0) keeps its uncontended rate.
 * 4. the host NIC, shared by the host's VMs (applied per host afterwards: `shareNic`).
 *
 * The VM achieves the smallest of these and its demand; the component that gave the smallest
 * capacity is its bottleneck. f for a thread is run / (run + ready) from the CPU kernel for that
 * thread: the share of time a thread that is always runnable actually runs.
 */

export const BOTTLENECKS = ['none', 'guestSoftirq', 'qemu', 'vhost', 'nic', 'notifyWait'] as const;
export type Bottleneck = (typeof BOTTLENECKS)[number];
export const NONE = 0;
export const GUEST = 1;
export const QEMU = 2;
export const VHOST = 3;
export const NIC = 4;
export const NOTIFY = 5;

/** Capacities at or above demand × (1 − this) count as not binding (round-off). */
const SLACK = 1e-9;

/**
 * Largest buffer a virtio-net receive descriptor gets: mergeable receive buffers are sized from the
 * running mean packet length, clamped to a page (linux drivers/net/virtio_net.c,
 * get_mergeable_buf_len: clamp(avg_pkt_len, min_buf_len, PAGE_SIZE − hdr_len)), so a 64 KiB
 * segment takes 16 descriptors of the ring and a 1500-byte frame one.
 */
export const RX_BUFFER_BYTES = 4096;

/** A full Ethernet frame (MTU 1500): the largest packet on the wire without offloads. */
export const FULL_FRAME_BYTES = 1500;

/** IPv4 and TCP headers with timestamps: a frame's bytes beyond its MSS. */
const TCP_HEADER_BYTES = 52;
/** Largest GSO/GRO segment (the kernel's GSO_MAX_SIZE, 64 KiB). */
export const MAX_SEGMENT_BYTES = 65_536;

/**
 * TCP's TSO autosizing (linux net/ipv4/tcp_output.c, tcp_tso_autosize): a flow sends segments of
 * about 1 ms of its pacing rate (pacing_rate >> sk_pacing_shift 10; the pacing rate is 1.2× the
 * flow's rate in congestion avoidance, tcp_pacing_ca_ratio 120), at least 2 MSS (tcp_min_tso_segs)
 * and at most 64 KiB. `flowBytesPerSecond` is one connection's rate.
 */
export function autosizedSegmentBytes(flowBytesPerSecond: number, packetBytes: number): number {
  const mss = Math.max(1, packetBytes - TCP_HEADER_BYTES);
  const paced = (1.2 * flowBytesPerSecond) / 1024;
  return Math.min(MAX_SEGMENT_BYTES, Math.max(2 * mss, paced));
}

/**
 * Bytes per segment the virtio path handles. Offloads off: one wire frame of `packetBytes`. On:
 * `segmentBytes` when given; else, with `connections` given, TSO autosizing at the VM's mean
 * bandwidth split evenly over them; else `bulkSegmentBytes` — except that traffic whose mean
 * packet is below a full frame is taken as small messages (requests, replies, VRRP), each its own
 * segment: TSO has nothing to split below the MSS, and GRO ends an aggregate at a segment shorter
 * than the MSS (linux net/ipv4/tcp_offload.c, tcp_gro_receive). Never below `packetBytes`.
 */
export function pathSegmentBytes(
  packetBytes: number,
  offloads: boolean,
  segmentBytes: number | null,
  connections: number | null,
  gbps: number,
  bulkSegmentBytes: number,
): number {
  if (!offloads) return packetBytes;
  if (segmentBytes !== null) return Math.max(packetBytes, segmentBytes);
  if (packetBytes < FULL_FRAME_BYTES) return packetBytes;
  if (connections !== null && gbps > 0) return Math.max(packetBytes, autosizedSegmentBytes((gbps * 1e9) / 8 / connections, packetBytes));
  return Math.max(packetBytes, bulkSegmentBytes);
}

/** Segments a ring of `ringPackets` descriptors holds when each takes ⌈bytes / page⌉ of them. */
export function ringSegments(ringPackets: number, segmentBytes: number): number {
  return ringPackets / Math.max(1, segmentBytes / RX_BUFFER_BYTES);
}

/**
 * Mean wait of a notification for a thread that is absent (runnable but not running) a share
 * `ready` of the time, s: it finds the thread absent with chance r and then waits the rest of the
 * absence. Under round-robin slices of `sliceSeconds` a thread that gets f = 1 − r of a CPU sits
 * out (1 − f) / f slices per slice it runs, so an absence lasts s · r / (1 − r) (exponential
 * absences: the rest is the whole mean). Continuous and increasing in r; infinite at r = 1.
 */
export function notifyWaitSeconds(ready: number, sliceSeconds: number): number {
  if (!(ready > 0)) return 0;
  if (ready >= 1) return Number.POSITIVE_INFINITY;
  return (sliceSeconds * ready * ready) / (1 - ready);
}

/** Per-segment and per-notification costs of the path, seconds of one core. */
export interface PathCosts {
  guest: number;
  vhost: number;
  qemu: number;
  /** VM exits per notification round trip × the cost of one exit (and re-entry). */
  notify: number;
  /** CFS slice a descheduled thread sits out per competitor (`notifyWaitSeconds`). */
  slice: number;
}

/**
 * Segments/s the VM achieves before the NIC is shared; writes [segments/s, bottleneck code] into
 * `out`. `vcpuShare` and `pathShare` are f of the VM's vCPUs and of its vhost workers (or QEMU main
 * loop); `qemuDiskCores` is the main loop's disk work in cores; `ring` the segments one queue's
 * ring holds (`ringSegments`).
 *
 * The notification bound: between two batches a queue's ring is the only buffer, so a TCP flow
 * that does not overflow it (the sender backs off on the drops) moves at most `ring` segments per
 * gap, gap = the vCPU's wait + the path thread's wait + the exits of one notification round trip.
 */
export function vmPacketRate(
  demandPps: number,
  queues: number,
  vcpus: number,
  vhostNet: boolean,
  vcpuShare: number,
  pathShare: number,
  qemuDiskCores: number,
  ring: number,
  costs: PathCosts,
  out: Float64Array,
): void {
  let pps = demandPps;
  let bottleneck = NONE;
  const parallel = Math.min(queues, vcpus);
  const guest = costs.guest > 0 ? (parallel * vcpuShare) / costs.guest : Number.POSITIVE_INFINITY;
  if (guest < pps * (1 - SLACK)) {
    pps = guest;
    bottleneck = GUEST;
  }
  if (vhostNet) {
    const vhost = costs.vhost > 0 ? (queues * pathShare) / costs.vhost : Number.POSITIVE_INFINITY;
    if (vhost < pps * (1 - SLACK)) {
      pps = vhost;
      bottleneck = VHOST;
    }
  } else {
    const qemu = costs.qemu > 0 ? Math.max(0, pathShare - qemuDiskCores) / costs.qemu : Number.POSITIVE_INFINITY;
    if (qemu < pps * (1 - SLACK)) {
      pps = qemu;
      bottleneck = QEMU;
    }
  }
  const gap = notifyWaitSeconds(1 - vcpuShare, costs.slice) + notifyWaitSeconds(1 - pathShare, costs.slice) + costs.notify;
  const notify = gap > 0 ? (parallel * ring) / gap : Number.POSITIVE_INFINITY;
  if (notify < pps * (1 - SLACK)) {
    pps = notify;
    bottleneck = NOTIFY;
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
