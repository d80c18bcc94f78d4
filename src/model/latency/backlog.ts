/**
 * The packet backlog of one network path (a virtio ring served by a vhost worker or the QEMU main
 * loop), as a fluid queue carried across an entire run: packets arrive at the rate the VM wants
 * (λ) and leave at the rate its serving thread can give (μ, ./network.ts), both piecewise constant
 * per interval. The backlog B grows at λ − μ while the path is overloaded and drains at μ − λ after,
 * never beyond the ring's `queuePackets` (QEMU's default virtio-net queue size, spec.ts). So delays
 * build up and decay over time, and consecutive advertisements see nearly the same backlog: the
 * temporal correlation that independent per-advert drops lack.
 *
 * An advertisement arriving at a backlog of B waits B / μ behind it (FIFO). It is dropped only when
 * the ring is full: at a full ring the thread frees μ slots per second for λ arrivals, so an
 * arrival finds a free slot with chance μ / λ (tail drop). A stall of the serving thread (main-loop
 * stall, ./stalls.ts) serves nothing for its length while packets keep arriving: `hold` adds λ × the
 * stall's length to the backlog.
 */

export class PathBacklog {
  /** Packets waiting, at time `at` seconds. */
  packets = 0;
  at = 0;

  constructor(readonly queuePackets: number) {}

  /** Advances the fluid backlog to time t at arrival rate λ and service rate μ (packets/s). */
  advance(t: number, lambda: number, mu: number): void {
    const dt = t - this.at;
    if (dt > 0) {
      const b = this.packets + (lambda - mu) * dt;
      this.packets = b < 0 ? 0 : b > this.queuePackets ? this.queuePackets : b;
      this.at = t;
    }
  }

  /** The ring is full (within one packet): an arriving packet may be dropped. */
  full(): boolean {
    return this.packets >= this.queuePackets - 1;
  }

  /** Seconds a packet arriving now waits behind the backlog at service rate μ. */
  waitSeconds(mu: number): number {
    return mu > 0 ? this.packets / mu : this.packets > 0 ? Number.POSITIVE_INFINITY : 0;
  }

  /** The serving thread stalled for `seconds` while packets arrived at λ. */
  hold(seconds: number, lambda: number): void {
    const b = this.packets + lambda * seconds;
    this.packets = b > this.queuePackets ? this.queuePackets : b;
  }

  reset(t: number): void {
    this.packets = 0;
    this.at = t;
  }
}

/**
 * Whether an arrival at a full ring gets a slot: the thread frees μ slots per second for λ arrivals,
 * so with uniform `u` the arrival is admitted iff u < μ / λ. Not full: always admitted.
 */
export function admitted(full: boolean, lambda: number, mu: number, u: number): boolean {
  if (!full || lambda <= mu) return true;
  return u < mu / lambda;
}
