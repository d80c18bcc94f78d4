/**
 * Independent slices of a fleet, so one replication can use every core.
 *
 * Hosts interact in a replication only through a shared datastore (its boots and IO share one
 * array) or a heartbeat pair (advertisements travel between the two VMs' hosts); every other
 * influence is per host, and every random stream is per entity (./random/streams.ts). So the
 * connected components of "shares a datastore with" and "carries a heartbeat with" can be
 * simulated apart and their results merged (./merge.ts) into what one simulation of the fleet
 * gives. Components are packed, in host order, into chunks of at least `chunkHosts` hosts.
 *
 * The chunking depends on the scenario and placement alone, never on how many workers run it, so
 * the merged result is the same bytes for any number of workers: floating-point sums over hosts
 * are added chunk by chunk in chunk order everywhere.
 */
import type { FleetSlice } from './fleet-state.js';
import type { Placement, PlacedHost, PlacedVm } from './placement.js';
import type { ModelScenario } from './scenario.js';

/** Chunks aim at this many of a fleet's hosts at least, and at most MAX_CHUNKS chunks. */
const MIN_CHUNK_HOSTS = 16;
const MAX_CHUNKS = 64;

export interface FleetChunk {
  /** Fleet indices of the chunk's hosts, ascending. */
  hosts: Int32Array;
  /** Datastores whose devices the chunk simulates: those its hosts use (chunk 0 also keeps unused ones). */
  datastores: string[];
}

/** Hosts per chunk for a fleet of `hosts` hosts. */
export function chunkHosts(hosts: number): number {
  return Math.max(MIN_CHUNK_HOSTS, Math.ceil(hosts / MAX_CHUNKS));
}

/** The fleet's chunks; `size` (hosts per chunk) defaults to chunkHosts(hosts). */
export function fleetChunks(scenario: ModelScenario, placement: Placement, size = chunkHosts(placement.hosts.length)): FleetChunk[] {
  const hosts = placement.hosts.length;
  const parent = Int32Array.from({ length: hosts }, (_, h) => h);
  const find = (h: number): number => {
    while (parent[h] !== h) {
      parent[h] = parent[parent[h]!]!;
      h = parent[h]!;
    }
    return h;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const firstOnDatastore = new Map<string, number>();
  placement.hosts.forEach((host, h) => {
    const storage = scenario.hosts[host.group]!.storage;
    if (storage.kind !== 'datastore') return;
    const first = firstOnDatastore.get(storage.name);
    if (first === undefined) firstOnDatastore.set(storage.name, h);
    else union(first, h);
  });
  const heartbeats = scenario.latency?.heartbeats ?? [];
  // Built only when needed: a map of every VM's name is most of this function's time on a large fleet.
  const vmByName = heartbeats.length > 0 ? new Map(placement.vms.map((vm) => [vm.name, vm])) : new Map<string, PlacedVm>();
  for (const hb of heartbeats) {
    const master = vmByName.get(hb.master);
    const backup = vmByName.get(hb.backup);
    if (master && backup) union(master.host, backup.host);
  }
  // Components in order of their first host; chunks close once they hold enough hosts.
  const members = new Map<number, number[]>();
  for (let h = 0; h < hosts; h++) {
    const root = find(h);
    let list = members.get(root);
    if (!list) members.set(root, (list = []));
    list.push(h);
  }
  const chunks: number[][] = [];
  let current: number[] = [];
  for (const list of members.values()) {
    current.push(...list);
    if (current.length >= size) {
      chunks.push(current);
      current = [];
    }
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(current);
  const chunkOfHost = new Int32Array(hosts);
  chunks.forEach((list, c) => list.forEach((h) => (chunkOfHost[h] = c)));
  return chunks.map((list, c) => ({
    hosts: Int32Array.from(list.sort((a, b) => a - b)),
    datastores: scenario.datastores.map((d) => d.name).filter((name) => {
      const first = firstOnDatastore.get(name);
      return first === undefined ? c === 0 : chunkOfHost[first] === c;
    }),
  }));
}

/** The chunk's hosts and VMs as a placement of their own (local indices, fleet order kept), and where they sit in the fleet. */
export function slicePlacement(placement: Placement, chunk: FleetChunk): { placement: Placement; slice: FleetSlice } {
  const hostInFleet = chunk.hosts;
  const localHost = new Map<number, number>();
  hostInFleet.forEach((h, local) => localHost.set(h, local));
  // The chunk's VMs from its hosts' lists (not a scan of the whole fleet, which made slicing
  // every chunk of a large fleet quadratic), in fleet order, so every per-VM loop meets them in
  // the order the whole fleet would.
  let count = 0;
  for (const h of hostInFleet) count += placement.hosts[h]!.vms.length;
  const vmInFleet = new Int32Array(count);
  count = 0;
  for (const h of hostInFleet) for (const v of placement.hosts[h]!.vms) vmInFleet[count++] = v;
  vmInFleet.sort();
  const vms: PlacedVm[] = [];
  const hosts: PlacedHost[] = [];
  const localVm = new Map<number, number>();
  for (const v of vmInFleet) {
    const vm = placement.vms[v]!;
    localVm.set(v, vms.length);
    vms.push({ ...vm, host: localHost.get(vm.host)! });
  }
  for (const h of hostInFleet) {
    const host = placement.hosts[h]!;
    hosts.push({ ...host, vms: host.vms.map((v) => localVm.get(v)!) });
  }
  return {
    placement: { hosts, vms, unplaced: placement.unplaced },
    slice: { fleet: placement, hostInFleet, vmInFleet, datastores: chunk.datastores },
  };
}

/** The whole fleet as one slice (identity maps). */
export function wholeFleet(scenario: ModelScenario, placement: Placement): FleetSlice {
  return {
    fleet: placement,
    hostInFleet: Int32Array.from(placement.hosts, (_, h) => h),
    vmInFleet: Int32Array.from(placement.vms, (_, v) => v),
    datastores: scenario.datastores.map((d) => d.name),
  };
}
