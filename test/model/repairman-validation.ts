/**
 * Micro-level CPU model against the machine-repairman closed form M/M/P//n (shared by the FIFO
 * and CFS test files, which vitest runs in parallel on the two workers).
 *
 * The requirement: "with exponential bursts and gaps, n vCPUs on P pCPUs is the
 * machine-repairman model (M/M/P//n); the mean number of waiting vCPUs, hence ready %, has a
 * closed form. Match it within 2 % (with confidence intervals from replications) at several loads
 * up to 95 % utilisation."
 *
 * Why one closed form serves both schedulers: the number K of runnable vCPUs changes only when a
 * sleeping vCPU wakes (each of the n − K sleepers wakes at rate 1/Z, gaps being exponential) or a
 * running vCPU completes its burst. With exponential bursts a running vCPU's remaining work is
 * Exp(mean S) whatever it has already received, and neither FIFO nor CFS looks at remaining work
 * (CFS orders by vruntime, i.e. by service already received), so each of the running vCPUs
 * completes at rate 1/S. Both are work-conserving (a pCPU never idles while a vCPU is queued), so
 * min(K, P) vCPUs run. K is therefore the same birth–death chain under both, with
 * p(k+1)/p(k) = (n − k)·ρ / min(k + 1, P), ρ = S/Z (Kleinrock vol. 1 §3.8), and by symmetry every
 * vCPU's ready share is E[(K − P)+]/n. Slicing, sleeper credit and wake-up preemption only change
 * *which* vCPU waits, not how many.
 */
import { describe, expect, it } from 'vitest';
import { machineRepairman, repairmanMeanWakeDelay } from '../../src/model/cpu/queueing.js';
import type { SchedulerParams } from '../../src/model/cpu/scheduler.js';
import { closedMicro, compareWithTheory, readyFraction, replicate } from './helpers.js';
import { BURST_SECONDS, LOADS, REPLICATIONS, WARMUP_SECONDS } from './validation-cases.js';

/**
 * Defines the validation tests for one scheduler. `checkWakeDelay`: FIFO only, where the
 * wake-to-dispatch delay is the queueing delay of the M/M/P//n formula (under CFS a woken vCPU
 * may preempt, and a preempted one waits again later without a new wake-up).
 */
export function defineRepairmanValidation(schedulerName: string, scheduler: (pcpus: number) => SchedulerParams, checkWakeDelay: boolean): void {
  describe(`micro model vs M/M/P//n (${schedulerName}, exponential bursts and gaps)`, () => {
    for (const load of LOADS) {
      it(`ready share within 2 % of E[(K−P)+]/n: ${load.label}`, () => {
        const theory = machineRepairman(load.n, load.pcpus, load.u);
        const wakeDelays: number[] = [];
        const utilizations: number[] = [];
        const ready = replicate(REPLICATIONS, (replication) => {
          const result = closedMicro({
            n: load.n,
            pcpus: load.pcpus,
            utilization: load.u,
            burstSeconds: BURST_SECONDS,
            scheduler: scheduler(load.pcpus),
            measuredSeconds: load.measuredSeconds,
            warmupSeconds: WARMUP_SECONDS,
            seed: 2024,
            replication,
          });
          wakeDelays.push(result.schedDelayMs.mean());
          utilizations.push(result.busyCpuSeconds / (load.pcpus * result.measuredSeconds));
          return readyFraction(result, load.n);
        });
        const cmp = compareWithTheory(ready, theory.readyFraction);
        expect(cmp.relativeHalfWidth).toBeLessThan(0.01);
        expect(Math.abs(cmp.relativeError)).toBeLessThan(0.02);
        expect(cmp.theoryInInterval).toBe(true);

        // Same criterion for the pCPU utilisation E[min(K, P)]/P (busy seconds / (P · time)).
        const util = compareWithTheory(replicate(REPLICATIONS, (r) => utilizations[r]!), theory.pcpuUtilization);
        expect(util.relativeHalfWidth).toBeLessThan(0.01);
        expect(Math.abs(util.relativeError)).toBeLessThan(0.02);
        expect(util.theoryInInterval).toBe(true);

        if (checkWakeDelay) {
          // Mean wake-to-dispatch delay (histogram mean is exact: sum / count) against the
          // arrival-theorem formula; ms on both sides.
          const delayTheoryMs = repairmanMeanWakeDelay(load.n, load.pcpus, load.u, BURST_SECONDS) * 1000;
          const delay = compareWithTheory(replicate(REPLICATIONS, (r) => wakeDelays[r]!), delayTheoryMs);
          expect(delay.relativeHalfWidth).toBeLessThan(0.01);
          expect(Math.abs(delay.relativeError)).toBeLessThan(0.02);
          expect(delay.theoryInInterval).toBe(true);
        }
      });
    }
  });
}
