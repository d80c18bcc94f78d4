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
  } satisfies HostThreadCosts,
  nicGbps: 10,
  queues: 1,
  vhostNet: true,
  packetBytes: 1500,
  /** keepalived VRRP_ADVER_DFL 1 s; priority 100 (RFC default for a backup); version 2 (keepalived's default); calibration.md §5. */
  heartbeat: { intervalSeconds: 1, priority: 100, version: 2 as const },
  heartbeatWindows: 12,
} as const;
