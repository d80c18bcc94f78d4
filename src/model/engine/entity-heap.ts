/**
 * An event queue for models where every entity has at most one pending event: an indexed binary
 * heap of entities ordered by (due time, scheduling order).
 *
 * Why not the general EventQueue: in the micro-level CPU model a thread is either asleep (its
 * wake-up pending), running (the end of its slice pending) or queued (nothing pending), so one
 * slot per thread holds every event there is. Rescheduling a thread moves its entry instead of
 * leaving a stale event behind, the entry being handled is rescheduled in place (one sift-down,
 * not a pop and a push), and the heap never grows past the number of entities, so it never
 * allocates.
 *
 * Ties at equal times go to the event scheduled first (as in EventQueue and SimPy), so results
 * are deterministic and independent of entity numbering.
 *
 * Methods pass only integers (the due time is written into `due` first, the scheduling number
 * kept per entity): V8 boxes (allocates) doubles passed to calls it does not inline.
 */

export class EntityHeap {
  /** Due time of each entity's pending event, +Infinity when it has none. Write, then `update`. */
  readonly due: Float64Array;
  /** The heap, in heap order: entity ids and their due times (ties, rare, look up orderOf). */
  private readonly ids: Int32Array;
  private readonly times: Float64Array;
  /** Heap position of each entity's pending event, −1 when it has none. */
  private readonly pos: Int32Array;
  /** Scheduling number of each entity's pending event. */
  private readonly orderOf: Float64Array;
  private count = 0;
  private seq = 0;

  constructor(entities: number) {
    const n = Math.max(1, entities);
    this.due = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.ids = new Int32Array(n);
    // Slots past the end stay at +Infinity, so a missing right child never wins.
    this.times = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
    this.pos = new Int32Array(n).fill(-1);
    this.orderOf = new Float64Array(n);
  }

  /**
   * Entity with the earliest pending event. When none is pending it is some entity whose due
   * time is +Infinity (every entity without an event has due +Infinity).
   */
  top(): number {
    return this.ids[0]!;
  }

  /** Time of the earliest pending event, +Infinity when none is pending. */
  topTime(): number {
    return this.times[0]!;
  }

  /** Takes entity `e`'s new `due[e]` into account as a newly scheduled event. */
  update(e: number): void {
    this.orderOf[e] = this.seq++;
    const i = this.pos[e]!;
    if (i < 0) this.siftUp(this.count++, e);
    // The new order is the largest yet, so the entry moves up only if its time moved earlier.
    else if (this.due[e]! < this.times[i]!) this.siftUp(i, e);
    else this.siftDown(i, e);
  }

  /**
   * `update` for the entity at the top whose due time did not decrease (the event being handled,
   * rescheduled later): one sift-down from the root.
   */
  updateTop(e: number): void {
    this.orderOf[e] = this.seq++;
    this.siftDown(0, e);
  }

  /** Drops entity `e`'s pending event, if any. */
  cancel(e: number): void {
    this.due[e] = Number.POSITIVE_INFINITY;
    const i = this.pos[e]!;
    if (i < 0) return;
    this.pos[e] = -1;
    const last = --this.count;
    const le = this.ids[last]!;
    const lt = this.times[last]!;
    this.times[last] = Number.POSITIVE_INFINITY;
    if (i === last) return;
    // Refill the hole with the last entry, which may belong above or below it.
    if (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.times[p]!;
      if (lt < pt || (lt === pt && this.orderOf[le]! < this.orderOf[this.ids[p]!]!)) {
        this.siftUp(i, le);
        return;
      }
    }
    this.siftDown(i, le);
  }

  /** Moves parents down into the hole at `i` until e's (time, order) fits, then writes e there. */
  private siftUp(i: number, e: number): void {
    const time = this.due[e]!;
    const ids = this.ids;
    const times = this.times;
    const orderOf = this.orderOf;
    const pos = this.pos;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      const pe = ids[p]!;
      if (pt < time || (pt === time && orderOf[pe]! < orderOf[e]!)) break;
      ids[i] = pe;
      times[i] = pt;
      pos[pe] = i;
      i = p;
    }
    ids[i] = e;
    times[i] = time;
    pos[e] = i;
  }

  /** Moves the earlier child up into the hole at `i` until e's (time, order) fits, then writes e there. */
  private siftDown(i: number, e: number): void {
    const time = this.due[e]!;
    const ids = this.ids;
    const times = this.times;
    const orderOf = this.orderOf;
    const pos = this.pos;
    const n = this.count;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      // The earlier child, chosen without a branch on the comparison (it is a coin flip, and a
      // mispredicted branch costs more than the arithmetic); a missing right child is +Infinity.
      const lt = times[c]!;
      const rt = times[c + 1]!;
      let right = Number(rt < lt);
      if (rt === lt) right = Number(c + 1 < n && orderOf[ids[c + 1]!]! < orderOf[ids[c]!]!);
      c += right;
      const ct = times[c]!;
      const ce = ids[c]!;
      if (time < ct || (time === ct && orderOf[e]! < orderOf[ce]!)) break;
      ids[i] = ce;
      times[i] = ct;
      pos[ce] = i;
      i = c;
    }
    ids[i] = e;
    times[i] = time;
    pos[e] = i;
  }
}
