/**
 * Fleet-scale CPU contention: one host in one interval, in closed form.
 *
 * Within an interval each VM's vCPUs have an uncontended utilisation u_i (their demand). The
 * building block is the machine-repairman system M/M/P//n (./queueing.ts), matched to a set of
 * mixed vCPUs by the first two moments of the number that would be busy without contention,
 * K0 = Σ Bernoulli(u_i): mean Σu_i = n·ū, variance Σu_i(1 − u_i) = n·ū(1 − ū), so
 * ū = Σu² / Σu and n = (Σu)² / Σu² (rounded). Exact for identical vCPUs.
 *
 * How the waiting divides among VMs depends on the scheduler:
 *
 * - `cfs` (Linux CFS, the default): sleeper credit and wake-up preemption let a vCPU that has
 *   been idle run almost at once, so light vCPUs behave as if they had priority over heavy ones
 *   (test/model/fleet-agreement.test.ts shows light VMs at ~0 % ready and heavy ones bearing
 *   nearly all of it in the micro simulation). vCPUs are binned by utilisation, lightest first;
 *   bin j sees the pCPUs the lighter bins leave free, and since light vCPUs change state slowly
 *   (long idle gaps) it is solved quasi-statically (Courtois' decomposition): its waiting is the
 *   repairman waiting of bin j on P − k pCPUs, averaged over the distribution of the lighter
 *   bins' busy count k (a convolution of one binomial per bin, treating the lighter bins as
 *   uncontended among themselves). Measured against the micro CFS simulation on six mixes: host
 *   mean within 2 % and per-class ready within about 13 % (fleet-agreement.test.ts). It ignores burst
 *   length: a light vCPU with long bursts (100 ms, beyond the 12 ms sleeper credit) loses part of
 *   its priority, which shifts some ready time from heavy to light vCPUs (same total).
 *
 * - `fifo` (run to completion, wake-up order): one processor-sharing stretch factor s for the
 *   whole host: a vCPU with demand u is runnable a share a(s) = s·u / (1 − u + s·u) of the time
 *   and ready for a(s)·(1 − 1/s) of it, with s solving Σ a_i(s)(1 − 1/s) = W for the
 *   moment-matched waiting W. Host mean within about 10 % of the FIFO simulation; the per-VM
 *   split understates light VMs (documented in fleet-agreement.test.ts).
 *
 * Within a CFS bin the bin's waiting is split the same processor-sharing way.
 *
 * SMT (hosts whose `pcpus` hardware threads are fewer physical `cores`): a thread whose sibling is
 * busy runs slower, so a vCPU's demand u (work at a full core's speed) occupies a thread for longer.
 * The host's mean work per busy thread, speed σ = E[μ(K)] / E[min(K, P)], comes from the
 * repairman chain with SMT work rates (solveSmtRepairman in ./queueing.ts) on the moment-matched
 * vCPUs; every vCPU then needs u/σ of a thread (a vCPU is as likely as any other to sit on a shared
 * core), and the splits above run on those thread demands. σ is written to scratch.speed[0]; its
 * rate model and sources are in docs/cpu.md. σ is a host mean over the interval: a vCPU's burst
 * that happens to find idle cores runs at full speed, one at the peak slower.
 * Cost per host-interval: O(VMs) when the host is uncontended (the common case); otherwise
 * O(VMs + bins × vCPUs) with no allocation (scratch arrays grow once to the largest host). A CFS
 * host with more vCPUs than pCPUs but little load (the bundled desktops: ~5 of 56 threads busy)
 * is O(VMs) too: closed-form bounds (./quiet-bound.ts) prove every bin's waiting negligible before
 * any convolution (quietHost), and the shares are written as the full split would write them.
 */
import { chainPrefix, solveRepairman, solveRepairmanRunning, solveRepairmanRunningFrom, solveSmtRepairman, type ChainPrefix, type RepairmanMeans, type SmtMeans } from './queueing.js';
import { binomialSumTail, repairmanWaitingBound } from './quiet-bound.js';
import { gridPosition, interpolate, LOOKUP_GAIN, LOOKUP_REACH, tableRow, type GridPosition } from './repairman-table.js';

/** How the fleet kernel divides waiting among VMs; follows the scheduler being modelled. */
export type FleetSplit = 'cfs' | 'fifo';

/** Upper edges of the utilisation bins of the CFS split (the last bin ends at 1). */
const BIN_EDGES = [0.05, 0.15, 0.3, 0.5, 0.7, 0.85];
const BINS = BIN_EDGES.length + 1;
/** UI stretch classes (FleetScratch.uiClass): stretch 1, one per CFS bin, a FIFO host's. */
export const UI_CLASSES = BINS + 2;
/** Probabilities of the lighter bins' busy count below this are skipped. */
const NEGLIGIBLE = 1e-12;
/** Probabilities below this are dropped from the busy-count distributions. */
const TINY = 1e-15;
/**
 * A bin whose waiting is provably below this is quiet (100 times under the NEGLIGIBLE waiting the
 * split treats as none, a margin for the rounding of the distribution and the table).
 */
const QUIET = 1e-14;

/** Reusable scratch state so the per-interval call allocates nothing. */
export interface FleetScratch {
  means: RepairmanMeans;
  inner: RepairmanMeans;
  /** Distribution of the lighter bins' busy count, capped at P (grows to the largest host). */
  distribution: Float64Array;
  /** VM indices ordered by bin (counting sort) and each bin's start in that order. */
  order: Int32Array;
  /** Each VM's bin, by position in the host's range. */
  bins: Uint8Array;
  binStart: Int32Array;
  binFill: Int32Array;
  /** Each bin's Σ c·u and Σ c·u² (added in VM order) and its moment match (n 0 when the bin is idle). */
  binS1: Float64Array;
  binS2: Float64Array;
  binN: Float64Array;
  binU: Float64Array;
  /**
   * Whether the CFS split may skip a host on which it proves that no bin can wait (quietHost); the
   * skip gives the same shares bit for bit, and tests turn it off to check that.
   */
  skipQuiet: boolean;
  /** Lowest busy count with mass (the convolution drops negligible cells at the bottom). */
  low: Int32Array;
  /** A moment match's result, [n, ū]. */
  matched: Float64Array;
  /** A bin's position on the repairman table's grid. */
  grid: GridPosition;
  /** SMT: the host chain's means, each slot's demand in thread time (by slot, grows to the largest), and σ. */
  smt: SmtMeans;
  /** The plain repairman chain's first terms, as the SMT chain left them (ChainPrefix). */
  prefix: ChainPrefix;
  threadDemand: Float64Array;
  /**
   * The stretch each VM's user-interface actions see, (ready + run) / run of its final shares, 1
   * where it runs nothing (./ui-action.ts). Every VM of one split set (a CFS bin, a FIFO host) runs
   * at the set's stretch, so the solve gives each VM a class (`uiClass`, by the indices of
   * readyOut, grows to the largest): 0 for stretch 1, 1 + b for CFS bin b, UI_CLASSES − 1 for a FIFO
   * host; and each class its stretch (`classStretch`, the capped one after the host's running
   * shares are capped). The recorder counts VMs per class instead of timing each (./recorder.ts).
   */
  uiClass: Uint8Array;
  classStretch: Float64Array;
  /**
   * Of the last solved host-interval: [0] the work per busy hardware thread, in full cores (1
   * without SMT); [1] the most a runnable vCPU can be stretched under CFS, max(1, active vCPUs / P):
   * CFS gives every runnable task its share of each scheduling period, so none waits longer than
   * all the others' turns (the bin split's strict priority of light over heavy vCPUs would starve
   * heavy ones on a saturated host); unbounded under FIFO; [2] 1 when no vCPU waited at all (the
   * host was not contended: every ready share is 0), else 0.
   */
  speed: Float64Array;
  /**
   * [0] 1 when the last solve wrote a ready share of exactly 0 for every slot (an uncontended host,
   * or a quiet one under CFS, where every bin runs at stretch 1): the recorder can then count the
   * host's VM-intervals per group run instead of per VM (./recorder.ts), with the same bits.
   */
  zeroReady: Uint8Array;
  /** binDemand's host sums: Σ c·u, Σ c·u², active vCPUs. */
  sums: Float64Array;
  /** The last solve's pCPU utilisation (0..1), as solveHostInterval returns it. */
  utilization: Float64Array;
}

export function fleetScratch(): FleetScratch {
  return {
    means: { meanWaiting: 0, meanRunning: 0 },
    inner: { meanWaiting: 0, meanRunning: 0 },
    distribution: new Float64Array(64),
    order: new Int32Array(64),
    bins: new Uint8Array(64),
    binStart: new Int32Array(BINS + 1),
    binFill: new Int32Array(BINS),
    binS1: new Float64Array(BINS),
    binS2: new Float64Array(BINS),
    binN: new Float64Array(BINS),
    binU: new Float64Array(BINS),
    skipQuiet: true,
    low: new Int32Array(1),
    matched: new Float64Array(2),
    grid: { index: -1, fraction: 0 },
    smt: { meanRunnable: 0, meanBusy: 0, meanWork: 0 },
    prefix: chainPrefix(),
    threadDemand: new Float64Array(0),
    uiClass: new Uint8Array(0),
    classStretch: new Float64Array(UI_CLASSES).fill(1),
    speed: new Float64Array([1, 1, 1]),
    zeroReady: new Uint8Array(1),
    sums: new Float64Array(3),
    utilization: new Float64Array(1),
  };
}

/** The bin of utilisation u: the first b with u < BIN_EDGES[b] (else the last), by three comparisons. */
export function binOf(u: number): number {
  if (u < 0.3) return u < 0.05 ? 0 : u < 0.15 ? 1 : 2;
  if (u < 0.7) return u < 0.5 ? 3 : 4;
  return u < 0.85 ? 5 : 6;
}

/**
 * Every bin edge is a multiple of 1/20, so ⌊20·u⌋ names the bin of u but for rounding right at an
 * edge: BIN_OF_TWENTIETH[⌊20·u⌋] for 0 <= u < 1. Each edge e is a double with 20·e a whole
 * number exactly, so u >= e gives 20·u >= 20·e after rounding too; only a u just below an edge can
 * round up onto it, which binOfByTable checks against the edge itself.
 */
const BIN_OF_TWENTIETH = Uint8Array.from({ length: 20 }, (_, i) => binOf(i / 20));
/** Each bin's lower edge (−∞ for the first). */
const BIN_LOWER = Float64Array.from({ length: BINS }, (_, b) => (b === 0 ? Number.NEGATIVE_INFINITY : BIN_EDGES[b - 1]!));

/**
 * binOf by table look-up, the same bin for every u: a busy host's utilisations are spread over the
 * bins, and binOf's comparisons were mispredicted about once per VM (its line was the hottest of
 * binOrder in the fleet bench's profile). The one comparison left is almost never taken.
 */
export function binOfByTable(u: number): number {
  const x = u * 20;
  if (!(x >= 0 && x < 20)) return binOf(u);
  const b = BIN_OF_TWENTIETH[x | 0]!;
  return u < BIN_LOWER[b]! ? b - 1 : b;
}

/** Moment-matched (n, ū) of a set of vCPUs from Σu and Σu²; written into `out` as [n, ū]. */
function momentMatch(s1: number, s2: number, out: Float64Array): void {
  let n = Math.max(1, Math.round((s1 * s1) / s2));
  let u = s1 / n;
  if (u > 1) {
    n = Math.ceil(s1);
    u = s1 / n;
  }
  out[0] = n;
  out[1] = u;
}

/**
 * Solves one host for one interval. VMs are `from`..`to−1` of the given arrays. Writes each VM's
 * per-vCPU ready share (0..1) into `readyOut` and its per-vCPU running share (of a hardware
 * thread) into `runOut`, and returns the pCPU (hardware thread) utilisation (0..1). `cores` below
 * `pcpus` means SMT: the pCPUs are hyper-threads of that many physical cores, a core with all its
 * threads busy doing 1 + `smtGain` cores of work; σ goes to scratch.speed[0].
 */
export function solveHostInterval(
  from: number,
  to: number,
  vcpus: Int32Array,
  workDemand: Float64Array,
  pcpus: number,
  readyOut: Float64Array,
  runOut: Float64Array,
  scratch: FleetScratch,
  split: FleetSplit = 'cfs',
  cores: number = pcpus,
  smtGain = 0,
  binFirst = false,
): number {
  solveHostIntervalInto(from, to, vcpus, workDemand, pcpus, readyOut, runOut, scratch, split, cores, smtGain, binFirst);
  return scratch.utilization[0]!;
}

/**
 * solveHostInterval with the utilisation left in scratch.utilization[0]: a double returned from a
 * call V8 does not inline is boxed, a heap allocation per host-interval in the step loop.
 */
export function solveHostIntervalInto(
  from: number,
  to: number,
  vcpus: Int32Array,
  workDemand: Float64Array,
  pcpus: number,
  readyOut: Float64Array,
  runOut: Float64Array,
  scratch: FleetScratch,
  split: FleetSplit = 'cfs',
  cores: number = pcpus,
  smtGain = 0,
  binFirst = false,
): void {
  let demand = workDemand;
  let s1 = 0; // Σ u over vCPUs
  let s2 = 0; // Σ u² over vCPUs
  let active = 0; // vCPUs with any demand
  // A host that may need the CFS split (the caller's hint: more vCPUs than pCPUs) has its bins
  // summed in the same pass (binDemand); the split then starts from the bins unless SMT rescales
  // the demand below. Either way the same sums in the same order.
  let binned = binFirst && split === 'cfs';
  // After a solve in which some vCPU waited (likely a busy host again: the fleet's hosts are
  // stepped one after another through the same hours), the bins are counted in this pass too.
  const counted = binned && scratch.zeroReady[0] === 0;
  if (counted) binDemandCounted(from, to, vcpus, demand, scratch);
  else if (binned) binDemand(from, to, vcpus, demand, scratch);
  if (binned) {
    s1 = scratch.sums[0]!;
    s2 = scratch.sums[1]!;
    active = scratch.sums[2]!;
  } else {
    for (let i = from; i < to; i++) {
      const u = demand[i]!;
      s1 += vcpus[i]! * u;
      s2 += vcpus[i]! * u * u;
      if (u > 0) active += vcpus[i]!;
    }
  }
  scratch.speed[0] = 1;
  scratch.speed[2] = 1;
  scratch.zeroReady[0] = 1;
  scratch.speed[1] = split === 'cfs' ? (active > pcpus ? active / pcpus : 1) : Number.POSITIVE_INFINITY;
  // SMT only slows a host on which more vCPUs want to run than there are cores.
  let prefixed = false;
  if (cores < pcpus && active > cores && s1 > 0) {
    momentMatch(s1, s2, scratch.matched);
    const smt = solveSmtRepairman(scratch.smt, scratch.matched[0]!, pcpus, cores, smtGain, scratch.matched[1]!, scratch.prefix);
    const speed = smt.meanBusy > 0 ? smt.meanWork / smt.meanBusy : 1;
    prefixed = true;
    if (speed < 1 - 1e-12) {
      prefixed = false;
      scratch.speed[0] = speed;
      if (scratch.threadDemand.length < to) scratch.threadDemand = new Float64Array(2 * to);
      demand = scratch.threadDemand;
      binned = false;
      s1 = 0;
      s2 = 0;
      for (let i = from; i < to; i++) {
        const w = workDemand[i]! / speed;
        const u = w < 1 ? w : 1;
        demand[i] = u;
        s1 += vcpus[i]! * u;
        s2 += vcpus[i]! * u * u;
      }
    }
  }
  if (scratch.uiClass.length < to) scratch.uiClass = new Uint8Array(2 * to);
  const uiClass = scratch.uiClass;
  if (s1 <= 0) {
    uiClass.fill(0, from, to);
    for (let i = from; i < to; i++) {
      readyOut[i] = 0;
      runOut[i] = 0;
    }
    scratch.utilization[0] = 0;
    return;
  }
  const matched = scratch.matched;
  momentMatch(s1, s2, matched);
  // Only the running count is used, and whether anyone waits (FIFO): see solveRepairmanRunning.
  // After the SMT chain on the same (n, ū), its terms below the first shared core are this
  // chain's: it resumes from there (ChainPrefix), bit for bit.
  const means = prefixed
    ? solveRepairmanRunningFrom(scratch.means, matched[0]!, pcpus, matched[1]!, scratch.prefix)
    : solveRepairmanRunning(scratch.means, matched[0]!, pcpus, matched[1]!);
  const utilization = means.meanRunning / pcpus;
  // No more vCPUs want CPU than there are pCPUs: nobody can wait. (The moment match alone is not
  // a safe test: it can round a few heavy plus a few light vCPUs down to n <= P.)
  if (active <= pcpus || (split === 'fifo' && means.meanWaiting <= NEGLIGIBLE)) {
    uiClass.fill(0, from, to);
    for (let i = from; i < to; i++) {
      readyOut[i] = 0;
      runOut[i] = demand[i]!;
    }
    scratch.utilization[0] = utilization;
    return;
  }
  scratch.speed[2] = 0;
  scratch.zeroReady[0] = 0;
  if (split === 'fifo') {
    splitByStretch(from, to, null, vcpus, demand, means.meanWaiting, readyOut, runOut, means.meanRunning);
    setUiClass(from, to, null, demand, UI_CLASSES - 1, uiClass);
    scratch.classStretch[UI_CLASSES - 1] = doubleOut[0]!;
    scratch.utilization[0] = utilization;
    return;
  }
  const running = solveCfs(from, to, vcpus, demand, pcpus, readyOut, runOut, scratch, binned, binned && counted);
  capRunShares(from, to, vcpus, means.meanRunning, runOut, running, scratch.classStretch);
  scratch.utilization[0] = utilization;
}

/**
 * One pass over a host's VMs: Σ c·u, Σ c·u² and the active vCPUs (into scratch.sums, added in VM
 * order exactly as solveHostInterval's own loop adds them), and each CFS bin's Σ c·u and Σ c·u²
 * (in VM order, as the split needs them). The three light bins, where nearly all of a quiet host's
 * vCPUs fall, add up in locals: as typed-array cells every addition waited for the last one's
 * store (measured 8 → 6 ns per VM). Which VM is in which bin is left to binOrder, which only a
 * host that is not quiet needs.
 */
function binDemand(from: number, to: number, vcpus: Int32Array, demand: Float64Array, scratch: FleetScratch): void {
  const { binS1, binS2 } = scratch;
  binS1.fill(0);
  binS2.fill(0);
  let s1 = 0;
  let s2 = 0;
  let active = 0;
  let light1 = 0; // bins 0, 1, 2: Σ c·u
  let middle1 = 0;
  let upper1 = 0;
  let light2 = 0; // and Σ c·u²
  let middle2 = 0;
  let upper2 = 0;
  for (let i = from; i < to; i++) {
    const u = demand[i]!;
    const c = vcpus[i]!;
    const cu = c * u;
    const cuu = cu * u;
    s1 += cu;
    s2 += cuu;
    if (u > 0) active += c;
    // binOf, spelled out.
    if (u < 0.3) {
      if (u < 0.05) {
        light1 += cu;
        light2 += cuu;
      } else if (u < 0.15) {
        middle1 += cu;
        middle2 += cuu;
      } else {
        upper1 += cu;
        upper2 += cuu;
      }
    } else {
      const b = binOfByTable(u);
      binS1[b]! += cu;
      binS2[b]! += cuu;
    }
  }
  binS1[0] = light1;
  binS1[1] = middle1;
  binS1[2] = upper1;
  binS2[0] = light2;
  binS2[1] = middle2;
  binS2[2] = upper2;
  scratch.sums[0] = s1;
  scratch.sums[1] = s2;
  scratch.sums[2] = active;
}

/**
 * binDemand for a busy host: the same sums, each added into its bin's typed-array cell (the same
 * additions in the same order), and each VM's bin (scratch.bins, by table look-up) and each bin's
 * count (binStart[b + 1]) in the same pass, so the split needs no binOrder. On busy hosts this is
 * faster (binOf's comparisons mispredict and binOrder's second pass goes: 100.6 → 95.8 ns per VM on
 * hosts like the fleet bench's), on quiet ones slower (22.8 → 25.3 ns, the light bins' additions
 * then wait on each other's stores), so solveHostIntervalInto takes it after a solve that waited.
 */
function binDemandCounted(from: number, to: number, vcpus: Int32Array, demand: Float64Array, scratch: FleetScratch): void {
  const { binS1, binS2, binStart } = scratch;
  growBinScratch(scratch, to - from);
  const bins = scratch.bins;
  binS1.fill(0);
  binS2.fill(0);
  binStart.fill(0);
  let s1 = 0;
  let s2 = 0;
  let active = 0;
  for (let i = from; i < to; i++) {
    const u = demand[i]!;
    const c = vcpus[i]!;
    const cu = c * u;
    const cuu = cu * u;
    s1 += cu;
    s2 += cuu;
    if (u > 0) active += c;
    const b = binOfByTable(u);
    bins[i - from] = b;
    binStart[b + 1]!++;
    binS1[b]! += cu;
    binS2[b]! += cuu;
  }
  scratch.sums[0] = s1;
  scratch.sums[1] = s2;
  scratch.sums[2] = active;
}

/** Room in scratch.order and scratch.bins for a host of `count` VMs (grown once to the largest host). */
function growBinScratch(scratch: FleetScratch, count: number): void {
  if (scratch.order.length < count) {
    scratch.order = new Int32Array(2 * count);
    scratch.bins = new Uint8Array(2 * count);
  }
}

/** Each VM's bin (scratch.bins, by position in the host's range) and each bin's count (binStart[b + 1]). */
function binOrder(from: number, to: number, demand: Float64Array, scratch: FleetScratch): void {
  growBinScratch(scratch, to - from);
  const { binStart, bins } = scratch;
  binStart.fill(0);
  for (let i = from; i < to; i++) {
    const b = binOfByTable(demand[i]!);
    bins[i - from] = b;
    binStart[b + 1]!++;
  }
}

/**
 * The CFS split divides the waiting among VMs bin by bin, but its running shares come from the
 * actual vCPUs while the busy pCPUs come from the moment-matched system; on an overloaded host of
 * mixed VMs the shares can add up to more CPU than the host has (found by the conservation
 * property in test/model/fleet.test.ts: up to 7 % over at 1.2x load). The host's busy pCPUs are
 * the CPU time there is: shares that exceed it are scaled down in proportion, so no VM's thread
 * is charged CPU the host never had. (The FIFO split does the same through its stretch factor.)
 */
function capRunShares(from: number, to: number, vcpus: Int32Array, busyPcpus: number, runOut: Float64Array, known: number, classStretch: Float64Array): void {
  // `known` >= 0 is that sum already, added in the same order (the quiet CFS host's writeShares).
  let total = known;
  if (!(total >= 0)) {
    total = 0;
    for (let i = from; i < to; i++) total += vcpus[i]! * runOut[i]!;
  }
  if (total <= busyPcpus) return;
  const scale = busyPcpus / total;
  for (let i = from; i < to; i++) runOut[i] = runOut[i]! * scale;
  // ready + scale·run over scale·run, with ready = (s − 1)·run: one number per class again.
  for (let c = 1; c < UI_CLASSES; c++) classStretch[c] = (classStretch[c]! - 1) / scale + 1;
}

/**
 * The CFS split: utilisation bins, lightest first, each solved quasi-statically. `binned`: binDemand
 * has summed this demand's bins already; `counted`: binDemandCounted has, with each VM's bin. Returns Σ c·run when it wrote the shares in one pass in VM order
 * (a quiet host), else −1.
 */
function solveCfs(
  from: number,
  to: number,
  vcpus: Int32Array,
  demand: Float64Array,
  pcpus: number,
  readyOut: Float64Array,
  runOut: Float64Array,
  scratch: FleetScratch,
  binned: boolean,
  counted: boolean,
): number {
  if (!binned) binDemand(from, to, vcpus, demand, scratch);
  const hostS1 = scratch.sums[0]!;
  if (scratch.distribution.length < pcpus + 2) scratch.distribution = new Float64Array(2 * (pcpus + 2));
  const { binStart, binFill, matched, binS1, binS2, binN, binU } = scratch;
  for (let b = 0; b < BINS; b++) {
    if (binS1[b]! > 0) {
      momentMatch(binS1[b]!, binS2[b]!, matched);
      binN[b] = matched[0]!;
      binU[b] = matched[1]!;
    } else {
      binN[b] = 0;
      binU[b] = 0;
    }
  }
  // A quiet host: every bin's waiting would come out below NEGLIGIBLE, which the split treats as
  // none (stretch 1 in every bin), so each VM's shares are those of stretch 1. Only tried where it
  // can hold, with fewer than a quarter of the pCPUs busy on average.
  if (scratch.skipQuiet && 4 * hostS1 <= pcpus && quietHost(binN, binU, pcpus)) {
    // Stretch 1: every ready share is a·(1 − 1/1) = 0 exactly.
    writeSharesAtOne(from, to, null, vcpus, demand, readyOut, runOut);
    scratch.uiClass.fill(0, from, to);
    scratch.zeroReady[0] = 1;
    return doubleOut[1]!;
  }
  // Counting sort of the VMs into bins (binDemandCounted has found and counted them).
  if (!counted) binOrder(from, to, demand, scratch);
  const { order, bins } = scratch;
  for (let b = 0; b < BINS; b++) binStart[b + 1]! += binStart[b]!;
  for (let b = 0; b < BINS; b++) binFill[b] = binStart[b]!;
  for (let i = from; i < to; i++) order[binFill[bins[i - from]!]!++] = i;

  // Distribution of the lighter bins' busy count, min(K0, P): index P holds all of K0 >= P.
  const busy = scratch.distribution;
  busy.fill(0, 0, pcpus + 1);
  busy[0] = 1;
  scratch.low[0] = 0;
  let busyMax = 0; // highest busy count with any mass
  for (let b = 0; b < BINS; b++) {
    const start = binStart[b]!;
    const end = binStart[b + 1]!;
    if (start === end) continue;
    let waiting = 0;
    if (binN[b]! > 0) {
      const n = binN[b]!;
      const u = binU[b]!;
      // Probability mass of each number of free pCPUs; the bin can only wait with fewer than n free.
      if (busyMax > pcpus - n) {
        const lowest = Math.max(0, pcpus - busyMax);
        const highest = Math.min(n - 1, pcpus);
        // Several free counts at one utilisation: the tabulated waiting (./repairman-table.ts),
        // exact one otherwise (a lone count, or u off the table's grid).
        const at = highest > lowest ? gridPosition(n, u, scratch.grid) : null;
        for (let free = lowest; free <= highest; free++) {
          const p = busy[pcpus - free]!;
          if (p < NEGLIGIBLE) continue;
          // No free pCPU: every vCPU of the bin that wants to run waits (all n in a closed system).
          if (free === 0) waiting += p * n;
          else if (at !== null && at.index >= 0) waiting += p * interpolate(tableRow(n, free, at), at);
          else waiting += p * solveRepairman(scratch.inner, n, free, u).meanWaiting;
        }
      }
      // No heavier bin needs the distribution after the last one.
      if (end < to - from) busyMax = convolveBinomial(busy, scratch.low, busyMax, pcpus, n, u);
    }
    splitByStretch(start, end, order, vcpus, demand, waiting, readyOut, runOut);
    setUiClass(start, end, order, demand, 1 + b, scratch.uiClass);
    scratch.classStretch[1 + b] = doubleOut[0]!;
  }
  return -1;
}

/**
 * Whether no bin of a host can wait: for each bin j (n_j vCPUs at u_j, moment-matched) the waiting
 * solveCfs would add up is Σ_k P(lighter bins busy = k)·W_j(P − k), each W_j a table look-up (at
 * most LOOKUP_GAIN times the exact waiting at ρ·LOOKUP_REACH, since the waiting rises with ρ), an
 * exact solve, or n_j with no pCPU free. Split at m lighter vCPUs busy: for k <= m the waiting is
 * at most that with P − m free (it falls with more free pCPUs); beyond m at most LOOKUP_GAIN·n_j,
 * with probability binomialSumTail. So
 *     waiting_j <= LOOKUP_GAIN·(W_j(P − m) + n_j·P(K > m)),
 * and the host is quiet when that is below QUIET for every bin (./quiet-bound.ts for the bounds).
 * m is the lighter bins' mean plus 8 standard deviations (Poisson-like) and 8, at most their count.
 */
export function quietHost(binN: Float64Array, binU: Float64Array, pcpus: number): boolean {
  let lighterCount = 0;
  let lighterMean = 0;
  for (let j = 0; j < BINS; j++) {
    const n = binN[j]!;
    if (n === 0) continue;
    const u = binU[j]!;
    if (u >= 1) return false;
    // Otherwise the lighter bins always leave n pCPUs free and solveCfs adds no waiting at all.
    if (lighterCount > pcpus - n) {
      let m = Math.ceil(lighterMean + 8 * Math.sqrt(lighterMean) + 8);
      if (m > lighterCount) m = lighterCount;
      if (m >= pcpus) return false;
      const tail = m < lighterCount ? binomialSumTail(binN, binU, j, m + 1) : 0;
      const bound = LOOKUP_GAIN * (repairmanWaitingBound(n, pcpus - m, (u / (1 - u)) * LOOKUP_REACH) + n * tail);
      if (!(bound < QUIET)) return false;
    }
    lighterCount += n;
    lighterMean += n * u;
  }
  return true;
}

/**
 * Adds a bin of n vCPUs each busy with probability u (uncontended) to the busy-count distribution
 * `busy[0..pcpus]` (the last cell collects every count >= pcpus), in place; returns the new highest
 * count with mass. The lighter bins are treated as uncontended among themselves: their own queueing
 * (small, since they are light) is left out, which keeps the exact count of vCPUs (a moment-matched
 * binomial can round four light and one medium vCPU down to three and lose the tail).
 *
 * Binomial(n, u) is added one Bernoulli(u) at a time: busy'[k] = (1 − u)·busy[k] + u·busy[k − 1],
 * from the top down so it runs in place; the cell for P keeps what it has and takes u·busy[P − 1].
 * That is the same O(P·n) work as convolving with the binomial's pmf but a tight loop of one
 * multiply-add per cell (measured 2x faster), with no pmf to build. Cells below TINY at the bottom
 * are dropped as they shrink, and at the top are not created.
 */
export function convolveBinomial(busy: Float64Array, low: Int32Array, busyMax: number, pcpus: number, n: number, u: number): number {
  let max = busyMax;
  let bottom = low[0]!;
  if (bottom >= pcpus) return pcpus; // all the mass is at P already, where it stays
  if (u >= 1) {
    // Every vCPU of the bin is busy: the distribution shifts up by n (capped at P).
    busy.fill(0, max + 1, Math.min(max + n, pcpus) + 1);
    for (let k = max; k >= bottom; k--) {
      const p = busy[k]!;
      busy[k] = 0;
      const to = k + n < pcpus ? k + n : pcpus;
      busy[to]! += p;
    }
    low[0] = bottom + n < pcpus ? bottom + n : pcpus;
    return max + n < pcpus ? max + n : pcpus;
  }
  const q = 1 - u;
  let t = 0;
  while (t < n) {
    // Two Bernoulli steps in one sweep where the edges allow it (fusedSteps), else one.
    if (t + 1 < n && max !== pcpus - 1 && max - bottom >= 4 && pcpus < 0x8000 && q * busy[bottom + 1]! >= TINY) {
      const range = fusedSteps(busy, bottom, max, pcpus, q, u);
      bottom = range & 0xffff;
      max = range >>> 16;
      t += 2;
      continue;
    }
    t++;
    // Cells k > bottom from the top down: busy[k] = q·busy[k] + u·busy[k − 1], two cells per pass
    // with the cell above carried in a register (the same arithmetic as one cell at a time).
    let k: number;
    let above: number;
    if (max < pcpus) {
      // The new top cell is kept only when it carries mass (at least TINY): on a lightly loaded
      // host the distribution then stops a few standard deviations above its mean instead of
      // growing to P, which halves the work; what is dropped is < TINY per vCPU added.
      above = busy[max]!;
      const top = u * above;
      k = max;
      if (top >= TINY) busy[++max] = top;
    } else {
      above = busy[pcpus - 1]!;
      busy[pcpus]! += u * above;
      k = pcpus - 1;
    }
    for (; k > bottom + 1; k -= 2) {
      const below = busy[k - 1]!;
      const below2 = busy[k - 2]!;
      busy[k] = q * above + u * below;
      busy[k - 1] = q * below + u * below2;
      above = below2;
    }
    if (k > bottom) busy[k] = q * above + u * busy[k - 1]!;
    busy[bottom]! *= q;
    while (bottom < max && busy[bottom]! < TINY) busy[bottom++] = 0;
  }
  while (max > bottom && busy[max]! < TINY) max--;
  low[0] = bottom;
  return max;
}

/**
 * Two of convolveBinomial's Bernoulli steps in one sweep, the same numbers bit for bit: each cell
 * of the first step, m[j] = q·o[j] + u·o[j − 1], is made one cell ahead of the second step's
 * n[j + 1] = q·m[j + 1] + u·m[j], so the sweep reads and writes each cell once instead of twice
 * (the convolution was the CFS split's largest cost in the fleet bench's profile). The edges are
 * the single step's: its new top cell when it carries at least TINY (or, at P, the cell that
 * collects every count >= P), and at the bottom the first step's m[b] = q·o[b] and its trimming of
 * cells below TINY. The caller guarantees what keeps that trimming to one cell — m[b + 1] >= q·o[b + 1]
 * >= TINY (rounding is monotone) — and a range of at least 4 cells with max != P − 1, so the first
 * step's top never turns into the second's cell at P. Returns bottom | max << 16.
 */
function fusedSteps(busy: Float64Array, bottom: number, max: number, pcpus: number, q: number, u: number): number {
  let j: number; // the next cell of the first step to make
  let mHi: number; // the first step's value at j + 1
  let oAbove: number; // the old value at j
  if (max < pcpus) {
    const oMax = busy[max]!;
    const top = u * oMax;
    if (top >= TINY) {
      max++;
      mHi = top;
      j = max - 1;
      oAbove = oMax;
    } else {
      const oBelow = busy[max - 1]!;
      mHi = q * oMax + u * oBelow;
      j = max - 1;
      oAbove = oBelow;
    }
    // The second step's new top cell, from the first step's top value.
    const top2 = u * mHi;
    if (top2 >= TINY) busy[++max] = top2;
  } else {
    const oP = busy[pcpus]!;
    const oP1 = busy[pcpus - 1]!;
    const oP2 = busy[pcpus - 2]!;
    const mP = oP + u * oP1;
    const mP1 = q * oP1 + u * oP2;
    busy[pcpus] = mP + u * mP1;
    mHi = mP1;
    j = pcpus - 2;
    oAbove = oP2;
  }
  for (; j > bottom; j--) {
    const oBelow = busy[j - 1]!;
    const m = q * oAbove + u * oBelow;
    busy[j + 1] = q * mHi + u * m;
    mHi = m;
    oAbove = oBelow;
  }
  // The first step's bottom cell and its trimming (at most this one cell, by the guarantee).
  const mBottom = q * oAbove;
  if (mBottom >= TINY) {
    busy[bottom + 1] = q * mHi + u * mBottom;
    busy[bottom] = q * mBottom;
  } else {
    busy[bottom] = 0;
    bottom++;
    busy[bottom] = q * mHi;
  }
  while (bottom < max && busy[bottom]! < TINY) busy[bottom++] = 0;
  return bottom | (max << 16);
}

/**
 * Divides `waiting` (mean number of waiting vCPUs) among a set of VMs with one processor-sharing
 * stretch factor. The set is `order[start..end)` when `order` is given, else indices start..end.
 * The stretch it used goes to doubleOut[0].
 */
function splitByStretch(
  start: number,
  end: number,
  order: Int32Array | null,
  vcpus: Int32Array,
  demand: Float64Array,
  waiting: number,
  readyOut: Float64Array,
  runOut: Float64Array,
  busyPcpus = Number.POSITIVE_INFINITY,
): void {
  let stretch = 1;
  if (waiting > NEGLIGIBLE) {
    solveStretch(start, end, order, vcpus, demand, waiting);
    stretch = doubleOut[0]!;
  }
  // The waiting comes from the moment-matched system; the running shares from the actual vCPUs.
  // On an overloaded host of mixed VMs those can add up to more CPU than the matched system's
  // busy pCPUs (3.4 cores on 2, test/model/fleet.test.ts): then the capacity decides the stretch,
  // and the VMs wait more than the matched system says.
  writeShares(start, end, order, vcpus, demand, stretch, readyOut, runOut);
  if (doubleOut[1]! > busyPcpus * (1 + 1e-12)) {
    stretch = capacityStretch(start, end, order, vcpus, demand, busyPcpus, stretch);
    writeShares(start, end, order, vcpus, demand, stretch, readyOut, runOut);
  }
  doubleOut[0] = stretch;
}

/** Each VM's UI class (FleetScratch.uiClass) in a set split as `cls`: the set's, or 0 (stretch 1) where it demands nothing (it runs nothing). */
function setUiClass(start: number, end: number, order: Int32Array | null, demand: Float64Array, cls: number, out: Uint8Array): void {
  for (let m = start; m < end; m++) {
    const i = order ? order[m]! : m;
    out[i] = demand[i]! > 0 ? cls : 0;
  }
}

/** Each VM's ready and running shares at stretch s; the vCPUs running, Σ c_i·run_i, go to doubleOut[1]. */
function writeShares(start: number, end: number, order: Int32Array | null, vcpus: Int32Array, demand: Float64Array, stretch: number, readyOut: Float64Array, runOut: Float64Array): void {
  if (stretch === 1) {
    // A bin that does not wait (most of them on a busy host: the light ones always, and by night
    // nearly all): the same bits without two divisions per VM.
    writeSharesAtOne(start, end, order, vcpus, demand, readyOut, runOut);
    return;
  }
  const readyScale = 1 - 1 / stretch;
  let running = 0;
  for (let m = start; m < end; m++) {
    const i = order ? order[m]! : m;
    const u = demand[i]!;
    const a = u >= 1 ? 1 : (stretch * u) / (1 - u + stretch * u);
    const run = a / stretch;
    readyOut[i] = a * readyScale;
    runOut[i] = run;
    running += vcpus[i]! * run;
  }
  doubleOut[1] = running;
}

/**
 * writeShares at stretch 1 (every VM of a quiet host), bit for bit, without its two divisions per
 * VM: for 0 <= u < 1, 1 − u + 1·u rounds to exactly 1 (for u >= 1/2 the subtraction is exact,
 * Sterbenz's lemma; below, its rounding error is at most 2⁻⁵⁴, which adding u back rounds away,
 * a tie going to 1 as the even neighbour), so a = u/1 = u and run = a/1 = a. Any other u takes
 * writeShares' own expression. Checked against it in test/model/fleet-quiet.test.ts.
 */
function writeSharesAtOne(start: number, end: number, order: Int32Array | null, vcpus: Int32Array, demand: Float64Array, readyOut: Float64Array, runOut: Float64Array): void {
  let running = 0;
  for (let m = start; m < end; m++) {
    const i = order ? order[m]! : m;
    const u = demand[i]!;
    const a = u >= 0 && u < 1 ? u : u >= 1 ? 1 : u / (1 - u + u);
    readyOut[i] = a * 0;
    runOut[i] = a;
    running += vcpus[i]! * a;
  }
  doubleOut[1] = running;
}

/** Σ c_i·a_i(s)/s: the vCPUs running at stretch s (each a_i/s = u_i / (1 − u_i + s·u_i)), decreasing in s. */
function runningAt(start: number, end: number, order: Int32Array | null, vcpus: Int32Array, demand: Float64Array, s: number): number {
  let running = 0;
  for (let m = start; m < end; m++) {
    const i = order ? order[m]! : m;
    const u = demand[i]!;
    if (u > 0) running += (vcpus[i]! * u) / (1 - u + s * u);
  }
  return running;
}

/**
 * The stretch s >= `from` at which Σ c_i·a_i(s)/s = busy, by safeguarded Newton iteration (the
 * function is convex and decreasing in s, so Newton from the left converges monotonically).
 */
function capacityStretch(start: number, end: number, order: Int32Array | null, vcpus: Int32Array, demand: Float64Array, busy: number, from: number): number {
  let lo = from;
  let hi = 1e9;
  if (runningAt(start, end, order, vcpus, demand, hi) > busy) return hi;
  let s = from;
  for (let iter = 0; iter < 60; iter++) {
    let h = -busy;
    let dh = 0;
    for (let m = start; m < end; m++) {
      const i = order ? order[m]! : m;
      const u = demand[i]!;
      if (u <= 0) continue;
      const d = 1 - u + s * u;
      h += (vcpus[i]! * u) / d;
      dh -= (vcpus[i]! * u * u) / (d * d);
    }
    if (Math.abs(h) <= 1e-12 * (1 + busy)) return s;
    if (h > 0) lo = s;
    else hi = s;
    let next = s - h / dh;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - s) <= 1e-13 * s) return next;
    s = next;
  }
  return s;
}

/**
 * Where solveStretch leaves s ([0]) and writeShares the vCPUs running ([1]): a double returned
 * from a call that V8 does not inline is boxed, an allocation per call in the step loop.
 */
const doubleOut = new Float64Array(2);

/** Solves Σ c_i·a_i(s)·(1 − 1/s) = W for s >= 1 by safeguarded Newton iteration; s goes to doubleOut[0]. */
function solveStretch(start: number, end: number, order: Int32Array | null, vcpus: Int32Array, demand: Float64Array, waiting: number): void {
  // g(s) is increasing from 0 at s = 1 towards the number of active vCPUs as s → ∞.
  let active = 0;
  let s1 = 0;
  for (let m = start; m < end; m++) {
    const i = order ? order[m]! : m;
    if (demand[i]! > 0) active += vcpus[i]!;
    s1 += vcpus[i]! * demand[i]!;
  }
  if (waiting >= active * (1 - 1e-9)) {
    doubleOut[0] = 1e9;
    return;
  }
  let lo = 1;
  let hi = Number.POSITIVE_INFINITY;
  let s = 1 + waiting / s1; // light-load guess: ready ≈ u·(s − 1)
  for (let iter = 0; iter < 60; iter++) {
    let g = -waiting;
    let dg = 0;
    const inv = 1 / s;
    for (let m = start; m < end; m++) {
      const i = order ? order[m]! : m;
      const u = demand[i]!;
      if (u <= 0) continue;
      const c = vcpus[i]!;
      if (u >= 1) {
        g += c * (1 - inv);
        dg += c * inv * inv;
        continue;
      }
      const d = 1 - u + s * u;
      const a = (s * u) / d;
      const da = (u * (1 - u)) / (d * d);
      g += c * a * (1 - inv);
      dg += c * (da * (1 - inv) + a * inv * inv);
    }
    if (Math.abs(g) <= 1e-12 * (1 + waiting)) {
      doubleOut[0] = s;
      return;
    }
    if (g > 0) hi = s;
    else lo = s;
    let next = s - g / dg;
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? (lo + hi) / 2 : lo * 2;
    if (Math.abs(next - s) <= 1e-13 * s) {
      doubleOut[0] = next;
      return;
    }
    s = next;
  }
  doubleOut[0] = s;
}
