/**
 * The run report (./report.ts) as a document: one section per report section that has data, in
 * the JSON's order — placement, CPU, memory, storage, boots, host threads, network, heartbeats,
 * SLOs — then the verdict. Text, markdown and HTML all render this, so they carry the same
 * sections and tables; HTML adds the charts (./run-charts.ts).
 */
import { SLO_STATUS_TEXT } from '../model/slo.js';
import { chartBlock, line, tableBlock, warn, type Block, type ReportDocument, type Section } from './document.js';
import { RISK_METHOD_WORDS } from '../model/memory/summary.js';
import { fmt, fmtDuration, fmtGiven } from './format.js';
import type { Report, ReportDistribution } from './report.js';
import { bootCharts, cpuCharts, memoryCharts, storageCharts } from './run-charts.js';

const COLUMNS = ['mean', 'p50', 'p95', 'p99', 'max'] as const;

function distributionRow(label: string, d: ReportDistribution): string[] {
  return [label, ...COLUMNS.map((c) => fmt(d[c]))];
}

function ci(d: ReportDistribution, which: 'mean' | 'p95' | 'p99'): string {
  return d.ci95 ? `${fmt(d.ci95[which][0])}–${fmt(d.ci95[which][1])}` : 'n/a (one replication)';
}

/** How an operator reads CPU ready (VMware's guidance on %RDY per vCPU). */
function readyAdvice(p95: number | null): string {
  if (p95 === null) return '';
  if (p95 < 5) return 'below 5 %: users should not notice';
  if (p95 < 10) return '5–10 %: noticeable slowdowns';
  return 'above 10 %: a problem for interactive work';
}

/** Percent of a probability (0..1). */
function pct(p: number | null): string {
  return p === null ? 'n/a' : `${fmt(100 * p)} %`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function placementSection(report: Report): Section {
  const p = report.placement;
  const blocks: Block[] = [
    line(`hosts ${p.hosts} · VMs placed ${p.vms} · unplaced ${p.unplaced}`),
    ...p.unplacedByGroup.map((u) => warn(`${plural(u.count, 'VM')} of group ${u.group} did not fit: ${u.detail}`)),
    line(
      `vCPU:pCPU ${fmt(p.vcpuPerPcpu)} (${p.vcpus} vCPUs on ${p.pcpus} pCPUs) · RAM allocated ${fmt(p.memoryAllocatedGiB)} of ${fmt(p.memoryUsableGiB)} GiB usable (${fmt(p.memoryAllocatedPct)} %)`,
    ),
  ];
  return { key: 'placement', title: 'Placement', detail: `${p.policy}; allocation ratios cpu ${fmt(p.cpuAllocationRatio)}, ram ${fmt(p.ramAllocationRatio)}`, blocks };
}

function cpuSection(report: Report): Section {
  const { cpu } = report;
  const blocks: Block[] = [
    tableBlock(
      ['', ...COLUMNS],
      [distributionRow('ready % per vCPU-interval', cpu.readyPct), distributionRow('scheduling delay ms per wake-up', cpu.schedDelayMs), distributionRow('UI action ms per VM-interval', cpu.uiActionMs), distributionRow('host pCPU utilisation %', cpu.hostUtilPct)],
    ),
    line(`ready % p95: 95 % CI ${ci(cpu.readyPct, 'p95')} · ${readyAdvice(cpu.readyPct.p95)}`),
  ];
  if (cpu.byGroup.length > 1) blocks.push(tableBlock(['', ...COLUMNS], cpu.byGroup.map((g) => distributionRow(g.name, g.readyPct)), { caption: 'by VM group (ready %):' }));
  if (cpu.method === 'fleet' && cpu.microCheck.windows > 0) {
    blocks.push(line(`cross-check on the micro windows: ready % mean ${fmt(cpu.microCheck.microReadyPct)} simulated vs ${fmt(cpu.microCheck.fleetReadyPct)} closed form`));
  }
  const worst = [...cpu.byHost].sort((a, b) => (b.readyPctMean ?? 0) - (a.readyPctMean ?? 0)).slice(0, 3);
  if (worst.length > 0) {
    blocks.push(
      tableBlock(
        ['host', 'VMs', 'vCPU/pCPU', 'ready % mean', 'ready % max', 'util % mean', 'util % max'],
        worst.map((h) => [h.name, String(h.vms), fmt(h.vcpus / h.pcpus), fmt(h.readyPctMean), fmt(h.readyPctMax), fmt(h.utilPctMean), fmt(h.utilPctMax)]),
        { caption: 'busiest hosts:' },
      ),
    );
  }
  blocks.push(...cpuCharts(report).map(chartBlock));
  const how = cpu.method === 'micro' ? 'micro-level simulation of every burst' : `fleet kernel (closed-form queueing per host and interval), checked by ${cpu.microCheck.windows} micro-simulated windows`;
  return { key: 'cpu', title: 'CPU contention', detail: how, blocks };
}

function memorySection(report: Report): Section {
  const m = report.memory;
  const blocks: Block[] = [
    line(
      `peak backed memory (before KSM): worst host ${fmt(m.backedPeakPct.worst)} % of RAM, mean over hosts ${fmt(m.backedPeakPct.mean)} %; needed after KSM and balloons: worst ${fmt(m.neededPeakPct.worst)} %`,
    ),
  ];
  if ((m.ksmSavedGiB.max ?? 0) > 0 || m.ksmConvergeMinutes) {
    const c = m.ksmConvergeMinutes;
    const converge = c
      ? c.hosts > 0
        ? `; 90 % merged ${fmt(c.mean)} min after a host's last boot (worst ${fmt(c.max)} min${c.notReached > 0 ? `, ${c.notReached} host-runs not within the run` : ''})`
        : '; not 90 % merged within the run on any host after its boots'
      : '';
    blocks.push(line(`KSM saved per host: mean ${fmt(m.ksmSavedGiB.mean)} GiB, max ${fmt(m.ksmSavedGiB.max)} GiB${converge}; ksmd ${fmt(m.ksmdCoresMean)} cores per host`));
  }
  blocks.push(
    line(
      `swap: peak ${fmt(m.swapPeakGiB.mean)} GiB (mean of replications' worst host; max ${fmt(m.swapPeakGiB.max)} GiB)${(m.swapStallHostMinutes ?? 0) > 0 ? `; swap device too slow for ${fmt(m.swapStallHostMinutes)} host-minutes per run` : ''}`,
    ),
  );
  const risk = m.oomRiskPerHostMonth;
  const run = m.oomRiskPerHostRun;
  const runLength = run.runDays !== null ? fmtDuration(Math.round(run.runDays * 86_400)) : 'run';
  blocks.push(line(`OOM kills: ${m.oomKills.total}; hosts with a kill: ${risk.hostsWithKill} of ${risk.trials} host-runs of ${runLength} (${fmt(risk.hostMonths)} host-months)`));
  const plainOnly = risk.method === 'mc' ? '' : ' (the scenario\'s own replications)';
  blocks.push(line(`OOM risk per host and ${runLength}${plainOnly}: ${pct(run.estimate)} (95 % CI ${pct(run.lower95)}–${pct(run.upper95)}); per host-month: ${pct(risk.estimate)} (95 % CI ${pct(risk.lower95)}–${pct(risk.upper95)})`));
  const how = riskMethodLine(risk);
  if (how) blocks.push(line(how));
  if (risk.method === 'mc' && (risk.upper95 ?? 0) > 0.5 && risk.hostsWithKill === 0) {
    blocks.push(line(`(no kill seen, but ${risk.trials} host-runs cannot bound a monthly risk tightly: add replications or run longer)`));
  }
  for (const k of m.kills.slice(0, 5)) {
    blocks.push(warn(`replication ${k.replication}, ${fmtDuration(k.timeSeconds)}: ${k.host} killed ${k.vm} (needed ${fmt(k.neededGiB)} GiB, RAM + swap ${fmt(k.capacityGiB)} GiB)`));
  }
  if (m.kills.length > 5) blocks.push(line(`… ${m.oomKills.total - 5} more kills (see the JSON report)`));
  if (m.slowVms.length > 0) {
    blocks.push(line(`VMs slowed by swapped working sets (worst ${m.slowVms.length}): ${m.slowVms.map((v) => `${v.vm} ×${fmt(v.slowdownMax)} for ${fmt(v.swappedMinutes)} min`).join(', ')}`));
  }
  blocks.push(...memoryCharts(report).map(chartBlock));
  return { key: 'memory', title: 'Memory', blocks };
}

function storageSection(report: Report): Section | null {
  const { io } = report;
  if (io.devices === 0 && (io.utilPct.max ?? 0) === 0) return null;
  if ((io.utilPct.max ?? 0) === 0 && io.latencyMs.max === null) {
    return { key: 'io', title: 'Storage', detail: plural(io.devices, 'device'), blocks: [line('no IO in this run: no VM group does disk IO and nothing boots')] };
  }
  const blocks: Block[] = [tableBlock(['', ...COLUMNS], [distributionRow('device utilisation % per device-interval', io.utilPct), distributionRow('IO latency ms per IO', io.latencyMs)])];
  if ((io.steadyShortfallPct ?? 0) >= 10) {
    blocks.push(warn(`running VMs got ${fmt(100 - (io.steadyShortfallPct ?? 0))} % of the steady IOPS they wanted: the storage is undersized for the steady load`));
  }
  const phases = io.phases.filter((p) => (p.vmHours ?? 0) > 0);
  if (phases.length > 0) {
    blocks.push(
      tableBlock(
        ['phase', 'IOPS per VM', 'reads %', 'VM-hours per run'],
        phases.map((p) => [p.phase, fmt(p.iopsPerVm), fmt(p.readPct), fmt(p.vmHours)]),
        { caption: 'IO by phase (IOs served over the time VMs spent in the phase):' },
      ),
    );
  }
  const busy = [...io.byDevice].sort((a, b) => (b.utilPctMax ?? 0) - (a.utilPctMax ?? 0)).slice(0, 3);
  if (busy.length > 0 && (busy[0]!.utilPctMax ?? 0) > 0) {
    blocks.push(tableBlock(['device', 'util % max', 'short of steady IOPS (min per run)'], busy.map((d) => [d.name, fmt(d.utilPctMax), fmt(d.shortMinutes)]), { caption: 'busiest devices:' }));
  }
  blocks.push(...storageCharts(report).map(chartBlock));
  return { key: 'io', title: 'Storage', detail: plural(io.devices, 'device'), blocks };
}

function bootSection(report: Report): Section | null {
  const { boot } = report;
  const boots = (boot.count ?? 0) + (boot.unfinished ?? 0);
  const limit = [boot.maxPerHost !== null ? `at most ${boot.maxPerHost} boots per host` : '', boot.maxPerDatastore !== null ? `${boot.maxPerDatastore} per datastore` : ''].filter(Boolean).join(', ');
  if (boots === 0 && limit === '') return null;
  const blocks: Block[] = [];
  if (boots === 0) {
    blocks.push(line('no boot requested within the run'));
  } else {
    const rows = [distributionRow('boot time s (admission to up)', boot.seconds)];
    if (boot.secondsByOs.length > 1) for (const b of boot.secondsByOs) rows.push(distributionRow(`  ${b.os}`, b.seconds));
    rows.push(distributionRow('wait for admission s', boot.queuedSeconds), distributionRow('latency of boot IOs ms', boot.ioLatencyMs));
    blocks.push(tableBlock(['', ...COLUMNS], rows));
    blocks.push(
      line(
        `${fmt(boot.count)} boots per replication${(boot.unfinished ?? 0) > 0 ? `, ${fmt(boot.unfinished)} unfinished at the end` : ''}; storm from first request to last boot ${boot.stormMinutes ? `${fmt(boot.stormMinutes.mean)} min (max ${fmt(boot.stormMinutes.max)})` : 'n/a'}`,
      ),
    );
  }
  blocks.push(...bootCharts(report).map(chartBlock));
  return { key: 'boot', title: 'Boots', detail: limit || 'no boot limit', blocks };
}

const THREAD_KINDS = ['qemu', 'vhost', 'iothread', 'ksmd', 'daemons'] as const;

function hostThreadsSection(report: Report): Section | null {
  const { hostThreads } = report;
  if (!THREAD_KINDS.some((k) => (hostThreads.cpuPct[k] ?? 0) > 0)) return null;
  return {
    key: 'hostThreads',
    title: 'Host threads',
    detail: 'CPU % of all pCPUs · cores per host · busiest thread % of a core',
    blocks: [
      tableBlock(
        ['', ...THREAD_KINDS],
        [
          ['CPU % of pCPUs', ...THREAD_KINDS.map((k) => fmt(hostThreads.cpuPct[k]))],
          ['cores per host', ...THREAD_KINDS.map((k) => fmt(hostThreads.coresPerHost[k]))],
          ['busiest thread %', ...THREAD_KINDS.map((k) => fmt(hostThreads.maxThreadPct[k]))],
        ],
      ),
    ],
  };
}

function networkSection(report: Report): Section | null {
  const { network } = report;
  if (network.vms.length === 0) return null;
  const shown = network.vms.slice(0, 12);
  const blocks: Block[] = [tableBlock(['VM', 'host', 'demand Gbit/s', 'achieved Gbit/s', 'bottleneck'], shown.map((v) => [v.name, v.host, fmt(v.demandGbps), fmt(v.achievedGbps), v.bottleneck]))];
  if (network.vms.length > shown.length) blocks.push(line(`… ${network.vms.length - shown.length} more VMs in the JSON report`));
  return { key: 'network', title: 'Network', detail: `host NIC ${fmt(network.nicGbps)} Gbit/s`, blocks };
}

function heartbeatsSection(report: Report): Section | null {
  if (report.heartbeats.length === 0) return null;
  const range = (x: [number | null, number | null]): string => `${fmt(x[0])}–${fmt(x[1])}`;
  const blocks: Block[] = report.heartbeats.flatMap((hb): Block[] => [
    tableBlock(['', ...COLUMNS], [distributionRow('gap between adverts ms', hb.gapMs), distributionRow('advert delay ms', hb.delayMs)], {
      caption: `${hb.name} (${hb.master} → ${hb.backup}, every ${fmt(hb.intervalMs)} ms, master down after ${fmt(hb.masterDownMs)} ms):`,
    }),
    line(`failovers ${fmt(hb.failoversPerDay)}/day (95 % ${range(hb.ci95.failoversPerDay)}) · flaps ${fmt(hb.flapsPerDay)}/day (95 % ${range(hb.ci95.flapsPerDay)}) · ${fmt(hb.lost)} of ${fmt(hb.sent)} adverts lost`, 2),
    line(`QEMU main loop stalled (BQL) ${fmt(hb.mainLoopStallPct.master)} % (master) / ${fmt(hb.mainLoopStallPct.backup)} % (backup) of the time · ${fmt(hb.stalledAdverts)} adverts held by a stall`, 2),
  ]);
  return { key: 'heartbeats', title: 'Heartbeats', detail: 'VRRP advertisements', blocks };
}

/** A limit as the scenario wrote it, with its unit. */
function limitText(limit: number, unit: string): string {
  return unit === 'probability' ? fmtGiven(limit) : `${fmtGiven(limit)} ${unit}`;
}

/** A value with its unit: `5.00 %`, `3 VMs`, `0.01` (a probability has no unit word). */
function withUnit(value: number | null, unit: string): string {
  if (value === null) return 'n/a';
  if (unit === 'probability') return fmt(value);
  // Counts are whole.
  return unit === 'VMs' ? `${Math.round(value)} ${unit}` : `${fmt(value)} ${unit}`;
}

function sloSection(report: Report): Section {
  const blocks: Block[] = [];
  blocks.push(
    tableBlock(
      ['SLO', 'value', '95 % upper', 'limit', 'verdict'],
      report.slos.map((s) => [s.name, withUnit(s.value, s.unit), withUnit(s.upper95, s.unit), limitText(s.limit, s.unit), SLO_STATUS_TEXT[s.status]]),
    ),
  );
  for (const s of report.slos) {
    const what = `${s.name} (${s.metric})`;
    if (s.status === 'fail') {
      blocks.push(warn(s.value === null ? `${what} has no data, so it cannot be shown to meet its limit` : `${what} is ${withUnit(s.value, s.unit)}, over its limit of ${limitText(s.limit, s.unit)}`));
    } else if (s.status === 'not-demonstrated') {
      const bound = s.upper95 === null ? 'has no 95 % interval with one replication' : `has a 95 % upper bound of ${withUnit(s.upper95, s.unit)}, over the limit`;
      blocks.push(warn(`${what} is ${withUnit(s.value, s.unit)}, within its limit of ${limitText(s.limit, s.unit)}, but ${bound}: not demonstrated (more replications narrow the interval)`));
    }
  }
  const set = report.slos.filter((s) => !s.implicit).length;
  if (set === 0) blocks.push(line('no SLO set in the scenario besides unplacedVms (add an `slo:` section)'));
  blocks.push(line('PASS: the 95 % upper bound is within the limit · NOT DEMONSTRATED: only the value is · FAIL: the value is over the limit'));
  return { key: 'slos', title: 'SLOs', blocks };
}

/** The words after `Verdict:`. */
export function verdictText(report: Pick<Report, 'verdict' | 'slos'>): string {
  const worst = report.slos.filter((s) => s.status === report.verdict).map((s) => s.name);
  const which = report.verdict === 'pass' ? '' : ` (${worst.join(', ')})`;
  return `${SLO_STATUS_TEXT[report.verdict]}${which}`;
}

export function runDocument(report: Report): ReportDocument {
  const { scenario } = report;
  const intro: string[] = [];
  if (scenario.description) intro.push(scenario.description.trim().replace(/\s+/g, ' '));
  intro.push(`seed ${scenario.seed} · ${plural(scenario.replications, 'replication')} × ${fmtDuration(scenario.durationSeconds)} · step ${fmtDuration(scenario.stepSeconds)}`);
  const sections = [
    placementSection(report),
    cpuSection(report),
    memorySection(report),
    storageSection(report),
    bootSection(report),
    hostThreadsSection(report),
    networkSection(report),
    heartbeatsSection(report),
    sloSection(report),
  ].filter((s): s is Section => s !== null);
  return { title: `overcast: ${scenario.name}`, heading: `overcast report: ${scenario.name}`, intro, sections, conclusion: `Verdict: ${verdictText(report)}` };
}

/** How the OOM risk per host-month was decided (../study/risk.ts), in words; null for plain Monte Carlo. */
function riskMethodLine(risk: Report['memory']['oomRiskPerHostMonth']): string | null {
  const check = risk.crossCheck
    ? `; cross-check by ${RISK_METHOD_WORDS[risk.crossCheck.method]}: ${pct(risk.crossCheck.estimate)} (95 % CI ${pct(risk.crossCheck.lower95)}–${pct(risk.crossCheck.upper95)})`
    : '';
  const stopped = risk.stoppedEarly
    ? `; NOT DECIDED: stopped after ${risk.stoppedEarly.hostRuns} host-runs, as the interval straddles the limit and at its rate of narrowing ${risk.stoppedEarly.budgetHostRuns} host-runs would not separate it`
    : '';
  switch (risk.method) {
    case 'bound':
      return 'decided by a bound: every host\'s worst case (every VM fully backed, reserved memory, KSM metadata) fits in RAM + swap, so no kill is possible';
    case 'mechanism':
      return `decided by the mechanism: every host-run came to the same smallest headroom, ${fmt(risk.fixedHeadroomGiB ?? null)} GiB, also with every working set shifted 3 standard deviations up, so the margin is set by the model, not by chance (how it moves with the assumptions: overcast sensitivity)`;
    case 'importance':
      return `decided by importance sampling: working sets shifted ${fmt(risk.shift ?? null)} standard deviations, effective sample size ${fmt(risk.ess ?? null)}, ${risk.hits ?? 0} host-runs with a kill, ${fmt(risk.hostMonths)} host-months simulated in all${check}`;
    case 'tail':
      return `EXTRAPOLATED: ${risk.stoppedEarly ? 'estimated' : 'decided'} by a peaks-over-threshold tail fitted to each host-run's smallest headroom, ${risk.tailExceedances ?? '?'} of ${risk.trials} host-runs beyond its threshold${risk.tailExceedances !== null && risk.tailExceedances < 100 ? ' (fewer than the 100 its rule to decide was calibrated at, docs/risk.md)' : ''}; the estimate rests on a tail extrapolated beyond anything simulated${risk.upper95 === 0 ? ' (the fitted tail ends before headroom reaches zero, and its 95 % profile interval excludes that it reaches it)' : ''}${check}${stopped}`;
    default:
      return stopped ? `plain Monte Carlo (${risk.trials} host-runs)${check}${stopped}` : null;
  }
}

