/**
 * What one simulation run hands the UI: the report (the same object `overcast run --json` prints)
 * plus the placement detail the report leaves out — which VMs landed on which host — for the host
 * drill-down. Plain data, so it crosses a worker-thread boundary as is.
 */
import { runStudy, type StudyResult } from '../model/run.js';
import type { ModelScenario } from '../model/scenario.js';
import { buildReport, type Report } from '../report/report.js';

export interface HostVm {
  name: string;
  group: string;
  vcpus: number;
  memoryGiB: number;
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
        return { name: vm.name, group: scenario.vms[vm.group]?.name ?? String(vm.group), vcpus: vm.vcpus, memoryGiB: vm.memoryGiB };
      }),
    })),
    simulateMs,
  };
}

/** Runs a study and packs it for the UI (in a worker, or in-process in tests). */
export function simulateScenario(scenario: ModelScenario, onProgress?: (done: number, total: number) => void): RunResult {
  const started = performance.now();
  const study = runStudy(scenario, onProgress ? { onProgress } : {});
  return toRunResult(study, performance.now() - started);
}
