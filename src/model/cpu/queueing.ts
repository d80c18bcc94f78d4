/**
 * Closed-form queueing results for CPU contention, used as the fleet kernel's core and as the
 * yardstick the micro-level simulation is validated against.
 *
 * Machine-repairman model M/M/P//n (finite-source queue): n vCPUs alternate exponential idle gaps
 * (mean Z) and exponential bursts (mean S) on P pCPUs. The number K of runnable vCPUs is a
 * birth–death chain with birth rate (n−k)/Z and death rate min(k, P)/S, so with ρ = S/Z
 *     p(k+1) / p(k) = (n − k)·ρ / min(k + 1, P)
 * (Kleinrock, "Queueing Systems" vol. 1, §3.8; Gross & Harris, "Fundamentals of Queueing Theory",
 * finite-source M/M/c). The chain is the same under any work-conserving discipline when bursts are
 * exponential (memoryless remaining work), so FIFO, round-robin and CFS share its mean; and for
 * processor sharing it holds for any burst distribution and per-vCPU means (BCMP product form).
 * A vCPU's CPU ready share is E[(K − P)+] / n: the time it is runnable but not running.
 *
 * Erlang C (M/M/c, open arrivals): C(c, a) = [a^c/c! · c/(c−a)] / [Σ_{k<c} a^k/k! + a^c/c! · c/(c−a)],
 * Wq = C / (cμ − λ). Table check: c = 16, ρ = 0.9 gives Wq = 0.370 S (calibration.md §7).
 */

export interface RepairmanResult {
  /** Mean number of runnable vCPUs waiting for a pCPU, E[(K − P)+]. */
  meanWaiting: number;
  /** Mean number of running vCPUs, E[min(K, P)]. */
  meanRunning: number;
  /** Share of each vCPU's wall-clock time spent ready (runnable, not running), 0..1. */
  readyFraction: number;
  /** pCPU utilisation, E[min(K, P)] / P, 0..1. */
  pcpuUtilization: number;
  /** Stationary distribution of K (length n + 1). */
  distribution: Float64Array;
}

/** Mean waiting and running counts of M/M/P//n, written into a caller-owned object. */
export interface RepairmanMeans {
  meanWaiting: number;
  meanRunning: number;
}

/** Rescale threshold for the unnormalised probabilities (keeps them finite for large n and ρ). */
const RESCALE_ABOVE = 1e200;
/**
 * 2⁻⁵⁵: a positive term below this fraction of a positive double x is under half of x's last
 * place (x·2⁻⁵³ < ulp(x)), so adding it to x rounds back to x exactly.
 */
const BELOW_LAST_PLACE = 2 ** -55;

/**
 * Solves M/M/P//n with per-vCPU uncontended utilisation u = S / (S + Z) into `out`, optionally
 * writing the stationary distribution of K (length n + 1). u = 1 means always runnable (a CPU
 * hog); u = 0 means idle. Allocation-free: the fleet kernel calls this once per host-interval.
 */
export function solveRepairman(
  out: RepairmanMeans,
  n: number,
  pcpus: number,
  utilization: number,
  distribution?: Float64Array,
): RepairmanMeans {
  return solveChain(out, n, pcpus, utilization, distribution, false);
}

/**
 * solveRepairman for a caller that needs the running count and only whether anyone waits: on a
 * lightly loaded host the chain's terms die out long before K reaches P (mean 5 runnable of 56 on
 * the bundled vdi-callcenter hosts), and once every further term is below half the last place of
 * the running sums (the terms fall at least geometrically by then) adding them cannot change those
 * sums, so meanRunning is bit for bit solveRepairman's. meanWaiting is then reported as 0 where the
 * full chain gives a positive number below 10⁻¹⁶ (waiting needs K > P, every such term is in the
 * dropped tail); otherwise it is solveRepairman's.
 */
export function solveRepairmanRunning(out: RepairmanMeans, n: number, pcpus: number, utilization: number): RepairmanMeans {
  return solveChain(out, n, pcpus, utilization, undefined, true);
}

/**
 * The state of solveRepairmanRunning's chain after its first `k` terms (k = 0: none known), as
 * solveSmtRepairman leaves it for the same n, P and u (ChainPrefix is filled while no vCPU shares a
 * core, where the two chains' terms are the same numbers): `settled` when the chain stopped there.
 */
export interface ChainPrefix {
  k: number;
  p: number;
  total: number;
  running: number;
  settled: boolean;
}

export function chainPrefix(): ChainPrefix {
  return { k: 0, p: 1, total: 1, running: 0, settled: false };
}

/**
 * solveRepairmanRunning resumed from `prefix` (filled by solveSmtRepairman with the same n, P and
 * u): the same arithmetic from term k + 1 on, so the same result bit for bit.
 */
export function solveRepairmanRunningFrom(out: RepairmanMeans, n: number, pcpus: number, utilization: number, prefix: ChainPrefix): RepairmanMeans {
  if (prefix.k === 0) return solveChain(out, n, pcpus, utilization, undefined, true);
  if (prefix.settled) {
    out.meanWaiting = 0;
    out.meanRunning = prefix.running / prefix.total;
    return out;
  }
  return solveChain(out, n, pcpus, utilization, undefined, true, prefix);
}

function solveChain(
  out: RepairmanMeans,
  n: number,
  pcpus: number,
  utilization: number,
  distribution: Float64Array | undefined,
  settle: boolean,
  from?: ChainPrefix,
): RepairmanMeans {
  const u = utilization < 0 ? 0 : utilization > 1 ? 1 : utilization;
  if (n <= 0 || u === 0) {
    out.meanWaiting = 0;
    out.meanRunning = 0;
    if (distribution) distribution.fill(0).fill(1, 0, 1);
    return out;
  }
  if (u >= 1) {
    const running = Math.min(n, pcpus);
    out.meanWaiting = n - running;
    out.meanRunning = running;
    if (distribution) {
      distribution.fill(0);
      distribution[n] = 1;
    }
    return out;
  }
  const rho = u / (1 - u);
  // p(k+1) = p(k)·(n − k)·ρ / min(k + 1, P), unnormalised, rescaled whenever it grows too large.
  // (Resumed after `from.k` terms: all below P, so nobody waits yet.)
  let p = from ? from.p : 1;
  let total = from ? from.total : 1;
  let waiting = 0;
  let running = from ? from.running : 0;
  if (distribution) distribution[0] = 1;
  for (let k = from ? from.k : 0; k < n; k++) {
    p = (p * (n - k) * rho) / (k + 1 < pcpus ? k + 1 : pcpus);
    const kk = k + 1;
    if (p > RESCALE_ABOVE) {
      p /= RESCALE_ABOVE;
      total /= RESCALE_ABOVE;
      waiting /= RESCALE_ABOVE;
      running /= RESCALE_ABOVE;
      if (distribution) for (let j = 0; j < kk; j++) distribution[j]! /= RESCALE_ABOVE;
    }
    total += p;
    if (kk > pcpus) waiting += (kk - pcpus) * p;
    running += (kk < pcpus ? kk : pcpus) * p;
    if (distribution) distribution[kk] = p;
    // Below P (waiting still 0): stop once the next term, and so every later one (the ratio is at
    // most 1/2 and falls), is too small to move total or running (times at most P, and n for the
    // bound on the waiting dropped: 2n·next/total < 2⁻⁵⁵).
    // (Multiplied out, without a division: the next term is p·(n − kk)·ρ / (kk + 1).)
    if (settle && kk < pcpus) {
      const grow = (n - kk) * rho;
      if (grow <= 0.5 * (kk + 1) && 4 * (n + pcpus) * p * grow < BELOW_LAST_PLACE * (total < running ? total : running) * (kk + 1)) break;
    }
    // Past P the ratio of successive terms, (n − k)·ρ/P, only falls; once it is below 1 the rest
    // of the series is bounded by a geometric tail. Stop when that tail cannot move the total, the
    // running sum or the waiting sum in the 16th digit, however small the waiting is (the fleet
    // kernel solves millions of these per run).
    if (kk >= pcpus) {
      const ratio = ((n - kk) * rho) / pcpus;
      const tail = (p * ratio) / (1 - ratio);
      if (ratio < 1 && tail * n < 1e-17 * total && tail * (n - pcpus) < 1e-17 * waiting) {
        if (distribution) distribution.fill(0, kk + 1, n + 1);
        break;
      }
    }
  }
  out.meanWaiting = waiting / total;
  out.meanRunning = running / total;
  if (distribution) for (let k = 0; k <= n; k++) distribution[k]! /= total;
  return out;
}

/** Solves M/M/P//n and returns means, per-vCPU ready share, utilisation and the distribution of K. */
export function machineRepairman(n: number, pcpus: number, utilization: number): RepairmanResult {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`vCPU count must be a non-negative integer, got ${n}`);
  if (!(pcpus > 0)) throw new RangeError(`pCPU count must be positive, got ${pcpus}`);
  const distribution = new Float64Array(n + 1);
  const means = solveRepairman({ meanWaiting: 0, meanRunning: 0 }, n, pcpus, utilization, distribution);
  return {
    meanWaiting: means.meanWaiting,
    meanRunning: means.meanRunning,
    readyFraction: n > 0 ? means.meanWaiting / n : 0,
    pcpuUtilization: means.meanRunning / pcpus,
    distribution,
  };
}

/** Probability an arrival waits in M/M/c with offered load a = λ/μ (Erlang C). Requires a < c. */
export function erlangC(c: number, offeredLoad: number): number {
  if (!(offeredLoad < c)) return 1;
  // Erlang B by the stable recursion B(k) = a·B(k−1) / (k + a·B(k−1)), then C from B.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (offeredLoad * b) / (k + offeredLoad * b);
  const rho = offeredLoad / c;
  return b / (1 - rho * (1 - b));
}

export interface MmcResult {
  /** Probability of waiting (Erlang C). */
  waitProbability: number;
  /** Mean wait in queue, in the unit of `meanServiceTime`. */
  meanWait: number;
  /** Mean time in system. */
  meanResponse: number;
  /** Mean number waiting, by Little's law λ·Wq. */
  meanQueueLength: number;
}

/** M/M/c with arrival rate λ (per unit time) and mean service time S. */
export function mmc(c: number, arrivalRate: number, meanServiceTime: number): MmcResult {
  const a = arrivalRate * meanServiceTime;
  if (!(a < c)) {
    // Overloaded: the queue grows without bound.
    const unbounded = Number.POSITIVE_INFINITY;
    return { waitProbability: 1, meanWait: unbounded, meanResponse: unbounded, meanQueueLength: unbounded };
  }
  const pw = erlangC(c, a);
  const meanWait = pw * meanServiceTime / (c - a);
  return {
    waitProbability: pw,
    meanWait,
    meanResponse: meanWait + meanServiceTime,
    meanQueueLength: arrivalRate * meanWait,
  };
}

/** P(Wq > t) in M/M/c: C · exp(−(cμ − λ)·t). */
export function mmcWaitTail(c: number, arrivalRate: number, meanServiceTime: number, t: number): number {
  const a = arrivalRate * meanServiceTime;
  if (!(a < c)) return 1;
  return erlangC(c, a) * Math.exp(-((c - a) / meanServiceTime) * t);
}

/**
 * Mean wait before service for a vCPU waking in M/M/P//n with FIFO dispatch, by the arrival
 * theorem: a waking vCPU sees the stationary state of the system with n − 1 vCPUs; finding j >= P
 * runnable, it waits for j − P + 1 completions at rate P/S each.
 */
export function repairmanMeanWakeDelay(n: number, pcpus: number, utilization: number, meanBurst: number): number {
  if (n <= 1) return 0;
  const seen = machineRepairman(n - 1, pcpus, utilization).distribution;
  let wait = 0;
  for (let j = pcpus; j < seen.length; j++) wait += seen[j]! * ((j - pcpus + 1) * meanBurst) / pcpus;
  return wait;
}

/** Means of the machine-repairman chain on SMT cores (solveSmtRepairman), caller-owned. */
export interface SmtMeans {
  /** Mean number of runnable vCPUs, E[K]. */
  meanRunnable: number;
  /** Mean number of busy hardware threads, E[min(K, P)]. */
  meanBusy: number;
  /** Mean work done per unit time, in full cores, E[μ(K)] (<= meanBusy). */
  meanWork: number;
}

/**
 * Work rate, in full cores, of k runnable vCPUs on `pcpus` hardware threads that are `cores`
 * physical cores: the scheduler gives each vCPU an idle core first (VMware KB 326271: "the CPU
 * scheduler prefers a fully idle core to a partially idle core"; Linux's select_idle_core does the
 * same), so up to `cores` runnable vCPUs run at full speed; each vCPU beyond that shares a core
 * with a busy sibling and adds `smtGain / (threadsPerCore − 1)` of a core, so a core with all
 * its threads busy does `1 + smtGain` cores of work.
 */
export function smtWorkRate(k: number, pcpus: number, cores: number, smtGain: number): number {
  const busy = k < pcpus ? k : pcpus;
  if (busy <= cores) return busy;
  const perExtraThread = pcpus > cores ? (smtGain * cores) / (pcpus - cores) : 0;
  return cores + perExtraThread * (busy - cores);
}

/**
 * M/M/P//n on SMT hardware: n vCPUs with uncontended utilisation u (work at a full core's speed)
 * on P hardware threads that are `cores` physical cores. The birth–death chain of the runnable
 * count K keeps birth rate (n − k)/Z and has death rate μ(k)/S with μ the work rate of
 * smtWorkRate (a busy thread sharing its core runs slower, so its burst lasts longer):
 *     p(k+1) / p(k) = (n − k)·ρ / μ(k + 1),   ρ = u / (1 − u).
 * With cores = P it is solveRepairman's chain. Allocation-free (one call per SMT host-interval).
 */
export function solveSmtRepairman(out: SmtMeans, n: number, pcpus: number, cores: number, smtGain: number, utilization: number, prefix?: ChainPrefix): SmtMeans {
  const u = utilization < 0 ? 0 : utilization > 1 ? 1 : utilization;
  if (prefix) {
    prefix.k = 0;
    prefix.settled = false;
  }
  if (n <= 0 || u === 0) {
    out.meanRunnable = 0;
    out.meanBusy = 0;
    out.meanWork = 0;
    return out;
  }
  if (u >= 1) {
    out.meanRunnable = n;
    out.meanBusy = Math.min(n, pcpus);
    out.meanWork = smtWorkRate(n, pcpus, cores, smtGain);
    return out;
  }
  const rho = u / (1 - u);
  let p = 1;
  let total = 1;
  let runnable = 0;
  let busy = 0;
  let work = 0;
  // smtWorkRate(b) as one expression, min(b, cores) + gain·max(0, b − cores) (the same number: the
  // gain term is +0 up to `cores`), its gain per thread computed once: a rate that is a whole
  // number up to `cores` and a double beyond made V8 keep the rate boxed, a heap allocation per
  // term (measured: 1.1 MB per vdi-callcenter replication).
  const perExtraThread = pcpus > cores ? (smtGain * cores) / (pcpus - cores) : 0;
  const firstBusy = 1 < pcpus ? 1 : pcpus;
  let nextRate = (firstBusy < cores ? firstBusy : cores) + perExtraThread * (firstBusy > cores ? firstBusy - cores : 0);
  // While no vCPU shares a core (k <= cores, below P) the terms are solveRepairmanRunning's, busy
  // is its running sum, and its stopping test is followed here too: `prefix` keeps its state.
  let plain = prefix !== undefined;
  for (let k = 0; k < n; k++) {
    const kk = k + 1;
    const rate = nextRate;
    const nextBusy = kk + 1 < pcpus ? kk + 1 : pcpus;
    nextRate = (nextBusy < cores ? nextBusy : cores) + perExtraThread * (nextBusy > cores ? nextBusy - cores : 0);
    p = (p * (n - k) * rho) / rate;
    if (p > RESCALE_ABOVE) {
      p /= RESCALE_ABOVE;
      total /= RESCALE_ABOVE;
      runnable /= RESCALE_ABOVE;
      busy /= RESCALE_ABOVE;
      work /= RESCALE_ABOVE;
    }
    total += p;
    runnable += kk * p;
    busy += (kk < pcpus ? kk : pcpus) * p;
    work += rate * p;
    if (plain && prefix) {
      if (kk <= cores && kk < pcpus) {
        prefix.k = kk;
        prefix.p = p;
        prefix.total = total;
        prefix.running = busy;
        // solveChain's stopping test (settle) at kk, the same expression.
        const grow = (n - kk) * rho;
        if (grow <= 0.5 * (kk + 1) && 4 * (n + pcpus) * p * grow < BELOW_LAST_PLACE * (total < busy ? total : busy) * (kk + 1)) {
          prefix.settled = true;
          plain = false;
        }
      } else plain = false;
    }
    // The terms have died out before P (a lightly loaded host): once the next term, and so every
    // later one (the ratio is at most 1/2 and falls), is too small to move any of the four sums
    // (runnable weights a term by at most n, busy and work by at most 2P), the sums are final.
    // (Multiplied out, without a division: the next term is p·(n − kk)·ρ / μ(kk + 1).)
    if (kk < pcpus) {
      const grow = (n - kk) * rho;
      const least = total < work ? total : work; // work <= busy <= runnable here
      if (grow <= 0.5 * nextRate && 4 * (n + 2 * pcpus) * p * grow < BELOW_LAST_PLACE * least * nextRate) break;
    }
    // Past P the rate is constant and the ratio of successive terms only falls: once the geometric
    // tail bound cannot move the sums in the 16th digit, stop (as solveRepairman does).
    if (kk >= pcpus) {
      const ratio = ((n - kk) * rho) / rate;
      if (ratio < 1 && (p * ratio) / (1 - ratio) * n < 1e-17 * total) break;
    }
  }
  out.meanRunnable = runnable / total;
  out.meanBusy = busy / total;
  out.meanWork = work / total;
  return out;
}
