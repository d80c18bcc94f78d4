/**
 * VMware esxtop batch mode (`esxtop -b`), a perfmon-style CSV: the first column is the time
 * (`(PDH-CSV 4.0) (UTC)(0)`), every other column a counter `\\host\Object(instance)\Counter`.
 * See ../shared/data/traces/esxtop/README.md.
 *
 * Entities imported:
 * - the host itself (id: its name from the counter paths): cpuPct is `Physical Cpu(_Total)\% Util
 *   Time`, or the mean over the `Physical Cpu(n)` instances when there is no `_Total` column (or
 *   `% Processor Time` when there is no `% Util Time`); memoryUsedGiB is `Memory\Kernel MBytes` +
 *   `Memory\NonKernel MBytes`, memoryPct that over `Memory\Machine MBytes` when present;
 * - each VM (id: the VM name), recognised by `Group Memory(id:name)` or `Vcpu(id:name:…)` columns:
 *   cpuPct is `Group Cpu(id:name)\% Used` divided by the VM's vCPUs (counted from its
 *   `Vcpu(…vmx-vcpu-n…)` instances; 1 when there are none, noted); memoryUsedGiB from the
 *   `Group Memory` consumed counter, memoryPct over `Memory Size MBytes`; netRx/TxKBps from the
 *   `Network Port(…:name)\MBits Received|Transmitted/sec` counters of its ports. Scheduler groups
 *   that are not VMs (system, idle, helper…) are left out.
 *
 * Quirks handled:
 * - the sample was re-saved in a spreadsheet: quotes removed (quoted and unquoted fields are both
 *   read), CRLF line ends, timestamps cut to `M/D/YYYY H:MM`: rows sharing a minute are spread
 *   evenly over it in row order (the nominal interval is 5 s; noted);
 * - `% Processor Time` above 100 (100.28) is kept and noted;
 * - the header's zone `(UTC)` is honoured; without it times are read in --time-zone;
 * - empty fields are missing values.
 */
import type { TraceMetric } from '../../model/workload/trace-demand.js';
import { readCsv } from './csv-stream.js';
import type { ReaderOptions, TraceReader } from './format.js';
import type { ImportSession } from './session.js';
import { lacksSeconds, parseDateTime, UTC, type TimeZone } from './time.js';
import { parseNumber, shown, TraceInputError } from './validation.js';

const METRICS: readonly TraceMetric[] = ['cpuPct', 'memoryPct', 'memoryUsedGiB', 'netRxKBps', 'netTxKBps'];
const MBIT_TO_KIB = 1e6 / 8 / 1024;

interface Counter {
  column: number;
  host: string;
  object: string;
  instance: string | undefined;
  counter: string;
}

/** `\\host\Object(instance)\Counter`, the instance up to the last `)` before the counter. */
export function parseCounterPath(text: string, column: number): Counter | undefined {
  const m = /^\\\\([^\\]*)\\([^\\(]+?)(?:\((.*)\))?\\([^\\]+)$/.exec(text.trim());
  if (!m) return undefined;
  return { column, host: m[1]!, object: m[2]!.trim(), instance: m[3], counter: m[4]!.trim() };
}

interface Entity {
  id: string;
  /** Columns averaged for CPU (percent), and the divisor applied after (vCPUs). */
  cpu: number[];
  cpuDivisor: number;
  memUsed: number[];
  memTotal: number;
  netRx: number[];
  netTx: number[];
}

function entities(counters: Counter[], log: { note(file: string, line: number | undefined, reason: string): void }, file: string): Entity[] {
  const out: Entity[] = [];
  const find = (object: string, instance: string | undefined, counter: string): Counter | undefined =>
    counters.find((c) => c.object === object && c.instance === instance && c.counter === counter);
  const host = counters[0]?.host ?? 'host';
  // The host.
  for (const counter of ['% Util Time', '% Processor Time']) {
    const total = find('Physical Cpu', '_Total', counter);
    const each = counters.filter((c) => c.object === 'Physical Cpu' && c.instance !== '_Total' && c.counter === counter);
    const cpu = total ? [total.column] : each.map((c) => c.column);
    if (cpu.length === 0) continue;
    const kernel = find('Memory', undefined, 'Kernel MBytes');
    const nonKernel = find('Memory', undefined, 'NonKernel MBytes');
    const machine = find('Memory', undefined, 'Machine MBytes');
    if (!total) log.note(file, 1, `host CPU: mean of ${each.length} pCPUs' '${counter}' (no _Total column)`);
    out.push({
      id: host,
      cpu,
      cpuDivisor: 1,
      memUsed: kernel && nonKernel ? [kernel.column, nonKernel.column] : [],
      memTotal: machine?.column ?? -1,
      netRx: [],
      netTx: [],
    });
    break;
  }
  // VMs: Group Cpu groups that have VM memory or vCPU worlds.
  for (const used of counters.filter((c) => c.object === 'Group Cpu' && c.counter === '% Used' && c.instance !== undefined)) {
    const instance = used.instance!;
    const name = instance.slice(instance.indexOf(':') + 1);
    const vcpus = new Set(
      counters
        .filter((c) => c.object === 'Vcpu' && c.instance !== undefined && c.instance.startsWith(`${instance}:`) && /vmx-vcpu-\d+/.test(c.instance))
        .map((c) => /vmx-vcpu-(\d+)/.exec(c.instance!)![1]),
    ).size;
    const memory = counters.filter((c) => c.object === 'Group Memory' && c.instance === instance);
    if (vcpus === 0 && memory.length === 0) continue;
    if (vcpus === 0) log.note(file, 1, 'VM without Vcpu columns: % Used taken over 1 vCPU');
    const consumed = memory.find((c) => /consumed/i.test(c.counter));
    const size = memory.find((c) => c.counter === 'Memory Size MBytes');
    const ports = counters.filter((c) => c.object === 'Network Port' && c.instance !== undefined && c.instance.endsWith(`:${name}`));
    out.push({
      id: name,
      cpu: [used.column],
      cpuDivisor: Math.max(1, vcpus),
      memUsed: consumed ? [consumed.column] : [],
      memTotal: size?.column ?? -1,
      netRx: ports.filter((c) => c.counter === 'MBits Received/sec').map((c) => c.column),
      netTx: ports.filter((c) => c.counter === 'MBits Transmitted/sec').map((c) => c.column),
    });
  }
  return out;
}

export function esxtopReader(options: ReaderOptions): TraceReader {
  const values = new Float64Array(METRICS.length);
  return {
    metrics: METRICS,
    nominalSeconds: 5,
    fileEntity: () => undefined,
    async readFile(file: string, session: ImportSession): Promise<number> {
      const log = session.log;
      let list: Entity[] | undefined;
      let zone: TimeZone = options.timeZone;
      // Rows whose timestamp lacks seconds wait until the minute is complete.
      let group: { text: string; rows: { f: string[]; line: number }[] } | undefined;

      // A row holds every host and VM: it counts once, as accepted when any of them took a sample.
      const emit = (f: string[], line: number, t: number): void => {
        let added = 0;
        let duplicates = 0;
        for (const e of list!) {
          values.fill(Number.NaN);
          let cpu = 0;
          let n = 0;
          for (const c of e.cpu) {
            const v = parseNumber(f[c]);
            if (!Number.isNaN(v)) {
              cpu += v;
              n++;
            }
          }
          if (n > 0) {
            values[0] = cpu / n / e.cpuDivisor;
            if (values[0]! > 100) log.note(file, line, 'CPU above 100 %: kept as measured (the model caps at 100 %)');
          }
          if (e.memUsed.length > 0) {
            let mb = 0;
            for (const c of e.memUsed) mb += parseNumber(f[c]);
            if (!Number.isNaN(mb)) {
              values[2] = mb / 1024;
              const total = e.memTotal >= 0 ? parseNumber(f[e.memTotal]) : Number.NaN;
              if (total > 0) values[1] = (100 * mb) / total;
            }
          }
          if (e.netRx.length > 0) {
            let rx = 0;
            let tx = 0;
            for (const c of e.netRx) rx += parseNumber(f[c]);
            for (const c of e.netTx) tx += parseNumber(f[c]);
            values[3] = rx * MBIT_TO_KIB;
            values[4] = tx * MBIT_TO_KIB;
          }
          let any = false;
          for (let j = 0; j < values.length; j++) if (!Number.isNaN(values[j]!)) any = true;
          if (!any) {
            log.note(file, line, 'a host or VM without a counter value in the row');
            continue;
          }
          if (session.sample(e.id, t, values, file, line, false)) added++;
          else if (session.builder(e.id).lastTime === t) duplicates++;
        }
        if (added > 0) log.rowsAccepted++;
        else if (duplicates > 0) log.skip(file, line, 'duplicate timestamp (the first row is kept)');
        else log.reject(file, line, 'no host or VM of the row could be used (no counter values, or the timestamp is out of order, duplicated or out of range; see the notes)');
      };
      const flush = (): void => {
        if (!group) return;
        const base = parseDateTime(group.text, zone);
        const n = group.rows.length;
        group.rows.forEach((r, i) => emit(r.f, r.line, base + (60 * i) / n));
        if (n > 1) log.note(file, group.rows[0]!.line, 'timestamps without seconds: rows of a minute spread evenly over it');
        group = undefined;
      };

      const { bytes } = await readCsv(file, { delimiter: ',' }, log, (f, line) => {
        if (list === undefined) {
          if (!/PDH-CSV/i.test(f[0]!)) throw new TraceInputError(file, line, `not an esxtop batch file: the first column is ${shown(f[0])}, expected '(PDH-CSV 4.0) (UTC)(0)'`);
          if (/\(UTC\)/i.test(f[0]!)) zone = UTC;
          const counters = f.slice(1).map((text, i) => parseCounterPath(text, i + 1)).filter((c): c is Counter => c !== undefined);
          list = entities(counters, log, file);
          if (list.length === 0) throw new TraceInputError(file, line, 'no host CPU (Physical Cpu) or VM (Group Cpu) counters in the header');
          return;
        }
        log.rowsRead++;
        const text = f[0]!;
        const t = parseDateTime(text, zone);
        if (Number.isNaN(t)) {
          log.reject(file, line, 'timestamp: expected MM/DD/YYYY HH:MM:SS', `found ${shown(text)}`);
          return;
        }
        if (!lacksSeconds(text)) {
          flush();
          emit(f, line, t);
          return;
        }
        if (group && group.text !== text) flush();
        group ??= { text, rows: [] };
        group.rows.push({ f, line });
      });
      flush();
      if (list === undefined) throw new TraceInputError(file, undefined, 'empty file: no header');
      return bytes;
    },
  };
}
