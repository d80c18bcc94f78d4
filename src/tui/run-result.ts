/**
 * What one simulation run hands the UI: the report (the same object `overcast run --json` prints)
 * plus the placement detail the report leaves out — which VMs landed on which host — for the host
 * drill-down. Plain data, so it crosses a worker-thread boundary as is.
 */
import type { StudyResult } from '../model/run.js';
import { inProcessRunner } from '../model/runner.js';
import type { ModelScenario } from '../model/scenario.js';
import { buildReport, type Report } from '../report/report.js';
import { runReplicated } from '../study/run.js';

export interface HostVm {
  name: string;
  group: string;
  vcpus: number;
  memoryGiB: number;
  /** Mean per-vCPU ready % while it ran, averaged over the replications. */
  readyPctMean: number;
}

export interface RunResult {
  report: Report;
  /** Per host, in report order: the VMs placed on it. */
  hosts: { name: string; vms: HostVm[] }[];
  /** Wall-clock milliseconds the simulation took (loading excluded). */
  simulateMs: number;
}

export function toRunResult(study: StudyResult, simulateMs: number): RunResult {
  const { placement, scenario } = study;
  return {
    report: buildReport(study),
    hosts: placement.hosts.map((host) => ({
      name: host.name,
      vms: host.vms.map((v) => {
        const vm = placement.vms[v]!;
        return { name: vm.name, group: scenario.vms[vm.group]?.name ?? String(vm.group), vcpus: vm.vcpus, memoryGiB: vm.memoryGiB, readyPctMean: study.cpu.vmReadyPctMean[v] ?? 0 };
      }),
    })),
    simulateMs,
  };
}

/**
 * Runs a study as `overcast run` does — the replications, then the rare risks an SLO asks for
 * decided by the same estimator (../study/risk.ts) — and packs it for the UI (in a worker, or
 * in-process in tests). With `onPreview`, the first replication's result is handed over as soon
 * as it is done, so a knob change shows a first verdict before the rest; the final result is the
 * same bytes either way (replication 0 is computed once and reused).
 */
export async function simulateScenario(scenario: ModelScenario, onProgress?: (done: number, total: number) => void, onPreview?: (preview: RunResult) => void): Promise<RunResult> {
  const started = performance.now();
  const study = await runReplicated(scenario, inProcessRunner(), {
    ...(onProgress && { onProgress }),
    ...(onPreview && { onFirstReplication: (first: StudyResult) => onPreview(toRunResult(first, performance.now() - started)) }),
  });
  return toRunResult(study, performance.now() - started);
}
