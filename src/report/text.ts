/**
 * The report as plain text for a terminal or a log, and as markdown for a ticket or a wiki.
 * Meaning never rests on colour: verdicts are written out (PASS/FAIL) and every number has its
 * unit in its row or column caption.
 */
import { fmt, fmtDuration, table } from './format.js';
import type { Report, ReportDistribution } from './report.js';

const COLUMNS = ['mean', 'p50', 'p95', 'p99', 'max'] as const;

function distributionRow(label: string, d: ReportDistribution): string[] {
  return [label, ...COLUMNS.map((c) => fmt(d[c]))];
}

function ci(d: ReportDistribution, which: 'mean' | 'p95' | 'p99'): string {
  return d.ci95 ? `${fmt(d.ci95[which][0])}–${fmt(d.ci95[which][1])}` : 'n/a (one replication)';
}

/** How an operator reads CPU ready (VMware guidance, ../shared/reference/calibration.md §3). */
function readyAdvice(p95: number | null): string {
  if (p95 === null) return '';
  if (p95 < 5) return 'below 5 %: users should not notice';
  if (p95 < 10) return '5–10 %: noticeable slowdowns';
  return 'above 10 %: a problem for interactive work';
}

export function renderText(report: Report): string {
  const { scenario, placement, cpu } = report;
  const out: string[] = [];
  out.push(`overcast: ${scenario.name}`);
  if (scenario.description) out.push(...wrap(scenario.description.trim(), 96).map((l) => `  ${l}`));
  out.push(
    `  seed ${scenario.seed} · ${scenario.replications} replication${scenario.replications === 1 ? '' : 's'} × ${fmtDuration(scenario.durationSeconds)} · step ${fmtDuration(scenario.stepSeconds)}`,
  );
  out.push('');

  out.push(`Placement (${placement.policy}; allocation ratios cpu ${fmt(placement.cpuAllocationRatio)}, ram ${fmt(placement.ramAllocationRatio)})`);
  out.push(`  hosts ${placement.hosts} · VMs placed ${placement.vms} · unplaced ${placement.unplaced}`);
  for (const u of placement.unplacedByGroup) out.push(`  ! ${u.count} VM${u.count === 1 ? '' : 's'} of group ${u.group} did not fit (${u.reason})`);
  out.push(
    `  vCPU:pCPU ${fmt(placement.vcpuPerPcpu)} (${placement.vcpus} vCPUs on ${placement.pcpus} pCPUs) · RAM allocated ${fmt(placement.memoryAllocatedGiB)} of ${fmt(placement.memoryUsableGiB)} GiB usable (${fmt(placement.memoryAllocatedPct)} %)`,
  );
  out.push('');

  const how =
    cpu.method === 'micro'
      ? 'micro-level simulation of every burst'
      : `fleet kernel (closed-form queueing per host and interval), checked by ${cpu.microCheck.windows} micro-simulated windows`;
  out.push(`CPU contention (${how})`);
  out.push(
    ...table([
      ['', ...COLUMNS],
      distributionRow('ready % per vCPU-interval', cpu.readyPct),
      distributionRow('scheduling delay ms per wake-up', cpu.schedDelayMs),
      distributionRow('host pCPU utilisation %', cpu.hostUtilPct),
    ]),
  );
  out.push(`  ready % p95: 95 % CI ${ci(cpu.readyPct, 'p95')} · ${readyAdvice(cpu.readyPct.p95)}`);
  if (cpu.byGroup.length > 1) {
    out.push('  by VM group (ready %):');
    out.push(...table([['', ...COLUMNS], ...cpu.byGroup.map((g) => distributionRow(g.name, g.readyPct))], '    '));
  }
  if (cpu.method === 'fleet' && cpu.microCheck.windows > 0) {
    out.push(
      `  cross-check on the micro windows: ready % mean ${fmt(cpu.microCheck.microReadyPct)} simulated vs ${fmt(cpu.microCheck.fleetReadyPct)} closed form`,
    );
  }
  const worst = [...cpu.byHost].sort((a, b) => (b.readyPctMean ?? 0) - (a.readyPctMean ?? 0)).slice(0, 3);
  if (worst.length > 0) {
    out.push('  busiest hosts:');
    out.push(
      ...table(
        [
          ['host', 'VMs', 'vCPU/pCPU', 'ready % mean', 'ready % max', 'util % mean', 'util % max'],
          ...worst.map((h) => [h.name, String(h.vms), fmt(h.vcpus / h.pcpus), fmt(h.readyPctMean), fmt(h.readyPctMax), fmt(h.utilPctMean), fmt(h.utilPctMax)]),
        ],
        '    ',
      ),
    );
  }
  out.push('');

  out.push(...memoryLines(report), '');
  const io = ioLines(report);
  if (io.length > 0) out.push(...io, '');
  const latency = latencyLines(report);
  if (latency.length > 0) out.push(...latency, '');

  out.push('SLOs');
  if (report.slos.length === 0) out.push('  none set (add an `slo:` section to the scenario)');
  for (const s of report.slos) {
    const upper = s.upper95 !== null ? ` (95 % upper ${fmt(s.upper95)})` : '';
    out.push(`  ${s.pass ? 'PASS' : 'FAIL'}  ${s.name}: ${s.metric} ${fmt(s.value)} ${s.unit}${upper} ${s.pass ? '<=' : '>'} limit ${fmt(s.limit)} ${s.unit}`);
    // `run` judges the point value; `recommend` the interval's upper end. Say when they differ.
    if (s.pass && s.upper95 !== null && s.upper95 > s.limit) out.push(`        not demonstrated at 95 %: the upper bound is over the limit (more replications narrow it; \`overcast recommend\` judges on it)`);
  }
  out.push('');
  out.push(`Verdict: ${report.verdict.toUpperCase()}`);
  return `${out.join('\n')}\n`;
}

/** Percent with its interval, for a probability (0..1). */
function pct(p: number | null): string {
  return p === null ? 'n/a' : `${fmt(100 * p)} %`;
}

function memoryLines(report: Report): string[] {
  const m = report.memory;
  const out: string[] = ['Memory'];
  out.push(
    `  peak backed memory (before KSM): worst host ${fmt(m.backedPeakPct.worst)} % of RAM, mean over hosts ${fmt(m.backedPeakPct.mean)} %; needed after KSM and balloons: worst ${fmt(m.neededPeakPct.worst)} %`,
  );
  if ((m.ksmSavedGiB.max ?? 0) > 0 || m.ksmConvergeMinutes) {
    const converge = m.ksmConvergeMinutes
      ? m.ksmConvergeMinutes.hosts > 0
        ? `; 90 % merged ${fmt(m.ksmConvergeMinutes.mean)} min after a host's last boot (worst ${fmt(m.ksmConvergeMinutes.max)} min${m.ksmConvergeMinutes.notReached > 0 ? `, ${m.ksmConvergeMinutes.notReached} host-runs not within the run` : ''})`
        : `; not 90 % merged within the run on any host after its boots`
      : '';
    out.push(`  KSM saved per host: mean ${fmt(m.ksmSavedGiB.mean)} GiB, max ${fmt(m.ksmSavedGiB.max)} GiB${converge}; ksmd ${fmt(m.ksmdCoresMean)} cores per host`);
  }
  out.push(`  swap: peak ${fmt(m.swapPeakGiB.mean)} GiB (mean of replications' worst host; max ${fmt(m.swapPeakGiB.max)} GiB)${(m.swapStallHostMinutes ?? 0) > 0 ? `; swap device too slow for ${fmt(m.swapStallHostMinutes)} host-minutes per run` : ''}`);
  const risk = m.oomRiskPerHostMonth;
  const run = m.oomRiskPerHostRun;
  const runLength = run.runDays !== null ? fmtDuration(run.runDays * 86_400) : 'run';
  out.push(
    `  OOM kills: ${m.oomKills.total}; hosts with a kill: ${risk.hostsWithKill} of ${risk.trials} host-runs of ${runLength} (${fmt(risk.hostMonths)} host-months)`,
  );
  out.push(`  OOM risk per host and ${runLength}: ${pct(run.estimate)} (95 % CI ${pct(run.lower95)}–${pct(run.upper95)}); per host-month: ${pct(risk.estimate)} (95 % CI ${pct(risk.lower95)}–${pct(risk.upper95)})`);
  if ((risk.upper95 ?? 0) > 0.5 && risk.hostsWithKill === 0) {
    out.push(`  (no kill seen, but ${risk.trials} host-runs cannot bound a monthly risk tightly: add replications or run longer)`);
  }
  for (const k of m.kills.slice(0, 5)) {
    out.push(`  ! replication ${k.replication}, ${fmtDuration(k.timeSeconds)}: ${k.host} killed ${k.vm} (needed ${fmt(k.neededGiB)} GiB, RAM + swap ${fmt(k.capacityGiB)} GiB)`);
  }
  if (m.kills.length > 5) out.push(`  … ${m.oomKills.total - 5} more kills (see the JSON report)`);
  if (m.slowVms.length > 0) {
    out.push(`  VMs slowed by swapped working sets (worst ${m.slowVms.length}): ${m.slowVms.map((v) => `${v.vm} ×${fmt(v.slowdownMax)} for ${fmt(v.swappedMinutes)} min`).join(', ')}`);
  }
  return out;
}

function ioLines(report: Report): string[] {
  const { io, boot } = report;
  if ((boot.count ?? 0) === 0 && (io.utilPct.max ?? 0) === 0) return [];
  const limit = [boot.maxPerHost !== null ? `at most ${boot.maxPerHost} boots per host` : '', boot.maxPerDatastore !== null ? `${boot.maxPerDatastore} per datastore` : '']
    .filter(Boolean)
    .join(', ');
  const out: string[] = [`Storage and boots (${io.devices} device${io.devices === 1 ? '' : 's'}; ${limit || 'no boot limit'})`];
  const rows: string[][] = [['', ...COLUMNS], distributionRow('device utilisation % per device-interval', io.utilPct), distributionRow('IO latency ms per IO', io.latencyMs)];
  if ((boot.count ?? 0) > 0) {
    rows.push(distributionRow('boot time s (admission to up)', boot.seconds));
    for (const b of boot.secondsByOs) if (boot.secondsByOs.length > 1) rows.push(distributionRow(`  ${b.os}`, b.seconds));
    rows.push(distributionRow('wait for admission s', boot.queuedSeconds));
    rows.push(distributionRow('latency of boot IOs ms', boot.ioLatencyMs));
  }
  out.push(...table(rows));
  if ((io.steadyShortfallPct ?? 0) >= 10) {
    out.push(`  ! running VMs got ${fmt(100 - (io.steadyShortfallPct ?? 0))} % of the steady IOPS they wanted: the storage is undersized for the steady load`);
  }
  if ((boot.count ?? 0) > 0) {
    out.push(
      `  ${fmt(boot.count)} boots per replication${(boot.unfinished ?? 0) > 0 ? `, ${fmt(boot.unfinished)} unfinished at the end` : ''}; storm from first request to last boot ${boot.stormMinutes ? `${fmt(boot.stormMinutes.mean)} min (max ${fmt(boot.stormMinutes.max)})` : 'n/a'}`,
    );
  }
  return out;
}

/** Host threads, network paths and heartbeats, when the scenario models them (docs/latency.md). */
export function latencyLines(report: Report): string[] {
  const { hostThreads, network, heartbeats } = report;
  const device = (['qemu', 'vhost', 'iothread', 'daemons'] as const).some((k) => (hostThreads.cpuPct[k] ?? 0) > 0);
  if (!device && network.vms.length === 0 && heartbeats.length === 0) return [];
  const out: string[] = ['Host threads (CPU % of all pCPUs · cores per host · busiest thread % of a core)'];
  out.push(
    ...table(
      [
        ['', 'qemu', 'vhost', 'iothread', 'ksmd', 'daemons'],
        ['CPU % of pCPUs', ...(['qemu', 'vhost', 'iothread', 'ksmd', 'daemons'] as const).map((k) => fmt(hostThreads.cpuPct[k]))],
        ['cores per host', ...(['qemu', 'vhost', 'iothread', 'ksmd', 'daemons'] as const).map((k) => fmt(hostThreads.coresPerHost[k]))],
        ['busiest thread %', ...(['qemu', 'vhost', 'iothread', 'ksmd', 'daemons'] as const).map((k) => fmt(hostThreads.maxThreadPct[k]))],
      ],
      '  ',
    ),
  );
  if (network.vms.length > 0) {
    out.push(`Network (host NIC ${fmt(network.nicGbps)} Gbit/s)`);
    const shown = network.vms.slice(0, 12);
    out.push(...table([['VM', 'host', 'demand Gbit/s', 'achieved Gbit/s', 'bottleneck'], ...shown.map((v) => [v.name, v.host, fmt(v.demandGbps), fmt(v.achievedGbps), v.bottleneck])], '  '));
    if (network.vms.length > shown.length) out.push(`  … ${network.vms.length - shown.length} more VMs in the JSON report`);
  }
  for (const hb of heartbeats) {
    out.push(`Heartbeat ${hb.name} (${hb.master} → ${hb.backup}, every ${fmt(hb.intervalMs)} ms, master down after ${fmt(hb.masterDownMs)} ms)`);
    out.push(...table([['', ...COLUMNS], distributionRow('gap between adverts ms', hb.gapMs), distributionRow('advert delay ms', hb.delayMs)], '  '));
    const range = (x: [number | null, number | null]): string => `${fmt(x[0])}–${fmt(x[1])}`;
    out.push(
      `  failovers ${fmt(hb.failoversPerDay)}/day (95 % ${range(hb.ci95.failoversPerDay)}) · flaps ${fmt(hb.flapsPerDay)}/day (95 % ${range(hb.ci95.flapsPerDay)}) · ${fmt(hb.lost)} of ${fmt(hb.sent)} adverts lost`,
    );
    out.push(`  QEMU main loop stalled (BQL) ${fmt(hb.mainLoopStallPct.master)} % (master) / ${fmt(hb.mainLoopStallPct.backup)} % (backup) of the time · ${fmt(hb.stalledAdverts)} adverts held by a stall`);
  }
  return out;
}

export function renderMarkdown(report: Report): string {
  const { scenario, placement, cpu } = report;
  const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const out: string[] = [];
  out.push(`# overcast report: ${scenario.name}`, '');
  if (scenario.description) out.push(scenario.description.trim(), '');
  out.push(`Seed ${scenario.seed}, ${scenario.replications} replications of ${fmtDuration(scenario.durationSeconds)}, step ${fmtDuration(scenario.stepSeconds)}.`, '');
  out.push('## Placement', '');
  out.push(row(['hosts', 'VMs placed', 'unplaced', 'vCPU:pCPU', 'RAM allocated (GiB)', 'RAM allocated (%)', 'cpu ratio', 'ram ratio', 'policy']));
  out.push(row(Array(9).fill('---')));
  out.push(
    row([
      String(placement.hosts),
      String(placement.vms),
      String(placement.unplaced),
      fmt(placement.vcpuPerPcpu),
      `${fmt(placement.memoryAllocatedGiB)} of ${fmt(placement.memoryUsableGiB)}`,
      fmt(placement.memoryAllocatedPct),
      fmt(placement.cpuAllocationRatio),
      fmt(placement.ramAllocationRatio),
      placement.policy,
    ]),
    '',
  );
  out.push(`## CPU contention (${cpu.method})`, '');
  out.push(row(['metric', ...COLUMNS]));
  out.push(row(Array(6).fill('---')));
  out.push(row(distributionRow('ready % per vCPU-interval', cpu.readyPct)));
  out.push(row(distributionRow('scheduling delay (ms)', cpu.schedDelayMs)));
  out.push(row(distributionRow('host utilisation (%)', cpu.hostUtilPct)), '');
  out.push('## SLOs', '');
  if (report.slos.length === 0) out.push('None set.', '');
  else {
    out.push(row(['SLO', 'metric', 'value', '95 % upper', 'limit', 'result']));
    out.push(row(Array(6).fill('---')));
    for (const s of report.slos) out.push(row([s.name, s.metric, `${fmt(s.value)} ${s.unit}`, s.upper95 === null ? 'n/a' : `${fmt(s.upper95)} ${s.unit}`, `${fmt(s.limit)} ${s.unit}`, s.pass ? 'PASS' : 'FAIL']));
    out.push('');
  }
  out.push(`**Verdict: ${report.verdict.toUpperCase()}**`, '');
  return out.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
  }
  return lines;
}
