/**
 * GWA-T-12 Bitbrains (fastStorage, Rnd): one file per VM, `;` + TAB separated, a header line, a
 * row per ~300 s sample. See ../shared/data/traces/bitbrains-rnd/README.md (and bitbrains-fastStorage/).
 *
 * Quirks handled:
 * - the separator is `;\t`: fields are split on `;` and trimmed, so a plain `;` works too;
 * - `Timestamp [ms]` holds Unix seconds: values below 1e11 are read as seconds (the header is
 *   wrong), larger ones as milliseconds;
 * - a VM that is off has `CPU cores` 0 and capacity 0: its CPU is 0 (noted), memory and IO as
 *   measured;
 * - duplicate timestamps (VM 20 has 4,158, often beside an all-zero row): the series builder keeps
 *   the first row unless it was all zeros (skipped, counted);
 * - CPU usage above 100 % (up to 107.3 %) is kept as measured and noted; the model caps
 *   utilisation at 100 %;
 * - memory usage above the provisioned memory (up to 6.5×) is kept and noted; `memoryPct` is
 *   usage over the memory provisioned in the same row, which changes from sample to sample (0 %
 *   when the VM is off with nothing provisioned and nothing used);
 * - gaps (a 30.7 h one in VM 1) are filled by the gap policy and counted;
 * - full-precision floats (`29.259994499999998`) parse as they are;
 * - no header line: the standard column order is assumed (noted).
 * The VM's size is the largest `CPU cores` and `Memory capacity provisioned` seen.
 */
import type { TraceMetric } from '../../model/workload/trace-demand.js';
import { readCsv } from './csv-stream.js';
import { fileId, headerIndex, type TraceReader } from './format.js';
import type { ImportSession } from './session.js';
import { epochSeconds } from './time.js';
import { parseNumber, shown, TraceInputError } from './validation.js';

export const BITBRAINS_COLUMNS = [
  'Timestamp [ms]',
  'CPU cores',
  'CPU capacity provisioned [MHZ]',
  'CPU usage [MHZ]',
  'CPU usage [%]',
  'Memory capacity provisioned [KB]',
  'Memory usage [KB]',
  'Disk read throughput [KB/s]',
  'Disk write throughput [KB/s]',
  'Network received throughput [KB/s]',
  'Network transmitted throughput [KB/s]',
] as const;

const METRICS: readonly TraceMetric[] = ['cpuPct', 'memoryPct', 'memoryUsedGiB', 'diskReadKBps', 'diskWriteKBps', 'netRxKBps', 'netTxKBps'];
const KIB_PER_GIB = 2 ** 20;

export function bitbrainsReader(): TraceReader {
  const values = new Float64Array(METRICS.length);
  const raw = new Float64Array(BITBRAINS_COLUMNS.length);
  return {
    metrics: METRICS,
    nominalSeconds: 300,
    fileEntity: fileId,
    async readFile(file: string, session: ImportSession): Promise<number> {
      const log = session.log;
      const id = fileId(file);
      let columns: number[] | undefined;
      let notedSeconds = false;
      const { bytes } = await readCsv(file, { delimiter: ';', trim: true }, log, (fields, line) => {
        if (columns === undefined) {
          if (!Number.isNaN(parseNumber(fields[0]))) {
            columns = BITBRAINS_COLUMNS.map((_, i) => i);
            log.note(file, line, 'no header line: the standard GWA-T-12 column order is assumed');
          } else {
            const at = headerIndex(fields);
            columns = BITBRAINS_COLUMNS.map((name) => at(name));
            const missing = BITBRAINS_COLUMNS.filter((_, i) => columns![i]! < 0);
            if (missing.length > 0) throw new TraceInputError(file, line, `not a GWA-T-12 Bitbrains header: no column ${missing.map((m) => `'${m}'`).join(', ')}`);
            return;
          }
        }
        log.rowsRead++;
        if (fields.length < BITBRAINS_COLUMNS.length) {
          log.reject(file, line, `expected ${BITBRAINS_COLUMNS.length} fields, found fewer`, `${fields.length}`);
          return;
        }
        for (let c = 0; c < BITBRAINS_COLUMNS.length; c++) {
          const text = fields[columns[c]!];
          const v = parseNumber(text);
          if (Number.isNaN(v)) {
            log.reject(file, line, `${BITBRAINS_COLUMNS[c]}: not a number`, `found ${shown(text)}`);
            return;
          }
          if (v < 0) {
            log.reject(file, line, `${BITBRAINS_COLUMNS[c]}: negative`, `found ${shown(text)}`);
            return;
          }
          raw[c] = v;
        }
        const t = epochSeconds(raw[0]!);
        if (!notedSeconds && raw[0]! < 1e11) {
          log.note(file, line, "'Timestamp [ms]' holds seconds: read as Unix seconds");
          notedSeconds = true;
        }
        const cores = raw[1]!;
        const capacity = raw[2]!;
        let cpu = raw[4]!;
        if (cores === 0 && capacity === 0) {
          if (cpu !== 0) log.note(file, line, 'CPU usage while off (0 cores, 0 MHz): read as 0');
          else log.note(file, line, 'VM off (0 cores, 0 MHz): CPU 0, memory and IO as measured');
          cpu = 0;
        } else if (cpu > 100) {
          log.note(file, line, 'CPU usage above 100 %: kept as measured (the model caps at 100 %)');
        }
        const provisioned = raw[5]!;
        const used = raw[6]!;
        if (provisioned > 0 && used > provisioned) log.note(file, line, 'memory usage above the provisioned memory: kept as measured');
        values[0] = cpu;
        // Off and nothing provisioned: no memory in use (0 %); usage without a provisioned size has no percentage.
        values[1] = provisioned > 0 ? (100 * used) / provisioned : used === 0 ? 0 : Number.NaN;
        values[2] = used / KIB_PER_GIB;
        values[3] = raw[7]!;
        values[4] = raw[8]!;
        values[5] = raw[9]!;
        values[6] = raw[10]!;
        if (session.sample(id, t, values, file, line)) {
          const b = session.builder(id);
          if (cores > (b.vcpus ?? 0)) b.vcpus = cores;
          const gib = provisioned / KIB_PER_GIB;
          if (gib > (b.memoryGiB ?? 0)) b.memoryGiB = gib;
        }
      });
      if (columns === undefined) throw new TraceInputError(file, undefined, 'empty file: no header and no rows');
      return bytes;
    },
  };
}
