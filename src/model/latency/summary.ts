/**
 * Combines the replications' host-thread CPU, network paths and heartbeats into the study's
 * latency results (docs/report.md: `hostThreads`, `network`, `heartbeats`).
 *
 * Failover and flap rates get a 95 % interval that is the union of two: the t-interval of the
 * per-replication rates (honest when failovers cluster in bad intervals, as they do) and the exact
 * Poisson (Garwood) interval of the total count over all simulated days (which still bounds the
 * rate when no replication saw one: 0 in T days gives an upper end of 3.69 / T).
 */
import type { ModelScenario } from '../scenario.js';
import type { Placement } from '../placement.js';
import type { ThreadReplication } from './threads.js';
import { THREAD_KINDS, type ThreadKind } from '../fleet-layout.js';
import { summarizeDistribution, type DistributionSummary, type Interval } from '../stats/summary.js';
import { meanInterval } from '../stats/intervals.js';
import { BOTTLENECKS, type Bottleneck } from './network.js';
import type { LatencyReplication } from './paths.js';
import { masterDownSeconds } from './vrrp.js';

export interface HostThreadSummary {
  /** Mean CPU of each kind over the run, % of all hosts' pCPUs. */
  cpuPct: Record<ThreadKind, number>;
  /** The same in cores per host. */
  coresPerHost: Record<ThreadKind, number>;
  /** Busiest single thread of each kind in any interval, % of one core. */
  maxThreadPct: Record<ThreadKind, number>;
}

export interface NetworkVmSummary {
  name: string;
  group: string;
  host: string;
  /** Mean over the intervals the VM ran, Gbit/s. */
  demandGbps: number;
  achievedGbps: number;
  /** The component that cost the most bandwidth, or 'none' (achieved within 0.1 % of demand). */
  bottleneck: Bottleneck;
}

export interface HeartbeatSummary {
  name: string;
  master: string;
  backup: string;
  intervalMs: number;
  masterDownMs: number;
  gapMs: DistributionSummary;
  delayMs: DistributionSummary;
  sent: number;
  lost: number;
  failoversPerDay: number;
  flapsPerDay: number;
  failoversPerDayCi95: Interval;
  flapsPerDayCi95: Interval;
  /** Simulated days (all replications). */
  days: number;
  /** Micro-level wake-ups the delays were drawn from. */
  delaySamples: number;
  /** Adverts held by a stalled QEMU main loop (vhost_net off on that side). */
  stalledAdverts: number;
  /** Share of the run the master's and backup's QEMU main loops were stalled under the BQL, % (0 with an iothread or no disk IO). */
  mainLoopStallPct: { master: number; backup: number };
}

export interface LatencySummary {
  hostThreads: HostThreadSummary;
  network: { nicGbps: number | null; vms: NetworkVmSummary[] };
  heartbeats: HeartbeatSummary[];
}

export function summarizeLatency(
  scenario: ModelScenario,
  placement: Placement,
  threads: readonly ThreadReplication[],
  latency: readonly (LatencyReplication | undefined)[],
  steps: number,
): LatencySummary {
  const seconds = steps * scenario.stepSeconds;
  const pcpus = placement.hosts.reduce((s, h) => s + h.pcpus, 0);
  const hosts = placement.hosts.length;
  const perKind = (pick: (t: ThreadReplication, kind: number) => number, reduce: 'mean' | 'max'): Record<ThreadKind, number> => {
    const out = {} as Record<ThreadKind, number>;
    THREAD_KINDS.forEach((kind, i) => {
      const values = threads.map((t) => pick(t, i));
      out[kind] = values.length === 0 ? Number.NaN : reduce === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0) / values.length;
    });
    return out;
  };
  const hostThreads: HostThreadSummary = {
    cpuPct: perKind((t, i) => (100 * t.coreSeconds[i]!) / (pcpus * seconds), 'mean'),
    coresPerHost: perKind((t, i) => t.coreSeconds[i]! / (hosts * seconds), 'mean'),
    maxThreadPct: perKind((t, i) => 100 * t.maxShare[i]!, 'max'),
  };

  const present = latency.filter((l): l is LatencyReplication => l !== undefined);
  const first = present[0];
  const vms: NetworkVmSummary[] = [];
  if (first) {
    first.networkVms.forEach((v, i) => {
      let demand = 0;
      let achieved = 0;
      let n = 0;
      const lost = new Float64Array(BOTTLENECKS.length);
      for (const r of present) {
        demand += r.demandGbpsSum[i]!;
        achieved += r.achievedGbpsSum[i]!;
        n += r.runningSteps[i]!;
        for (let b = 0; b < BOTTLENECKS.length; b++) lost[b]! += r.lostGbpsByBottleneck[i * BOTTLENECKS.length + b]!;
      }
      let worst = 0;
      for (let b = 1; b < BOTTLENECKS.length; b++) if (lost[b]! > lost[worst]!) worst = b;
      const vm = placement.vms[v]!;
      const demandGbps = n > 0 ? demand / n : Number.NaN;
      const achievedGbps = n > 0 ? achieved / n : Number.NaN;
      vms.push({
        name: vm.name,
        group: scenario.vms[vm.group]!.name,
        host: placement.hosts[vm.host]!.name,
        demandGbps,
        achievedGbps,
        bottleneck: achievedGbps < demandGbps * 0.999 ? BOTTLENECKS[worst]! : 'none',
      });
    });
  }

  const days = (present.length * seconds) / 86_400;
  const heartbeats: HeartbeatSummary[] = (scenario.latency?.heartbeats ?? []).map((spec, i) => {
    const reps = present.map((r) => r.heartbeats[i]!);
    const total = (pick: (h: (typeof reps)[number]) => number): number => reps.reduce((s, h) => s + pick(h), 0);
    const failovers = total((h) => h.failovers);
    const flaps = total((h) => h.flaps);
    const perDay = seconds / 86_400;
    return {
      name: spec.name,
      master: spec.master,
      backup: spec.backup,
      intervalMs: spec.intervalSeconds * 1000,
      masterDownMs: masterDownSeconds(spec.intervalSeconds, spec.priority, spec.version) * 1000,
      gapMs: summarizeDistribution(reps.map((h) => h.gapMs)),
      delayMs: summarizeDistribution(reps.map((h) => h.delayMs)),
      sent: total((h) => h.sent),
      lost: total((h) => h.lost),
      failoversPerDay: days > 0 ? failovers / days : Number.NaN,
      flapsPerDay: days > 0 ? flaps / days : Number.NaN,
      failoversPerDayCi95: rateInterval(reps.map((h) => h.failovers / perDay), failovers, days),
      flapsPerDayCi95: rateInterval(reps.map((h) => h.flaps / perDay), flaps, days),
      days,
      delaySamples: total((h) => h.delaySamples),
      stalledAdverts: total((h) => h.stalledAdverts),
      mainLoopStallPct: {
        master: reps.length > 0 ? (100 * total((h) => h.masterStallSeconds)) / (reps.length * seconds) : Number.NaN,
        backup: reps.length > 0 ? (100 * total((h) => h.backupStallSeconds)) / (reps.length * seconds) : Number.NaN,
      },
    };
  });
  return { hostThreads, network: { nicGbps: scenario.latency?.hostThreads.nicGbps ?? null, vms }, heartbeats };
}

/** The union of the t-interval of per-replication rates and the Garwood interval of the total count. */
export function rateInterval(perReplication: readonly number[], count: number, exposure: number): Interval {
  if (!(exposure > 0)) return [Number.NaN, Number.NaN];
  const [pl, pu] = poissonInterval(count);
  let lower = pl / exposure;
  let upper = pu / exposure;
  if (perReplication.length >= 2) {
    const t = meanInterval(perReplication);
    if (Number.isFinite(t.lower95)) {
      lower = Math.min(lower, Math.max(0, t.lower95));
      upper = Math.max(upper, t.upper95);
    }
  }
  return [lower, upper];
}

/**
 * Exact 95 % interval for the mean of a Poisson count x (Garwood 1936): the λ with P(X ≥ x) = 0.025
 * and P(X ≤ x) = 0.025, found by bisection on the Poisson distribution function (a normal
 * approximation with continuity correction beyond 1,000 events). x = 0 gives [0, −ln 0.025 = 3.689].
 */
export function poissonInterval(x: number): [number, number] {
  if (x > 1000) {
    const z = 1.959963984540054;
    return [Math.max(0, x - z * Math.sqrt(x) - 0.5), x + z * Math.sqrt(x + 1) + 0.5];
  }
  const cdf = (k: number, lambda: number): number => {
    // P(X <= k), summed in log space (e^-λ underflows beyond λ ≈ 745).
    if (k < 0) return 0;
    if (lambda <= 0) return 1;
    const logLambda = Math.log(lambda);
    let logTerm = -lambda;
    let maxLog = logTerm;
    const logs = new Float64Array(k + 1);
    logs[0] = logTerm;
    for (let i = 1; i <= k; i++) {
      logTerm += logLambda - Math.log(i);
      logs[i] = logTerm;
      if (logTerm > maxLog) maxLog = logTerm;
    }
    let sum = 0;
    for (let i = 0; i <= k; i++) sum += Math.exp(logs[i]! - maxLog);
    return Math.min(1, Math.exp(maxLog + Math.log(sum)));
  };
  /** The root of a function that falls through 0 as λ grows. */
  const solve = (f: (lambda: number) => number): number => {
    let lo = 0;
    let hi = Math.max(10, 3 * x + 20);
    for (let it = 0; it < 100; it++) {
      const mid = (lo + hi) / 2;
      if (f(mid) > 0) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const upper = solve((l) => cdf(x, l) - 0.025);
  const lower = x === 0 ? 0 : solve((l) => cdf(x - 1, l) - 0.975);
  return [lower, upper];
}
