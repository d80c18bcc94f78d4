/**
 * A command measured in a fresh Node process, and the median the bench judges repeated figures by.
 * The startup and import cases both read a child's own peak memory this way; one place keeps the
 * probe and how its figure is read back.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

/**
 * Peak RSS (KiB) of the child, written to stderr at exit by a preloaded module: VmHWM from
 * /proc/self/status, the high-water mark of the child's own memory. Not resourceUsage().maxRSS:
 * on Linux a process's maxrss starts at its parent's when it was forked, so inside `npm run bench`
 * (a bench process of ~200 MiB by then) every child reported about that. maxRSS where there is no /proc.
 */
const RSS_PROBE = `data:text/javascript,import{readFileSync}from'node:fs';process.on('exit',()=>{let k;try{k=Number(/VmHWM:\\s*(\\d+)/.exec(readFileSync('/proc/self/status','utf8'))[1])}catch{k=process.resourceUsage().maxRSS}process._rawDebug('overcast-bench-maxrss '+k)})`;

/**
 * Runs `node [nodeArgs…] --import <probe> <script> [args…]` to its end: the child's result and its
 * peak RSS in MiB (undefined when the probe wrote none, as when the child was killed).
 */
export function runWithPeak(nodeArgs: readonly string[], script: string, args: readonly string[], env?: NodeJS.ProcessEnv): { child: SpawnSyncReturns<string>; peakMiB: number | undefined } {
  const child = spawnSync(process.execPath, [...nodeArgs, '--import', RSS_PROBE, script, ...args], { encoding: 'utf8', ...(env ? { env } : {}) });
  const kib = /overcast-bench-maxrss (\d+)/.exec(child.stderr ?? '');
  return { child, peakMiB: kib ? Number(kib[1]) / 1024 : undefined };
}

/** The median of `xs` (the lower of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
}
