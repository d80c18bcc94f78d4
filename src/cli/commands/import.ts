/**
 * `overcast import <path…> --format F`: reads measured traces (docs/traces.md), prints what was
 * read — files, VMs, time span, step, rows accepted, rejected and skipped with reasons and where,
 * per-VM percentiles of every metric — and with `-o` writes the compact workload file a scenario
 * references (`workload: { trace: { file } }`), atomically and as the traces finish, so the output
 * is never half-written and the import's memory stays bounded.
 *
 * This module is the command's surface; the import is in ./import-action.ts, loaded when it runs.
 */
import { Option } from 'commander';
import { TRACE_FORMATS } from '../../scenarios/traces/format.js';
import { GAP_FILLS } from '../../scenarios/traces/series.js';
import { DEFAULT_MAX_STEPS } from '../../scenarios/traces/session.js';
import type { RegisterCommand } from '../command.js';
import type { CliIo } from '../io.js';

export interface ImportCliOptions {
  format?: string;
  map?: string;
  separator?: string;
  header?: boolean;
  timeZone?: string;
  start?: string;
  step?: string;
  gapFill?: string;
  maxGap?: string;
  maxSteps?: string;
  strict?: boolean;
  output?: string;
  json?: boolean;
  all?: boolean;
}

export const register: RegisterCommand = (program, { io, exit }) => {
  program
    .command('import')
    .description('import measured workload traces (CSV and monitoring exports): print a summary and write a workload file')
    .argument('<paths...>', 'trace files or folders (a folder means the trace files in it)')
    .addOption(new Option('--format <format>', 'trace format (docs/traces.md), or openstack, cloudstack: a cloud inventory (docs/import.md)').choices([...TRACE_FORMATS, 'openstack', 'cloudstack']))
    .option('--map <mapping>', "generic CSV: column mapping target=column[:unit],… e.g. 'time=ts:s,vm=host,cpu=cpu_util:%' (guessed from the header if left out)")
    .option('--separator <text>', 'generic CSV: field separator (default: detected)')
    .option('--no-header', 'generic CSV: the first line is data; name columns #1, #2, …')
    .option('--time-zone <zone>', 'zone of timestamps written without one: UTC, +02:00 or an IANA name', 'UTC')
    .option('--start <time>', 'PlanetLab: time of line 1 (ISO 8601 or Unix seconds; default: the date in the folder name)')
    .option('--step <duration>', 'resample to this step, the simulation step of the scenarios that use it', '5 min')
    .addOption(new Option('--gap-fill <policy>', 'fill steps without a measurement').choices([...GAP_FILLS]).default('linear'))
    .option('--max-gap <duration>', 'longest a sample holds before the time after it is a gap (default: 3 steps or 3 sample intervals)')
    .option('--max-steps <n>', `most steps one trace may span; a row further from the VM's first row is refused (default ${DEFAULT_MAX_STEPS})`)
    .option('--strict', 'fail on the first malformed row (default: skip and count)')
    .option('-o, --output <file>', 'write the workload file (atomically)')
    .option('--json', 'print the summary as one JSON document')
    .option('--all', 'list every VM in the text summary (default: the first 30)')
    .action(async (paths: string[], options: ImportCliOptions) => {
      exit(await importCommand(paths, options, io));
    });
};

/** Imports the traces at `paths` and prints the summary (./import-action.ts); returns the exit code. */
export async function importCommand(paths: string[], options: ImportCliOptions, io: CliIo): Promise<number> {
  const { importPaths } = await import('./import-action.js');
  return importPaths(paths, options, io);
}
