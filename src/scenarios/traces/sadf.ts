/**
 * sysstat `sadf -d` (and `sadf -dh`) output: `;`-separated sections, one per sar activity, each
 * introduced by its own `# hostname;interval;timestamp;…` header line. One trace per host. See
 * ../shared/data/traces/sysstat-sadf/README.md.
 *
 * Used sections (others are skipped, counted):
 * - CPU (`-u`): the all-CPU row (`CPU` = -1 or `all`): cpuPct = 100 − %idle; per-CPU rows skipped;
 * - memory (`-r`): %memused → memoryPct, kbmemused → memoryUsedGiB (sysstat kB = 1024 bytes);
 * - I/O (`-b`): rtps, wtps → diskReadIops, diskWriteIops;
 * - block devices (`-d`): rkB/s, wkB/s summed over whole disks; partitions (`sda1`, `nvme0n1p1`,
 *   shown with `sar -p`/`-dp`) and `dm-*` device-mapper volumes are skipped, since their IO is
 *   counted on the disks below them;
 * - network (`-n DEV`): rxkB/s, txkB/s summed over interfaces; `lo` and virtual interfaces
 *   (virbr*, br-*, docker*, veth*, tap*, vnet*, ovs-*…), whose traffic also crosses a physical NIC,
 *   skipped (a bond and its members would still both count: rare on the hosts sar runs on).
 *
 * Quirks handled:
 * - sections come one after another, so a host's rows for one time are spread over the file:
 *   each file's rows are gathered per host and time (bounded by one sadf file, i.e. a day), then
 *   fed in time order;
 * - `LINUX-RESTART` records (`interval` -1, with a TAB inside the field, a new CPU count) break
 *   the series: the time across a restart is a gap; `COM` comment records are skipped;
 * - all headers are printed again after a restart; CPUs going offline or appearing change only
 *   per-CPU rows, which are not used;
 * - `-dh` headers mark repeated groups with `[...]`: the first group (all CPUs) is used;
 * - timestamps `YYYY-MM-DD HH:MM:SS UTC`, Unix seconds (`-U`), or local time (read in --time-zone);
 * - the `interval` field is not used for timing (in the sample it disagrees with the 10 s
 *   spacing of the timestamps); samples hold until the next timestamp.
 */
import type { TraceMetric } from '../../model/workload/trace-demand.js';
import { readCsv } from './csv-stream.js';
import type { ReaderOptions, TraceReader } from './format.js';
import type { ImportSession } from './session.js';
import { epochSeconds, parseDateTime } from './time.js';
import { parseNumber, shown } from './validation.js';

/** Partitions of sd/vd/hd/xvd disks (sda1), NVMe (nvme0n1p1) and MMC (mmcblk0p1) devices. */
export const PARTITION = /^(?:(?:sd|vd|hd|xvd)[a-z]+\d+|nvme\d+n\d+p\d+|mmcblk\d+p\d+)$/;

/** Bridges, taps and other virtual interfaces: their traffic is also counted on the physical NICs. */
export const VIRTUAL_IFACE = /^(?:virbr|br-|docker|veth|tap|vnet|ovs-|cni|flannel|cali|tun|vxlan)/;

const METRICS: readonly TraceMetric[] = ['cpuPct', 'memoryPct', 'memoryUsedGiB', 'diskReadIops', 'diskWriteIops', 'diskReadKBps', 'diskWriteKBps', 'netRxKBps', 'netTxKBps'];
const CPU = 0;
const MEM_PCT = 1;
const MEM_GIB = 2;
const RIOPS = 3;
const WIOPS = 4;
const RKB = 5;
const WKB = 6;
const RX = 7;
const TX = 8;

type Section =
  | { kind: 'cpu'; fields: number; item: number; idle: number }
  | { kind: 'memory'; fields: number; pct: number; kb: number }
  | { kind: 'io'; fields: number; r: number; w: number }
  | { kind: 'disk'; fields: number; item: number; r: number; w: number }
  | { kind: 'net'; fields: number; item: number; rx: number; tx: number }
  | { kind: 'other'; fields: number; name: string };

function section(header: string[]): Section {
  const names = header.map((h, i) => (i === 0 ? h.replace(/^#\s*/, '') : h).replace(/\[\.\.\.\]$/, '').trim());
  const at = (name: string): number => names.indexOf(name);
  const fields = names.length;
  if (at('%idle') >= 0 && at('CPU') >= 0) return { kind: 'cpu', fields, item: at('CPU'), idle: at('%idle') };
  if (at('kbmemused') >= 0 && at('%memused') >= 0) return { kind: 'memory', fields, pct: at('%memused'), kb: at('kbmemused') };
  if (at('rtps') >= 0 && at('wtps') >= 0) return { kind: 'io', fields, r: at('rtps'), w: at('wtps') };
  if (at('DEV') >= 0 && at('rkB/s') >= 0 && at('wkB/s') >= 0) return { kind: 'disk', fields, item: at('DEV'), r: at('rkB/s'), w: at('wkB/s') };
  if (at('IFACE') >= 0 && at('rxkB/s') >= 0 && at('txkB/s') >= 0) return { kind: 'net', fields, item: at('IFACE'), rx: at('rxkB/s'), tx: at('txkB/s') };
  return { kind: 'other', fields, name: names.slice(3).join(';') };
}

interface Pending {
  rows: Map<number, { values: Float64Array; line: number }>;
  restarts: number[];
}

export function sadfReader(options: ReaderOptions): TraceReader {
  return {
    metrics: METRICS,
    nominalSeconds: undefined,
    fileEntity: () => undefined,
    async readFile(file: string, session: ImportSession): Promise<number> {
      const log = session.log;
      const hosts = new Map<string, Pending>();
      let current: Section | undefined;
      const pendingOf = (host: string): Pending => {
        let p = hosts.get(host);
        if (!p) hosts.set(host, (p = { rows: new Map(), restarts: [] }));
        return p;
      };
      const { bytes } = await readCsv(file, { delimiter: ';', quote: null }, log, (f, line) => {
        if (f[0]!.startsWith('#')) {
          current = section(f);
          return;
        }
        log.rowsRead++;
        if (f.length < 4) {
          log.reject(file, line, 'expected hostname;interval;timestamp;… (at least 4 fields)', `found ${f.length}`);
          return;
        }
        const host = f[0]!;
        const timeText = f[2]!;
        const numeric = parseNumber(timeText);
        const t = Number.isNaN(numeric) ? parseDateTime(timeText, options.timeZone) : epochSeconds(numeric);
        if (Number.isNaN(t)) {
          log.reject(file, line, 'timestamp: expected YYYY-MM-DD HH:MM:SS [UTC] or Unix seconds', `found ${shown(timeText)}`);
          return;
        }
        if (f[1] === '-1') {
          const what = f[3]!;
          if (what.startsWith('LINUX-RESTART')) {
            pendingOf(host).restarts.push(t);
            log.skip(file, line, 'LINUX-RESTART record: the series is broken there');
          } else if (what.startsWith('COM')) log.skip(file, line, 'COM (comment) record');
          else log.skip(file, line, 'special record (interval -1)');
          return;
        }
        if (current === undefined) {
          log.reject(file, line, "data before any '# hostname;interval;timestamp;…' header");
          return;
        }
        const s = current;
        if (s.kind === 'other') {
          log.skip(file, line, 'sar activity not imported (not CPU, memory, disk or network)');
          return;
        }
        if (f.length < s.fields) {
          log.reject(file, line, `expected ${s.fields} fields as in the section header`, `found ${f.length}`);
          return;
        }
        const num = (i: number): number => parseNumber(f[i]);
        const bad = (i: number): void => log.reject(file, line, `field ${i + 1}: not a number`, `found ${shown(f[i])}`);
        let row: Float64Array | undefined;
        const rowAt = (): Float64Array => {
          const p = pendingOf(host);
          let r = p.rows.get(t);
          if (!r) p.rows.set(t, (r = { values: new Float64Array(METRICS.length).fill(Number.NaN), line }));
          return r.values;
        };
        const add = (r: Float64Array, j: number, v: number): void => {
          r[j] = Number.isNaN(r[j]!) ? v : r[j]! + v;
        };
        switch (s.kind) {
          case 'cpu': {
            const item = f[s.item]!;
            if (item !== '-1' && item !== 'all') {
              log.skip(file, line, "per-CPU row (the all-CPU row is used)");
              return;
            }
            const idle = num(s.idle);
            if (Number.isNaN(idle) || idle < 0 || idle > 100) return bad(s.idle);
            row = rowAt();
            row[CPU] = 100 - idle;
            break;
          }
          case 'memory': {
            const pct = num(s.pct);
            const kb = num(s.kb);
            if (Number.isNaN(pct) || pct < 0) return bad(s.pct);
            if (Number.isNaN(kb) || kb < 0) return bad(s.kb);
            row = rowAt();
            row[MEM_PCT] = pct;
            row[MEM_GIB] = kb / 2 ** 20;
            break;
          }
          case 'io': {
            const r = num(s.r);
            const w = num(s.w);
            if (Number.isNaN(r) || r < 0) return bad(s.r);
            if (Number.isNaN(w) || w < 0) return bad(s.w);
            row = rowAt();
            row[RIOPS] = r;
            row[WIOPS] = w;
            break;
          }
          case 'disk': {
            const dev = f[s.item]!;
            if (dev.startsWith('dm-')) {
              log.skip(file, line, 'device-mapper device (counted on the disks below it)');
              return;
            }
            if (PARTITION.test(dev)) {
              log.skip(file, line, 'partition (counted on its disk)');
              return;
            }
            const r = num(s.r);
            const w = num(s.w);
            if (Number.isNaN(r) || r < 0) return bad(s.r);
            if (Number.isNaN(w) || w < 0) return bad(s.w);
            row = rowAt();
            add(row, RKB, r);
            add(row, WKB, w);
            break;
          }
          case 'net': {
            const iface = f[s.item]!;
            if (iface === 'lo') {
              log.skip(file, line, 'loopback interface');
              return;
            }
            if (VIRTUAL_IFACE.test(iface)) {
              log.skip(file, line, 'virtual interface (bridge, tap, veth…: its traffic also crosses a physical one)');
              return;
            }
            const rx = num(s.rx);
            const tx = num(s.tx);
            if (Number.isNaN(rx) || rx < 0) return bad(s.rx);
            if (Number.isNaN(tx) || tx < 0) return bad(s.tx);
            row = rowAt();
            add(row, RX, rx);
            add(row, TX, tx);
            break;
          }
        }
        log.rowsAccepted++;
      });
      // Feed each host's gathered rows in time order, breaking the series at restarts.
      for (const [host, p] of hosts) {
        const times = [...p.rows.keys()].sort((a, b) => a - b);
        const restarts = p.restarts.sort((a, b) => a - b);
        let r = 0;
        const builder = session.builder(host);
        for (const t of times) {
          while (r < restarts.length && restarts[r]! <= t) {
            builder.breakSeries();
            r++;
          }
          const entry = p.rows.get(t)!;
          session.sample(host, t, entry.values, file, entry.line, false);
        }
      }
      return bytes;
    },
  };
}
