/**
 * What the latency paths model takes (docs/latency.md): each VM group's network demand and virtio
 * NIC, the host-side threads that do a VM's device work (QEMU main loop, vhost workers, iothreads),
 * host daemons such as libvirtd, and heartbeats (VRRP/keepalived) between VMs.
 *
 * Every default below names its source: a row of ../shared/reference/calibration.md, a published
 * measurement, or "assumption" where it is one. Per-packet and per-IO CPU costs are the least
 * certain numbers here; they are parameters so that a measured value can replace them.
 */

/** The network side of a VM group: what it sends and receives, and its virtio NIC. */
export interface NetworkSpec {
  /** Mean bandwidth each VM wants (send + receive), Gbit/s; follows the VM's CPU demand shape. */
  gbps: number;
  /** Mean packet size on the wire, bytes (sets the packet rate for a bandwidth). */
  packetBytes: number;
  /** vhost_net: packets are handled by in-kernel vhost workers, one per queue; off: by the QEMU main loop in user space. */
  vhostNet: boolean;
  /** virtio-net queue pairs; each queue's softirq runs on one guest vCPU (at most `vcpus` are used). */
  queues: number;
  /** Segmentation offload (TSO/GSO on send, GRO/LRO on receive): per-packet costs are paid per segment. */
  offloads: boolean;
  /** Mean bytes per segment with offloads on; null: `LATENCY_DEFAULTS.segmentBytes` for full frames, `packetBytes` for smaller (network.ts, pathSegmentBytes). */
  segmentBytes: number | null;
  /** TCP connections the VM's bandwidth is spread over; sets the segment size by TSO autosizing when `segmentBytes` is null. */
  connections: number | null;
  /**
   * vCPUs and the VM's vhost workers (or QEMU main loop) pinned to dedicated cores (libvirt
   * `<vcpupin>`/`<emulatorpin>`, `taskset`), other threads kept off them: the path's threads are
   * never descheduled (f = 1, no notification wait), and those cores leave the host's shared pool
   * (../cpu/cpu-model.ts, solveHost).
   */
  pinned: boolean;
  /**
   * The VM this one's traffic goes to and comes from: a placement VM name, or a group name (VM n
   * pairs with that group's VM n, wrapping); null or absent: none named. On the same host the
   * traffic is switched by the host's bridge (no NIC) and the peer's path carries it as well.
   */
  peer?: string | null;
  /** Share of the VM's bandwidth exchanged with `peer` (0..1, default 1). */
  peerShare?: number;
}

/**
 * A VM group's virtual disk as QEMU opens it, for the main-loop stalls of docs/latency.md.
 * `cache`: libvirt's `<driver cache=…>`. With `none` (O_DIRECT) writes go to the array as the guest
 * makes them; with `writeback` they land in the host page cache and a guest flush waits until the
 * image's dirty pages are written back. `flushSeconds`: how often the guest flushes while it writes.
 */
export interface DiskSpec {
  cache: 'none' | 'writeback';
  flushSeconds: number;
}

/** CPU costs of the device work, in microseconds of one core. */
export interface HostThreadCosts {
  /** QEMU main loop per disk IO it emulates (a VM without iothreads). */
  qemuIoMicros: number;
  /** QEMU main loop per packet when vhost_net is off (user-space virtio-net). */
  qemuPacketMicros: number;
  /** vhost worker per packet (vhost_net on). */
  vhostPacketMicros: number;
  /** An iothread per disk IO (virtio-blk data plane). */
  iothreadIoMicros: number;
  /** Guest softirq per packet, on the vCPU that owns the packet's queue. */
  guestPacketMicros: number;
  /** Descriptors in a virtio ring: how many packets wait at a saturated queue before it drops. */
  ringPackets: number;
  /**
   * Share of a VM's disk IOs that block its QEMU main loop under the global lock (BQL) for about
   * one device latency when the VM has no iothread (guest flushes, qcow2 metadata, synchronous
   * submission): the main-loop stalls of docs/latency.md. Not a CPU cost: the loop waits on the device.
   */
  mainLoopBlockingShare: number;
  /** One VM exit and re-entry, µs of the vCPU (direct cost plus the cache refill after it). */
  vmExitMicros: number;
  /** VM exits per notification round trip of a queue (interrupt injection and EOI, the kick, HLT). */
  exitsPerNotification: number;
  /** CFS slice a descheduled thread sits out per competitor, µs (sets how long an absence lasts). */
  schedSliceMicros: number;
}

/** A host daemon (libvirtd, an agent) as one more thread competing for the host's pCPUs. */
export interface DaemonSpec {
  name: string;
  /** What it would use alone, % of one core. */
  cpuPct: number;
  /** CFS bandwidth quota (cpu.cfs_quota_us / cpu.cfs_period_us), % of one core; null for none. */
  quotaPct: number | null;
}

export interface HostThreadsSpec {
  costs: HostThreadCosts;
  daemons: DaemonSpec[];
  /** Host NIC bandwidth, Gbit/s, shared by the host's VMs. */
  nicGbps: number;
}

/** A periodic heartbeat from a master VM to a backup VM (VRRP as keepalived runs it). */
export interface HeartbeatSpec {
  name: string;
  /** Placement names of the two VMs (`lb-1`). */
  master: string;
  backup: string;
  /** Advertisement interval (keepalived advert_int), seconds. */
  intervalSeconds: number;
  /** The backup's priority (1–254): it sets the skew of the master-down interval. */
  priority: number;
  /** VRRP version: 2 (RFC 3768) or 3 (RFC 5798); they differ in how the skew scales. */
  version: 2 | 3;
}

/**
 * Defaults with their sources.
 *
 * - `guestPacketMicros` 10: "the typical limit for one vCPU is in the order of 100k PPS" of softirq
 *   work for one virtio queue (ganeti/ganeti pull request #1950, 2026), i.e. 10 µs per packet.
 * - `vhostPacketMicros` 2: assumption. vhost-net runs the virtio back end in the host kernel and
 *   "reduces virtualization overhead for virtio by removing up to four system calls per packet"
 *   (linux-kvm.org VhostNet page); 2 µs per packet (500k packets/s per vhost worker) is a round
 *   figure for that in-kernel path, not a measurement.
 * - `qemuPacketMicros` 10: assumption: the same packet through QEMU in user space costs the four
 *   system calls and two copies vhost removes, taken as 5× the vhost cost (Red Hat: vhost_net
 *   "reduces copy operations, lowers latency and CPU usage", RHEL 6 tuning guide §5.3).
 * - `qemuIoMicros` 20: assumption: 50,000 IOPS per QEMU main loop. virtio-blk data plane
 *   (iothreads) "has been reported to be several times higher" in IOPS than the main-loop path
 *   (S. Hajnoczi, QEMU commit e72f66a0, 2012); `iothreadIoMicros` 5 takes "several" as 4×.
 * - `ringPackets` 256: QEMU's default virtio-net rx_queue_size / tx_queue_size.
 * - `mainLoopBlockingShare` 0.01: assumption, one guest IO in 100 holds the QEMU main loop (and the
 *   BQL) until the device answers. The mechanism is documented: without iothreads "all I/O
 *   processing is done in a single main loop" under the BQL, which vCPU threads and the main loop
 *   contend (QEMU docs, "Using Multiple IOThreads"); guest cache flushes were served synchronously,
 *   "stalling the VCPU while serving a cache flush" (C. Hellwig, QEMU commit "raw-posix: add
 *   support for async flush"), and qcow2 metadata and drained requests still wait in the main loop.
 *   No published rate was found: 1 % stands for a journaling guest's flush and metadata writes
 *   among its IOs (a commit every few seconds at tens of IOPS).
 * - `nicGbps` 10: the 10 GbE access switch of field report 002.
 * - queues 1: "virtio-net has only one transmit and receive queue" by default (calibration.md §3,
 *   OKD/OpenShift Virtualization docs); nova enables multiqueue only with hw_vif_multiqueue_enabled.
 * - vhostNet on: vhost-net "has silently become the default" for qemu-kvm (Red Hat blog "Hands on
 *   vhost-net", 2019); field reports 000/001 are Ubuntu 14.04, whose /etc/default/qemu-kvm had
 *   VHOST_NET_ENABLED=0.
 * - packetBytes 1500: assumption, full-size Ethernet frames (bulk traffic).
 * - offloads on: QEMU's virtio-net offers checksum and TSO/ECN/UFO offload both ways by default
 *   (its `csum`, `gso`, `host_tso4`, `guest_tso4`, … properties default to on; libvirt's
 *   `<driver><host tso4='off'/>` exists to turn them off), and the guest driver negotiates them.
 * - segmentBytes 32768: assumption, range 8–64 KiB. A GSO/GRO segment is at most 64 KiB
 *   (gso_max_size 65536; TCP autosizing sends 64 KiB segments once a flow exceeds ~0.5 Gbit/s,
 *   pacing rate × 1 ms); a GRO aggregate ends at a NAPI poll or a short segment, so the mean is
 *   below the cap. Field report 002 measured 25 Gbit/s between two VMs on one host through single
 *   queues: at ≤ 100k segments/s per vCPU that needs ≥ 31 KB per segment.
 * - vmExitMicros 1.5: SplitX (Landau, Ben-Yehuda, Gordon, WIOV 2011) measured the direct cost of
 *   a KVM exit at 2,000 cycles (0.7 µs on a 2.93 GHz Xeon X5570) with indirect and handling costs
 *   "in certain cases an order of magnitude higher"; 1.5 µs is an assumption in 0.7–7 µs.
 * - exitsPerNotification 4: assumption (range 2–8): the interrupt injected into the guest, its
 *   EOI (without APICv), the guest's kick of the back end, and the HLT exit of the idle vCPU.
 * - schedSliceMicros 3000: CFS's minimal preemption granularity, 0.75 ms × (1 + ilog2(ncpus)) =
 *   3 ms on hosts of 8 or more CPUs (kernel/sched/fair.c, sysctl_sched_min_granularity and
 *   sched_init_granularity); range 0.75–4 ms.
 */
export const LATENCY_DEFAULTS = {
  costs: {
    qemuIoMicros: 20,
    qemuPacketMicros: 10,
    vhostPacketMicros: 2,
    iothreadIoMicros: 5,
    guestPacketMicros: 10,
    ringPackets: 256,
    mainLoopBlockingShare: 0.01,
    vmExitMicros: 1.5,
    exitsPerNotification: 4,
    schedSliceMicros: 3000,
  } satisfies HostThreadCosts,
  nicGbps: 10,
  queues: 1,
  vhostNet: true,
  packetBytes: 1500,
  offloads: true,
  segmentBytes: 32768,
  /** keepalived VRRP_ADVER_DFL 1 s; priority 100 (RFC default for a backup); version 2 (keepalived's default); calibration.md §5. */
  heartbeat: { intervalSeconds: 1, priority: 100, version: 2 as const },
  disk: { cache: 'none' as const, flushSeconds: 5 },
  heartbeatWindows: 12,
} as const;
