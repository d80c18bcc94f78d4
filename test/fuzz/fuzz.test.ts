/**
 * A short fuzz run (the long one is `npm run fuzz`, test/fuzz/long.ts): mutated scenarios through
 * `validate`, `--set` expressions, and mutated trace files through `import` of every format,
 * lenient and strict. Every input must end in exit 0 or a located exit-2 message within the
 * per-input time limit: never an internal error, a stack trace or a runaway (./harness.ts).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, importText, scenarioText, setArgs, TIME_LIMIT_MS, TRACE_SEEDS, traceText, validateSet, validateText, type Trial } from './harness.js';

// Fixed seed: the same inputs every run, so a failure here reproduces (`npm run fuzz` varies them).
const SEED = 2112;

const fine = (t: Trial): boolean => t.outcome === 'ok' || t.outcome === 'refused';
const describeTrial = (t: Trial): string => `${t.outcome} after ${t.ms.toFixed(0)} ms: ${t.message}`;

afterAll(cleanUp);

describe('fuzzing (short run)', () => {
  it('validate: mutated bundled scenarios end in exit 0 or a located exit-2 message', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioText, async (text) => {
        const t = await validateText(text);
        expect(fine(t), describeTrial(t)).toBe(true);
      }),
      { numRuns: 60, seed: SEED },
    );
  }, 60 * TIME_LIMIT_MS);

  it('--set: hostile paths and values end in exit 0 or a located exit-2 message', async () => {
    await fc.assert(
      fc.asyncProperty(setArgs, async ([scenario, expr]) => {
        const t = await validateSet(scenario, expr);
        expect(fine(t), describeTrial(t)).toBe(true);
      }),
      { numRuns: 40, seed: SEED },
    );
  }, 40 * TIME_LIMIT_MS);

  for (const format of Object.keys(TRACE_SEEDS)) {
    it(`import --format ${format}: mutated files, lenient and strict, end in exit 0 or a located exit-2 message`, async () => {
      await fc.assert(
        fc.asyncProperty(traceText(format), fc.boolean(), async (text, strict) => {
          const t = await importText(format, text, strict);
          expect(fine(t), describeTrial(t)).toBe(true);
        }),
        { numRuns: 25, seed: SEED },
      );
    }, 25 * TIME_LIMIT_MS);
  }
});
