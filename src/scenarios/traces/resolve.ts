/**
 * Loads the traces a scenario's `workload.trace` names: a workload file, or trace files imported
 * on the spot; resamples them to the scenario's step and picks the ones listed in `ids`.
 * Problems come back as TraceSpecError naming the trace field they belong to (the loader turns
 * them into file:line:field messages); a problem inside a trace file names that file and line.
 */
import { isAbsolute, resolve } from 'node:path';
import type { TraceSeries } from '../../model/workload/trace-demand.js';
import type { GapFill } from './series.js';
import { resampleTrace } from './series.js';
import type { TraceFormatName } from './format.js';
import { importTraces } from './import.js';
import { parseTimeZone, UTC } from './time.js';
import { readWorkloadFile } from './workload-file.js';
import { TraceInputError } from './validation.js';

/** The trace settings of a group, as the schema outputs them. */
export interface TraceSpec {
  file?: string | undefined;
  csv?: string | string[] | undefined;
  format?: TraceFormatName | undefined;
  map?: Record<string, string> | undefined;
  separator?: string | undefined;
  header: boolean;
  timeZone: string;
  strict: boolean;
  gapFill: GapFill;
  maxGap?: number | undefined;
  ids?: string[] | undefined;
}

/** A problem with one field of the trace settings. */
export class TraceSpecError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'TraceSpecError';
    this.field = field;
  }
}

const at = (baseDir: string, path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));

/** The traces of a spec at `stepSeconds`; throws TraceSpecError. */
export async function loadTraces(spec: TraceSpec, baseDir: string, stepSeconds: number): Promise<TraceSeries[]> {
  let traces: TraceSeries[];
  const field = spec.file !== undefined ? 'file' : 'csv';
  try {
    if (spec.file !== undefined) {
      const file = await readWorkloadFile(at(baseDir, spec.file));
      traces = file.traces.map((t) => resampleTrace(t, file.header.stepSeconds, stepSeconds));
    } else {
      const paths = (Array.isArray(spec.csv) ? spec.csv : [spec.csv ?? '']).map((p) => at(baseDir, p));
      traces = [];
      await importTraces(
        paths,
        {
          format: spec.format ?? 'generic',
          stepSeconds,
          gapFill: spec.gapFill,
          maxGapSeconds: spec.maxGap,
          strict: spec.strict,
          map: spec.map,
          separator: spec.separator,
          header: spec.header,
          timeZone: parseTimeZone(spec.timeZone) ?? UTC,
        },
        (t) => {
          traces.push({ id: t.id, startSeconds: t.startSeconds, steps: t.steps, vcpus: t.vcpus, memoryGiB: t.memoryGiB, series: t.series });
        },
      );
    }
  } catch (error) {
    if (error instanceof TraceInputError) throw new TraceSpecError(field, error.message);
    if (error instanceof Error && error.name === 'MapSpecError') throw new TraceSpecError('map', error.message);
    throw error;
  }
  if (spec.ids) {
    const byId = new Map(traces.map((t) => [t.id, t]));
    const missing = spec.ids.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      const known = traces.slice(0, 12).map((t) => `'${t.id}'`).join(', ');
      throw new TraceSpecError('ids', `no trace with id ${missing.map((m) => `'${m}'`).join(', ')} (ids: ${known}${traces.length > 12 ? ', …' : ''})`);
    }
    traces = spec.ids.map((id) => byId.get(id)!);
  }
  traces = traces.filter((t) => t.series.cpuPct !== undefined);
  if (traces.length === 0) throw new TraceSpecError(field, 'no trace with a CPU series');
  return traces;
}
