/**
 * Micro-level CPU contention: every burst of every thread on one host, event by event.
 *
 * Each closed thread (a vCPU, or a host thread such as ksmd) alternates an idle gap and a CPU
 * burst; its uncontended utilisation u = E[burst] / (E[burst] + E[gap]) may change per step. Open
 * sources submit independent jobs (Poisson arrivals), used to validate against M/M/c. Threads
 * share `pcpus` CPUs under the scheduler in ./scheduler.ts.
 *
 * Measured, after a warm-up: per-thread ready time (runnable but not running, VMware's "ready")
 * and run time per sample window, the scheduling delay of every wake-up (wake to first dispatch),
 * pCPU busy time, and for open jobs the wait and response times.
 *
 * Performance: all state lives in typed arrays sized once; the run loop is the kernel's loop with
 * handlers that touch only those arrays, so nothing is allocated per event. The run queue is a
 * ring buffer (fifo) or a binary heap of thread ids keyed by vruntime (cfs).
 */
import { Simulation, URGENT } from '../engine/simulation.js';
import { sample, exponential, EXPONENTIAL } from '../random/distributions.js';
import type { Rng } from '../random/streams.js';
import { Histogram } from '../stats/histogram.js';
import type { SchedulerParams } from './scheduler.js';

/** An open job source: Poisson arrivals of independent bursts (each job runs once, then leaves). */
export interface OpenSource {
  arrivalRatePerSecond: number;
  burstMeanSeconds: number;
  burstDistribution: number;
  burstCv: number;
  rng: Rng;
  /** Most jobs in the system at once; arrivals beyond are counted as dropped. */
  maxInSystem: number;
}

export interface MicroConfig {
  pcpus: number;
  scheduler: SchedulerParams;
  /** Closed threads, indexed 0..threads−1. */
  threads: number;
  burstMeanSeconds: Float64Array;
  burstDistribution: Uint8Array;
  burstCv: Float64Array;
  gapDistribution: Uint8Array;
  gapCv: Float64Array;
  /** One stream per closed thread (bursts and gaps are drawn from it in order). */
  rngs: readonly Rng[];
  /** Uncontended utilisation per step and thread, row-major: utilization[step * threads + thread]. */
  utilization: Float64Array;
  steps: number;
  stepSeconds: number;
  /** Simulated before measuring begins, at step 0's utilisation. */
  warmupSeconds: number;
  /** Length of the ready/run sample windows; must divide stepSeconds or equal it. */
  sampleSeconds: number;
  open?: readonly OpenSource[];
  /**
   * Called at the end of each sample window with per-thread ready and run seconds in it. The
   * arrays are reused after the call returns.
   */
  onSample?: (sampleIndex: number, readySeconds: Float64Array, runSeconds: Float64Array) => void;
  /**
   * Called at every measured wake-up of a closed thread when it is dispatched, with its delay and
   * the time since measuring began (the heartbeats' delay samples; ../latency/paths.ts).
   */
  onWakeDelay?: (thread: number, delaySeconds: number, measuredSeconds: number) => void;
}

export interface MicroResult {
  /** Ready seconds per closed thread over the measured period. */
  readySeconds: Float64Array;
  runSeconds: Float64Array;
  wakeups: Float64Array;
  /** Wake-to-dispatch delay of every measured wake-up (closed threads and open jobs), in ms. */
  schedDelayMs: Histogram;
  /** Sum over pCPUs of busy seconds in the measured period. */
  busyCpuSeconds: number;
  measuredSeconds: number;
  /** Events processed, including warm-up and stale ones. */
  events: number;
  /** Bursts completed (closed and open), including warm-up. */
  bursts: number;
  open: { jobs: number; dropped: number; waitSecondsSum: number; responseSecondsSum: number };
}

const SLEEPING = 0;
const QUEUED = 1;
const RUNNING = 2;
const PARKED = 3; // utilisation 0: no wake-up until the utilisation rises
const FREE = 4; // an unused open-job slot


/** Runs the micro-level model and returns its measurements. */
export function runMicro(config: MicroConfig): MicroResult {
  return new MicroModel(config).run();
}

class MicroModel {
  private readonly sim = new Simulation(256);
  private readonly cfg: MicroConfig;
  private readonly cfs: boolean;
  private readonly total: number; // closed threads + open slots
  private readonly closed: number;

  // Per-thread state.
  private readonly state: Uint8Array;
  private readonly remaining: Float64Array;
  private readonly vruntime: Float64Array;
  private readonly runSince: Float64Array;
  private readonly accountMark: Float64Array;
  private readonly wokeAt: Float64Array;
  private readonly arrivedAt: Float64Array;
  private readonly gen: Int32Array;
  private readonly cpuOf: Int32Array;
  private readonly currentUtil: Float64Array;
  private readonly windowReady: Float64Array;
  private readonly windowRun: Float64Array;
  private readonly slotSource: Int32Array;

  // Per-CPU state.
  private readonly running: Int32Array;
  private readonly cpuGen: Int32Array;
  /**
   * 1 when the armed run-end on a CPU is the end of its thread's burst. Completion is decided by
   * this flag, not by comparing remaining work with zero: late in a long run one ulp of the clock
   * (3.6e-12 s at t = 30,000 s) exceeds any fixed epsilon, and a sliver of remaining work would
   * re-arm a zero-length slice forever.
   */
  private readonly sliceEndsBurst: Uint8Array;
  private readonly idleStack: Int32Array;
  private idleCount: number;

  // Run queue: ring buffer (fifo) or vruntime heap (cfs), both of thread ids.
  private readonly queue: Int32Array;
  private queueHead = 0;
  private queueSize = 0;
  private minVruntime = 0;
  private runnable = 0;

  // Open-job slot pools, one stack per source.
  private readonly freeSlots: Int32Array[];
  private readonly freeCount: Int32Array;

  private measuring = false;
  /** CPU seconds of open jobs in the current sample window. */
  private openRunWindow = 0;
  private readonly result: MicroResult;

  private readonly WAKE: number;
  private readonly RUN_END: number;
  private readonly ARRIVAL: number;
  private readonly STEP: number;
  private readonly SAMPLE: number;
  private readonly MEASURE: number;

  constructor(config: MicroConfig) {
    this.cfg = config;
    validate(config);
    this.cfs = config.scheduler.policy === 'cfs';
    this.closed = config.threads;
    const open = config.open ?? [];
    let slots = 0;
    for (const source of open) slots += source.maxInSystem;
    this.total = this.closed + slots;
    const n = this.total;
    this.state = new Uint8Array(n);
    this.remaining = new Float64Array(n);
    this.vruntime = new Float64Array(n);
    this.runSince = new Float64Array(n);
    this.accountMark = new Float64Array(n);
    this.wokeAt = new Float64Array(n).fill(-1);
    this.arrivedAt = new Float64Array(n);
    this.gen = new Int32Array(n);
    this.cpuOf = new Int32Array(n).fill(-1);
    this.currentUtil = new Float64Array(this.closed);
    this.windowReady = new Float64Array(this.closed);
    this.windowRun = new Float64Array(this.closed);
    this.slotSource = new Int32Array(n).fill(-1);
    this.queue = new Int32Array(Math.max(1, n));

    const p = config.pcpus;
    this.running = new Int32Array(p).fill(-1);
    this.cpuGen = new Int32Array(p);
    this.sliceEndsBurst = new Uint8Array(p);
    this.idleStack = new Int32Array(p);
    for (let c = 0; c < p; c++) this.idleStack[c] = p - 1 - c; // CPU 0 is taken first
    this.idleCount = p;

    this.freeSlots = [];
    this.freeCount = new Int32Array(open.length);
    let next = this.closed;
    open.forEach((source, s) => {
      const stack = new Int32Array(source.maxInSystem);
      for (let i = 0; i < source.maxInSystem; i++) {
        const slot = next + source.maxInSystem - 1 - i;
        stack[i] = slot;
        this.state[slot] = FREE;
        this.slotSource[slot] = s;
      }
      next += source.maxInSystem;
      this.freeSlots.push(stack);
      this.freeCount[s] = source.maxInSystem;
    });

    this.result = {
      readySeconds: new Float64Array(this.closed),
      runSeconds: new Float64Array(this.closed),
      wakeups: new Float64Array(this.closed),
      schedDelayMs: new Histogram(),
      busyCpuSeconds: 0,
      measuredSeconds: config.steps * config.stepSeconds,
      events: 0,
      bursts: 0,
      open: { jobs: 0, dropped: 0, waitSecondsSum: 0, responseSecondsSum: 0 },
    };

    const sim = this.sim;
    this.WAKE = sim.defineEvent('wake', (t, tag) => this.onWake(t, tag));
    this.RUN_END = sim.defineEvent('run-end', (c, tag) => this.onRunEnd(c, tag));
    this.ARRIVAL = sim.defineEvent('arrival', (s) => this.onArrival(s));
    this.STEP = sim.defineEvent('step', (k) => this.onStep(k));
    this.SAMPLE = sim.defineEvent('sample', (k) => this.onSample(k));
    this.MEASURE = sim.defineEvent('measure', () => this.onMeasureStart());
  }

  run(): MicroResult {
    const cfg = this.cfg;
    const sim = this.sim;
    // Each closed thread starts in its uncontended stationary state: runnable with a fresh burst
    // with probability u, otherwise asleep with a fresh gap (exact residuals for exponential
    // bursts and gaps). Starting near the contended steady state, rather than from an idle host,
    // lets a short warm-up suffice.
    for (let t = 0; t < this.closed; t++) {
      const u = cfg.utilization[t]!;
      this.currentUtil[t] = u;
      if (u > 0 && cfg.rngs[t]!() < u) this.onWake(t, this.gen[t]!, true);
      else this.sleep(t);
    }
    (cfg.open ?? []).forEach((source, s) => {
      if (source.arrivalRatePerSecond > 0) sim.schedule(exponential(source.rng, 1 / source.arrivalRatePerSecond), this.ARRIVAL, s);
    });
    const start = cfg.warmupSeconds;
    sim.scheduleAt(start, this.MEASURE, 0, 0, URGENT);
    for (let k = 1; k < cfg.steps; k++) sim.scheduleAt(start + k * cfg.stepSeconds, this.STEP, k, 0, URGENT);
    const end = start + cfg.steps * cfg.stepSeconds;
    const samples = Math.round((cfg.steps * cfg.stepSeconds) / cfg.sampleSeconds);
    for (let k = 0; k < samples; k++) sim.scheduleAt(start + (k + 1) * cfg.sampleSeconds, this.SAMPLE, k, 0, URGENT);

    // Count events by running the kernel's loop in batches up to the end time.
    let events = 0;
    while (sim.peek() <= end) {
      sim.step();
      events++;
    }
    this.result.events = events;
    return this.result;
  }

  // ---------------------------------------------------------------- thread transitions

  /** Closed thread ends a burst (or starts the run): draws its gap and schedules the wake-up. */
  private sleep(t: number): void {
    const u = this.currentUtil[t]!;
    if (u <= 0) {
      this.state[t] = PARKED;
      return;
    }
    this.state[t] = SLEEPING;
    const cfg = this.cfg;
    const burstMean = cfg.burstMeanSeconds[t]!;
    const gapMean = u >= 1 ? 0 : (burstMean * (1 - u)) / u;
    const gap = gapMean > 0 ? sample(cfg.gapDistribution[t]!, cfg.rngs[t]!, gapMean, cfg.gapCv[t]!) : 0;
    this.sim.schedule(gap, this.WAKE, t, ++this.gen[t]!);
  }

  private onWake(t: number, tag: number, initial = false): void {
    if (!initial && (tag !== this.gen[t] || this.state[t] !== SLEEPING)) return; // superseded by a step change
    const cfg = this.cfg;
    this.remaining[t] = sample(cfg.burstDistribution[t]!, cfg.rngs[t]!, cfg.burstMeanSeconds[t]!, cfg.burstCv[t]!);
    if (this.measuring) this.result.wakeups[t]!++;
    this.becomeRunnable(t);
  }

  private onArrival(s: number): void {
    const source = this.cfg.open![s]!;
    const now = this.sim.now;
    this.sim.schedule(exponential(source.rng, 1 / source.arrivalRatePerSecond), this.ARRIVAL, s);
    if (this.freeCount[s] === 0) {
      if (this.measuring) this.result.open.dropped++;
      return;
    }
    const slot = this.freeSlots[s]![--this.freeCount[s]!]!;
    this.remaining[slot] = sample(source.burstDistribution, source.rng, source.burstMeanSeconds, source.burstCv);
    this.arrivedAt[slot] = now;
    this.becomeRunnable(slot);
  }

  /** A woken thread or arrived job: runs on an idle CPU, preempts (cfs), or queues. */
  private becomeRunnable(t: number): void {
    const now = this.sim.now;
    this.wokeAt[t] = now;
    this.accountMark[t] = now;
    this.runnable++;
    if (this.cfs) this.placeWakingVruntime(t);
    if (this.idleCount > 0) {
      this.dispatch(this.idleStack[--this.idleCount]!, t);
      return;
    }
    if (this.cfs) {
      // Wake-up preemption: the running thread furthest ahead in vruntime yields if the woken
      // thread trails it by more than the wakeup granularity.
      let victimCpu = -1;
      let victimVr = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < this.running.length; c++) {
        const r = this.running[c]!;
        const vr = this.vruntime[r]! + (now - this.runSince[r]!);
        if (vr > victimVr) {
          victimVr = vr;
          victimCpu = c;
        }
      }
      if (victimVr - this.vruntime[t]! > this.cfg.scheduler.wakeupGranularitySeconds) {
        this.preempt(victimCpu);
        this.dispatch(victimCpu, t);
        return;
      }
    }
    this.enqueue(t);
  }

  /** CFS place_entity: a waking thread gets at most latency/2 of sleeper credit. */
  private placeWakingVruntime(t: number): void {
    const now = this.sim.now;
    let min = this.queueSize > 0 ? this.vruntime[this.queue[0]!]! : Number.POSITIVE_INFINITY;
    for (let c = 0; c < this.running.length; c++) {
      const r = this.running[c]!;
      if (r >= 0) {
        const vr = this.vruntime[r]! + (now - this.runSince[r]!);
        if (vr < min) min = vr;
      }
    }
    if (min !== Number.POSITIVE_INFINITY && min > this.minVruntime) this.minVruntime = min;
    const floor = this.minVruntime - this.cfg.scheduler.latencySeconds / 2;
    if (this.vruntime[t]! < floor) this.vruntime[t] = floor;
  }

  /** Puts thread t on CPU c: records its scheduling delay and arms the end of its slice. */
  private dispatch(c: number, t: number): void {
    const now = this.sim.now;
    this.account(t);
    const woke = this.wokeAt[t]!;
    if (woke >= 0) {
      if (this.measuring) {
        this.result.schedDelayMs.add((now - woke) * 1000);
        if (t >= this.closed) this.result.open.waitSecondsSum += now - woke;
        else if (this.cfg.onWakeDelay) this.cfg.onWakeDelay(t, now - woke, now - this.cfg.warmupSeconds);
      }
      this.wokeAt[t] = -1;
    }
    this.state[t] = RUNNING;
    this.running[c] = t;
    this.cpuOf[t] = c;
    this.runSince[t] = now;
    this.armRunEnd(c, t);
  }

  private armRunEnd(c: number, t: number): void {
    // A burst that is a whole number of slices can be left at −1e-17 by round-off; never arm a
    // negative slice.
    const rem = Math.max(0, this.remaining[t]!);
    let slice = rem;
    if (this.cfs) {
      const perCpu = Math.max(1, this.runnable / this.running.length);
      const s = this.cfg.scheduler;
      const ideal = Math.max(s.latencySeconds / perCpu, s.minGranularitySeconds);
      if (ideal < slice) slice = ideal;
    }
    this.sliceEndsBurst[c] = slice === rem ? 1 : 0;
    this.sim.schedule(slice, this.RUN_END, c, ++this.cpuGen[c]!);
  }

  private onRunEnd(c: number, tag: number): void {
    if (tag !== this.cpuGen[c]) return; // the thread was preempted before its slice ended
    const t = this.running[c]!;
    const now = this.sim.now;
    const ran = now - this.runSince[t]!;
    this.remaining[t]! -= ran;
    this.vruntime[t]! += ran;
    this.runSince[t] = now;
    if (this.sliceEndsBurst[c] === 1) {
      this.remaining[t] = 0;
      this.finishBurst(c, t);
      return;
    }
    // Slice expired: yield to the queue's leftmost thread if it is behind in vruntime.
    if (this.queueSize > 0 && this.vruntime[this.queue[0]!]! < this.vruntime[t]!) {
      this.account(t);
      this.state[t] = QUEUED;
      this.cpuOf[t] = -1;
      const next = this.dequeue();
      this.enqueue(t);
      this.dispatch(c, next);
      return;
    }
    this.armRunEnd(c, t);
  }

  private finishBurst(c: number, t: number): void {
    this.account(t);
    this.result.bursts++;
    this.runnable--;
    this.cpuOf[t] = -1;
    this.running[c] = -1;
    if (t < this.closed) {
      this.sleep(t);
    } else {
      const s = this.slotSource[t]!;
      if (this.measuring) {
        this.result.open.jobs++;
        this.result.open.responseSecondsSum += this.sim.now - this.arrivedAt[t]!;
      }
      this.state[t] = FREE;
      this.freeSlots[s]![this.freeCount[s]!++] = t;
    }
    if (this.queueSize > 0) this.dispatch(c, this.dequeue());
    else this.idleStack[this.idleCount++] = c;
  }

  /** Takes the thread off CPU c (wake-up preemption) and queues it. */
  private preempt(c: number): void {
    const t = this.running[c]!;
    const now = this.sim.now;
    const ran = now - this.runSince[t]!;
    this.remaining[t]! -= ran;
    this.vruntime[t]! += ran;
    this.account(t);
    this.cpuGen[c]!++; // its pending run-end is now stale
    this.running[c] = -1;
    this.cpuOf[t] = -1;
    this.enqueue(t);
  }

  /** Adds the time since the last mark to the thread's ready or run total. */
  private account(t: number): void {
    const now = this.sim.now;
    const elapsed = now - this.accountMark[t]!;
    this.accountMark[t] = now;
    if (!this.measuring || elapsed <= 0) return;
    const s = this.state[t];
    if (t >= this.closed) {
      // Open jobs have no per-thread totals, but their CPU time is part of the host's busy time.
      if (s === RUNNING) this.openRunWindow += elapsed;
      return;
    }
    if (s === QUEUED) this.windowReady[t]! += elapsed;
    else if (s === RUNNING) this.windowRun[t]! += elapsed;
  }

  // ---------------------------------------------------------------- run queue

  private enqueue(t: number): void {
    this.state[t] = QUEUED;
    this.accountMark[t] = this.sim.now;
    const q = this.queue;
    if (!this.cfs) {
      q[(this.queueHead + this.queueSize) % q.length] = t;
      this.queueSize++;
      return;
    }
    // Binary heap keyed by (vruntime, thread id).
    const vr = this.vruntime;
    const key = vr[t]!;
    let hole = this.queueSize++;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      const pt = q[parent]!;
      const pk = vr[pt]!;
      if (pk < key || (pk === key && pt < t)) break;
      q[hole] = pt;
      hole = parent;
    }
    q[hole] = t;
  }

  private dequeue(): number {
    const q = this.queue;
    if (!this.cfs) {
      const t = q[this.queueHead]!;
      this.queueHead = (this.queueHead + 1) % q.length;
      this.queueSize--;
      return t;
    }
    const top = q[0]!;
    const last = q[--this.queueSize]!;
    if (this.queueSize > 0) {
      const vr = this.vruntime;
      const key = vr[last]!;
      const size = this.queueSize;
      let hole = 0;
      for (;;) {
        let child = 2 * hole + 1;
        if (child >= size) break;
        const right = child + 1;
        if (right < size) {
          const a = q[child]!;
          const b = q[right]!;
          if (vr[b]! < vr[a]! || (vr[b]! === vr[a]! && b < a)) child = right;
        }
        const ct = q[child]!;
        const ck = vr[ct]!;
        if (key < ck || (key === ck && last < ct)) break;
        q[hole] = ct;
        hole = child;
      }
      q[hole] = last;
    }
    return top;
  }

  // ---------------------------------------------------------------- measurement and steps

  private onMeasureStart(): void {
    const now = this.sim.now;
    for (let t = 0; t < this.total; t++) this.accountMark[t] = now;
    this.measuring = true;
  }

  /** New step: threads whose utilisation changed redraw their pending gap (exact for exponential gaps). */
  private onStep(k: number): void {
    const cfg = this.cfg;
    const row = k * cfg.threads;
    for (let t = 0; t < this.closed; t++) {
      const u = cfg.utilization[row + t]!;
      if (u === this.currentUtil[t]) continue;
      this.currentUtil[t] = u;
      const s = this.state[t];
      if (s === SLEEPING || s === PARKED) this.sleep(t);
    }
  }

  private onSample(k: number): void {
    for (let t = 0; t < this.total; t++) {
      const s = this.state[t];
      if (s === QUEUED || s === RUNNING) this.account(t);
    }
    const ready = this.windowReady;
    const run = this.windowRun;
    const res = this.result;
    for (let t = 0; t < this.closed; t++) {
      res.readySeconds[t]! += ready[t]!;
      res.runSeconds[t]! += run[t]!;
      res.busyCpuSeconds += run[t]!;
    }
    res.busyCpuSeconds += this.openRunWindow;
    this.openRunWindow = 0;
    this.cfg.onSample?.(k, ready, run);
    ready.fill(0);
    run.fill(0);
  }
}

function validate(cfg: MicroConfig): void {
  const fail = (what: string): never => {
    throw new RangeError(`micro CPU model: ${what}`);
  };
  if (!(Number.isInteger(cfg.pcpus) && cfg.pcpus >= 1)) fail(`pcpus must be an integer >= 1, got ${cfg.pcpus}`);
  if (!(cfg.steps >= 1 && cfg.stepSeconds > 0)) fail('steps must be >= 1 and stepSeconds > 0');
  if (cfg.utilization.length !== cfg.steps * cfg.threads) fail('utilization must hold steps × threads values');
  const perStep = cfg.stepSeconds / cfg.sampleSeconds;
  if (!(cfg.sampleSeconds > 0) || Math.abs(perStep - Math.round(perStep)) > 1e-9) {
    fail('sampleSeconds must divide stepSeconds');
  }
  for (const arr of [cfg.burstMeanSeconds, cfg.burstDistribution, cfg.burstCv, cfg.gapDistribution, cfg.gapCv]) {
    if (arr.length < cfg.threads) fail('per-thread arrays must have one entry per thread');
  }
  if (cfg.rngs.length < cfg.threads) fail('one random stream per thread is required');
}

/** Convenience: exponential bursts and gaps for every thread. */
export function exponentialThreads(threads: number, burstMeanSeconds: number): Pick<
  MicroConfig,
  'threads' | 'burstMeanSeconds' | 'burstDistribution' | 'burstCv' | 'gapDistribution' | 'gapCv'
> {
  return {
    threads,
    burstMeanSeconds: new Float64Array(threads).fill(burstMeanSeconds),
    burstDistribution: new Uint8Array(threads).fill(EXPONENTIAL),
    burstCv: new Float64Array(threads).fill(1),
    gapDistribution: new Uint8Array(threads).fill(EXPONENTIAL),
    gapCv: new Float64Array(threads).fill(1),
  };
}
