/**
 * The fleet a recommendation is judged on.
 *
 * An allocation ratio limits how many VMs Placement admits; it only matters when the hosts fill up
 * to it. So the recommender judges each candidate ratio on a full fleet:
 * - a scenario with a `count: fill` group fills the hosts with it (placement does that);
 * - otherwise the VM groups' counts are grown (or shrunk) in proportion until Placement refuses
 *   the next VM: the same mix, as the cloud would look once it has grown into the ratio
 *   (`growMix`). `--as-is` keeps the counts as written instead.
 *
 * N+1 (`oneHostDown`): the fleet admitted on all hosts, with the largest host down and its VMs
 * restarted on the survivors. Nova's evacuation goes through the same Placement check, so a full
 * fleet could not restart its VMs at the same ratios; the operator raises the ratios for the
 * emergency (or forces the target host). The survivors therefore take every admitted VM, placed
 * with the scheduler's weighing at the smallest common increase of both ratios that fits them.
 * VMs are re-placed from scratch (a rebalanced fleet), not only the failed host's.
 */
import { place, type Placement } from '../model/placement.js';
import type { ModelScenario } from '../model/scenario.js';
import { StudyInputError } from './errors.js';

/** An allocation ratio that never limits placement (used for the ratios not being searched). */
export const LIFTED_RATIO = 1e6;

export function hasFillGroup(scenario: ModelScenario): boolean {
  return scenario.vms.some((g) => g.count === 'fill');
}

/** True when every VM that can fit any host was placed. */
function allPlaced(placement: Placement): boolean {
  return placement.unplaced.every((u) => u.reason === 'larger-than-host');
}

function withCounts(scenario: ModelScenario, base: readonly number[], factor: number): ModelScenario {
  return { ...scenario, vms: scenario.vms.map((g, i) => ({ ...g, count: grownCount(base[i]!, factor) })) };
}

/** A group's VM count grown by `factor`, as growMix counts it (whole VMs, rounded down). */
export function grownCount(count: number, factor: number): number {
  return Math.floor(count * factor + 1e-9);
}

export interface GrownFleet {
  scenario: ModelScenario;
  /** Factor applied to the written counts (1 = as written). */
  factor: number;
}

/**
 * Grows (or shrinks) every VM group's count in proportion to the largest fleet Placement admits.
 * Scenarios with a `fill` group are returned unchanged. Counts are floor(count × factor), so the
 * result admits every VM and one more step of the mix would not fit.
 */
export function growMix(scenario: ModelScenario): GrownFleet {
  if (hasFillGroup(scenario)) return { scenario, factor: 1 };
  const base = scenario.vms.map((g) => g.count as number);
  const largest = Math.max(0, ...base);
  if (largest === 0) return { scenario, factor: 1 };
  const fits = (f: number): boolean => allPlaced(place(withCounts(scenario, base, f)));
  let lo = 0;
  let hi = 1;
  // Double until the mix no longer fits (bounded: a fleet of ten million VMs is not a scenario).
  while (fits(hi)) {
    lo = hi;
    hi *= 2;
    if (hi * largest > 1e7) return { scenario: withCounts(scenario, base, lo), factor: lo };
  }
  // Bisect until one more step changes each count by at most one VM.
  while ((hi - lo) * largest > 0.5) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return { scenario: withCounts(scenario, base, lo), factor: lo };
}

export interface DegradedFleet {
  scenario: ModelScenario;
  /** The host taken down, e.g. `compute-10` (the last of the group with the largest hosts). */
  hostDown: string;
  /** Factor by which both ratios were raised so the survivors take every VM (1 = no raise needed). */
  ratioFactor: number;
}

/** The admitted fleet with the largest host down and its VMs restarted on the survivors. */
export function oneHostDown(scenario: ModelScenario): DegradedFleet {
  const hostCount = scenario.hosts.reduce((s, h) => s + h.count, 0);
  if (hostCount < 2) throw new StudyInputError('N+1 needs at least two hosts: with one host down nothing is left to run the VMs');
  const placement = place(scenario);
  const placed = scenario.vms.map(() => 0);
  for (const vm of placement.vms) placed[vm.group]!++;
  // The largest host: most usable pCPUs, then most usable memory; the first such group.
  let worst = 0;
  scenario.hosts.forEach((h, i) => {
    const w = scenario.hosts[worst]!;
    const size = [h.cpu.cores - h.cpu.reservedCores, h.memory.totalGiB - h.memory.reservedGiB];
    const best = [w.cpu.cores - w.cpu.reservedCores, w.memory.totalGiB - w.memory.reservedGiB];
    if (size[0]! > best[0]! || (size[0] === best[0] && size[1]! > best[1]!)) worst = i;
  });
  const down = scenario.hosts[worst]!;
  const hosts = scenario.hosts.flatMap((h, i) => (i !== worst ? [h] : h.count > 1 ? [{ ...h, count: h.count - 1 }] : []));
  const survivors: ModelScenario = { ...scenario, hosts, vms: scenario.vms.map((g, i) => ({ ...g, count: placed[i]! })) };
  const at = (f: number): ModelScenario => ({ ...survivors, overcommit: { cpu: scenario.overcommit.cpu * f, memory: scenario.overcommit.memory * f } });
  const fits = (f: number): boolean => allPlaced(place(at(f)));
  let factor = 1;
  if (!fits(1)) {
    let lo = 1;
    let hi = 2;
    while (!fits(hi)) {
      lo = hi;
      hi *= 2;
      if (hi > LIFTED_RATIO) throw new StudyInputError('N+1: the survivors cannot take the VMs of the host that is down at any ratio (VMs larger than the remaining hosts?)');
    }
    while (hi / lo > 1 + 1e-4) {
      const mid = (lo + hi) / 2;
      if (fits(mid)) hi = mid;
      else lo = mid;
    }
    factor = hi;
  }
  return { scenario: at(factor), hostDown: `${down.name}-${down.count}`, ratioFactor: factor };
}

export interface PlacementLimits {
  vms: number;
  hosts: number;
  vcpuPerPcpu: number;
  /** RAM allocated to the placed VMs, GiB, and as a share of the hosts' usable RAM. */
  memoryAllocatedGiB: number;
  memoryAllocatedPct: number;
  unplaced: number;
  /** Whether the next VM (of the smallest shape) would still fit some host by vCPUs, by memory. */
  cpuFull: boolean;
  memoryFull: boolean;
}

/** What limits the placement of a fleet: is the vCPU or the RAM allocation full? */
export function placementLimits(scenario: ModelScenario, placement: Placement = place(scenario)): PlacementLimits {
  const pcpus = placement.hosts.reduce((s, h) => s + h.pcpus, 0);
  const vcpus = placement.hosts.reduce((s, h) => s + h.vcpusAllocated, 0);
  const memory = placement.hosts.reduce((s, h) => s + h.memoryGiB, 0);
  const allocated = placement.hosts.reduce((s, h) => s + h.memoryAllocatedGiB, 0);
  const minVcpus = Math.min(...scenario.vms.map((g) => g.vcpus));
  const minMemory = Math.min(...scenario.vms.map((g) => g.memoryGiB));
  const cpuFull = placement.hosts.every((h) => h.vcpusAllocated + minVcpus > h.vcpuCapacity + 1e-9);
  const memoryFull = placement.hosts.every((h) => h.memoryAllocatedGiB + minMemory > h.memoryCapacityGiB + 1e-9);
  return {
    vms: placement.vms.length,
    hosts: placement.hosts.length,
    vcpuPerPcpu: pcpus > 0 ? vcpus / pcpus : 0,
    memoryAllocatedGiB: allocated,
    memoryAllocatedPct: memory > 0 ? (100 * allocated) / memory : 0,
    unplaced: placement.unplaced.reduce((s, u) => s + u.count, 0),
    cpuFull,
    memoryFull,
  };
}
