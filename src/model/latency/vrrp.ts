/**
 * VRRP (keepalived) as the backup router sees it: the master-down interval of RFC 3768 / RFC 5798,
 * and a tracker that turns the arrival times of a master's advertisements into gaps, failovers and
 * flaps.
 *
 * The backup restarts its Master_Down_Timer at every advertisement it receives; when the timer
 * expires (no advertisement for Master_Down_Interval) it becomes master: a failover. The old
 * master never saw anything wrong and keeps sending; its next advertisement carries the higher
 * priority, so the backup steps down again (RFC 3768 §6.4.3): the virtual IP has moved twice. A
 * failover while the old master was running all along is a *flap* (the field reports' symptom); a
 * failover because the master VM was off (killed, host rebooted) is a real one.
 *
 * Advertisements travel one FIFO path (a vCPU, a virtio queue, the QEMU main loop or a vhost
 * worker, the peer's queue and vCPU), so one cannot overtake another: an advertisement arrives no
 * earlier than the one before it. A single stall therefore delays every advertisement sent during
 * it, which is how a late advertisement opens a gap.
 */
import type { Histogram } from '../stats/histogram.js';

/**
 * Master_Down_Interval = 3 · Adver_Interval + Skew_Time, in seconds, with the backup's priority P:
 * VRRPv2 (RFC 3768 §6.1) Skew_Time = (256 − P) / 256 s; VRRPv3 (RFC 5798 §6.1) Skew_Time =
 * (256 − P) · Master_Adver_Interval / 256 (calibration.md §5). Implementations count v3 in
 * centiseconds with integer division; this is the exact rational value.
 */
export function masterDownSeconds(intervalSeconds: number, priority: number, version: 2 | 3): number {
  if (!(priority >= 1 && priority <= 255)) throw new RangeError(`VRRP priority must be 1..255, got ${priority}`);
  const skew = version === 2 ? (256 - priority) / 256 : ((256 - priority) * intervalSeconds) / 256;
  return 3 * intervalSeconds + skew;
}

/** Follows one heartbeat's advertisements as the backup receives them. */
export class HeartbeatTracker {
  readonly masterDownSeconds: number;
  private readonly gapsMs: Histogram | undefined;
  /** Arrival of the last advertisement received (NaN before the first). */
  private last = Number.NaN;
  /** The master stopped (was not sending) since the last advertisement arrived. */
  private masterStopped = false;
  failovers = 0;
  flaps = 0;
  received = 0;

  constructor(masterDownSeconds: number, gapsMs?: Histogram) {
    this.masterDownSeconds = masterDownSeconds;
    this.gapsMs = gapsMs;
  }

  /** The master VM is not running: it sends nothing until it runs again. */
  masterOff(): void {
    this.masterStopped = true;
  }

  /** The backup is not running: it hears nothing, and starts afresh when it runs again. */
  restart(): void {
    this.last = Number.NaN;
    this.masterStopped = false;
  }

  /**
   * An advertisement reaches the backup at `arrivalSeconds` (FIFO: no earlier than the previous
   * one). Returns the arrival time used.
   */
  receive(arrivalSeconds: number): number {
    const last = this.last;
    const at = last > arrivalSeconds ? last : arrivalSeconds;
    if (last === last) {
      const gap = at - last;
      this.gapsMs?.add(gap * 1000);
      if (gap > this.masterDownSeconds) {
        this.failovers++;
        if (!this.masterStopped) this.flaps++;
      }
    }
    this.masterStopped = false;
    this.last = at;
    this.received++;
    return at;
  }

  /** The run ends at `endSeconds`: a backup still waiting past the master-down interval has taken over. */
  finish(endSeconds: number): void {
    if (this.last === this.last && endSeconds - this.last > this.masterDownSeconds) this.failovers++;
  }
}
