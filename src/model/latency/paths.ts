/**
 * The latency paths of one replication (docs/latency.md): host daemons, each modelled VM's device
 * threads and network path, and heartbeats between VMs.
 *
 * Per interval and host (called by the replication before the CPU kernel's final solve):
 * 1. `openHost` sets the demand of the host's daemons (capped by their CFS quota), each modelled
 *    VM's QEMU main loop (disk emulation without iothreads), iothreads, and — at the packet rate
 *    the VM *wants* — its QEMU or vhost packet work and its guest softirq (added to the VM's vCPUs).
 * 2. On hosts with network demand the kernel solves that load once; `applyCapacity` reads from it
 *    the share f = run / (run + ready) an always-runnable thread would get for each VM's vCPUs and
 *    path thread, caps each VM's packet rate by its guest softirq, vhost workers or QEMU main loop
 *    (./network.ts), shares the host NIC, and rewrites the thread and softirq demand to the rate
 *    achieved. The kernel then solves again; that solution is the one recorded. So a thread's CPU
 *    enters the host's load once, at the rate the path achieves.
 *
 * Heartbeats. Tails matter and the closed-form kernel has none, so advertisement delays come from
 * the micro-level simulation of the two hosts: every wake-up of the watched threads (the master's
 * and backup's vCPUs, and the QEMU main loop or first vhost worker that carries their packets) in
 * a micro run is kept in a reservoir per interval sampled (fleet resolution: `heartbeatWindows`
 * micro windows per replication at stratified random intervals on both hosts, each interval using
 * the nearest window; micro resolution: every interval). Each advertisement's one-way delay is an
 * independent draw of the sender vCPU's wake-up delay + the sender path thread's + the receiver path
 * thread's + the receiver vCPU's, plus the wait behind each side's ring backlog (./backlog.ts: a
 * fluid queue of `ringPackets` carried across the run, filling at demanded − served packets/s and
 * draining after); it is lost only when it meets a full ring (tail drop). Arrivals are FIFO (./vrrp.ts). A role whose thread woke fewer than 8 times in a
 * window draws from all wake-ups on its host in that window instead.
 *
 * Main-loop stalls (./stalls.ts): a heartbeat VM with disk IO and no iothread blocks its QEMU main
 * loop under the BQL for `mainLoopBlockingShare` of the IOs its device serves, each for about the
 * device's IO latency in the interval as the IO model measured it (`ioStep`: boot IO included),
 * and, with cache=writeback, for each guest flush until the image's dirty pages are written back at
 * the bandwidth the array leaves; each blocking call ends only when the loop's thread gets a CPU
 * again (one of its micro-simulated wake-up delays: host daemons such as libvirtd lengthen them, a
 * CFS quota shortens them).
 * An advert that reaches a stalled loop (sender's or receiver's, vhost_net off) waits for the
 * stall's end, so consecutive adverts share one stall.
 *
 * The model's limits are listed in docs/latency.md: scheduling delays are independent draws beyond
 * FIFO order; boot-time IO is not charged to QEMU's CPU; traffic leaves through the NIC unless its
 * `peer` is on the same host (shareNicWithPeers).
 */
import type { ModelScenario } from '../scenario.js';
import type { Placement } from '../placement.js';
import { KIND_DAEMON, type FleetLayout, type ThreadPlan, type VmThreads } from '../fleet-layout.js';
import type { Rng, StreamFactory } from '../random/streams.js';
import { Histogram } from '../stats/histogram.js';
import { LATENCY_DEFAULTS, type HeartbeatSpec, type NetworkSpec } from './spec.js';
import { BOTTLENECKS, NONE, pathSegmentBytes, ringSegments, shareNic, vmPacketRate, type PathCosts } from './network.js';
import { HeartbeatTracker, masterDownSeconds } from './vrrp.js';
import { MainLoopStalls, bandwidthLeft, mainLoopOnPath, stallHold, writebackSeconds, type WakeDelay } from './stalls.js';
import { PathBacklog, admitted } from './backlog.js';
import { arrayIops, type ArraySpec } from '../io/storage.js';

/** Per replication: what the latency paths measured. */
export interface LatencyReplication {
  /** Placement indexes of the VMs with network demand, in placement order. */
  networkVms: Int32Array;
  /** Per network VM: Σ over running intervals of demanded and achieved Gbit/s, and the intervals. */
  demandGbpsSum: Float64Array;
  achievedGbpsSum: Float64Array;
  runningSteps: Float64Array;
  /** Per network VM × bottleneck (BOTTLENECKS order): Gbit/s-intervals lost to it. */
  lostGbpsByBottleneck: Float64Array;
  heartbeats: HeartbeatReplication[];
}

export interface HeartbeatReplication {
  /** Gap between consecutive advertisements the backup received, ms. */
  gapMs: Histogram;
  /** One-way delay of each advertisement received, ms. */
  delayMs: Histogram;
  sent: number;
  lost: number;
  failovers: number;
  flaps: number;
  /** Micro-level wake-ups the delays were drawn from (all roles). */
  delaySamples: number;
  /** Adverts held by a stalled QEMU main loop (sender's or receiver's, vhost_net off). */
  stalledAdverts: number;
  /** Time the master's and the backup's QEMU main loops were stalled under the BQL, s (./stalls.ts). */
  masterStallSeconds: number;
  backupStallSeconds: number;
  /** Longest main-loop stall of either side, s (0 without stalls). */
  longestStallSeconds: number;
}

/** A VM whose main loop can stall: in a heartbeat, disk IO, no iothread. Its stall inputs per interval. */
interface StallInput {
  vm: number;
  host: number;
  /** The IO model's device of its host (-1 until `connectIo`). */
  device: number;
  /** Its nominal IOPS and write IOPS (what it dirties with cache=writeback). */
  iops: number;
  writeIops: number;
  /** cache=writeback: guest flushes per second (0 for cache=none), and the array's all-write IOPS. */
  flushPerSecond: number;
  writeCapacityIops: number;
  /** Per interval: blocking operations per second and their mean duration (the device latency), s. */
  rate: Float64Array;
  meanSeconds: Float64Array;
  /** Per interval: writeback flushes per second and the duration of each, s. */
  flushRate: Float64Array;
  flushSeconds: Float64Array;
}

const MIN_SAMPLES = 8;
const RESERVOIR = 64;
const ROLES = 4;

/** A fixed-size uniform sample per index (reservoir sampling). */
class Reservoirs {
  readonly values: Float64Array;
  readonly seen: Float64Array;
  constructor(readonly count: number) {
    this.values = new Float64Array(count * RESERVOIR);
    this.seen = new Float64Array(count);
  }
  add(j: number, x: number, rng: Rng): void {
    const seen = this.seen[j]!;
    if (seen < RESERVOIR) this.values[j * RESERVOIR + seen] = x;
    else {
      const r = Math.floor(rng() * (seen + 1));
      if (r < RESERVOIR) this.values[j * RESERVOIR + r] = x;
    }
    this.seen[j] = seen + 1;
  }
  size(j: number): number {
    return Math.min(RESERVOIR, this.seen[j]!);
  }
  draw(j: number, rng: Rng): number {
    return this.pick(j, rng());
  }
  /** The sample j's value at index ⌊u·n⌋: a uniform draw for a uniform u; 0 when empty. */
  pick(j: number, u: number): number {
    const n = this.size(j);
    return n > 0 ? this.values[j * RESERVOIR + Math.min(n - 1, Math.floor(u * n))]! : 0;
  }
}

interface HeartbeatState {
  spec: HeartbeatSpec;
  masterDown: number;
  master: number;
  backup: number;
  /** Slots watched per role: sender vCPU, sender path, receiver path, receiver vCPU. */
  roleSlot: Int32Array;
  roleHost: Int32Array;
  /** Per role: 1 when its thread is on a dedicated core (a pinned VM): it never waits to be scheduled. */
  rolePinned: Uint8Array;
  roles: Reservoirs[];
  /** Per interval: master / backup running, and each side's loss probability and ring delay. */
  masterUp: Uint8Array;
  backupUp: Uint8Array;
  /** Per interval and side: packets/s arriving at the path's ring (λ) and served from it (μ), ./backlog.ts. */
  lambdaSend: Float64Array;
  lambdaRecv: Float64Array;
  muSend: Float64Array;
  muRecv: Float64Array;
}

/** The network of a group in a heartbeat that declares none: no traffic, the default NIC. */
const QUIET_NETWORK: NetworkSpec = {
  gbps: 0,
  packetBytes: LATENCY_DEFAULTS.packetBytes,
  vhostNet: LATENCY_DEFAULTS.vhostNet,
  queues: LATENCY_DEFAULTS.queues,
  offloads: LATENCY_DEFAULTS.offloads,
  segmentBytes: null,
  connections: null,
  pinned: false,
};

/** The host threads a scenario needs beyond ksmd, or undefined when it has none. */
export function threadPlan(scenario: ModelScenario, placement: Placement): ThreadPlan | undefined {
  const latency = scenario.latency;
  if (!latency) return undefined;
  const inHeartbeat = modelledGroups(scenario, placement);
  const threads = placement.vms.map((vm): VmThreads | undefined => {
    const group = scenario.vms[vm.group]!;
    const net = networkOf(scenario, vm.group, inHeartbeat);
    const iothreads = group.iothreads ?? 0;
    if (!net && iothreads === 0) return undefined;
    return { qemu: true, vhost: net && net.vhostNet ? net.queues : 0, iothreads, pinned: net?.pinned ?? false };
  });
  const daemons = latency.hostThreads.daemons.length;
  if (daemons === 0 && threads.every((t) => t === undefined)) return undefined;
  return { daemons, vmThreads: (v) => threads[v] };
}

/** Groups whose device threads are modelled without a network of their own: heartbeat VMs and traffic peers. */
function modelledGroups(scenario: ModelScenario, placement: Placement): Set<number> {
  const byName = new Map(placement.vms.map((vm) => [vm.name, vm.group]));
  const groups = new Set<number>();
  for (const hb of scenario.latency?.heartbeats ?? []) {
    for (const name of [hb.master, hb.backup]) {
      const g = byName.get(name);
      if (g !== undefined) groups.add(g);
    }
  }
  for (const p of peersOf(scenario, placement)) if (p >= 0) groups.add(placement.vms[p]!.group);
  return groups;
}

/**
 * Per placement VM: the placement index of its traffic peer (`network.peer`), or −1. A VM name
 * names one VM for the whole group; a group name pairs VM n with that group's VM n (wrapping at
 * its count when that is a number). Resolved by name alone, so a slice of the fleet (./chunks.ts)
 * pairs alike: a peer outside the slice is on another host. A peer not placed, or the VM itself,
 * is none.
 */
export function peersOf(scenario: ModelScenario, placement: Placement): Int32Array {
  const byName = new Map(placement.vms.map((vm, v) => [vm.name, v]));
  const groups = new Map(scenario.vms.map((g) => [g.name, g.count]));
  return Int32Array.from(placement.vms, (vm, v) => {
    const peer = scenario.vms[vm.group]!.network?.peer;
    if (peer === undefined || peer === null) return -1;
    const count = groups.get(peer);
    let name = peer;
    if (count !== undefined) {
      const n = Number(/-(\d+)$/.exec(vm.name)?.[1] ?? '1');
      name = `${peer}-${typeof count === 'number' && count > 0 ? ((n - 1) % count) + 1 : n}`;
    }
    const p = byName.get(name) ?? -1;
    return p === v ? -1 : p;
  });
}

function networkOf(scenario: ModelScenario, group: number, inHeartbeat: Set<number>): NetworkSpec | undefined {
  return scenario.vms[group]!.network ?? (inHeartbeat.has(group) ? QUIET_NETWORK : undefined);
}

export class LatencyPaths {
  private readonly scenario: ModelScenario;
  private readonly placement: Placement;
  private readonly layout: FleetLayout;
  private readonly steps: number;
  private readonly isRunning: (vm: number) => boolean;
  /** Per VM: its network (undefined: none), demanded segments/s at the group's mean, and disk IOPS. */
  private readonly net: (NetworkSpec | undefined)[];
  private readonly meanPps: Float64Array;
  /** Per VM: bytes per segment on its virtio path (./network.ts pathSegmentBytes) and segments per ring. */
  private readonly segBytes: Float64Array;
  private readonly ringSegs: Float64Array;
  private readonly iops: Float64Array;
  private readonly meanUtil: Float64Array;
  /** Per host: its VMs with a network, and whether any demands packets (two kernel passes). */
  private readonly hostNetVms: Int32Array[];
  readonly twoPass: Uint8Array;
  /** Per VM this interval: app demand per vCPU, demanded and achieved packets/s, bottleneck. */
  private readonly appDemand: Float64Array;
  /**
   * Same-host traffic peers (`network.peer`): per VM its peer when both are on one host (else −1)
   * and the share of its traffic it exchanges with it; per host whether any VM has one. Per VM
   * this interval: its own demanded segments/s (wantPps adds what same-host peers send it), the
   * share of its demand its path achieved, and the part of its traffic switched on the host, Gbit/s.
   */
  private readonly peer: Int32Array;
  private readonly peerShare: Float64Array;
  private readonly hostPeers: Uint8Array;
  private readonly ownPps: Float64Array;
  private readonly achievedShare: Float64Array;
  private readonly localGbps: Float64Array;
  private readonly wantPps: Float64Array;
  private readonly gotPps: Float64Array;
  private readonly bottleneck: Uint8Array;
  private readonly gbpsScratch: Float64Array;
  private readonly bnScratch: Uint8Array;
  private readonly orderScratch: Int32Array;
  private readonly rate = new Float64Array(2);
  private readonly daemonDemand: Float64Array;
  private readonly costs: { guest: number; vhost: number; qemu: number; qemuIo: number; iothreadIo: number; ring: number };
  private readonly pathCosts: PathCosts;
  private readonly nicGbps: number;

  private readonly hb: HeartbeatState[];
  /** Per slot: heartbeat-role watchers as (heartbeat · ROLES + role) codes, or undefined. */
  private readonly watchers: (number[] | undefined)[];
  /** Per host: index into hostReservoirs, or −1 when the host carries no heartbeat. */
  readonly watchedHost: Int32Array;
  private readonly hostReservoirs: Reservoirs[];
  /** Intervals sampled by micro runs (sorted) and, per interval, the sample to use. */
  private readonly sampleSteps: number[];
  private readonly stepToSample: Int32Array;
  /** Per host that carries a heartbeat: the stream its wake-up reservoirs sample with. */
  private readonly reservoirRngs: (Rng | undefined)[];
  private readonly streams: StreamFactory;
  /** Per VM: its main-loop stall inputs, when it can stall (heartbeat VMs only). */
  private readonly stallInputs: (StallInput | undefined)[];
  /** The VMs with stall inputs, in the order they were found. */
  private readonly stallVms: number[] = [];
  private readonly holdScratch = new Float64Array(2);
  readonly result: LatencyReplication;

  constructor(
    scenario: ModelScenario,
    placement: Placement,
    layout: FleetLayout,
    steps: number,
    streams: StreamFactory,
    micro: boolean,
    isRunning: (vm: number) => boolean,
  ) {
    this.scenario = scenario;
    this.placement = placement;
    this.layout = layout;
    this.steps = steps;
    this.isRunning = isRunning;
    const latency = scenario.latency!;
    const c = latency.hostThreads.costs;
    this.costs = { guest: c.guestPacketMicros * 1e-6, vhost: c.vhostPacketMicros * 1e-6, qemu: c.qemuPacketMicros * 1e-6, qemuIo: c.qemuIoMicros * 1e-6, iothreadIo: c.iothreadIoMicros * 1e-6, ring: c.ringPackets };
    this.pathCosts = { guest: this.costs.guest, vhost: this.costs.vhost, qemu: this.costs.qemu, notify: c.exitsPerNotification * c.vmExitMicros * 1e-6, slice: c.schedSliceMicros * 1e-6 };
    this.nicGbps = latency.hostThreads.nicGbps;
    this.daemonDemand = Float64Array.from(latency.hostThreads.daemons, (d) => Math.min(1, Math.min(d.cpuPct, d.quotaPct ?? Number.POSITIVE_INFINITY) / 100));

    const vms = placement.vms.length;
    const inHeartbeat = modelledGroups(scenario, placement);
    this.net = placement.vms.map((vm, v) => (layout.qemuSlot[v]! >= 0 ? networkOf(scenario, vm.group, inHeartbeat) : undefined));
    this.meanPps = new Float64Array(vms);
    this.segBytes = new Float64Array(vms);
    this.ringSegs = new Float64Array(vms);
    this.iops = new Float64Array(vms);
    this.meanUtil = new Float64Array(vms);
    placement.vms.forEach((vm, v) => {
      const group = scenario.vms[vm.group]!;
      const net = this.net[v];
      if (net) {
        const bytes = pathSegmentBytes(net.packetBytes, net.offloads, net.segmentBytes, net.connections, net.gbps, LATENCY_DEFAULTS.segmentBytes);
        this.segBytes[v] = bytes;
        this.ringSegs[v] = ringSegments(c.ringPackets, bytes);
        this.meanPps[v] = (net.gbps * 1e9) / (8 * bytes);
      }
      this.iops[v] = group.workload.io.iops;
      this.meanUtil[v] = group.workload.cpu.utilPct / 100;
    });
    const hosts = placement.hosts.length;
    this.hostNetVms = placement.hosts.map((host) => Int32Array.from(host.vms.filter((v) => this.net[v] !== undefined).sort((a, b) => a - b)));
    this.twoPass = Uint8Array.from(this.hostNetVms, (list) => (list.some((v) => this.meanPps[v]! > 0) ? 1 : 0));
    this.appDemand = new Float64Array(vms);
    const peers = peersOf(scenario, placement);
    this.peer = Int32Array.from(peers, (p, v) => (p >= 0 && this.net[v] !== undefined && this.net[p] !== undefined && placement.vms[p]!.host === placement.vms[v]!.host ? p : -1));
    this.peerShare = Float64Array.from(placement.vms, (_, v) => this.net[v]?.peerShare ?? 1);
    this.hostPeers = Uint8Array.from(this.hostNetVms, (list) => (list.some((v) => this.peer[v]! >= 0) ? 1 : 0));
    this.ownPps = new Float64Array(vms);
    this.achievedShare = new Float64Array(vms);
    this.localGbps = new Float64Array(vms);
    this.wantPps = new Float64Array(vms);
    this.gotPps = new Float64Array(vms);
    this.bottleneck = new Uint8Array(vms);
    const widest = Math.max(1, ...this.hostNetVms.map((l) => l.length));
    this.gbpsScratch = new Float64Array(widest);
    this.bnScratch = new Uint8Array(widest);
    this.orderScratch = new Int32Array(widest);

    const networkVms = Int32Array.from(placement.vms.map((_, v) => v).filter((v) => this.net[v] !== undefined && scenario.vms[placement.vms[v]!.group]!.network !== undefined));
    const n = networkVms.length;
    this.result = {
      networkVms,
      demandGbpsSum: new Float64Array(n),
      achievedGbpsSum: new Float64Array(n),
      runningSteps: new Float64Array(n),
      lostGbpsByBottleneck: new Float64Array(n * BOTTLENECKS.length),
      heartbeats: [],
    };

    // Heartbeats: watched slots, reservoirs, sampled intervals.
    this.streams = streams;
    // Streams per host and per heartbeat, so a heartbeat draws alike whatever else the fleet holds.
    this.reservoirRngs = placement.hosts.map(() => undefined);
    const windowRng = streams.stream('latency', 'windows');
    const W = Math.min(latency.heartbeatWindows, steps);
    this.sampleSteps = micro ? Array.from({ length: steps }, (_, k) => k) : [];
    if (!micro && latency.heartbeats.length > 0) {
      const chosen = new Set<number>();
      for (let w = 0; w < W; w++) chosen.add(Math.min(steps - 1, Math.floor(((w + windowRng()) * steps) / W)));
      this.sampleSteps = [...chosen].sort((a, b) => a - b);
    }
    this.stepToSample = new Int32Array(steps);
    for (let k = 0, j = 0; k < steps; k++) {
      const s = this.sampleSteps;
      while (j + 1 < s.length && Math.abs(s[j + 1]! - k) <= Math.abs(s[j]! - k)) j++;
      this.stepToSample[k] = s.length > 0 ? j : -1;
    }
    const J = Math.max(1, this.sampleSteps.length);
    this.watchers = new Array<number[] | undefined>(layout.slots).fill(undefined);
    this.watchedHost = new Int32Array(hosts).fill(-1);
    this.hostReservoirs = [];
    const byName = new Map(placement.vms.map((vm, v) => [vm.name, v]));
    this.hb = latency.heartbeats.map((spec, i) => {
      // A heartbeat whose VMs were not placed sends nothing (the report shows no advertisements).
      const master = byName.get(spec.master) ?? -1;
      const backup = byName.get(spec.backup) ?? -1;
      const placed = master >= 0 && backup >= 0;
      const pathSlot = (v: number): number => (this.net[v]!.vhostNet ? layout.vhostFrom[v]! : layout.qemuSlot[v]!);
      const roleSlot = placed ? Int32Array.of(layout.slotOfVm[master]!, pathSlot(master), pathSlot(backup), layout.slotOfVm[backup]!) : new Int32Array(0);
      const roleHost = Int32Array.from(roleSlot, (s) => layout.hostOf[s]!);
      roleSlot.forEach((s, role) => (this.watchers[s] ??= []).push(i * ROLES + role));
      for (const h of roleHost) {
        if (this.watchedHost[h] === -1) {
          this.watchedHost[h] = this.hostReservoirs.length;
          this.hostReservoirs.push(new Reservoirs(J));
        }
      }
      this.result.heartbeats.push({ gapMs: new Histogram(), delayMs: new Histogram(), sent: 0, lost: 0, failovers: 0, flaps: 0, delaySamples: 0, stalledAdverts: 0, masterStallSeconds: 0, backupStallSeconds: 0, longestStallSeconds: 0 });
      return {
        spec,
        masterDown: masterDownSeconds(spec.intervalSeconds, spec.priority, spec.version),
        master,
        backup,
        roleSlot,
        roleHost,
        rolePinned: placed ? Uint8Array.of(...[master, master, backup, backup].map((v) => (this.net[v]!.pinned ? 1 : 0))) : new Uint8Array(0),
        roles: Array.from({ length: ROLES }, () => new Reservoirs(J)),
        masterUp: new Uint8Array(steps),
        backupUp: new Uint8Array(steps),
        lambdaSend: new Float64Array(steps),
        lambdaRecv: new Float64Array(steps),
        muSend: new Float64Array(steps),
        muRecv: new Float64Array(steps),
      };
    });
    this.stallInputs = this.stallInputsOf(latency.hostThreads.costs.mainLoopBlockingShare);
  }

  /** The heartbeat VMs whose main loop can stall (disk IO, no iothread, a blocking share or writeback flushes). */
  private stallInputsOf(share: number): (StallInput | undefined)[] {
    const { scenario, placement, layout, steps } = this;
    const out = new Array<StallInput | undefined>(placement.vms.length).fill(undefined);
    const arrayOf = (h: number): ArraySpec => {
      const storage = scenario.hosts[placement.hosts[h]!.group]!.storage;
      return storage.kind === 'datastore' ? scenario.datastores.find((d) => d.name === storage.name)!.array : storage.array;
    };
    for (const hb of this.hb) {
      for (const v of [hb.master, hb.backup]) {
        if (v < 0 || out[v] || layout.iothreadCount[v]! > 0 || !(this.iops[v]! > 0)) continue;
        const group = scenario.vms[placement.vms[v]!.group]!;
        const disk = group.disk;
        const writeback = disk !== undefined && disk.cache === 'writeback';
        const writeIops = (this.iops[v]! * (100 - group.workload.io.readPct)) / 100;
        const flushPerSecond = writeback && writeIops > 0 ? 1 / disk.flushSeconds : 0;
        if (!(share > 0) && flushPerSecond === 0) continue;
        const host = placement.vms[v]!.host;
        this.stallVms.push(v);
        out[v] = {
          vm: v,
          host,
          device: -1,
          iops: this.iops[v]!,
          writeIops,
          flushPerSecond,
          writeCapacityIops: arrayIops(arrayOf(host), 0),
          rate: new Float64Array(steps),
          meanSeconds: new Float64Array(steps),
          flushRate: new Float64Array(steps),
          flushSeconds: new Float64Array(steps),
        };
      }
    }
    return out;
  }

  /** Tells the stalls which IO device each VM's host uses (the IO model's `deviceOf`). */
  /** Whether some VM's main-loop stalls read the IO model's device readings (ioStep). */
  get readsDeviceSteps(): boolean {
    return this.stallVms.length > 0;
  }

  connectIo(deviceOf: (host: number) => number): void {
    for (const v of this.stallVms) {
      const input = this.stallInputs[v]!;
      input.device = deviceOf(input.host);
    }
  }

  /**
   * The IO model closed interval k of device d (boot IO included): `latencySeconds` is the mean
   * latency of the IOs it served, `utilization` its busy share, `servedShare` the share of their
   * nominal IOPS the running VMs got, `streams` the VMs doing IO on it. Sets the interval's stall
   * inputs of the heartbeat VMs on that device:
   * - blocking IO: `mainLoopBlockingShare` of the IOs the device serves the VM, each holding the loop
   *   for a mean of the interval's IO latency (a flush drains the queue: backlog / throughput = R);
   * - cache=writeback: each guest flush waits for the writes the VM made since its last flush, all
   *   still dirty in the host page cache (the kernel writes back pages only after
   *   dirty_expire_centisecs, 30 s, unless over dirty_background_ratio), written at the bandwidth the
   *   array leaves (./stalls.ts bandwidthLeft). Writeback IOs are taken to be the guest's random
   *   writes, so data and bandwidth are both counted in write IOs (the IO size cancels).
   */
  ioStep(k: number, d: number, latencySeconds: number, utilization: number, servedShare: number, streams: number): void {
    const list = this.stallVms;
    const share = this.scenario.latency!.hostThreads.costs.mainLoopBlockingShare;
    for (let i = 0; i < list.length; i++) {
      const input = this.stallInputs[list[i]!]!;
      if (input.device !== d || k >= this.steps) continue;
      if (!this.isRunning(input.vm)) {
        input.rate[k] = 0;
        input.flushRate[k] = 0;
        continue;
      }
      input.rate[k] = share * input.iops * servedShare;
      input.meanSeconds[k] = latencySeconds;
      if (input.flushPerSecond > 0) {
        const dirtyIos = input.writeIops / input.flushPerSecond;
        input.flushRate[k] = input.flushPerSecond;
        input.flushSeconds[k] = writebackSeconds(dirtyIos, bandwidthLeft(input.writeCapacityIops, utilization, streams));
      }
    }
  }

  /** Fleet resolution: the intervals at which the heartbeat hosts are micro-simulated. */
  heartbeatSteps(): number[] {
    return this.hb.length > 0 ? this.sampleSteps : [];
  }

  /** Whether host h has threads whose wake-ups the heartbeats need. */
  watches(h: number): boolean {
    return this.watchedHost[h]! >= 0;
  }

  // ------------------------------------------------------------------ per interval

  /**
   * Sets the demand of host h's daemons and device threads for interval k at the packet rates the
   * VMs want, and adds their guest softirq to their vCPUs. `demand` holds the VMs' own demand.
   */
  openHost(h: number, demand: Float64Array): void {
    const { layout } = this;
    const from = layout.hostVmTo[h]!;
    const to = layout.hostTo[h]!;
    for (let s = from; s < to; s++) {
      if (layout.kind[s] === KIND_DAEMON) demand[s] = this.daemonDemand[layout.owner[s]!]!;
    }
    const list = this.hostNetVms[h]!;
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!;
      const slot = layout.slotOfVm[v]!;
      const running = this.isRunning(v);
      const app = demand[slot]!;
      this.appDemand[v] = app;
      const mean = this.meanUtil[v]!;
      const want = running ? this.meanPps[v]! * (mean > 0 ? app / mean : 1) : 0;
      this.ownPps[v] = want;
      this.wantPps[v] = want;
      this.bottleneck[v] = NONE;
    }
    // Traffic to a peer on this host also crosses the peer's path: its vhost worker (or QEMU
    // loop) and its guest softirq handle the same segments.
    if (this.hostPeers[h]) {
      for (let i = 0; i < list.length; i++) {
        const v = list[i]!;
        const p = this.peer[v]!;
        if (p >= 0 && this.isRunning(p)) this.wantPps[p]! += (this.ownPps[v]! * this.peerShare[v]! * this.segBytes[v]!) / this.segBytes[p]!;
      }
    }
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!;
      this.gotPps[v] = this.wantPps[v]!;
      this.setVmThreads(v, demand, this.wantPps[v]!, this.isRunning(v));
    }
    // VMs with only iothreads (no network): their disk work.
    this.placement.hosts[h]!.vms.forEach((v) => {
      if (this.net[v] === undefined && layout.qemuSlot[v]! >= 0) this.setVmThreads(v, demand, 0, this.isRunning(v));
    });
  }

  /** Writes VM v's device-thread and softirq demand for a packet rate. */
  private setVmThreads(v: number, demand: Float64Array, pps: number, running: boolean): void {
    const { layout, costs } = this;
    const net = this.net[v];
    const iops = running ? this.iops[v]! : 0;
    const iothreads = layout.iothreadCount[v]!;
    const vhost = net !== undefined && net.vhostNet;
    let qemu = iothreads === 0 ? iops * costs.qemuIo : 0;
    if (net && !vhost) qemu += pps * costs.qemu;
    demand[layout.qemuSlot[v]!] = Math.min(1, qemu);
    const vq = layout.vhostCount[v]!;
    for (let q = 0; q < vq; q++) demand[layout.vhostFrom[v]! + q] = Math.min(1, (pps / vq) * costs.vhost);
    for (let q = 0; q < iothreads; q++) demand[layout.iothreadFrom[v]! + q] = Math.min(1, (iops / iothreads) * costs.iothreadIo);
    if (net) {
      const slot = layout.slotOfVm[v]!;
      const vcpus = layout.vcpus[slot]!;
      demand[slot] = Math.min(1, this.appDemand[v]! + (pps * costs.guest) / vcpus);
    }
  }

  /**
   * Second pass on a host with network demand: reads each path's share from the kernel's solution
   * of the demanded load (`ready`, `run` per slot), caps the packet rates, shares the NIC and
   * rewrites the demand at the achieved rates.
   */
  applyCapacity(h: number, demand: Float64Array, ready: Float64Array, run: Float64Array): void {
    const { layout, costs } = this;
    const list = this.hostNetVms[h]!;
    const share = (s: number): number => {
      const r = run[s]!;
      const w = ready[s]!;
      return r + w > 0 ? r / (r + w) : 1;
    };
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!;
      const want = this.wantPps[v]!;
      if (want <= 0) {
        this.gbpsScratch[i] = 0;
        this.bnScratch[i] = NONE;
        continue;
      }
      const net = this.net[v]!;
      const slot = layout.slotOfVm[v]!;
      // Pinned: the vCPUs and path threads own their cores, so they are never descheduled.
      let path = 1;
      if (net.pinned) path = 1;
      else if (net.vhostNet) {
        let sum = 0;
        const vq = layout.vhostCount[v]!;
        for (let q = 0; q < vq; q++) sum += share(layout.vhostFrom[v]! + q);
        path = vq > 0 ? sum / vq : 1;
      } else path = share(layout.qemuSlot[v]!);
      const disk = layout.iothreadCount[v]! === 0 && this.isRunning(v) ? this.iops[v]! * costs.qemuIo : 0;
      const vcpu = net.pinned ? 1 : share(slot);
      vmPacketRate(want, net.queues, layout.vcpus[slot]!, net.vhostNet, vcpu, path, disk, this.ringSegs[v]!, this.pathCosts, this.rate);
      this.gbpsScratch[i] = (this.rate[0]! * 8 * this.segBytes[v]!) / 1e9;
      this.bnScratch[i] = this.rate[1]!;
    }
    if (this.hostPeers[h]) this.shareNicWithPeers(list);
    else shareNic(this.gbpsScratch, this.bnScratch, 0, list.length, this.nicGbps, this.orderScratch);
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!;
      const got = (this.gbpsScratch[i]! * 1e9) / (8 * this.segBytes[v]!);
      this.gotPps[v] = got;
      this.bottleneck[v] = this.bnScratch[i]!;
      this.setVmThreads(v, demand, got, this.isRunning(v));
    }
  }

  /**
   * The NIC on a host with same-host peers: traffic between two VMs on one host is switched by the
   * host's bridge (a tap-to-tap forward in the host kernel) and never reaches the NIC, so only the
   * rest of each VM's achieved rate is shared max-min. A sender's traffic to its peer then moves
   * no faster than the slower of the two paths: it loses what the peer's path could not carry.
   */
  private shareNicWithPeers(list: Int32Array): void {
    const { gbpsScratch, bnScratch } = this;
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!;
      const want = this.wantPps[v]!;
      const toGbps = (8 * this.segBytes[v]!) / 1e9;
      const share = want > 0 ? (gbpsScratch[i]! / toGbps) / want : 1;
      this.achievedShare[v] = share;
      this.bottleneck[v] = bnScratch[i]!;
      const p = this.peer[v]!;
      const ownLocal = p >= 0 && this.isRunning(p) ? this.ownPps[v]! * this.peerShare[v]! : 0;
      const inbound = want - this.ownPps[v]!;
      const local = share * (ownLocal + inbound) * toGbps;
      this.localGbps[v] = local;
      gbpsScratch[i]! -= local;
    }
    shareNic(gbpsScratch, bnScratch, 0, list.length, this.nicGbps, this.orderScratch);
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!;
      gbpsScratch[i]! += this.localGbps[v]!;
      const p = this.peer[v]!;
      if (p < 0 || !this.isRunning(p)) continue;
      const slower = this.achievedShare[v]! - this.achievedShare[p]!;
      if (slower > 0) {
        gbpsScratch[i]! -= slower * this.ownPps[v]! * this.peerShare[v]! * ((8 * this.segBytes[v]!) / 1e9);
        bnScratch[i] = this.bottleneck[p]!;
      }
    }
  }

  /** After the final solve of interval k on host h: records network results and heartbeat inputs. */
  closeHost(h: number, k: number, run: Float64Array, ready: Float64Array): void {
    const { costs } = this;
    const list = this.hostNetVms[h]!;
    const r = this.result;
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!;
      if (!this.isRunning(v)) continue;
      const at = bisect(r.networkVms, v);
      if (at < 0) continue;
      const toGbps = (8 * this.segBytes[v]!) / 1e9;
      const want = this.wantPps[v]! * toGbps;
      const got = this.gotPps[v]! * toGbps;
      r.demandGbpsSum[at]! += want;
      r.achievedGbpsSum[at]! += got;
      r.runningSteps[at]!++;
      if (want > got) r.lostGbpsByBottleneck[at * BOTTLENECKS.length + this.bottleneck[v]!]! += want - got;
    }
    for (const hb of this.hb) {
      for (let side = 0; side < 2; side++) {
        const v = side === 0 ? hb.master : hb.backup;
        if (v < 0 || this.placement.vms[v]!.host !== h) continue;
        const up = this.isRunning(v) ? 1 : 0;
        const want = this.wantPps[v]!;
        // Saturated only where a component binds: the achieved rate goes through Gbit/s and back,
        // and a round-off below the demand must not count as saturation (it would hold μ at λ and
        // keep an earlier backlog from draining).
        const loss = up && want > 0 && this.bottleneck[v] !== NONE ? Math.max(0, 1 - this.gotPps[v]! / want) : 0;
        // A saturated path holds a full ring ahead of the advertisement.
        const net = this.net[v]!;
        const pathSlot = hb.roleSlot[side === 0 ? 1 : 2]!;
        const r0 = run[pathSlot]!;
        const w0 = ready[pathSlot]!;
        const f = net.pinned || r0 + w0 <= 0 ? 1 : r0 / (r0 + w0);
        const perPacket = net.vhostNet ? costs.vhost : costs.qemu;
        // Service rate of the ring: the binding capacity when the path is saturated, else what its
        // thread could serve at the share it gets (so a backlog drains once the overload ends).
        const mu = loss > 0 ? this.gotPps[v]! : Math.max(want, f / perPacket);
        if (side === 0) {
          hb.masterUp[k] = up;
          hb.lambdaSend[k] = up ? want : 0;
          hb.muSend[k] = mu;
        } else {
          hb.backupUp[k] = up;
          hb.lambdaRecv[k] = up ? want : 0;
          hb.muRecv[k] = mu;
        }
      }
    }
  }

  /**
   * A wake-up in a micro run on host h: thread of host-local slot `local` waited `delaySeconds`,
   * `measuredSeconds` into the run's measured part; `k` is the interval the run represents
   * (fleet windows) or −1 (a whole-run micro simulation: the interval follows from the time).
   */
  onWake(h: number, local: number, delaySeconds: number, measuredSeconds: number, k: number, stepSeconds: number): void {
    const step = k >= 0 ? k : Math.min(this.steps - 1, Math.floor(measuredSeconds / stepSeconds));
    const j = k >= 0 ? this.sampleSteps.indexOf(k) : step;
    if (j < 0) return;
    const slot = this.layout.hostFrom[h]! + local;
    let rng = this.reservoirRngs[h];
    if (rng === undefined) this.reservoirRngs[h] = rng = this.streams.stream(`host:${this.placement.hosts[h]!.name}`, 'wake-reservoirs');
    this.hostReservoirs[this.watchedHost[h]!]!.add(j, delaySeconds, rng);
    const list = this.watchers[slot];
    if (!list) return;
    for (const code of list) this.hb[Math.floor(code / ROLES)]!.roles[code % ROLES]!.add(j, delaySeconds, rng);
  }

  /** Simulates every heartbeat's advertisements over the run, after the micro runs. */
  finish(endSeconds: number): void {
    const step = this.scenario.stepSeconds;
    this.hb.forEach((hb, i) => {
      const rng = this.streams.stream('latency', `adverts#${i}`);
      const out = this.result.heartbeats[i]!;
      const tracker = new HeartbeatTracker(hb.masterDown, out.gapMs);
      const A = hb.spec.intervalSeconds;
      let t = rng() * A;
      for (let j = 0; j < hb.roles[0]!.count; j++) for (let role = 0; role < ROLES; role++) out.delaySamples += hb.roles[role]!.size(j);
      // Each VM's main-loop stalls come from its own stream, so a VM in two heartbeats has the same
      // blocking operations in both (their CPU waits come from each heartbeat's own wake-up samples).
      // A stall ends when the loop's thread gets a CPU back: one of its wake-up delays in that
      // interval (the path role watches the QEMU main loop when vhost_net is off; otherwise, or with
      // too few wake-ups, all wake-ups on its host).
      const wakeOf = (v: number, role: number): WakeDelay => {
        const own = hb.roles[role]!;
        const host = this.hostReservoirs[this.watchedHost[hb.roleHost[role]!]!]!;
        const loopWatched = !this.net[v]!.vhostNet;
        return (k, u) => {
          const j = this.stepToSample[k]!;
          if (j < 0) return 0;
          return loopWatched && own.size(j) >= MIN_SAMPLES ? own.pick(j, u) : host.pick(j, u);
        };
      };
      const loopOf = (v: number, role: number): MainLoopStalls | null => {
        const input = v >= 0 ? this.stallInputs[v] : undefined;
        if (!input) return null;
        return new MainLoopStalls(this.streams.stream(`vm:${this.placement.vms[v]!.name}`, 'main-loop-stalls'), step, input.rate, input.meanSeconds, {
          flushRate: input.flushPerSecond > 0 ? input.flushRate : undefined,
          flushSeconds: input.flushSeconds,
          wake: wakeOf(v, role),
        });
      };
      const masterLoop = loopOf(hb.master, 1);
      const backupLoop = loopOf(hb.backup, 2);
      const senderLoop = hb.master >= 0 ? mainLoopOnPath(this.net[hb.master]!.vhostNet, masterLoop) : null;
      const receiverLoop = hb.backup >= 0 ? mainLoopOnPath(this.net[hb.backup]!.vhostNet, backupLoop) : null;
      const hold = this.holdScratch;
      const sendQ = new PathBacklog(this.costs.ring);
      const recvQ = new PathBacklog(this.costs.ring);
      const draw = (role: number, j: number): number => {
        // A pinned VM's vCPUs and path thread own their cores (the micro windows still share them).
        if (j < 0 || hb.rolePinned[role]) return 0;
        const own = hb.roles[role]!;
        if (own.size(j) >= MIN_SAMPLES) return own.draw(j, rng);
        return this.hostReservoirs[this.watchedHost[hb.roleHost[role]!]!]!.draw(j, rng);
      };
      for (let k = 0; k < this.steps; k++) {
        const end = (k + 1) * step;
        if (!hb.masterUp[k] || !hb.backupUp[k]) {
          if (!hb.masterUp[k]) tracker.masterOff();
          else tracker.restart();
          // A VM that is off holds no packets.
          if (!hb.masterUp[k]) sendQ.reset(end);
          if (!hb.backupUp[k]) recvQ.reset(end);
          while (t < end) t += A;
          continue;
        }
        const j = this.stepToSample[k]!;
        const lS = hb.lambdaSend[k]!;
        const mS = hb.muSend[k]!;
        const lR = hb.lambdaRecv[k]!;
        const mR = hb.muRecv[k]!;
        for (; t < end; t += A) {
          out.sent++;
          const d0 = draw(0, j);
          const d1 = draw(1, j);
          const d2 = draw(2, j);
          const d3 = draw(3, j);
          // The advert joins the sender's ring behind its backlog, then the receiver's.
          const atSend = t + d0;
          sendQ.advance(atSend, lS, mS);
          if (!admitted(sendQ.full(), lS, mS, rng())) {
            out.lost++;
            continue;
          }
          const waitSend = sendQ.waitSeconds(mS);
          const atRecv = atSend + waitSend + d1 + d2;
          recvQ.advance(atRecv, lR, mR);
          if (!admitted(recvQ.full(), lR, mR, rng())) {
            out.lost++;
            continue;
          }
          const waitRecv = recvQ.waitSeconds(mR);
          let delay = d0 + d1 + waitSend + d2 + waitRecv + d3;
          if (senderLoop || receiverLoop) {
            const held = stallHold(t, d0, d1 + waitSend + d2, senderLoop, receiverLoop, hold);
            if (held > 0) {
              out.stalledAdverts++;
              delay += held;
              // The stalled loop served nothing meanwhile: the VM's packets piled up in its ring.
              sendQ.hold(hold[0]!, lS);
              recvQ.hold(hold[1]!, lR);
            }
          }
          out.delayMs.add(delay * 1000);
          tracker.receive(t + delay);
        }
      }
      tracker.finish(endSeconds);
      out.masterStallSeconds = masterLoop ? masterLoop.stalledSeconds(endSeconds) : 0;
      out.backupStallSeconds = backupLoop ? backupLoop.stalledSeconds(endSeconds) : 0;
      out.longestStallSeconds = Math.max(masterLoop ? masterLoop.longestStallSeconds(endSeconds) : 0, backupLoop ? backupLoop.longestStallSeconds(endSeconds) : 0);
      out.failovers = tracker.failovers;
      out.flaps = tracker.flaps;
    });
  }
}

function bisect(sorted: Int32Array, x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const y = sorted[mid]!;
    if (y === x) return mid;
    if (y < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

