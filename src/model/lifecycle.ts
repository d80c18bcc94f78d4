/**
 * Each VM's life in a replication: off, waiting to boot (admission control), booting, running.
 *
 * VMs in a boot storm are off until their storm (each VM's request time is uniform within the
 * storm's spread, from its own stream); every other VM starts warm (it has run long enough for
 * its caches to fill and KSM to settle). A host reboot stops the host's VMs and requests their
 * boots again after the downtime; a rolling reboot does that host after host. The OOM killer's
 * victims are off, and restart after `memory.restartKilledAfterSeconds` when set.
 *
 * Boot requests and host reboots are events on the replication's kernel; admission, the boot's
 * progress and its completion belong to the IO model (./io/io-system.ts), which reports back
 * through `bootStarted` and `bootFinished`.
 */
import type { Simulation } from './engine/simulation.js';
import { BOOTING, hourAt, OFF, QUEUED, RUNNING, type ReplicationContext } from './fleet-state.js';
import type { IoSystem } from './io/io-system.js';
import type { FleetMemory } from './memory/fleet-memory.js';
import type { OomKill } from './memory/host-memory.js';

export class Lifecycle {
  private readonly ctx: ReplicationContext;
  private readonly sim: Simulation;
  private readonly BOOT_REQUEST: number;
  private readonly HOST_DOWN: number;
  private io!: IoSystem;
  private memory!: FleetMemory;

  constructor(ctx: ReplicationContext, sim: Simulation) {
    this.ctx = ctx;
    this.sim = sim;
    this.BOOT_REQUEST = sim.defineEvent('boot-request', (vm) => this.onBootRequest(vm));
    this.HOST_DOWN = sim.defineEvent('host-down', (host, wave) => this.onHostDown(host, wave));
  }

  /** The models the lifecycle drives (they are built with the lifecycle's hooks, hence after it). */
  connect(io: IoSystem, memory: FleetMemory): void {
    this.io = io;
    this.memory = memory;
  }

  /** Initial states and the boot waves' events. VMs in a storm are off until it; the rest run. */
  start(): void {
    const { scenario, placement, streams, endSeconds, vmState, slice } = this.ctx;
    const sim = this.sim;
    const stormed = new Set<number>();
    scenario.boots.waves.forEach((wave, w) => {
      if (wave.kind === 'storm') {
        const groups = new Set(wave.groups.map((name) => scenario.vms.findIndex((g) => g.name === name)));
        placement.vms.forEach((vm, v) => {
          if (!groups.has(vm.group)) return;
          const at = wave.atSeconds + streams.stream(`vm:${vm.name}`, `boot-time#${w}`)() * wave.spreadSeconds;
          // A VM whose first boot is a storm is off until then.
          if (!stormed.has(v)) stormed.add(v);
          if (at < endSeconds) sim.scheduleAt(at, this.BOOT_REQUEST, v);
        });
      } else if (wave.kind === 'hostReboot') {
        for (const name of wave.hosts) {
          const h = placement.hosts.findIndex((host) => host.name === name);
          if (h >= 0 && wave.atSeconds < endSeconds) sim.scheduleAt(wave.atSeconds, this.HOST_DOWN, h, w);
        }
      } else {
        // Hosts go down one after another in fleet order, whichever slice simulates them.
        const groups = new Set(wave.hostGroups.map((name) => scenario.hosts.findIndex((g) => g.name === name)));
        const turn = new Map<number, number>();
        let i = 0;
        slice.fleet.hosts.forEach((host, h) => {
          if (groups.has(host.group)) turn.set(h, i++);
        });
        slice.hostInFleet.forEach((fleetHost, h) => {
          const k = turn.get(fleetHost);
          if (k === undefined) return;
          const at = wave.atSeconds + k * wave.intervalSeconds;
          if (at < endSeconds) sim.scheduleAt(at, this.HOST_DOWN, h, w);
        });
      }
    });
    const hour = hourAt(scenario, 0);
    placement.vms.forEach((_, v) => {
      if (stormed.has(v)) return;
      vmState[v] = RUNNING;
      this.memory.model.startWarm(v, hour);
    });
    this.memory.model.settleKsm();
  }

  /** The IO model admitted VM v's boot at `timeSeconds`. */
  bootStarted(v: number, timeSeconds: number): void {
    this.ctx.vmState[v] = BOOTING;
    this.memory.boot(v, timeSeconds);
  }

  /** VM v's boot finished at `timeSeconds`: it runs. */
  bootFinished(v: number, timeSeconds: number): void {
    this.ctx.vmState[v] = RUNNING;
    this.memory.recorder.bootFinished(this.ctx.placement.vms[v]!.host, timeSeconds);
  }

  /** The OOM killer stopped VM v: it is off, and restarts after the configured delay. */
  killed(kill: OomKill): void {
    const { vmState, scenario, endSeconds } = this.ctx;
    const v = kill.vm;
    if (vmState[v] === BOOTING || vmState[v] === QUEUED) this.io.cancel(v, kill.timeSeconds);
    vmState[v] = OFF;
    const delay = scenario.memory.restartKilledAfterSeconds;
    if (delay !== null && kill.timeSeconds + delay < endSeconds) this.sim.scheduleAt(kill.timeSeconds + delay, this.BOOT_REQUEST, v);
  }

  private onBootRequest(vm: number): void {
    const { vmState } = this.ctx;
    if (vmState[vm] !== OFF) return; // already up, booting or waiting
    vmState[vm] = QUEUED;
    this.io.request(vm, this.sim.now);
  }

  private onHostDown(host: number, w: number): void {
    const { scenario, placement, vmState, endSeconds } = this.ctx;
    const wave = scenario.boots.waves[w]!;
    const down = wave.kind === 'storm' ? 0 : wave.downSeconds;
    const now = this.sim.now;
    for (const v of placement.hosts[host]!.vms) {
      if (vmState[v] === QUEUED || vmState[v] === BOOTING) this.io.cancel(v, now);
      vmState[v] = OFF;
      this.memory.model.stop(v);
      if (now + down < endSeconds) this.sim.scheduleAt(now + down, this.BOOT_REQUEST, v);
    }
  }
}
