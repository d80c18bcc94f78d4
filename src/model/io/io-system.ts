/**
 * Storage and boots for a whole replication: one device per host with local disks and one per
 * shared datastore; the queue of boot requests with admission control (at most N boots at once
 * per host and per datastore, served in request order, later requests overtaking only where the
 * earlier one is blocked by its own host's or datastore's limit); the boots' fluid progress on
 * their devices (./boot.ts, ./device.ts); and what the report needs: device utilisation and IO
 * latency, boot durations, admission waits, the storm's length and timelines.
 *
 * Time enters only through the calls the replication makes, in time order: boot requests and
 * completions are events on the replication's kernel, and every step boundary refreshes the
 * steady IO each device carries. Between those moments every rate is constant, so progress and
 * the IO served are integrated exactly.
 */
import type { GuestOs, ModelScenario } from '../scenario.js';
import { RUNNING } from '../fleet-state.js';
import type { Placement } from '../placement.js';
import { Histogram } from '../stats/histogram.js';
import { DONE_IOS, DeviceBoots, type BootProfile } from './boot.js';
import { deviceState, solveDevice, thinkForRate, type DeviceState } from './device.js';
import { backendOpsPerIo, type ArraySpec } from './storage.js';
import { StateSnapshot } from '../state-snapshot.js';

/** Phases of a VM's IO, in the order of `IoReplication.phases`. */
export const IO_PHASES = ['boot', 'logon', 'steady'] as const;
export type IoPhase = (typeof IO_PHASES)[number];

export interface IoHooks {
  /** Schedules a completion check of device d's boots at `atSeconds`, tagged with its generation. */
  scheduleBootDone(atSeconds: number, device: number, generation: number): void;
  /** A boot was admitted (the VM starts booting now). */
  bootStarted(vm: number, timeSeconds: number): void;
  /** A boot finished (the VM is up now). */
  bootFinished(vm: number, timeSeconds: number): void;
  /**
   * Optional: device d closed interval k. `latencySeconds`: the mean latency of the IOs it served
   * (boot and steady); `utilization`: its busy share; `servedShare`: the share of their nominal IOPS
   * the running VMs got; `streams`: VMs doing IO on it (running with steady IO, and booting).
   */
  deviceStep?(k: number, device: number, latencySeconds: number, utilization: number, servedShare: number, streams: number): void;
}

export interface IoReplication {
  devices: number;
  /** Utilisation % of each device in each step (time-averaged within the step). */
  utilPct: Histogram;
  /** Latency of every IO served, ms (the mean latency of the interval it was served in). */
  latencyMs: Histogram;
  /** The same for boot IOs only: what a booting desktop waits (the field report's "0.2 s per IO"). */
  bootLatencyMs: Histogram;
  bootSeconds: Histogram;
  bootSecondsByOs: Record<GuestOs, Histogram>;
  /** Wait from boot request to admission, s. */
  queuedSeconds: Histogram;
  boots: number;
  /** Boots requested that had not finished when the run ended. */
  bootsUnfinished: number;
  /** First boot request and last boot completion, s (NaN without boots). */
  firstRequestSeconds: number;
  lastDoneSeconds: number;
  /** Per device: peak step utilisation %, and steps in which running VMs got less than 95 % of their steady IOPS. */
  deviceUtilPctMax: Float64Array;
  deviceShortSteps: Float64Array;
  /** Steady IO the running VMs wanted and got, IOs over the run (all devices). */
  steadyIosWanted: number;
  steadyIosServed: number;
  /**
   * Per phase (IO_PHASES order), three sums each: IOs served, reads among them, and VM-seconds
   * spent in the phase by VMs doing that IO (booting VMs; running VMs logging on; the other
   * running VMs with steady IO). IOs over VM-seconds is the per-desktop IOPS of the phase.
   */
  phases: Float64Array;
  /**
   * Per interval: the busiest device's utilisation %, IOs served and Σ IOs × latency (s) over all
   * devices (the summary divides, so slices of a fleet merge by adding), boots in flight and queued.
   */
  timeline: { utilPctMax: Float64Array; ios: Float64Array; latencyIoSeconds: Float64Array; bootsInFlight: Float64Array; bootsQueued: Float64Array };
  deviceNames: string[];
}

interface Device {
  name: string;
  array: ArraySpec;
  boots: DeviceBoots;
  state: DeviceState;
  /** Running VMs on the device this step, their nominal steady IOPS and its read share. */
  steadyVms: number;
  steadyIops: number;
  steadyReadShare: number;
  /** Of those, VMs logging on and the IOPS they want (included in steadyVms and steadyIops). */
  logonVms: number;
  logonIops: number;
  logonReadShare: number;
  /** Read share of the boots' IO at the current rates. */
  bootReadShare: number;
  /** Accounting since the last step boundary. */
  busySeconds: number;
  steadyWanted: number;
  steadyServed: number;
  ios: number;
  latencyIoSeconds: number;
  inFlightSeconds: number;
}

export class IoSystem {
  readonly result: IoReplication;
  private readonly devices: Device[];
  private readonly deviceOfHost: Int32Array;
  /** Per datastore device: whether boots there count against maxPerDatastore. */
  private readonly isDatastore: Uint8Array;
  private readonly profileOf: BootProfile[];
  /** Per VM: the shortest its boot can be, its CPU work on all its vCPUs, s. */
  private readonly cpuFloorSeconds: Float64Array;
  /** Per VM: when its last boot finished, s (NaN before; its logon runs from there). */
  private readonly upAt: Float64Array;
  private readonly osOf: GuestOs[];
  private readonly hostOfVm: Int32Array;
  private readonly bootingOnHost: Int32Array;
  private readonly queue: number[] = [];
  private readonly requestedAt: Float64Array;
  private readonly maxPerHost: number;
  private readonly maxPerDatastore: number;
  private readonly hooks: IoHooks;
  private readonly scratch = deviceState();
  /** Per VM: steady IOPS and reads per second it wants while running (from its group). */
  private readonly vmIops: Float64Array;
  private readonly vmReadIops: Float64Array;
  /** Per device: the running VMs' steady load, summed at each step (scratch). */
  private readonly loadVms: Float64Array;
  private readonly loadIops: Float64Array;
  private readonly loadReads: Float64Array;
  private readonly loadLogonVms: Float64Array;
  private readonly loadLogonIops: Float64Array;
  private readonly loadLogonReads: Float64Array;
  /**
   * What the last setSteadyLoads saw: the VMs' states, whether some VM was logging on, and whether
   * a boot finished since (a VM's logon runs from then). With none of them changed the loads are
   * the same as then (a VM not logging on at an earlier moment is not at a later one), so the
   * per-VM pass is skipped: nearly every step of a day without boots.
   */
  private readonly loadsState: StateSnapshot;
  private loadsLogon = true;
  private loadsStale = true;
  /** Per device: the time up to which it is accounted; the same for the queue of boot requests. */
  private readonly accountedTo: Float64Array;
  private queueAccountedTo = 0;
  private queuedSeconds = 0;

  /** `datastores`: the datastores to simulate (their hosts are all in `placement`); all of the scenario's by default. */
  constructor(scenario: ModelScenario, placement: Placement, steps: number, hooks: IoHooks, datastores?: readonly string[]) {
    this.hooks = hooks;
    const datastoreIndex = new Map<string, number>();
    this.devices = [];
    const makeDevice = (name: string, array: ArraySpec): Device => ({
      name,
      array,
      boots: new DeviceBoots(),
      state: deviceState(),
      steadyVms: 0,
      steadyIops: 0,
      steadyReadShare: 1,
      logonVms: 0,
      logonIops: 0,
      logonReadShare: 0,
      bootReadShare: 1,
      busySeconds: 0,
      steadyWanted: 0,
      steadyServed: 0,
      ios: 0,
      latencyIoSeconds: 0,
      inFlightSeconds: 0,
    });
    for (const ds of scenario.datastores) {
      if (datastores && !datastores.includes(ds.name)) continue;
      datastoreIndex.set(ds.name, this.devices.length);
      this.devices.push(makeDevice(`datastore ${ds.name}`, ds.array));
    }
    this.isDatastore = new Uint8Array(this.devices.length + placement.hosts.length).fill(1, 0, this.devices.length);
    this.deviceOfHost = new Int32Array(placement.hosts.length);
    placement.hosts.forEach((host, h) => {
      const storage = scenario.hosts[host.group]!.storage;
      if (storage.kind === 'datastore') this.deviceOfHost[h] = datastoreIndex.get(storage.name)!;
      else {
        this.deviceOfHost[h] = this.devices.length;
        this.devices.push(makeDevice(`${host.name} local`, storage.array));
      }
    });
    this.profileOf = placement.vms.map((vm) => scenario.vms[vm.group]!.boot);
    this.cpuFloorSeconds = Float64Array.from(placement.vms, (vm) => {
      const g = scenario.vms[vm.group]!;
      return g.boot.cpuSeconds / Math.max(1, g.vcpus);
    });
    this.upAt = new Float64Array(placement.vms.length).fill(Number.NaN);
    this.osOf = placement.vms.map((vm) => scenario.vms[vm.group]!.os);
    this.hostOfVm = Int32Array.from(placement.vms, (vm) => vm.host);
    this.bootingOnHost = new Int32Array(placement.hosts.length);
    this.requestedAt = new Float64Array(placement.vms.length).fill(Number.NaN);
    this.vmIops = Float64Array.from(placement.vms, (vm) => Math.max(0, scenario.vms[vm.group]!.workload.io.iops));
    this.vmReadIops = Float64Array.from(placement.vms, (vm) => {
      const io = scenario.vms[vm.group]!.workload.io;
      return io.iops > 0 ? (io.iops * io.readPct) / 100 : 0;
    });
    this.accountedTo = new Float64Array(this.devices.length);
    this.loadVms = new Float64Array(this.devices.length);
    this.loadIops = new Float64Array(this.devices.length);
    this.loadReads = new Float64Array(this.devices.length);
    this.loadLogonVms = new Float64Array(this.devices.length);
    this.loadLogonIops = new Float64Array(this.devices.length);
    this.loadLogonReads = new Float64Array(this.devices.length);
    this.loadsState = new StateSnapshot(placement.vms.length);
    this.maxPerHost = scenario.boots.maxPerHost ?? Number.POSITIVE_INFINITY;
    this.maxPerDatastore = scenario.boots.maxPerDatastore ?? Number.POSITIVE_INFINITY;
    const byOs = (): Record<GuestOs, Histogram> => ({ windows: new Histogram(), linux: new Histogram(), other: new Histogram() });
    this.result = {
      devices: this.devices.length,
      utilPct: new Histogram(),
      latencyMs: new Histogram(),
      bootLatencyMs: new Histogram(),
      bootSeconds: new Histogram(),
      bootSecondsByOs: byOs(),
      queuedSeconds: new Histogram(),
      boots: 0,
      bootsUnfinished: 0,
      firstRequestSeconds: Number.NaN,
      lastDoneSeconds: Number.NaN,
      deviceUtilPctMax: new Float64Array(this.devices.length),
      deviceShortSteps: new Float64Array(this.devices.length),
      steadyIosWanted: 0,
      steadyIosServed: 0,
      phases: new Float64Array(3 * IO_PHASES.length),
      timeline: {
        utilPctMax: new Float64Array(steps),
        ios: new Float64Array(steps),
        latencyIoSeconds: new Float64Array(steps),
        bootsInFlight: new Float64Array(steps),
        bootsQueued: new Float64Array(steps),
      },
      deviceNames: this.devices.map((d) => d.name),
    };
  }

  deviceOf(host: number): number {
    return this.deviceOfHost[host]!;
  }

  /** A VM asks to boot at `now`; it is admitted at once if its host and datastore have room. */
  request(vm: number, now: number): void {
    this.accountQueue(now);
    this.requestedAt[vm] = now;
    if (Number.isNaN(this.result.firstRequestSeconds)) this.result.firstRequestSeconds = now;
    this.queue.push(vm);
    // Every admit leaves no queued request admissible, and a new request frees no room: only
    // the new one can be admitted (the full scan would find just it, at the same place).
    this.admit(now, this.queue.length - 1);
  }

  /** Drops a VM's request or boot in progress (its host went down, or it was killed). */
  cancel(vm: number, now: number): void {
    const queued = this.queue.indexOf(vm);
    if (queued >= 0) {
      this.accountQueue(now);
      this.queue.splice(queued, 1);
      return;
    }
    const d = this.deviceOfHost[this.hostOfVm[vm]!]!;
    const device = this.devices[d]!;
    const index = device.boots.vms.indexOf(vm);
    if (index < 0) return;
    this.accountDevice(d, now);
    device.boots.advance(now);
    device.boots.remove(index);
    this.bootingOnHost[this.hostOfVm[vm]!]!--;
    this.admit(now);
    this.refresh(d, now);
  }

  /** Seconds the boot of `vm` needs at the current rate (for its CPU demand); its CPU floor if unknown. */
  expectedBootSeconds(vm: number, now: number): number {
    const device = this.devices[this.deviceOfHost[this.hostOfVm[vm]!]!]!;
    const index = device.boots.vms.indexOf(vm);
    const floor = this.cpuFloorSeconds[vm]!;
    if (index < 0) return floor;
    const elapsed = now - device.boots.startedAt[index]!;
    const remaining = device.boots.remainingIos[index]! - device.boots.ratePerBoot * (now - device.boots.since);
    const ioLeft = remaining <= DONE_IOS ? 0 : device.boots.ratePerBoot > 0 ? remaining / device.boots.ratePerBoot : Number.POSITIVE_INFINITY;
    return Math.max(floor, elapsed + ioLeft);
  }

  /** A completion check scheduled for device d. */
  onBootDone(d: number, generation: number, now: number): void {
    const device = this.devices[d]!;
    if (generation !== device.boots.generation) return; // rates changed since it was scheduled
    this.accountDevice(d, now);
    device.boots.advance(now);
    const boots = device.boots;
    for (let i = boots.count - 1; i >= 0; i--) {
      if (boots.remainingIos[i]! <= DONE_IOS && boots.notBefore[i]! <= now + 1e-9) {
        const vm = boots.vms[i]!;
        const seconds = now - boots.startedAt[i]!;
        boots.remove(i);
        this.bootingOnHost[this.hostOfVm[vm]!]!--;
        this.result.bootSeconds.add(seconds);
        this.result.bootSecondsByOs[this.osOf[vm]!].add(seconds);
        this.result.boots++;
        this.result.lastDoneSeconds = now;
        this.upAt[vm] = now;
        this.loadsStale = true;
        this.hooks.bootFinished(vm, now);
      }
    }
    this.admit(now);
    this.refresh(d, now);
  }

  /** At a step's start: every device carries the steady IO of the VMs running on it. */
  setSteadyLoads(vmState: Uint8Array, now: number): void {
    const { loadVms, loadIops, loadReads, loadLogonVms, loadLogonIops, loadLogonReads, vmIops, vmReadIops, hostOfVm, deviceOfHost, upAt, profileOf, loadsState } = this;
    if (!this.loadsStale && !this.loadsLogon && loadsState.matches(vmState)) return;
    loadsState.take(vmState);
    this.loadsStale = false;
    let logon = false;
    loadVms.fill(0);
    loadIops.fill(0);
    loadReads.fill(0);
    loadLogonVms.fill(0);
    loadLogonIops.fill(0);
    loadLogonReads.fill(0);
    for (let v = 0; v < vmState.length; v++) {
      if (vmState[v] !== RUNNING) continue;
      const d = deviceOfHost[hostOfVm[v]!]!;
      // A VM that came up less than its logon's length ago is logging on (at step resolution).
      const profile = profileOf[v]!;
      if (profile.logonSeconds > 0 && profile.logonIops > 0 && now - upAt[v]! < profile.logonSeconds) {
        const reads = (profile.logonIops * profile.logonReadPct) / 100;
        loadVms[d]!++;
        loadIops[d]! += profile.logonIops;
        loadReads[d]! += reads;
        loadLogonVms[d]!++;
        loadLogonIops[d]! += profile.logonIops;
        loadLogonReads[d]! += reads;
        logon = true;
        continue;
      }
      const iops = vmIops[v]!;
      if (iops <= 0) continue;
      loadVms[d]!++;
      loadIops[d]! += iops;
      loadReads[d]! += vmReadIops[v]!;
    }
    this.loadsLogon = logon;
    for (let d = 0; d < this.devices.length; d++) {
      const logonIops = loadLogonIops[d]!;
      this.setSteadyLoad(d, loadVms[d]!, loadIops[d]!, loadIops[d]! > 0 ? loadReads[d]! / loadIops[d]! : 1, now, loadLogonVms[d]!, logonIops, logonIops > 0 ? loadLogonReads[d]! / logonIops : 0);
    }
  }

  /**
   * Sets the steady IO a device carries from now on (each step): `vms` running VMs wanting `iops`
   * in all, of which `logonVms` are logging on and want `logonIops`.
   */
  setSteadyLoad(d: number, vms: number, iops: number, readShare: number, now: number, logonVms = 0, logonIops = 0, logonReadShare = 0): void {
    const device = this.devices[d]!;
    if (device.steadyVms === vms && device.steadyIops === iops && device.steadyReadShare === readShare && device.logonVms === logonVms && device.logonIops === logonIops) return;
    this.accountDevice(d, now);
    device.boots.advance(now);
    device.steadyVms = vms;
    device.steadyIops = iops;
    device.steadyReadShare = readShare;
    device.logonVms = logonVms;
    device.logonIops = logonIops;
    device.logonReadShare = logonReadShare;
    this.refresh(d, now);
  }

  /** Closes step k (which lasted `stepSeconds` and ends now): per-device and fleet readings. */
  closeStep(k: number, now: number, stepSeconds: number): void {
    for (let d = 0; d < this.devices.length; d++) this.accountDevice(d, now);
    this.accountQueue(now);
    const r = this.result;
    let utilMax = 0;
    let ios = 0;
    let latencyIoSeconds = 0;
    let inFlight = 0;
    // A loop, not forEach: a closure would keep the sums below in a context, boxing every update.
    for (let d = 0; d < this.devices.length; d++) {
      const device = this.devices[d]!;
      const utilPct = (100 * device.busySeconds) / stepSeconds;
      r.utilPct.add(Math.max(0, utilPct));
      if (utilPct > utilMax) utilMax = utilPct;
      if (utilPct > r.deviceUtilPctMax[d]!) r.deviceUtilPctMax[d] = utilPct;
      if (device.steadyServed < 0.95 * device.steadyWanted) r.deviceShortSteps[d]!++;
      if (this.hooks.deviceStep) {
        const latency = device.ios > 0 ? device.latencyIoSeconds / device.ios : device.state.latencySeconds;
        const served = device.steadyWanted > 0 ? Math.min(1, device.steadyServed / device.steadyWanted) : 1;
        this.hooks.deviceStep(k, d, latency, Math.min(1, Math.max(0, device.busySeconds / stepSeconds)), served, device.steadyVms + device.inFlightSeconds / stepSeconds);
      }
      r.steadyIosWanted += device.steadyWanted;
      r.steadyIosServed += device.steadyServed;
      device.steadyWanted = 0;
      device.steadyServed = 0;
      ios += device.ios;
      latencyIoSeconds += device.latencyIoSeconds;
      inFlight += device.inFlightSeconds / stepSeconds;
      device.busySeconds = 0;
      device.ios = 0;
      device.latencyIoSeconds = 0;
      device.inFlightSeconds = 0;
    }
    r.timeline.utilPctMax[k] = utilMax;
    r.timeline.ios[k] = ios;
    r.timeline.latencyIoSeconds[k] = latencyIoSeconds;
    r.timeline.bootsInFlight[k] = inFlight;
    r.timeline.bootsQueued[k] = this.queuedSeconds / stepSeconds;
    this.queuedSeconds = 0;
  }

  /** At the end of the run: boots still queued or in progress. */
  finish(): void {
    let unfinished = this.queue.length;
    for (const device of this.devices) unfinished += device.boots.count;
    this.result.bootsUnfinished = unfinished;
  }

  /**
   * Integrates what device d served since it was last accounted, at the rates in force. Each
   * device is accounted only at its own changes and at step ends, so its sums do not depend on
   * what other devices do (slices of a fleet add up to the whole, ../chunks.ts).
   */
  private accountDevice(d: number, now: number): void {
    const dt = now - this.accountedTo[d]!;
    if (dt <= 0) return;
    const device = this.devices[d]!;
    const served = (device.state.steadyIops + device.state.bootIops) * dt;
    device.steadyWanted += device.steadyIops * dt;
    device.steadyServed += device.state.steadyIops * dt;
    device.busySeconds += device.state.utilization * dt;
    device.ios += served;
    device.latencyIoSeconds += served * device.state.latencySeconds;
    device.inFlightSeconds += device.boots.count * dt;
    // Per phase: the running VMs' served IO splits between logon and steady by what each wants.
    const phases = this.result.phases;
    const bootServedIos = device.state.bootIops * dt;
    const runningServed = device.state.steadyIops * dt;
    const logonServed = device.steadyIops > 0 ? (runningServed * device.logonIops) / device.steadyIops : 0;
    const steadyServed = runningServed - logonServed;
    const steadyReads = device.steadyIops * device.steadyReadShare - device.logonIops * device.logonReadShare;
    const steadyOnly = device.steadyIops - device.logonIops;
    phases[0]! += bootServedIos;
    phases[1]! += bootServedIos * device.bootReadShare;
    phases[2]! += device.boots.count * dt;
    phases[3]! += logonServed;
    phases[4]! += logonServed * device.logonReadShare;
    phases[5]! += device.logonVms * dt;
    phases[6]! += steadyServed;
    phases[7]! += steadyOnly > 0 ? (steadyServed * steadyReads) / steadyOnly : 0;
    phases[8]! += (device.steadyVms - device.logonVms) * dt;
    if (served > 0) this.result.latencyMs.add(1000 * device.state.latencySeconds, served);
    const bootServed = device.state.bootIops * dt;
    if (bootServed > 0) this.result.bootLatencyMs.add(1000 * device.state.latencySeconds, bootServed);
    this.accountedTo[d] = now;
  }

  /** Integrates the number of queued boot requests since it was last accounted. */
  private accountQueue(now: number): void {
    const dt = now - this.queueAccountedTo;
    if (dt <= 0) return;
    this.queuedSeconds += this.queue.length * dt;
    this.queueAccountedTo = now;
  }

  /** Admits queued boots, in request order from the `from`th, wherever their host and datastore have room. */
  private admit(now: number, from = 0): void {
    this.accountQueue(now);
    const touched = new Set<number>();
    for (let i = from; i < this.queue.length; i++) {
      const vm = this.queue[i]!;
      const host = this.hostOfVm[vm]!;
      const d = this.deviceOfHost[host]!;
      if (this.bootingOnHost[host]! >= this.maxPerHost) continue;
      if (this.isDatastore[d] && this.devices[d]!.boots.count >= this.maxPerDatastore) continue;
      this.queue.splice(i--, 1);
      const device = this.devices[d]!;
      if (!touched.has(d)) {
        this.accountDevice(d, now);
        device.boots.advance(now);
        touched.add(d);
      }
      device.boots.add(vm, now, this.profileOf[vm]!, this.cpuFloorSeconds[vm]!);
      this.bootingOnHost[host]!++;
      this.result.queuedSeconds.add(now - this.requestedAt[vm]!);
      this.hooks.bootStarted(vm, now);
    }
    for (const d of touched) this.refresh(d, now);
  }

  /** Re-solves device d for its current boots and steady load and schedules its next completion. */
  private refresh(d: number, now: number): void {
    this.accountDevice(d, now);
    const device = this.devices[d]!;
    const boots = device.boots;
    boots.advance(now);
    const array = device.array;
    // The mix of reads and writes decides the RAID cost of an IO: weigh the steady IO by its
    // nominal rate and the boots by the rate they would reach on an idle device.
    // Boots whose IOs are done no longer load the device (they may still be computing).
    // A boot's IO is cheaper per operation on a hard disk than random IO, but only while the disk
    // goes from one of its IOs to the next: its files lie together (short seeks, ./storage.ts).
    // An IO that follows another VM's IO seeks across the disk like any random IO. So a boot IO
    // costs p × short + (1 − p) × random, p being its own boot's share of the IO the device serves
    // (1 for a lone boot on a quiet device; 1/n for n boots interleaving). The shares come from
    // the rates on an idle device first, then once more from the solved rates.
    const randomOpSeconds = 1 / array.iopsPerDisk;
    const shortOpSeconds = 1 / (array.bootIopsPerDisk ?? array.iopsPerDisk);
    let bootDemand = 0;
    let bootReads = 0;
    let thinkWeighted = 0;
    let bootSlots = 0;
    for (let i = 0; i < boots.count; i++) {
      if (boots.remainingIos[i]! <= DONE_IOS) continue;
      const profile = this.profileOf[boots.vms[i]!]!;
      const unloaded = profile.outstanding / (profile.thinkMs / 1000 + shortOpSeconds);
      bootDemand += unloaded;
      bootReads += unloaded * (profile.readPct / 100);
      thinkWeighted += unloaded * (profile.thinkMs / 1000);
      bootSlots += profile.outstanding;
    }
    const ioBoots = boots.ioCount();
    device.bootReadShare = bootDemand > 0 ? bootReads / bootDemand : 1;
    const steadyService = backendOpsPerIo(array.raid, device.steadyReadShare) * randomOpSeconds;
    const bootOps = backendOpsPerIo(array.raid, device.bootReadShare);
    const bootThink = bootDemand > 0 ? thinkWeighted / bootDemand : 0;
    let bootRate = bootDemand;
    let steadyRate = device.steadyIops;
    for (let pass = 0; pass < 2; pass++) {
      const total = bootRate + steadyRate;
      const ownShare = ioBoots > 0 && total > 0 ? bootRate / ioBoots / total : 0;
      const bootService = bootOps * (ownShare * shortOpSeconds + (1 - ownShare) * randomOpSeconds);
      const serviceSeconds = total > 0 ? (steadyRate * steadyService + bootRate * bootService) / total : steadyService;
      solveDevice(
        {
          servers: array.disks,
          serviceSeconds,
          // Each running VM keeps one IO in flight, thinking so that it issues its nominal IOPS unloaded.
          steady: { outstanding: device.steadyVms, thinkSeconds: thinkForRate(device.steadyVms, device.steadyIops, serviceSeconds) },
          boot: { outstanding: bootSlots, thinkSeconds: bootThink },
        },
        this.scratch,
      );
      bootRate = this.scratch.bootIops;
      steadyRate = this.scratch.steadyIops;
    }
    Object.assign(device.state, this.scratch);
    boots.ratePerBoot = ioBoots > 0 ? device.state.bootIops / ioBoots : 0;
    boots.generation++;
    const next = boots.nextCompletion();
    if (Number.isFinite(next)) this.hooks.scheduleBootDone(Math.max(now, next), d, boots.generation);
  }
}
