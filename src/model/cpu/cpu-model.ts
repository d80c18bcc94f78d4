/**
 * The CPU model of a replication. At each interval's start it sets every slot's uncontended
 * demand — running VMs from their workload (parametric draw or measured trace), booting VMs from
 * their boot's CPU work spread over the boot's expected length, ksmd from the memory model, device
 * threads and daemons from the latency paths — and solves each host's contention, at one of two
 * resolutions (ModelScenario.cpuModel.resolution):
 * - fleet: the closed-form kernel (./fleet.ts) for every host and interval, recorded at once, plus
 *   micro-level windows (./micro-level.ts);
 * - micro: every burst of every vCPU for the whole run (after the step loop), on the demand the
 *   step loop produced.
 * `auto` takes micro when the expected number of bursts is within `microBudgetBursts`.
 *
 * Interval boundaries are where states are sampled: a VM that boots or dies within an interval
 * counts with the state it had when the interval opened.
 *
 * Desktop CPU (docs/cpu.md): a VM group's `hostOverheadPct` (its QEMU process's emulation and
 * display encoding) is added to each running or booting VM's demand, spread over its vCPUs, so it
 * competes for the pCPUs and its waiting counts as the VM's; SMT hosts (threadsPerCore > 1) are
 * solved with their physical cores and SMT gain; and every running VM's UI action time is recorded
 * from its ready and running shares and the host's speed (./ui-action.ts).
 *
 * Pinning (`network.pinned`, docs/latency.md): a pinned VM's vCPUs and path threads own dedicated
 * cores (libvirt `<vcpupin>`, nova's dedicated CPU policy, `taskset` of the other threads). The
 * kernel solves the rest of the host on its remaining pCPUs — the shared pool shrinks by those
 * cores, so the other VMs wait more — and a pinned slot runs its demand at once (never ready). Its
 * dedicated cores count as busy only while it runs. The micro level does the same (./micro-level.ts).
 */
import { BOOTING, RUNNING, type ReplicationContext } from '../fleet-state.js';
import { threadSlot, type FleetLayout } from '../fleet-layout.js';
import { StateSnapshot } from '../state-snapshot.js';
import type { Placement } from '../placement.js';
import type { ModelScenario } from '../scenario.js';
import type { ThreadRecorder } from '../latency/threads.js';
import { CpuDemandField, stepHour } from '../workload/cpu-demand.js';
import { TraceDemandField } from '../workload/trace-demand.js';
import { fleetScratch, solveHostIntervalInto, type FleetSplit } from './fleet.js';
import { MicroLevel, type WakeWatcher } from './micro-level.js';
import { CpuRecorder, type CpuReplication } from './recorder.js';

/**
 * Host threads whose demand depends on the kernel's own solution: the latency paths' device
 * threads (their packet rate is capped by the CPU their path gets), and their wake-ups.
 */
export interface CpuPaths extends WakeWatcher {
  /** Per host: 1 when its load is solved twice (at the demanded packet rates, then at the achieved). */
  readonly twoPass: Uint8Array;
  /** Sets host h's daemon and device-thread demand at the demanded packet rates. */
  openHost(h: number, demand: Float64Array): void;
  /** Reads each path's share from the first solution and rewrites the demand at the achieved rates. */
  applyCapacity(h: number, demand: Float64Array, ready: Float64Array, run: Float64Array): void;
  /** After the final solve of interval k on host h. */
  closeHost(h: number, k: number, run: Float64Array, ready: Float64Array): void;
}

/** What the CPU model reads from the other models. */
export interface CpuInputs {
  /** Seconds the boot of VM v is expected to take in all, as known at `now`. */
  bootSeconds(v: number, now: number): number;
  /** ksmd's CPU on host h over the last interval, cores. */
  ksmdCores(h: number): number;
  paths?: CpuPaths | undefined;
  threads: ThreadRecorder;
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

export class CpuModel {
  readonly method: 'micro' | 'fleet';
  private readonly ctx: ReplicationContext;
  private readonly inputs: CpuInputs;
  /** How the fleet kernel divides waiting among VMs: follows the scheduler being modelled. */
  private readonly split: FleetSplit;
  private readonly demandField: CpuDemandField;
  /** Trace-driven groups (workload.trace): measured utilisation, written over the parametric draw. */
  private readonly traceDemand: TraceDemandField | undefined;
  /** Per slot: this interval's uncontended utilisation, ready and running shares, and weight (vCPUs if running). */
  private readonly demand: Float64Array;
  private readonly ready: Float64Array;
  private readonly runShare: Float64Array;
  private readonly weight: Int32Array;
  /** Per slot: 1 if the VM is running (not booting), for the UI action times; and per host × group, how many. */
  private readonly running: Int32Array;
  private readonly runningByGroup: Int32Array;
  /** Per group run (layout.groupRuns): running VMs, and the vCPUs of running and booting VMs. */
  private readonly runningByRun: Int32Array;
  private readonly weightByRun: Int32Array;
  /**
   * Per slot: intervals the VM ran or booted (weight > 0). Fleet resolution counts them here for
   * the recorder (CpuRecorder.intervalsRun), which then need not walk the VMs of a host whose
   * ready shares are all 0; micro resolution counts its own and this is scratch.
   */
  private readonly intervalsRun: Float64Array;
  /**
   * What the per-slot pass of `open` depends on besides this interval's draws: the VMs' states as
   * it last saw them. While they are unchanged (most intervals) its weights, running flags and
   * counts stand, and `open` redoes only the slots whose demand it adjusts (`adjusted`: booting
   * VMs and VMs with QEMU overhead, in slot order); the intervals run are then counted in
   * `pendingIntervals` and added to each weighted slot when the states next change (whole
   * numbers: the same sums as one at a time).
   */
  private readonly statesSeen: StateSnapshot;
  private readonly adjusted: Int32Array;
  private adjustedCount = 0;
  private pendingIntervals = 0;
  /** Per VM: the CPU-seconds its boot needs. */
  private readonly bootCpuSeconds: Float64Array;
  /** Per slot: its QEMU process's host CPU per vCPU, cores (0 for host threads and groups without). */
  private readonly overheadPerVcpu: Float64Array;
  /** Per host: physical cores (= pCPUs without SMT) and the SMT gain (a fraction). */
  private readonly cores: Float64Array;
  private readonly smtGain: Float64Array;
  /** Per host: 1 when its slots have more vCPUs than it has pCPUs (some may wait: bin as it sums, fleet.ts). */
  private readonly binFirst: Uint8Array;
  private readonly scratch = fleetScratch();
  /** What solveHost leaves: the host's pCPU utilisation (0..1). */
  private readonly hostUtilization = new Float64Array(1);
  /** Demand of the pinned slots while the shared pool is solved without them (grows to the largest host's). */
  private pinnedSave = new Float64Array(0);
  private readonly recorder: CpuRecorder;
  private readonly micro: MicroLevel;

  constructor(ctx: ReplicationContext, inputs: CpuInputs) {
    this.ctx = ctx;
    this.inputs = inputs;
    const { scenario, placement, layout, streams } = ctx;
    this.method = cpuMethod(scenario, placement);
    this.split = scenario.scheduler.policy === 'fifo' ? 'fifo' : 'cfs';
    this.demandField = new CpuDemandField(
      placement.vms.map((vm) => ({ name: vm.name, workload: scenario.vms[vm.group]!.workload.cpu })),
      streams,
      layout.slotOfVm,
    );
    this.traceDemand = TraceDemandField.forFleet(scenario, placement, layout.vmOfSlot, streams);
    this.demand = new Float64Array(layout.slots);
    this.ready = new Float64Array(layout.slots);
    this.runShare = new Float64Array(layout.slots);
    this.weight = new Int32Array(layout.slots);
    this.running = new Int32Array(layout.slots);
    this.runningByGroup = new Int32Array(placement.hosts.length * scenario.vms.length);
    this.runningByRun = new Int32Array(layout.groupRuns.length / 3);
    this.weightByRun = new Int32Array(layout.groupRuns.length / 3);
    this.bootCpuSeconds = Float64Array.from(placement.vms, (vm) => scenario.vms[vm.group]!.boot.cpuSeconds);
    this.overheadPerVcpu = new Float64Array(layout.slots);
    this.statesSeen = new StateSnapshot(placement.vms.length);
    // At most every slot is adjusted.
    this.adjusted = new Int32Array(layout.slots);
    const uiWorkMs = new Float64Array(layout.slots);
    placement.vms.forEach((vm, v) => {
      const group = scenario.vms[vm.group]!;
      const slot = layout.slotOfVm[v]!;
      this.overheadPerVcpu[slot] = (group.hostOverheadPct ?? 0) / 100 / vm.vcpus;
      uiWorkMs[slot] = group.uiActionMs ?? 50;
    });
    this.cores = Float64Array.from(placement.hosts, (host) => host.pcpus / (scenario.hosts[host.group]!.cpu.threadsPerCore ?? 1));
    this.smtGain = Float64Array.from(placement.hosts, (host) => (scenario.hosts[host.group]!.cpu.smtGainPct ?? 0) / 100);
    this.binFirst = Uint8Array.from(placement.hosts, (host, h) => {
      let vcpus = 0;
      for (let slot = layout.hostFrom[h]!; slot < layout.hostTo[h]!; slot++) vcpus += layout.vcpus[slot]!;
      return vcpus > host.pcpus ? 1 : 0;
    });
    const overflow = pinnedOverflow(layout, placement);
    if (overflow) throw new RangeError(overflow);
    placement.hosts.forEach((_host, h) => {
      this.pinnedSave = new Float64Array(Math.max(this.pinnedSave.length, layout.hostPinnedTo[h]! - layout.hostPinnedFrom[h]!));
    });
    this.recorder = new CpuRecorder(this.method, layout, placement.hosts.length, scenario.vms.length, ctx.steps, uiWorkMs);
    this.intervalsRun = this.method === 'fleet' ? this.recorder.intervalsRun : new Float64Array(layout.slots);
    this.micro = new MicroLevel(ctx, this.method, this.split, inputs.paths);
  }

  /** Interval k opens at `now`: sets every slot's demand and solves (fleet) or keeps (micro) each host. */
  open(k: number, now: number): void {
    const { scenario, placement, layout, vmState } = this.ctx;
    const { demand, weight, ready, runShare, scratch, running, runningByRun, weightByRun } = this;
    const { paths, threads } = this.inputs;
    // Only running VMs take their workload's demand (weighSlots writes the others').
    this.demandField.fill(stepHour(scenario.startHour, scenario.stepSeconds, k), demand, vmState, RUNNING);
    this.traceDemand?.fill(k, demand);
    // Only running and booting VMs count; a booting VM's demand is its boot's CPU work.
    // Measured traces write every trace VM's slot, off or not: those need the full pass to zero them.
    if (!this.traceDemand && this.statesSeen.matches(vmState)) {
      this.pendingIntervals++;
      this.adjustDemand(now);
    } else this.weighSlots(now);
    for (let h = 0; h < placement.hosts.length; h++) demand[threadSlot(layout, h, 'ksmd')] = Math.min(1, this.inputs.ksmdCores(h));
    if (paths) {
      // Device threads at the demanded packet rates; where packets are demanded, one solve of that
      // load gives each path's share, and the rates (and threads) are capped to what it allows.
      for (let h = 0; h < placement.hosts.length; h++) {
        paths.openHost(h, demand);
        if (paths.twoPass[h]) {
          this.solveHost(h);
          paths.applyCapacity(h, demand, ready, runShare);
          if (this.method === 'micro') paths.closeHost(h, k, runShare, ready);
        } else if (this.method === 'micro') paths.closeHost(h, k, runShare, ready);
      }
    }

    if (this.method === 'micro') {
      this.micro.captureStep(k, demand, weight);
      return;
    }
    for (let h = 0; h < placement.hosts.length; h++) {
      const to = layout.hostTo[h]!;
      this.solveHost(h);
      const util = this.hostUtilization[0]!;
      paths?.closeHost(h, k, runShare, ready);
      threads.record(layout.hostVmTo[h]!, to, runShare, 0);
      this.recorder.recordHost(h, k, util);
      // Where every ready share is 0 (the quiet desktops' common case) both record per group run.
      const zero = scratch.zeroReady[0] === 1;
      if (zero) this.recorder.recordHostVmsAtZero(h, k, weightByRun);
      else this.recorder.recordHostVms(h, k, ready, weight, true);
      this.recorder.recordUiActions(h, ready, runShare, running, scratch.speed[0]!, scratch.speed[1]!, scratch.speed[2]! === 0, this.runningByGroup, h * scenario.vms.length, zero ? runningByRun : undefined, scratch.uiClass, scratch.classStretch);
      this.micro.captureWindow(h, k, demand, ready, weight);
    }
  }

  /**
   * The per-slot pass: each VM slot's weight (its vCPUs when running or booting), running flag and
   * the counts per group run and per host × group, from the VMs' states; a booting VM's demand is
   * its boot's CPU work, and a VM with QEMU overhead adds it. Counts this interval as run for
   * every weighted slot, after adding the intervals the states stood unchanged before it.
   */
  private weighSlots(now: number): void {
    const { layout, vmState, scenario } = this.ctx;
    const { demand, weight, running, overheadPerVcpu, runningByRun, weightByRun, intervalsRun, runningByGroup } = this;
    this.flushIntervals();
    this.statesSeen.take(vmState);
    const groups = scenario.vms.length;
    runningByGroup.fill(0);
    let adjusted = 0;
    // In slot order, host by host and group run by group run (./fleet-layout.ts), so the per-slot
    // arrays are walked in sequence and each run's running VMs are counted in a register; each
    // VM's entries depend on its own state alone, so the order changes nothing.
    const { vmOfSlot, vcpus } = layout;
    const runs = layout.groupRuns;
    for (let r = 0; r < runs.length / 3; r++) {
      const end = runs[3 * r + 1]!;
      let runningInRun = 0;
      let weightInRun = 0;
      for (let slot = runs[3 * r]!; slot < end; slot++) {
        const v = vmOfSlot[slot]!;
        const state = vmState[v]!;
        if (state === RUNNING) {
          running[slot] = 1;
          const c = vcpus[slot]!;
          weight[slot] = c;
          weightInRun += c;
          runningInRun++;
        } else {
          running[slot] = 0;
          if (state === BOOTING) {
            const c = vcpus[slot]!;
            weight[slot] = c;
            weightInRun += c;
          } else {
            weight[slot] = 0;
            demand[slot] = 0;
            continue;
          }
        }
        intervalsRun[slot]!++;
        if (state === BOOTING || overheadPerVcpu[slot]! > 0) this.adjusted[adjusted++] = slot;
      }
      runningByGroup[layout.hostOf[end - 1]! * groups + runs[3 * r + 2]!]! += runningInRun;
      runningByRun[r] = runningInRun;
      weightByRun[r] = weightInRun;
    }
    this.adjustedCount = adjusted;
    this.adjustDemand(now);
  }

  /**
   * The demand of the slots weighSlots listed (`adjusted`): a booting VM's is its boot's CPU work,
   * and a VM with QEMU overhead adds it. Each slot's demand depends on its own VM alone.
   */
  private adjustDemand(now: number): void {
    const { demand, overheadPerVcpu, adjusted } = this;
    const { vmOfSlot, vcpus } = this.ctx.layout;
    const vmState = this.ctx.vmState;
    for (let i = 0; i < this.adjustedCount; i++) {
      const slot = adjusted[i]!;
      const v = vmOfSlot[slot]!;
      if (vmState[v] === BOOTING) demand[slot] = Math.min(1, this.bootCpuSeconds[v]! / (vcpus[slot]! * Math.max(1, this.inputs.bootSeconds(v, now))));
      const overhead = overheadPerVcpu[slot]!;
      if (overhead > 0) demand[slot] = Math.min(1, demand[slot]! + overhead);
    }
  }

  /** Adds the intervals counted in pendingIntervals to every slot weighted then (before the weights change, and at the end). */
  private flushIntervals(): void {
    const pending = this.pendingIntervals;
    if (pending === 0) return;
    this.pendingIntervals = 0;
    const { weight, intervalsRun } = this;
    const runs = this.ctx.layout.groupRuns;
    for (let r = 0; r < runs.length / 3; r++) {
      const end = runs[3 * r + 1]!;
      for (let slot = runs[3 * r]!; slot < end; slot++) if (weight[slot]! > 0) intervalsRun[slot]! += pending;
    }
  }

  /**
   * Solves host h's interval with the closed-form kernel into `ready` and `runShare`, and its pCPU
   * utilisation into hostUtilization[0] (a returned double would be boxed). Pinned slots leave the shared pool: their demand is set aside (0 for the
   * kernel, which then gives them no share and no waiting) and the kernel runs on the pCPUs left
   * (on an SMT host the cores shrink in proportion); then each pinned slot runs its demand.
   */
  private solveHost(h: number): void {
    const { demand, ready, runShare, scratch } = this;
    const layout = this.ctx.layout;
    const from = layout.hostFrom[h]!;
    const to = layout.hostTo[h]!;
    const pcpus = this.ctx.placement.hosts[h]!.pcpus;
    const dedicated = layout.pinnedCores[h]!;
    const binFirst = this.binFirst[h] === 1;
    if (dedicated === 0) {
      solveHostIntervalInto(from, to, layout.vcpus, demand, pcpus, ready, runShare, scratch, this.split, this.cores[h]!, this.smtGain[h]!, binFirst);
      this.hostUtilization[0] = scratch.utilization[0]!;
      return;
    }
    const pinFrom = layout.hostPinnedFrom[h]!;
    const pinTo = layout.hostPinnedTo[h]!;
    const pinned = layout.pinnedSlots;
    const save = this.pinnedSave;
    for (let i = pinFrom; i < pinTo; i++) {
      const s = pinned[i]!;
      save[i - pinFrom] = demand[s]!;
      demand[s] = 0;
    }
    const shared = pcpus - dedicated;
    solveHostIntervalInto(from, to, layout.vcpus, demand, shared, ready, runShare, scratch, this.split, (this.cores[h]! * shared) / pcpus, this.smtGain[h]!, binFirst);
    let busy = scratch.utilization[0]! * shared;
    for (let i = pinFrom; i < pinTo; i++) {
      const s = pinned[i]!;
      const u = save[i - pinFrom]!;
      demand[s] = u;
      ready[s] = 0;
      runShare[s] = u;
      busy += layout.vcpus[s]! * u;
    }
    this.hostUtilization[0] = busy / pcpus;
  }

  /** After the step loop: the micro level, then the replication's CPU result. */
  finish(): CpuReplication {
    this.flushIntervals();
    this.micro.run(this.recorder, this.inputs.threads, this.ready, this.weight);
    return this.recorder.finish();
  }
}

/**
 * The first host whose pinned VMs (vms[].network.pinned) would take every pCPU, as a message; null
 * when every host keeps one shared. The scenario's schema checks one VM against the smallest host;
 * several pinned VMs placed on one host are known only once the fleet is placed.
 */
export function pinnedOverflow(layout: FleetLayout, placement: Placement): string | null {
  for (let h = 0; h < placement.hosts.length; h++) {
    const host = placement.hosts[h]!;
    const pinned = layout.pinnedCores[h]!;
    if (pinned >= host.pcpus) return `host ${host.name}: its pinned VMs need ${pinned} dedicated cores (vCPUs and vhost workers or QEMU main loop) but it has ${host.pcpus} pCPUs; at least one must stay shared (vms[].network.pinned)`;
  }
  return null;
}
