import { describe, expect, it } from 'vitest';
import { loadScenarioArg } from '../../src/cli/scenario-arg.js';
import { packageRoot } from '../../src/cli/paths.js';
import { loadScenarioFile } from '../../src/scenarios/load.js';
import type { ModelScenario } from '../../src/model/scenario.js';
import { formatKnobValue, knobCliArgs, knobOverrides, knobsFor, knobValue, parseKnobInput, stepKnob, type KnobSpec, type KnobValue } from '../../src/tui/knobs.js';
import { fixture, FIXTURE_BASE, FIXTURE_FILE, KEEPALIVED_FILE } from './helpers.js';

const byId = (knobs: KnobSpec[], id: string): KnobSpec => {
  const k = knobs.find((x) => x.id === id);
  if (!k) throw new Error(`no knob ${id}`);
  return k;
};

describe('knobsFor', () => {
  it('exposes ratios, host counts, VM counts (not fill groups), utilisation, placement, set SLOs, seed and replications', async () => {
    const { knobs } = await fixture();
    const core = [
      'overcommit.cpu',
      'overcommit.memory',
      'hosts.compute.count',
      'vms.ops.count',
      'vms.ops.workload.cpu.utilPct',
      'vms.desktop.workload.cpu.utilPct',
      'placement',
      'slo.cpuReadyPctP95',
      'seed',
      'replications',
    ];
    // In this order; the memory and boot models' knobs sit between when the model has them.
    expect(knobs.map((k) => k.id).filter((id) => core.includes(id))).toEqual(core);
    expect(byId(knobs, 'overcommit.cpu').initial).toBe(2);
    expect(byId(knobs, 'vms.ops.count')).toMatchObject({ kind: 'integer', initial: 10, min: 0 });
    expect(byId(knobs, 'vms.desktop.workload.cpu.utilPct').initial).toBe(15);
    expect(byId(knobs, 'replications')).toMatchObject({ initial: 2, emitAlways: true, cliOption: '--replications' });
  });

  it('exposes the memory and boot switches, and a boot limit that may be none', async () => {
    const { scenario } = await fixture();
    const withModels: ModelScenario = {
      ...scenario,
      memory: { ...scenario.memory, ksm: { ...scenario.memory.ksm, enabled: false, tuned: true }, balloon: { ...scenario.memory.balloon, enabled: false } },
      boots: { ...scenario.boots, maxPerHost: null },
    };
    const knobs = knobsFor(withModels, { uiReplications: 3 });
    expect(byId(knobs, 'ksm.enabled')).toMatchObject({ kind: 'boolean', initial: false, label: 'KSM' });
    expect(byId(knobs, 'ksm.tuned').initial).toBe(true);
    expect(byId(knobs, 'balloon.enabled').initial).toBe(false);
    const boots = byId(knobs, 'boots.maxPerHost');
    expect(boots).toMatchObject({ initial: null, nullable: 'none' });
    expect(formatKnobValue(boots, null)).toBe('none');
    expect(stepKnob(boots, null, 1)).toBe(1);
    expect(stepKnob(boots, null, -1)).toBeNull();
    expect(stepKnob(boots, 1, -1)).toBeNull();
    expect(stepKnob(boots, 6, 1)).toBe(7);
    expect(parseKnobInput(boots, 'none')).toEqual({ ok: true, value: null });
    expect(knobOverrides(knobs, { 'boots.maxPerHost': 6, 'ksm.enabled': true }).map((o) => (typeof o === 'string' ? o : o.set))).toEqual(['ksm.enabled=true', 'boots.maxPerHost=6', 'replications=3']);
    expect(knobOverrides(knobs, { 'boots.maxPerHost': null }).map((o) => (typeof o === 'string' ? o : o.set))).toContain('boots.maxPerHost=null');
  });

  it('addresses a list entry by index when its name does not fit a path', async () => {
    const { scenario } = await fixture();
    const odd = { ...scenario, hosts: [{ ...scenario.hosts[0]!, name: 'rack.1' }] };
    expect(knobsFor(odd, { uiReplications: 3 }).map((k) => k.id)).toContain('hosts.0.count');
  });
});

describe('stepping and typing', () => {
  const cpu: KnobSpec = { id: 'overcommit.cpu', label: 'CPU ratio', hint: '', kind: 'number', initial: 4, step: 0.25, bigStep: 1, min: 0.25 };
  const count: KnobSpec = { id: 'hosts.compute.count', label: 'hosts compute', hint: '', kind: 'integer', initial: 8, step: 1, bigStep: 5, min: 1 };

  it('steps by the small or big step, keeps decimals clean and clamps to the range', () => {
    expect(stepKnob(cpu, 4, 1)).toBe(4.25);
    expect(stepKnob(cpu, 4, -3)).toBe(3.25);
    expect(stepKnob(cpu, 4, 1, true)).toBe(5);
    expect(stepKnob(cpu, 0.5, -5)).toBe(0.25);
    let v: KnobValue = 0.1;
    const ram: KnobSpec = { ...cpu, id: 'overcommit.memory', step: 0.05, initial: 1, min: 0.05 };
    for (let i = 0; i < 3; i++) v = stepKnob(ram, v, 1);
    expect(v).toBe(0.25); // not 0.25000000000000006
    expect(stepKnob(count, 1, -1)).toBe(1);
    expect(stepKnob(count, 8, 2, true)).toBe(18);
  });

  it('cycles choices and toggles booleans', () => {
    const placement: KnobSpec = { id: 'placement', label: 'placement', hint: '', kind: 'choice', initial: 'spread', choices: ['spread', 'pack'] };
    expect(stepKnob(placement, 'spread', 1)).toBe('pack');
    expect(stepKnob(placement, 'spread', -1)).toBe('pack');
    expect(stepKnob(placement, 'pack', 1)).toBe('spread');
    const ksm: KnobSpec = { id: 'ksm.enabled', label: 'KSM', hint: '', kind: 'boolean', initial: true };
    expect(stepKnob(ksm, true, 1)).toBe(false);
    expect(formatKnobValue(ksm, false)).toBe('off');
  });

  it('reads typed values by form and leaves range checks to the loader', () => {
    expect(parseKnobInput(cpu, ' 3.5 ')).toEqual({ ok: true, value: 3.5 });
    expect(parseKnobInput(cpu, '-1')).toEqual({ ok: true, value: -1 });
    expect(parseKnobInput(cpu, '4..')).toEqual({ ok: false, message: "CPU ratio: '4..' is not a number" });
    expect(parseKnobInput(cpu, '')).toMatchObject({ ok: false });
    expect(parseKnobInput(count, '8.5')).toEqual({ ok: false, message: 'hosts compute: expected a whole number, found 8.5' });
    const placement: KnobSpec = { id: 'placement', label: 'placement', hint: '', kind: 'choice', initial: 'spread', choices: ['spread', 'pack'] };
    expect(parseKnobInput(placement, 'PACK')).toEqual({ ok: true, value: 'pack' });
    expect(parseKnobInput(placement, 'fill')).toMatchObject({ ok: false });
  });

  it('formats ratios with two decimals and counts as integers', () => {
    expect(formatKnobValue(cpu, 4)).toBe('4.00');
    expect(formatKnobValue(count, 12)).toBe('12');
  });
});

describe('overrides: the UI and the CLI agree', () => {
  it('turns changed knobs (and the UI replications) into --set overrides and the equivalent command line', async () => {
    const { knobs } = await fixture();
    const values = { 'overcommit.cpu': 4, seed: 7 };
    expect(knobOverrides(knobs, values)).toEqual([
      { set: 'overcommit.cpu=4', label: '--set overcommit.cpu=4' },
      { set: 'seed=7', label: '--seed 7' },
      { set: 'replications=2', label: '--replications 2' },
    ]);
    expect(knobCliArgs(knobs, values)).toEqual(['--set', 'overcommit.cpu=4', '--seed', '7', '--replications', '2']);
    expect(knobValue(byId(knobs, 'overcommit.cpu'), values)).toBe(4);
    expect(knobValue(byId(knobs, 'overcommit.memory'), values)).toBe(1.2);
  });

  it('loads the same model scenario as `overcast run` with the same --set options', async () => {
    const { knobs } = await fixture();
    const values = { 'overcommit.cpu': 3.5, 'overcommit.memory': 1.5, 'vms.desktop.workload.cpu.utilPct': 12, placement: 'pack' };
    const viaUi = await loadScenarioFile(FIXTURE_FILE, { overrides: [...FIXTURE_BASE, ...knobOverrides(knobs, values)] });
    const args = knobCliArgs(knobs, values);
    const set = [...FIXTURE_BASE];
    let replications: string | undefined;
    for (let i = 0; i < args.length; i += 2) {
      if (args[i] === '--set') set.push(args[i + 1]!);
      if (args[i] === '--replications') replications = args[i + 1];
    }
    const viaCli = await loadScenarioArg(FIXTURE_FILE, packageRoot(), { set: set as string[], ...(replications ? { replications } : {}) });
    expect(viaUi.ok && viaUi.value.scenario).toEqual(viaCli.scenario);
    expect(viaCli.scenario.overcommit).toEqual({ cpu: 3.5, memory: 1.5 });
  });

  it('a value the scenario rejects gets the loader’s message, naming the --set', async () => {
    const { knobs } = await fixture();
    const loaded = await loadScenarioFile(FIXTURE_FILE, { overrides: knobOverrides(knobs, { 'overcommit.cpu': -1 }) });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.issues[0]).toMatchObject({ file: '--set overcommit.cpu=-1', path: 'overcommit.cpu' });
  });
});

describe('the latency paths’ knobs', () => {
  it('exposes vhost_net and NIC queues per VM group with a network, and the flaps SLO, only when the scenario has them', async () => {
    const { knobs } = await fixture(KEEPALIVED_FILE, []);
    const ids = knobs.map((k) => k.id);
    expect(ids.filter((id) => id.includes('.network.'))).toEqual(['vms.lb.network.vhostNet', 'vms.lb.network.queues', 'vms.busy.network.vhostNet', 'vms.busy.network.queues']);
    expect(byId(knobs, 'vms.lb.network.vhostNet')).toMatchObject({ kind: 'boolean', initial: false, label: 'vhost_net lb' });
    // Queue pairs: 1 up to the group's vCPUs (the schema takes up to 256; more than vCPUs do not run in parallel).
    expect(byId(knobs, 'vms.lb.network.queues')).toMatchObject({ kind: 'integer', initial: 1, min: 1, max: 2, label: 'queues lb' });
    expect(byId(knobs, 'vms.busy.network.queues')).toMatchObject({ initial: 2, max: 4 });
    expect(stepKnob(byId(knobs, 'vms.busy.network.queues'), 4, 1)).toBe(4);
    expect(stepKnob(byId(knobs, 'vms.lb.network.vhostNet'), false, 1)).toBe(true);
    // The app group has no network block: no knobs for it. SLO knobs are generic: flapsPerDay is one.
    expect(ids.some((id) => id.startsWith('vms.app.network'))).toBe(false);
    expect(byId(knobs, 'slo.flapsPerDay')).toMatchObject({ kind: 'number', initial: 0.1, min: 0 });
    // Without network blocks (the desktops fixture), none of these knobs.
    expect((await fixture()).knobs.some((k) => k.id.includes('.network.'))).toBe(false);
  });

  it('turns them into --set overrides the loader reads like `overcast run --set vms.lb.network.vhostNet=on`', async () => {
    const { knobs } = await fixture(KEEPALIVED_FILE, []);
    const values = { 'vms.lb.network.vhostNet': true, 'vms.busy.network.queues': 4 };
    const overrides = knobOverrides(knobs, values);
    expect(overrides.map((o) => (typeof o === 'string' ? o : o.set))).toEqual(['vms.lb.network.vhostNet=true', 'vms.busy.network.queues=4', 'replications=2']);
    const viaUi = await loadScenarioFile(KEEPALIVED_FILE, { overrides });
    const viaCli = await loadScenarioArg(KEEPALIVED_FILE, packageRoot(), { set: ['vms.lb.network.vhostNet=on', 'vms.busy.network.queues=4'], replications: '2' });
    expect(viaUi.ok && viaUi.value.scenario).toEqual(viaCli.scenario);
    expect(viaCli.scenario.vms.map((g) => g.network && { vhostNet: g.network.vhostNet, queues: g.network.queues })).toEqual([{ vhostNet: true, queues: 1 }, { vhostNet: false, queues: 4 }, undefined]);
    // A typed queue count beyond the schema's range gets the loader's message.
    const bad = await loadScenarioFile(KEEPALIVED_FILE, { overrides: knobOverrides(knobs, { 'vms.lb.network.queues': 300 }) });
    expect(!bad.ok && bad.issues[0]).toMatchObject({ path: 'vms[0].network.queues' });
  });
});
