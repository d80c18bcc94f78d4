/**
 * Main-loop stalls under QEMU's global lock (BQL), docs/latency.md.
 *
 * Without an iothread, a VM's disk emulation runs in its QEMU main loop, and some of it blocks that
 * loop while it holds the BQL until the device answers: guest cache flushes, qcow2 metadata I/O,
 * synchronous submission. While the loop is blocked, nothing else it serves moves — with vhost_net
 * off, that includes every packet of the VM's virtio-net device.
 *
 * The blocking operations of one VM arrive as a Poisson process whose rate is piecewise constant
 * per interval (share of the VM's IOs × the IOPS the device serves it); each holds the loop for an
 * exponential time whose mean is the device's IO latency in the interval of its arrival (for a
 * flush, draining the device queue takes backlog / throughput = the latency, by Little's law). One
 * loop serves them in turn (M/G/1), so a stall is a busy period: an operation arriving during a
 * stall extends it, and every packet reaching the loop during a stall waits for its end — the same
 * stall for consecutive adverts, which is the temporal correlation independent draws lack. The
 * stalled share of time is then exactly rate × mean duration (M/G/1 utilisation) while it is below 1.
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

/** The main loop's blocked periods (busy periods of its blocking operations), generated as time advances. */
export class MainLoopStalls implements StallSource {
  private readonly rng: Rng;
  private readonly stepSeconds: number;
  /** Per interval: blocking operations per second, and their mean duration, seconds. */
  private readonly rate: Float64Array;
  private readonly meanSeconds: Float64Array;
  private nextArrival: number;
  private busyStart = 0;
  private busyEnd = 0;
  /** Blocked time of the busy periods that have ended before busyStart. */
  private closedSeconds = 0;
  /** Blocking operations so far, and the stalls (busy periods) they formed. */
  operations = 0;
  stalls = 0;

  constructor(rng: Rng, stepSeconds: number, rate: Float64Array, meanSeconds: Float64Array) {
    this.rng = rng;
    this.stepSeconds = stepSeconds;
    this.rate = rate;
    this.meanSeconds = meanSeconds;
    this.nextArrival = this.arrivalAfter(0);
  }

  /** The next arrival after time a: piecewise-constant rate, restarting at each interval (memoryless). */
  private arrivalAfter(a: number): number {
    const steps = this.rate.length;
    const step = this.stepSeconds;
    let k = Math.floor(a / step);
    let from = a;
    while (k < steps) {
      const lambda = this.rate[k]!;
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
      const d = -Math.log(1 - this.rng()) * this.meanSeconds[k]!;
      if (a >= this.busyEnd) {
        this.closedSeconds += this.busyEnd - this.busyStart;
        this.busyStart = a;
        this.busyEnd = a + d;
        this.stalls++;
      } else this.busyEnd += d;
      this.operations++;
      this.nextArrival = this.arrivalAfter(a);
    }
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
