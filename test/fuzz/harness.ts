/**
 * Fuzzing harness: hostile and broken inputs for the scenario loader (`overcast validate`), every
 * trace importer (`overcast import`, lenient and strict) and `--set`, generated with fast-check
 * from the bundled scenarios, the schema's field paths and the trace fixtures, as a user's
 * mistakes and a hostile file would arrive: deleted and duplicated lines (duplicate keys), values
 * swapped for other types, NaN/Infinity/huge/negative/tiny numbers, deep nesting, aliases
 * (self-referencing, exponential), unknown tags, unicode and binary bytes, BOM and CRLF,
 * truncated lines, wrong separators and stray quotes.
 *
 * Each input runs through the real command in-process (test/helpers/cli.ts) and is classed:
 * - `ok`: exit 0; `refused`: exit 2 with a message and no stack trace;
 * - `crash`: any other exit code, or an "internal error" / "This is a bug" message;
 * - `slow`: took longer than the per-input time limit (an input that never returns stalls the
 *   run, which the caller's own timeout catches);
 * and the process's peak resident memory is tracked across inputs (per-input limit: growth
 * over MEMORY_LIMIT_MB after an input is reported as `memory`).
 *
 * Used by fuzz.test.ts (a short run in `npm test`) and long.ts (`npm run fuzz`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { bundledScenario, packageRoot } from '../../src/cli/paths.js';
import { runCli } from '../helpers/cli.js';

export const TIME_LIMIT_MS = 5_000;
export const MEMORY_LIMIT_MB = 1_024;

export type Outcome = 'ok' | 'refused' | 'crash' | 'slow' | 'memory';

export interface Trial {
  outcome: Outcome;
  ms: number;
  /** The first line of what the command printed on stderr, for crashes. */
  message: string;
}

const root = packageRoot();
const fixture = (...parts: string[]): string => readFileSync(join(root, 'test/fixtures/traces', ...parts), 'latin1');
const head = (text: string, lines: number): string => text.split('\n').slice(0, lines).join('\n') + '\n';

/** Values that break things, as YAML or CSV text. */
export const HOSTILE_VALUES = [
  '.nan', 'NaN', '.inf', '-.inf', 'Infinity', '1e308', '-1e308', '1e-300', '-1', '0', '-0', '2147483648', '9007199254740993', '1e15', '1e20', '99999999999',
  '-1h', '1 ms', '1e-9 s', '0 s', '1e9 GiB', '-5 GiB', "''", '""', '[]', '{}', '~', 'null', 'true', 'fill', '0x10', '1_000',
  '"\u202e\u0000x"', '"ü😀"', '!!js/function "function(){}"', '!foo bar', '*nowhere', '&a [*a]', '[[[[[[[[[[1]]]]]]]]]]', "'unterminated", '"a\\x"',
] as const;

const SCENARIO_NAMES = readdirSync(join(root, 'scenarios')).filter((n) => n.endsWith('.yaml')).map((n) => n.replace(/\.yaml$/, ''));
const SCENARIOS = SCENARIO_NAMES.map((n) => readFileSync(bundledScenario(n), 'utf8'));

/** One edit of a text, as a list of lines (a line-oriented format: YAML, CSV). */
type Edit = (lines: string[]) => string[];

const at = (lines: string[], i: number): number => (lines.length === 0 ? 0 : i % lines.length);

const edits = (values: readonly string[], separators: readonly string[]): fc.Arbitrary<Edit> =>
  fc.oneof(
    fc.nat().map((i): Edit => (l) => l.filter((_, k) => k !== at(l, i))),
    fc.nat().map((i): Edit => (l) => [...l.slice(0, at(l, i) + 1), ...l.slice(at(l, i))]),
    fc.tuple(fc.nat(), fc.nat()).map(([i, c]): Edit => (l) => l.map((x, k) => (k === at(l, i) ? x.slice(0, c % (x.length + 1)) : x))),
    // A value swapped: after the first `: ` (YAML) or in a field (CSV).
    fc.tuple(fc.nat(), fc.constantFrom(...values), fc.nat()).map(([i, v, f]): Edit => (l) =>
      l.map((x, k) => {
        if (k !== at(l, i)) return x;
        const colon = x.indexOf(': ');
        if (colon >= 0 && separators.length === 0) return `${x.slice(0, colon + 2)}${v}`;
        const sep = separators.find((s) => x.includes(s)) ?? ',';
        const fields = x.split(sep);
        fields[f % fields.length] = v;
        return fields.join(sep);
      }),
    ),
    fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 8 })).map(([i, s]): Edit => (l) => l.map((x, k) => (k === at(l, i) ? s + x : x))),
    fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 12 })).map(([i, b]): Edit => (l) => l.map((x, k) => (k === at(l, i) ? x + String.fromCharCode(...b) : x))),
    fc.constant<Edit>((l) => l.map((x) => `${x}\r`)),
    fc.constant<Edit>((l) => (l.length > 0 ? [`\ufeff${l[0]}`, ...l.slice(1)] : l)),
    fc.nat().map((i): Edit => (l) => l.map((x, k) => (k === at(l, i) ? `"${x}` : x))),
    fc.constantFrom(',', ';', '\t', '|', ' ').map((s): Edit => (l) => l.map((x) => x.replace(/[,;\t]/g, s))),
    fc.integer({ min: 1, max: 3000 }).map((n): Edit => (l) => [...l, `deep: ${'['.repeat(n)}${']'.repeat(n)}`]),
    fc.integer({ min: 1, max: 12 }).map((n): Edit => (l) => [...l, 'a0: &a0 [1,1,1,1,1,1,1,1,1,1]', ...Array.from({ length: n }, (_, k) => `a${k + 1}: &a${k + 1} [${Array(10).fill(`*a${k}`).join(',')}]`)]),
    fc.constant<Edit>((l) => [...l, 'selfref: &s [*s]']),
    fc.integer({ min: 1, max: 20_000 }).map((n): Edit => (l) => [...l, ...Array.from({ length: n }, (_, k) => `k${k}: ${k}`)]),
  );

const apply = (text: string, list: Edit[]): string => list.reduce((lines, e) => e(lines), text.split('\n')).join('\n');

/** A mutated bundled scenario. */
export const scenarioText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...SCENARIOS), fc.array(edits(HOSTILE_VALUES, []), { minLength: 1, maxLength: 4 }))
  .map(([text, list]) => apply(text, list));

/** Field paths of the bundled scenarios (from their keys) and of the schema's common fields. */
const SET_PATHS = [
  'name', 'seed', 'replications', 'duration', 'step', 'startHour', 'placement', 'overcommit.cpu', 'overcommit.memory',
  'hosts[0].count', 'hosts[0].cpu.cores', 'hosts[0].cpu.reservedCores', 'hosts[0].memory.totalGiB', 'hosts[0].memory.reservedGiB', 'hosts[0].memory.swapGiB',
  'vms[0].count', 'vms[0].vcpus', 'vms[0].memoryGiB', 'vms[0].os', 'vms[0].workload.cpu.utilPct', 'vms[0].workload.cpu.burstMs', 'vms[0].workload.cpu.burstCv',
  'vms[0].workload.cpu.noiseCv', 'vms[0].workload.cpu.vmCv', 'vms[0].workload.cpu.profile', 'vms[0].workload.memory.noiseCv', 'boots.waves', 'slo.cpuReadyPctP95',
  'vms[99].count', 'hosts[-1].count', 'a.b.c', '__proto__.polluted', 'constructor.prototype.x', 'vms[1e9].count', '', '.', '[0]',
] as const;

/** A `--set path=value` and the scenario it applies to. */
export const setArgs: fc.Arbitrary<[string, string]> = fc.tuple(
  fc.constantFrom(...SCENARIO_NAMES),
  fc.oneof(
    fc.tuple(fc.constantFrom(...SET_PATHS), fc.constantFrom(...HOSTILE_VALUES)).map(([p, v]) => `${p}=${v}`),
    fc.tuple(fc.constantFrom(...SET_PATHS), fc.string({ maxLength: 30 })).map(([p, v]) => `${p}=${v}`),
    fc.string({ unit: 'binary', maxLength: 40 }),
  ),
);

/** Trace formats with a seed file each (the first lines of a fixture) and the extra flags it needs. */
export const TRACE_SEEDS: Record<string, { text: string; name: string; flags: string[] }> = {
  bitbrains: { text: head(fixture('bitbrains-rnd/2013-7/1.csv'), 30), name: '1.csv', flags: [] },
  'azure-v1': { text: head(fixture('azure-v1/vm_cpu_readings-file-1-of-125.head100.csv'), 40), name: 'vm_cpu_readings-file-1-of-125.csv', flags: [] },
  'alibaba-2018': { text: head(fixture('alibaba-2018/machine_usage.csv'), 40), name: 'machine_usage.csv', flags: [] },
  planetlab: { text: head(fixture('planetlab-20110303/146-179_surfsnel_dsl_internl_net_colostate_557'), 40), name: 'node_a', flags: ['--start', '2011-03-03T00:00:00Z'] },
  sadf: { text: head(fixture('sysstat-sadf/expected.sadf-d'), 30), name: 'host.sadf', flags: [] },
  esxtop: { text: head(fixture('esxtop/visualesxtoponline_upload-1000_origincsvfile.csv'), 6), name: 'esxtop.csv', flags: [] },
  'prometheus-text': { text: head(fixture('prometheus-text/libvirt-two-scrapes.prom'), 60), name: 'capture.prom', flags: [] },
  prometheus: { text: fixture('prometheus/cpuPct.json'), name: 'cpuPct.json', flags: [] },
  generic: { text: 'time,vm,cpu,mem\n1400000000,a,5,40\n1400000300,a,6,41\n1400000000,b,7,50\n1400000300,b,8,51\n1400000600,a,9,42\n', name: 'g.csv', flags: ['--map', 'time=time:s,vm=vm,cpu=cpu:%,memory=mem:%'] },
};

export const TRACE_VALUES = [...HOSTILE_VALUES, '', '"', '""""', '1e20', '99999999999', '-99999999999', '1.5e10', '2013-07-01T00:00:00Z', '9999-12-31T23:59:59Z', '0000-01-01'] as const;

/** A mutated trace file of one format. */
export const traceText = (format: string): fc.Arbitrary<string> =>
  fc
    .array(edits(TRACE_VALUES, [';\t', ',', ';', '\t']), { minLength: 1, maxLength: 4 })
    .map((list) => apply(TRACE_SEEDS[format]!.text, list));

/** Peak resident memory seen so far, MB. */
export let peakRssMb = 0;

async function trial(run: () => Promise<{ code: number; stderr: string }>): Promise<Trial> {
  const before = process.memoryUsage().rss;
  const start = performance.now();
  let code: number;
  let stderr: string;
  try {
    ({ code, stderr } = await run());
  } catch (error) {
    return { outcome: 'crash', ms: performance.now() - start, message: `threw: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200) };
  }
  const ms = performance.now() - start;
  const rss = process.memoryUsage().rss;
  peakRssMb = Math.max(peakRssMb, rss / 2 ** 20);
  const message = stderr.split('\n')[0]!.slice(0, 200);
  if ((code !== 0 && code !== 2) || /internal error|This is a bug|\n\s+at /.test(stderr)) return { outcome: 'crash', ms, message };
  if (ms > TIME_LIMIT_MS) return { outcome: 'slow', ms, message };
  if ((rss - before) / 2 ** 20 > MEMORY_LIMIT_MB) return { outcome: 'memory', ms, message };
  return { outcome: code === 0 ? 'ok' : 'refused', ms, message };
}

let scratch: string | undefined;
async function scratchDir(): Promise<string> {
  scratch ??= await mkdtemp(join(tmpdir(), 'overcast-fuzz-'));
  return scratch;
}

export async function cleanUp(): Promise<void> {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
}

/** `overcast validate` on a scenario text written to a file. */
export async function validateText(text: string): Promise<Trial> {
  const file = join(await scratchDir(), 'fuzz.yaml');
  await writeFile(file, text, 'latin1');
  return trial(() => runCli(['validate', file]));
}

/** `overcast validate <bundled> --set <expr>`. */
export async function validateSet(scenario: string, expr: string): Promise<Trial> {
  return trial(() => runCli(['validate', bundledScenario(scenario), '--set', expr]));
}

/** `overcast import` of a trace text written as the format's file. */
export async function importText(format: string, text: string, strict: boolean): Promise<Trial> {
  const dir = await scratchDir();
  const seed = TRACE_SEEDS[format]!;
  const file = join(dir, seed.name);
  await writeFile(file, text, 'latin1');
  return trial(() => runCli(['import', file, '--format', format, ...seed.flags, ...(strict ? ['--strict'] : [])]));
}
