/**
 * Runs the micro-level CPU model for the VMs of one host: one thread per vCPU, bursts and gaps
 * from each VM group's workload, utilisation per step from the demand rows given.
 */
import { distributionCode, fixedCv } from '../random/distributions.js';
import type { StreamFactory } from '../random/streams.js';
import type { PlacedVm } from '../placement.js';
import type { VmGroup } from '../scenario.js';
import { runMicro, type MicroResult } from './micro.js';
import type { SchedulerParams } from './scheduler.js';

export interface HostMicroInput {
  pcpus: number;
  scheduler: SchedulerParams;
  vms: readonly PlacedVm[];
  groups: readonly VmGroup[];
  /** Uncontended utilisation per step and VM: rows[step * vms.length + vm]. */
  rows: Float64Array;
  steps: number;
  stepSeconds: number;
  sampleSeconds: number;
  warmupSeconds: number;
  streams: StreamFactory;
  /** Distinguishes independent runs for the same VMs (e.g. windows at different steps). */
  purpose: string;
  /** Per sample window: each VM's per-vCPU ready and run shares (0..1) in it. */
  onVmSample?: (sampleIndex: number, readyShare: Float64Array, runShare: Float64Array) => void;
  /** Per measured wake-up: the VM (index into `vms`), its wake-to-dispatch delay and the time since measuring began, s. */
  onWakeDelay?: (vm: number, delaySeconds: number, measuredSeconds: number) => void;
}

export function runHostMicro(input: HostMicroInput): MicroResult {
  const { vms, groups } = input;
  let threads = 0;
  for (const vm of vms) threads += vm.vcpus;
  const vmOfThread = new Int32Array(threads);
  const burstMeanSeconds = new Float64Array(threads);
  const burstDistribution = new Uint8Array(threads);
  const burstCv = new Float64Array(threads);
  const gapDistribution = new Uint8Array(threads);
  const gapCv = new Float64Array(threads);
  const rngs = [];
  let t = 0;
  for (let v = 0; v < vms.length; v++) {
    const vm = vms[v]!;
    const cpu = groups[vm.group]!.workload.cpu;
    for (let k = 0; k < vm.vcpus; k++, t++) {
      vmOfThread[t] = v;
      burstMeanSeconds[t] = cpu.burstMs / 1000;
      burstDistribution[t] = distributionCode(cpu.burstDistribution);
      burstCv[t] = fixedCv(cpu.burstDistribution) ?? cpu.burstCv;
      gapDistribution[t] = distributionCode(cpu.gapDistribution);
      gapCv[t] = fixedCv(cpu.gapDistribution) ?? cpu.gapCv;
      rngs.push(input.streams.stream(`vm:${vm.name}/vcpu:${k}`, input.purpose));
    }
  }
  const utilization = new Float64Array(input.steps * threads);
  for (let s = 0; s < input.steps; s++) {
    for (let th = 0; th < threads; th++) {
      utilization[s * threads + th] = input.rows[s * vms.length + vmOfThread[th]!]!;
    }
  }
  const readyShare = new Float64Array(vms.length);
  const runShare = new Float64Array(vms.length);
  const onVmSample = input.onVmSample;
  const onWakeDelay = input.onWakeDelay;
  return runMicro({
    pcpus: input.pcpus,
    scheduler: input.scheduler,
    threads,
    burstMeanSeconds,
    burstDistribution,
    burstCv,
    gapDistribution,
    gapCv,
    rngs,
    utilization,
    steps: input.steps,
    stepSeconds: input.stepSeconds,
    warmupSeconds: input.warmupSeconds,
    sampleSeconds: input.sampleSeconds,
    ...(onWakeDelay && { onWakeDelay: (t: number, delay: number, at: number) => onWakeDelay(vmOfThread[t]!, delay, at) }),
    ...(onVmSample && {
      onSample: (k: number, ready: Float64Array, run: Float64Array) => {
        readyShare.fill(0);
        runShare.fill(0);
        for (let th = 0; th < threads; th++) {
          const v = vmOfThread[th]!;
          readyShare[v]! += ready[th]!;
          runShare[v]! += run[th]!;
        }
        for (let v = 0; v < vms.length; v++) {
          const scale = 1 / (vms[v]!.vcpus * input.sampleSeconds);
          readyShare[v]! *= scale;
          runShare[v]! *= scale;
        }
        onVmSample(k, readyShare, runShare);
      },
    }),
  });
}

/**
 * Warm-up before measuring: threads start in their uncontended stationary state (see runMicro),
 * so the run only has to settle the contention itself; 10 burst cycles of the slowest vCPU
 * (burst / utilisation, utilisation floored at 5 %), within 0.5..10 s.
 */
export function autoWarmupSeconds(vms: readonly PlacedVm[], groups: readonly VmGroup[], meanUtil: (vm: number) => number): number {
  let longest = 0;
  vms.forEach((vm, v) => {
    const burst = groups[vm.group]!.workload.cpu.burstMs / 1000;
    const cycle = burst / Math.max(0.05, meanUtil(v));
    if (cycle > longest) longest = cycle;
  });
  return Math.min(10, Math.max(0.5, 10 * longest));
}
