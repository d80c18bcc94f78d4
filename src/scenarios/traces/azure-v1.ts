/**
 * Azure Public Dataset V1 (2017): `vm_cpu_readings-file-*.csv` (timestamp, vmid, mincpu, maxcpu,
 * avgcpu; every 300 s) and optionally `vmtable.csv` (one row per VM with its size). Both are
 * comma-separated without a header; the kind of each record is told by its field count (5 or
 * 11), so the files may be given in any order and gzipped. See
 * ../shared/data/traces/azure-v1/README.md and Microsoft's AzurePublicDatasetV1.md.
 *
 * Quirks handled:
 * - CRLF line ends;
 * - timestamps are seconds from the trace start (time 0 taken as a midnight);
 * - float noise (`15.683948000000001`) parses as it is;
 * - the CPU series is `avgcpu`; a row whose avgcpu lies outside [mincpu, maxcpu] is kept and
 *   noted;
 * - vmtable gives `vmcorecount` (vCPUs) and `vmmemory` (GB) for the VMs it lists; VMs without a
 *   vmtable row keep an unknown size, vmtable rows without readings are counted in the notes;
 * - `vmcategory` is spelt `Unkown` (sic) in the data: accepted (it is not used).
 */
import type { TraceMetric } from '../../model/workload/trace-demand.js';
import { readCsv } from './csv-stream.js';
import type { TraceReader } from './format.js';
import type { ImportSession } from './session.js';
import { parseNumber, shown } from './validation.js';

const METRICS: readonly TraceMetric[] = ['cpuPct'];

export function azureV1Reader(): TraceReader {
  const values = new Float64Array(1);
  const sizes = new Map<string, { vcpus: number; memoryGiB: number; file: string; line: number }>();
  const seen = new Set<string>();
  return {
    metrics: METRICS,
    nominalSeconds: 300,
    fileEntity: () => undefined,
    async readFile(file: string, session: ImportSession): Promise<number> {
      const log = session.log;
      const { bytes } = await readCsv(file, { delimiter: ',' }, log, (f, line) => {
        log.rowsRead++;
        if (f.length === 11) {
          // vmid, subscriptionid, deploymentid, vmcreated, vmdeleted, maxcpu, avgcpu, p95maxcpu, vmcategory, vmcorecount, vmmemory
          const vcpus = parseNumber(f[9]);
          const memory = parseNumber(f[10]);
          if (f[0] === '' || Number.isNaN(vcpus) || vcpus <= 0 || Number.isNaN(memory) || memory <= 0) {
            log.reject(file, line, 'vmtable: expected a vmid, vmcorecount > 0 and vmmemory > 0', `found ${shown(f[9])}, ${shown(f[10])}`);
            return;
          }
          if (f[8] === 'Unkown') log.note(file, line, "vmcategory 'Unkown' (sic, as in the data): accepted");
          sizes.set(f[0]!, { vcpus, memoryGiB: memory, file, line });
          log.skip(file, line, 'vmtable record (metadata: vCPUs and memory)');
          return;
        }
        if (f.length !== 5) {
          log.reject(file, line, 'expected 5 fields (vm_cpu_readings) or 11 (vmtable)', `found ${f.length}`);
          return;
        }
        const t = parseNumber(f[0]);
        if (Number.isNaN(t) || t < 0) {
          log.reject(file, line, 'timestamp: expected seconds >= 0', `found ${shown(f[0])}`);
          return;
        }
        const id = f[1]!;
        if (id === '') {
          log.reject(file, line, 'vmid: empty');
          return;
        }
        const min = parseNumber(f[2]);
        const max = parseNumber(f[3]);
        const avg = parseNumber(f[4]);
        if (Number.isNaN(avg) || avg < 0 || avg > 100) {
          log.reject(file, line, 'avgcpu: expected a percentage 0..100', `found ${shown(f[4])}`);
          return;
        }
        if (!(avg >= min - 1e-6 && avg <= max + 1e-6)) log.note(file, line, 'avgcpu outside [mincpu, maxcpu]: kept');
        values[0] = avg;
        if (session.sample(id, t, values, file, line)) seen.add(id);
      });
      return bytes;
    },
    end(session: ImportSession): void {
      for (const [id, size] of sizes) {
        if (session.has(id)) {
          const b = session.builder(id);
          b.vcpus = size.vcpus;
          b.memoryGiB = size.memoryGiB;
        } else if (!seen.has(id)) {
          session.log.note(size.file, size.line, 'vmtable VM without CPU readings in the input');
        }
      }
    },
  };
}
