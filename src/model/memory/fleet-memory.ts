/**
 * The memory model of a replication: every host's memory model (./host-memory.ts) built from the
 * scenario and placement, stepped at each interval's end, its OOM kills handed to the lifecycle,
 * and its readings recorded (./recorder.ts). ksmd's CPU of the last interval is what the CPU model
 * charges to the host's ksmd thread in the next one.
 */
import type { ReplicationContext } from '../fleet-state.js';
import { hourAt } from '../fleet-state.js';
import { stepHour } from '../workload/cpu-demand.js';
import { MemoryModel, type OomKill } from './host-memory.js';
import { MemoryRecorder, type MemoryReplication } from './recorder.js';

export class FleetMemory {
  readonly model: MemoryModel;
  readonly recorder: MemoryRecorder;
  private readonly ctx: ReplicationContext;
  private readonly kills: OomKill[] = [];

  /** `onKill` is told of every OOM kill (the VM is already stopped in the memory model). */
  constructor(
    ctx: ReplicationContext,
    private readonly onKill: (kill: OomKill) => void,
  ) {
    this.ctx = ctx;
    const { scenario, placement, streams } = ctx;
    this.model = new MemoryModel(
      placement.hosts.map((host) => {
        const group = scenario.hosts[host.group]!;
        return { name: host.name, totalGiB: group.memory.totalGiB, hostOsGiB: group.memory.hostOsGiB, swapGiB: group.memory.swapGiB, swapMBps: group.memory.swapMBps, swapReadMs: group.memory.swapReadMs };
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
      (vm, purpose) => streams.stream(`vm:${vm.name}`, purpose),
      scenario.memoryFocus?.workingSetShift ?? 0,
    );
    // A memory-focused run (rare-event estimation) keeps no per-host timelines: the estimator reads
    // only per-host figures, and a ten-host day's timelines are 43,200 numbers to allocate, fill
    // and merge per replication (and to encode in a shard file).
    const timelineFleetHosts = scenario.memoryFocus ? Number.POSITIVE_INFINITY : ctx.slice.fleet.hosts.length;
    this.recorder = new MemoryRecorder(placement.hosts.length, placement.vms.length, ctx.steps, timelineFleetHosts);
  }

  /** ksmd's CPU on host h over the last interval, cores. */
  ksmdCores(h: number): number {
    return this.model.readings[h]!.ksmdCores;
  }

  /** VM v starts booting at `timeSeconds`. */
  boot(v: number, timeSeconds: number): void {
    this.model.boot(v, hourAt(this.ctx.scenario, timeSeconds));
  }

  /** Interval k ends at `now`: guests and hosts advance, the OOM killer acts, readings are recorded. */
  close(k: number, now: number): void {
    const { scenario } = this.ctx;
    const before = this.kills.length;
    this.model.step(now, scenario.stepSeconds, stepHour(scenario.startHour, scenario.stepSeconds, k), this.kills);
    for (let i = before; i < this.kills.length; i++) {
      const kill = this.kills[i]!;
      this.recorder.kill(kill);
      this.onKill(kill);
    }
    this.recorder.record(this.model, k, now);
  }

  finish(): MemoryReplication {
    return this.recorder.finish(this.model);
  }
}
