/**
 * Ranges in scenario files (src/scenarios/ranges.ts): reading them, their nominal values and
 * quantiles (closed forms of the uniform, log-uniform and triangular distributions), and the
 * loader's checks (located problems, both ends validated, integer fields rounded).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenarios/load.js';
import { cumulative, quantile, readRange, type RangeDistribution } from '../../src/scenarios/ranges.js';
import { uncertainInputs } from '../../src/scenarios/assumptions.js';

const read = (value: Record<string, unknown>, integer = false): RangeDistribution => {
  const r = readRange(value, integer);
  if (!r.ok) throw new Error(r.message);
  return r.distribution;
};

describe('readRange', () => {
  it('takes the midpoint of between, the mode of triangular and the geometric mean of loguniform as nominal', () => {
    expect(read({ between: [1, 4] }).nominal).toBe(2.5);
    expect(read({ between: [1, 4] }, true).nominal).toBe(3); // an integer field rounds
    expect(read({ triangular: [10, 25, 40] }).nominal).toBe(25);
    expect(read({ loguniform: [5, 20] }).nominal).toBeCloseTo(10, 12);
    expect(read({ between: ['4 GiB', '16 GiB'], nominal: '8 GiB' })).toMatchObject({ low: 4, high: 16, nominal: 8, unit: 'GiB' });
  });

  it('says what is wrong with a range that cannot be read', () => {
    const message = (value: Record<string, unknown>): string => {
      const r = readRange(value);
      return r.ok ? 'ok' : r.message;
    };
    expect(message({ between: [4, 1] })).toMatch(/low end must be below the high end/);
    expect(message({ between: [1] })).toMatch(/between takes a list of 2 values/);
    expect(message({ triangular: [1, 5, 4] })).toMatch(/most likely value must lie between the ends/);
    expect(message({ between: ['1 GiB', '4 MiB'] })).toMatch(/one unit/);
    expect(message({ loguniform: [0, 4] })).toMatch(/low end > 0/);
    expect(message({ between: [1, 4], nominal: 9 })).toMatch(/outside the range/);
    expect(message({ between: [1, 4], triangular: [1, 2, 3] })).toMatch(/one of/);
    expect(message({ between: [1, 4], spread: 2 })).toMatch(/unknown field 'spread'/);
  });
});

describe('quantile', () => {
  it('runs from the low end to the high end and is monotone', () => {
    const arb = fc.tuple(fc.double({ min: 0.1, max: 100, noNaN: true }), fc.double({ min: 0.01, max: 100, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('between', 'triangular', 'loguniform'));
    fc.assert(
      fc.property(arb, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), ([low, width, m, kind], u, v) => {
        const high = low + width;
        const d: RangeDistribution = { kind: kind as RangeDistribution['kind'], low, high, nominal: low + m * width, mode: low + m * width };
        expect(quantile(d, 0)).toBeCloseTo(low, 9);
        expect(quantile(d, 1)).toBeCloseTo(high, 9);
        const [a, b] = u <= v ? [u, v] : [v, u];
        expect(quantile(d, a)).toBeLessThanOrEqual(quantile(d, b) + 1e-9);
      }),
    );
  });

  it('has the CDF as its inverse: cumulative(quantile(u)) = u', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 100, noNaN: true }), fc.double({ min: 0.01, max: 100, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('between', 'triangular', 'loguniform'), fc.double({ min: 0, max: 1, noNaN: true }), (low, width, m, kind, u) => {
        const d: RangeDistribution = { kind: kind as RangeDistribution['kind'], low, high: low + width, nominal: low + m * width, mode: low + m * width };
        expect(cumulative(d, quantile(d, u))).toBeCloseTo(u, 6);
      }),
    );
  });

  it('matches the closed forms: the triangular CDF at its mode is (mode − low) / (high − low); the log-uniform median is the geometric mean', () => {
    const t: RangeDistribution = { kind: 'triangular', low: 10, mode: 25, high: 40, nominal: 25 };
    expect(quantile(t, (25 - 10) / (40 - 10))).toBeCloseTo(25, 12);
    // Triangular CDF below the mode: F(x) = (x − a)² / ((b − a)(c − a)); F(15) = 25 / 450.
    expect(quantile(t, 25 / 450)).toBeCloseTo(15, 9);
    expect(quantile({ kind: 'loguniform', low: 5, high: 20, nominal: 10 }, 0.5)).toBeCloseTo(10, 12);
    expect(quantile({ kind: 'between', low: 1, high: 4, nominal: 2.5 }, 0.25)).toBe(1.75);
  });
});

const SCENARIO = `
name: ranged
duration: 1h
step: 30 min
replications: 1
overcommit: { cpu: 2, memory: 1.2 }
hosts:
  - name: h
    count: 2
    cpu: { cores: { between: [16, 33] } }
    memory: { totalGiB: 128, swapGiB: { between: ['4 GiB', '16 GiB'], nominal: '8 GiB', reason: host not described } }
vms:
  - name: d
    count: fill
    vcpus: 2
    memoryGiB: 4
    os: windows
    workload:
      cpu: { utilPct: 10 }
      memory: { sharedPct: { triangular: [10, 25, 40] } }
ksm: { enabled: true }
`;

describe('scenario files with ranges', () => {
  it('run at the nominal values and keep the ranges with their paths', async () => {
    const parsed = await parseScenario(SCENARIO, 's.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const { scenario, ranges } = parsed.value;
    expect(scenario.hosts[0]!.cpu.cores).toBe(25); // midpoint 24.5 of an integer field, rounded
    expect(scenario.hosts[0]!.memory.swapGiB).toBe(8);
    expect(scenario.vms[0]!.workload.memory.sharedPct).toBe(25);
    expect(ranges.map((r) => r.path.join('.'))).toEqual(['hosts.0.cpu.cores', 'hosts.0.memory.swapGiB', 'vms.0.workload.memory.sharedPct']);
    expect(ranges[1]!.reason).toBe('host not described');
  });

  it('lists file ranges first, then the assumed defaults the model uses here, by name', async () => {
    const parsed = await parseScenario(SCENARIO, 's.yaml');
    if (!parsed.ok) throw new Error('not ok');
    const inputs = uncertainInputs(parsed.value.scenario, parsed.value.document, parsed.value.ranges);
    const paths = inputs.map((i) => i.path);
    expect(paths.slice(0, 3)).toEqual(['hosts.h.cpu.cores', 'hosts.h.memory.swapGiB', 'vms.d.workload.memory.sharedPct']);
    // KSM is on and the file leaves crossImagePct out: its default range applies; sharedPct is the file's.
    expect(paths).toContain('vms.d.workload.memory.crossImagePct');
    expect(paths.filter((p) => p.endsWith('sharedPct'))).toHaveLength(1);
    // Swap is on, so the swap device's speed matters; no boots, so no boot assumption.
    expect(paths).toContain('hosts.h.memory.swapMBps');
    expect(paths.some((p) => p.includes('.boot.'))).toBe(false);
    // Each default's nominal is the model's own default.
    const overhead = inputs.find((i) => i.path === 'vms.d.overheadGiB')!;
    expect(overhead.distribution.nominal).toBe(parsed.value.scenario.vms[0]!.process.overheadGiB);
  });

  it('reports a broken range at its line, and an end outside the field’s bounds', async () => {
    const broken = await parseScenario(SCENARIO.replace('between: [16, 33]', 'between: [40, 33]'), 's.yaml');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.issues[0]).toMatchObject({ line: 10, path: 'hosts[0].cpu.cores', message: expect.stringMatching(/low end must be below/) });
    const outOfBounds = await parseScenario(SCENARIO.replace('between: [16, 33]', 'between: [0, 33]'), 's.yaml');
    expect(outOfBounds.ok).toBe(false);
    if (!outOfBounds.ok) expect(outOfBounds.issues[0]).toMatchObject({ line: 10, path: 'hosts[0].cpu.cores', message: expect.stringMatching(/with every range at its low end: expected an integer >= 1, found 0/) });
  });

  it('rounds a nullable integer field (a union in the schema) like any integer', async () => {
    const text = SCENARIO.replace('      memory: { sharedPct: { triangular: [10, 25, 40] } }', '      memory: { sharedPct: 25 }\n    network: { gbps: 1, connections: { loguniform: [100, 1000] } }');
    const parsed = await parseScenario(text, 's.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    // sqrt(100 × 1000) = 316.2…, an integer field: 316.
    expect(parsed.value.scenario.vms[0]!.network!.connections).toBe(316);
    expect(parsed.value.ranges.find((r) => r.path.join('.') === 'vms.0.network.connections')!.distribution.integer).toBe(true);
  });

  it('takes a range from --set, and a number from --set replaces a file range', async () => {
    const set = await parseScenario(SCENARIO, 's.yaml', { overrides: ['vms.d.workload.memory.crossImagePct={ between: [0, 4] }', 'hosts.h.cpu.cores=32'] });
    if (!set.ok) throw new Error(JSON.stringify(set.issues));
    expect(set.value.scenario.vms[0]!.workload.memory.crossImagePct).toBe(2);
    expect(set.value.scenario.hosts[0]!.cpu.cores).toBe(32);
    expect(set.value.ranges.map((r) => r.path.join('.'))).toEqual(['hosts.0.memory.swapGiB', 'vms.0.workload.memory.sharedPct', 'vms.0.workload.memory.crossImagePct']);
  });
});
