/**
 * Boot IO from an `iostat -x` capture (or sadf's CSV of the host's sa file) on the host while one guest boots on otherwise idle storage:
 * the IOs a boot keeps in flight (`boot.outstanding`) and how many it sends (`boot.ios`).
 *
 * `iostat -x <interval>` prints one report per interval: a `Device` header and a line per device.
 * sysstat 12 names the queue `aqu-sz`, older versions `avgqu-sz`; the IO rates are `r/s` and
 * `w/s` in both. The first report holds the averages since the host booted (iostat(1)) and is
 * skipped. The boot is the reports in which the device did IO; over them the mean queue size is
 * the time-average number of IOs in flight (Little's law), the model's `outstanding`, and the
 * summed rate × interval is the boot's IOs.
 */
import { CalibrationInputError } from './ksm.js';

export interface IostatSample {
  readsPerSecond: number;
  writesPerSecond: number;
  queue: number;
  /** Seconds the sample covers, where the capture says (sadf); else the interval given. */
  seconds?: number;
}

export interface BootCalibration {
  outstanding: number;
  ios: number;
  readPct: number;
  /** Reports in which the device did IO, and the seconds they span. */
  samples: number;
  seconds: number;
}

/** The samples of one device, the first report skipped. */
export function parseIostat(text: string, device: string, file: string): IostatSample[] {
  const lines = text.split(/\r?\n/);
  const samples: IostatSample[] = [];
  let columns: string[] | undefined;
  let reports = 0;
  let deviceSeen = false;
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i]!.trim().split(/\s+/);
    if (fields[0] === 'Device' || fields[0] === 'Device:') {
      columns = fields.map((f) => f.replace(/:$/, ''));
      reports++;
      for (const needed of ['r/s', 'w/s']) {
        if (!columns.includes(needed)) throw new CalibrationInputError(`${file}:${i + 1}: the Device header has no ${needed} column; capture with \`iostat -x 1\``);
      }
      if (!columns.includes('aqu-sz') && !columns.includes('avgqu-sz')) throw new CalibrationInputError(`${file}:${i + 1}: the Device header has no aqu-sz (or avgqu-sz) column; capture with \`iostat -x 1\``);
      continue;
    }
    if (!columns || fields[0] !== device) continue;
    deviceSeen = true;
    if (reports === 1) continue; // averages since the host booted
    const at = (name: string): number => {
      const index = columns!.indexOf(name);
      const value = Number(fields[index]?.replace(',', '.'));
      if (index < 0 || !Number.isFinite(value)) throw new CalibrationInputError(`${file}:${i + 1}: expected a number in the ${name} column for ${device}, found '${fields[index] ?? ''}'`);
      return value;
    };
    samples.push({ readsPerSecond: at('r/s'), writesPerSecond: at('w/s'), queue: at(columns.includes('aqu-sz') ? 'aqu-sz' : 'avgqu-sz') });
  }
  if (!columns) throw new CalibrationInputError(`${file}: no 'Device' header; expected the output of \`iostat -x 1\``);
  if (!deviceSeen) throw new CalibrationInputError(`${file}: no line for device '${device}' (give the device the guest's disk is on with --device)`);
  return samples;
}

/**
 * The disk records of one device from `sadf -d -- -d` (sysstat's CSV of an sa file): the DEV
 * section's `tps`, `rkB/s`, `wkB/s` and `aqu-sz`, each record covering its `interval` seconds.
 * sadf gives transfers per second, not reads and writes apart: they are split by the bytes read
 * and written (equal IO sizes assumed). An sa file holds no since-boot report.
 */
export function parseSadfDisk(text: string, device: string, file: string): IostatSample[] {
  const lines = text.split(/\r?\n/);
  const samples: IostatSample[] = [];
  let columns: string[] | undefined;
  let sawDiskHeader = false;
  let deviceSeen = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) {
      const header = line.replace(/^#\s*/, '').split(';');
      columns = header.includes('DEV') && header.includes('aqu-sz') && header.includes('tps') ? header : undefined;
      if (columns) sawDiskHeader = true;
      continue;
    }
    if (!columns || line.trim() === '') continue;
    const fields = line.split(';');
    if (fields[columns.indexOf('DEV')] !== device) continue;
    deviceSeen = true;
    const at = (name: string): number => {
      const value = Number(fields[columns!.indexOf(name)]);
      if (!Number.isFinite(value) || value < 0) throw new CalibrationInputError(`${file}:${i + 1}: expected a number >= 0 in the ${name} column for ${device}, found '${(fields[columns!.indexOf(name)] ?? '').slice(0, 20)}'`);
      return value;
    };
    const seconds = at('interval');
    if (seconds <= 0) continue; // sadf's special records (a restart) have interval -1
    const tps = at('tps');
    const readKiB = at('rkB/s');
    const writeKiB = at('wkB/s');
    const readShare = readKiB + writeKiB > 0 ? readKiB / (readKiB + writeKiB) : 1;
    samples.push({ readsPerSecond: tps * readShare, writesPerSecond: tps * (1 - readShare), queue: at('aqu-sz'), seconds });
  }
  if (!sawDiskHeader) throw new CalibrationInputError(`${file}: no disk section (a '# hostname;interval;timestamp;DEV;tps;…;aqu-sz' header); capture with \`sadf -d <sa file> -- -d\``);
  if (!deviceSeen) throw new CalibrationInputError(`${file}: no record for device '${device}' (give the device the guest's disk is on with --device; sadf names it as sar -d -p does)`);
  return samples;
}

/** Whether a capture is sadf's CSV (else iostat's text). */
export function isSadf(text: string): boolean {
  return /^#\s*hostname;interval;timestamp;/m.test(text.slice(0, 64 * 1024));
}

/** The boot's queue and IOs, from the reports in which the device did IO. */
export function calibrateBoot(samples: readonly IostatSample[], intervalSeconds: number, file: string): BootCalibration {
  const busy = samples.filter((s) => s.readsPerSecond + s.writesPerSecond > 0);
  if (busy.length === 0) throw new CalibrationInputError(`${file}: the device did no IO after the first report; capture while the guest boots`);
  const secondsOf = (s: IostatSample): number => s.seconds ?? intervalSeconds;
  const reads = busy.reduce((n, s) => n + s.readsPerSecond * secondsOf(s), 0);
  const writes = busy.reduce((n, s) => n + s.writesPerSecond * secondsOf(s), 0);
  const seconds = busy.reduce((n, s) => n + secondsOf(s), 0);
  // Each report covers its interval: the queue sizes weighted by it give the time average.
  const outstanding = busy.reduce((n, s) => n + s.queue * secondsOf(s), 0) / seconds;
  return { outstanding, ios: reads + writes, readPct: (100 * reads) / (reads + writes), samples: busy.length, seconds };
}
