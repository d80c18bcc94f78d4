import { describe, expect, it } from 'vitest';
import { PathBacklog, admitted } from '../../src/model/latency/backlog.js';

// Closed-form fluid-queue arithmetic: B(t) = clamp(B0 + (λ − μ)·t, 0, Q); wait = B / μ.
describe('PathBacklog (fluid ring backlog)', () => {
  it('an unsaturated path (λ ≤ μ) builds no backlog: a constant load adds no delay and drops nothing', () => {
    const q = new PathBacklog(256);
    for (let t = 1; t <= 100; t++) {
      q.advance(t, 50_000, 100_000);
      expect(q.waitSeconds(100_000)).toBe(0);
      expect(q.full()).toBe(false);
    }
  });

  it('grows at λ − μ until the ring is full, then waits Q / μ', () => {
    const q = new PathBacklog(256);
    // λ − μ = 100 packets/s: 1 s → 100 packets, wait 100 / 1000 = 0.1 s.
    q.advance(1, 1100, 1000);
    expect(q.packets).toBeCloseTo(100, 9);
    expect(q.waitSeconds(1000)).toBeCloseTo(0.1, 9);
    expect(q.full()).toBe(false);
    q.advance(10, 1100, 1000);
    expect(q.packets).toBe(256);
    expect(q.full()).toBe(true);
    expect(q.waitSeconds(1000)).toBeCloseTo(0.256, 9);
  });

  it('drains at μ − λ after the overload ends (delays decay over time, not at once)', () => {
    const q = new PathBacklog(256);
    q.advance(10, 2000, 1000);
    q.advance(10.1, 500, 1000); // drains 50 packets in 0.1 s
    expect(q.packets).toBeCloseTo(206, 9);
    q.advance(20, 500, 1000);
    expect(q.packets).toBe(0);
  });

  it('a stall of the serving thread adds λ × its length, capped by the ring', () => {
    const q = new PathBacklog(256);
    q.hold(0.014, 1000); // one 14 ms device IO at 1000 packets/s → 14 packets
    expect(q.packets).toBeCloseTo(14, 9);
    q.hold(10, 1000);
    expect(q.packets).toBe(256);
  });

  it('tail drop: only a full ring drops, and then admits μ / λ of arrivals', () => {
    expect(admitted(false, 2000, 1000, 0.99)).toBe(true);
    expect(admitted(true, 2000, 1000, 0.49)).toBe(true);
    expect(admitted(true, 2000, 1000, 0.51)).toBe(false);
    expect(admitted(true, 1000, 2000, 0.99)).toBe(true);
  });
});
