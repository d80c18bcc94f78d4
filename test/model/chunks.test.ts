/**
 * Slices of a fleet (model/chunks.ts, model/merge.ts): a replication simulated chunk by chunk and
 * merged must give what one simulation of the whole fleet gives. Every per-host, per-VM and
 * per-device value is computed from that host's own state and streams, so those must be equal
 * bit for bit; distributions must hold the same counts in the same buckets; per-interval sums
 * over hosts may differ only in floating-point rounding (the order of addition changes).
 */
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src/scenarios/load.js';
import { place } from '../../src/model/placement.js';
import { simulateReplication } from '../../src/model/replication.js';
import { fleetChunks } from '../../src/model/chunks.js';
import type { ModelScenario } from '../../src/model/scenario.js';
import type { Histogram } from '../../src/model/stats/histogram.js';

/** 21 hosts: 6 on a shared datastore (one component), a heartbeat pair, a storm, a rolling reboot, KSM and swap. */
const TEXT = `
name: chunks
seed: 9
duration: 3h
step: 5 min
startHour: 7
overcommit: { cpu: 4, memory: 1.6 }
placement: spread
hosts:
  - { name: local, count: 15, cpu: { cores: 8 }, memory: { totalGiB: 64, reservedGiB: 2, swapGiB: 2, swapMBps: 50 } }
  - { name: shared, count: 6, cpu: { cores: 8 }, memory: { totalGiB: 64, reservedGiB: 2, swapGiB: 2 }, storage: { datastore: san } }
datastores:
  - { name: san, disks: 6, rpm: 10000, raid: raid10 }
vms:
  - name: lb
    count: 2
    vcpus: 2
    memoryGiB: 4
    workload: { cpu: { utilPct: 15, burstMs: 2, noiseCv: 0.2 }, io: { iops: 10, readPct: 30 } }
    network: { gbps: 0.1, packetBytes: 600, vhostNet: off, queues: 1 }
  - name: desk
    count: fill
    vcpus: 2
    memoryGiB: 4
    os: windows
    image: win
    workload:
      cpu: { utilPct: 25, burstMs: 10, vmCv: 0.5, noiseCv: 0.4 }
      memory: { activeGiB: 3, idleActiveGiB: 2, cacheGiBPerHour: 0.5, vmCv: 0.3, noiseCv: 0.2 }
      io: { iops: 12, readPct: 40 }
heartbeats:
  - { group: lb, interval: 1s, priority: 100 }
ksm: { enabled: true, tuned: true }
boots:
  maxPerHost: 4
  waves:
    - { kind: storm, at: "07:30", spread: 10 min, groups: [desk] }
    - { kind: rolling, at: "09:00", hostGroups: [local], interval: 2 min, down: 5 min }
cpuModel: { resolution: fleet, microWindows: 6, microWindow: 10s }
`;

async function fleet(): Promise<ModelScenario> {
  const parsed = await parseScenarioText(TEXT, 'chunks.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

function sameHistogram(a: Histogram, b: Histogram): void {
  expect(Array.from(a.counts)).toEqual(Array.from(b.counts));
  expect(a.count).toBe(b.count);
  expect(a.min).toBe(b.min);
  expect(a.max).toBe(b.max);
  expect(a.sum).toBeCloseTo(b.sum, 6);
}

function closeArrays(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b[i]!)));
}

describe('a replication in chunks equals the whole fleet in one', () => {
  it('per host, per VM and per device exactly; distributions bucket for bucket; sums to rounding', async () => {
    const s = await fleet();
    const p = place(s);
    const small = fleetChunks(s, p, 4);
    // The shared-datastore hosts form one component; the heartbeat pair another (spread: hosts 1 and 2).
    expect(small.length).toBeGreaterThanOrEqual(4);
    expect(small.some((c) => c.hosts.length >= 6 && c.datastores.includes('san'))).toBe(true);
    const whole = simulateReplication(s, p, 0, fleetChunks(s, p, 1000));
    const chunked = simulateReplication(s, p, 0, small);

    expect(Array.from(chunked.cpu.hostReadyPctMean)).toEqual(Array.from(whole.cpu.hostReadyPctMean));
    expect(Array.from(chunked.cpu.hostUtilPctMax)).toEqual(Array.from(whole.cpu.hostUtilPctMax));
    sameHistogram(chunked.cpu.readyPct, whole.cpu.readyPct);
    chunked.cpu.readyPctByGroup.forEach((h, g) => sameHistogram(h, whole.cpu.readyPctByGroup[g]!));
    sameHistogram(chunked.cpu.schedDelayMs, whole.cpu.schedDelayMs);
    closeArrays(chunked.cpu.timeline.readyPctWeighted, whole.cpu.timeline.readyPctWeighted);
    expect(chunked.cpu.micro.windows).toBe(whole.cpu.micro.windows);
    expect(chunked.cpu.micro.bursts).toBe(whole.cpu.micro.bursts);

    expect(Array.from(chunked.memory.hostBackedPeakPct)).toEqual(Array.from(whole.memory.hostBackedPeakPct));
    expect(Array.from(chunked.memory.hostKsmSavedMeanGiB)).toEqual(Array.from(whole.memory.hostKsmSavedMeanGiB));
    expect(Array.from(chunked.memory.hostSwapPeakGiB)).toEqual(Array.from(whole.memory.hostSwapPeakGiB));
    expect(Array.from(chunked.memory.vmSlowdownMax)).toEqual(Array.from(whole.memory.vmSlowdownMax));
    expect(chunked.memory.kills).toEqual(whole.memory.kills);
    expect(Array.from(chunked.memory.timeline.backedGiB)).toEqual(Array.from(whole.memory.timeline.backedGiB));

    expect(chunked.io.deviceNames).toEqual(whole.io.deviceNames);
    expect(Array.from(chunked.io.deviceUtilPctMax)).toEqual(Array.from(whole.io.deviceUtilPctMax));
    sameHistogram(chunked.io.bootSeconds, whole.io.bootSeconds);
    expect(chunked.io.boots).toBe(whole.io.boots);
    expect(chunked.io.firstRequestSeconds).toBe(whole.io.firstRequestSeconds);
    expect(chunked.io.lastDoneSeconds).toBe(whole.io.lastDoneSeconds);
    closeArrays(chunked.io.timeline.latencyIoSeconds, whole.io.timeline.latencyIoSeconds);

    closeArrays(chunked.threads.coreSeconds, whole.threads.coreSeconds);
    expect(Array.from(chunked.latency!.networkVms)).toEqual(Array.from(whole.latency!.networkVms));
    expect(Array.from(chunked.latency!.achievedGbpsSum)).toEqual(Array.from(whole.latency!.achievedGbpsSum));
    expect(chunked.latency!.heartbeats[0]!.sent).toBe(whole.latency!.heartbeats[0]!.sent);
    expect(chunked.latency!.heartbeats[0]!.lost).toBe(whole.latency!.heartbeats[0]!.lost);
    sameHistogram(chunked.latency!.heartbeats[0]!.delayMs, whole.latency!.heartbeats[0]!.delayMs);
    // The run did what the test means it to: boots, swap and micro windows happened.
    expect(whole.io.boots).toBeGreaterThan(100);
    expect(whole.cpu.micro.windows).toBeGreaterThan(0);
  }, 60_000);

  it('chunks follow the fleet: components stay whole, every host in exactly one chunk, in host order', async () => {
    const s = await fleet();
    const p = place(s);
    const chunks = fleetChunks(s, p, 4);
    const all = chunks.flatMap((c) => [...c.hosts]);
    expect(all.sort((a, b) => a - b)).toEqual(p.hosts.map((_, h) => h));
    const sharedHosts = p.hosts.flatMap((h, i) => (h.name.startsWith('shared') ? [i] : []));
    expect(chunks.filter((c) => sharedHosts.some((h) => c.hosts.includes(h))).length).toBe(1);
    const lbHosts = p.vms.filter((vm) => vm.name.startsWith('lb')).map((vm) => vm.host);
    expect(chunks.filter((c) => lbHosts.some((h) => c.hosts.includes(h))).length).toBe(1);
  });
});
