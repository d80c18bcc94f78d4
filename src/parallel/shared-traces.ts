/**
 * Trace data in shared memory, so a task sent to a worker thread does not carry a copy of it.
 *
 * A task is structured-cloned into its worker, scenario and all. A trace-driven scenario holds
 * every measured series (bitbrains-rnd: 12 traces × 7 metrics × 8,641 steps, 2.4 MB), so each
 * task used to copy them into the worker, and every copy was garbage a moment later (a
 * `recommend` sends hundreds of tasks). Here each series is copied once into a
 * SharedArrayBuffer; cloning a Float32Array over shared memory passes a handle, so the workers
 * read the one copy the main thread holds. The values are the same bits, so results are too.
 *
 * A shared copy is made once per series array and lives as long as the array does (scenarios
 * loaded from the same workload file hold the same arrays, ../scenarios/traces/resolve.ts, so a
 * search over many candidates shares one copy). Nothing writes to trace series once they are in a
 * scenario, and nothing writes to the shared copies.
 */
import { scenarioKey, type ReplicationTask } from '../model/runner.js';
import type { ModelScenario } from '../model/scenario.js';
import type { TraceMetric, TraceSeries, TraceWorkload } from '../model/workload/trace-demand.js';

/** Shared copies by the array they copy. */
const sharedCopies = new WeakMap<Float32Array, Float32Array>();

/** `values` in shared memory: copied on the first call for an array, the same copy afterwards. */
function toShared(values: Float32Array): Float32Array {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  let shared = sharedCopies.get(values);
  if (!shared) {
    shared = new Float32Array(new SharedArrayBuffer(values.byteLength));
    shared.set(values);
    sharedCopies.set(values, shared);
  }
  return shared;
}

function shareTrace(trace: TraceSeries): TraceSeries {
  const series: Partial<Record<TraceMetric, Float32Array>> = {};
  for (const [metric, values] of Object.entries(trace.series) as [TraceMetric, Float32Array | undefined][]) {
    if (values) series[metric] = toShared(values);
  }
  return { ...trace, series };
}

function shareWorkload(workload: TraceWorkload): TraceWorkload {
  return { ...workload, traces: workload.traces.map(shareTrace) };
}

/**
 * A task as it is posted to a worker: the scenario with its trace series in shared memory (a
 * shallow copy; the task's scenario is left as it is), and its key, worked out here rather than
 * in the worker (which would have to fingerprint the traces of every task it receives).
 */
export function wireTask(task: ReplicationTask): ReplicationTask {
  const { scenario } = task;
  const traced = scenario.vms.some((g) => g.workload.trace !== undefined);
  const sent: ModelScenario = traced
    ? { ...scenario, vms: scenario.vms.map((g) => (g.workload.trace ? { ...g, workload: { ...g.workload, trace: shareWorkload(g.workload.trace) } } : g)) }
    : scenario;
  return { scenario: sent, replication: task.replication, key: task.key ?? scenarioKey(scenario), ...(task.chunk !== undefined && { chunk: task.chunk }) };
}
