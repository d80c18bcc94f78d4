/**
 * The memory model through whole studies: OOM risk estimates and their intervals against a case
 * with a closed-form answer, and monotonicity in RAM with KSM and a boot storm.
 */
import { describe, expect, it } from 'vitest';
import { runStudy } from '../../src/model/run.js';
import type { ModelScenario } from '../../src/model/scenario.js';
import { hostGroup, scenario, vmGroup } from './helpers.js';

/** Standard normal upper tail (Abramowitz & Stegun 26.2.17, error < 7.5e-8). */
function normalTail(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = 0.3989422804014327 * Math.exp((-z * z) / 2);
  const tail = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? tail : 1 - tail;
}

describe('OOM risk estimate and interval (known answer)', () => {
  // Each host holds one Linux VM of 12 GiB whose working set is 10 GiB × F, F lognormal with mean 1
  // and cv 0.2, drawn once per VM and replication (memory.vmCv). The host has 13 GiB, 1 GiB reserved,
  // no swap, no KSM, and the VM's QEMU overhead is 1 GiB: it needs 10·F + 1 + 1 GiB and is OOM-killed
  // exactly when that exceeds 13, i.e. F > 1.1. ln F ~ N(μ, σ²) with σ² = ln(1 + 0.2²) = 0.039221
  // and μ = −σ²/2, so p = P(Z > (ln 1.1 − μ) / σ) = P(Z > 0.5803) = 0.2809.
  const sigma2 = Math.log(1 + 0.2 * 0.2);
  const p = normalTail((Math.log(1.1) + sigma2 / 2) / Math.sqrt(sigma2));

  function oneVmPerHost(totalGiB: number): ModelScenario {
    const host = hostGroup('h', 20, 8, totalGiB, 0, 1);
    const vms = vmGroup('v', 20, 1, 12);
    vms.workload.memory = { activeGiB: 10, idleActiveGiB: 10, cacheGiBPerHour: 0, freeFloorPct: 0, sharedPct: 0, crossImagePct: 0, touchMiBps: 1, vmCv: 0.2, noiseCv: 0 };
    vms.process.overheadGiB = 1;
    // One VM per host: the RAM ratio lets exactly one 12 GiB VM onto 12 GiB of usable memory.
    const s: ModelScenario = scenario({ hosts: [host], vms: [vms], overcommit: { cpu: 8, memory: 1 }, placement: 'spread' });
    s.replications = 5;
    s.durationSeconds = 300;
    s.stepSeconds = 300;
    s.cpuModel = { ...s.cpuModel, resolution: 'fleet', microWindows: 0 };
    return s;
  }

  function study(seed: number): ReturnType<typeof runStudy> {
    return runStudy({ ...oneVmPerHost(13), seed });
  }

  it(`the per-run risk is unbiased for p = ${p.toFixed(4)} and its 95 % Wilson interval covers it in about 95 % of studies`, () => {
    expect(p).toBeCloseTo(0.2809, 3);
    const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
    let covered = 0;
    let estimates = 0;
    for (const seed of seeds) {
      const risk = study(seed).memory.oomRiskPerHostRun;
      if (risk.lower95 <= p && p <= risk.upper95) covered++;
      estimates += risk.estimate;
    }
    // 40 studies of 100 host-runs: the mean estimate has sd sqrt(p(1 − p)/4000) = 0.0071.
    expect(Math.abs(estimates / seeds.length - p)).toBeLessThan(4 * 0.0071);
    // Coverage: with true coverage 0.95, P(at most 33 of 40 covered) ≈ 0.6 %.
    expect(covered).toBeGreaterThanOrEqual(34);
  });

  it('a month-long risk follows from the run: 1 − (1 − p)^(30 d / run)', () => {
    const memory = study(3).memory;
    const run = memory.oomRiskPerHostRun;
    const perMonth = 1 - Math.pow(1 - run.estimate, (30 * 86_400) / 300);
    expect(memory.oomRiskPerHostMonth.estimate).toBeCloseTo(perMonth, 12);
    // With kills seen every few host-runs of 5 minutes, a month without one is impossible.
    expect(memory.oomRiskPerHostMonth.lower95).toBeGreaterThan(0.999);
  });

  it('with no kill seen the upper bound is honest, not 0: Wilson for 0 of n', () => {
    // 32 GiB hosts hold any working set here: no kill can happen.
    const risk = runStudy(oneVmPerHost(32)).memory.oomRiskPerHostRun;
    expect(study(1).memory.oomKills.total).toBeGreaterThan(0);
    expect(risk.estimate).toBe(0);
    expect(risk.lower95).toBe(0);
    // Wilson upper bound for 0 of 100 at 95 %: z² / (n + z²) = 3.8415 / 103.8415 = 0.0370.
    expect(risk.upper95).toBeCloseTo(3.8415 / 103.8415, 4);
  });
});

describe('more RAM never adds OOM kills', () => {
  // Windows desktops with varying working sets, KSM at a fixed rate, a boot storm: the same seed
  // with more RAM per host must not kill more. (Same VMs on the same hosts: the RAM ratio is
  // raised with the RAM, so placement is unchanged.)
  function kills(totalGiB: number, seed: number): number {
    const host = hostGroup('h', 3, 32, totalGiB, 0, 4);
    host.memory.swapGiB = 4;
    const vms = vmGroup('d', 60, 2, 4);
    vms.os = 'windows';
    vms.workload.memory = { activeGiB: 2.8, idleActiveGiB: 1.5, cacheGiBPerHour: 0.3, freeFloorPct: 10, sharedPct: 25, crossImagePct: 2, touchMiBps: 1, vmCv: 0.25, noiseCv: 0.1 };
    vms.process.overheadGiB = 0.2;
    const s = scenario({ hosts: [host], vms: [vms], overcommit: { cpu: 4, memory: 100 }, placement: 'spread' });
    s.seed = seed;
    s.replications = 2;
    s.durationSeconds = 12 * 3600;
    s.stepSeconds = 300;
    s.startHour = 6;
    s.memory.ksm = { ...s.memory.ksm, enabled: true, pagesToScan: 400, sleepMs: 20 };
    s.boots = { waves: [{ kind: 'storm', atSeconds: 1800, spreadSeconds: 1800, groups: ['d'] }], maxPerHost: 5, maxPerDatastore: null };
    s.cpuModel = { ...s.cpuModel, resolution: 'fleet', microWindows: 0 };
    return runStudy(s).memory.oomKills.total;
  }

  it('for RAM from 48 to 96 GiB per host, over several seeds', () => {
    for (const seed of [1, 2, 3]) {
      let previous = Number.POSITIVE_INFINITY;
      const seen: number[] = [];
      for (const ram of [48, 56, 64, 72, 80, 96]) {
        const k = kills(ram, seed);
        seen.push(k);
        expect(k, `seed ${seed}: kills by RAM ${seen.join(', ')}`).toBeLessThanOrEqual(previous);
        previous = k;
      }
      // The range spans the interesting region: kills at the small end, none at the large.
      expect(seen[0]).toBeGreaterThan(0);
      expect(seen[seen.length - 1]).toBe(0);
    }
  });
});
