/**
 * Issue 21 through the command line: an expression in a scenario file that is not arithmetic on
 * numbers and units is refused before anything is evaluated, as a located exit-2 error (file,
 * line:column, field), without a stack trace. The sandbox itself is src/scenarios/units.ts; its
 * unit tests are test/scenarios/units.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** A one-host scenario with `text` as the host's memory (line 8 of the file). */
const scenario = (text: string): string => `name: t
duration: 2h
step: 5 min
hosts:
  - name: h
    count: 1
    cpu: { cores: 8 }
    memory: { totalGiB: ${JSON.stringify(text)} }
vms: [{ name: v, count: 1, vcpus: 1, memoryGiB: 1, workload: { cpu: { utilPct: 10 } } }]
`;

describe('expressions in scenario files, through `overcast validate`', () => {
  const classes: [string, string, RegExp][] = [
    ['a function call', '1 * zeros(3000,3000)', /function calls are not allowed \('zeros\(…\)'\)/],
    ['a function of a negative number', '0 + sqrt(-1) GiB', /function calls are not allowed \('sqrt\(…\)'\)/],
    ['createUnit', '0 * createUnit("min", "1 s") + 64 GiB', /function calls are not allowed \('createUnit\(…\)'\)/],
    ['an assignment', '(x = 5) GiB', /only numbers, units, \+ − \* \/ \^ and parentheses may appear \(found assignment\)/],
    ['a matrix', '2 * [1, 2] GiB', /found array/],
    ['a symbol that is not a unit', '2 pi GiB', /'pi' is not a unit/],
    ['a huge exponent', '2 GiB ^ 1000', /an exponent must be a whole number from −4 to 4/],
    ['an accessor', '(2 GiB)[1]', /may appear \(found accessor\)/],
  ];
  for (const [what, text, why] of classes) {
    it(`refuses ${what} (${text}) with file, line, column and field, exit 2`, async () => {
      const run = await runCli(['validate', '-'], { stdin: scenario(text) });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^overcast: <stdin>: 1 problem\n<stdin>:8:25: hosts\[0\]\.memory\.totalGiB: expected a memory size/);
      expect(run.stderr).toMatch(why);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('accepts plain arithmetic on units', async () => {
    const run = await runCli(['validate', '-'], { stdin: scenario('(48 + 16) GiB') });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^<stdin>: ok — t: 1 host, 1 VM placed, 0 unplaced/);
  });
});
