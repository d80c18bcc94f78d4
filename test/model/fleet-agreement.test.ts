/**
 * How far the fleet kernel's closed-form approximation (cpu/fleet.ts) is from the micro-level
 * simulation on mixed loads: VMs of 0.1 / 0.5 / 0.9 utilisation with 1–4 vCPUs on 8–16 pCPUs
 * (FLEET_MIXES in ./validation-cases.ts), exponential 10 ms bursts, 10 replications × 60 s each.
 *
 * Reference measurement (20 replications × 200 s, seed 2024; micro 95 % half-widths <= 0.05 pp
 * on the host means), fleet − micro:
 *
 *   FIFO, host vCPU-weighted mean ready   mix1 −0.34 pp (−6.8 %)   mix2 −0.11 pp (−2.1 %)
 *                                         mix3 +0.08 pp (+2.4 %)   mix4 −0.10 pp (−4.0 %)
 *                                         mix5 −0.13 pp (−9.4 %)   mix6 −0.022 pp (kernel 0)
 *   FIFO, per VM class                    −47 % (0.1-util VMs, mix 3) … +19 % (0.9-util, mix 4);
 *                                         up to 1.5 pp absolute (0.9-util VMs, mix 1)
 *   CFS, host mean ready                  +0.20 … +1.34 pp (+18 % … +35 %), mix6 −0.022 pp
 *   CFS, per VM class                     0.1/0.5-util VMs: kernel 0.5–7.5 % vs micro ~0–0.5 %;
 *                                         0.9-util VMs: kernel 4–13 % vs micro 6–22 % (−58 %)
 *   pCPU utilisation                      within 0.6 % (FIFO), 1.2 % (CFS)
 *
 * Why: the kernel splits the waiting among VMs with one processor-sharing stretch factor. Under
 * FIFO a waking vCPU sees the host without itself (arrival theorem), so light VMs see more load
 * than heavy ones and wait relatively longer than a proportional split gives. Under CFS, sleeper
 * credit and wake-up preemption let VMs below their fair share run almost at once, and the heavy
 * VMs absorb nearly all the ready time — and because which vCPUs are runnable now depends on the
 * discipline, even the host total differs from FIFO's. In mix 6 (10 vCPUs on 8 pCPUs) the moment
 * match rounds n to 7 <= P and predicts no contention at all.
 *
 * Asserted (passing): the host mean against FIFO within 12 % + 0.05 pp (worst measured 9.4 %,
 * the margin covers this run's own sampling error, half-width <= ~1.5 % of the mean; 0.05 pp
 * absorbs mix 6's 0.022 pp) and utilisation within 1.5 % for both schedulers (worst 1.2 %).
 * Pinned as expected failures (`it.fails`): the per-VM split against either scheduler and the
 * host mean against CFS (the scenario default), at 15 % / 12 % — the accuracy the kernel would
 * need for per-VM ready percentiles and SLOs to be trusted. They document a modelling gap, not
 * noise: the errors are 10–100× the micro half-widths.
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

const HOST_RELATIVE = 0.12;
const CLASS_RELATIVE = 0.15;
const ABSOLUTE = 0.0005; // 0.05 percentage points

describe('fleet kernel vs micro simulation on mixed loads', () => {
  FLEET_MIXES.forEach((mix, m) => {
    it(`${mix.label}: host mean ready within 12 % + 0.05 pp of FIFO micro; utilisation within 1.5 % (FIFO and CFS)`, () => {
      const fifo = compare(m, 'fifo');
      expect(within(fifo.fleet.hostReady, fifo.micro.hostReady.mean, HOST_RELATIVE, ABSOLUTE), `fleet ${fifo.fleet.hostReady} vs micro ${fifo.micro.hostReady.mean}`).toBe(true);
      expect(Math.abs(fifo.fleet.utilization / fifo.micro.utilization.mean - 1)).toBeLessThan(0.015);
      const cfs = compare(m, 'cfs');
      expect(Math.abs(cfs.fleet.utilization / cfs.micro.utilization.mean - 1)).toBeLessThan(0.015);
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

  // Expected failure, modelling gap (see the header): the host mean vs CFS is 18–35 % high.
  it.fails('host mean ready within 12 % + 0.05 pp of CFS micro, every mix', () => {
    FLEET_MIXES.forEach((mix, m) => {
      const r = compare(m, 'cfs');
      expect(within(r.fleet.hostReady, r.micro.hostReady.mean, HOST_RELATIVE, ABSOLUTE), mix.label).toBe(true);
    });
  });

  // Expected failure, modelling gap (see the header): per-VM split vs CFS, off by up to 100×.
  it.fails('per-VM-class ready within 15 % + 0.05 pp of CFS micro, every mix', () => {
    FLEET_MIXES.forEach((mix, m) => {
      const r = compare(m, 'cfs');
      mix.classes.forEach((_, k) => {
        expect(within(r.fleet.classReady[k]!, r.micro.classReady[k]!.mean, CLASS_RELATIVE, ABSOLUTE), `${mix.label}, class ${k}`).toBe(true);
      });
    });
  });
});
