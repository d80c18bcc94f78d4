/**
 * The discrete-event kernel: a simulated clock and an event queue, after SimPy's `Environment`.
 *
 * Models register one handler per kind of event (`defineEvent`) and schedule events carrying two
 * integers (an entity index and a free tag). `run(until)` pops events in (time, priority,
 * insertion order) and calls their handlers, so a model is a set of plain functions over its own
 * state arrays. There are no per-event objects and no generator processes: the CPU model runs tens
 * of millions of events per second through this loop and must not allocate in it.
 *
 * Time is a float64 number of seconds. Exceptions from handlers are never swallowed: they stop
 * the run and propagate to the caller (SimPy: "failed events are never silently ignored").
 */
import { EventQueue } from './event-queue.js';

/** Runs before NORMAL events at the same instant (e.g. measurement boundaries). */
export const URGENT = 0;
export const NORMAL = 1;
/** Runs after NORMAL events at the same instant (e.g. sampling the state an instant settled to). */
export const LATE = 2;

export type EventHandler = (target: number, tag: number) => void;

export class Simulation {
  /** The simulated clock in seconds. Only `run` advances it. */
  now = 0;
  private readonly queue: EventQueue;
  private readonly handlers: EventHandler[] = [];
  private readonly names: string[] = [];
  private stopped = false;

  constructor(initialQueueCapacity = 64) {
    this.queue = new EventQueue(initialQueueCapacity);
  }

  /** Registers a handler and returns the event kind to schedule it with. */
  defineEvent(name: string, handler: EventHandler): number {
    this.handlers.push(handler);
    this.names.push(name);
    return this.handlers.length - 1;
  }

  /** Name given to an event kind, for traces and error messages. */
  eventName(kind: number): string {
    return this.names[kind] ?? `#${kind}`;
  }

  /** Schedules an event `delaySeconds` from now. */
  schedule(delaySeconds: number, kind: number, target = 0, tag = 0, priority = NORMAL): void {
    if (!(delaySeconds >= 0)) {
      throw new RangeError(`negative or NaN delay ${delaySeconds} for event ${this.eventName(kind)}`);
    }
    this.queue.push(this.now + delaySeconds, priority, kind, target, tag);
  }

  /** Schedules an event at an absolute time, which must not lie in the past. */
  scheduleAt(timeSeconds: number, kind: number, target = 0, tag = 0, priority = NORMAL): void {
    if (!(timeSeconds >= this.now)) {
      throw new RangeError(`event ${this.eventName(kind)} scheduled at ${timeSeconds} s, before now (${this.now} s)`);
    }
    this.queue.push(timeSeconds, priority, kind, target, tag);
  }

  /** Time of the next event, +Infinity when none is pending. */
  peek(): number {
    return this.queue.peekTime();
  }

  /** Number of pending events (stale ones included until they are popped). */
  get pending(): number {
    return this.queue.size;
  }

  /** Processes one event. Returns false when the queue is empty. */
  step(): boolean {
    const q = this.queue;
    if (!q.pop()) return false;
    this.now = q.poppedTime;
    this.handlers[q.poppedKind]!(q.poppedTarget, q.poppedTag);
    return true;
  }

  /**
   * Processes events in order until the queue is empty or the next event lies after `until`;
   * the clock then reads `until` (when finite). `stop()` from a handler ends the run early.
   */
  run(until = Number.POSITIVE_INFINITY): void {
    const q = this.queue;
    const handlers = this.handlers;
    this.stopped = false;
    while (!this.stopped && q.size > 0 && q.peekTime() <= until) {
      q.pop();
      this.now = q.poppedTime;
      handlers[q.poppedKind]!(q.poppedTarget, q.poppedTag);
    }
    if (!this.stopped && Number.isFinite(until) && until > this.now) this.now = until;
  }

  /** Ends the current `run` after the event being processed. */
  stop(): void {
    this.stopped = true;
  }
}
