/**
 * One run of the bench's workers case (./run.ts, issue 14) in a fresh process: the command
 * `overcast run default --replications R --workers W --json`, through the same bundled entry
 * `bin/overcast.js` loads (dist/bundle/main.js, whose worker threads load the bundled
 * dist/bundle/worker.js), so that the figure is the command's and neither thread count finds code
 * the other already warmed up. Timed from the call into the command (scenario loading included)
 * to its exit code, after Node has started. Prints one JSON line: wall seconds, the process's CPU
 * seconds over the command (every thread) and a digest of the report JSON it printed.
 *
 * Usage: node dist/bench/workers-case.js <workers> <replications>
 */
import { createHash } from 'node:crypto';
import type { CliIo } from '../src/cli/io.js';

type Main = (argv: readonly string[], io: CliIo) => Promise<number>;

const workers = process.argv[2]!;
const replications = process.argv[3]!;
// dist/bench/workers-case.js → dist/bundle/main.js (built by `npm run build`).
const { main } = (await import(new URL('../bundle/main.js', import.meta.url).href)) as { main: Main };
const printed: string[] = [];
const io: CliIo = {
  stdout: { write: (text) => void printed.push(text), isTTY: false, columns: undefined },
  stderr: { write: (text) => void process.stderr.write(text), isTTY: false },
  stdinIsTTY: false,
  env: { ...process.env, OVERCAST_WORKERS: undefined },
  cwd: process.cwd(),
};
const cpuBefore = process.cpuUsage();
const started = performance.now();
const code = await main(['run', 'default', '--replications', replications, '--workers', workers, '--json'], io);
const wallSeconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
if (code !== 0) throw new Error(`overcast run default exited with ${code}`);
process.stdout.write(`${JSON.stringify({ wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, digest: createHash('sha256').update(printed.join('')).digest('hex') })}\n`);
