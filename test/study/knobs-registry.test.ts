/**
 * The knob table (src/study/knobs.ts) against the SLO table (src/model/slo.ts): every SLO a knob
 * answers to is one a model defines, and every path is one `--set` accepts on a bundled scenario.
 */
import { describe, expect, it } from 'vitest';
import { SLO_DEFINITIONS } from '../../src/model/slo.js';
import { loadScenarioFile } from '../../src/scenarios/load.js';
import { bundledScenario } from '../../src/cli/paths.js';
import { KNOBS, knobValue, SETTING_PATHS } from '../../src/study/knobs.js';

describe('the knob table', () => {
  it('names only SLOs the model defines', () => {
    for (const knob of KNOBS) for (const slo of knob.ownSlos) expect(Object.keys(SLO_DEFINITIONS)).toContain(slo);
  });

  it('has paths that --set accepts and the resolved scenario has', async () => {
    for (const knob of KNOBS) {
      const value = knob.range.min + knob.range.step;
      const loaded = await loadScenarioFile(bundledScenario('vdi-callcenter'), { overrides: [`${knob.path}=${value}`] });
      expect(loaded.ok).toBe(true);
      if (loaded.ok) expect(knobValue(knob, loaded.value.scenario)).toBeCloseTo(value, 9);
    }
  });

  it('has setting paths (what-ifs, lifted resources) that --set accepts and the resolved scenario reflects', async () => {
    const overrides = [
      `${SETTING_PATHS.ksmEnabled}=false`,
      `${SETTING_PATHS.ksmTuned}=false`,
      `${SETTING_PATHS.groupUtilPct(0)}=3.5`,
      `${SETTING_PATHS.hostCount(0)}=12`,
      `${SETTING_PATHS.hostRamGiB(0)}=256`,
    ];
    const loaded = await loadScenarioFile(bundledScenario('vdi-callcenter'), { overrides });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const s = loaded.value.scenario;
    expect([s.memory.ksm.enabled, s.memory.ksm.tuned, s.vms[0]!.workload.cpu.utilPct, s.hosts[0]!.count, s.hosts[0]!.memory.totalGiB]).toEqual([false, false, 3.5, 12, 256]);
  });
});
