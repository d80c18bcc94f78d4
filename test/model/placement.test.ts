/**
 * Initial placement (placement.ts): capacity rules after OpenStack Placement / nova's filter
 * scheduler, pack vs spread weighing, `fill`, and accounting of every VM asked for.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FILL_LIMIT, place, type PlacedHost, type PlacedVm, type Placement, type UnplacedGroup, type UnplacedReason } from '../../src/model/placement.js';
import type { ModelScenario, VmGroup } from '../../src/model/scenario.js';
import { hostGroup, scenario, vmGroup } from './helpers.js';

/**
 * Allocation-ratio capacities are products like 30 × 1.2 that are not exact in binary; the
 * placement rule admits 1e-9 of rounding slack, and so do these checks.
 */
const SLACK = 1e-9;

const hostArb = fc.record({
  count: fc.integer({ min: 0, max: 4 }),
  cores: fc.integer({ min: 1, max: 64 }),
  reservedCores: fc.integer({ min: 0, max: 4 }),
  totalGiB: fc.integer({ min: 4, max: 512 }),
  reservedGiB: fc.integer({ min: 0, max: 8 }),
});

const vmArb = fc.record({
  count: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 60 }) }, { weight: 1, arbitrary: fc.constant('fill' as const) }),
  vcpus: fc.integer({ min: 1, max: 32 }),
  // Memory in quarter GiB: exact in binary, so allocation sums carry no rounding.
  memoryQuarters: fc.integer({ min: 1, max: 4 * 256 }),
});

const scenarioArb: fc.Arbitrary<ModelScenario> = fc
  .record({
    hosts: fc.array(hostArb, { minLength: 1, maxLength: 3 }),
    vms: fc.array(vmArb, { minLength: 1, maxLength: 4 }),
    cpu: fc.constantFrom(1, 1.5, 2, 4, 16),
    memory: fc.constantFrom(1, 1.2, 1.5),
    placement: fc.constantFrom('pack' as const, 'spread' as const),
  })
  .filter(({ hosts }) => hosts.every((h) => h.cores > h.reservedCores && h.totalGiB > h.reservedGiB))
  .map(({ hosts, vms, cpu, memory, placement }) =>
    scenario({
      hosts: hosts.map((h, i) => hostGroup(`h${i}`, h.count, h.cores, h.totalGiB, h.reservedCores, h.reservedGiB)),
      vms: vms.map((v, i) => vmGroup(`g${i}`, v.count, v.vcpus, v.memoryQuarters / 4)),
      overcommit: { cpu, memory },
      placement,
    }),
  );

/** Would one more VM of group `g` fit on host `h` of the final placement? (capacity and size rules) */
function fits(s: ModelScenario, p: Placement, g: number, h: number): boolean {
  const host = p.hosts[h]!;
  const vm = s.vms[g]!;
  return (
    vm.vcpus <= host.pcpus &&
    vm.memoryGiB <= host.memoryGiB &&
    host.vcpusAllocated + vm.vcpus <= host.vcpuCapacity + SLACK &&
    host.memoryAllocatedGiB + vm.memoryGiB <= host.memoryCapacityGiB + SLACK
  );
}

describe('place: properties', () => {
  it('capacities are (total − reserved) × ratio and are never exceeded', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const p = place(s);
        // Hosts: one per count, in group order, with capacities from the scenario.
        const expectedHosts = s.hosts.flatMap((g) => Array.from({ length: g.count }, () => g));
        expect(p.hosts.length).toBe(expectedHosts.length);
        p.hosts.forEach((host, h) => {
          const g = expectedHosts[h]!;
          const pcpus = g.cpu.cores - g.cpu.reservedCores;
          const memoryGiB = g.memory.totalGiB - g.memory.reservedGiB;
          expect(host.pcpus).toBe(pcpus);
          expect(host.memoryGiB).toBe(memoryGiB);
          expect(host.vcpuCapacity).toBe(pcpus * s.overcommit.cpu);
          expect(host.memoryCapacityGiB).toBe(memoryGiB * s.overcommit.memory);
          // Allocations recomputed from the VMs placed on it.
          const mine = p.vms.filter((vm) => vm.host === h);
          expect(host.vms).toEqual(p.vms.flatMap((vm, i) => (vm.host === h ? [i] : [])));
          const vcpus = mine.reduce((a, vm) => a + vm.vcpus, 0);
          const mem = mine.reduce((a, vm) => a + vm.memoryGiB, 0);
          expect(host.vcpusAllocated).toBe(vcpus);
          expect(host.memoryAllocatedGiB).toBe(mem);
          expect(vcpus).toBeLessThanOrEqual(pcpus * s.overcommit.cpu + SLACK);
          expect(mem).toBeLessThanOrEqual(memoryGiB * s.overcommit.memory + SLACK);
        });
      }),
      { seed: 41, numRuns: 300 },
    );
  });

  it('no VM is placed on a host physically smaller than the VM', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const p = place(s);
        for (const vm of p.vms) {
          const host = p.hosts[vm.host]!;
          expect(vm.vcpus).toBeLessThanOrEqual(host.pcpus);
          expect(vm.memoryGiB).toBeLessThanOrEqual(host.memoryGiB);
          // And the VM carries its group's size.
          expect(vm.vcpus).toBe(s.vms[vm.group]!.vcpus);
          expect(vm.memoryGiB).toBe(s.vms[vm.group]!.memoryGiB);
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('every VM asked for is placed or counted as unplaced; fill leaves nothing that fits', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const p = place(s);
        s.vms.forEach((group, g) => {
          const placed = p.vms.filter((vm) => vm.group === g).length;
          const unplaced = p.unplaced.filter((u) => u.group === group.name).reduce((a, u) => a + u.count, 0);
          if (group.count === 'fill') {
            // `fill` is "as many as fit": nothing is missing, and at the end no host takes another one
            // (later groups only add allocations, so what did not fit when fill stopped still does not).
            expect(unplaced).toBe(0);
            if (placed < FILL_LIMIT) for (let h = 0; h < p.hosts.length; h++) expect(fits(s, p, g, h)).toBe(false);
          } else {
            expect(placed + unplaced).toBe(group.count);
          }
        });
        // Names are unique.
        expect(new Set(p.vms.map((vm) => vm.name)).size).toBe(p.vms.length);
      }),
      { seed: 43, numRuns: 300 },
    );
  });

  it('an unplaced reason is true at the time: larger-than-host means no host is big enough', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const p = place(s);
        for (const u of p.unplaced) {
          const g = s.vms.findIndex((v) => v.name === u.group);
          const vm = s.vms[g]!;
          const anyBigEnough = p.hosts.some((h) => vm.vcpus <= h.pcpus && vm.memoryGiB <= h.memoryGiB);
          if (u.reason === 'larger-than-host') expect(anyBigEnough).toBe(false);
          else expect(anyBigEnough).toBe(true);
        }
      }),
      { seed: 44, numRuns: 200 },
    );
  });
});

describe('place: hand examples', () => {
  const twoHosts = (policy: 'pack' | 'spread', vmCount: number): Placement =>
    place(
      scenario({
        hosts: [hostGroup('compute', 2, 16, 32)],
        vms: [vmGroup('web', vmCount, 2, 8)],
        placement: policy,
      }),
    );

  it('pack stacks VMs on the fullest host that fits; spread alternates', () => {
    // Two 16-core / 32 GiB hosts, ratios 1. VM 1 ties (both 32 GiB free) → lower index, host 0.
    // pack: host 0 has 24 free < 32 → VM 2 and VM 3 (16 free, then 8) on host 0, VM 4 fills it
    // (0 free), VM 5 no longer fits host 0 → host 1.
    expect(twoHosts('pack', 5).vms.map((vm) => vm.host)).toEqual([0, 0, 0, 0, 1]);
    // spread: always the host with the most free memory → 0, 1, 0, 1, 0.
    expect(twoHosts('spread', 5).vms.map((vm) => vm.host)).toEqual([0, 1, 0, 1, 0]);
  });

  it('names hosts and VMs after their groups, 1-based', () => {
    const p = twoHosts('spread', 2);
    expect(p.hosts.map((h) => h.name)).toEqual(['compute-1', 'compute-2']);
    expect(p.vms.map((vm) => vm.name)).toEqual(['web-1', 'web-2']);
  });

  it('reports each shortage with its resource', () => {
    // One host: 8 usable cores (10 − 2 reserved), 30 GiB usable (32 − 2); cpu ratio 2 → 16 vCPUs,
    // memory ratio 1 → 30 GiB.
    const p = place(
      scenario({
        hosts: [hostGroup('c', 1, 10, 32, 2, 2)],
        vms: [
          vmGroup('big', 2, 9, 1), // 9 vCPUs > 8 pCPUs: too large for any host, whatever is free
          vmGroup('cpu', 3, 8, 1), // 8 + 8 = 16 fits; the third would make 24 > 16 → vcpu
          vmGroup('mem', 2, 1, 29), // 16 + 1 > 16 vCPUs and 2 + 29 > 30 GiB → vcpu+memory
        ],
        overcommit: { cpu: 2, memory: 1 },
      }),
    );
    expect(p.vms.map((vm) => vm.name)).toEqual(['cpu-1', 'cpu-2']);
    expect(p.unplaced).toEqual([
      { group: 'big', count: 2, reason: 'larger-than-host' },
      { group: 'cpu', count: 1, reason: 'vcpu' },
      { group: 'mem', count: 2, reason: 'vcpu+memory' },
    ]);
  });

  it('a memory shortage alone is reported as memory', () => {
    // 64 cores, 16 GiB: four 4 GiB VMs fill the memory, the fifth is short of memory only.
    const p = place(scenario({ hosts: [hostGroup('c', 1, 64, 16)], vms: [vmGroup('m', 5, 1, 4)] }));
    expect(p.vms.length).toBe(4);
    expect(p.unplaced).toEqual([{ group: 'm', count: 1, reason: 'memory' }]);
  });

  it('fill places until the allocation ratio is reached, then stops without reporting a shortage', () => {
    // Two hosts of 8 cores at cpu ratio 4: 32 vCPUs each → 2-vCPU VMs: 16 per host, 32 in all
    // (memory 256 GiB is not binding: 32 × 2 GiB).
    const p = place(
      scenario({
        hosts: [hostGroup('c', 2, 8, 256)],
        vms: [vmGroup('desk', 'fill', 2, 2)],
        overcommit: { cpu: 4, memory: 1 },
      }),
    );
    expect(p.vms.length).toBe(32);
    expect(p.hosts.map((h) => h.vcpusAllocated)).toEqual([32, 32]);
    expect(p.unplaced).toEqual([]);
  });
});

describe('place: the tree search equals the straightforward scan', () => {
  it('gives the same hosts, VMs and unplaced counts as the O(VMs × hosts) reference', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        expect(place(s)).toEqual(placeReference(s));
      }),
      { seed: 45, numRuns: 400 },
    );
  });

  it('and on a larger fleet with ties, both policies and mixed host groups', () => {
    for (const policy of ['pack', 'spread'] as const) {
      const s = scenario({
        hosts: [hostGroup('a', 37, 32, 256, 2, 8), hostGroup('b', 20, 64, 512, 2, 8), hostGroup('c', 5, 8, 32)],
        vms: [vmGroup('x', 900, 2, 4), vmGroup('y', 300, 8, 32), vmGroup('z', 'fill', 4, 8)],
        overcommit: { cpu: 4, memory: 1.5 },
        placement: policy,
      });
      expect(place(s)).toEqual(placeReference(s));
    }
  });
});

/** The straightforward O(VMs × hosts) placement, kept as the reference the tree search must equal. */
function placeReference(scenario: ModelScenario): Placement {
  const hosts: PlacedHost[] = [];
  scenario.hosts.forEach((group, g) => {
    const pcpus = group.cpu.cores - group.cpu.reservedCores;
    const memoryGiB = group.memory.totalGiB - group.memory.reservedGiB;
    for (let i = 0; i < group.count; i++) {
      hosts.push({
        name: `${group.name}-${i + 1}`,
        group: g,
        pcpus,
        memoryGiB,
        vcpuCapacity: pcpus * scenario.overcommit.cpu,
        memoryCapacityGiB: memoryGiB * scenario.overcommit.memory,
        vcpusAllocated: 0,
        memoryAllocatedGiB: 0,
        vms: [],
      });
    }
  });

  const vms: PlacedVm[] = [];
  const unplaced = new Map<string, UnplacedGroup>();
  const noteUnplaced = (group: string, reason: UnplacedReason): void => {
    const key = `${group}\u0000${reason}`;
    const entry = unplaced.get(key);
    if (entry) entry.count++;
    else unplaced.set(key, { group, count: 1, reason });
  };

  scenario.vms.forEach((group, g) => {
    const fill = group.count === 'fill';
    const wanted = fill ? FILL_LIMIT : (group.count as number);
    for (let i = 0; i < wanted; i++) {
      const choice = chooseHostReference(hosts, group, scenario.placement === 'as-is' ? 'spread' : scenario.placement);
      if (typeof choice === 'string') {
        // `fill` stops at the first VM that no longer fits; that one is not a missing VM.
        if (fill) break;
        noteUnplaced(group.name, choice);
        continue;
      }
      const host = hosts[choice]!;
      host.vcpusAllocated += group.vcpus;
      host.memoryAllocatedGiB += group.memoryGiB;
      host.vms.push(vms.length);
      vms.push({ name: `${group.name}-${i + 1}`, group: g, index: i, host: choice, vcpus: group.vcpus, memoryGiB: group.memoryGiB });
    }
  });

  return { hosts, vms, unplaced: [...unplaced.values()] };
}

/** Index of the chosen host, or why no host fits. */
function chooseHostReference(hosts: readonly PlacedHost[], vm: VmGroup, policy: 'pack' | 'spread'): number | UnplacedReason {
  let best = -1;
  let bestFree = 0;
  let vcpuShort = false;
  let memoryShort = false;
  let tooLarge = true;
  for (let h = 0; h < hosts.length; h++) {
    const host = hosts[h]!;
    if (vm.vcpus > host.pcpus || vm.memoryGiB > host.memoryGiB) continue;
    tooLarge = false;
    const vcpuFits = host.vcpusAllocated + vm.vcpus <= host.vcpuCapacity + 1e-9;
    const memoryFits = host.memoryAllocatedGiB + vm.memoryGiB <= host.memoryCapacityGiB + 1e-9;
    if (!vcpuFits) vcpuShort = true;
    if (!memoryFits) memoryShort = true;
    if (!vcpuFits || !memoryFits) continue;
    const free = host.memoryCapacityGiB - host.memoryAllocatedGiB;
    const better = best < 0 || (policy === 'pack' ? free < bestFree : free > bestFree);
    if (better) {
      best = h;
      bestFree = free;
    }
  }
  if (best >= 0) return best;
  if (tooLarge) return 'larger-than-host';
  if (vcpuShort && memoryShort) return 'vcpu+memory';
  return vcpuShort ? 'vcpu' : 'memory';
}
