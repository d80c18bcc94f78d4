/**
 * Host CPU scheduler parameters.
 *
 * `cfs` approximates Linux CFS (kernels before 6.6) with one run queue for the whole host: the
 * runnable thread with the least virtual runtime runs next; a running thread is preempted at the
 * end of its slice if another has less virtual runtime; a waking thread gets sleeper credit
 * (vruntime placed at min_vruntime − latency/2, GENTLE_FAIR_SLEEPERS) and preempts the running
 * thread with the most vruntime when it leads by more than the wakeup granularity.
 * Defaults from kernel/sched/fair.c: sched_latency 6 ms·f, min_granularity 0.75 ms·f,
 * wakeup_granularity 1 ms·f with f = 1 + log2(min(ncpu, 8)), i.e. 24 / 3 / 4 ms on hosts with
 * 8 or more CPUs (../shared/reference/calibration.md §3).
 *
 * `fifo` runs every burst to completion in wake-up order: the scheduler without time slice used by
 * the reference benchmark and by the M/M/P//n waiting-time formulas.
 *
 * Simplification: real CFS keeps a run queue per CPU and balances load between them; a single
 * queue is the limit of perfect balancing, so it slightly understates ready time on real hosts.
 * KVM runs each vCPU as an ordinary thread and does not co-schedule a VM's vCPUs, so there is no
 * co-stop here (VMware's %CSTP).
 */

export const SCHEDULER_POLICIES = ['cfs', 'fifo'] as const;
export type SchedulerPolicy = (typeof SCHEDULER_POLICIES)[number];

export interface SchedulerParams {
  policy: SchedulerPolicy;
  /** sched_latency: target period in which every runnable thread runs once. */
  latencySeconds: number;
  /** sched_min_granularity: shortest slice. */
  minGranularitySeconds: number;
  /** sched_wakeup_granularity: vruntime lead a waking thread needs to preempt. */
  wakeupGranularitySeconds: number;
}

/** CFS scaling factor f = 1 + log2(min(ncpu, 8)) (SCHED_TUNABLESCALING_LOG). */
export function cfsScale(cpus: number): number {
  return 1 + Math.log2(Math.min(Math.max(1, cpus), 8));
}

/** Linux CFS defaults for a host with `cpus` CPUs. */
export function cfsDefaults(cpus: number): SchedulerParams {
  const f = cfsScale(cpus);
  return {
    policy: 'cfs',
    latencySeconds: 0.006 * f,
    minGranularitySeconds: 0.00075 * f,
    wakeupGranularitySeconds: 0.001 * f,
  };
}

export function fifoScheduler(): SchedulerParams {
  return { policy: 'fifo', latencySeconds: 0, minGranularitySeconds: 0, wakeupGranularitySeconds: 0 };
}

/** Scheduler parameters for one host: CFS defaults for its CPU count, with the scenario's overrides. */
export function resolveScheduler(
  spec: { policy: SchedulerPolicy; latencyMs?: number | undefined; minGranularityMs?: number | undefined; wakeupGranularityMs?: number | undefined },
  pcpus: number,
): SchedulerParams {
  if (spec.policy === 'fifo') return fifoScheduler();
  const defaults = cfsDefaults(pcpus);
  return {
    policy: 'cfs',
    latencySeconds: spec.latencyMs !== undefined ? spec.latencyMs / 1000 : defaults.latencySeconds,
    minGranularitySeconds: spec.minGranularityMs !== undefined ? spec.minGranularityMs / 1000 : defaults.minGranularitySeconds,
    wakeupGranularitySeconds:
      spec.wakeupGranularityMs !== undefined ? spec.wakeupGranularityMs / 1000 : defaults.wakeupGranularitySeconds,
  };
}
