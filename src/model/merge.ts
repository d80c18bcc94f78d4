/**
 * One replication's result from the results of its slices (./chunks.ts): per-host, per-VM and
 * per-device values go to their fleet index, distributions merge bucket by bucket, per-interval
 * sums add and maxima take the larger, and OOM kills are ordered by time and host as one
 * simulation of the fleet records them. Slices are merged in chunk order, so floating-point sums
 * come out the same whoever computed the slices.
 */
import type { ModelScenario } from './scenario.js';
import type { Placement } from './placement.js';
import type { FleetSlice } from './fleet-state.js';
import type { ReplicationResult } from './replication.js';
import { Histogram } from './stats/histogram.js';
import type { CpuReplication } from './cpu/recorder.js';
import type { MemoryReplication } from './memory/recorder.js';
import type { IoReplication } from './io/io-system.js';
import type { ThreadReplication } from './latency/threads.js';
import type { HeartbeatReplication, LatencyReplication } from './latency/paths.js';
import { BOTTLENECKS } from './latency/network.js';

export interface SliceResult {
  slice: FleetSlice;
  result: ReplicationResult;
}

export function mergeSlices(scenario: ModelScenario, fleet: Placement, parts: readonly SliceResult[]): ReplicationResult {
  const first = parts[0]!;
  if (parts.length === 1 && first.slice.hostInFleet.length === fleet.hosts.length) return first.result;
  const hosts = fleet.hosts.length;
  const vms = fleet.vms.length;
  const latencyParts = parts.filter((p) => p.result.latency !== undefined);
  return {
    replication: first.result.replication,
    steps: first.result.steps,
    cpu: mergeCpu(parts, hosts, vms),
    memory: mergeMemory(parts, hosts, vms),
    io: mergeIo(scenario, fleet, parts),
    threads: mergeThreads(parts.map((p) => p.result.threads)),
    ...(latencyParts.length > 0 && { latency: mergeLatency(scenario, fleet, latencyParts) }),
  };
}

function histogram(parts: readonly Histogram[]): Histogram {
  const out = new Histogram();
  for (const h of parts) out.merge(h);
  return out;
}

/** `out[map[i]] = values[i]` for each part. */
function scatter(out: Float64Array, values: Float64Array, map: Int32Array): Float64Array {
  for (let i = 0; i < map.length; i++) out[map[i]!] = values[i]!;
  return out;
}

function add(out: Float64Array, values: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i]! += values[i]!;
  return out;
}

function max(out: Float64Array, values: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) if (values[i]! > out[i]!) out[i] = values[i]!;
  return out;
}

function mergeCpu(parts: readonly SliceResult[], hosts: number, vms: number): CpuReplication {
  const cpus = parts.map((p) => p.result.cpu);
  const perVm = (pick: (c: CpuReplication) => Float64Array): Float64Array => {
    const out = new Float64Array(vms);
    parts.forEach((p) => scatter(out, pick(p.result.cpu), p.slice.vmInFleet));
    return out;
  };
  const steps = cpus[0]!.timeline.vcpus.length;
  const perHost = (pick: (c: CpuReplication) => Float64Array): Float64Array => {
    const out = new Float64Array(hosts);
    parts.forEach((p) => scatter(out, pick(p.result.cpu), p.slice.hostInFleet));
    return out;
  };
  const timeline = { readyPctWeighted: new Float64Array(steps), vcpus: new Float64Array(steps), hostUtilPctSum: new Float64Array(steps), hostUtilPctMax: new Float64Array(steps) };
  const micro = { windows: 0, simulatedSeconds: 0, bursts: 0, events: 0, fleetReadyWeighted: 0, microReadyWeighted: 0, weight: 0 };
  for (const c of cpus) {
    add(timeline.readyPctWeighted, c.timeline.readyPctWeighted);
    add(timeline.vcpus, c.timeline.vcpus);
    add(timeline.hostUtilPctSum, c.timeline.hostUtilPctSum);
    max(timeline.hostUtilPctMax, c.timeline.hostUtilPctMax);
    for (const key of Object.keys(micro) as (keyof typeof micro)[]) micro[key] += c.micro[key];
  }
  return {
    method: cpus[0]!.method,
    readyPct: histogram(cpus.map((c) => c.readyPct)),
    readyPctByGroup: cpus[0]!.readyPctByGroup.map((_, g) => histogram(cpus.map((c) => c.readyPctByGroup[g]!))),
    hostUtilPct: histogram(cpus.map((c) => c.hostUtilPct)),
    schedDelayMs: histogram(cpus.map((c) => c.schedDelayMs)),
    uiActionMs: histogram(cpus.map((c) => c.uiActionMs)),
    hostReadyPctMean: perHost((c) => c.hostReadyPctMean),
    vmReadyPctMean: perVm((c) => c.vmReadyPctMean),
    hostReadyPctMax: perHost((c) => c.hostReadyPctMax),
    hostUtilPctMean: perHost((c) => c.hostUtilPctMean),
    hostUtilPctMax: perHost((c) => c.hostUtilPctMax),
    timeline,
    micro,
  };
}

function mergeMemory(parts: readonly SliceResult[], hosts: number, vms: number): MemoryReplication {
  const perHost = (pick: (m: MemoryReplication) => Float64Array, fill = 0): Float64Array => {
    const out = new Float64Array(hosts).fill(fill);
    parts.forEach((p) => scatter(out, pick(p.result.memory), p.slice.hostInFleet));
    return out;
  };
  const perVm = (pick: (m: MemoryReplication) => Float64Array, fill: number): Float64Array => {
    const out = new Float64Array(vms).fill(fill);
    parts.forEach((p) => scatter(out, pick(p.result.memory), p.slice.vmInFleet));
    return out;
  };
  const kills = parts
    .flatMap((p) => p.result.memory.kills.map((k) => ({ ...k, host: p.slice.hostInFleet[k.host]!, vm: p.slice.vmInFleet[k.vm]! })))
    // Array.prototype.sort is stable: kills of one host at one moment keep the order they struck in.
    .sort((a, b) => a.timeSeconds - b.timeSeconds || a.host - b.host);
  const timelineHosts = parts[0]!.result.memory.timeline.hosts > 0 ? hosts : 0;
  const steps = timelineHosts > 0 ? parts[0]!.result.memory.timeline.backedGiB.length / parts[0]!.result.memory.timeline.hosts : 0;
  const timeline = { backedGiB: new Float64Array(timelineHosts * steps), ksmSavedGiB: new Float64Array(timelineHosts * steps), swapGiB: new Float64Array(timelineHosts * steps), hosts: timelineHosts };
  if (timelineHosts > 0) {
    for (const p of parts) {
      const t = p.result.memory.timeline;
      p.slice.hostInFleet.forEach((h, local) => {
        timeline.backedGiB.set(t.backedGiB.subarray(local * steps, (local + 1) * steps), h * steps);
        timeline.ksmSavedGiB.set(t.ksmSavedGiB.subarray(local * steps, (local + 1) * steps), h * steps);
        timeline.swapGiB.set(t.swapGiB.subarray(local * steps, (local + 1) * steps), h * steps);
      });
    }
  }
  return {
    hostBackedPeakPct: perHost((m) => m.hostBackedPeakPct),
    hostNeededPeakPct: perHost((m) => m.hostNeededPeakPct),
    hostSwapPeakGiB: perHost((m) => m.hostSwapPeakGiB),
    hostKsmSavedMeanGiB: perHost((m) => m.hostKsmSavedMeanGiB),
    ksmSavedGiB: histogram(parts.map((p) => p.result.memory.ksmSavedGiB)),
    ksmConvergeSeconds: perHost((m) => m.ksmConvergeSeconds, Number.NaN),
    swapStallSteps: perHost((m) => m.swapStallSteps),
    hostKills: perHost((m) => m.hostKills),
    kills,
    vmSlowdownMax: perVm((m) => m.vmSlowdownMax, 1),
    vmSwappedSteps: perVm((m) => m.vmSwappedSteps, 0),
    hostKsmdCoresMean: perHost((m) => m.hostKsmdCoresMean),
    hostBootsSeen: perHost((m) => m.hostBootsSeen),
    timeline,
    hostMinHeadroomGiB: perHost((m) => m.hostMinHeadroomGiB),
    hostLogWeight: perHost((m) => m.hostLogWeight),
    hostShiftedZSum: perHost((m) => m.hostShiftedZSum),
    hostShiftedCount: perHost((m) => m.hostShiftedCount),
  };
}

/** Device names in fleet order: the datastores in scenario order, then each host with local disks. */
function fleetDevices(scenario: ModelScenario, fleet: Placement): string[] {
  const names = scenario.datastores.map((d) => `datastore ${d.name}`);
  for (const host of fleet.hosts) if (scenario.hosts[host.group]!.storage.kind === 'local') names.push(`${host.name} local`);
  return names;
}

function mergeIo(scenario: ModelScenario, fleet: Placement, parts: readonly SliceResult[]): IoReplication {
  const ios = parts.map((p) => p.result.io);
  const deviceNames = fleetDevices(scenario, fleet);
  const deviceIndex = new Map(deviceNames.map((name, d) => [name, d]));
  const perDevice = (pick: (io: IoReplication) => Float64Array): Float64Array => {
    const out = new Float64Array(deviceNames.length);
    for (const io of ios) io.deviceNames.forEach((name, d) => (out[deviceIndex.get(name)!] = pick(io)[d]!));
    return out;
  };
  const steps = ios[0]!.timeline.ios.length;
  const timeline = { utilPctMax: new Float64Array(steps), ios: new Float64Array(steps), latencyIoSeconds: new Float64Array(steps), bootsInFlight: new Float64Array(steps), bootsQueued: new Float64Array(steps) };
  let firstRequestSeconds = Number.NaN;
  let lastDoneSeconds = Number.NaN;
  for (const io of ios) {
    max(timeline.utilPctMax, io.timeline.utilPctMax);
    add(timeline.ios, io.timeline.ios);
    add(timeline.latencyIoSeconds, io.timeline.latencyIoSeconds);
    add(timeline.bootsInFlight, io.timeline.bootsInFlight);
    add(timeline.bootsQueued, io.timeline.bootsQueued);
    // NaN (no boots in that slice) never wins; the first number seen always does.
    if (!Number.isNaN(io.firstRequestSeconds) && !(io.firstRequestSeconds >= firstRequestSeconds)) firstRequestSeconds = io.firstRequestSeconds;
    if (!Number.isNaN(io.lastDoneSeconds) && !(io.lastDoneSeconds <= lastDoneSeconds)) lastDoneSeconds = io.lastDoneSeconds;
  }
  const sum = (pick: (io: IoReplication) => number): number => ios.reduce((s, io) => s + pick(io), 0);
  return {
    devices: deviceNames.length,
    utilPct: histogram(ios.map((io) => io.utilPct)),
    latencyMs: histogram(ios.map((io) => io.latencyMs)),
    bootLatencyMs: histogram(ios.map((io) => io.bootLatencyMs)),
    bootSeconds: histogram(ios.map((io) => io.bootSeconds)),
    bootSecondsByOs: {
      windows: histogram(ios.map((io) => io.bootSecondsByOs.windows)),
      linux: histogram(ios.map((io) => io.bootSecondsByOs.linux)),
      other: histogram(ios.map((io) => io.bootSecondsByOs.other)),
    },
    queuedSeconds: histogram(ios.map((io) => io.queuedSeconds)),
    boots: sum((io) => io.boots),
    bootsUnfinished: sum((io) => io.bootsUnfinished),
    firstRequestSeconds,
    lastDoneSeconds,
    deviceUtilPctMax: perDevice((io) => io.deviceUtilPctMax),
    deviceShortSteps: perDevice((io) => io.deviceShortSteps),
    steadyIosWanted: sum((io) => io.steadyIosWanted),
    steadyIosServed: sum((io) => io.steadyIosServed),
    phases: ios[0]!.phases.map((_, k) => sum((io) => io.phases[k]!)),
    timeline,
    deviceNames,
  };
}

function mergeThreads(parts: readonly ThreadReplication[]): ThreadReplication {
  const out: ThreadReplication = { coreSeconds: new Float64Array(parts[0]!.coreSeconds.length), maxShare: new Float64Array(parts[0]!.maxShare.length) };
  for (const t of parts) {
    add(out.coreSeconds, t.coreSeconds);
    max(out.maxShare, t.maxShare);
  }
  return out;
}

function mergeLatency(scenario: ModelScenario, fleet: Placement, parts: readonly SliceResult[]): LatencyReplication {
  // Network VMs in fleet order, each with its slice's sums.
  const entries: { vm: number; part: LatencyReplication; at: number }[] = [];
  for (const p of parts) {
    const latency = p.result.latency!;
    latency.networkVms.forEach((local, at) => entries.push({ vm: p.slice.vmInFleet[local]!, part: latency, at }));
  }
  entries.sort((a, b) => a.vm - b.vm);
  const n = entries.length;
  const B = BOTTLENECKS.length;
  const out: LatencyReplication = {
    networkVms: Int32Array.from(entries, (e) => e.vm),
    demandGbpsSum: Float64Array.from(entries, (e) => e.part.demandGbpsSum[e.at]!),
    achievedGbpsSum: Float64Array.from(entries, (e) => e.part.achievedGbpsSum[e.at]!),
    runningSteps: Float64Array.from(entries, (e) => e.part.runningSteps[e.at]!),
    lostGbpsByBottleneck: new Float64Array(n * B),
    heartbeats: [],
  };
  entries.forEach((e, i) => out.lostGbpsByBottleneck.set(e.part.lostGbpsByBottleneck.subarray(e.at * B, (e.at + 1) * B), i * B));
  // Each heartbeat from the slice that holds its master (a heartbeat's two hosts share a slice).
  const hostOfVm = new Map(fleet.vms.map((vm) => [vm.name, vm.host]));
  out.heartbeats = (scenario.latency?.heartbeats ?? []).map((hb, i): HeartbeatReplication => {
    const host = hostOfVm.get(hb.master);
    const owner = host === undefined ? undefined : parts.find((p) => p.slice.hostInFleet.includes(host));
    return (owner ?? parts[0]!).result.latency!.heartbeats[i]!;
  });
  return out;
}
