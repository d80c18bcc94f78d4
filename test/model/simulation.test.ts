/**
 * Simulation kernel: SimPy-style exact timelines. Each handler appends `time name target` to a
 * log; the expected logs are worked out by hand from the schedule in each test.
 */
import { describe, expect, it } from 'vitest';
import { LATE, NORMAL, Simulation, URGENT } from '../../src/model/engine/simulation.js';

describe('Simulation', () => {
  it('runs a self-rescheduling process and a one-shot event in time order', () => {
    // SimPy's clock example: a "car" parks 5, drives 2, parks 5, … and a "bus" arrives at 3.
    const sim = new Simulation();
    const log: string[] = [];
    const DRIVE = sim.defineEvent('drive', (car) => {
      log.push(`${sim.now} drive ${car}`);
      sim.schedule(2, PARK, car);
    });
    const PARK = sim.defineEvent('park', (car) => {
      log.push(`${sim.now} park ${car}`);
      sim.schedule(5, DRIVE, car);
    });
    const BUS = sim.defineEvent('bus', (bus) => log.push(`${sim.now} bus ${bus}`));
    sim.schedule(0, PARK, 1);
    sim.schedule(3, BUS, 9);
    sim.run(15);
    // park at 0, drive at 0+5 = 5, park at 5+2 = 7, drive at 12, park at 14 (<= 15); bus at 3.
    expect(log).toEqual(['0 park 1', '3 bus 9', '5 drive 1', '7 park 1', '12 drive 1', '14 park 1']);
    // run(until) leaves the clock at `until`, not at the last event (14).
    expect(sim.now).toBe(15);
    // The drive scheduled at 14 + 5 = 19 is still pending.
    expect(sim.pending).toBe(1);
    expect(sim.peek()).toBe(19);
  });

  it('orders same-time events by priority (URGENT, NORMAL, LATE), then by scheduling order', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const E = sim.defineEvent('e', (id) => log.push(`${sim.now} ${id}`));
    sim.schedule(1, E, 1, 0, LATE);
    sim.schedule(1, E, 2, 0, NORMAL);
    sim.schedule(1, E, 3, 0, URGENT);
    sim.schedule(1, E, 4, 0, NORMAL);
    sim.schedule(1, E, 5); // default priority is NORMAL
    sim.scheduleAt(1, E, 6, 0, URGENT);
    sim.run();
    expect(log).toEqual(['1 3', '1 6', '1 2', '1 4', '1 5', '1 1']);
  });

  it('a zero-delay event scheduled from a handler runs after the events already due at that instant', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const FOLLOW = sim.defineEvent('follow', (id) => log.push(`${sim.now} follow ${id}`));
    const FIRST = sim.defineEvent('first', (id) => {
      log.push(`${sim.now} first ${id}`);
      sim.schedule(0, FOLLOW, id);
    });
    sim.schedule(2, FIRST, 1);
    sim.schedule(2, FIRST, 2);
    sim.run();
    // Both FIRSTs were queued before either FOLLOW (insertion order breaks the tie at t = 2).
    expect(log).toEqual(['2 first 1', '2 first 2', '2 follow 1', '2 follow 2']);
    expect(sim.now).toBe(2);
  });

  it('passes target and tag to the handler', () => {
    const sim = new Simulation();
    const seen: [number, number][] = [];
    const E = sim.defineEvent('e', (target, tag) => seen.push([target, tag]));
    sim.schedule(1, E, 7, -3);
    sim.schedule(2, E, 0, 2 ** 31 - 1);
    sim.run();
    expect(seen).toEqual([
      [7, -3],
      [0, 2 ** 31 - 1],
    ]);
  });

  it('run(until) includes events at exactly `until`, then resumes where it stopped', () => {
    const sim = new Simulation();
    const log: number[] = [];
    const E = sim.defineEvent('e', () => log.push(sim.now));
    for (const t of [1, 2, 3, 4]) sim.scheduleAt(t, E);
    sim.run(2);
    expect(log).toEqual([1, 2]);
    expect(sim.now).toBe(2);
    sim.run(2.5);
    expect(log).toEqual([1, 2]);
    expect(sim.now).toBe(2.5);
    sim.run();
    expect(log).toEqual([1, 2, 3, 4]);
    // Without a finite `until` the clock stays at the last event.
    expect(sim.now).toBe(4);
  });

  it('run(until) with an empty queue still advances the clock to `until`', () => {
    const sim = new Simulation();
    sim.run(42);
    expect(sim.now).toBe(42);
    // An `until` in the past leaves the clock where it is.
    sim.run(10);
    expect(sim.now).toBe(42);
  });

  it('stop() ends the run after the current event and leaves the clock at that event', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const TICK = sim.defineEvent('tick', (k) => {
      log.push(`${sim.now} tick ${k}`);
      if (k === 3) sim.stop();
      sim.schedule(1, TICK, k + 1);
    });
    const SAME = sim.defineEvent('same', () => log.push(`${sim.now} same`));
    sim.schedule(1, TICK, 1);
    sim.scheduleAt(3, SAME, 0, 0, LATE);
    sim.run(100);
    // tick k runs at t = k; tick 3 stops the run before the LATE `same` event also due at t = 3.
    expect(log).toEqual(['1 tick 1', '2 tick 2', '3 tick 3']);
    expect(sim.now).toBe(3);
    // A new run continues with what is pending: `same` at 3, then tick 4 and tick 5.
    sim.run(5);
    expect(log.slice(3)).toEqual(['3 same', '4 tick 4', '5 tick 5']);
    expect(sim.now).toBe(5);
  });

  it('step() processes exactly one event and reports an empty queue', () => {
    const sim = new Simulation();
    const log: number[] = [];
    const E = sim.defineEvent('e', (k) => log.push(k));
    sim.schedule(3, E, 1);
    sim.schedule(1, E, 2);
    expect(sim.step()).toBe(true);
    expect(log).toEqual([2]);
    expect(sim.now).toBe(1);
    expect(sim.step()).toBe(true);
    expect(sim.now).toBe(3);
    expect(sim.step()).toBe(false);
    expect(sim.now).toBe(3);
  });

  it('rejects negative and NaN delays, naming the event', () => {
    const sim = new Simulation();
    const E = sim.defineEvent('arrival', () => undefined);
    expect(() => sim.schedule(-1e-9, E)).toThrow(RangeError);
    expect(() => sim.schedule(-1, E)).toThrow(/arrival/);
    expect(() => sim.schedule(Number.NaN, E)).toThrow(RangeError);
    expect(sim.pending).toBe(0);
  });

  it('rejects scheduleAt in the past but accepts now', () => {
    const sim = new Simulation();
    const log: number[] = [];
    const E = sim.defineEvent('e', () => log.push(sim.now));
    sim.run(10);
    expect(() => sim.scheduleAt(9.999, E)).toThrow(RangeError);
    expect(() => sim.scheduleAt(Number.NaN, E)).toThrow(RangeError);
    sim.scheduleAt(10, E);
    sim.run();
    expect(log).toEqual([10]);
  });

  it('propagates a handler exception and keeps the clock at the failing event', () => {
    const sim = new Simulation();
    const log: number[] = [];
    const OK = sim.defineEvent('ok', () => log.push(sim.now));
    const BAD = sim.defineEvent('bad', () => {
      throw new Error('boom');
    });
    sim.schedule(1, OK);
    sim.schedule(2, BAD);
    sim.schedule(3, OK);
    expect(() => sim.run()).toThrow('boom');
    expect(log).toEqual([1]);
    expect(sim.now).toBe(2);
    expect(sim.pending).toBe(1);
  });

  it('names event kinds for messages and grows past its initial queue capacity', () => {
    const sim = new Simulation(4);
    const E = sim.defineEvent('burst-end', () => undefined);
    expect(sim.eventName(E)).toBe('burst-end');
    expect(sim.eventName(99)).toBe('#99');
    // 1000 events from a capacity-4 queue, pushed in reverse time order, come out sorted.
    const log: number[] = [];
    const F = sim.defineEvent('f', (k) => log.push(k));
    for (let k = 999; k >= 0; k--) sim.scheduleAt(k, F, k);
    sim.run();
    expect(log).toEqual(Array.from({ length: 1000 }, (_, k) => k));
  });
});
