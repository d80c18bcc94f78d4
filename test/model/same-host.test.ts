// The same-host path (`network.peer`, src/model/latency/paths.ts shareNicWithPeers; docs/latency.md).
// Traffic between two VMs on one host is forwarded tap to tap by the host's bridge and never
// reaches the NIC; it crosses both VMs' virtio paths. Field report 002 (../shared/seeds/002_*.txt)
// measured 25 Gbit/s between two VMs on one host through single queues, above its 10 GbE link.
// Expected values are capacity arithmetic at the cited defaults: one 64 KiB stream (TSO
// autosizing, one connection) needs 25e9 / 8 / 65536 = 47,684 segments/s; a vhost worker spends
// 2 µs on each, so 0.0954 cores per end.
import { describe, expect, it } from 'vitest';
import { LATENCY_DEFAULTS } from '../../src/model/latency/spec.js';
import { runStudy, type StudyResult } from '../../src/model/run.js';
import type { ModelScenario } from '../../src/model/scenario.js';
import { parseScenarioText } from '../../src/scenarios/load.js';
import { hostGroup, scenario, vmGroup } from './helpers.js';

type Net = NonNullable<ModelScenario['vms'][number]['network']>;
const net = (gbps: number, extra: Partial<Net> = {}): Net => ({ gbps, packetBytes: 1500, vhostNet: true, queues: 1, offloads: true, segmentBytes: null, connections: 1, pinned: false, ...extra });

/** A client streaming 25 Gbit/s to a server, plus an external VM at 10 Gbit/s, on `hosts` hosts of 16 cores. */
function build(hosts: number, clientNet: Partial<Net>, serverNet: Partial<Net> = {}): ModelScenario {
  const client = vmGroup('client', 1, 4, 2);
  client.workload.cpu.utilPct = 10;
  client.network = net(25, clientNet);
  const server = vmGroup('server', 1, 4, 2);
  server.workload.cpu.utilPct = 10;
  // A bridge forwards the sender's 64 KiB GSO segments to the other tap whole, so the server
  // handles them at that size (the model counts each VM's segments at its own segmentBytes).
  server.network = net(0, { segmentBytes: 65_536, ...serverNet });
  const ext = vmGroup('ext', 1, 4, 2);
  ext.workload.cpu.utilPct = 10;
  ext.network = net(10);
  return {
    ...scenario({ hosts: [hostGroup('h', hosts, 16, 64)], vms: [client, server, ext], placement: hosts > 1 ? 'spread' : 'pack' }),
    cpuModel: { resolution: 'fleet', microBudgetBursts: 0, microWindows: 0, microWindowSeconds: 1 },
    latency: { hostThreads: { costs: { ...LATENCY_DEFAULTS.costs }, nicGbps: 10, daemons: [] }, heartbeats: [], heartbeatWindows: 0 },
  };
}

const vm = (r: StudyResult, name: string) => r.latency.network.vms.find((v) => v.name === name)!;
const SEGMENTS = 25e9 / 8 / 65_536;

describe('the same-host path', () => {
  it('a peer on the same host: 25 Gbit/s through the bridge, the NIC left to the external VM, both ends charged', () => {
    const r = runStudy(build(1, { peer: 'server-1' }));
    expect(vm(r, 'client-1').achievedGbps).toBeCloseTo(25, 9);
    expect(vm(r, 'client-1').bottleneck).toBe('none');
    // The server's path carries the same stream: its demand and achieved rate are the client's.
    expect(vm(r, 'server-1').demandGbps).toBeCloseTo(25, 9);
    expect(vm(r, 'server-1').achievedGbps).toBeCloseTo(25, 9);
    // The NIC carries only the external VM's 10 Gbit/s, in full.
    expect(vm(r, 'ext-1').achievedGbps).toBeCloseTo(10, 9);
    // vhost CPU: both ends' workers, 2 × 47,684 segments/s × 2 µs, plus ext's 10 Gbit/s of 64 KiB segments.
    const ext = (10e9 / 8 / 65_536) * 2e-6;
    expect(r.latency.hostThreads.coresPerHost.vhost).toBeCloseTo(2 * SEGMENTS * 2e-6 + ext, 9);
  });

  it('without a peer, or with the peer on another host, the stream shares the 10 GbE NIC', () => {
    const alone = runStudy(build(1, {}));
    // Max-min: client and ext share 10 Gbit/s, 5 each.
    expect(vm(alone, 'client-1').achievedGbps).toBeCloseTo(5, 9);
    expect(vm(alone, 'client-1').bottleneck).toBe('nic');
    const apart = runStudy(build(3, { peer: 'server' }));
    // Spread over three hosts: each VM alone on its host; the client's stream leaves through its NIC.
    expect(new Set(apart.placement.vms.map((v) => v.host)).size).toBe(3);
    expect(vm(apart, 'client-1').achievedGbps).toBeCloseTo(10, 9);
    expect(vm(apart, 'server-1').demandGbps).toBe(0);
  });

  it('the slower end binds: a receiver without offloads handles 1500-byte frames at one vCPU’s 100k/s', () => {
    const r = runStudy(build(1, { peer: 'server-1' }, { offloads: false }));
    // Server: 25 Gbit/s arrive as 2.08M frames/s; its queue's vCPU softirq takes 10 µs each, so
    // 100k frames/s = 1.2 Gbit/s. The client's stream moves no faster.
    expect(vm(r, 'server-1').achievedGbps).toBeCloseTo(1.2, 9);
    expect(vm(r, 'server-1').bottleneck).toBe('guestSoftirq');
    expect(vm(r, 'client-1').achievedGbps).toBeCloseTo(1.2, 9);
    expect(vm(r, 'client-1').bottleneck).toBe('guestSoftirq');
  });

  it('peerShare: only that share skips the NIC', () => {
    // Half of the client's 25 Gbit/s goes to the server on the host; the other 12.5 and ext's 10
    // share the NIC max-min: 5 each. The client gets 12.5 + 5 = 17.5.
    const r = runStudy(build(1, { peer: 'server-1', peerShare: 0.5 }));
    expect(vm(r, 'client-1').achievedGbps).toBeCloseTo(17.5, 9);
    expect(vm(r, 'ext-1').achievedGbps).toBeCloseTo(5, 9);
  });

  it('a peer that names no VM or group is refused at the field', async () => {
    const text = `
name: t
hosts: [{ name: h, count: 1, cpu: { cores: 8, reservedCores: 0 }, memory: { totalGiB: 64, reservedGiB: 0 } }]
vms:
  - { name: app, count: 2, vcpus: 2, memoryGiB: 4, workload: { cpu: { utilPct: 10 } }, network: { gbps: 1, peer: app-3 } }
`;
    const parsed = await parseScenarioText(text, 't.yaml');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => i.message).join('\n')).toMatch(/no VM or group named 'app-3'/);
  });
});
