/**
 * How far the fleet kernel's closed form (cpu/fleet.ts) is from the micro-level simulation on
 * mixed loads: VMs of 0.1 / 0.5 / 0.9 utilisation with 1–4 vCPUs on 8–16 pCPUs (FLEET_MIXES in
 * ./validation-cases.ts), exponential 10 ms bursts, 10 replications × 60 s each.
 *
 * CFS (the default scheduler) uses the quasi-static priority split: vCPUs binned by utilisation,
 * lightest first, each bin's waiting averaged over the lighter bins' busy-count distribution.
 * Measured fleet − micro with this test's runs (seed 2024):
 *
 *   host mean ready    mix1 +3.8 %  mix2 +0.4 %  mix3 +1.3 %  mix4 +1.9 %  mix5 +1.0 %  mix6 −2.4 %
 *   per class          within 13 % or 0.02 pp (worst: mix 4's 0.5-util VMs 0.178 % vs 0.158 %)
 *
 * Before this split the kernel divided waiting the processor-sharing way for CFS too, and was
 * 18–35 % high on the host mean with light VMs at 0.5–7.5 % ready where the simulation has ~0.
 *
 * FIFO keeps the processor-sharing split. Measured fleet − micro:
 *
 *   host mean ready    mix1 −6.0 %  mix2 −2.6 %  mix3 +2.5 %  mix4 −4.1 %  mix5 −9.7 %  mix6 ~0
 *   per class          light (0.1-util) VMs −22 … −47 %, heavy (0.9-util) VMs +9 … +19 %
 *
 * Why FIFO's split is off: a waking vCPU sees the host without itself (arrival theorem), so light
 * VMs wait relatively longer than one common stretch factor gives. Pinned as an expected failure.
 *
 * Asserted: CFS host mean within 6 % + 0.05 pp and per class within 15 % + 0.05 pp; FIFO host
 * mean within 12 % + 0.05 pp; utilisation within 1.5 % for both. The margins cover this run's own
 * sampling error (micro half-widths <= ~1.5 % of the host means).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cfsDefaults, fifoScheduler } from '../../src/model/cpu/scheduler.js';
import { fleetVsMicro, type FleetVsMicro } from './helpers.js';
import { BURST_SECONDS, FLEET_MEASURED_SECONDS, FLEET_MIXES, FLEET_REPLICATIONS, WARMUP_SECONDS } from './validation-cases.js';

const results = new Map<string, FleetVsMicro>();

/**
 * All simulations run up front, so an exception in them fails the file instead of satisfying an
 * `it.fails` below.
 */
beforeAll(() => {
  FLEET_MIXES.forEach((mix, m) => {
    for (const policy of ['fifo', 'cfs'] as const) {
      results.set(
        `${m}/${policy}`,
        fleetVsMicro(mix.pcpus, mix.classes, policy === 'cfs' ? cfsDefaults(mix.pcpus) : fifoScheduler(), {
          replications: FLEET_REPLICATIONS,
          measuredSeconds: FLEET_MEASURED_SECONDS,
          warmupSeconds: WARMUP_SECONDS,
          burstSeconds: BURST_SECONDS,
          seed: 2024,
        }),
      );
    }
  });
});

function compare(mixIndex: number, policy: 'fifo' | 'cfs'): FleetVsMicro {
  const result = results.get(`${mixIndex}/${policy}`);
  if (!result) throw new Error(`no result for mix ${mixIndex} / ${policy}`);
  return result;
}

/** |fleet − micro| <= relative·micro + absolute (shares 0..1). */
function within(fleet: number, micro: number, relative: number, absolute: number): boolean {
  return Math.abs(fleet - micro) <= relative * micro + absolute;
}

const HOST_RELATIVE_FIFO = 0.12;
const HOST_RELATIVE_CFS = 0.06;
const CLASS_RELATIVE = 0.15;
const ABSOLUTE = 0.0005; // 0.05 percentage points

describe('fleet kernel vs micro simulation on mixed loads', () => {
  FLEET_MIXES.forEach((mix, m) => {
    it(`${mix.label}: host mean ready within 6 % (CFS) / 12 % (FIFO) + 0.05 pp; utilisation within 1.5 %`, () => {
      const fifo = compare(m, 'fifo');
      expect(within(fifo.fleet.hostReady, fifo.micro.hostReady.mean, HOST_RELATIVE_FIFO, ABSOLUTE), `fleet ${fifo.fleet.hostReady} vs micro ${fifo.micro.hostReady.mean}`).toBe(true);
      expect(Math.abs(fifo.fleet.utilization / fifo.micro.utilization.mean - 1)).toBeLessThan(0.015);
      const cfs = compare(m, 'cfs');
      expect(within(cfs.fleet.hostReady, cfs.micro.hostReady.mean, HOST_RELATIVE_CFS, ABSOLUTE), `fleet ${cfs.fleet.hostReady} vs micro ${cfs.micro.hostReady.mean}`).toBe(true);
      expect(Math.abs(cfs.fleet.utilization / cfs.micro.utilization.mean - 1)).toBeLessThan(0.015);
    });

    it(`${mix.label}: per-VM-class ready within 15 % + 0.05 pp of the CFS simulation`, () => {
      const r = compare(m, 'cfs');
      mix.classes.forEach((c, k) => {
        expect(within(r.fleet.classReady[k]!, r.micro.classReady[k]!.mean, CLASS_RELATIVE, ABSOLUTE), `u ${c.u}: fleet ${r.fleet.classReady[k]} vs micro ${r.micro.classReady[k]!.mean}`).toBe(true);
      });
    });
  });

  // Expected failure, modelling gap (see the header): per-VM split vs FIFO, worst −47 %.
  it.fails('per-VM-class ready within 15 % + 0.05 pp of FIFO micro, every mix', () => {
    FLEET_MIXES.forEach((mix, m) => {
      const r = compare(m, 'fifo');
      mix.classes.forEach((_, k) => {
        expect(within(r.fleet.classReady[k]!, r.micro.classReady[k]!.mean, CLASS_RELATIVE, ABSOLUTE), `${mix.label}, class ${k}`).toBe(true);
      });
    });
  });
});
