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
import { elapsed, fleetTotal, hasIo, memoryEvents, memoryOf, memoryPctSeries, type MemorySection as Memory } from '../../src/tui/report-sections.js';
import type { RunResult } from '../../src/tui/run-result.js';
import { presentSections } from '../../src/tui/sections.js';
import { apply, fixture, resultFor, stateWithResult } from './helpers.js';

const HOUR = 3600;
const MEMORY: Memory = {
  backedPeakPct: { worst: 120, mean: 95 },
  ksmSavedGiB: { mean: 15, max: 30 },
  swapPeakGiB: { mean: 1, max: 2 },
  oomKills: { total: 4, perHostMonth: 0.5 },
  oomRiskPerHostMonth: { estimate: 0.4, lower95: 0.1, upper95: 0.8 },
  kills: [
    { replication: 0, timeSeconds: 13 * HOUR, host: 'compute-1', vm: 'desktop-5', group: 'desktop' },
    { replication: 0, timeSeconds: 14 * HOUR, host: 'compute-1', vm: 'desktop-9', group: 'desktop' },
    { replication: 1, timeSeconds: 13 * HOUR, host: 'compute-1', vm: 'desktop-5', group: 'desktop' },
    { replication: 1, timeSeconds: 90 * 60, host: 'compute-1', vm: 'desktop-7', group: 'desktop' },
  ],
  byHost: [{ name: 'compute-1', totalGiB: 100, backedPeakPct: 120, swapPeakGiB: 2, ksmSavedMeanGiB: 30, kills: 4 }],
  timeline: {
    stepSeconds: 1800,
    hosts: [
      { name: 'compute-1', ramGiB: 100, backedGiB: [50, 120, 120, null], ksmSavedGiB: [0, 30, 30, null], swapGiB: [0, 1, 2, null] },
      { name: 'compute-2', ramGiB: 100, backedGiB: [50, 60, 70, 80], ksmSavedGiB: [0, 0, 10, 0], swapGiB: [0, 0, 0, 0] },
    ],
  },
};

const dist = (p95: number) => ({ mean: p95 / 2, p50: p95 / 3, p95, p99: p95 * 1.2, max: p95 * 1.5, ci95: null });

/** The fixture's real result with made-up memory, IO and boot sections. */
async function withSections(memory: Memory | undefined, ioBoot = true): Promise<RunResult> {
  const real = resultFor((await fixture()).scenario);
  const report = { ...real.report } as unknown as Record<string, unknown>;
  delete report.memory;
  delete report.io;
  delete report.boot;
  if (memory) report.memory = memory;
  if (ioBoot) {
    report.io = { devices: 10, utilPct: dist(88), latencyMs: dist(210), timeline: { stepSeconds: 1800, utilPctMax: [10, 90, 50, 20], latencyMsMean: [5, 200, 40, 8], bootsInFlight: [0, 6, 6, 0], bootsQueued: [0, 20, 4, 0] } };
    report.boot = { count: 300, unfinished: 2, maxPerHost: 6, seconds: dist(340), queuedSeconds: dist(120), stormMinutes: { mean: 35, max: 40 } };
  }
  return { ...real, report: report as unknown as Report };
}

describe('reading the sections', () => {
  it('computes memory % of RAM per step, before and after KSM, mean of hosts and fullest host', () => {
    const backed = memoryPctSeries(MEMORY, 'backed');
    expect(backed.mean).toEqual([50, 90, 95, 80]);
    expect(backed.max).toEqual([50, 120, 120, 80]);
    expect(memoryPctSeries(MEMORY, 'needed').mean).toEqual([50, 75, 75, 80]);
    expect(fleetTotal(MEMORY, (h) => h.swapGiB)).toEqual([0, 1, 2, 0]);
    expect(memoryPctSeries({}, 'backed')).toEqual({ mean: [], max: [] });
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
    expect(memoryEvents({} as Report)).toEqual([]);
  });

  it('shows a section tab only when the report has the section', async () => {
    const none = await withSections(undefined, false);
    expect(memoryOf(none.report)).toBeUndefined();
    expect(hasIo(none.report)).toBe(false);
    expect(presentSections(none.report).map((s) => s.id)).toEqual(['cpu', 'placement']);
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
    const calm = await withSections({ ...MEMORY, oomKills: { total: 0, perHostMonth: 0 }, kills: [] });
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
