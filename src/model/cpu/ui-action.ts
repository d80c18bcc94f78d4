/**
 * What a desktop user feels of CPU contention: how long one user-interface action (a click, a
 * keystroke that redraws a window) takes when it needs `workMs` of CPU at a full core's speed.
 *
 * The fleet kernel (./fleet.ts) divides a host's waiting among vCPUs with processor-sharing stretch
 * factors: a vCPU of a set with stretch s is runnable a share a of the time, running a/s and ready
 * a(1 − 1/s) of it, so s = (ready + running) / running, the wall time a runnable vCPU takes per
 * unit of CPU it gets. Under processor sharing a burst of x of CPU takes x·s on average whatever its
 * length: in M/G/1-PS, E[T | x] = x / (1 − ρ) (Kleinrock, "Queueing Systems" vol. 2, §4.4), and in
 * the kernel's repairman system s = E[K] / E[min(K, P)] = R / S (Little's law on the runnable and
 * the running). On SMT hardware the CPU a vCPU gets is a hardware thread running at σ of a core
 * (the host's speed, ./fleet.ts), so the action needs workMs / σ of thread time.
 *
 * Under CFS the stretch is capped at the fair-share bound max(1, active vCPUs / P): CFS runs every
 * runnable task within each scheduling period, so an action gets at least 1/R of a CPU with R
 * runnable; the kernel's bin split (strict priority of light over heavy vCPUs) would otherwise let
 * heavy VMs on a saturated host starve, which CFS does not do.
 *
 * The result is the action's mean time in one VM-interval; the report's p95 is over running
 * VM-intervals (how bad the worst 5 % of desktop-minutes are), not over single actions within one.
 */

/**
 * Time one action of `workMs` CPU work takes, ms, for a vCPU with ready and running shares (0..1)
 * on a host of speed σ, its stretch at most `maxStretch`.
 */
export function uiActionMs(workMs: number, ready: number, run: number, speed: number, maxStretch = Number.POSITIVE_INFINITY): number {
  // An idle vCPU (no demand this interval) gets its action's CPU as a light vCPU would: no stretch.
  const stretch = run > 0 ? (ready + run) / run : 1;
  return (workMs * (stretch < maxStretch ? stretch : maxStretch)) / (speed > 0 ? speed : 1);
}
