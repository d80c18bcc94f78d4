/**
 * One run of the bench's workers case (./run.ts, issue 14) in a fresh process: `run default
 * --replications R` on the runner the command line chooses for `--workers W`
 * (src/cli/study-support.ts `createRunner`), so that neither thread count finds code the other
 * already warmed up. Prints one JSON line: the run's wall seconds (scenario loaded first, not
 * counted), the process's CPU seconds over the run (every thread) and a digest of the report JSON.
 *
 * Usage: node dist/bench/workers-case.js <workers> <replications>
 */
import { createHash } from 'node:crypto';
import { bundledScenario } from '../src/cli/paths.js';
import { createRunner } from '../src/cli/study-support.js';
import { buildReport, reportJson } from '../src/report/report.js';
import { loadScenarioFile } from '../src/scenarios/load.js';
import { runReplicated } from '../src/study/run.js';

const workers = Number(process.argv[2]);
const replications = Number(process.argv[3]);
const loaded = await loadScenarioFile(bundledScenario('default'), { overrides: [`replications=${replications}`] });
if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('; '));
const scenario = loaded.value.scenario;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const runner = createRunner(workers, scenario.replications);
let json: string;
try {
  json = reportJson(buildReport(await runReplicated(scenario, runner)));
} finally {
  await runner.close();
}
const wallSeconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(`${JSON.stringify({ wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, digest: createHash('sha256').update(json).digest('hex') })}\n`);
