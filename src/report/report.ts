/**
 * The report: a study's results as one plain JSON-ready object with stable names (documented in
 * docs/report.md). Text, markdown and the terminal UI render this object; `--json` prints it.
 *
 * Numbers are rounded to 6 significant digits so reports diff cleanly; a metric without data is
 * null. Key order is fixed by construction, so the same study always serialises to the same bytes.
 */
import type { RiskEstimate, RiskMethod } from '../model/memory/summary.js';
import type { StudyResult } from '../model/run.js';
import type { SloStatus } from '../model/slo.js';
import type { DistributionSummary } from '../model/stats/summary.js';
import type { ThreadKind } from '../model/fleet-layout.js';
import { explainUnplaced } from './unplaced.js';

export const REPORT_VERSION = 2;

export interface ReportDistribution {
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  /** 95 % intervals across replications (null with a single replication). */
  ci95: { mean: [number, number]; p95: [number, number]; p99: [number, number] } | null;
}

export interface Report {
  overcast: { reportVersion: number };
  scenario: {
    name: string;
    description: string | null;
    seed: number;
    replications: number;
    durationSeconds: number;
    stepSeconds: number;
  };
  placement: {
    policy: string;
    cpuAllocationRatio: number;
    ramAllocationRatio: number;
    hosts: number;
    vms: number;
    unplaced: number;
    /** Per group with VMs that fit no host: why, as a code and in words. */
    unplacedByGroup: { group: string; count: number; reason: string; detail: string }[];
    pcpus: number;
    vcpus: number;
    vcpuPerPcpu: number | null;
    memoryUsableGiB: number;
    memoryAllocatedGiB: number;
    memoryAllocatedPct: number | null;
    byHost: {
      name: string;
      pcpus: number;
      vcpus: number;
      vcpuPerPcpu: number | null;
      memoryUsableGiB: number;
      memoryAllocatedGiB: number;
      vms: number;
    }[];
  };
  cpu: {
    method: 'micro' | 'fleet';
    readyPct: ReportDistribution;
    schedDelayMs: ReportDistribution;
    /** Time one UI action (each group's `uiActionMs` of CPU work) takes, waiting and running, per running VM-interval. */
    uiActionMs: ReportDistribution;
    hostUtilPct: ReportDistribution;
    byGroup: { name: string; readyPct: ReportDistribution }[];
    byHost: { name: string; vms: number; vcpus: number; pcpus: number; readyPctMean: number | null; readyPctMax: number | null; utilPctMean: number | null; utilPctMax: number | null }[];
    microCheck: { windows: number; simulatedSeconds: number; bursts: number; fleetReadyPct: number | null; microReadyPct: number | null };
    timeline: { stepSeconds: number; readyPctMean: (number | null)[]; hostUtilPctMean: (number | null)[]; hostUtilPctMax: (number | null)[] };
  };
  memory: {
    backedPeakPct: { worst: number | null; mean: number | null };
    neededPeakPct: { worst: number | null; mean: number | null };
    ksmSavedGiB: { mean: number | null; max: number | null };
    ksmConvergeMinutes: { mean: number | null; max: number | null; hosts: number; notReached: number } | null;
    swapPeakGiB: { mean: number | null; max: number | null; upper95: number | null };
    oomKills: { total: number; perReplication: number | null; perHostMonth: number | null };
    /** How it was decided (docs/risk.md): method, importance sampling's ESS/hits/shift, whether a tail was extrapolated, a second method's figure. */
    oomRiskPerHostMonth: {
      estimate: number | null;
      lower95: number | null;
      upper95: number | null;
      hostMonths: number | null;
      trials: number;
      hostsWithKill: number;
      method: RiskMethod;
      ess: number | null;
      hits: number | null;
      shift: number | null;
      extrapolated: boolean;
      fixedHeadroomGiB: number | null;
      /** Peaks over threshold (as the method or the cross-check): the host-runs beyond the threshold the tail was fitted to. */
      tailExceedances: number | null;
      crossCheck: { method: RiskMethod; estimate: number | null; lower95: number | null; upper95: number | null; extrapolated: boolean } | null;
      /** Plain batches stopped at `hostRuns` of a `budgetHostRuns` budget: the interval straddles the limit and the budget could not separate it. */
      stoppedEarly: { hostRuns: number; budgetHostRuns: number } | null;
    };
    oomRiskPerHostRun: { estimate: number | null; lower95: number | null; upper95: number | null; runDays: number | null };
    kills: { replication: number; timeSeconds: number; host: string; vm: string; group: string; neededGiB: number | null; capacityGiB: number | null }[];
    slowVms: { vm: string; group: string; host: string; slowdownMax: number | null; swappedMinutes: number | null }[];
    swapStallHostMinutes: number | null;
    ksmdCoresMean: number | null;
    byHost: { name: string; totalGiB: number; backedPeakPct: number | null; neededPeakPct: number | null; swapPeakGiB: number | null; ksmSavedMeanGiB: number | null; kills: number }[];
    timeline: { stepSeconds: number; hosts: { name: string; ramGiB: number; backedGiB: (number | null)[]; ksmSavedGiB: (number | null)[]; swapGiB: (number | null)[] }[] };
  };
  io: {
    devices: number;
    utilPct: ReportDistribution;
    latencyMs: ReportDistribution;
    byDevice: { name: string; utilPctMax: number | null; shortMinutes: number | null }[];
    steadyShortfallPct: number | null;
    /** Per-VM IOPS and read share by phase of a VM's IO (boot, logon, steady). */
    phases: { phase: string; iopsPerVm: number | null; readPct: number | null; vmHours: number | null }[];
    timeline: { stepSeconds: number; utilPctMax: (number | null)[]; latencyMsMean: (number | null)[]; bootsInFlight: (number | null)[]; bootsQueued: (number | null)[] };
  };
  boot: {
    count: number | null;
    unfinished: number | null;
    maxPerHost: number | null;
    maxPerDatastore: number | null;
    seconds: ReportDistribution;
    secondsByOs: { os: string; seconds: ReportDistribution }[];
    queuedSeconds: ReportDistribution;
    ioLatencyMs: ReportDistribution;
    stormMinutes: { mean: number | null; max: number | null } | null;
  };
  hostThreads: {
    cpuPct: Record<ThreadKind, number | null>;
    coresPerHost: Record<ThreadKind, number | null>;
    maxThreadPct: Record<ThreadKind, number | null>;
  };
  network: {
    nicGbps: number | null;
    vms: { name: string; group: string; host: string; demandGbps: number | null; achievedGbps: number | null; bottleneck: string }[];
  };
  heartbeats: {
    name: string;
    master: string;
    backup: string;
    intervalMs: number;
    masterDownMs: number | null;
    gapMs: ReportDistribution;
    delayMs: ReportDistribution;
    sent: number;
    lost: number;
    failoversPerDay: number | null;
    flapsPerDay: number | null;
    ci95: { failoversPerDay: [number | null, number | null]; flapsPerDay: [number | null, number | null] };
    days: number | null;
    stalledAdverts: number;
    mainLoopStallPct: { master: number | null; backup: number | null };
  }[];
  /** Every SLO judged (../model/slo.ts): the ones the scenario sets, and `unplacedVms` always. */
  slos: { name: string; metric: string; unit: string; limit: number; value: number | null; upper95: number | null; status: SloStatus; implicit: boolean }[];
  /** The worst SLO status. */
  verdict: SloStatus;
}

/** Rounds to 6 significant digits; NaN and infinities become null. */
export function num(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  if (value === 0) return 0;
  return Number(value.toPrecision(6));
}

/** `num` for a value that may be absent (null stays null). */
export function numOrNull(value: number | null): number | null {
  return value === null ? null : num(value);
}

function distribution(d: DistributionSummary): ReportDistribution {
  const pair = (x: [number, number]): [number, number] => [num(x[0]) ?? 0, num(x[1]) ?? 0];
  return {
    mean: num(d.mean),
    p50: num(d.p50),
    p95: num(d.p95),
    p99: num(d.p99),
    max: num(d.max),
    ci95: d.ci95 ? { mean: pair(d.ci95.mean), p95: pair(d.ci95.p95), p99: pair(d.ci95.p99) } : null,
  };
}

function perKind(values: Record<ThreadKind, number>): Record<ThreadKind, number | null> {
  return { qemu: num(values.qemu), vhost: num(values.vhost), iothread: num(values.iothread), ksmd: num(values.ksmd), daemons: num(values.daemons) };
}

export function buildReport(study: StudyResult): Report {
  const { scenario, placement, cpu, memory, io, boot, latency } = study;
  const pcpus = placement.hosts.reduce((s, h) => s + h.pcpus, 0);
  const vcpus = placement.hosts.reduce((s, h) => s + h.vcpusAllocated, 0);
  const memoryUsable = placement.hosts.reduce((s, h) => s + h.memoryGiB, 0);
  const memoryAllocated = placement.hosts.reduce((s, h) => s + h.memoryAllocatedGiB, 0);
  return {
    overcast: { reportVersion: REPORT_VERSION },
    scenario: {
      name: scenario.name,
      description: scenario.description ?? null,
      seed: scenario.seed,
      replications: study.replications,
      durationSeconds: scenario.durationSeconds,
      stepSeconds: scenario.stepSeconds,
    },
    placement: {
      policy: scenario.placement,
      cpuAllocationRatio: scenario.overcommit.cpu,
      ramAllocationRatio: scenario.overcommit.memory,
      hosts: placement.hosts.length,
      vms: placement.vms.length,
      unplaced: placement.unplaced.reduce((s, u) => s + u.count, 0),
      unplacedByGroup: placement.unplaced.map((u) => ({ group: u.group, count: u.count, reason: u.reason, detail: explainUnplaced(u, scenario, placement) })),
      pcpus,
      vcpus,
      vcpuPerPcpu: num(vcpus / pcpus),
      memoryUsableGiB: num(memoryUsable) ?? 0,
      memoryAllocatedGiB: num(memoryAllocated) ?? 0,
      memoryAllocatedPct: num((100 * memoryAllocated) / memoryUsable),
      byHost: placement.hosts.map((h) => ({
        name: h.name,
        pcpus: h.pcpus,
        vcpus: h.vcpusAllocated,
        vcpuPerPcpu: num(h.vcpusAllocated / h.pcpus),
        memoryUsableGiB: num(h.memoryGiB) ?? 0,
        memoryAllocatedGiB: num(h.memoryAllocatedGiB) ?? 0,
        vms: h.vms.length,
      })),
    },
    cpu: {
      method: cpu.method,
      readyPct: distribution(cpu.readyPct),
      schedDelayMs: distribution(cpu.schedDelayMs),
      uiActionMs: distribution(cpu.uiActionMs),
      hostUtilPct: distribution(cpu.hostUtilPct),
      byGroup: cpu.readyPctByGroup.map((g) => ({ name: g.name, readyPct: distribution(g.readyPct) })),
      byHost: cpu.byHost.map((h) => ({
        name: h.name,
        vms: h.vms,
        vcpus: h.vcpus,
        pcpus: h.pcpus,
        readyPctMean: num(h.readyPctMean),
        readyPctMax: num(h.readyPctMax),
        utilPctMean: num(h.utilPctMean),
        utilPctMax: num(h.utilPctMax),
      })),
      microCheck: {
        windows: cpu.micro.windows,
        simulatedSeconds: num(cpu.micro.simulatedSeconds) ?? 0,
        bursts: cpu.micro.bursts,
        fleetReadyPct: num(cpu.micro.fleetReadyPct),
        microReadyPct: num(cpu.micro.microReadyPct),
      },
      timeline: {
        stepSeconds: cpu.timeline.stepSeconds,
        readyPctMean: cpu.timeline.readyPctMean.map(num),
        hostUtilPctMean: cpu.timeline.hostUtilPctMean.map(num),
        hostUtilPctMax: cpu.timeline.hostUtilPctMax.map(num),
      },
    },
    memory: {
      backedPeakPct: { worst: num(memory.backedPeakPct.worst), mean: num(memory.backedPeakPct.mean) },
      neededPeakPct: { worst: num(memory.neededPeakPct.worst), mean: num(memory.neededPeakPct.mean) },
      ksmSavedGiB: { mean: num(memory.ksmSavedGiB.mean), max: num(memory.ksmSavedGiB.max) },
      ksmConvergeMinutes: memory.ksmConvergeMinutes
        ? { mean: num(memory.ksmConvergeMinutes.mean), max: num(memory.ksmConvergeMinutes.max), hosts: memory.ksmConvergeMinutes.hosts, notReached: memory.ksmConvergeMinutes.notReached }
        : null,
      swapPeakGiB: { mean: num(memory.swapPeakGiB.mean), max: num(memory.swapPeakGiB.max), upper95: numOrNull(memory.swapPeakGiB.upper95) },
      oomKills: { total: memory.oomKills.total, perReplication: num(memory.oomKills.perReplication), perHostMonth: num(memory.oomKills.perHostMonth) },
      oomRiskPerHostMonth: {
        estimate: num(memory.oomRiskPerHostMonth.estimate),
        lower95: num(memory.oomRiskPerHostMonth.lower95),
        upper95: num(memory.oomRiskPerHostMonth.upper95),
        hostMonths: num(memory.oomRiskPerHostMonth.hostMonths),
        trials: memory.oomRiskPerHostMonth.trials,
        hostsWithKill: memory.oomRiskPerHostMonth.hostsWithKill,
        ...riskMethodFields(memory.oomRiskPerHostMonth),
      },
      oomRiskPerHostRun: {
        estimate: num(memory.oomRiskPerHostRun.estimate),
        lower95: num(memory.oomRiskPerHostRun.lower95),
        upper95: num(memory.oomRiskPerHostRun.upper95),
        runDays: num(memory.oomRiskPerHostRun.runDays),
      },
      kills: memory.kills.map((k) => ({ ...k, timeSeconds: num(k.timeSeconds) ?? 0, neededGiB: num(k.neededGiB), capacityGiB: num(k.capacityGiB) })),
      slowVms: memory.slowVms.map((v) => ({ ...v, slowdownMax: num(v.slowdownMax), swappedMinutes: num(v.swappedMinutes) })),
      swapStallHostMinutes: num(memory.swapStallHostMinutes),
      ksmdCoresMean: num(memory.ksmdCoresMean),
      byHost: memory.byHost.map((h) => ({
        name: h.name,
        totalGiB: h.totalGiB,
        backedPeakPct: num(h.backedPeakPct),
        neededPeakPct: num(h.neededPeakPct),
        swapPeakGiB: num(h.swapPeakGiB),
        ksmSavedMeanGiB: num(h.ksmSavedMeanGiB),
        kills: h.kills,
      })),
      timeline: {
        stepSeconds: memory.timeline.stepSeconds,
        hosts: memory.timeline.hosts.map((h) => ({ name: h.name, ramGiB: h.ramGiB, backedGiB: h.backedGiB.map(num), ksmSavedGiB: h.ksmSavedGiB.map(num), swapGiB: h.swapGiB.map(num) })),
      },
    },
    io: {
      devices: io.devices,
      utilPct: distribution(io.utilPct),
      latencyMs: distribution(io.latencyMs),
      byDevice: io.byDevice.map((d) => ({ name: d.name, utilPctMax: num(d.utilPctMax), shortMinutes: num(d.shortMinutes) })),
      steadyShortfallPct: num(io.steadyShortfallPct),
      phases: io.phases.map((p) => ({ phase: p.phase, iopsPerVm: numOrNull(p.iopsPerVm), readPct: numOrNull(p.readPct), vmHours: num(p.vmHours) })),
      timeline: {
        stepSeconds: io.timeline.stepSeconds,
        utilPctMax: io.timeline.utilPctMax.map(num),
        latencyMsMean: io.timeline.latencyMsMean.map(num),
        bootsInFlight: io.timeline.bootsInFlight.map(num),
        bootsQueued: io.timeline.bootsQueued.map(num),
      },
    },
    boot: {
      count: num(boot.count),
      unfinished: num(boot.unfinished),
      maxPerHost: boot.maxPerHost,
      maxPerDatastore: boot.maxPerDatastore,
      seconds: distribution(boot.seconds),
      secondsByOs: boot.secondsByOs.map((b) => ({ os: b.os, seconds: distribution(b.seconds) })),
      queuedSeconds: distribution(boot.queuedSeconds),
      ioLatencyMs: distribution(boot.ioLatencyMs),
      stormMinutes: boot.stormMinutes ? { mean: num(boot.stormMinutes.mean), max: num(boot.stormMinutes.max) } : null,
    },
    hostThreads: {
      cpuPct: perKind(latency.hostThreads.cpuPct),
      coresPerHost: perKind(latency.hostThreads.coresPerHost),
      maxThreadPct: perKind(latency.hostThreads.maxThreadPct),
    },
    network: {
      nicGbps: latency.network.nicGbps,
      vms: latency.network.vms.map((v) => ({ name: v.name, group: v.group, host: v.host, demandGbps: num(v.demandGbps), achievedGbps: num(v.achievedGbps), bottleneck: v.bottleneck })),
    },
    heartbeats: latency.heartbeats.map((hb) => ({
      name: hb.name,
      master: hb.master,
      backup: hb.backup,
      intervalMs: hb.intervalMs,
      masterDownMs: num(hb.masterDownMs),
      gapMs: distribution(hb.gapMs),
      delayMs: distribution(hb.delayMs),
      sent: hb.sent,
      lost: hb.lost,
      failoversPerDay: num(hb.failoversPerDay),
      flapsPerDay: num(hb.flapsPerDay),
      ci95: { failoversPerDay: [num(hb.failoversPerDayCi95[0]), num(hb.failoversPerDayCi95[1])], flapsPerDay: [num(hb.flapsPerDayCi95[0]), num(hb.flapsPerDayCi95[1])] },
      days: num(hb.days),
      stalledAdverts: hb.stalledAdverts,
      mainLoopStallPct: { master: num(hb.mainLoopStallPct.master), backup: num(hb.mainLoopStallPct.backup) },
    })),
    slos: study.slos.map((s) => ({ name: s.name, metric: s.metric, unit: s.unit, limit: s.limit, value: num(s.value), upper95: numOrNull(s.upper95), status: s.status, implicit: s.implicit })),
    verdict: study.verdict,
  };
}

/** The report as JSON text: two-space indent, trailing newline. */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function riskMethodFields(risk: RiskEstimate): Pick<Report['memory']['oomRiskPerHostMonth'], 'method' | 'ess' | 'hits' | 'shift' | 'extrapolated' | 'fixedHeadroomGiB' | 'tailExceedances' | 'crossCheck' | 'stoppedEarly'> {
  const check = risk.crossCheck;
  return {
    method: risk.method,
    ess: numOrNull(risk.ess ?? null),
    hits: risk.hits ?? null,
    shift: numOrNull(risk.shift ?? null),
    extrapolated: risk.extrapolated,
    fixedHeadroomGiB: numOrNull(risk.fixedHeadroomGiB ?? null),
    tailExceedances: risk.tailExceedances ?? null,
    crossCheck: check ? { method: check.method, estimate: num(check.estimate), lower95: num(check.lower95), upper95: num(check.upper95), extrapolated: check.extrapolated } : null,
    stoppedEarly: risk.stoppedEarly ? { ...risk.stoppedEarly } : null,
  };
}
