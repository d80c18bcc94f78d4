/**
 * Alibaba cluster-trace-v2018 `machine_usage` (and optionally `machine_meta`): comma-separated, no
 * header, rows of all machines in one file. See ../shared/data/traces/alibaba-2018/README.md and
 * the trace's schema.txt.
 *
 * machine_usage columns: machine_id, time_stamp (s from trace start), cpu_util_percent,
 * mem_util_percent, mem_gps, mkpi, net_in, net_out, disk_io_percent (a tenth column,
 * disk_usage_percent, named in trace_2018.md but absent from the files, is accepted and ignored).
 *
 * Quirks handled:
 * - timestamps are relative seconds (time 0 is taken as a midnight for daily blocks);
 * - samples are irregular (nominally 10 s, ~100 s on average, gaps up to hours): resampled by
 *   time-weighted means, gaps longer than the hold limit filled by the gap policy;
 * - `disk_io_percent` uses -1 and 101 (any value outside 0..100) as "invalid": left out for that
 *   row only (noted), the gap filled;
 * - `mem_gps` and `mkpi` are usually empty: not imported;
 * - `net_in`/`net_out` never decrease: they are normalised cumulative counters, so they are
 *   differenced into a rate per second (`netRxNormPerS`); a decrease (counter reset) leaves that
 *   row's rate out (noted), and the first row of a machine has none;
 * - machine_meta rows (7 fields, the last a status word) give `cpu_num` as the machine's vCPUs;
 *   `mem_size` is normalised (100 = largest machine) and not used.
 * Rows of a machine must be in time order (they are); machines may interleave.
 */
import type { TraceMetric } from '../../model/workload/trace-demand.js';
import { readCsv } from './csv-stream.js';
import type { TraceReader } from './format.js';
import type { ImportSession } from './session.js';
import { parseNumber, shown } from './validation.js';

const METRICS: readonly TraceMetric[] = ['cpuPct', 'memoryPct', 'diskBusyPct', 'netRxNormPerS', 'netTxNormPerS'];

interface Counters {
  t: number;
  netIn: number;
  netOut: number;
}

export function alibabaReader(): TraceReader {
  const values = new Float64Array(METRICS.length);
  const counters = new Map<string, Counters>();
  const vcpusOf = new Map<string, number>();
  return {
    metrics: METRICS,
    nominalSeconds: 10,
    fileEntity: () => undefined,
    async readFile(file: string, session: ImportSession): Promise<number> {
      const log = session.log;
      const { bytes } = await readCsv(file, { delimiter: ',' }, log, (f, line) => {
        log.rowsRead++;
        if (f.length === 7 && Number.isNaN(parseNumber(f[6])) && f[6] !== '') {
          // machine_meta: machine_id, time_stamp, failure_domain_1, failure_domain_2, cpu_num, mem_size, status
          const cpus = parseNumber(f[4]);
          if (f[0] === '' || Number.isNaN(cpus) || cpus <= 0) {
            log.reject(file, line, 'machine_meta: expected a machine id and cpu_num > 0', `found ${shown(f[4])}`);
            return;
          }
          vcpusOf.set(f[0]!, cpus);
          log.skip(file, line, 'machine_meta record (metadata: cpu_num read as vCPUs)');
          return;
        }
        if (f.length !== 9 && f.length !== 10) {
          log.reject(file, line, 'expected 9 fields (machine_usage) or 7 (machine_meta)', `found ${f.length}`);
          return;
        }
        const id = f[0]!;
        if (id === '') {
          log.reject(file, line, 'machine_id: empty');
          return;
        }
        const t = parseNumber(f[1]);
        if (Number.isNaN(t) || t < 0) {
          log.reject(file, line, 'time_stamp: expected seconds >= 0', `found ${shown(f[1])}`);
          return;
        }
        const cpu = parseNumber(f[2]);
        const mem = parseNumber(f[3]);
        if (Number.isNaN(cpu) && Number.isNaN(mem)) {
          log.reject(file, line, 'neither cpu_util_percent nor mem_util_percent is a number', `found ${shown(f[2])}, ${shown(f[3])}`);
          return;
        }
        if (cpu < 0 || cpu > 100 || mem < 0 || mem > 100) {
          log.reject(file, line, 'cpu_util_percent or mem_util_percent outside 0..100', `found ${shown(f[2])}, ${shown(f[3])}`);
          return;
        }
        let disk = parseNumber(f[8]);
        if (!Number.isNaN(disk) && (disk < 0 || disk > 100)) {
          log.note(file, line, 'disk_io_percent invalid (-1 or 101): left out for that row');
          disk = Number.NaN;
        }
        values[0] = cpu;
        values[1] = mem;
        values[2] = disk;
        const netIn = parseNumber(f[6]);
        const netOut = parseNumber(f[7]);
        const prev = counters.get(id);
        values[3] = Number.NaN;
        values[4] = Number.NaN;
        if (prev && t > prev.t) {
          const dt = t - prev.t;
          if (netIn >= prev.netIn) values[3] = (netIn - prev.netIn) / dt;
          else if (!Number.isNaN(netIn) && !Number.isNaN(prev.netIn)) log.note(file, line, 'net counter decreased (reset): rate left out for that row');
          if (netOut >= prev.netOut) values[4] = (netOut - prev.netOut) / dt;
        }
        if (session.sample(id, t, values, file, line)) {
          if (prev) {
            prev.t = t;
            prev.netIn = netIn;
            prev.netOut = netOut;
          } else counters.set(id, { t, netIn, netOut });
        }
      });
      return bytes;
    },
    end(session: ImportSession): void {
      for (const [id, cpus] of vcpusOf) if (session.has(id)) session.builder(id).vcpus = cpus;
    },
  };
}
