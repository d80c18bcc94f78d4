/**
 * One Monte Carlo replication of a scenario: the conductor. It builds the shared context
 * (./fleet-state.ts) and the models, and orders them on the discrete-event kernel
 * (./engine/simulation.ts); each model owns its state, its recording and its result. A fleet is
 * simulated chunk by chunk (independent slices, ./chunks.ts) and the chunks' results merged
 * (./merge.ts); chunks are what worker threads share out within one replication.
 *
 * The backbone is one step per interval. At each step boundary the interval that ends is closed —
 * storage accounting (./io/io-system.ts), then the memory model advances and the OOM killer acts
 * (./memory/fleet-memory.ts) — and the next is opened: the CPU model (./cpu/cpu-model.ts) sets
 * every slot's demand and solves every host's contention, then devices take the steady IO of the
 * running VMs. Boot requests, boot completions and host reboots are events in between
 * (./lifecycle.ts); boots progress as fluid on their devices. After the last interval the CPU
 * model runs its micro level and the latency paths simulate the heartbeats.
 */
import { LATE, Simulation, URGENT } from './engine/simulation.js';
import { streamFactory } from './random/streams.js';
import type { ModelScenario } from './scenario.js';
import type { Placement } from './placement.js';
import { RUNNING, stepCount, type FleetSlice, type ReplicationContext } from './fleet-state.js';
import { fleetChunks, slicePlacement, wholeFleet, type FleetChunk } from './chunks.js';
import { mergeSlices, type SliceResult } from './merge.js';
import { layoutFleet } from './fleet-layout.js';
import { Lifecycle } from './lifecycle.js';
import { CpuModel, cpuMethod } from './cpu/cpu-model.js';
import { CpuRecorder, type CpuReplication } from './cpu/recorder.js';
import { FleetMemory } from './memory/fleet-memory.js';
import type { MemoryReplication } from './memory/recorder.js';
import { IoSystem, type IoReplication } from './io/io-system.js';
import { LatencyPaths, threadPlan, type LatencyReplication } from './latency/paths.js';
import { ThreadRecorder, type ThreadReplication } from './latency/threads.js';

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

/** Replication `replication` of the scenario: every chunk of the fleet (./chunks.ts), merged. */
export function simulateReplication(scenario: ModelScenario, placement: Placement, replication: number, chunks: readonly FleetChunk[] = fleetChunks(scenario, placement)): ReplicationResult {
  return mergeSlices(
    scenario,
    placement,
    chunks.map((_, c) => simulateChunk(scenario, placement, replication, chunks, c)),
  );
}

/** Chunk c of the fleet (of `chunks`, from fleetChunks) in replication `replication`. */
export function simulateChunk(scenario: ModelScenario, fleet: Placement, replication: number, chunks: readonly FleetChunk[], c: number): SliceResult {
  const { placement, slice } = chunks.length === 1 ? { placement: fleet, slice: wholeFleet(scenario, fleet) } : slicePlacement(fleet, chunks[c]!);
  return { slice, result: simulateSlice(scenario, placement, slice, replication) };
}

function simulateSlice(scenario: ModelScenario, placement: Placement, slice: FleetSlice, replication: number): ReplicationResult {
  const plan = threadPlan(scenario, placement);
  const steps = stepCount(scenario);
  const ctx: ReplicationContext = {
    scenario,
    placement,
    slice,
    layout: layoutFleet(placement, plan),
    steps,
    stepSeconds: scenario.stepSeconds,
    endSeconds: steps * scenario.stepSeconds,
    streams: streamFactory(scenario.seed, replication),
    vmState: new Uint8Array(placement.vms.length),
  };
  const isRunning = (v: number): boolean => ctx.vmState[v] === RUNNING;
  // A memory-focused run (rare-event estimation) leaves out CPU and the latency paths: nothing in
  // them feeds back into the lifecycle, IO or memory.
  const focused = scenario.memoryFocus !== undefined;
  const paths = plan && !focused ? new LatencyPaths(scenario, placement, ctx.layout, steps, ctx.streams, cpuMethod(scenario, placement) === 'micro', isRunning) : undefined;
  const sim = new Simulation(256);
  const lifecycle = new Lifecycle(ctx, sim);
  const BOOT_DONE = sim.defineEvent('boot-done', (device, generation) => io.onBootDone(device, generation, sim.now));
  const io = new IoSystem(
    scenario,
    placement,
    steps,
    {
      scheduleBootDone: (at, device, generation) => sim.scheduleAt(at, BOOT_DONE, device, generation),
      bootStarted: (vm, t) => lifecycle.bootStarted(vm, t),
      bootFinished: (vm, t) => lifecycle.bootFinished(vm, t),
      // The main-loop stalls of heartbeat VMs take each device's latency as the IO model measured it.
      ...(paths?.readsDeviceSteps && { deviceStep: (k: number, d: number, latency: number, util: number, served: number, streams: number) => paths.ioStep(k, d, latency, util, served, streams) }),
    },
    slice.datastores,
  );
  const memory = new FleetMemory(ctx, (kill) => lifecycle.killed(kill));
  lifecycle.connect(io, memory);
  const threads = new ThreadRecorder(ctx.layout, scenario.stepSeconds);
  paths?.connectIo((h) => io.deviceOf(h));
  const cpu = focused
    ? undefined
    : new CpuModel(ctx, {
        bootSeconds: (v, now) => io.expectedBootSeconds(v, now),
        ksmdCores: (h) => memory.ksmdCores(h),
        paths,
        threads,
      });

  lifecycle.start();
  // Closing an interval comes before anything else at its end; opening the next after
  // everything else at that moment, so boots that start right then count in it.
  // The CPU model reads the boots' expected lengths before the devices take this interval's load.
  const OPEN = sim.defineEvent('open-interval', (k) => {
    cpu?.open(k, sim.now);
    io.setSteadyLoads(ctx.vmState, sim.now);
  });
  const CLOSE = sim.defineEvent('close-interval', (k) => {
    io.closeStep(k, sim.now, scenario.stepSeconds);
    memory.close(k, sim.now);
  });
  for (let k = 0; k < steps; k++) {
    sim.scheduleAt(k * scenario.stepSeconds, OPEN, k, 0, LATE);
    sim.scheduleAt((k + 1) * scenario.stepSeconds, CLOSE, k, 0, URGENT);
  }
  sim.run(ctx.endSeconds);
  io.finish();
  const cpuResult = cpu ? cpu.finish() : new CpuRecorder(cpuMethod(scenario, placement), ctx.layout, placement.hosts.length, scenario.vms.length, steps).finish();
  paths?.finish(ctx.endSeconds);
  return {
    replication: replication,
    steps,
    cpu: cpuResult,
    memory: memory.finish(),
    io: io.result,
    threads: threads.result,
    ...(paths && { latency: paths.result }),
  };
}
