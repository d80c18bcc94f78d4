/**
 * src/scenarios/units.ts: plain quantities are read without mathjs, exactly as mathjs reads them;
 * expressions are parsed by mathjs and evaluated only when the tree is arithmetic on numbers and
 * units (mathjs's guidance for untrusted input: https://mathjs.org/docs/expressions/security.html).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { all, create } from 'mathjs';
import { BYTE_UNITS, loadUnitParser, MEMORY_GIB, needsExpressions, RATE_MBPS, TIME_HOURS, TIME_MS, TIME_SECONDS, TIME_UNITS } from '../../src/scenarios/units.js';
import { parseScenarioText } from '../../src/scenarios/load.js';

const loadScenarioText = (text: string) => parseScenarioText(text, 'units-test.yaml');

// The reference: mathjs with everything, `d` for days as the parser adds it.
const math = create(all!);
math.createUnit('d', '1 day');

describe('plain quantities without mathjs', () => {
  it('every time and byte unit has the factor mathjs gives it', () => {
    for (const [name, seconds] of Object.entries(TIME_UNITS)) expect(math.unit(1, name).toNumber('s')).toBeCloseTo(seconds, 12);
    for (const [name, bytes] of Object.entries(BYTE_UNITS)) expect(math.unit(1, name).toNumber('B') / bytes).toBeCloseTo(1, 14);
  });

  it('converts any number with any unit and spacing to the same value as mathjs', async () => {
    const units = await loadUnitParser();
    const dims = [TIME_SECONDS, TIME_HOURS, TIME_MS, MEMORY_GIB, RATE_MBPS];
    const times = Object.keys(TIME_UNITS);
    const bytes = Object.keys(BYTE_UNITS);
    const unitArb = fc.oneof(
      fc.constantFrom(...times),
      fc.constantFrom(...bytes),
      fc.tuple(fc.constantFrom(...bytes), fc.constantFrom('s', 'min', 'h')).map(([b, t]) => `${b}/${t}`),
    );
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), unitArb, fc.constantFrom('', ' ', '  '), fc.constantFrom(...dims), (x, unit, space, dim) => {
        const text = `${x}${space}${unit}`;
        expect(needsExpressions(text)).toBe(false);
        const ours = units.convert(text, dim);
        const theirs = math.unit(text);
        if (theirs.equalBase(math.unit(1, dim.unit))) {
          expect(ours.ok).toBe(true);
          if (ours.ok) expect(ours.value).toBeCloseTo(theirs.toNumber(dim.unit), Math.max(0, 10 - Math.ceil(Math.log10(Math.abs(theirs.toNumber(dim.unit)) + 1))));
        } else {
          expect(ours.ok).toBe(false);
        }
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it('takes a bare number as already in the field unit, and says what a wrong quantity is', async () => {
    const units = await loadUnitParser();
    expect(units.convert('42', MEMORY_GIB)).toEqual({ ok: true, value: 42 });
    expect(units.convert('24h', TIME_SECONDS)).toEqual({ ok: true, value: 86_400 });
    expect(units.convert('4096 MiB', MEMORY_GIB)).toEqual({ ok: true, value: 4 });
    expect(units.convert('5 min', MEMORY_GIB)).toEqual({ ok: false, message: "expected a memory size such as '256 GiB' or '4096 MiB', found '5 min' (a time)" });
    expect(units.convert('lots', MEMORY_GIB)).toMatchObject({ ok: false });
  });
});

describe('expressions, sandboxed', () => {
  it('loads mathjs only for an expression, and reads arithmetic on units', async () => {
    expect(needsExpressions('2 * 128 GiB')).toBe(true);
    expect(needsExpressions('(64 + 32) GiB')).toBe(true);
    // A time of day (a storm's `at`) is read by the schema, not by mathjs.
    expect(needsExpressions('07:30')).toBe(false);
    expect(needsExpressions(' 7:05 ')).toBe(false);
    const units = await loadUnitParser({ expressions: true });
    expect(units.convert('2 * 128 GiB', MEMORY_GIB)).toEqual({ ok: true, value: 256 });
    expect(units.convert('(64 + 32) GiB', MEMORY_GIB)).toEqual({ ok: true, value: 96 });
    expect(units.convert('1 h + 30 min', TIME_SECONDS)).toEqual({ ok: true, value: 5400 });
    expect(units.convert('2^3 GiB', MEMORY_GIB)).toEqual({ ok: true, value: 8 });
    expect(units.convert('-(1 h)', TIME_SECONDS)).toEqual({ ok: true, value: -3600 });
    // Without the engine an expression is refused, not misread.
    expect((await loadUnitParser()).convert('2 * 128 GiB', MEMORY_GIB)).toMatchObject({ ok: false });
  });

  it('refuses function calls, assignments, matrices, symbols and huge exponents without evaluating them', async () => {
    const units = await loadUnitParser({ expressions: true });
    const refused = (text: string, why: RegExp): void => {
      const result = units.convert(text, MEMORY_GIB);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.message, text).toMatch(why);
    };
    const started = performance.now();
    refused('1 * zeros(3000,3000)', /function calls are not allowed \('zeros\(…\)'\)/);
    refused('2 * zeros(1e8) GiB', /function calls are not allowed/);
    refused('0 + sqrt(-1) GiB', /function calls are not allowed/);
    refused('1 + createUnit("x")', /function calls are not allowed/);
    // What does not even start like a quantity never reaches mathjs.
    refused('zeros(1e8) GiB', /^expected a memory size such as '256 GiB' or '4096 MiB', found 'zeros\(1e8\) GiB'$/);
    refused('(x = 5) GiB', /only numbers, units/);
    refused('2 * [1, 2] GiB', /only numbers, units/);
    refused('2 pi GiB', /'pi' is not a unit/);
    refused('2 GiB ^ 1000', /exponent must be a whole number/);
    refused('1e308 * 1e308 GiB', /finite|not a finite/);
    refused('1 GiB + 1 h', /expected a memory size/);
    refused(`${'1 + '.repeat(60)}1 GiB`, /of 245 characters \(at most 200\)/);
    refused(`${'('.repeat(20)}1${')'.repeat(20)} GiB`, /too large \(at most 64 terms, 16 levels\)/);
    // None of these evaluated anything large.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a createUnit attempt in one field cannot change another (`step: 5 min` stays 300 s)', async () => {
    const loaded = await loadScenarioText(`
name: t
duration: 2h
step: 5 min
hosts: [{ name: h, count: 1, cpu: { cores: 8 }, memory: { totalGiB: '0 * createUnit("min", "1 s") + 64 GiB' } }]
vms: [{ name: v, count: 1, vcpus: 1, memoryGiB: 1, workload: { cpu: { utilPct: 10 } } }]
`);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.issues[0]!.message).toMatch(/function calls are not allowed/);
    const plain = await loadScenarioText(`
name: t
duration: 2h
step: 5 min
hosts: [{ name: h, count: 1, cpu: { cores: 8 }, memory: { totalGiB: '2 * 32 GiB' } }]
vms: [{ name: v, count: 1, vcpus: 1, memoryGiB: 1, workload: { cpu: { utilPct: 10 } } }]
`);
    expect(plain.ok).toBe(true);
    if (plain.ok) {
      expect(plain.value.stepSeconds).toBe(300);
      expect(plain.value.hosts[0]!.memory.totalGiB).toBe(64);
    }
  });
});
