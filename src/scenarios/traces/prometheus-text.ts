/**
 * Prometheus text exposition captures (`curl host:9177/metrics`, exposition.ts) of the libvirt
 * exporter and the node exporter, as workload traces: one trace per libvirt domain (its `domain`
 * label) and one per node-exporter host (its `instance` label, else the `nodename` of
 * `node_uname_info`, else the file's name).
 *
 * A capture is one scrape per file, or several concatenated. Each sample's time is, first found:
 * its own timestamp (milliseconds, as the format allows), the last `# scrape <ISO time or Unix
 * seconds>` comment above it, a time in the file's name (`metrics-20261204T053000Z.prom`,
 * `1764826200.prom`), or the file's modification time (noted in the summary).
 *
 * Counters (`*_total`) give rates between successive scrapes of the same series: (v₂ − v₁)/(t₂ −
 * t₁), held over [t₁, t₂) — the row of the earlier scrape, so the series builder holds it exactly
 * over the interval it describes. A counter that went down restarted (the VM, the host or the
 * exporter did): its increase is counted from 0, as Prometheus' rate() does (noted). Gauges
 * (memory) are taken at the earlier scrape. A single scrape has no rate: exit 2 naming the file.
 *
 * What each metric becomes (the same definitions as the PromQL of docs/import.md):
 * - libvirt (Tinkoff/libvirt-exporter and zhangjianweibj/prometheus-libvirt-exporter, whose README
 *   scrapes are in ../shared/data/traces/libvirt-exporter):
 *   cpuPct = 100 · rate(libvirt_domain_info_cpu_time_seconds_total) / libvirt_domain_info_virtual_cpus
 *   (else the sum over vCPUs of libvirt_domain_vcpu_time_seconds_total); memoryUsedGiB =
 *   libvirt_domain_memory_stats_rss_bytes / 2³⁰ (memory_usage_bytes is the allocation, not use:
 *   equal to maximum_memory_bytes in both README scrapes); disk and network: rates of
 *   libvirt_domain_block_stats_{read,write}_{bytes,requests}_total and
 *   libvirt_domain_interface_stats_{receive,transmit}_bytes_total, summed over devices. The trace's
 *   size: virtual_cpus and maximum_memory_bytes.
 * - node exporter (≥ 0.16 names): cpuPct = 100 · (1 − Σ rate(idle) / Σ rate(all modes)) of
 *   node_cpu_seconds_total (iowait counts as busy, as in sadf's 100 − %idle); memoryUsedGiB and
 *   memoryPct from node_memory_MemTotal_bytes − node_memory_MemAvailable_bytes; disk: rates of
 *   node_disk_{read,written}_bytes_total and node_disk_{reads,writes}_completed_total summed over
 *   whole disks (partitions, dm-*, loop, ram, sr skipped: their IO is counted on the disk below or
 *   is not disk IO), diskBusyPct = 100 · the busiest disk's rate(node_disk_io_time_seconds_total);
 *   network: node_network_{receive,transmit}_bytes_total summed over interfaces other than lo and
 *   virtual ones (bridges, taps: sadf.ts). The trace's size: the CPU count and MemTotal.
 *
 * Memory: per VM, the last value of each counter series it uses; lines stream past.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { TraceMetric } from '../../model/workload/trace-demand.js';
import { asInputError, lineFilter } from './csv-stream.js';
import { emptySample, label, metricName, parseSampleLine, type Sample } from './exposition.js';
import type { ReaderOptions, TraceReader } from './format.js';
import { PARTITION, VIRTUAL_IFACE } from './sadf.js';
import type { ImportSession } from './session.js';
import { epochSeconds, formatTraceTime, parseDateTime } from './time.js';
import { parseNumber, shown, TraceInputError } from './validation.js';

const METRICS: readonly TraceMetric[] = ['cpuPct', 'memoryPct', 'memoryUsedGiB', 'diskReadKBps', 'diskWriteKBps', 'diskReadIops', 'diskWriteIops', 'diskBusyPct', 'netRxKBps', 'netTxKBps'];
const GIB = 2 ** 30;

// Rate slots: sums of per-series rates over one interval (BUSY: the largest).
const CPU_S = 0;
const VCPU_S = 1;
const IDLE_S = 2;
const ALL_S = 3;
const RD_B = 4;
const WR_B = 5;
const RD_OPS = 6;
const WR_OPS = 7;
const BUSY = 8;
const RX_B = 9;
const TX_B = 10;
const RATES = 11;
// Gauge slots: values at one scrape (NCPU counts the CPUs with an idle series).
const VCPUS = 0;
const MAX_MEM = 1;
const RSS = 2;
const MEM_TOTAL = 3;
const MEM_AVAIL = 4;
const NCPU = 5;
const GAUGES = 6;

type Kind = 'domain' | 'node';

/** How a metric is used: its entity kind, counter or gauge, slot, and the label telling its series apart. */
interface Use {
  kind: Kind;
  counter: boolean;
  slot: number;
  series?: string;
  /** Devices left out (partitions, virtual interfaces). */
  skip?: (device: string) => boolean;
}

const NOT_A_DISK = (d: string): boolean => PARTITION.test(d) || /^(?:dm-|loop|z?ram|sr|fd)/.test(d);
const NOT_A_NIC = (d: string): boolean => d === 'lo' || VIRTUAL_IFACE.test(d);

const USES = new Map<string, Use>([
  ['libvirt_domain_info_cpu_time_seconds_total', { kind: 'domain', counter: true, slot: CPU_S }],
  ['libvirt_domain_vcpu_time_seconds_total', { kind: 'domain', counter: true, slot: VCPU_S, series: 'vcpu' }],
  ['libvirt_domain_info_virtual_cpus', { kind: 'domain', counter: false, slot: VCPUS }],
  ['libvirt_domain_info_maximum_memory_bytes', { kind: 'domain', counter: false, slot: MAX_MEM }],
  ['libvirt_domain_memory_stats_rss_bytes', { kind: 'domain', counter: false, slot: RSS }],
  ['libvirt_domain_block_stats_read_bytes_total', { kind: 'domain', counter: true, slot: RD_B, series: 'target_device' }],
  ['libvirt_domain_block_stats_write_bytes_total', { kind: 'domain', counter: true, slot: WR_B, series: 'target_device' }],
  ['libvirt_domain_block_stats_read_requests_total', { kind: 'domain', counter: true, slot: RD_OPS, series: 'target_device' }],
  ['libvirt_domain_block_stats_write_requests_total', { kind: 'domain', counter: true, slot: WR_OPS, series: 'target_device' }],
  ['libvirt_domain_interface_stats_receive_bytes_total', { kind: 'domain', counter: true, slot: RX_B, series: 'target_device' }],
  ['libvirt_domain_interface_stats_transmit_bytes_total', { kind: 'domain', counter: true, slot: TX_B, series: 'target_device' }],
  // node_cpu_seconds_total is handled apart: every mode adds to ALL_S, idle also to IDLE_S.
  ['node_cpu_seconds_total', { kind: 'node', counter: true, slot: ALL_S }],
  ['node_memory_MemTotal_bytes', { kind: 'node', counter: false, slot: MEM_TOTAL }],
  ['node_memory_MemAvailable_bytes', { kind: 'node', counter: false, slot: MEM_AVAIL }],
  ['node_disk_read_bytes_total', { kind: 'node', counter: true, slot: RD_B, series: 'device', skip: NOT_A_DISK }],
  ['node_disk_written_bytes_total', { kind: 'node', counter: true, slot: WR_B, series: 'device', skip: NOT_A_DISK }],
  ['node_disk_reads_completed_total', { kind: 'node', counter: true, slot: RD_OPS, series: 'device', skip: NOT_A_DISK }],
  ['node_disk_writes_completed_total', { kind: 'node', counter: true, slot: WR_OPS, series: 'device', skip: NOT_A_DISK }],
  ['node_disk_io_time_seconds_total', { kind: 'node', counter: true, slot: BUSY, series: 'device', skip: NOT_A_DISK }],
  ['node_network_receive_bytes_total', { kind: 'node', counter: true, slot: RX_B, series: 'device', skip: NOT_A_NIC }],
  ['node_network_transmit_bytes_total', { kind: 'node', counter: true, slot: TX_B, series: 'device', skip: NOT_A_NIC }],
]);

/** One VM or host: the scrape being filled, the one before it, and the last value of each counter series. */
interface Entity {
  id: string;
  kind: Kind;
  /** Time of the latest scrape seen, and of the one before it (NaN until there is one). */
  lastT: number;
  prevT: number;
  /** Rates over (prevT, lastT]; NaN where no series gave one. */
  rates: Float64Array;
  gaugesPrev: Float64Array;
  gaugesLast: Float64Array;
  counters: Map<string, { t: number; v: number }>;
  /** Where its latest scrape was read, for the messages. */
  file: string;
  line: number;
  rows: number;
}

/** A node-exporter sample without an `instance` label, held until its scrape names the host. */
interface Held {
  name: string;
  series: string;
  mode: string | undefined;
  value: number;
  t: number;
  line: number;
}

/** A time in a file name: ISO 8601 basic or extended (`20261204T053000Z`, `2026-12-04T05:30:00Z`), or Unix seconds/milliseconds. */
export function timeInFileName(file: string): number {
  const name = basename(file);
  const iso = /(\d{4})-?(\d{2})-?(\d{2})[T_ ]?(\d{2})[:-]?(\d{2})[:-]?(\d{2})(Z|[+-]\d{2}:?\d{2})?/.exec(name);
  if (iso) {
    const t = parseDateTime(`${iso[1]}-${iso[2]}-${iso[3]}T${iso[4]}:${iso[5]}:${iso[6]}${iso[7] ?? 'Z'}`, { kind: 'fixed', offsetSeconds: 0 });
    if (!Number.isNaN(t)) return t;
  }
  const unix = /(?:^|\D)(\d{10}|\d{13})(?:\D|$)/.exec(name);
  return unix ? epochSeconds(Number(unix[1])) : Number.NaN;
}

export function prometheusTextReader(options: ReaderOptions): TraceReader {
  const entities = new Map<string, Entity>();
  const row = new Float64Array(METRICS.length);
  const sample: Sample = emptySample();
  const fileNotes: string[] = [];
  const scrapeTimes = new Set<number>();
  const files: string[] = [];
  let domains = 0;
  let nodes = 0;

  const entity = (id: string, kind: Kind): Entity => {
    let e = entities.get(`${kind}\0${id}`);
    if (!e) {
      e = {
        id,
        kind,
        lastT: Number.NaN,
        prevT: Number.NaN,
        rates: new Float64Array(RATES).fill(Number.NaN),
        gaugesPrev: new Float64Array(GAUGES).fill(Number.NaN),
        gaugesLast: new Float64Array(GAUGES).fill(Number.NaN),
        counters: new Map(),
        file: '',
        line: 0,
        rows: 0,
      };
      entities.set(`${kind}\0${id}`, e);
      if (kind === 'domain') domains++;
      else nodes++;
    }
    return e;
  };

  /** The row of the interval (prevT, lastT] to the session, at prevT. */
  const emit = (e: Entity, session: ImportSession): void => {
    if (Number.isNaN(e.prevT)) return;
    const r = e.rates;
    const g = e.gaugesPrev;
    row.fill(Number.NaN);
    let vcpus = Number.NaN;
    let memoryGiB = Number.NaN;
    if (e.kind === 'domain') {
      vcpus = Number.isFinite(g[VCPUS]!) ? g[VCPUS]! : e.gaugesLast[VCPUS]!;
      const cpuSeconds = Number.isNaN(r[CPU_S]!) ? r[VCPU_S]! : r[CPU_S]!;
      if (vcpus > 0) row[0] = (100 * cpuSeconds) / vcpus;
      else if (!Number.isNaN(cpuSeconds)) session.log.note(e.file, e.line, 'no libvirt_domain_info_virtual_cpus for this domain: its CPU % is left out', e.id);
      row[2] = g[RSS]! / GIB;
      memoryGiB = g[MAX_MEM]! / GIB;
    } else {
      if (r[ALL_S]! > 0) row[0] = 100 * (1 - (Number.isNaN(r[IDLE_S]!) ? 0 : r[IDLE_S]!) / r[ALL_S]!);
      const total = g[MEM_TOTAL]!;
      const used = total - g[MEM_AVAIL]!;
      if (total > 0) row[1] = (100 * used) / total;
      row[2] = used / GIB;
      vcpus = g[NCPU]!;
      memoryGiB = total / GIB;
    }
    row[3] = r[RD_B]! / 1024;
    row[4] = r[WR_B]! / 1024;
    row[5] = r[RD_OPS]!;
    row[6] = r[WR_OPS]!;
    row[7] = 100 * r[BUSY]!;
    row[8] = r[RX_B]! / 1024;
    row[9] = r[TX_B]! / 1024;
    session.log.rowsRead++;
    if (session.sample(e.id, e.prevT, row, e.file, e.line)) {
      e.rows++;
      const b = session.builder(e.id);
      if (vcpus > (b.vcpus ?? 0)) b.vcpus = vcpus;
      if (memoryGiB > (b.memoryGiB ?? 0)) b.memoryGiB = memoryGiB;
    }
  };

  /** Moves `e` to a new scrape at t: the interval before it is complete and goes out. */
  const advance = (e: Entity, t: number, session: ImportSession): void => {
    if (!Number.isNaN(e.lastT)) {
      emit(e, session);
      const spare = e.gaugesPrev;
      e.gaugesPrev = e.gaugesLast;
      e.gaugesLast = spare.fill(Number.NaN);
      e.rates.fill(Number.NaN);
      e.prevT = e.lastT;
    }
    e.lastT = t;
  };

  /** One used sample of entity `e`; a sample out of time order or not finite is refused (counted). */
  const take = (e: Entity, use: Use, name: string, series: string, mode: string | undefined, value: number, t: number, file: string, line: number, session: ImportSession): void => {
    const log = session.log;
    if (t < e.lastT) {
      log.rowsRead++;
      log.reject(file, line, 'sample earlier than the scrape before it for this VM or host (scrapes must come in time order: name the files so they sort by time)', `${e.id}, ${formatTraceTime(t)}`);
      return;
    }
    if (!Number.isFinite(value)) {
      log.rowsRead++;
      log.reject(file, line, `${name}: not a finite number`, `${value}`);
      return;
    }
    if (t > e.lastT || Number.isNaN(e.lastT)) advance(e, t, session);
    e.file = file;
    e.line = line;
    if (!use.counter) {
      e.gaugesLast[use.slot] = value;
      return;
    }
    if (name === 'node_cpu_seconds_total' && mode === 'idle') e.gaugesLast[NCPU] = (Number.isNaN(e.gaugesLast[NCPU]!) ? 0 : e.gaugesLast[NCPU]!) + 1;
    const key = `${name}\0${series}`;
    const prev = e.counters.get(key);
    if (prev === undefined) {
      e.counters.set(key, { t, v: value });
      return;
    }
    if (prev.t === t) {
      throw new TraceInputError(file, line, `${name}${series ? `{${series}}` : ''} of ${e.id} appears twice at ${formatTraceTime(t)}: concatenated scrapes need a '# scrape <time>' line before each, or timestamps on the samples (docs/import.md)`);
    }
    let increase = value - prev.v;
    if (increase < 0) {
      increase = value;
      log.note(file, line, 'counter went down (the VM, host or exporter restarted): its increase is counted from 0, as Prometheus rate() does', `${name} ${prev.v} → ${value}`);
    }
    const rate = increase / (t - prev.t);
    prev.t = t;
    prev.v = value;
    const add = (slot: number): void => {
      const old = e.rates[slot]!;
      e.rates[slot] = Number.isNaN(old) ? rate : slot === BUSY ? Math.max(old, rate) : old + rate;
    };
    if (name === 'node_cpu_seconds_total') {
      add(ALL_S);
      if (mode === 'idle') add(IDLE_S);
    } else add(use.slot);
  };

  return {
    metrics: METRICS,
    nominalSeconds: undefined,
    fileEntity: () => undefined,
    async readFile(file: string, session: ImportSession): Promise<number> {
      files.push(file);
      const log = session.log;
      let fileTime: number;
      let fileTimeFrom: string;
      try {
        fileTime = timeInFileName(file);
        fileTimeFrom = 'its name';
        if (Number.isNaN(fileTime)) {
          fileTime = (await stat(file)).mtimeMs / 1000;
          fileTimeFrom = 'its modification time';
        }
      } catch (error) {
        throw asInputError(file, error);
      }
      let scrapeTime = Number.NaN;
      let fileTimeUsed = false;
      // Node-exporter samples without an `instance` label wait for their scrape's node_uname_info.
      const held: Held[] = [];
      let nodename: string | undefined;
      const release = (): void => {
        if (held.length === 0) return;
        const e = entity(nodename ?? basename(file).replace(/\.gz$/i, '').replace(/\.(prom|txt|metrics)$/i, ''), 'node');
        for (const h of held) take(e, USES.get(h.name)!, h.name, h.series, h.mode, h.value, h.t, file, h.line, session);
        held.length = 0;
        nodename = undefined;
      };

      const source = createReadStream(file, { highWaterMark: 1 << 16 });
      // csv-stream's line filter bounds a line at 1 MiB (a file without line ends is no capture) and drops \r.
      const input = lineFilter(false, () => undefined);
      let failure: unknown;
      const piped = (/\.gz$/i.test(file) ? pipeline(source, createGunzip(), input) : pipeline(source, input)).catch((error: unknown) => {
        failure = error;
      });
      const lines = createInterface({ input, crlfDelay: Infinity });
      // readline re-emits the input's errors; they are taken from the pipeline (`failure`) instead.
      lines.on('error', () => undefined);
      let lineNo = 0;
      try {
        for await (const raw of lines) {
          lineNo++;
          const text = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
          if (text.length === 0) continue;
          if (text[0] === '#') {
            const scrape = /^#\s*scrape\b\s*(.*)$/i.exec(text);
            if (scrape) {
              release();
              const when = scrape[1]!.trim().split(/\s+/)[0] ?? '';
              const n = parseNumber(when);
              const t = Number.isNaN(n) ? parseDateTime(when, options.timeZone) : epochSeconds(n);
              if (Number.isNaN(t)) throw new TraceInputError(file, lineNo, `expected '# scrape <ISO 8601 time or Unix seconds>', found ${shown(when)}`);
              scrapeTime = t;
            }
            continue;
          }
          const name = metricName(text);
          const use = USES.get(name);
          if (use === undefined && name !== 'node_uname_info') {
            if (name === '' && text.trim() !== '') {
              log.rowsRead++;
              log.reject(file, lineNo, 'expected a sample `metric_name{label="value",…} value [timestamp ms]` or a # comment', `found ${shown(text)}`);
            }
            continue;
          }
          const problem = parseSampleLine(text, sample);
          if (problem !== undefined) {
            log.rowsRead++;
            log.reject(file, lineNo, problem);
            continue;
          }
          let t: number;
          if (!Number.isNaN(sample.timestamp)) t = epochSeconds(sample.timestamp);
          else if (!Number.isNaN(scrapeTime)) t = scrapeTime;
          else {
            t = fileTime;
            fileTimeUsed = true;
          }
          scrapeTimes.add(t);
          const instance = label(sample, 'instance');
          if (use === undefined) {
            // node_uname_info names the host of the unlabelled node samples of this scrape.
            if (instance === undefined) nodename = label(sample, 'nodename');
            continue;
          }
          const series = use.series === undefined ? '' : (label(sample, use.series) ?? '');
          if (use.skip?.(series)) continue;
          const mode = name === 'node_cpu_seconds_total' ? label(sample, 'mode') : undefined;
          const seriesKey = name === 'node_cpu_seconds_total' ? `${label(sample, 'cpu') ?? ''}/${mode ?? ''}` : series;
          if (use.kind === 'domain') {
            const domain = label(sample, 'domain');
            if (domain === undefined || domain === '') {
              log.rowsRead++;
              log.reject(file, lineNo, `${name}: no domain label (the libvirt exporter names each VM with domain="…")`);
              continue;
            }
            take(entity(domain, 'domain'), use, name, seriesKey, mode, sample.value, t, file, lineNo, session);
          } else if (instance !== undefined) {
            take(entity(instance, 'node'), use, name, seriesKey, mode, sample.value, t, file, lineNo, session);
          } else held.push({ name, series: seriesKey, mode, value: sample.value, t, line: lineNo });
        }
        release();
        await piped;
        if (failure !== undefined) throw failure;
      } catch (error) {
        if (error instanceof TraceInputError) throw error;
        throw asInputError(file, failure ?? error);
      } finally {
        // A strict import may stop mid-file: close the file rather than leave the pipeline paused.
        lines.close();
        source.destroy();
      }
      if (fileTimeUsed) fileNotes.push(`${file}: no '# scrape' line or sample timestamps: scrape time ${formatTraceTime(fileTime)} from ${fileTimeFrom}`);
      return source.bytesRead;
    },
    end(session: ImportSession): void {
      let twice = 0;
      for (const e of entities.values()) {
        emit(e, session);
        if (Number.isNaN(e.prevT)) session.log.skip(e.file, e.line, 'VM or host in one scrape only: a counter needs two scrapes for a rate', e.id);
        else twice++;
      }
      if (entities.size > 0 && twice === 0) {
        const where = files.length === 1 ? files[0]! : `${files[0]!} (and ${files.length - 1} more)`;
        const what = scrapeTimes.size === 1 ? `holds a single scrape (${formatTraceTime([...scrapeTimes][0]!)})` : 'has each VM and host in one scrape only';
        throw new TraceInputError(where, undefined, `${what}: counters (CPU seconds, bytes, requests) give a rate only between two scrapes; capture at least two, e.g. with the curl loop of docs/import.md`);
      }
      if (entities.size === 0 && session.log.rowsRejected === 0) {
        throw new TraceInputError(files[0] ?? '(inputs)', undefined, 'no libvirt-exporter or node-exporter samples (expected e.g. libvirt_domain_info_cpu_time_seconds_total or node_cpu_seconds_total; docs/import.md)');
      }
    },
    describe(): string[] {
      const out = [`exposition: ${domains} libvirt domain${domains === 1 ? '' : 's'}, ${nodes} node-exporter host${nodes === 1 ? '' : 's'}, ${scrapeTimes.size} scrape times; counters as rates between successive scrapes`];
      if (fileNotes.length > 0) out.push(...fileNotes.slice(0, 3), ...(fileNotes.length > 3 ? [`… and ${fileNotes.length - 3} more files timed the same way`] : []));
      return out;
    },
  };
}
