/**
 * One Monte Carlo replication of a scenario: the fleet through time, on the discrete-event kernel
 * (./engine/simulation.ts).
 *
 * Every VM has a life: off, waiting to boot (admission control), booting, running; it can be
 * killed by the OOM killer (and restarted), or stopped when its host reboots. The backbone is one
 * step per interval; at each step boundary the interval that ends is closed (storage accounting,
 * then the memory model advances and the OOM killer acts) and the next is opened (each VM's CPU
 * demand is drawn, booting VMs get their boot's CPU demand, host threads such as ksmd get theirs,
 * devices get the steady IO of the running VMs, and every host's CPU contention is solved). Boot
 * requests, boot completions and host reboots are events in between; boots progress as fluid on
 * their devices (./io/io-system.ts).
 *
 * CPU contention is computed at one of two resolutions (ModelScenario.cpuModel.resolution):
 * - fleet: the closed-form per-interval kernel for every host and interval (./cpu/fleet.ts), plus
 *   a few micro-level windows at random (host, interval) pairs, which give the per-wake-up
 *   scheduling delays and a running cross-check of the kernel;
 * - micro: every burst of every vCPU for the whole run (./cpu/micro.ts), on the demand the step
 *   loop produced.
 * `auto` takes micro when the expected number of bursts is within `microBudgetBursts`.
 *
 * Interval boundaries are where states are sampled: a VM that boots or dies within an interval
 * counts with the state it had when the interval opened.
 */
import { LATE, Simulation, URGENT } from './engine/simulation.js';
import { streamFactory, type StreamFactory } from './random/streams.js';
import { Histogram } from './stats/histogram.js';
import type { ModelScenario, VmGroup } from './scenario.js';
import type { Placement, PlacedVm } from './placement.js';
import { CpuDemandField, stepHour } from './workload/cpu-demand.js';
import { TraceDemandField } from './workload/trace-demand.js';
import { fleetScratch, solveHostInterval, type FleetSplit } from './cpu/fleet.js';
import { resolveScheduler } from './cpu/scheduler.js';
import { autoWarmupSeconds, runHostMicro } from './cpu/micro-host.js';
import { layoutFleet, threadSlot, THREAD_KINDS, type FleetLayout } from './fleet-layout.js';
import { LatencyPaths, threadPlan, type LatencyReplication } from './latency/paths.js';
import { MemoryModel, type OomKill } from './memory/host-memory.js';
import { IoSystem, type IoReplication } from './io/io-system.js';

export interface CpuReplication {
  method: 'micro' | 'fleet';
  /** Per-vCPU ready % of each running VM in each interval (weighted by vCPUs). */
  readyPct: Histogram;
  readyPctByGroup: Histogram[];
  /** pCPU utilisation % of each host in each interval. */
  hostUtilPct: Histogram;
  /** Wake-up to dispatch delay of every simulated wake-up, ms (micro-level runs only). */
  schedDelayMs: Histogram;
  hostReadyPctMean: Float64Array;
  hostReadyPctMax: Float64Array;
  hostUtilPctMean: Float64Array;
  hostUtilPctMax: Float64Array;
  timeline: { readyPctMean: Float64Array; hostUtilPctMean: Float64Array; hostUtilPctMax: Float64Array };
  /** Micro-level work done and its agreement with the fleet kernel on the same intervals. */
  micro: MicroCheck;
}

/** Micro-level work done and its agreement with the fleet kernel (per replication, and summed in a study). */
export interface MicroCheck {
  windows: number;
  simulatedSeconds: number;
  bursts: number;
  events: number;
  /** vCPU-weighted mean ready % over the micro-simulated VM-intervals: kernel vs simulation. */
  fleetReadyPct: number;
  microReadyPct: number;
}

export interface KillRecord {
  timeSeconds: number;
  host: number;
  /** Placement index of the VM. */
  vm: number;
  neededGiB: number;
  capacityGiB: number;
}

export interface MemoryReplication {
  /** Per host: the peak over intervals of Σ(backed + overhead) over RAM, %. */
  hostBackedPeakPct: Float64Array;
  /** Per host: the peak of what the host needed after KSM and balloons (RAM + swap use) over RAM, %. */
  hostNeededPeakPct: Float64Array;
  hostSwapPeakGiB: Float64Array;
  /** Per host: mean KSM saving over the run, GiB. */
  hostKsmSavedMeanGiB: Float64Array;
  /** KSM saving of each host in each interval, GiB. */
  ksmSavedGiB: Histogram;
  /** Per host: seconds from its last boot finishing to KSM merging 90 % of what is mergeable (NaN: no boots, or not within the run). */
  ksmConvergeSeconds: Float64Array;
  /** Per host: intervals in which the swap device could not keep up. */
  swapStallSteps: Float64Array;
  /** Per host: OOM kills. */
  hostKills: Float64Array;
  kills: KillRecord[];
  /** Per VM (placement index): worst slowdown from its working set being in swap (1 = none). */
  vmSlowdownMax: Float64Array;
  /** Per VM: intervals with part of its working set in swap. */
  vmSwappedSteps: Float64Array;
  /** Mean ksmd CPU per host, cores. */
  hostKsmdCoresMean: Float64Array;
  /** Per host: boots that finished on it. */
  hostBootsSeen: Float64Array;
  /** Per-host timelines (host-major: [host × steps]); empty beyond TIMELINE_HOSTS hosts. */
  timeline: { backedGiB: Float64Array; ksmSavedGiB: Float64Array; swapGiB: Float64Array; hosts: number };
}

/** CPU of host threads by kind (THREAD_KINDS order). */
export interface ThreadReplication {
  /** Core-seconds each kind ran, all hosts. */
  coreSeconds: Float64Array;
  /** Largest share of one core a single thread of the kind ran in an interval. */
  maxShare: Float64Array;
}

export interface ReplicationResult {
  replication: number;
  steps: number;
  cpu: CpuReplication;
  memory: MemoryReplication;
  io: IoReplication;
  threads: ThreadReplication;
  /** Network paths and heartbeats; absent when the scenario models none (docs/latency.md). */
  latency?: LatencyReplication | undefined;
}

/** Per-host memory timelines are kept for fleets up to this many hosts. */
export const TIMELINE_HOSTS = 64;

export function stepCount(scenario: ModelScenario): number {
  return Math.max(1, Math.round(scenario.durationSeconds / scenario.stepSeconds));
}

/** Expected bursts in one replication if every vCPU were simulated for the whole run. */
export function expectedBursts(scenario: ModelScenario, placement: Placement): number {
  let bursts = 0;
  for (const vm of placement.vms) {
    const cpu = scenario.vms[vm.group]!.workload.cpu;
    bursts += (vm.vcpus * scenario.durationSeconds * Math.min(1, cpu.utilPct / 100)) / (cpu.burstMs / 1000);
  }
  return bursts;
}

export function cpuMethod(scenario: ModelScenario, placement: Placement): 'micro' | 'fleet' {
  const r = scenario.cpuModel.resolution;
  if (r !== 'auto') return r;
  return expectedBursts(scenario, placement) <= scenario.cpuModel.microBudgetBursts ? 'micro' : 'fleet';
}

export function simulateReplication(scenario: ModelScenario, placement: Placement, replication: number): ReplicationResult {
  return new FleetRun(scenario, placement, replication).execute();
}

// VM lifecycle states.
const OFF = 0;
const QUEUED = 1;
const BOOTING = 2;
const RUNNING = 3;

/** The CPU shape of host threads in micro-level runs (ksmd wakes briefly every few ms). */
const HOST_THREAD_GROUP: VmGroup['workload']['cpu'] = {
  utilPct: 0,
  burstMs: 1,
  burstDistribution: 'exponential',
  burstCv: 1,
  gapDistribution: 'exponential',
  gapCv: 1,
  profile: Array.from({ length: 24 }, () => 1),
  vmCv: 0,
  noiseCv: 0,
};

class FleetRun {
  private readonly scenario: ModelScenario;
  private readonly placement: Placement;
  private readonly layout: FleetLayout;
  private readonly steps: number;
  private readonly streams: StreamFactory;
  private readonly method: 'micro' | 'fleet';
  /** How the fleet kernel divides waiting among VMs: follows the scheduler being modelled. */
  private readonly split: FleetSplit;
  private readonly sim = new Simulation(256);
  private readonly endSeconds: number;

  private readonly demandField: CpuDemandField;
  /** Trace-driven groups (workload.trace): measured utilisation, written over the parametric draw. */
  private readonly traceDemand: TraceDemandField | undefined;
  /** Per slot: this interval's uncontended utilisation, ready and running shares, and weight (vCPUs if running). */
  private readonly demand: Float64Array;
  private readonly ready: Float64Array;
  private readonly runShare: Float64Array;
  private readonly weight: Int32Array;

  /** Per VM (placement index): lifecycle state. */
  private readonly vmState: Uint8Array;
  private readonly memory: MemoryModel;
  private readonly io: IoSystem;
  private readonly kills: OomKill[] = [];
  /** Daemons, device threads, network paths and heartbeats (undefined when the scenario has none). */
  private readonly latency: LatencyPaths | undefined;
  private readonly threads: ThreadReplication = { coreSeconds: new Float64Array(THREAD_KINDS.length), maxShare: new Float64Array(THREAD_KINDS.length) };

  private readonly cpu: CpuReplication;
  private readonly mem: MemoryReplication;
  private readonly hostReadyWeighted: Float64Array;
  private readonly hostVcpuIntervals: Float64Array;
  private readonly hostUtilSum: Float64Array;
  private readonly timelineVcpus: Float64Array;
  private readonly hostLastBootDone: Float64Array;
  private readonly hostConverged: Uint8Array;

  // Fleet mode: micro windows to capture. Micro mode: demand rows and weights per host and step.
  private readonly windowSteps: number[][];
  private readonly captured: { rows: Float64Array; ready: Float64Array; weight: Int32Array }[][];
  private readonly microRows: Float64Array[];
  private readonly microWeights: Int32Array[];

  private readonly BOOT_REQUEST: number;
  private readonly BOOT_DONE: number;
  private readonly HOST_DOWN: number;

  constructor(scenario: ModelScenario, placement: Placement, replication: number) {
    this.scenario = scenario;
    this.placement = placement;
    const plan = threadPlan(scenario, placement);
    this.layout = layoutFleet(placement, plan);
    this.steps = stepCount(scenario);
    this.endSeconds = this.steps * scenario.stepSeconds;
    this.streams = streamFactory(scenario.seed, replication);
    this.method = cpuMethod(scenario, placement);
    this.split = scenario.scheduler.policy === 'fifo' ? 'fifo' : 'cfs';
    const { slots } = this.layout;
    const hosts = placement.hosts.length;
    const vms = placement.vms.length;

    this.demandField = new CpuDemandField(
      placement.vms.map((vm) => ({ name: vm.name, workload: scenario.vms[vm.group]!.workload.cpu })),
      this.streams,
      this.layout.slotOfVm,
    );
    this.traceDemand = TraceDemandField.forFleet(scenario, placement, this.layout.vmOfSlot, this.streams);
    this.demand = new Float64Array(slots);
    this.ready = new Float64Array(slots);
    this.runShare = new Float64Array(slots);
    this.weight = new Int32Array(slots);
    this.vmState = new Uint8Array(vms);

    this.memory = new MemoryModel(
      placement.hosts.map((host) => {
        const group = scenario.hosts[host.group]!;
        return { name: host.name, totalGiB: group.memory.totalGiB, reservedGiB: group.memory.reservedGiB, swapGiB: group.memory.swapGiB, swapMBps: group.memory.swapMBps };
      }),
      placement.vms.map((vm) => {
        const group = scenario.vms[vm.group]!;
        return {
          name: vm.name,
          host: vm.host,
          allocatedGiB: vm.memoryGiB,
          overheadGiB: group.process.overheadGiB,
          oomScoreAdj: group.process.oomScoreAdj,
          zeroesMemory: group.os === 'windows',
          image: group.image,
          guest: group.workload.memory,
          profile: group.workload.cpu.profile,
        };
      }),
      scenario.memory,
      (vm, purpose) => this.streams.stream(`vm:${vm.name}`, purpose),
    );

    this.BOOT_REQUEST = this.sim.defineEvent('boot-request', (vm) => this.onBootRequest(vm));
    this.BOOT_DONE = this.sim.defineEvent('boot-done', (device, generation) => this.io.onBootDone(device, generation, this.sim.now));
    this.HOST_DOWN = this.sim.defineEvent('host-down', (host, wave) => this.onHostDown(host, wave));
    this.io = new IoSystem(scenario, placement, this.steps, {
      scheduleBootDone: (at, device, generation) => this.sim.scheduleAt(at, this.BOOT_DONE, device, generation),
      bootStarted: (vm, t) => {
        this.vmState[vm] = BOOTING;
        this.memory.boot(vm, this.hourAt(t));
      },
      bootFinished: (vm, t) => {
        this.vmState[vm] = RUNNING;
        const host = placement.vms[vm]!.host;
        this.hostLastBootDone[host] = t;
        this.hostConverged[host] = 0;
        this.mem.hostBootsSeen[host]!++;
      },
    });

    const timelineHosts = hosts <= TIMELINE_HOSTS ? hosts : 0;
    this.cpu = {
      method: this.method,
      readyPct: new Histogram(),
      readyPctByGroup: scenario.vms.map(() => new Histogram()),
      hostUtilPct: new Histogram(),
      schedDelayMs: new Histogram(),
      hostReadyPctMean: new Float64Array(hosts),
      hostReadyPctMax: new Float64Array(hosts),
      hostUtilPctMean: new Float64Array(hosts),
      hostUtilPctMax: new Float64Array(hosts),
      timeline: { readyPctMean: new Float64Array(this.steps), hostUtilPctMean: new Float64Array(this.steps), hostUtilPctMax: new Float64Array(this.steps) },
      micro: { windows: 0, simulatedSeconds: 0, bursts: 0, events: 0, fleetReadyPct: 0, microReadyPct: 0 },
    };
    this.mem = {
      hostBackedPeakPct: new Float64Array(hosts),
      hostNeededPeakPct: new Float64Array(hosts),
      hostSwapPeakGiB: new Float64Array(hosts),
      hostKsmSavedMeanGiB: new Float64Array(hosts),
      ksmSavedGiB: new Histogram(),
      ksmConvergeSeconds: new Float64Array(hosts).fill(Number.NaN),
      swapStallSteps: new Float64Array(hosts),
      hostKills: new Float64Array(hosts),
      kills: [],
      vmSlowdownMax: new Float64Array(vms).fill(1),
      vmSwappedSteps: new Float64Array(vms),
      hostKsmdCoresMean: new Float64Array(hosts),
      hostBootsSeen: new Float64Array(hosts),
      timeline: {
        backedGiB: new Float64Array(timelineHosts * this.steps),
        ksmSavedGiB: new Float64Array(timelineHosts * this.steps),
        swapGiB: new Float64Array(timelineHosts * this.steps),
        hosts: timelineHosts,
      },
    };
    this.hostReadyWeighted = new Float64Array(hosts);
    this.hostVcpuIntervals = new Float64Array(hosts);
    this.hostUtilSum = new Float64Array(hosts);
    this.timelineVcpus = new Float64Array(this.steps);
    this.hostLastBootDone = new Float64Array(hosts).fill(Number.NaN);
    this.hostConverged = new Uint8Array(hosts);

    this.latency = plan ? new LatencyPaths(scenario, placement, this.layout, this.steps, this.streams, this.method === 'micro', (v) => this.vmState[v] === RUNNING) : undefined;
    this.windowSteps = this.method === 'fleet' ? this.chooseWindows() : placement.hosts.map(() => []);
    const latency = this.latency;
    if (latency && this.method === 'fleet') {
      // The heartbeat hosts are also micro-simulated at the heartbeats' sample intervals.
      const extra = latency.heartbeatSteps();
      this.windowSteps = this.windowSteps.map((list, h) => (latency.watches(h) ? [...new Set([...list, ...extra])].sort((a, b) => a - b) : list));
    }
    this.captured = this.windowSteps.map((list, h) => list.map(() => this.hostBuffers(h)));
    const hostSlots = (h: number): number => this.layout.hostTo[h]! - this.layout.hostFrom[h]!;
    this.microRows = this.method === 'micro' ? placement.hosts.map((_, h) => new Float64Array(this.steps * hostSlots(h))) : [];
    this.microWeights = this.method === 'micro' ? placement.hosts.map((_, h) => new Int32Array(this.steps * hostSlots(h))) : [];
  }

  execute(): ReplicationResult {
    const { sim, scenario } = this;
    const step = scenario.stepSeconds;
    this.scheduleBoots();
    const OPEN = sim.defineEvent('open-interval', (k) => this.openInterval(k));
    const CLOSE = sim.defineEvent('close-interval', (k) => this.closeInterval(k));
    // Closing an interval comes before anything else at its end; opening the next after
    // everything else at that moment, so boots that start right then count in it.
    for (let k = 0; k < this.steps; k++) {
      sim.scheduleAt(k * step, OPEN, k, 0, LATE);
      sim.scheduleAt((k + 1) * step, CLOSE, k, 0, URGENT);
    }
    sim.run(this.endSeconds);
    this.io.finish();
    if (this.method === 'micro') this.runMicroEverywhere();
    else this.runWindows();
    this.finish();
    this.latency?.finish(this.endSeconds);
    return {
      replication: this.streams.replication,
      steps: this.steps,
      cpu: this.cpu,
      memory: this.mem,
      io: this.io.result,
      threads: this.threads,
      ...(this.latency && { latency: this.latency.result }),
    };
  }

  private hourAt(seconds: number): number {
    return (this.scenario.startHour + seconds / 3600) % 24;
  }

  // ------------------------------------------------------------------ lifecycle

  /** Initial states and the boot waves' events. VMs in a storm are off until it; the rest run. */
  private scheduleBoots(): void {
    const { scenario, placement, sim } = this;
    const stormed = new Set<number>();
    scenario.boots.waves.forEach((wave, w) => {
      if (wave.kind === 'storm') {
        const groups = new Set(wave.groups.map((name) => scenario.vms.findIndex((g) => g.name === name)));
        placement.vms.forEach((vm, v) => {
          if (!groups.has(vm.group)) return;
          const at = wave.atSeconds + this.streams.stream(`vm:${vm.name}`, `boot-time#${w}`)() * wave.spreadSeconds;
          // A VM whose first boot is a storm is off until then.
          if (!stormed.has(v)) stormed.add(v);
          if (at < this.endSeconds) sim.scheduleAt(at, this.BOOT_REQUEST, v);
        });
      } else if (wave.kind === 'hostReboot') {
        for (const name of wave.hosts) {
          const h = placement.hosts.findIndex((host) => host.name === name);
          if (h >= 0 && wave.atSeconds < this.endSeconds) sim.scheduleAt(wave.atSeconds, this.HOST_DOWN, h, w);
        }
      } else {
        const groups = new Set(wave.hostGroups.map((name) => scenario.hosts.findIndex((g) => g.name === name)));
        let i = 0;
        placement.hosts.forEach((host, h) => {
          if (!groups.has(host.group)) return;
          const at = wave.atSeconds + i++ * wave.intervalSeconds;
          if (at < this.endSeconds) sim.scheduleAt(at, this.HOST_DOWN, h, w);
        });
      }
    });
    const hour = this.hourAt(0);
    placement.vms.forEach((_, v) => {
      if (stormed.has(v)) return;
      this.vmState[v] = RUNNING;
      this.memory.startWarm(v, hour);
    });
    this.memory.settleKsm();
  }

  private onBootRequest(vm: number): void {
    if (this.vmState[vm] !== OFF) return; // already up, booting or waiting
    this.vmState[vm] = QUEUED;
    this.io.request(vm, this.sim.now);
  }

  private onHostDown(host: number, w: number): void {
    const wave = this.scenario.boots.waves[w]!;
    const down = wave.kind === 'storm' ? 0 : wave.downSeconds;
    const now = this.sim.now;
    for (const v of this.placement.hosts[host]!.vms) {
      if (this.vmState[v] === QUEUED || this.vmState[v] === BOOTING) this.io.cancel(v, now);
      this.vmState[v] = OFF;
      this.memory.stop(v);
      if (now + down < this.endSeconds) this.sim.scheduleAt(now + down, this.BOOT_REQUEST, v);
    }
  }

  /** The OOM killer stopped VM v: it is off, and restarts after the configured delay. */
  private onKilled(kill: OomKill): void {
    const v = kill.vm;
    if (this.vmState[v] === BOOTING || this.vmState[v] === QUEUED) this.io.cancel(v, kill.timeSeconds);
    this.vmState[v] = OFF;
    this.mem.kills.push({ timeSeconds: kill.timeSeconds, host: kill.host, vm: v, neededGiB: kill.neededGiB, capacityGiB: kill.capacityGiB });
    this.mem.hostKills[kill.host]!++;
    const delay = this.scenario.memory.restartKilledAfterSeconds;
    if (delay !== null && kill.timeSeconds + delay < this.endSeconds) this.sim.scheduleAt(kill.timeSeconds + delay, this.BOOT_REQUEST, v);
  }

  // ------------------------------------------------------------------ intervals

  private openInterval(k: number): void {
    const { scenario, placement, layout, demand, weight } = this;
    const now = this.sim.now;
    this.demandField.fill(stepHour(scenario.startHour, scenario.stepSeconds, k), demand);
    this.traceDemand?.fill(k, demand);
    // Only running and booting VMs count; a booting VM's demand is its boot's CPU work.
    for (let v = 0; v < placement.vms.length; v++) {
      const slot = layout.slotOfVm[v]!;
      const state = this.vmState[v]!;
      if (state === RUNNING) weight[slot] = layout.vcpus[slot]!;
      else if (state === BOOTING) {
        weight[slot] = layout.vcpus[slot]!;
        const boot = scenario.vms[placement.vms[v]!.group]!.boot;
        demand[slot] = Math.min(1, boot.cpuSeconds / (layout.vcpus[slot]! * Math.max(1, this.io.expectedBootSeconds(v, now))));
      } else {
        weight[slot] = 0;
        demand[slot] = 0;
      }
    }
    for (let h = 0; h < placement.hosts.length; h++) demand[threadSlot(layout, h, 'ksmd')] = Math.min(1, this.memory.readings[h]!.ksmdCores);
    this.setSteadyIo(now);
    const scratch = this.kernelScratch;
    const latency = this.latency;
    if (latency) {
      // Device threads at the demanded packet rates; where packets are demanded, one solve of that
      // load gives each path's share, and the rates (and threads) are capped to what it allows.
      for (let h = 0; h < placement.hosts.length; h++) {
        latency.openHost(h, demand);
        if (latency.twoPass[h]) {
          solveHostInterval(layout.hostFrom[h]!, layout.hostTo[h]!, layout.vcpus, demand, placement.hosts[h]!.pcpus, this.ready, this.runShare, scratch, this.split);
          latency.applyCapacity(h, demand, this.ready, this.runShare);
          if (this.method === 'micro') latency.closeHost(h, k, this.runShare, this.ready);
        } else if (this.method === 'micro') latency.closeHost(h, k, this.runShare, this.ready);
      }
    }

    if (this.method === 'micro') {
      this.captureMicroRows(k);
      return;
    }
    for (let h = 0; h < placement.hosts.length; h++) {
      const from = layout.hostFrom[h]!;
      const to = layout.hostTo[h]!;
      const util = solveHostInterval(from, to, layout.vcpus, demand, placement.hosts[h]!.pcpus, this.ready, this.runShare, scratch, this.split);
      latency?.closeHost(h, k, this.runShare, this.ready);
      this.recordThreads(layout.hostVmTo[h]!, to, this.runShare, 0);
      this.recordHost(h, k, util);
      this.recordHostVms(h, k);
      const w = this.windowSteps[h]!.indexOf(k);
      if (w >= 0) {
        const buffers = this.captured[h]![w]!;
        buffers.rows.set(demand.subarray(from, to));
        buffers.ready.set(this.ready.subarray(from, to));
        buffers.weight.set(weight.subarray(from, to));
      }
    }
  }
  private readonly kernelScratch = fleetScratch();

  /** The steady IO each device carries this interval: the running VMs with IO on it. */
  private setSteadyIo(now: number): void {
    const devices = this.io.result.devices;
    const vms = new Float64Array(devices);
    const iops = new Float64Array(devices);
    const reads = new Float64Array(devices);
    this.placement.vms.forEach((vm, v) => {
      if (this.vmState[v] !== RUNNING) return;
      const io = this.scenario.vms[vm.group]!.workload.io;
      if (io.iops <= 0) return;
      const d = this.io.deviceOf(vm.host);
      vms[d]!++;
      iops[d]! += io.iops;
      reads[d]! += (io.iops * io.readPct) / 100;
    });
    for (let d = 0; d < devices; d++) this.io.setSteadyLoad(d, vms[d]!, iops[d]!, iops[d]! > 0 ? reads[d]! / iops[d]! : 1, now);
  }

  private closeInterval(k: number): void {
    const { scenario } = this;
    const now = this.sim.now;
    this.io.closeStep(k, now, scenario.stepSeconds);
    const before = this.kills.length;
    this.memory.step(now, scenario.stepSeconds, stepHour(scenario.startHour, scenario.stepSeconds, k), this.kills);
    for (let i = before; i < this.kills.length; i++) this.onKilled(this.kills[i]!);
    this.recordMemory(k, now);
  }

  // ------------------------------------------------------------------ recording

  private hostBuffers(h: number): { rows: Float64Array; ready: Float64Array; weight: Int32Array } {
    const n = this.layout.hostTo[h]! - this.layout.hostFrom[h]!;
    return { rows: new Float64Array(n), ready: new Float64Array(n), weight: new Int32Array(n) };
  }

  /** Records the ready share of host h's running VMs in interval k, as held in `this.ready`. */
  private recordHostVms(h: number, k: number): void {
    const { layout, ready, weight } = this;
    const from = layout.hostFrom[h]!;
    const to = layout.hostVmTo[h]!;
    const result = this.cpu;
    result.readyPct.addScaled(ready, weight, from, to, 100);
    for (let r = layout.hostRunFrom[h]!; r < layout.hostRunTo[h]!; r++) {
      const runs = layout.groupRuns;
      result.readyPctByGroup[runs[3 * r + 2]!]!.addScaled(ready, weight, runs[3 * r]!, runs[3 * r + 1]!, 100);
    }
    let weighted = 0;
    let total = 0;
    let max = result.hostReadyPctMax[h]!;
    for (let i = from; i < to; i++) {
      const w = weight[i]!;
      if (w === 0) continue;
      const pct = ready[i]! * 100;
      weighted += pct * w;
      total += w;
      if (pct > max) max = pct;
    }
    result.hostReadyPctMax[h] = max;
    this.hostReadyWeighted[h]! += weighted;
    this.hostVcpuIntervals[h]! += total;
    result.timeline.readyPctMean[k]! += weighted;
    this.timelineVcpus[k]! += total;
  }

  /** Adds the CPU host-thread slots [from, to) ran this interval (`run` indexed from `offset`) to their kinds. */
  private recordThreads(from: number, to: number, run: Float64Array, offset: number): void {
    const { layout, threads } = this;
    const step = this.scenario.stepSeconds;
    for (let s = from; s < to; s++) {
      const kind = layout.kind[s]!;
      const share = run[s - offset]!;
      threads.coreSeconds[kind]! += share * layout.vcpus[s]! * step;
      if (share > threads.maxShare[kind]!) threads.maxShare[kind] = share;
    }
  }

  private recordHost(h: number, k: number, util: number): void {
    const pct = util * 100;
    this.cpu.hostUtilPct.add(pct);
    this.hostUtilSum[h]! += pct;
    if (pct > this.cpu.hostUtilPctMax[h]!) this.cpu.hostUtilPctMax[h] = pct;
    this.cpu.timeline.hostUtilPctMean[k]! += pct;
    if (pct > this.cpu.timeline.hostUtilPctMax[k]!) this.cpu.timeline.hostUtilPctMax[k] = pct;
  }

  private recordMemory(k: number, now: number): void {
    const m = this.mem;
    const { hosts } = this.placement;
    for (let h = 0; h < hosts.length; h++) {
      const reading = this.memory.readings[h]!;
      const ram = this.memory.hosts[h]!.totalGiB;
      m.hostBackedPeakPct[h] = Math.max(m.hostBackedPeakPct[h]!, (100 * reading.backedGiB) / ram);
      m.hostNeededPeakPct[h] = Math.max(m.hostNeededPeakPct[h]!, (100 * reading.neededGiB) / ram);
      m.hostSwapPeakGiB[h] = Math.max(m.hostSwapPeakGiB[h]!, reading.swapUsedGiB);
      m.hostKsmSavedMeanGiB[h]! += reading.ksmSavedGiB;
      m.hostKsmdCoresMean[h]! += reading.ksmdCores;
      m.ksmSavedGiB.add(Math.max(0, reading.ksmSavedGiB));
      if (reading.swapStalled) m.swapStallSteps[h]!++;
      if (m.timeline.hosts > 0) {
        const at = h * this.steps + k;
        m.timeline.backedGiB[at] = reading.backedGiB;
        m.timeline.ksmSavedGiB[at] = reading.ksmSavedGiB;
        m.timeline.swapGiB[at] = reading.swapUsedGiB;
      }
      // KSM convergence after the host's last boot: 90 % of what is mergeable merged.
      if (!Number.isNaN(this.hostLastBootDone[h]!) && !this.hostConverged[h] && reading.ksmMergeableGiB > 0) {
        if (reading.ksmSavedGiB >= 0.9 * reading.ksmMergeableGiB) {
          m.ksmConvergeSeconds[h] = now - this.hostLastBootDone[h]!;
          this.hostConverged[h] = 1;
        }
      }
    }
    for (let v = 0; v < this.placement.vms.length; v++) {
      const slowdown = this.memory.slowdown[v]!;
      if (slowdown > m.vmSlowdownMax[v]!) m.vmSlowdownMax[v] = slowdown;
      if (this.memory.swappedActiveShare[v]! > 0) m.vmSwappedSteps[v]!++;
    }
  }

  // ------------------------------------------------------------------ micro level

  /** For each host, the intervals its micro windows sample (fleet mode). */
  private chooseWindows(): number[][] {
    const { microWindows } = this.scenario.cpuModel;
    const hosts = this.placement.hosts;
    const perHost: number[][] = hosts.map(() => []);
    const busy = hosts.map((h, i) => (h.vms.length > 0 ? i : -1)).filter((i) => i >= 0);
    const pairs = busy.length * this.steps;
    const wanted = Math.min(microWindows, pairs);
    if (wanted <= 0) return perHost;
    const rng = this.streams.stream('fleet', 'micro-windows');
    const chosen = new Set<number>();
    while (chosen.size < wanted) chosen.add(Math.floor(rng() * pairs));
    for (const pair of [...chosen].sort((a, b) => a - b)) perHost[busy[Math.floor(pair / this.steps)]!]!.push(pair % this.steps);
    return perHost;
  }

  /** The host's slots as VMs for the micro model: its VMs, then host threads as 1-vCPU pseudo-VMs. */
  private microVms(h: number): { vms: PlacedVm[]; groups: VmGroup[] } {
    const { layout, placement, scenario } = this;
    const threadGroup = { ...scenario.vms[0]!, name: 'host-thread', workload: { ...scenario.vms[0]!.workload, cpu: HOST_THREAD_GROUP } };
    const groups = [...scenario.vms, threadGroup];
    const vms: PlacedVm[] = [];
    for (let s = layout.hostFrom[h]!; s < layout.hostTo[h]!; s++) {
      const v = layout.vmOfSlot[s]!;
      if (v >= 0) vms.push(placement.vms[v]!);
      else vms.push({ name: `${placement.hosts[h]!.name}/thread-${s - layout.hostVmTo[h]!}`, group: groups.length - 1, host: h, vcpus: 1, memoryGiB: 0 });
    }
    return { vms, groups };
  }

  private runWindows(): void {
    const { scenario, layout } = this;
    const seconds = scenario.cpuModel.microWindowSeconds;
    let fleetWeighted = 0;
    let microWeighted = 0;
    let weight = 0;
    this.placement.hosts.forEach((host, h) => {
      if (this.windowSteps[h]!.length === 0) return;
      const { vms, groups } = this.microVms(h);
      const vmCount = layout.hostVmTo[h]! - layout.hostFrom[h]!;
      this.windowSteps[h]!.forEach((k, w) => {
        const { rows, ready: fleetReady, weight: weights } = this.captured[h]![w]!;
        const micro = runHostMicro({
          pcpus: host.pcpus,
          scheduler: resolveScheduler(scenario.scheduler, host.pcpus),
          vms,
          groups,
          rows,
          steps: 1,
          stepSeconds: seconds,
          sampleSeconds: seconds,
          warmupSeconds: scenario.cpuModel.warmupSeconds ?? autoWarmupSeconds(vms, groups, (v) => rows[v]!),
          streams: this.streams,
          purpose: `cpu-micro@${k}`,
          ...(this.latency?.watches(h) && { onWakeDelay: (local: number, delay: number, at: number) => this.latency!.onWake(h, local, delay, at, k, seconds) }),
          onVmSample: (_s, readyShare) => {
            for (let v = 0; v < vmCount; v++) {
              const c = weights[v]!;
              fleetWeighted += c * fleetReady[v]!;
              microWeighted += c * readyShare[v]!;
              weight += c;
            }
          },
        });
        this.absorbMicro(micro, seconds);
      });
    });
    this.cpu.micro.fleetReadyPct = weight > 0 ? (100 * fleetWeighted) / weight : 0;
    this.cpu.micro.microReadyPct = weight > 0 ? (100 * microWeighted) / weight : 0;
  }

  /** Micro mode: keeps each host's demand and weights of interval k, and the kernel's answer for the cross-check. */
  private captureMicroRows(k: number): void {
    const { layout, placement, demand, weight } = this;
    for (let h = 0; h < placement.hosts.length; h++) {
      const from = layout.hostFrom[h]!;
      const to = layout.hostTo[h]!;
      const n = to - from;
      this.microRows[h]!.set(demand.subarray(from, to), k * n);
      this.microWeights[h]!.set(weight.subarray(from, to), k * n);
    }
  }

  private runMicroEverywhere(): void {
    const { scenario, steps, layout } = this;
    let fleetWeighted = 0;
    let microWeighted = 0;
    let total = 0;
    const scratch = fleetScratch();
    this.placement.hosts.forEach((host, h) => {
      const from = layout.hostFrom[h]!;
      const to = layout.hostTo[h]!;
      const n = to - from;
      const vmCount = layout.hostVmTo[h]! - from;
      if (vmCount === 0) {
        for (let k = 0; k < steps; k++) this.recordHost(h, k, 0);
        return;
      }
      const rows = this.microRows[h]!;
      const weights = this.microWeights[h]!;
      const { vms, groups } = this.microVms(h);
      // The kernel's answer on the same demand, for the cross-check.
      const kernelReady = new Float64Array(steps * n);
      const demand = new Float64Array(n);
      const ready = new Float64Array(n);
      const run = new Float64Array(n);
      const vcpus = layout.vcpus.subarray(from, to);
      for (let k = 0; k < steps; k++) {
        demand.set(rows.subarray(k * n, (k + 1) * n));
        solveHostInterval(0, n, vcpus, demand, host.pcpus, ready, run, scratch, this.split);
        kernelReady.set(ready, k * n);
      }
      const micro = runHostMicro({
        pcpus: host.pcpus,
        scheduler: resolveScheduler(scenario.scheduler, host.pcpus),
        vms,
        groups,
        rows,
        steps,
        stepSeconds: scenario.stepSeconds,
        sampleSeconds: scenario.stepSeconds,
        warmupSeconds: scenario.cpuModel.warmupSeconds ?? autoWarmupSeconds(vms, groups, (v) => rows[v]!),
        streams: this.streams,
        purpose: 'cpu-micro',
        ...(this.latency?.watches(h) && { onWakeDelay: (local: number, delay: number, at: number) => this.latency!.onWake(h, local, delay, at, -1, scenario.stepSeconds) }),
        onVmSample: (k, readyShare, runShare) => {
          let busy = 0;
          for (let s = 0; s < n; s++) {
            this.ready[from + s] = readyShare[s]!;
            this.weight[from + s] = weights[k * n + s]!;
            busy += runShare[s]! * vms[s]!.vcpus;
          }
          this.recordHostVms(h, k);
          this.recordThreads(from + vmCount, to, runShare, from);
          for (let s = 0; s < vmCount; s++) {
            const c = weights[k * n + s]!;
            fleetWeighted += c * kernelReady[k * n + s]!;
            microWeighted += c * readyShare[s]!;
            total += c;
          }
          this.recordHost(h, k, busy / host.pcpus);
        },
      });
      this.absorbMicro(micro, steps * scenario.stepSeconds);
    });
    this.cpu.micro.fleetReadyPct = total > 0 ? (100 * fleetWeighted) / total : 0;
    this.cpu.micro.microReadyPct = total > 0 ? (100 * microWeighted) / total : 0;
  }

  private absorbMicro(micro: ReturnType<typeof runHostMicro>, seconds: number): void {
    const m = this.cpu.micro;
    m.windows++;
    m.simulatedSeconds += seconds;
    m.bursts += micro.bursts;
    m.events += micro.events;
    this.cpu.schedDelayMs.merge(micro.schedDelayMs);
  }

  private finish(): void {
    const r = this.cpu;
    const hosts = this.placement.hosts.length;
    for (let h = 0; h < hosts; h++) {
      const n = this.hostVcpuIntervals[h]!;
      r.hostReadyPctMean[h] = n > 0 ? this.hostReadyWeighted[h]! / n : 0;
      r.hostUtilPctMean[h] = this.hostUtilSum[h]! / this.steps;
      this.mem.hostKsmSavedMeanGiB[h]! /= this.steps;
      this.mem.hostKsmdCoresMean[h]! /= this.steps;
    }
    for (let k = 0; k < this.steps; k++) {
      const w = this.timelineVcpus[k]!;
      r.timeline.readyPctMean[k] = w > 0 ? r.timeline.readyPctMean[k]! / w : 0;
      r.timeline.hostUtilPctMean[k] = hosts > 0 ? r.timeline.hostUtilPctMean[k]! / hosts : 0;
    }
  }
}
