/**
 * `overcast calibrate ksm|boot <files…>`: turns measurements from a real host into scenario values
 * — one file a value, several a range (`{ between: [lowest, highest], nominal: mean }`) — printed
 * as the field to paste into the scenario and as `--set` to try it at once. Readers and the
 * arithmetic live in ../../scenarios/calibrate/ (ksm.ts, iostat.ts), with their sources.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { calibrateBoot, isSadf, parseIostat, parseSadfDisk } from '../../scenarios/calibrate/iostat.js';
import { calibrateKsm, CalibrationInputError, parseKsmDump } from '../../scenarios/calibrate/ksm.js';
import type { RegisterCommand } from '../command.js';
import { EXIT_OK, UsageError } from '../exit-codes.js';
import { checkOutputOption, emit, type CliIo } from '../io.js';

interface CalibrateOptions {
  group: string;
  output?: string;
  json?: boolean;
}

interface KsmOptions extends CalibrateOptions {
  vms: string;
  usedGib: string;
  zeroGib: string;
}

interface LoadOptions extends CalibrateOptions {
  format?: string;
  step: string;
}

interface BootOptions extends CalibrateOptions {
  device: string;
  interval: string;
}

/** A measured field: one value per file. */
interface Measured {
  path: string;
  unit: string;
  values: number[];
  digits: number;
}

/** Measurement files are small text captures; a bigger one is not what was asked for. */
const MAX_CAPTURE_BYTES = 64 * 1024 * 1024;

async function readCapture(file: string, io: CliIo): Promise<string> {
  try {
    const text = await readFile(resolve(io.cwd, file), 'utf8');
    if (text.length > MAX_CAPTURE_BYTES) throw new UsageError(`${file}: ${text.length} characters; a capture is at most ${MAX_CAPTURE_BYTES}`);
    return text;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a capture file' : `cannot read it (${code ?? String(error)})`}`);
  }
}

function number(text: string, option: string, min: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) throw new UsageError(`${option} ${text}: expected a number >= ${min}`);
  return value;
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

/** One file: the value; several: a range over them with their mean as nominal. */
function fieldValue(m: Measured): number | { between: [number, number]; nominal: number; reason: string } {
  const values = m.values.map((v) => round(v, m.digits));
  if (values.length === 1 || Math.min(...values) === Math.max(...values)) return values[0]!;
  const mean = round(values.reduce((s, v) => s + v, 0) / values.length, m.digits);
  return { between: [Math.min(...values), Math.max(...values)], nominal: mean, reason: `measured ${values.length} times (overcast calibrate)` };
}

function yamlValue(value: ReturnType<typeof fieldValue>): string {
  return typeof value === 'number' ? String(value) : `{ between: [${value.between.join(', ')}], nominal: ${value.nominal}, reason: "${value.reason}" }`;
}

function render(title: string, lines: string[], fields: Measured[], options: CalibrateOptions): string {
  if (options.json) return `${JSON.stringify({ title, notes: lines, fields: fields.map((f) => ({ path: f.path, unit: f.unit, values: f.values, value: fieldValue(f) })) }, null, 2)}\n`;
  const out = [title, ...lines.map((l) => `  ${l}`), '', 'In the scenario (or --set to try it):'];
  for (const f of fields) out.push(`  ${f.path}: ${yamlValue(fieldValue(f))}    # ${f.unit}`);
  out.push('', `  overcast run <scenario> ${fields.map((f) => `--set '${f.path}=${yamlValue(fieldValue(f))}'`).join(' ')}`);
  return `${out.join('\n')}\n`;
}

async function calibrated<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof CalibrationInputError) throw new UsageError(error.message);
    throw error;
  }
}

export async function calibrateKsmCommand(files: string[], options: KsmOptions, io: CliIo): Promise<number> {
  const guests = { vms: number(options.vms, '--vms', 2), usedGiB: number(options.usedGib, '--used-gib', 0), zeroGiB: number(options.zeroGib, '--zero-gib', 0) };
  await checkOutputOption(options.output, io);
  const lines: string[] = [];
  const shared: Measured = { path: `vms.${options.group}.workload.memory.sharedPct`, unit: '%', values: [], digits: 1 };
  await calibrated(async () => {
    for (const file of files) {
      const result = calibrateKsm(parseKsmDump(await readCapture(file, io), file), guests, file);
      shared.values.push(result.sharedPct);
      lines.push(`${file}: ${result.savedGiB.toFixed(2)} GiB saved (pages_sharing × 4 KiB)${result.zeroPagesGiB > 0 ? `, ${result.zeroPagesGiB.toFixed(2)} GiB of it zero pages` : ''} among ${guests.vms} guests using ${guests.usedGiB} GiB each: sharedPct ${result.sharedPct.toFixed(1)} %`);
      for (const note of result.notes) lines.push(`! ${file}: ${note}`);
    }
  });
  await emit(render(`overcast calibrate ksm: ${files.length} dump${files.length === 1 ? '' : 's'}`, lines, [shared], options), options.output, io);
  return EXIT_OK;
}

export async function calibrateBootCommand(files: string[], options: BootOptions, io: CliIo): Promise<number> {
  const interval = number(options.interval, '--interval', 0.001);
  if (!/^[\w./-]+$/.test(options.device)) throw new UsageError(`--device ${options.device}: expected a device name as iostat prints it (sda, vdb, dm-3)`);
  await checkOutputOption(options.output, io);
  const lines: string[] = [];
  const outstanding: Measured = { path: `vms.${options.group}.boot.outstanding`, unit: 'IOs in flight', values: [], digits: 2 };
  const ios: Measured = { path: `vms.${options.group}.boot.ios`, unit: 'IOs', values: [], digits: 0 };
  const readPct: Measured = { path: `vms.${options.group}.boot.readPct`, unit: '%', values: [], digits: 0 };
  await calibrated(async () => {
    for (const file of files) {
      const text = await readCapture(file, io);
      const boot = calibrateBoot(isSadf(text) ? parseSadfDisk(text, options.device, file) : parseIostat(text, options.device, file), interval, file);
      outstanding.values.push(boot.outstanding);
      ios.values.push(boot.ios);
      readPct.values.push(boot.readPct);
      lines.push(`${file}: ${options.device} busy in ${boot.samples} reports (${boot.seconds} s): ${Math.round(boot.ios)} IOs, ${boot.readPct.toFixed(0)} % reads, ${boot.outstanding.toFixed(2)} in flight on average (aqu-sz)`);
    }
  });
  await emit(render(`overcast calibrate boot: ${files.length} capture${files.length === 1 ? '' : 's'} of ${options.device}`, lines, [outstanding, ios, readPct], options), options.output, io);
  return EXIT_OK;
}

/**
 * The CPU load of a VM group from a measured capture (a libvirt- or node-exporter scrape series,
 * esxtop, sadf, Bitbrains, Azure, any format `overcast import` reads): the mean over VMs of each
 * VM's mean CPU (% of its vCPUs) is `utilPct`, their coefficient of variation `vmCv`.
 */
export async function calibrateLoadCommand(files: string[], options: LoadOptions, io: CliIo): Promise<number> {
  const { detectInputFormat, importOptions } = await import('./import-action.js');
  const format = options.format ?? (await detectInputFormat(files, io));
  if (format === 'openstack' || format === 'cloudstack') throw new UsageError(`calibrate load: ${files[0]} is a cloud inventory (${format}); it has no measured load — capture the libvirt exporter's /metrics (docs/import.md)`);
  await checkOutputOption(options.output, io);
  const importOpts = await importOptions({ format, step: options.step, gapFill: 'linear', timeZone: 'UTC', header: true });
  const { importTraces } = await import('../../scenarios/traces/import.js');
  const { TraceInputError } = await import('../../scenarios/traces/validation.js');
  let result;
  try {
    result = await importTraces(files.map((f) => resolve(io.cwd, f)), importOpts, () => {});
  } catch (error) {
    if (error instanceof TraceInputError) throw new UsageError(error.message);
    throw error;
  }
  const means = result.traces.map((t) => t.stats.cpuPct?.mean).filter((m): m is number => m !== undefined && Number.isFinite(m));
  if (means.length === 0) throw new UsageError(`calibrate load: no CPU utilisation in ${files.join(', ')} (${result.traces.length} series read as ${format}; a capture needs the VMs' CPU time, e.g. libvirt_domain_info_cpu_time_seconds_total)`);
  const utilPct = means.reduce((s, m) => s + m, 0) / means.length;
  const sd = means.length > 1 ? Math.sqrt(means.reduce((s, m) => s + (m - utilPct) ** 2, 0) / (means.length - 1)) : 0;
  const fields: Measured[] = [{ path: `vms.${options.group}.workload.cpu.utilPct`, unit: '% of each vCPU', values: [utilPct], digits: 1 }];
  if (means.length > 1) fields.push({ path: `vms.${options.group}.workload.cpu.vmCv`, unit: 'spread between VMs', values: [utilPct > 0 ? sd / utilPct : 0], digits: 2 });
  const lines = [`${means.length} VM${means.length === 1 ? '' : 's'} read as ${format}: mean CPU ${utilPct.toFixed(1)} % of their vCPUs (per VM ${Math.min(...means).toFixed(1)}–${Math.max(...means).toFixed(1)} %)`, 'to replay the measurement itself instead of its mean, write a workload file with `overcast import … -o` (docs/traces.md)'];
  await emit(render(`overcast calibrate load: ${files.length} file${files.length === 1 ? '' : 's'}`, lines, fields, options), options.output, io);
  return EXIT_OK;
}

function common(command: Command): Command {
  return command
    .option('--group <name>', 'the VM group the values are for (the field paths name it)', 'desktop')
    .option('--json', 'print the values as JSON')
    .option('-o, --output <file>', 'write the result to a file (atomically) instead of stdout');
}

export const register: RegisterCommand = (program, { io, exit }) => {
  const calibrate = program.command('calibrate').description('turn measurements from a real host into scenario values (several files: a range)');
  common(
    calibrate
      .command('ksm')
      .description('sharedPct from KSM sysfs dumps (`grep . /sys/kernel/mm/ksm/*` on a host with --vms guests of one image)')
      .argument('<dumps...>', 'one dump per host (or per capture)'),
  )
    .requiredOption('--vms <n>', 'guests of the image running on the host')
    .requiredOption('--used-gib <GiB>', 'memory each guest uses (virsh dommemstat: actual − unused)')
    .option('--zero-gib <GiB>', 'zeroed free memory per guest merged as zero pages (Windows free floor; 0 for Linux)', '0')
    .action(async (files: string[], options: KsmOptions) => exit(await calibrateKsmCommand(files, options, io)));
  common(
    calibrate
      .command('load')
      .description('workload.cpu.utilPct and vmCv from a measured capture any `overcast import` format reads (libvirt or node exporter scrapes, esxtop, sadf, …)')
      .argument('<files...>', 'capture files or folders'),
  )
    .option('--format <format>', 'the capture’s format (default: detected from the content)')
    .option('--step <duration>', 'resampling step', '5 min')
    .action(async (files: string[], options: LoadOptions) => exit(await calibrateLoadCommand(files, options, io)));
  common(
    calibrate
      .command('boot')
      .description('boot.outstanding, boot.ios and boot.readPct from `iostat -x 1` (or `sadf -d <sa file> -- -d`) captured on the host while one guest boots on idle storage')
      .argument('<captures...>', 'one capture per boot'),
  )
    .requiredOption('--device <name>', 'the device the guest’s disk is on, as iostat names it (sdb, dm-3)')
    .option('--interval <s>', 'the interval iostat was run with', '1')
    .action(async (files: string[], options: BootOptions) => exit(await calibrateBootCommand(files, options, io)));
};
