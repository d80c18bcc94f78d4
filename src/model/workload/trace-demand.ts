/**
 * Trace-driven demand: each VM of a trace-driven group replays a measured series, resampled to the
 * simulation step by the scenario layer (src/scenarios/traces/), instead of the parametric draw of
 * ./cpu-demand.ts.
 *
 * Two ways to map M measured traces onto the N VMs of a group (TraceWorkload.mapping):
 * - `byId`: VM k of the group replays trace k. All traces sit on one clock (the trace's own,
 *   UTC for absolute timestamps), so correlations between VMs survive. Simulated time 0 is the
 *   first trace time at or after `earliest start + offsetSeconds` whose hour of day is the
 *   scenario's `startHour`. Before its own trace starts or after it ends a VM has no measured
 *   demand (utilisation 0, the VM did not exist then); beyond the end of the common span the
 *   timeline wraps around, in whole days when the span is a day or longer.
 * - `bootstrap`: every VM draws one trace (uniformly, with replacement) and then, for every block
 *   of `blockSeconds` of simulated time (a day by default), one complete block of that trace
 *   (uniformly, with replacement), read at the simulated time of day. Daily patterns survive;
 *   N VMs come from M traces; each replication draws anew from its own seeded streams.
 * Either way an optional shift, uniform in ±maxShiftSeconds (whole steps, drawn per VM and
 * replication), moves each VM along its trace so VMs replaying the same trace do not peak in
 * lockstep.
 *
 * `fill(k, out)` writes every trace-driven VM's uncontended CPU utilisation (0..1; measured values
 * above 100 % are capped, as in the parametric field) for step k; `fillMetric` does the same for
 * any other measured series (memory, disk, network), for the models that consume them. Both run
 * once per step for the fleet, so they do no allocation: the per-VM state is in typed arrays.
 */
import type { Placement } from '../placement.js';
import type { StreamFactory } from '../random/streams.js';
import type { ModelScenario } from '../scenario.js';

/** Measured series a trace may carry, with the unit of each stored value. */
export const TRACE_METRICS = [
  'cpuPct',
  'memoryPct',
  'memoryUsedGiB',
  'diskReadKBps',
  'diskWriteKBps',
  'diskReadIops',
  'diskWriteIops',
  'diskBusyPct',
  'netRxKBps',
  'netTxKBps',
  'netRxNormPerS',
  'netTxNormPerS',
] as const;
export type TraceMetric = (typeof TRACE_METRICS)[number];

export const TRACE_METRIC_INFO: Record<TraceMetric, { unit: string; description: string }> = {
  cpuPct: { unit: '%', description: 'CPU used, percent of the VM’s provisioned CPU (100 = every vCPU busy); may exceed 100 as measured' },
  memoryPct: { unit: '%', description: 'memory in use, percent of the memory provisioned at that time' },
  memoryUsedGiB: { unit: 'GiB', description: 'memory in use' },
  diskReadKBps: { unit: 'KiB/s', description: 'disk read throughput' },
  diskWriteKBps: { unit: 'KiB/s', description: 'disk write throughput' },
  diskReadIops: { unit: '1/s', description: 'disk read operations per second' },
  diskWriteIops: { unit: '1/s', description: 'disk write operations per second' },
  diskBusyPct: { unit: '%', description: 'share of time the disk was busy' },
  netRxKBps: { unit: 'KiB/s', description: 'network received' },
  netTxKBps: { unit: 'KiB/s', description: 'network transmitted' },
  netRxNormPerS: { unit: 'normalised/s', description: 'network in, normalised units per second (Alibaba 2018 counters differenced)' },
  netTxNormPerS: { unit: 'normalised/s', description: 'network out, normalised units per second (Alibaba 2018 counters differenced)' },
};

/** One measured entity (a VM, or a host measured as a whole), on the simulation's step grid. */
export interface TraceSeries {
  id: string;
  /** Start of step 0 in seconds on the trace clock (Unix time, or the trace's own origin for relative timestamps); a multiple of the step. */
  startSeconds: number;
  steps: number;
  /** Provisioned size where the trace says it (largest seen). */
  vcpus?: number | undefined;
  memoryGiB?: number | undefined;
  /** One value per step for each metric present; gaps already filled. */
  series: Partial<Record<TraceMetric, Float32Array>>;
}

export type TraceMapping = 'byId' | 'bootstrap';

export interface TraceWorkload {
  /** Where the traces came from, for reports. */
  label: string;
  /** The traces the group draws from, resampled to `stepSeconds` (filled by the scenario loader). */
  traces: TraceSeries[];
  stepSeconds: number;
  mapping: TraceMapping;
  /** Bootstrap block length (a day by default), a multiple of the step. */
  blockSeconds: number;
  /** Largest per-VM shift along the trace, either way. */
  maxShiftSeconds: number;
  /** byId: how far into the traces simulated time 0 lies (before aligning to startHour). */
  offsetSeconds: number;
}

const DAY = 86_400;

/** One trace-driven VM: where its value goes in the fleet's demand array. */
export interface TraceVm {
  name: string;
  /** Index into the output arrays given to fill. */
  slot: number;
  /** 0-based index of the VM within its group (VM `<group>-<k+1>`). */
  indexInGroup: number;
  workload: TraceWorkload;
}

export class TraceDemandField {
  readonly size: number;
  private readonly stepSeconds: number;
  private readonly startSeconds: number;
  private readonly slots: Int32Array;
  /** Per VM: 0 = byId, 1 = bootstrap. */
  private readonly bootstrap: Uint8Array;
  /** byId: trace index of simulated step 0 (may be negative or beyond the trace); period of the wrap in steps. */
  private readonly base: Int32Array;
  private readonly period: Int32Array;
  /** bootstrap: block length in steps, and the first block index of the VM's choices in `blockStart`. */
  private readonly blockSteps: Int32Array;
  private readonly blockFrom: Int32Array;
  /** bootstrap: trace index where each chosen block starts, per VM and simulated block. */
  private readonly blockStart: Int32Array;
  private readonly shift: Int32Array;
  private readonly lengths: Int32Array;
  private readonly traces: TraceSeries[];
  private readonly cpu: Float32Array[];

  /** The field for a fleet's trace-driven VMs, or undefined when no group is trace-driven. */
  static forFleet(scenario: ModelScenario, placement: Placement, order: Int32Array, streams: StreamFactory): TraceDemandField | undefined {
    if (!scenario.vms.some((g) => g.workload.trace !== undefined)) return undefined;
    const slotOf = new Int32Array(placement.vms.length);
    for (let j = 0; j < order.length; j++) if (order[j]! >= 0) slotOf[order[j]!] = j; // −1: a host-thread slot
    const vms: TraceVm[] = [];
    placement.vms.forEach((vm, v) => {
      const workload = scenario.vms[vm.group]!.workload.trace;
      if (workload) vms.push({ name: vm.name, slot: slotOf[v]!, indexInGroup: vm.index, workload });
    });
    return new TraceDemandField(vms, scenario.stepSeconds, scenario.startHour, Math.max(1, Math.round(scenario.durationSeconds / scenario.stepSeconds)), streams);
  }

  constructor(vms: readonly TraceVm[], stepSeconds: number, startHour: number, steps: number, streams: StreamFactory) {
    const n = vms.length;
    this.size = n;
    this.stepSeconds = stepSeconds;
    this.startSeconds = startHour * 3600;
    this.slots = new Int32Array(n);
    this.bootstrap = new Uint8Array(n);
    this.base = new Int32Array(n);
    this.period = new Int32Array(n);
    this.blockSteps = new Int32Array(n);
    this.blockFrom = new Int32Array(n);
    this.shift = new Int32Array(n);
    this.lengths = new Int32Array(n);
    this.traces = [];
    this.cpu = [];
    const starts: number[] = [];
    const byIdOrigin = new Map<TraceWorkload, { origin: number; periodSteps: number }>();

    vms.forEach((vm, i) => {
      const w = vm.workload;
      if (w.traces.length === 0) throw new RangeError(`VM ${vm.name}: the trace workload '${w.label}' holds no traces (the scenario loader fills them)`);
      if (w.stepSeconds !== stepSeconds) throw new RangeError(`VM ${vm.name}: traces are at a ${w.stepSeconds} s step, the simulation at ${stepSeconds} s`);
      this.slots[i] = vm.slot;
      const maxShift = Math.floor(w.maxShiftSeconds / stepSeconds);
      if (maxShift > 0) this.shift[i] = Math.floor(streams.stream(`vm:${vm.name}`, 'trace-shift')() * (2 * maxShift + 1)) - maxShift;
      let trace: TraceSeries;
      if (w.mapping === 'byId') {
        trace = w.traces[vm.indexInGroup % w.traces.length]!;
        let timeline = byIdOrigin.get(w);
        if (!timeline) {
          timeline = byIdTimeline(w, stepSeconds, startHour);
          byIdOrigin.set(w, timeline);
        }
        this.base[i] = Math.round((timeline.origin - trace.startSeconds) / stepSeconds);
        this.period[i] = timeline.periodSteps;
      } else {
        this.bootstrap[i] = 1;
        const rng = streams.stream(`vm:${vm.name}`, 'trace-bootstrap');
        const usable = w.traces.filter((t) => completeBlocks(t, w.blockSeconds, stepSeconds).count > 0);
        if (usable.length === 0) throw new RangeError(`VM ${vm.name}: no trace in '${w.label}' holds a complete ${w.blockSeconds / 3600} h block`);
        trace = usable[Math.floor(rng() * usable.length)]!;
        const blocks = completeBlocks(trace, w.blockSeconds, stepSeconds);
        const bs = Math.round(w.blockSeconds / stepSeconds);
        this.blockSteps[i] = bs;
        this.blockFrom[i] = starts.length;
        const simBlocks = Math.floor((this.startSeconds + steps * stepSeconds) / w.blockSeconds) - Math.floor(this.startSeconds / w.blockSeconds) + 1;
        for (let b = 0; b < simBlocks; b++) starts.push(blocks.firstIndex + Math.floor(rng() * blocks.count) * bs);
      }
      const cpu = trace.series.cpuPct;
      if (!cpu) throw new RangeError(`VM ${vm.name}: trace '${trace.id}' in '${w.label}' has no CPU series`);
      this.traces.push(trace);
      this.cpu.push(cpu);
      this.lengths[i] = trace.steps;
    });
    this.blockStart = Int32Array.from(starts);
  }

  /** Index into VM i's trace for simulated step k, or −1 where the VM has no measurement. */
  private index(i: number, k: number): number {
    const len = this.lengths[i]!;
    const shift = this.shift[i]!;
    if (this.bootstrap[i] === 0) {
      const period = this.period[i]!;
      const idx = this.base[i]! + (k % period) + shift;
      return idx >= 0 && idx < len ? idx : -1;
    }
    const bs = this.blockSteps[i]!;
    // Simulated seconds since the block grid's origin (midnight of day 0 for daily blocks).
    const t = this.startSeconds + k * this.stepSeconds;
    const blockSeconds = bs * this.stepSeconds;
    const block = Math.floor(t / blockSeconds) - Math.floor(this.startSeconds / blockSeconds);
    const within = Math.floor((t - Math.floor(t / blockSeconds) * blockSeconds) / this.stepSeconds);
    let idx = this.blockStart[this.blockFrom[i]! + block]! + within + shift;
    idx %= len;
    if (idx < 0) idx += len;
    return idx;
  }

  /** Writes each trace-driven VM's uncontended CPU utilisation (0..1) for step k into out[slot]. */
  fill(k: number, out: Float64Array): void {
    const { slots, cpu } = this;
    for (let i = 0; i < this.size; i++) {
      const idx = this.index(i, k);
      const u = idx < 0 ? 0 : cpu[i]![idx]! / 100;
      out[slots[i]!] = u > 1 ? 1 : u;
    }
  }

  /** Writes each trace-driven VM's measured `metric` for step k into out[slot] (NaN where its trace lacks the metric, 0 outside its span). */
  fillMetric(metric: TraceMetric, k: number, out: Float64Array): void {
    const { slots, traces } = this;
    for (let i = 0; i < this.size; i++) {
      const series = traces[i]!.series[metric];
      if (!series) {
        out[slots[i]!] = Number.NaN;
        continue;
      }
      const idx = this.index(i, k);
      out[slots[i]!] = idx < 0 ? 0 : series[idx]!;
    }
  }

  /** The trace VM i replays (for reports and tests). */
  traceOf(i: number): TraceSeries {
    return this.traces[i]!;
  }
}

/** byId timeline: simulated time 0 on the trace clock, and the wrap period in steps. */
function byIdTimeline(w: TraceWorkload, stepSeconds: number, startHour: number): { origin: number; periodSteps: number } {
  let first = Infinity;
  let end = -Infinity;
  for (const t of w.traces) {
    first = Math.min(first, t.startSeconds);
    end = Math.max(end, t.startSeconds + t.steps * stepSeconds);
  }
  // The first step at or after first + offset whose time of day is startHour.
  const from = first + w.offsetSeconds;
  const wanted = Math.round(startHour * 3600);
  let origin = Math.floor(from / DAY) * DAY + wanted;
  while (origin < from) origin += DAY;
  origin = Math.ceil(origin / stepSeconds) * stepSeconds;
  let span = end - origin;
  if (span <= 0) {
    // The traces end before that time of day comes round: start at the offset instead.
    origin = Math.ceil(from / stepSeconds) * stepSeconds;
    span = end - origin;
  }
  if (span <= 0) throw new RangeError(`the traces in '${w.label}' end before the offset of ${w.offsetSeconds} s`);
  const periodSeconds = span >= DAY ? Math.floor(span / DAY) * DAY : span;
  return { origin, periodSteps: Math.max(1, Math.floor(periodSeconds / stepSeconds)) };
}

/** Complete blocks of a trace: blocks aligned to multiples of blockSeconds on the trace clock that lie wholly within it. */
export function completeBlocks(trace: TraceSeries, blockSeconds: number, stepSeconds: number): { firstIndex: number; count: number } {
  const start = trace.startSeconds;
  const end = start + trace.steps * stepSeconds;
  const firstBlock = Math.ceil(start / blockSeconds) * blockSeconds;
  const count = Math.max(0, Math.floor((end - firstBlock) / blockSeconds));
  return { firstIndex: Math.round((firstBlock - start) / stepSeconds), count };
}

/** Mean CPU utilisation (percent, capped at 100 per step) over a set of traces: what a trace group offers on average. */
export function meanCpuPct(traces: readonly TraceSeries[]): number {
  let sum = 0;
  let n = 0;
  for (const t of traces) {
    const cpu = t.series.cpuPct;
    if (!cpu) continue;
    for (let i = 0; i < cpu.length; i++) sum += Math.min(100, cpu[i]!);
    n += cpu.length;
  }
  return n > 0 ? sum / n : 0;
}

