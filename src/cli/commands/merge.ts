/**
 * `overcast merge <partial…>`: combines the partial results of a sharded `run` or `sweep` into
 * exactly the report (or sweep CSV/JSON) a single run gives. The command's surface; the work is in
 * ./merge-action.ts, loaded when it runs.
 */
import { Option } from 'commander';
import { sloGateOptions, type RegisterCommand } from '../command.js';
import type { SloGateOptions } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import type { RiskMethodOption } from '../../study/risk.js';
import { riskMethodOption, workersOption } from '../study-options.js';
import { REPORT_FORMATS } from './run.js';

export interface MergeOptions extends SloGateOptions {
  json?: boolean;
  format?: string;
  output?: string;
  workers?: string;
  riskMethod?: RiskMethodOption;
  quiet?: boolean;
}

export const register: RegisterCommand = (program, { io, exit }) => {
  const command = program
    .command('merge')
    .description('combine the partial results of a sharded run or sweep (--shard i/N) into the report a single run gives')
    .argument('<partials...>', 'partial result files, one per shard, in any order')
    .option('--json', 'print the report as JSON (a run) or the sweep as JSON instead of CSV')
    .addOption(new Option('--format <format>', 'report format for a run').choices([...REPORT_FORMATS]))
    .option('-o, --output <file>', 'write the report to a file (for a sweep: <base>.csv and <base>.json), atomically')
    .option('-q, --quiet', 'no progress on stderr')
    .addOption(workersOption())
    .addOption(riskMethodOption());
  sloGateOptions(command).action(async (files: string[], options: MergeOptions) => {
    exit(await mergeCommand(files, options, io));
  });
};

/** Merges the partial results in `files` and writes the report (./merge-action.ts); returns the exit code. */
export async function mergeCommand(files: readonly string[], options: MergeOptions, io: CliIo): Promise<number> {
  const { mergePartials } = await import('./merge-action.js');
  return mergePartials(files, options, io);
}
