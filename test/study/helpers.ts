/**
 * Scenarios for the study tests, written as scenario files so every default (including those of
 * models added later) is filled in by the real loader.
 */
import { inProcessRunner, type ReplicationRunner } from '../../src/model/runner.js';
import type { ModelScenario } from '../../src/model/scenario.js';
import { parseScenarioText } from '../../src/scenarios/load.js';
import type { ScenarioSource } from '../../src/study/source.js';

/**
 * Identical single-vCPU VMs with exponential bursts and a constant load (flat profile, no spread
 * between VMs, no noise): every vCPU-interval sees the machine-repairman queue M/M/P//n, whose
 * ready share the fleet kernel computes in closed form (src/model/cpu/queueing.ts). Replications
 * are identical, so the 95 % interval has zero width and upper95 equals the exact value.
 * `fill` packs floor(32 × ratio) vCPUs on each host (the ratio that binds).
 */
export const REPAIRMAN_YAML = `
name: repairman
seed: 7
replications: 2
duration: 1h
step: 30 min
overcommit: { cpu: 1.5, memory: 1.5 }
placement: spread
hosts:
  - name: h
    count: 2
    cpu: { cores: 32, reservedCores: 0 }
    memory: { totalGiB: 128.5, reservedGiB: 0.5 }
vms:
  - name: vm
    count: fill
    vcpus: 1
    memoryGiB: 4
    workload:
      cpu: { utilPct: 40, burstMs: 10 }
      memory: { activeGiB: 0.1 }
cpuModel: { resolution: fleet, microWindows: 0 }
slo:
  cpuReadyPctP95: 5
`;

export function source(text: string, overrides: string[] = []): ScenarioSource {
  return { label: 'test.yaml', file: 'test.yaml', text, overrides };
}

export async function scenario(text: string, overrides: string[] = []): Promise<ModelScenario> {
  const loaded = await parseScenarioText(text, 'test.yaml', { overrides });
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return loaded.value;
}

/** A runner that counts tasks, to check what the recommender computes. */
export function countingRunner(): ReplicationRunner & { tasks: number } {
  const inner = inProcessRunner();
  const runner = {
    workers: 1,
    tasks: 0,
    run: (task: Parameters<ReplicationRunner['run']>[0]) => {
      runner.tasks++;
      return inner.run(task);
    },
    close: () => inner.close(),
  };
  return runner;
}

/** A small but noisy fleet (spread between VMs, noise, micro windows) for determinism checks. */
export const NOISY_YAML = `
name: noisy
seed: 3
replications: 4
duration: 2h
step: 10 min
overcommit: { cpu: 3, memory: 1 }
hosts:
  - name: h
    count: 3
    cpu: { cores: 16, reservedCores: 1 }
    memory: { totalGiB: 128 }
vms:
  - name: web
    count: 40
    vcpus: 2
    memoryGiB: 4
    workload:
      cpu: { utilPct: 30, burstMs: 5, profile: office, vmCv: 0.5, noiseCv: 0.3 }
  - name: batch
    count: fill
    vcpus: 4
    memoryGiB: 8
    workload:
      cpu: { utilPct: 50, burstMs: 50, vmCv: 0.3, noiseCv: 0.5 }
cpuModel: { resolution: fleet, microWindows: 2, microWindow: 2s }
slo:
  cpuReadyPctP95: 5
  schedDelayMsP99: 50
`;
