/**
 * How tasks carry trace data to worker threads (src/parallel/shared-traces.ts): the series in
 * shared memory, copied once per series and not once per task, and a scenario key that stays
 * small on either side of the thread boundary. Before this, every task structured-cloned the
 * traces (2.4 MB for bitbrains-rnd) into its worker, and the worker's placement cache was keyed by
 * a 12 MB JSON of the cloned series (the loader's compact description does not survive cloning):
 * `recommend bitbrains-rnd` peaked at 2.2 GB on two workers.
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { computeReplication, scenarioKey, type ReplicationTask } from '../../src/model/runner.js';
import type { ModelScenario } from '../../src/model/scenario.js';
import type { TraceSeries } from '../../src/model/workload/trace-demand.js';
import { encodeTransfer } from '../../src/model/transfer.js';
import { wireTask } from '../../src/parallel/shared-traces.js';
import { NOISY_YAML, scenario } from '../study/helpers.js';
import { TRACE_YAML } from './traces.js';

const tracesOf = (s: ModelScenario): TraceSeries[] => s.vms[0]!.workload.trace!.traces;

/** What a worker receives: the task posted through a real message port (structured cloning). */
function posted(task: ReplicationTask): ReplicationTask {
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(task);
    return receiveMessageOnPort(port2)!.message as ReplicationTask;
  } finally {
    port1.close();
    port2.close();
  }
}

describe('tasks for worker threads', () => {
  it('carry trace series in shared memory, copied once for every task and candidate', async () => {
    const a = await scenario(TRACE_YAML);
    const b = await scenario(TRACE_YAML, ['overcommit.cpu=3']); // another candidate, same file
    const first = wireTask({ scenario: a, replication: 0 });
    const again = wireTask({ scenario: a, replication: 1 });
    const other = wireTask({ scenario: b, replication: 0 });
    const sent = tracesOf(first.scenario);
    expect(sent).toHaveLength(tracesOf(a).length);
    for (const [i, t] of sent.entries()) {
      for (const [metric, values] of Object.entries(t.series)) {
        expect(values.buffer, `${t.id} ${metric}`).toBeInstanceOf(SharedArrayBuffer);
        expect(values).toEqual(tracesOf(a)[i]!.series[metric as keyof TraceSeries['series']]);
        // The same shared copy for every task of the scenario and for the other candidate.
        expect(tracesOf(again.scenario)[i]!.series[metric as keyof TraceSeries['series']]).toBe(values);
        expect(tracesOf(other.scenario)[i]!.series[metric as keyof TraceSeries['series']]).toBe(values);
      }
    }
    // The task's own scenario is left as it was.
    expect(tracesOf(a)[0]!.series.cpuPct!.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(first.key).toBe(scenarioKey(a));
    expect(other.key).not.toBe(first.key);
  });

  it('arrive in a worker without a copy of the series, with a small key and the same result', async () => {
    const s = await scenario(TRACE_YAML);
    const task = wireTask({ scenario: s, replication: 1 });
    const received = posted(task);
    const cpu = tracesOf(received.scenario)[0]!.series.cpuPct!;
    expect(cpu.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(received.key).toBe(task.key);
    expect(received.key!.length).toBeLessThan(20_000);
    expect(JSON.stringify(encodeTransfer(computeReplication(received, new Map())))).toBe(JSON.stringify(encodeTransfer(computeReplication({ scenario: s, replication: 1 }))));
  });

  it('leave scenarios without traces as they are', async () => {
    const s = await scenario(NOISY_YAML);
    const task = wireTask({ scenario: s, replication: 2 });
    expect(task.scenario).toBe(s);
    expect(task.key).toBe(scenarioKey(s));
  });
});

describe('scenarioKey', () => {
  it('stays small for a cloned trace scenario and still tells different traces apart', async () => {
    const s = await scenario(TRACE_YAML);
    // Structured cloning drops the loader's compact description of the traces.
    const clone = structuredClone(s);
    const key = scenarioKey(clone);
    expect(key.length).toBeLessThan(20_000);
    expect(scenarioKey(structuredClone(s))).toBe(key);
    const changed = structuredClone(s);
    tracesOf(changed)[3]!.series.cpuPct![100]! += 1;
    expect(scenarioKey(changed)).not.toBe(key);
    expect(scenarioKey({ ...clone, replications: 40 })).toBe(key);
  });
});
