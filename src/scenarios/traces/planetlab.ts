/**
 * PlanetLab CoMon traces as packaged by CloudSim: one file per VM, one CPU utilisation (percent of
 * the VM's CPU) per line, 5-minute intervals, no header, no timestamps. See
 * ../shared/data/traces/planetlab-20110303/README.md.
 *
 * Quirks handled:
 * - time is implied by the line number: line k starts (k − 1) × 300 s after the day's midnight
 *   (UTC), the day taken from an 8-digit `YYYYMMDD` folder name in the path (`20110303`), else
 *   given with `--start`, else 0 (relative time, noted);
 * - file names are the VM ids and may contain spaces;
 * - an empty line is a missing sample (a gap), not a shift of the following ones;
 * - a line with more than one field, or a value that is not a number or negative, is rejected;
 *   values above 100 are kept and noted.
 */
import { basename, dirname } from 'node:path';
import type { TraceMetric } from '../../model/workload/trace-demand.js';
import { readCsv } from './csv-stream.js';
import type { ReaderOptions, TraceReader } from './format.js';
import type { ImportSession } from './session.js';
import { parseNumber, shown } from './validation.js';

const METRICS: readonly TraceMetric[] = ['cpuPct'];
export const PLANETLAB_INTERVAL_SECONDS = 300;

/** Midnight UTC of an 8-digit date folder in the path (`…/20110303/name`), or undefined. */
export function planetlabDay(file: string): number | undefined {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const m = /(?:^|\D)(\d{4})(\d{2})(\d{2})(?:\D|$)/.exec(basename(dir));
    if (m) {
      const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!);
      if (Number.isFinite(ms) && +m[2]! >= 1 && +m[2]! <= 12 && +m[3]! >= 1 && +m[3]! <= 31) return ms / 1000;
    }
  }
  return undefined;
}

export function planetlabReader(options: ReaderOptions): TraceReader {
  const values = new Float64Array(1);
  return {
    metrics: METRICS,
    nominalSeconds: PLANETLAB_INTERVAL_SECONDS,
    fileEntity: (file) => basename(file),
    async readFile(file: string, session: ImportSession): Promise<number> {
      const log = session.log;
      const id = basename(file);
      let start = options.startSeconds ?? planetlabDay(file);
      if (start === undefined) {
        log.note(file, undefined, 'no date in the path and no --start: times are relative to line 1');
        start = 0;
      }
      let rows = 0;
      const { bytes } = await readCsv(file, { delimiter: ',', trim: true, quote: null }, log, (fields, line) => {
        rows++;
        log.rowsRead++;
        if (fields.length !== 1) {
          log.reject(file, line, 'expected one value per line', `found ${fields.length} fields`);
          return;
        }
        const v = parseNumber(fields[0]);
        if (Number.isNaN(v)) {
          log.reject(file, line, 'CPU %: not a number', `found ${shown(fields[0])}`);
          return;
        }
        if (v < 0) {
          log.reject(file, line, 'CPU %: negative', `found ${shown(fields[0])}`);
          return;
        }
        if (v > 100) log.note(file, line, 'CPU above 100 %: kept as measured (the model caps at 100 %)');
        values[0] = v;
        session.sample(id, start + (line - 1) * PLANETLAB_INTERVAL_SECONDS, values, file, line);
      });
      // Said, not silently dropped: an empty file is a VM without samples.
      if (rows === 0) log.note(file, undefined, 'empty file: no samples, so no trace for this VM');
      return bytes;
    },
  };
}
