/**
 * Prometheus range-query results (`GET /api/v1/query_range`, JSON: `{"status":"success","data":
 * {"resultType":"matrix","result":[{"metric":{labels},"values":[[unixSeconds,"value"],…]}]}}`),
 * one file per measured metric, named after it: `cpuPct.json`, `memoryUsedGiB.json`,
 * `diskReadKBps.json`, … (docs/import.md gives the PromQL for each, on libvirt-exporter metrics).
 * A rate() result carries no metric name, so the file name says what the values are.
 *
 * A series' VM is its `domain` label (libvirt exporters), else `instance_name`, `uuid`, `instance`.
 * All files are read first (one sample per VM, time and metric), then each VM's rows go to the
 * session in time order, NaN where a metric has no point at that time.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { TRACE_METRICS, type TraceMetric } from '../../model/workload/trace-demand.js';
import type { TraceReader } from './format.js';
import type { ImportSession } from './session.js';
import { TraceInputError } from './validation.js';

const VM_LABELS = ['domain', 'instance_name', 'uuid', 'instance'] as const;

function metricOf(file: string): TraceMetric | undefined {
  const name = basename(file).replace(/\.json$/i, '');
  return (TRACE_METRICS as readonly string[]).includes(name) ? (name as TraceMetric) : undefined;
}

/** The metrics present: `<metric>.json` files beside the first input (or the first input's folder). */
async function presentMetrics(firstFile: string | undefined): Promise<TraceMetric[]> {
  if (firstFile === undefined) return [];
  const dir = (await stat(firstFile)).isDirectory() ? firstFile : dirname(firstFile);
  const names = new Set((await readdir(dir)).map((n) => metricOf(n)).filter((m) => m !== undefined));
  return TRACE_METRICS.filter((m) => names.has(m));
}

export async function prometheusReader(firstFile: string | undefined): Promise<TraceReader> {
  const metrics = await presentMetrics(firstFile);
  // vm → time → values (one slot per metric).
  const rows = new Map<string, Map<number, Float64Array>>();
  return {
    metrics,
    nominalSeconds: undefined,
    fileEntity: () => undefined,
    async readFile(file: string, session: ImportSession): Promise<number> {
      const metric = metricOf(file);
      if (metric === undefined || !metrics.includes(metric)) {
        throw new TraceInputError(file, undefined, `a Prometheus result file is named after the metric its values are: one of ${TRACE_METRICS.join(', ')} with .json (docs/import.md)`);
      }
      const text = await readFile(file, 'utf8');
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (error) {
        throw new TraceInputError(file, undefined, `not JSON (${(error as Error).message}); expected a /api/v1/query_range response`);
      }
      const data = (doc as { data?: { resultType?: unknown; result?: unknown } } | null)?.data;
      if (data?.resultType !== 'matrix' || !Array.isArray(data.result)) throw new TraceInputError(file, undefined, 'expected a query_range response: {"status":"success","data":{"resultType":"matrix","result":[…]}}');
      const j = metrics.indexOf(metric);
      data.result.forEach((series: { metric?: Record<string, string>; values?: unknown }, s) => {
        const labels = series.metric ?? {};
        const label = VM_LABELS.find((l) => typeof labels[l] === 'string');
        if (label === undefined) throw new TraceInputError(file, undefined, `result[${s}]: no VM label (expected one of ${VM_LABELS.join(', ')}; keep it in the query's by (…))`);
        if (!Array.isArray(series.values)) throw new TraceInputError(file, undefined, `result[${s}].values: expected [[time, "value"], …]`);
        const vm = labels[label]!;
        const byTime = rows.get(vm) ?? new Map<number, Float64Array>();
        rows.set(vm, byTime);
        (series.values as unknown[]).forEach((point, k) => {
          const t = Array.isArray(point) ? Number(point[0]) : Number.NaN;
          const v = Array.isArray(point) ? Number(point[1]) : Number.NaN;
          if (!Number.isFinite(t) || !Number.isFinite(v)) return session.log.reject(file, undefined, 'point is not [unixSeconds, "number"]', `result[${s}].values[${k}]`);
          let slot = byTime.get(t);
          if (!slot) {
            // A row is one VM at one time, however many metric files contribute to it.
            session.log.rowsRead++;
            byTime.set(t, (slot = new Float64Array(metrics.length).fill(Number.NaN)));
          }
          slot[j] = v;
        });
      });
      return text.length;
    },
    async end(session: ImportSession): Promise<void> {
      for (const [vm, byTime] of rows) {
        for (const t of [...byTime.keys()].sort((a, b) => a - b)) session.sample(vm, t, byTime.get(t)!, vm, 0);
        await session.finish(vm);
      }
    },
  };
}
