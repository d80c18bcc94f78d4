/**
 * Main-loop stalls under QEMU's global lock (BQL), docs/latency.md.
 *
 * Without an iothread, a VM's disk emulation runs in its QEMU main loop, and some of it blocks that
 * loop while it holds the BQL until the device answers: guest cache flushes, qcow2 metadata I/O,
 * synchronous submission. While the loop is blocked, nothing else it serves moves — with vhost_net
 * off, that includes every packet of the VM's virtio-net device.
 *
 * The blocking operations of one VM arrive as a Poisson process whose rate is piecewise constant
 * per interval. One loop serves them in turn (M/G/1), so a stall is a busy period: an operation
 * arriving during a stall extends it, and every packet reaching the loop during a stall waits for
 * its end — the same stall for consecutive adverts, which is the temporal correlation independent
 * draws lack. The stalled share of time is then exactly rate × mean duration (M/G/1 utilisation)
 * while it is below 1.
 *
 * Three sources feed the one loop (per interval, from paths.ts):
 * - blocking IO: rate = share × the IOPS the device serves the VM, duration exponential with mean
 *   the device's IO latency in the interval, boot IO included (the IO model's device readings), so
 *   a boot storm that drives the array to ~0.2 s per IO (field report 004) stretches each stall
 *   (for a flush, draining the device queue takes backlog / throughput = the latency, by Little's
 *   law);
 * - writeback flushes (cache=writeback): one per guest flush interval, each waiting for the dirty
 *   host page cache of the image to be written: duration = dirty data / write bandwidth left
 *   (`writebackSeconds`), deterministic within an interval;
 * - the loop's own scheduling: after the device answers, the blocked thread must get a CPU again
 *   before it releases the lock: one wake-up delay of that thread, drawn (paths.ts) from the
 *   micro-level simulation's wake-ups of the same thread in that interval. Host daemons (a runaway
 *   libvirtd) lengthen those waits; a CFS quota shortens them.
 * Every operation consumes the same uniforms (arrival, class, length, CPU wait) whatever its class
 * and durations, so runs that differ only in durations (another quota) see the same arrivals:
 * common random numbers, and a longer duration can only lengthen the stalls (the workload of a
 * FIFO server is monotone in its service times).
 *
 * The process is generated lazily as queries advance in time, so it costs O(operations) and
 * nothing per interval; queries should come in time order (an earlier query than the last only
 * sees the current stall).
 */
import type { Rng } from '../random/streams.js';

/** A thread that can hold a packet: the time a packet reaching it at `t` leaves it (t when it is free). */
export interface StallSource {
  release(t: number): number;
}

/** A fixed stall [from, to): for tests and what-ifs. */
export class FixedStall implements StallSource {
  constructor(
    readonly from: number,
    readonly to: number,
  ) {}
  release(t: number): number {
    return t >= this.from && t < this.to ? this.to : t;
  }
}

/** A thread's wake-up delay in interval k, drawn with the uniform u, s. */
export type WakeDelay = (k: number, u: number) => number;

/** Optional stall sources beside blocking IO. Absent: no writeback flushes; the loop gets a CPU at once. */
export interface StallExtras {
  /** Per interval: writeback flushes per second, and the duration of each, s. */
  flushRate?: Float64Array | undefined;
  flushSeconds?: Float64Array | undefined;
  /** The loop thread's wait for a CPU once its blocking call returns. */
  wake?: WakeDelay | undefined;
}

/** Time a guest flush under cache=writeback waits: the image's dirty data over the write bandwidth left to it. */
export function writebackSeconds(dirtyBytes: number, bandwidthBytesPerSecond: number): number {
  if (!(dirtyBytes > 0)) return 0;
  return bandwidthBytesPerSecond > 0 ? dirtyBytes / bandwidthBytesPerSecond : Number.POSITIVE_INFINITY;
}

/**
 * Write bandwidth left to one more writer on an array: its write capacity (bytes/s) times the idle
 * share 1 − u, but never below a fair share 1/streams of it: CFQ, the default IO scheduler of the
 * reports' hosts, serves each process's queue of synchronous requests in turn (Documentation/block/
 * cfq-iosched.txt), and the fsync's writes are synchronous requests of the flushing QEMU.
 */
export function bandwidthLeft(writeCapacityBytesPerSecond: number, utilization: number, streams: number): number {
  const idle = Math.max(0, 1 - utilization);
  return writeCapacityBytesPerSecond * Math.max(idle, 1 / Math.max(1, streams));
}

/** The main loop's blocked periods (busy periods of its blocking operations), generated as time advances. */
export class MainLoopStalls implements StallSource {
  private readonly rng: Rng;
  private readonly stepSeconds: number;
  private readonly rate: Float64Array;
  private readonly meanSeconds: Float64Array;
  private readonly flushRate: Float64Array | undefined;
  private readonly flushSeconds: Float64Array | undefined;
  private readonly wake: WakeDelay | undefined;
  private nextArrival: number;
  private busyStart = 0;
  private busyEnd = 0;
  /** Blocked time of the busy periods that have ended before busyStart. */
  private closedSeconds = 0;
  /** Blocking operations so far (flushes among them), and the stalls (busy periods) they formed. */
  operations = 0;
  flushes = 0;
  stalls = 0;
  /** Longest stall that has ended so far, s. */
  longestSeconds = 0;

  constructor(rng: Rng, stepSeconds: number, rate: Float64Array, meanSeconds: Float64Array, extra?: StallExtras) {
    this.rng = rng;
    this.stepSeconds = stepSeconds;
    this.rate = rate;
    this.meanSeconds = meanSeconds;
    this.flushRate = extra?.flushRate;
    this.flushSeconds = extra?.flushSeconds;
    this.wake = extra?.wake;
    this.nextArrival = this.arrivalAfter(0);
  }

  private totalRate(k: number): number {
    return this.rate[k]! + (this.flushRate ? this.flushRate[k]! : 0);
  }

  /** The next arrival after time a: piecewise-constant rate, restarting at each interval (memoryless). */
  private arrivalAfter(a: number): number {
    const steps = this.rate.length;
    const step = this.stepSeconds;
    let k = Math.floor(a / step);
    let from = a;
    while (k < steps) {
      const lambda = this.totalRate(k);
      const end = (k + 1) * step;
      if (lambda > 0) {
        const next = from - Math.log(1 - this.rng()) / lambda;
        if (next < end) return next;
      }
      from = end;
      k++;
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Processes the blocking operations that arrive up to time t. */
  private advance(t: number): void {
    while (this.nextArrival <= t) {
      const a = this.nextArrival;
      const k = Math.min(this.rate.length - 1, Math.floor(a / this.stepSeconds));
      // Always the same three draws (class, exponential duration, CPU wait): common random numbers.
      const uClass = this.rng();
      const uLength = this.rng();
      const uWake = this.rng();
      const isFlush = this.flushRate !== undefined && uClass * this.totalRate(k) >= this.rate[k]!;
      let d = isFlush ? this.flushSeconds![k]! : -Math.log(1 - uLength) * this.meanSeconds[k]!;
      if (this.wake) d += this.wake(k, uWake);
      if (a >= this.busyEnd) {
        this.closeBusy();
        this.busyStart = a;
        this.busyEnd = a + d;
        this.stalls++;
      } else this.busyEnd += d;
      this.operations++;
      if (isFlush) this.flushes++;
      this.nextArrival = this.arrivalAfter(a);
    }
  }

  private closeBusy(): void {
    const length = this.busyEnd - this.busyStart;
    this.closedSeconds += length;
    if (length > this.longestSeconds) this.longestSeconds = length;
  }

  release(t: number): number {
    this.advance(t);
    return t >= this.busyStart && t < this.busyEnd ? this.busyEnd : t;
  }

  /** Time the loop was blocked in [0, t). */
  stalledSeconds(t: number): number {
    this.advance(t);
    return this.closedSeconds + Math.max(0, Math.min(this.busyEnd, t) - this.busyStart);
  }

  /** Longest stall up to time t (the one in progress counted up to its end), s. */
  longestStallSeconds(t: number): number {
    this.advance(t);
    return Math.max(this.longestSeconds, this.busyEnd > this.busyStart && this.busyStart < t ? this.busyEnd - this.busyStart : 0);
  }
}

/** The main loop an advert passes through: none with vhost_net (the vhost worker bypasses QEMU's main loop). */
export function mainLoopOnPath(vhostNet: boolean, loop: StallSource | null): StallSource | null {
  return vhostNet ? null : loop;
}

/**
 * Extra delay an advert picks up waiting for stalled main loops: it reaches the sender's loop at
 * `t + d0` (after the sender vCPU's wake-up), leaves it when the loop is free, and reaches the
 * receiver's loop `toReceiver` later. `null` loops (vhost_net on, or no stalls) hold nothing.
 * Writes the sender's and receiver's holds into `out` and returns their sum.
 */
export function stallHold(t: number, d0: number, toReceiver: number, sender: StallSource | null, receiver: StallSource | null, out: Float64Array): number {
  const atSender = t + d0;
  const holdSend = sender ? sender.release(atSender) - atSender : 0;
  const atReceiver = atSender + holdSend + toReceiver;
  const holdRecv = receiver ? receiver.release(atReceiver) - atReceiver : 0;
  out[0] = holdSend;
  out[1] = holdRecv;
  return holdSend + holdRecv;
}
