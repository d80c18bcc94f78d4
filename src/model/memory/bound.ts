/**
 * When no OOM kill is possible at all. A host needs at most every VM's full allocation and QEMU
 * overhead backed, plus what its OS uses, plus KSM's metadata on all of it (./host-memory.ts:
 * backed memory never exceeds the allocation; balloons and KSM only take away). If that fits in
 * RAM plus swap on every host, the OOM killer can never act, whatever the workload does: the
 * risk is exactly zero, no simulation needed.
 */
import type { Placement } from '../placement.js';
import type { ModelScenario } from '../scenario.js';
import { KSM_METADATA_SHARE } from './host-memory.js';

/** The most memory host h can ever need, GiB. */
export function worstNeededGiB(scenario: ModelScenario, placement: Placement, h: number): number {
  const host = placement.hosts[h]!;
  let committed = 0;
  for (const v of host.vms) {
    const vm = placement.vms[v]!;
    committed += vm.memoryGiB + scenario.vms[vm.group]!.process.overheadGiB;
  }
  const metadata = scenario.memory.ksm.enabled ? committed * KSM_METADATA_SHARE : 0;
  return committed + metadata + scenario.hosts[host.group]!.memory.hostOsGiB;
}

/** Whether every host's worst case fits in its RAM plus swap (so the OOM risk is zero). */
export function oomImpossible(scenario: ModelScenario, placement: Placement): boolean {
  return placement.hosts.every((host, h) => {
    const memory = scenario.hosts[host.group]!.memory;
    return worstNeededGiB(scenario, placement, h) <= memory.totalGiB + memory.swapGiB;
  });
}
