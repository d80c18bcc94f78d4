/**
 * EntityHeap: at most one pending event per entity, and the top must always be the entity whose
 * event is earliest by (due time, scheduling order), i.e. what a scan of every pending entity
 * finds when equal times go to the event scheduled first. Property-tested against that scan with
 * random updates (earlier, later, new), updates of the top (updateTop, only ever later) and
 * cancels, over few distinct times so that ties are common.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EntityHeap } from '../../src/model/engine/entity-heap.js';

type Op = { update: { entity: number; time: number } } | { updateTopLater: number } | { cancel: number };

const TIMES = [0, 0.5, 1, 1.5, 2, 3, 1e9];

function opArb(entities: number): fc.Arbitrary<Op> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ entity: fc.integer({ min: 0, max: entities - 1 }), time: fc.constantFrom(...TIMES) }).map((update) => ({ update })) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 3 }).map((steps) => ({ updateTopLater: steps })) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: entities - 1 }).map((cancel) => ({ cancel })) },
  );
}

/** Reference: the pending entity with the least (time, order), or −1. */
function earliest(time: number[], order: number[]): number {
  let best = -1;
  for (let e = 0; e < time.length; e++) {
    if (time[e] === Number.POSITIVE_INFINITY) continue;
    if (best < 0 || time[e]! < time[best]! || (time[e] === time[best] && order[e]! < order[best]!)) best = e;
  }
  return best;
}

describe('EntityHeap', () => {
  it('its top is always the earliest pending event by (time, scheduling order)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((entities) => fc.tuple(fc.constant(entities), fc.array(opArb(entities), { maxLength: 300 }))),
        ([entities, ops]) => {
          const heap = new EntityHeap(entities);
          const time: number[] = new Array<number>(entities).fill(Number.POSITIVE_INFINITY);
          const order: number[] = new Array<number>(entities).fill(0);
          let seq = 0;
          for (const op of ops) {
            if ('update' in op) {
              heap.due[op.update.entity] = op.update.time;
              heap.update(op.update.entity);
              time[op.update.entity] = op.update.time;
              order[op.update.entity] = seq++;
            } else if ('updateTopLater' in op) {
              // The model's use: reschedule the event being handled, never earlier.
              const top = earliest(time, order);
              if (top < 0) continue;
              const later = TIMES[Math.min(TIMES.length - 1, TIMES.indexOf(time[top]!) + op.updateTopLater)]!;
              heap.due[top] = later;
              heap.updateTop(top);
              time[top] = later;
              order[top] = seq++;
            } else {
              heap.cancel(op.cancel);
              time[op.cancel] = Number.POSITIVE_INFINITY;
            }
            const expected = earliest(time, order);
            if (expected < 0) {
              expect(heap.topTime()).toBe(Number.POSITIVE_INFINITY);
              expect(heap.due[heap.top()]).toBe(Number.POSITIVE_INFINITY);
            } else {
              expect(heap.top()).toBe(expected);
              expect(heap.topTime()).toBe(time[expected]);
            }
          }
        },
      ),
      { seed: 20241122, numRuns: 400 },
    );
  });

  it('draining by cancelling the top gives the stable sort by time', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 500 }), (times) => {
        const heap = new EntityHeap(times.length);
        times.forEach((t, e) => {
          heap.due[e] = t;
          heap.update(e);
        });
        const drained: number[] = [];
        while (heap.topTime() !== Number.POSITIVE_INFINITY) {
          const e = heap.top();
          drained.push(e);
          heap.cancel(e);
        }
        const expected = times.map((t, e) => ({ t, e })).sort((a, b) => a.t - b.t).map((x) => x.e);
        expect(drained).toEqual(expected);
      }),
      { seed: 11, numRuns: 100 },
    );
  });

  it('an empty heap reports +Infinity; cancelling what is not pending does nothing', () => {
    const heap = new EntityHeap(3);
    expect(heap.topTime()).toBe(Number.POSITIVE_INFINITY);
    heap.cancel(1);
    expect(heap.topTime()).toBe(Number.POSITIVE_INFINITY);
    heap.due[2] = 5;
    heap.update(2);
    heap.cancel(0);
    expect(heap.top()).toBe(2);
    expect(heap.topTime()).toBe(5);
  });
});
