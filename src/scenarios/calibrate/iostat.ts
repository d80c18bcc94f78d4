/**
 * Boot IO from an `iostat -x` capture on the host while one guest boots on otherwise idle storage:
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

/** The boot's queue and IOs, from the reports in which the device did IO. */
export function calibrateBoot(samples: readonly IostatSample[], intervalSeconds: number, file: string): BootCalibration {
  const busy = samples.filter((s) => s.readsPerSecond + s.writesPerSecond > 0);
  if (busy.length === 0) throw new CalibrationInputError(`${file}: the device did no IO after the first report; capture while the guest boots`);
  const reads = busy.reduce((n, s) => n + s.readsPerSecond * intervalSeconds, 0);
  const writes = busy.reduce((n, s) => n + s.writesPerSecond * intervalSeconds, 0);
  // Each report is one interval: the mean of their queue sizes is the time average.
  const outstanding = busy.reduce((n, s) => n + s.queue, 0) / busy.length;
  return { outstanding, ios: reads + writes, readPct: (100 * reads) / (reads + writes), samples: busy.length, seconds: busy.length * intervalSeconds };
}
