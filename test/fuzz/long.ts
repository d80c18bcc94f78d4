/**
 * The long fuzz run, `npm run fuzz` (≥ 10,000 inputs per parser; the short run is fuzz.test.ts).
 * Prints, per parser, the inputs tried and how they ended (./harness.ts), the slowest input, the
 * peak resident memory, and the first few crashes and hangs with their inputs, so they can be
 * reproduced. The figures go in docs/reliability.md. Exits 1 when any input crashed or hung.
 *
 *   npm run fuzz                 # 10,000 inputs per parser, a random seed
 *   npm run fuzz -- 2000 1234    # 2,000 inputs per parser, seed 1234
 *   npm run fuzz -- 2000 1234 validate out.json   # only parsers whose name contains 'validate'; failing inputs in full to out.json
 *   npm run fuzz -- 2000 1234 '=import --format prometheus'   # exactly one parser
 */
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { cleanUp, importText, peakRssMb, scenarioText, setArgs, TRACE_SEEDS, traceText, validateSet, validateText, type Outcome, type Trial } from './harness.js';

const runs = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000);
const only = process.argv[4] ?? '';
const saveTo = process.argv[5];
const saved: { parser: string; outcome: Outcome; ms: number; input: unknown }[] = [];

interface Tally {
  parser: string;
  counts: Record<Outcome, number>;
  slowestMs: number;
  failures: string[];
}

async function fuzz<T>(parser: string, arbitrary: fc.Arbitrary<T>, run: (input: T) => Promise<Trial>): Promise<Tally | undefined> {
  // `=name` picks one parser exactly (`import --format prometheus` is a prefix of `…-text`).
  if (only.startsWith('=') ? parser !== only.slice(1) : !parser.includes(only)) return undefined;
  const tally: Tally = { parser, counts: { ok: 0, refused: 0, crash: 0, slow: 0, memory: 0 }, slowestMs: 0, failures: [] };
  const inputs = fc.sample(arbitrary, { numRuns: runs, seed: seed + parser.length });
  for (const input of inputs) {
    const t = await run(input);
    tally.counts[t.outcome]++;
    tally.slowestMs = Math.max(tally.slowestMs, t.ms);
    if (t.outcome !== 'ok' && t.outcome !== 'refused') saved.push({ parser, outcome: t.outcome, ms: t.ms, input });
    if (t.outcome !== 'ok' && t.outcome !== 'refused' && tally.failures.length < 5) {
      tally.failures.push(`${t.outcome} (${t.ms.toFixed(0)} ms): ${t.message}\n    input: ${JSON.stringify(input).slice(0, 300)}`);
    }
  }
  process.stdout.write(`${parser}: ${runs} inputs, ${tally.counts.ok} ok, ${tally.counts.refused} refused (exit 2), ${tally.counts.crash} crashes, ${tally.counts.slow} slow, ${tally.counts.memory} over the memory limit; slowest ${tally.slowestMs.toFixed(0)} ms; peak RSS so far ${peakRssMb.toFixed(0)} MB\n`);
  for (const f of tally.failures) process.stdout.write(`  ${f}\n`);
  return tally;
}

const started = performance.now();
process.stdout.write(`overcast fuzz: ${runs} inputs per parser, seed ${seed}\n`);
const results: (Tally | undefined)[] = [];
results.push(await fuzz('validate (scenario files)', scenarioText, validateText));
results.push(await fuzz('--set', setArgs, ([scenario, expr]) => validateSet(scenario, expr)));
for (const format of Object.keys(TRACE_SEEDS)) {
  results.push(await fuzz(`import --format ${format}`, fc.tuple(traceText(format), fc.boolean()), ([text, strict]) => importText(format, text, strict)));
}
const tallies = results.filter((t): t is Tally => t !== undefined);
await cleanUp();
if (saveTo !== undefined) writeFileSync(saveTo, `${JSON.stringify(saved, null, 1)}\n`);
const bad = tallies.reduce((n, t) => n + t.counts.crash + t.counts.slow + t.counts.memory, 0);
process.stdout.write(`total: ${tallies.length * runs} inputs in ${((performance.now() - started) / 1000).toFixed(0)} s; ${bad} crashes, hangs or memory overruns; peak RSS ${peakRssMb.toFixed(0)} MB\n`);
process.exitCode = bad > 0 ? 1 : 0;
