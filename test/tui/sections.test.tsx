/**
 * The memory and IO/boot sections, with hand-made report data: the UI reads these sections
 * structurally, so they are tested apart from whatever the models produce today.
 */
import { renderToString } from 'ink';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import HostDetailView from '../../src/tui/components/HostDetailView.js';
import IoSection from '../../src/tui/components/IoSection.js';
import MemorySection from '../../src/tui/components/MemorySection.js';
import NetworkSection from '../../src/tui/components/NetworkSection.js';
import {
  bottleneckText,
  elapsed,
  fleetTotal,
  groupShort,
  hasIo,
  hasLatency,
  latencyEvents,
  memoryEvents,
  memoryOf,
  memoryPctSeries,
  networkGroups,
  type MemorySection as Memory,
} from '../../src/tui/report-sections.js';
import type { RunResult } from '../../src/tui/run-result.js';
import { bindingSection, presentSections } from '../../src/tui/sections.js';
import { apply, fixture, KEEPALIVED_FILE, resultFor, stateWithResult } from './helpers.js';

const HOUR = 3600;
const KILL = { neededGiB: 130, capacityGiB: 128 };
const MEMORY: Memory = {
  backedPeakPct: { worst: 120, mean: 95 },
  neededPeakPct: { worst: 100, mean: 80 },
  ksmSavedGiB: { mean: 15, max: 30 },
  ksmConvergeMinutes: null,
  swapPeakGiB: { mean: 1, max: 2, upper95: 2 },
  oomKills: { total: 4, perReplication: 2, perHostMonth: 0.5 },
  oomRiskPerHostMonth: { estimate: 0.4, lower95: 0.1, upper95: 0.8, hostMonths: 3, trials: 4, hostsWithKill: 2, method: 'mc', ess: null, hits: null, shift: null, extrapolated: false, fixedHeadroomGiB: null, tailExceedances: null, crossCheck: null, stoppedEarly: null },
  oomRiskPerHostRun: { estimate: 0.5, lower95: 0.15, upper95: 0.85, runDays: 1 },
  kills: [
    { replication: 0, timeSeconds: 13 * HOUR, host: 'compute-1', vm: 'desktop-5', group: 'desktop', ...KILL },
    { replication: 0, timeSeconds: 14 * HOUR, host: 'compute-1', vm: 'desktop-9', group: 'desktop', ...KILL },
    { replication: 1, timeSeconds: 13 * HOUR, host: 'compute-1', vm: 'desktop-5', group: 'desktop', ...KILL },
    { replication: 1, timeSeconds: 90 * 60, host: 'compute-1', vm: 'desktop-7', group: 'desktop', ...KILL },
  ],
  slowVms: [],
  swapStallHostMinutes: 0,
  ksmdCoresMean: 0.1,
  byHost: [{ name: 'compute-1', totalGiB: 100, backedPeakPct: 120, neededPeakPct: 100, swapPeakGiB: 2, ksmSavedMeanGiB: 30, kills: 4 }],
  timeline: {
    stepSeconds: 1800,
    hosts: [
      { name: 'compute-1', ramGiB: 100, backedGiB: [50, 120, 120, null], ksmSavedGiB: [0, 30, 30, null], swapGiB: [0, 1, 2, null] },
      { name: 'compute-2', ramGiB: 100, backedGiB: [50, 60, 70, 80], ksmSavedGiB: [0, 0, 10, 0], swapGiB: [0, 0, 0, 0] },
    ],
  },
};

const dist = (p95: number) => ({ mean: p95 / 2, p50: p95 / 3, p95, p99: p95 * 1.2, max: p95 * 1.5, ci95: null });

/** The fixture's real result with made-up memory, IO and boot sections (none: no disks, no boots). */
async function withSections(memory: Memory | undefined, ioBoot = true): Promise<RunResult> {
  const real = await resultFor((await fixture()).scenario);
  const report: Report = { ...real.report, memory: memory ?? real.report.memory };
  if (ioBoot) {
    report.io = { ...real.report.io, devices: 10, utilPct: dist(88), latencyMs: dist(210), timeline: { stepSeconds: 1800, utilPctMax: [10, 90, 50, 20], latencyMsMean: [5, 200, 40, 8], bootsInFlight: [0, 6, 6, 0], bootsQueued: [0, 20, 4, 0] } };
    report.boot = { ...real.report.boot, count: 300, unfinished: 2, maxPerHost: 6, seconds: dist(340), queuedSeconds: dist(120), stormMinutes: { mean: 35, max: 40 } };
  } else {
    report.io = { ...real.report.io, devices: 0 };
    report.boot = { ...real.report.boot, count: 0 };
  }
  return { ...real, report };
}

describe('reading the sections', () => {
  it('computes memory % of RAM per step, before and after KSM, mean of hosts and fullest host', () => {
    const backed = memoryPctSeries(MEMORY, 'backed');
    expect(backed.mean).toEqual([50, 90, 95, 80]);
    expect(backed.max).toEqual([50, 120, 120, 80]);
    expect(memoryPctSeries(MEMORY, 'needed').mean).toEqual([50, 75, 75, 80]);
    expect(fleetTotal(MEMORY, (h) => h.swapGiB)).toEqual([0, 1, 2, 0]);
    expect(memoryPctSeries({ ...MEMORY, timeline: { stepSeconds: 1800, hosts: [] } }, 'backed')).toEqual({ mean: [], max: [] });
  });

  it('turns OOM kills into event lines, the first three and a count', () => {
    expect(elapsed(13 * HOUR)).toBe('13.0 h');
    expect(elapsed(90 * 60)).toBe('90 min');
    const fake = { memory: MEMORY } as unknown as Report;
    expect(memoryEvents(fake)).toEqual([
      'OOM kill: desktop-5 on compute-1 at 13.0 h (replication 1)',
      'OOM kill: desktop-9 on compute-1 at 14.0 h (replication 1)',
      'OOM kill: desktop-5 on compute-1 at 13.0 h (replication 2)',
      '… 1 more OOM kills in this run',
    ]);
    expect(memoryEvents({ memory: { ...MEMORY, kills: [] } } as unknown as Report)).toEqual([]);
  });

  it('shows the IO tab only when the run had disks or boots', async () => {
    const none = await withSections(undefined, false);
    expect(memoryOf(none.report)).toBe(none.report.memory);
    expect(hasIo(none.report)).toBe(false);
    expect(presentSections(none.report).map((s) => s.id)).toEqual(['cpu', 'memory', 'placement']);
    const all = await withSections(MEMORY);
    expect(presentSections(all.report).map((s) => s.id)).toEqual(['cpu', 'memory', 'io', 'placement']);
  });
});

describe('MemorySection', () => {
  it('shows OOM kills and risk, peaks, the kills, and memory against RAM over the run', async () => {
    const current = await withSections(MEMORY);
    const out = renderToString(<MemorySection current={current} baseline={null} width={100} height={24} chart={0} />, { columns: 100 });
    expect(out).toContain('✗ 4 OOM kills · OOM risk per host-month 0.40 (95 % 0.10–0.80)');
    expect(out).toContain('backed peak 120.0 % of RAM (fullest host), mean 95.00 %');
    expect(out).toContain('kills: desktop-5@compute-1 13.0 h · desktop-9@compute-1 14.0 h · … (event log)');
    expect(out).toContain('memory % of RAM, mean of hosts (█ after KSM • backed before KSM ╌ RAM)');
    expect(out).toContain('╌');
    expect(out).toContain('fleet GiB: KSM saved (█) · in swap (•)');
  });

  it('says when nothing was killed, and compares with a baseline', async () => {
    const calm = await withSections({ ...MEMORY, oomKills: { total: 0, perReplication: 0, perHostMonth: 0 }, kills: [] });
    const out = renderToString(<MemorySection current={await withSections(MEMORY)} baseline={calm} width={100} height={12} chart={0} />, { columns: 100 });
    expect(out).toContain('base 0.40, 0 kills');
    expect(out).toContain('(█ now · baseline ╌ RAM) (1/2, j/k)');
    expect(renderToString(<MemorySection current={calm} baseline={null} width={100} height={12} chart={1} />, { columns: 100 })).toContain('✓ no OOM kills');
  });

  it('adds the host’s memory, with its own chart, to the host view', async () => {
    let state = await stateWithResult();
    state = { ...state, current: { ...state.current!, result: await withSections(MEMORY) } };
    state = apply(state, { type: 'focus', delta: 2 }, { type: 'sort', delta: 3 }, { type: 'activate' });
    expect(state.detail).toBe('compute-1');
    const out = renderToString(<HostDetailView state={state} width={110} height={34} />, { columns: 110 });
    expect(out).toContain('memory: backed peak 120.0 % of 100 GiB · swap peak 2.00 GiB · KSM saved 30.00 GiB · ✗ 4 OOM kills');
    expect(out).toContain('compute-1: memory % of RAM (█ after KSM • backed before KSM ╌ RAM)');
    expect(out).not.toContain('fleet-wide timelines only');
  });

  it('puts the kills of a finished run in the event log as problems', async () => {
    const state = apply(await stateWithResult(), { type: 'rerun' }, { type: 'run', event: { type: 'done', id: 2, result: await withSections(MEMORY), totalMs: 10 } });
    const kills = state.log.filter((e) => e.text.startsWith('OOM kill'));
    expect(kills).toHaveLength(3);
    expect(kills.every((e) => e.kind === 'error')).toBe(true);
  });
});

describe('IoSection', () => {
  it('shows boots against the admission limit, disk load and the boot and latency timelines', async () => {
    const current = await withSections(MEMORY);
    const out = renderToString(<IoSection current={current} baseline={current} width={130} height={20} chart={0} />, { columns: 130 });
    expect(out).toContain('boots 300 (! 2 unfinished) · boot p95 340.0 s (base 340.0) · waited p95 120.0 s · limit 6 per host · storm 40.00 min');
    expect(out).toContain('disks: 10 devices · utilisation p95 88.00 % · latency p95 210.0 ms');
    expect(out).toContain('boots in flight (█) · waiting for admission (•)');
    expect(out).toContain('IO latency ms, mean (█ now · baseline)');
  });
});

// ---- the latency paths: host threads, network paths, heartbeats ----

const kinds = (qemu: number, vhost: number, ksmd = 0) => ({ qemu, vhost, iothread: 0, ksmd, daemons: 0 });
const LATENCY = {
  hostThreads: { cpuPct: kinds(8.5, 0.2), coresPerHost: kinds(1.36, 0.03), maxThreadPct: kinds(99.99, 4) },
  network: {
    nicGbps: 10,
    vms: [
      { name: 'lb-1', group: 'lb', host: 'compute-1', demandGbps: 0.1, achievedGbps: 0.1, bottleneck: 'none' },
      { name: 'lb-2', group: 'lb', host: 'compute-2', demandGbps: 0.1, achievedGbps: 0.1, bottleneck: 'none' },
      { name: 'busy-1', group: 'busy', host: 'compute-1', demandGbps: 0.5, achievedGbps: 0.3, bottleneck: 'qemu' },
      { name: 'busy-2', group: 'busy', host: 'compute-2', demandGbps: 0.5, achievedGbps: 0.32, bottleneck: 'qemu' },
      { name: 'busy-3', group: 'busy', host: 'compute-1', demandGbps: 0.5, achievedGbps: 0.34, bottleneck: 'nic' },
    ],
  },
  heartbeats: [
    {
      name: 'lb',
      master: 'lb-1',
      backup: 'lb-2',
      intervalMs: 1000,
      masterDownMs: 3609.38,
      gapMs: { mean: 1000.4, p50: 1003.5, p95: 1003.5, p99: 1003.55, max: 6000, ci95: null },
      delayMs: { mean: 0.35, p50: 0, p95: 2.5, p99: 2.7, max: 9.1, ci95: null },
      sent: 864000,
      lost: 327,
      failoversPerDay: 1.4,
      flapsPerDay: 1.4,
      ci95: { failoversPerDay: [0, 3.6163], flapsPerDay: [0, 3.6163] },
      days: 10,
    },
  ],
  slos: [{ name: 'flapsPerDay', metric: 'heartbeat flaps per day', unit: '/day', limit: 0.1, value: 1.4, upper95: 3.6163, pass: false }],
};
/** The calm variant (vhost_net on): gaps under the master-down interval, no flaps, no bottleneck. */
const CALM = {
  ...LATENCY,
  hostThreads: { cpuPct: kinds(0.4, 2.5), coresPerHost: kinds(0.06, 0.4), maxThreadPct: kinds(20, 30) },
  network: { nicGbps: 10, vms: LATENCY.network.vms.map((v) => ({ ...v, achievedGbps: v.demandGbps, bottleneck: 'none' })) },
  heartbeats: [{ ...LATENCY.heartbeats[0]!, gapMs: { ...LATENCY.heartbeats[0]!.gapMs, max: 1010 }, lost: 0, failoversPerDay: 0, flapsPerDay: 0, ci95: { failoversPerDay: [0, 0.37], flapsPerDay: [0, 0.37] } }],
  slos: [{ ...LATENCY.slos[0]!, value: 0, pass: true }],
};

/** The fixture's real result with made-up latency sections (no memory, IO or boots). */
async function withLatency(latency: object): Promise<RunResult> {
  const base = await withSections(undefined, false);
  return { ...base, report: { ...base.report, ...latency } as unknown as Report };
}

describe('reading the latency sections', () => {
  it('shows the Network tab for network VMs, heartbeats or device threads, not for ksmd alone', async () => {
    expect(presentSections((await withLatency(LATENCY)).report).map((s) => s.id)).toEqual(['cpu', 'memory', 'network', 'placement']);
    const ksmdOnly = { hostThreads: { cpuPct: kinds(0, 0, 0.5) }, network: { nicGbps: null, vms: [] }, heartbeats: [] };
    expect(hasLatency((await withLatency(ksmdOnly)).report)).toBe(false);
    expect(hasLatency((await withLatency({ ...ksmdOnly, heartbeats: LATENCY.heartbeats })).report)).toBe(true);
    expect(hasLatency((await withLatency({ ...ksmdOnly, hostThreads: { cpuPct: kinds(0.1, 0) } })).report)).toBe(true);
  });

  it('sums network VMs up per group with what held them back', async () => {
    const groups = networkGroups((await withLatency(LATENCY)).report);
    expect(groups.map((g) => [g.group, g.vms, g.demandGbps, g.achievedGbps])).toEqual([
      ['lb', 2, 0.1, 0.1],
      ['busy', 3, 0.5, expect.closeTo(0.32, 10)],
    ]);
    expect(groups.map(bottleneckText)).toEqual(['none', 'qemu 2, nic 1']);
    expect(bottleneckText({ ...groups[1]!, bottlenecks: [['qemu', 3]] })).toBe('qemu');
    // A bottleneck that costs under 1 % of the group's demand is named but not a problem.
    const nearly = { ...groups[0]!, achievedGbps: 0.0995, bottlenecks: [['guestSoftirq', 1]] as [string, number][] };
    expect(groupShort(nearly)).toBe(false);
    expect(groupShort(groups[1]!)).toBe(true);
  });

  it('logs flaps and failovers per heartbeat and held-back network groups, nothing when calm', async () => {
    expect(latencyEvents((await withLatency(LATENCY)).report)).toEqual([
      '1.40 flaps/day on lb (heartbeat lb-1 → lb-2, 95 % 0–3.62) · 1.40 failovers/day · gap max 6000 ms > master-down 3609 ms',
      'network busy: 0.32 of 0.50 Gbit/s per VM (bottleneck qemu 2, nic 1)',
    ]);
    const failoverOnly = { ...CALM, heartbeats: [{ ...CALM.heartbeats[0]!, failoversPerDay: 0.5 }] };
    expect(latencyEvents((await withLatency(failoverOnly)).report)).toEqual(['0.50 failovers/day on lb (heartbeat lb-1 → lb-2, 95 % 0–0.37), no flaps · gap max 1010 ms ≤ master-down 3609 ms']);
    expect(latencyEvents((await withLatency(CALM)).report)).toEqual([]);
  });

  it('puts the flaps of a finished run in the event log as problems', async () => {
    const state = apply(await stateWithResult(), { type: 'rerun' }, { type: 'run', event: { type: 'done', id: 2, result: await withLatency(LATENCY), totalMs: 10 } });
    const lines = state.log.filter((e) => e.text.includes('flaps/day on lb') || e.text.startsWith('network busy'));
    expect(lines).toHaveLength(2);
    expect(lines.every((e) => e.kind === 'error')).toBe(true);
  });
});

describe('NetworkSection', () => {
  it('draws heartbeat gaps against the master-down interval, bandwidth against demand, and host threads', async () => {
    const out = renderToString(<NetworkSection current={await withLatency(LATENCY)} baseline={null} width={110} height={20} chart={0} />, { columns: 110 });
    expect(out).toContain('heartbeats: gaps between adverts at the backup (█ gap ┃ master-down)');
    expect(out).toContain('lb: lb-1 → lb-2 · advert every 1000 ms · ┃ master-down 3609 ms · scale 0–8000 ms');
    const line = (start: string): string => out.split('\n').find((l) => l.startsWith(start)) ?? '';
    // p99 under the limit mark, max through it: bars, values with units, and the verdict in words.
    expect(line(' gap p99')).toMatch(/^ gap p99 █+[▏▎▍▌▋▊▉]? +┃ +1004 ms ✓ below$/);
    expect(line(' gap max')).toMatch(/^ gap max █+┃█+[▏▎▍▌▋▊▉]? +6000 ms ✗ takeover$/);
    expect(out).toContain('✗ flaps 1.40/day (95 % 0–3.62) > SLO 0.10 · failovers 1.40/day (0–3.62) · lost 327/864000 adverts');
    expect(out).toContain('network per VM, mean (█ achieved ┃ demand) · scale 0–0.50 Gbit/s · NIC 10.00 Gbit/s');
    expect(line(' lb ×2')).toContain('0.10 of 0.10 Gbit/s (100 %) ✓ no bottleneck');
    expect(line(' busy ×3')).toMatch(/┃ +0\.32 of 0\.50 Gbit\/s \(64 %\) ✗ bottleneck qemu 2, nic 1$/);
    expect(line(' qemu')).toContain('8.50 % · 1.36 cores/host · busiest 99.99 % of a core ✗ saturated');
    expect(line(' vhost')).toContain('0.20 % · 0.03 cores/host · busiest 4.00 % of a core');
    expect(out).not.toContain(' ksmd');
  });

  it('shows the baseline beside the numbers when comparing, and one block at a time when short', async () => {
    const current = await withLatency(CALM);
    const baseline = await withLatency(LATENCY);
    const out = renderToString(<NetworkSection current={current} baseline={baseline} width={130} height={20} chart={0} />, { columns: 130 });
    expect(out).toMatch(/ gap max .* 1010 ms ✓ below base 6000 ms/);
    expect(out).toContain('✓ flaps 0/day (95 % 0–0.37) ≤ SLO 0.10');
    expect(out).toContain('base 1.40 flaps/day');
    expect(out).toMatch(/busy ×3 .*0\.50 of 0\.50 Gbit\/s \(100 %\) ✓ no bottleneck base 0\.32$/m);
    expect(out).toMatch(/qemu .*0\.40 % .* base 8\.50 %/);
    const short = (chart: number) => renderToString(<NetworkSection current={current} baseline={null} width={100} height={6} chart={chart} />, { columns: 100 });
    expect(short(0)).toContain('(1/3, j/k)');
    expect(short(0)).toContain('master-down 3609 ms');
    expect(short(1)).toContain('network per VM, mean (█ achieved ┃ demand) · scale 0–0.50 Gbit/s · NIC 10.00 Gbit/s (2/3, j/k)');
    expect(short(2)).toContain('host threads: CPU % of all pCPUs (█)');
  });

  it('draws the keepalived fixture’s real report', async () => {
    const f = await fixture(KEEPALIVED_FILE, []);
    const current = await resultFor(f.scenario);
    expect(presentSections(current.report).map((s) => s.id)).toContain('network');
    const out = renderToString(<NetworkSection current={current} baseline={null} width={110} height={20} chart={0} />, { columns: 110 });
    expect(out).toContain('lb: lb-1 → lb-2 · advert every 1000 ms · ┃ master-down 3609 ms');
    expect(out).toMatch(/ gap p99 .* ms ✓ below/);
    expect(out).toMatch(/busy ×6 .* Gbit\/s \(\d+ %\) ✗ bottleneck qemu/);
    expect(out).toMatch(/ qemu .* % · .* cores\/host/);
  });
});

describe('the tab a run opens on', () => {
  const slo = (name: string, status: 'pass' | 'fail' | 'not-demonstrated', upper95: number, limit: number, implicit = false) => ({ name, metric: '', unit: '', limit, value: upper95, upper95, status, implicit });

  it('is the binding SLO’s: the worst status, then the least headroom', async () => {
    const base = await withSections(MEMORY);
    const withSlos = (slos: ReturnType<typeof slo>[]) => ({ ...base.report, slos }) as Report;
    expect(bindingSection(withSlos([slo('unplacedVms', 'pass', 0, 0, true), slo('cpuReadyPctP95', 'pass', 0, 5), slo('bootSecondsP95', 'fail', 1300, 1200)]))).toBe('io');
    expect(bindingSection(withSlos([slo('cpuReadyPctP95', 'pass', 4, 5), slo('oomRiskPerHostMonth', 'pass', 0.001, 0.01)]))).toBe('cpu');
    expect(bindingSection(withSlos([slo('cpuReadyPctP95', 'pass', 1, 5), slo('oomRiskPerHostMonth', 'not-demonstrated', 0.5, 0.01)]))).toBe('memory');
    expect(bindingSection(withSlos([slo('unplacedVms', 'fail', 3, 0, true)]))).toBe('placement');
  });
});
