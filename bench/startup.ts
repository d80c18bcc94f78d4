/**
 * Start-up of the `overcast` command as a user meets it (issue 14): a fresh Node process running
 * bin/overcast.js from the built dist/, measured from outside.
 *
 * - `run default --replications 1 --set duration=1h` on one thread: the time from process start to
 *   the first simulated step, read from a CPU profile of the run (`node --cpu-prof`, 1 ms
 *   samples): the first sample inside the model's `simulateReplication` (src/model/replication.ts), counted from the
 *   profile's start, which Node takes during its own bootstrap. Profiling slows the process a
 *   little, so the figure errs high. Also the whole run's wall time and its peak resident memory
 *   (its VmHWM at exit, from a preloaded module), which includes the
 *   simulated hour and the report, so it too errs high of the memory before the first step.
 * - `overcast validate default`: peak resident memory of a process that loads and places the same
 *   scenario but simulates nothing — the memory a run holds when its first step begins.
 * - `overcast --help`: wall time of the whole process.
 *
 * Each figure is the median of `runs` processes, to damp the noise of a shared machine.
 * Targets (issue 14): first step < 300 ms and < 80 MB; `--help` < 150 ms.
 */
import { spawnSync } from 'node:child_process';
import { median, runWithPeak } from './child.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StartupFigures {
  firstStepMs: number;
  runWallMs: number;
  runPeakRssMiB: number;
  loadPeakRssMiB: number;
  helpMs: number;
  /** Each row as the bench prints it: figure, target, met or not. */
  lines: string[];
}

interface CpuProfile {
  startTime: number;
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Milliseconds from the profile's start to its first sample with a function called `functionName`
 * on the stack, in a file whose URL contains `urlPart` (the bundle names its chunks by hash, so the
 * name is matched, not the file: there is one `simulateReplication` in src/).
 */
export function firstSampleIn(profile: CpuProfile, functionName: string, urlPart: string): number | undefined {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const inside = new Map<number, boolean>();
  const isInside = (id: number): boolean => {
    const known = inside.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const hit = (node.callFrame.functionName === functionName && node.callFrame.url.includes(urlPart)) || (parent.has(id) && isInside(parent.get(id)!));
    inside.set(id, hit);
    return hit;
  };
  let micros = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    micros += profile.timeDeltas[i]!;
    if (isInside(profile.samples[i]!)) return micros / 1000;
  }
  return undefined;
}

export function measureStartup(root: string, runs: number): StartupFigures {
  const bin = join(root, 'bin', 'overcast.js');
  const firstSteps: number[] = [];
  const walls: number[] = [];
  const rss: number[] = [];
  const helps: number[] = [];
  const loads: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'overcast-startup-'));
    try {
      const args = ['run', 'default', '--replications', '1', '--set', 'duration=1h', '--workers', '1', '-q'];
      const started = performance.now();
      const { child: run, peakMiB } = runWithPeak(['--cpu-prof', `--cpu-prof-dir=${dir}`], bin, args, { ...process.env, NO_COLOR: '1' });
      walls.push(performance.now() - started);
      if (run.status !== 0) throw new Error(`overcast run failed (${run.status}): ${run.stderr}`);
      if (peakMiB !== undefined) rss.push(peakMiB);
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      const profile = JSON.parse(readFileSync(join(dir, file!), 'utf8')) as CpuProfile;
      const first = firstSampleIn(profile, 'simulateReplication', '/dist/');
      if (first === undefined) throw new Error('the CPU profile of the run has no sample in simulateReplication');
      firstSteps.push(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const { child: validate, peakMiB: loadMiB } = runWithPeak([], bin, ['validate', 'default']);
    if (validate.status !== 0) throw new Error(`overcast validate failed (${validate.status}): ${validate.stderr}`);
    if (loadMiB !== undefined) loads.push(loadMiB);
    const started = performance.now();
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    helps.push(performance.now() - started);
    if (help.status !== 0) throw new Error(`overcast --help failed (${help.status}): ${help.stderr}`);
  }
  const firstStepMs = median(firstSteps);
  const runWallMs = median(walls);
  const runPeakRssMiB = median(rss);
  const helpMs = median(helps);
  const loadPeakRssMiB = median(loads);
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  return {
    firstStepMs,
    runWallMs,
    runPeakRssMiB,
    loadPeakRssMiB,
    helpMs,
    lines: [
      `process start to first simulated step ${firstStepMs.toFixed(0)} ms (median of ${runs}; whole 1 h run ${runWallMs.toFixed(0)} ms): target < 300 ms (issue 14): ${met(firstStepMs < 300)}`,
      `peak RSS loaded and placed, before the first step (validate) ${loadPeakRssMiB.toFixed(0)} MiB: target < 80 MB (issue 14): ${met(loadPeakRssMiB * 1.048576 < 80)}; whole 1 h run under the profiler ${runPeakRssMiB.toFixed(0)} MiB`,
      `overcast --help ${helpMs.toFixed(0)} ms wall: target < 150 ms (issue 14): ${met(helpMs < 150)}`,
    ],
  };
}
