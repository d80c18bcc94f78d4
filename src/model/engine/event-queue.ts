/**
 * A priority queue of simulation events, ordered by (time, priority, insertion order).
 *
 * Why hand-written: the micro-level CPU model pushes and pops two events per CPU burst, tens of
 * millions per run. A comparator heap over objects (heap-js, tinyqueue) allocates one object per
 * event and costs a closure call per comparison; this binary heap keeps every field in parallel
 * typed arrays (OpenDC's `TaskQueue` does the same, "to reduce allocations in the hot path") and
 * allocates only when it has to grow. flatqueue is as fast but gives no order among equal keys,
 * and deterministic tie-breaking is a requirement here (SimPy orders by time, priority, event id).
 *
 * An event carries three integers: `kind` (which handler runs it), `target` (an entity index) and
 * `tag` (free for the handler, e.g. a generation number to recognise stale events).
 */

/** Largest insertion counter that still fits exactly beside a priority in one float64. */
const SEQ_SPAN = 2 ** 40;

export class EventQueue {
  private times: Float64Array;
  /** priority * SEQ_SPAN + insertion counter: one number breaks ties by priority, then FIFO. */
  private orders: Float64Array;
  private kinds: Int32Array;
  private targets: Int32Array;
  private tags: Int32Array;
  private count = 0;
  private seq = 0;

  /** Fields of the event most recently removed by `pop()` (read them before the next pop). */
  poppedTime = 0;
  poppedKind = 0;
  poppedTarget = 0;
  poppedTag = 0;

  constructor(initialCapacity = 64) {
    const capacity = Math.max(4, initialCapacity);
    this.times = new Float64Array(capacity);
    this.orders = new Float64Array(capacity);
    this.kinds = new Int32Array(capacity);
    this.targets = new Int32Array(capacity);
    this.tags = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event, or +Infinity when the queue is empty. */
  peekTime(): number {
    return this.count > 0 ? this.times[0]! : Number.POSITIVE_INFINITY;
  }

  /**
   * Adds an event. Lower `priority` runs first among events at the same time; equal priorities
   * run in insertion order.
   */
  push(time: number, priority: number, kind: number, target: number, tag: number): void {
    if (this.count === this.times.length) this.grow();
    const order = priority * SEQ_SPAN + this.seq++;
    // Sift up by moving parents down into the hole, then write the new entry once.
    let hole = this.count++;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      const pt = this.times[parent]!;
      if (pt < time || (pt === time && this.orders[parent]! < order)) break;
      this.moveEntry(parent, hole);
      hole = parent;
    }
    this.writeEntry(hole, time, order, kind, target, tag);
  }

  /** Removes the earliest event into the `popped*` fields. Returns false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    this.poppedTime = this.times[0]!;
    this.poppedKind = this.kinds[0]!;
    this.poppedTarget = this.targets[0]!;
    this.poppedTag = this.tags[0]!;
    const last = --this.count;
    if (last > 0) {
      const time = this.times[last]!;
      const order = this.orders[last]!;
      const kind = this.kinds[last]!;
      const target = this.targets[last]!;
      const tag = this.tags[last]!;
      // Sift the former last entry down from the root.
      let hole = 0;
      const half = last >> 1;
      while (hole < half) {
        let child = 2 * hole + 1;
        const right = child + 1;
        if (right < last) {
          const ct = this.times[child]!;
          const rt = this.times[right]!;
          if (rt < ct || (rt === ct && this.orders[right]! < this.orders[child]!)) child = right;
        }
        const ct = this.times[child]!;
        if (time < ct || (time === ct && order < this.orders[child]!)) break;
        this.moveEntry(child, hole);
        hole = child;
      }
      this.writeEntry(hole, time, order, kind, target, tag);
    }
    return true;
  }

  /** Drops every event; the insertion counter keeps running so order stays total. */
  clear(): void {
    this.count = 0;
  }

  private moveEntry(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.orders[to] = this.orders[from]!;
    this.kinds[to] = this.kinds[from]!;
    this.targets[to] = this.targets[from]!;
    this.tags[to] = this.tags[from]!;
  }

  private writeEntry(at: number, time: number, order: number, kind: number, target: number, tag: number): void {
    this.times[at] = time;
    this.orders[at] = order;
    this.kinds[at] = kind;
    this.targets[at] = target;
    this.tags[at] = tag;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const grown = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.times = grown(this.times, (n) => new Float64Array(n));
    this.orders = grown(this.orders, (n) => new Float64Array(n));
    this.kinds = grown(this.kinds, (n) => new Int32Array(n));
    this.targets = grown(this.targets, (n) => new Int32Array(n));
    this.tags = grown(this.tags, (n) => new Int32Array(n));
  }
}
