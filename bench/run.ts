/**
 * `npm run bench`: throughput and memory of overcast's engines on fixed, seeded workloads.
 * Prints figures; asserts nothing (performance is tracked by reading these, not by timed tests).
 *
 * Cases:
 * 1. reference: the model other simulators can run too — 1 host, 8 pCPUs, 16 single-vCPU VMs at
 *    80 % of capacity (uncontended utilisation 0.4 each, so offered load 6.4 of 8 pCPUs),
 *    exponential bursts (mean 1 s of CPU) and gaps, run-to-completion scheduler, 10 million
 *    bursts. SimPy runs this at about 0.16 and SimGrid at 0.27 million bursts/s on these machines.
 * 2. micro-cfs: a realistic host — 30 pCPUs, 120 vCPUs at 20 %, 10 ms bursts, Linux CFS.
 * 3. fleet: the per-interval kernel on a month of 5-minute intervals for 1,000 VMs on 32 hosts
 *    (8.64 million VM-intervals), micro windows off, with the CFS split (the default) and the
 *    FIFO split (processor sharing; cheaper, less faithful to CFS).
 * 4. load: parsing and validating the bundled default scenario (includes the lazy mathjs import).
 *
 * Run with `--quick` for a 10× smaller version of every case (a smoke test of this script).
 */
import { exponentialThreads, runMicro } from '../src/model/cpu/micro.js';
import { machineRepairman } from '../src/model/cpu/queueing.js';
import { cfsDefaults, fifoScheduler } from '../src/model/cpu/scheduler.js';
import { createStream } from '../src/model/random/streams.js';
import { runStudy } from '../src/model/run.js';
import type { ModelScenario } from '../src/model/scenario.js';
import { loadScenarioFile } from '../src/scenarios/load.js';
import { bundledScenario } from '../src/cli/paths.js';

const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;

interface Figure {
  case: string;
  seconds: number;
  throughput: string;
  extra: string;
  heapMiB: number;
  rssMiB: number;
}
const figures: Figure[] = [];

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function measure(name: string, body: () => Promise<{ throughput: string; extra: string }> | { throughput: string; extra: string }): Promise<void> {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let peakHeap = heapBefore;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
  const started = performance.now();
  const { throughput, extra } = await body();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  figures.push({ case: name, seconds, throughput, extra, heapMiB: mib(peakHeap - heapBefore), rssMiB: mib(process.memoryUsage().rss) });
  process.stderr.write(`  ${name}: ${seconds.toFixed(2)} s\n`);
}

// 1. reference case
await measure('reference (8 pCPU, 16 vCPU, fifo)', () => {
  const n = 16;
  const pcpus = 8;
  const u = 0.4;
  const targetBursts = 10_000_000 * scale;
  const theory = machineRepairman(n, pcpus, u);
  // Throughput is meanRunning bursts per second (mean burst 1 s): run long enough for the target.
  const seconds = targetBursts / theory.meanRunning;
  const rngs = Array.from({ length: n }, (_, i) => createStream(1, 0, `vm-${i}`, 'cpu'));
  const started = performance.now();
  const r = runMicro({
    pcpus,
    scheduler: fifoScheduler(),
    ...exponentialThreads(n, 1),
    rngs,
    utilization: new Float64Array(n).fill(u),
    steps: 1,
    stepSeconds: seconds,
    warmupSeconds: 0,
    sampleSeconds: seconds,
  });
  const wall = (performance.now() - started) / 1000;
  let ready = 0;
  for (const x of r.readySeconds) ready += x;
  const readyFraction = ready / (n * seconds);
  return {
    throughput: `${(r.bursts / wall / 1e6).toFixed(2)} M bursts/s, ${(r.events / wall / 1e6).toFixed(2)} M events/s`,
    extra: `${(r.bursts / 1e6).toFixed(1)} M bursts; ready ${(readyFraction * 100).toFixed(3)} % vs M/M/8//16 ${(theory.readyFraction * 100).toFixed(3)} %`,
  };
});

// 2. realistic CFS host
await measure('micro-cfs (30 pCPU, 120 vCPU @ 20 %, 10 ms)', () => {
  const n = 120;
  const pcpus = 30;
  const u = 0.2;
  const seconds = 600 * scale;
  const rngs = Array.from({ length: n }, (_, i) => createStream(1, 0, `vm-${i}`, 'cpu'));
  const started = performance.now();
  const r = runMicro({
    pcpus,
    scheduler: cfsDefaults(pcpus),
    ...exponentialThreads(n, 0.01),
    rngs,
    utilization: new Float64Array(n).fill(u),
    steps: 1,
    stepSeconds: seconds,
    warmupSeconds: 1,
    sampleSeconds: seconds,
  });
  const wall = (performance.now() - started) / 1000;
  return {
    throughput: `${(r.bursts / wall / 1e6).toFixed(2)} M bursts/s, ${(r.events / wall / 1e6).toFixed(2)} M events/s`,
    extra: `${(r.bursts / 1e6).toFixed(1)} M bursts, ${r.schedDelayMs.count} wake-ups measured`,
  };
});

// 3. fleet kernel, with each way of dividing the waiting among VMs.
for (const policy of ['cfs', 'fifo'] as const) {
  await measure(`fleet, ${policy} split (1,000 VMs × 30 days of 5-min steps)`, () => {
    const days = 30 * scale;
    const scenario = fleetScenario(days, policy);
    const started = performance.now();
    const study = runStudy(scenario);
    const wall = (performance.now() - started) / 1000;
    const vmIntervals = study.placement.vms.length * study.steps;
    return {
      throughput: `${(vmIntervals / wall / 1e6).toFixed(2)} M VM-intervals/s`,
      extra: `${(vmIntervals / 1e6).toFixed(2)} M VM-intervals, ${study.placement.hosts.length * study.steps} host-intervals, ready p95 ${study.cpu.readyPct.p95.toFixed(2)} %`,
    };
  });
}

// 4. scenario loading
await measure('load default.yaml (first, with mathjs import)', async () => {
  const started = performance.now();
  const loaded = await loadScenarioFile(bundledScenario('default'));
  const first = performance.now() - started;
  const again = performance.now();
  for (let i = 0; i < 20; i++) await loadScenarioFile(bundledScenario('default'));
  const each = (performance.now() - again) / 20;
  return { throughput: `${first.toFixed(0)} ms first load`, extra: `${each.toFixed(1)} ms per load after; ok=${String(loaded.ok)}` };
});

/** 1,000 two-vCPU VMs on 32 hosts of 30 pCPUs at CPU ratio 4, busy by day: most host-intervals are contended. */
function fleetScenario(days: number, policy: 'cfs' | 'fifo'): ModelScenario {
  return {
    name: 'bench-fleet',
    seed: 1,
    replications: 1,
    durationSeconds: days * 86_400,
    stepSeconds: 300,
    startHour: 0,
    overcommit: { cpu: 4, memory: 1.5 },
    placement: 'spread',
    hosts: [{ name: 'h', count: 32, cpu: { cores: 32, reservedCores: 2 }, memory: { totalGiB: 256, reservedGiB: 8, swapGiB: 0 } }],
    vms: [
      {
        name: 'vm',
        count: 1000,
        vcpus: 2,
        memoryGiB: 4,
        os: 'linux',
        image: 'vm',
        workload: {
          cpu: {
            utilPct: 30,
            burstMs: 10,
            burstDistribution: 'exponential',
            burstCv: 1,
            gapDistribution: 'exponential',
            gapCv: 1,
            profile: Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 1.6 : 0.52)),
            vmCv: 0.5,
            noiseCv: 0.3,
          },
        },
      },
    ],
    scheduler: { policy },
    cpuModel: { resolution: 'fleet', microBudgetBursts: 0, microWindows: 0, microWindowSeconds: 10 },
    slo: {},
  };
}

const rows = [['case', 'wall s', 'throughput', 'detail', 'heap Δ MiB', 'RSS MiB'], ...figures.map((f) => [f.case, f.seconds.toFixed(2), f.throughput, f.extra, String(f.heapMiB), String(f.rssMiB)])];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
process.stdout.write(`overcast bench${quick ? ' (--quick: 10× smaller)' : ''} on Node ${process.version}\n`);
for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
