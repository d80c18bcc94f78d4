/**
 * EventQueue: a binary heap over typed arrays that must pop in (time, priority, insertion order),
 * i.e. exactly the order a stable sort by (time, priority) gives. Property-tested against that
 * reference with interleaved pushes and pops, small initial capacities (so the arrays grow
 * several times) and few distinct times and priorities (so ties are the rule, not the exception).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue } from '../../src/model/engine/event-queue.js';

interface Entry {
  time: number;
  priority: number;
  /** Insertion number, also stored in the event's `tag` to identify it when popped. */
  id: number;
}

type Op = { push: { time: number; priority: number } } | { pop: true };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ time: fc.constantFrom(0, 0.5, 1, 1.5, 2, 1e9, Number.POSITIVE_INFINITY), priority: fc.constantFrom(-1, 0, 1, 2) }).map((push) => ({ push })) },
  { weight: 2, arbitrary: fc.constant({ pop: true as const }) },
);

/** Reference: the earliest entry of a stable sort by (time, priority), i.e. insertion order breaks ties. */
function referencePop(pending: Entry[]): Entry | undefined {
  const sorted = [...pending].sort((a, b) => a.time - b.time || a.priority - b.priority);
  const first = sorted[0];
  if (first) pending.splice(pending.indexOf(first), 1);
  return first;
}

describe('EventQueue', () => {
  it('interleaved push/pop matches a stable sort by (time, priority)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), fc.integer({ min: 0, max: 8 }), (ops, initialCapacity) => {
        const q = new EventQueue(initialCapacity);
        const pending: Entry[] = [];
        let nextId = 0;
        for (const op of ops) {
          if ('push' in op) {
            const id = nextId++;
            // kind and target carry values derived from the id so every field's round trip is checked.
            q.push(op.push.time, op.push.priority, id % 7, 1000 + id, id);
            pending.push({ time: op.push.time, priority: op.push.priority, id });
          } else {
            const expected = referencePop(pending);
            expect(q.pop()).toBe(expected !== undefined);
            if (expected) {
              expect(q.poppedTag).toBe(expected.id);
              expect(q.poppedTime).toBe(expected.time);
              expect(q.poppedKind).toBe(expected.id % 7);
              expect(q.poppedTarget).toBe(1000 + expected.id);
            }
          }
          expect(q.size).toBe(pending.length);
          const earliest = pending.reduce((m, e) => Math.min(m, e.time), Number.POSITIVE_INFINITY);
          expect(q.peekTime()).toBe(earliest);
        }
        // Drain: the rest comes out in reference order too.
        for (let expected = referencePop(pending); expected; expected = referencePop(pending)) {
          expect(q.pop()).toBe(true);
          expect(q.poppedTag).toBe(expected.id);
        }
        expect(q.pop()).toBe(false);
      }),
      { seed: 20240601, numRuns: 300 },
    );
  });

  it('bulk push then drain from capacity 4 equals the stable sort', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 2 })), { minLength: 100, maxLength: 2000 }), (items) => {
        const q = new EventQueue(4);
        items.forEach(([time, priority], id) => q.push(time, priority, 0, 0, id));
        const expected = items.map(([time, priority], id) => ({ time, priority, id })).sort((a, b) => a.time - b.time || a.priority - b.priority);
        const popped: number[] = [];
        while (q.pop()) popped.push(q.poppedTag);
        expect(popped).toEqual(expected.map((e) => e.id));
      }),
      { seed: 7, numRuns: 50 },
    );
  });

  it('an empty queue reports +Infinity and pops nothing', () => {
    const q = new EventQueue();
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
    expect(q.pop()).toBe(false);
  });

  it('clear() empties the queue and later pushes still tie-break in insertion order', () => {
    const q = new EventQueue(4);
    for (let i = 0; i < 10; i++) q.push(1, 1, 0, 0, i);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
    // Three equal keys pushed after the clear come out in the order they went in.
    q.push(2, 1, 0, 0, 100);
    q.push(2, 1, 0, 0, 101);
    q.push(2, 1, 0, 0, 102);
    const order: number[] = [];
    while (q.pop()) order.push(q.poppedTag);
    expect(order).toEqual([100, 101, 102]);
  });

  it('lower priority runs first at equal time, regardless of insertion order', () => {
    const q = new EventQueue();
    q.push(5, 2, 0, 0, 0); // LATE
    q.push(5, 1, 0, 0, 1); // NORMAL
    q.push(5, 0, 0, 0, 2); // URGENT
    q.push(4, 2, 0, 0, 3); // earlier time beats any priority
    const order: number[] = [];
    while (q.pop()) order.push(q.poppedTag);
    expect(order).toEqual([3, 2, 1, 0]);
  });
});
