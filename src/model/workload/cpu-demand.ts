/**
 * Parametric CPU demand: each VM's uncontended vCPU utilisation, interval by interval.
 *
 *     u(vm, step) = min(1, utilPct/100 · vmFactor(vm) · profile[hour(step)] · noise(vm, step))
 *
 * vmFactor (drawn once per replication) spreads mean load between VMs of a group; noise is drawn
 * independently per interval. Both are lognormal with mean 1 and the group's cv, so the mean
 * utilisation of the group stays `utilPct` (before the cap at 100 %). Each VM draws from its own
 * streams, so the sequence a VM sees does not depend on other VMs or on the order of evaluation.
 *
 * `fill` runs once per interval for the whole fleet (millions of VM-intervals per run), so the
 * state lives in typed arrays, the lognormal's parameters are computed once, and the per-interval
 * normals come from a RandomField (one sfc32 stream per VM, seeded from its `cpu-noise` stream;
 * ../random/normal-field.ts).
 */
import { noiseFactor } from '../random/distributions.js';
import type { StreamFactory } from '../random/streams.js';
import { RandomField } from '../random/normal-field.js';
import type { CpuWorkload } from '../scenario.js';

export interface DemandVm {
  name: string;
  workload: CpuWorkload;
}

export class CpuDemandField {
  readonly size: number;
  private readonly base: Float64Array;
  /** Lognormal noise with mean 1: exp(mu + sigma·Z), sigma² = ln(1 + cv²), mu = −sigma²/2. */
  private readonly sigma: Float64Array;
  private readonly mu: Float64Array;
  /** 24 hourly weights per VM, row-major. */
  private readonly profiles: Float64Array;
  private readonly noise: RandomField;
  /** Where each VM's utilisation goes in the output array. */
  private readonly slots: Int32Array;
  /** base · profile[hour] of each VM for `hour` (−1 before the first fill): the profile read strides 24 doubles per VM, so it is done once per hour. */
  private readonly hourly: Float64Array;
  private hour = -1;

  /** `slots[i]` is the output index of vms[i] (default: i). */
  constructor(vms: readonly DemandVm[], streams: StreamFactory, slots?: Int32Array) {
    this.slots = slots ?? Int32Array.from(vms, (_, i) => i);
    const n = vms.length;
    this.size = n;
    this.base = new Float64Array(n);
    this.sigma = new Float64Array(n);
    this.mu = new Float64Array(n);
    this.profiles = new Float64Array(24 * n);
    this.hourly = new Float64Array(n);
    vms.forEach((vm, i) => {
      const w = vm.workload;
      const factor = noiseFactor(streams.stream(`vm:${vm.name}`, 'cpu-factor'), w.vmCv);
      this.base[i] = (w.utilPct / 100) * factor;
      const sigma2 = Math.log(1 + w.noiseCv * w.noiseCv);
      this.sigma[i] = Math.sqrt(sigma2);
      this.mu[i] = -sigma2 / 2;
      this.profiles.set(w.profile, 24 * i);
    });
    this.noise = new RandomField(vms.map((vm) => streams.stream(`vm:${vm.name}`, 'cpu-noise')));
  }

  /**
   * Writes every VM's utilisation for the next interval, which starts at `hourOfDay` (0..24). Call
   * once per step, in order. With `state` given, only VMs with `state[i] === wanted` get a value;
   * the others' slots are left as they are (the caller writes them: a VM that is off or booting
   * has no workload demand), but their noise is drawn all the same, so every stream stays where
   * it would be. (Before a morning boot storm most of the fleet is off: the exponential of its
   * noise is skipped.)
   */
  fill(hourOfDay: number, out: Float64Array, state?: Uint8Array, wanted = 0): void {
    const hour = Math.floor(hourOfDay) % 24;
    const { base, sigma, mu, profiles, noise, slots, hourly } = this;
    if (hour !== this.hour) {
      for (let i = 0; i < this.size; i++) hourly[i] = base[i]! * profiles[24 * i + hour]!;
      this.hour = hour;
    }
    if (state) {
      for (let i = 0; i < this.size; i++) {
        const s = sigma[i]!;
        if (state[i]! !== wanted) {
          if (s > 0) noise.normal(i);
          continue;
        }
        let u = hourly[i]!;
        if (s > 0) u *= Math.exp(mu[i]! + s * noise.normal(i));
        out[slots[i]!] = u > 1 ? 1 : u;
      }
      return;
    }
    for (let i = 0; i < this.size; i++) {
      let u = hourly[i]!;
      const s = sigma[i]!;
      if (s > 0) u *= Math.exp(mu[i]! + s * noise.normal(i));
      out[slots[i]!] = u > 1 ? 1 : u;
    }
  }
}

/** Hour of day (0..24) at which step `k` starts. */
export function stepHour(startHour: number, stepSeconds: number, k: number): number {
  return (startHour + (k * stepSeconds) / 3600) % 24;
}
