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
 * Performance (docs/scale.md has the figures): all state lives in typed arrays sized once, so
 * nothing is allocated per event. Every thread has at most one pending event (its wake-up while
 * asleep, the end of its slice while running), kept in an indexed heap of threads
 * (../engine/entity-heap.ts), so there are no stale events. Exponential bursts and gaps come from
 * the ziggurat on a per-thread xoshiro128** generator seeded from the thread's stream
 * (../random/ziggurat.ts, ../random/xoshiro.ts): no Math.log per draw. The delay histogram finds
 * its bucket without a logarithm either (../stats/histogram.ts). FIFO hosts without open sources
 * run a specialised copy of the event loop (advanceFifo). The run queue is a ring buffer (fifo)
 * or a binary heap of thread ids keyed by vruntime (cfs).
 */
import { EntityHeap } from '../engine/entity-heap.js';
import { sample, exponential, EXPONENTIAL } from '../random/distributions.js';
import { zigguratFast, zigguratSlowPath } from '../random/ziggurat.js';
import { seedXoshiro128, xoshiro128Next, xoshiro128Uniform, XOSHIRO128_WORDS } from '../random/xoshiro.js';
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
  /**
   * One stream per closed thread. It seeds the thread's generator of exponential bursts and gaps
   * (four draws, first), then gives the initial state's uniform and every burst or gap of another
   * distribution.
   */
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
  /** Events processed, including warm-up: wake-ups, ends of slices, arrivals, and measurement, step and sample boundaries. */
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

// Boundaries: instants fixed in advance that run before any thread event at the same instant.
const MEASURE = 0;
const STEP = 1;
const SAMPLE = 2;

/** Events per call of the event loop (see MicroModel.advance). */
const EVENTS_PER_CALL = 4096;

/** Runs the micro-level model and returns its measurements. */
export function runMicro(config: MicroConfig): MicroResult {
  return new MicroModel(config, true).run();
}

/**
 * runMicro with the general event loop only, never the specialised FIFO loop: the reference the
 * specialised loop is tested against (its results must be identical).
 */
export function runMicroGeneralLoop(config: MicroConfig): MicroResult {
  return new MicroModel(config, false).run();
}

class MicroModel {
  private readonly cfg: MicroConfig;
  private readonly sched: SchedulerParams;
  private readonly cfs: boolean;
  private readonly closed: number;
  private readonly total: number; // closed threads + open slots
  private readonly pcpus: number;
  private now = 0;

  /**
   * Pending events, one entity each: a closed thread or open slot (its wake-up while SLEEPING,
   * the end of its slice while RUNNING), then one entity per open source (its next arrival).
   */
  private readonly events: EntityHeap;
  /** events.due, the pending events' times. */
  private readonly due: Float64Array;

  // Per closed thread: its workload (from the config) and utilisation.
  private readonly rngs: readonly Rng[];
  /**
   * Each closed thread's exponential bursts and gaps come from its own xoshiro128** generator,
   * seeded from its stream (see drawStandardExponential), in `xoshiro`, four words a thread;
   * `xoshiroUniform[t]` draws uniforms from the same generator for the ziggurat's rare slow path.
   */
  private readonly xoshiro: Int32Array;
  private readonly xoshiroUniform: Rng[];
  /** Where drawStandardExponential leaves its variate. */
  private readonly variate = new Float64Array(1);
  private readonly burstMean: Float64Array;
  private readonly burstCode: Uint8Array;
  /** 1 where bursts (gaps) are exponential with a positive mean: drawn in line by the ziggurat. */
  private readonly exponentialBurst: Uint8Array;
  private readonly exponentialGap: Uint8Array;
  private readonly currentUtil: Float64Array;
  /** Mean gap at the current utilisation (0 when u >= 1: no gap). */
  private readonly gapMean: Float64Array;

  // Per thread (closed threads, then open slots).
  private readonly state: Uint8Array;
  private readonly remaining: Float64Array;
  private readonly vruntime: Float64Array;
  private readonly runSince: Float64Array;
  private readonly accountMark: Float64Array;
  private readonly wokeAt: Float64Array;
  private readonly arrivedAt: Float64Array;
  private readonly cpuOf: Int32Array;
  private readonly windowReady: Float64Array;
  private readonly windowRun: Float64Array;
  private readonly slotSource: Int32Array;
  /**
   * 1 when the armed end of a running thread's slice is the end of its burst. Completion is
   * decided by this flag, not by comparing remaining work with zero: late in a long run one ulp
   * of the clock (3.6e-12 s at t = 30,000 s) exceeds any fixed epsilon, and a sliver of remaining
   * work would re-arm a zero-length slice forever.
   */
  private readonly sliceEndsBurst: Uint8Array;

  // Per-CPU state.
  private readonly running: Int32Array;
  private readonly idleStack: Int32Array;
  private idleCount: number;
  /** CFS: each CPU's run key and the least of them (see setRunKey). */
  private readonly runKey: Float64Array;
  private minRunKey = Number.POSITIVE_INFINITY;
  private minRunCpu = 0;

  // Run queue: ring buffer (fifo) or vruntime heap (cfs), both of thread ids.
  private readonly queue: Int32Array;
  private queueHead = 0;
  private queueSize = 0;
  private minVruntime = 0;
  private runnable = 0;

  // Open-job slot pools, one stack per source.
  private readonly freeSlots: Int32Array[];
  private readonly freeCount: Int32Array;

  // Boundaries in the order they run: by time, then measurement start, steps, samples (stable sort).
  private readonly boundaryTime: Float64Array;
  private readonly boundaryKind: Uint8Array;
  private readonly boundaryIndex: Int32Array;
  /** The next boundary to run, and its time (+Infinity when none is left). */
  private boundary = 0;
  private nextBoundary = Number.POSITIVE_INFINITY;
  /** End of the run: warm-up plus the measured steps. */
  private end = 0;

  private measuring = false;
  /** CPU seconds of open jobs in the current sample window. */
  private openRunWindow = 0;
  private readonly result: MicroResult;
  private readonly delays: Histogram;

  constructor(
    config: MicroConfig,
    /** Whether run() may use the specialised FIFO loop (advanceFifo). */
    private readonly specialised: boolean,
  ) {
    this.cfg = config;
    validate(config);
    this.sched = config.scheduler;
    this.cfs = config.scheduler.policy === 'cfs';
    this.closed = config.threads;
    const open = config.open ?? [];
    let slots = 0;
    for (const source of open) slots += source.maxInSystem;
    this.total = this.closed + slots;
    const n = this.total;
    this.events = new EntityHeap(n + open.length);
    this.due = this.events.due;

    this.rngs = config.rngs;
    const xoshiro = new Int32Array(XOSHIRO128_WORDS * this.closed);
    this.xoshiro = xoshiro;
    this.xoshiroUniform = [];
    for (let t = 0; t < this.closed; t++) {
      seedXoshiro128(xoshiro, t, config.rngs[t]!);
      this.xoshiroUniform.push(() => xoshiro128Uniform(xoshiro, t));
    }
    this.burstMean = config.burstMeanSeconds;
    this.burstCode = config.burstDistribution;
    this.exponentialBurst = new Uint8Array(this.closed);
    this.exponentialGap = new Uint8Array(this.closed);
    for (let t = 0; t < this.closed; t++) {
      this.exponentialBurst[t] = config.burstDistribution[t] === EXPONENTIAL && config.burstMeanSeconds[t]! > 0 ? 1 : 0;
      this.exponentialGap[t] = config.gapDistribution[t] === EXPONENTIAL ? 1 : 0;
    }
    this.currentUtil = new Float64Array(this.closed);
    this.gapMean = new Float64Array(this.closed);

    this.state = new Uint8Array(n);
    this.remaining = new Float64Array(n);
    this.vruntime = new Float64Array(n);
    this.runSince = new Float64Array(n);
    this.accountMark = new Float64Array(n);
    this.wokeAt = new Float64Array(n).fill(-1);
    this.arrivedAt = new Float64Array(n);
    this.cpuOf = new Int32Array(n).fill(-1);
    this.windowReady = new Float64Array(this.closed);
    this.windowRun = new Float64Array(this.closed);
    this.slotSource = new Int32Array(n).fill(-1);
    this.sliceEndsBurst = new Uint8Array(n);
    this.queue = new Int32Array(Math.max(1, n));

    const p = config.pcpus;
    this.pcpus = p;
    this.running = new Int32Array(p).fill(-1);
    this.idleStack = new Int32Array(p);
    this.runKey = new Float64Array(p).fill(Number.POSITIVE_INFINITY);
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

    // Measurement start, step changes, then sample ends; stable-sorted by time.
    const start = config.warmupSeconds;
    const samples = Math.round((config.steps * config.stepSeconds) / config.sampleSeconds);
    const boundaries: { time: number; kind: number; index: number }[] = [{ time: start, kind: MEASURE, index: 0 }];
    for (let k = 1; k < config.steps; k++) boundaries.push({ time: start + k * config.stepSeconds, kind: STEP, index: k });
    for (let k = 0; k < samples; k++) boundaries.push({ time: start + (k + 1) * config.sampleSeconds, kind: SAMPLE, index: k });
    boundaries.sort((a, b) => a.time - b.time);
    this.boundaryTime = Float64Array.from(boundaries, (b) => b.time);
    this.boundaryKind = Uint8Array.from(boundaries, (b) => b.kind);
    this.boundaryIndex = Int32Array.from(boundaries, (b) => b.index);
    this.nextBoundary = this.boundaryTime.length > 0 ? this.boundaryTime[0]! : Number.POSITIVE_INFINITY;

    this.delays = new Histogram();
    this.result = {
      readySeconds: new Float64Array(this.closed),
      runSeconds: new Float64Array(this.closed),
      wakeups: new Float64Array(this.closed),
      schedDelayMs: this.delays,
      busyCpuSeconds: 0,
      measuredSeconds: config.steps * config.stepSeconds,
      events: 0,
      bursts: 0,
      open: { jobs: 0, dropped: 0, waitSecondsSum: 0, responseSecondsSum: 0 },
    };
  }

  run(): MicroResult {
    const cfg = this.cfg;
    // Each closed thread starts in its uncontended stationary state: runnable with a fresh burst
    // with probability u, otherwise asleep with a fresh gap (exact residuals for exponential
    // bursts and gaps). Starting near the contended steady state, rather than from an idle host,
    // lets a short warm-up suffice.
    for (let t = 0; t < this.closed; t++) {
      this.setUtilization(t, cfg.utilization[t]!);
      const u = this.currentUtil[t]!;
      if (u > 0 && this.rngs[t]!() < u) this.wake(t);
      else this.sleep(t);
    }
    (cfg.open ?? []).forEach((source, s) => {
      if (source.arrivalRatePerSecond > 0) this.schedule(this.total + s, exponential(source.rng, 1 / source.arrivalRatePerSecond));
    });
    this.end = cfg.warmupSeconds + cfg.steps * cfg.stepSeconds;
    if (this.specialised && !this.cfs && this.total === this.closed) {
      while (this.advanceFifo(EVENTS_PER_CALL)) {
        // Each call runs a batch of events.
      }
    } else {
      while (this.advance(EVENTS_PER_CALL)) {
        // Each call runs a batch of events.
      }
    }
    return this.result;
  }

  /**
   * The event loop for FIFO with closed threads only (the reference benchmark's model, and hosts
   * simulated with the fifo scheduler): the same transitions as `advance` and its handlers, with
   * every common one in line and the run state in local variables, which V8 keeps in registers
   * (measured ~20 % faster than `advance` on the reference case). Runs events up to the next
   * boundary, which it then runs, or `maxEvents` events; false once the run is over.
   * test/model/micro.test.ts checks that both loops give identical results.
   */
  private advanceFifo(maxEvents: number): boolean {
    const heap = this.events;
    const due = this.due;
    const state = this.state;
    const remaining = this.remaining;
    const runSince = this.runSince;
    const accountMark = this.accountMark;
    const wokeAt = this.wokeAt;
    const cpuOf = this.cpuOf;
    const running = this.running;
    const windowRun = this.windowRun;
    const windowReady = this.windowReady;
    const sliceEndsBurst = this.sliceEndsBurst;
    const gapMean = this.gapMean;
    const burstMean = this.burstMean;
    const exponentialBurst = this.exponentialBurst;
    const exponentialGap = this.exponentialGap;
    const idleStack = this.idleStack;
    const ring = this.queue;
    const ringLength = ring.length;
    const wakeups = this.result.wakeups;
    const variate = this.variate;
    const xoshiro = this.xoshiro;
    const delays = this.delays;
    const onWakeDelay = this.cfg.onWakeDelay;
    const warmup = this.cfg.warmupSeconds;
    const measuring = this.measuring; // changes only at a boundary, where this call ends
    const boundary = this.nextBoundary;
    const end = this.end;
    let queueHead = this.queueHead;
    let queueSize = this.queueSize;
    let idleCount = this.idleCount;
    let runnable = this.runnable;
    let now = this.now;
    let events = 0;
    let bursts = 0;
    // Wake-ups dispatched at once, added to the delay histogram as zeros in one call (counts are
    // integers and the sum does not change: the same histogram as one add per wake-up).
    let zeroDelays = 0;
    let k = 0;
    for (; k < maxEvents; k++) {
      const e = heap.top();
      const time = due[e]!;
      if (time >= boundary || time > end) break;
      now = time;
      events++;
      if (state[e] !== RUNNING) {
        // Wake-up, with a fresh burst.
        if (exponentialBurst[e] === 1) {
          const bits = xoshiro128Next(xoshiro, e);
          let x = zigguratFast(bits);
          if (x < 0) {
            this.drawSlowExponential(e, bits);
            x = variate[0]!;
          }
          remaining[e] = burstMean[e]! * x;
        } else this.drawBurst(e);
        if (measuring) wakeups[e]!++;
        runnable++;
        accountMark[e] = now;
        if (idleCount > 0) {
          const c = idleStack[--idleCount]!;
          if (measuring) {
            zeroDelays++;
            if (onWakeDelay !== undefined) onWakeDelay(e, 0, now - warmup);
          }
          state[e] = RUNNING;
          running[c] = e;
          cpuOf[e] = c;
          runSince[e] = now;
          sliceEndsBurst[e] = 1;
          due[e] = now + Math.max(0, remaining[e]!);
          heap.updateTop(e);
        } else {
          wokeAt[e] = now;
          state[e] = QUEUED;
          ring[(queueHead + queueSize) % ringLength] = e;
          queueSize++;
          heap.cancel(e);
        }
        continue;
      }
      // End of a burst: account the run time, then to sleep, and the CPU to the next in line.
      const c = cpuOf[e]!;
      remaining[e] = 0;
      runSince[e] = now;
      const ran = now - accountMark[e]!;
      accountMark[e] = now;
      if (measuring && ran > 0) windowRun[e]! += ran;
      bursts++;
      runnable--;
      cpuOf[e] = -1;
      running[c] = -1;
      const gap = gapMean[e]!;
      if (gap > 0 && exponentialGap[e] === 1) {
        state[e] = SLEEPING;
        const bits = xoshiro128Next(xoshiro, e);
        let x = zigguratFast(bits);
        if (x < 0) {
          this.drawSlowExponential(e, bits);
          x = variate[0]!;
        }
        due[e] = now + gap * x;
        heap.updateTop(e);
      } else {
        this.now = now;
        this.sleep(e);
      }
      if (queueSize > 0) {
        // dispatch() in line: the queued thread's ready time and scheduling delay, then its burst.
        const t = ring[queueHead]!;
        queueHead = (queueHead + 1) % ringLength;
        queueSize--;
        const waited = now - accountMark[t]!;
        accountMark[t] = now;
        if (measuring && waited > 0) windowReady[t]! += waited;
        const woke = wokeAt[t]!;
        if (woke >= 0) {
          if (measuring) {
            delays.add((now - woke) * 1000);
            if (onWakeDelay !== undefined) onWakeDelay(t, now - woke, now - warmup);
          }
          wokeAt[t] = -1;
        }
        state[t] = RUNNING;
        running[c] = t;
        cpuOf[t] = c;
        runSince[t] = now;
        sliceEndsBurst[t] = 1;
        due[t] = now + Math.max(0, remaining[t]!);
        heap.update(t);
      } else idleStack[idleCount++] = c;
    }
    this.now = now;
    this.queueHead = queueHead;
    this.queueSize = queueSize;
    this.idleCount = idleCount;
    this.runnable = runnable;
    this.result.events += events;
    this.result.bursts += bursts;
    if (zeroDelays > 0) delays.add(0, zeroDelays);
    if (k === maxEvents) return true;
    // The next event lies at or after the next boundary, or after the end.
    if (boundary > end) return false;
    this.now = boundary;
    this.onBoundary(this.boundary);
    this.result.events++;
    this.nextBoundary = ++this.boundary < this.boundaryTime.length ? this.boundaryTime[this.boundary]! : Number.POSITIVE_INFINITY;
    return true;
  }

  /**
   * The event loop, up to `maxEvents` events (boundaries included); false once the run is over.
   * Batches, rather than one loop for the whole run, let V8 compile the loop as an ordinary
   * function: a loop that runs once for long is compiled on-stack (OSR), and in a test loop OSR
   * code boxed doubles read from module-level typed arrays (the ziggurat's, the histogram's
   * tables), allocating per iteration, where the same loop in a function called repeatedly did
   * not. Handlers take integers and return nothing: V8 boxes (allocates) doubles passed to or
   * returned from calls it does not inline.
   */
  private advance(maxEvents: number): boolean {
    const queue = this.events;
    const due = this.due;
    const closed = this.closed;
    const total = this.total;
    const end = this.end;
    const cfs = this.cfs;
    const state = this.state;
    const remaining = this.remaining;
    const vruntime = this.vruntime;
    const runSince = this.runSince;
    const accountMark = this.accountMark;
    const cpuOf = this.cpuOf;
    const running = this.running;
    const windowRun = this.windowRun;
    const sliceEndsBurst = this.sliceEndsBurst;
    const gapMean = this.gapMean;
    const exponentialGap = this.exponentialGap;
    const variate = this.variate;
    for (let k = 0; k < maxEvents; k++) {
      const e = queue.top();
      const now = due[e]!;
      const boundary = this.nextBoundary;
      if (boundary <= now) {
        // A boundary runs before thread events at the same instant.
        if (boundary > end) return false;
        this.now = boundary;
        this.onBoundary(this.boundary);
        this.result.events++;
        this.nextBoundary = ++this.boundary < this.boundaryTime.length ? this.boundaryTime[this.boundary]! : Number.POSITIVE_INFINITY;
        continue;
      }
      if (now > end) return false;
      this.now = now;
      this.result.events++;
      if (e >= closed) {
        // An open job's end of slice, or a source's next arrival.
        if (e < total) this.onRunEnd(e);
        else this.onArrival(e - total);
        continue;
      }
      if (state[e] !== RUNNING) {
        this.wake(e);
        continue;
      }
      // End of closed thread e's slice.
      const c = cpuOf[e]!;
      const ran = now - runSince[e]!;
      remaining[e]! -= ran;
      vruntime[e]! += ran;
      runSince[e] = now;
      if (cfs) this.setRunKey(c);
      if (sliceEndsBurst[e] !== 1) {
        this.onSliceExpired(e);
        continue;
      }
      // End of its burst: account the run time, then to sleep, and the CPU to the next in line.
      remaining[e] = 0;
      const elapsed = now - accountMark[e]!;
      accountMark[e] = now;
      if (this.measuring && elapsed > 0) windowRun[e]! += elapsed;
      this.result.bursts++;
      this.runnable--;
      cpuOf[e] = -1;
      running[c] = -1;
      if (cfs) this.setRunKey(c);
      const gap = gapMean[e]!;
      if (gap > 0 && exponentialGap[e] === 1) {
        // sleep() in line.
        state[e] = SLEEPING;
        this.drawStandardExponential(e);
        due[e] = now + gap * variate[0]!;
        queue.updateTop(e);
      } else this.sleep(e);
      if (this.queueSize > 0) this.dispatch(c, this.dequeue());
      else this.idleStack[this.idleCount++] = c;
    }
    return true;
  }

  /** A burst drawn by sample() (a distribution other than the exponential, or a mean of 0). */
  private drawBurst(t: number): void {
    this.remaining[t] = sample(this.burstCode[t]!, this.rngs[t]!, this.burstMean[t]!, this.cfg.burstCv[t]!);
  }

  /** Sets entity e's pending event `delaySeconds` from now (a negative or NaN delay is a bug in the model). */
  private schedule(e: number, delaySeconds: number): void {
    if (!(delaySeconds >= 0)) throw new RangeError(`micro CPU model: negative or NaN delay ${delaySeconds} s at ${this.now} s`);
    this.due[e] = this.now + delaySeconds;
    this.events.update(e);
  }

  // ---------------------------------------------------------------- thread transitions

  private setUtilization(t: number, u: number): void {
    this.currentUtil[t] = u;
    this.gapMean[t] = u > 0 && u < 1 ? (this.burstMean[t]! * (1 - u)) / u : 0;
  }

  /** Closed thread ends a burst (or starts the run): draws its gap and schedules the wake-up. */
  private sleep(t: number): void {
    if (this.currentUtil[t]! <= 0) {
      this.state[t] = PARKED;
      this.events.cancel(t);
      return;
    }
    this.state[t] = SLEEPING;
    const mean = this.gapMean[t]!;
    let gap = 0;
    if (mean > 0) {
      const code = this.cfg.gapDistribution[t]!;
      if (code === EXPONENTIAL) {
        this.drawStandardExponential(t);
        gap = mean * this.variate[0]!;
      } else gap = sample(code, this.rngs[t]!, mean, this.cfg.gapCv[t]!);
    }
    if (!(gap >= 0)) throw new RangeError(`micro CPU model: negative or NaN gap ${gap} s for thread ${t}`);
    this.due[t] = this.now + gap;
    this.events.update(t);
  }

  /**
   * Draws a standard exponential variate for closed thread t into `variate[0]`: the ziggurat on
   * the thread's xoshiro128** generator, its fast path in line. It returns nothing, and no value
   * merges a double with a call's result, because V8 boxes (allocates) doubles returned by calls
   * it does not inline, and doubles merged with them, even on the fast path.
   */
  /** The ziggurat's slow path for thread t's draw whose fast path failed on `bits`, into `variate[0]`. */
  private drawSlowExponential(t: number, bits: number): void {
    this.variate[0] = zigguratSlowPath(this.xoshiroUniform[t]!, bits);
  }

  private drawStandardExponential(t: number): void {
    const bits = xoshiro128Next(this.xoshiro, t);
    const x = zigguratFast(bits);
    if (x >= 0) this.variate[0] = x;
    else this.variate[0] = zigguratSlowPath(this.xoshiroUniform[t]!, bits);
  }

  /** Closed thread wakes with a fresh burst (its pending wake-up is replaced or dropped by what follows). */
  private wake(t: number): void {
    if (this.exponentialBurst[t] === 1) {
      this.drawStandardExponential(t);
      this.remaining[t] = this.burstMean[t]! * this.variate[0]!;
    } else this.drawBurst(t);
    if (this.measuring) this.result.wakeups[t]!++;
    this.becomeRunnable(t);
  }

  private onArrival(s: number): void {
    const source = this.cfg.open![s]!;
    const now = this.now;
    this.schedule(this.total + s, exponential(source.rng, 1 / source.arrivalRatePerSecond));
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
    const now = this.now;
    this.wokeAt[t] = now;
    this.accountMark[t] = now;
    this.runnable++;
    if (this.cfs) this.placeWakingVruntime(t);
    if (this.idleCount > 0) this.dispatch(this.idleStack[--this.idleCount]!, t);
    else if (!this.cfs || !this.preemptFor(t)) this.enqueue(t);
  }

  /**
   * CFS wake-up preemption: the running thread furthest ahead in vruntime yields to the woken
   * thread t if t trails it by more than the wakeup granularity. Returns whether t was dispatched.
   */
  private preemptFor(t: number): boolean {
    const now = this.now;
    let victimCpu = -1;
    let victimVr = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < this.pcpus; c++) {
      const r = this.running[c]!;
      const vr = this.vruntime[r]! + (now - this.runSince[r]!);
      if (vr > victimVr) {
        victimVr = vr;
        victimCpu = c;
      }
    }
    if (!(victimVr - this.vruntime[t]! > this.sched.wakeupGranularitySeconds)) return false;
    this.preempt(victimCpu);
    this.dispatch(victimCpu, t);
    return true;
  }

  /** CFS place_entity: a waking thread gets at most latency/2 of sleeper credit. */
  private placeWakingVruntime(t: number): void {
    // min_vruntime: the least vruntime among running threads (minRunKey + now) and the queue's leftmost.
    let min = this.queueSize > 0 ? this.vruntime[this.queue[0]!]! : Number.POSITIVE_INFINITY;
    const running = this.minRunKey + this.now;
    if (running < min) min = running;
    if (min !== Number.POSITIVE_INFINITY && min > this.minVruntime) this.minVruntime = min;
    const floor = this.minVruntime - this.sched.latencySeconds / 2;
    if (this.vruntime[t]! < floor) this.vruntime[t] = floor;
  }

  /**
   * CFS: refreshes CPU c's run key, vruntime − runSince of the thread running there (+Infinity
   * when idle), whose vruntime at time `now` is the key + now; and the least key, whose CPU is
   * rescanned only when that CPU's key grows. Saves a scan of every CPU at every wake-up.
   */
  private setRunKey(c: number): void {
    const r = this.running[c]!;
    const key = r >= 0 ? this.vruntime[r]! - this.runSince[r]! : Number.POSITIVE_INFINITY;
    this.runKey[c] = key;
    if (key <= this.minRunKey) {
      this.minRunKey = key;
      this.minRunCpu = c;
    } else if (c === this.minRunCpu) {
      let min = Number.POSITIVE_INFINITY;
      let at = 0;
      for (let d = 0; d < this.pcpus; d++) {
        const k = this.runKey[d]!;
        if (k < min) {
          min = k;
          at = d;
        }
      }
      this.minRunKey = min;
      this.minRunCpu = at;
    }
  }

  /** Puts thread t on CPU c: records its scheduling delay and arms the end of its slice. */
  private dispatch(c: number, t: number): void {
    const now = this.now;
    this.account(t);
    const woke = this.wokeAt[t]!;
    if (woke >= 0) {
      if (this.measuring) {
        this.delays.add((now - woke) * 1000);
        if (t >= this.closed) this.result.open.waitSecondsSum += now - woke;
        else if (this.cfg.onWakeDelay) this.cfg.onWakeDelay(t, now - woke, now - this.cfg.warmupSeconds);
      }
      this.wokeAt[t] = -1;
    }
    this.state[t] = RUNNING;
    this.running[c] = t;
    this.cpuOf[t] = c;
    this.runSince[t] = now;
    if (this.cfs) this.setRunKey(c);
    this.armSlice(t);
  }

  /** Arms the end of running thread t's slice: the rest of its burst, or less under CFS. */
  private armSlice(t: number): void {
    // A burst that is a whole number of slices can be left at −1e-17 by round-off; never arm a
    // negative slice.
    const rem = Math.max(0, this.remaining[t]!);
    let slice = rem;
    if (this.cfs) {
      const perCpu = Math.max(1, this.runnable / this.pcpus);
      const s = this.sched;
      const ideal = Math.max(s.latencySeconds / perCpu, s.minGranularitySeconds);
      if (ideal < slice) slice = ideal;
    }
    this.sliceEndsBurst[t] = slice === rem ? 1 : 0;
    this.due[t] = this.now + slice;
    this.events.update(t);
  }

  /** End of an open job's slice. */
  private onRunEnd(t: number): void {
    const c = this.cpuOf[t]!;
    const now = this.now;
    const ran = now - this.runSince[t]!;
    this.remaining[t]! -= ran;
    this.vruntime[t]! += ran;
    this.runSince[t] = now;
    if (this.cfs) this.setRunKey(c);
    if (this.sliceEndsBurst[t] !== 1) {
      this.onSliceExpired(t);
      return;
    }
    this.remaining[t] = 0;
    this.account(t);
    this.result.bursts++;
    this.runnable--;
    this.cpuOf[t] = -1;
    this.running[c] = -1;
    if (this.cfs) this.setRunKey(c);
    const s = this.slotSource[t]!;
    if (this.measuring) {
      this.result.open.jobs++;
      this.result.open.responseSecondsSum += now - this.arrivedAt[t]!;
    }
    this.state[t] = FREE;
    this.events.cancel(t);
    this.freeSlots[s]![this.freeCount[s]!++] = t;
    if (this.queueSize > 0) this.dispatch(c, this.dequeue());
    else this.idleStack[this.idleCount++] = c;
  }

  /** A CFS slice ended before the burst: yield to the queue's leftmost thread if it is behind in vruntime. */
  private onSliceExpired(t: number): void {
    const c = this.cpuOf[t]!;
    if (this.queueSize > 0 && this.vruntime[this.queue[0]!]! < this.vruntime[t]!) {
      this.account(t);
      this.state[t] = QUEUED;
      this.cpuOf[t] = -1;
      const next = this.dequeue();
      this.enqueue(t);
      this.dispatch(c, next);
      return;
    }
    this.armSlice(t);
  }

  /** Takes the thread off CPU c (wake-up preemption) and queues it. */
  private preempt(c: number): void {
    const t = this.running[c]!;
    const now = this.now;
    const ran = now - this.runSince[t]!;
    this.remaining[t]! -= ran;
    this.vruntime[t]! += ran;
    this.account(t);
    this.running[c] = -1;
    this.setRunKey(c);
    this.cpuOf[t] = -1;
    this.enqueue(t);
  }

  /** Adds the time since the last mark to the thread's ready or run total. */
  private account(t: number): void {
    const now = this.now;
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

  /** Queues a runnable thread; whatever event it had pending (wake-up, end of slice) is dropped. */
  private enqueue(t: number): void {
    this.events.cancel(t);
    this.state[t] = QUEUED;
    this.accountMark[t] = this.now;
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

  private onBoundary(b: number): void {
    const kind = this.boundaryKind[b];
    const index = this.boundaryIndex[b]!;
    if (kind === MEASURE) this.onMeasureStart();
    else if (kind === STEP) this.onStep(index);
    else this.onSample(index);
  }

  private onMeasureStart(): void {
    const now = this.now;
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
      this.setUtilization(t, u);
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
