/**
 * The `y` key's runner on real worker threads (the one test here that simulates): cancelling a
 * study in progress destroys its pool, so the study settles as cancelled at once instead of
 * running its remaining points. On the small UI fixture the first screening point came about 5 s
 * in (worker start-up under tsx included) and the whole study took about 7.6 s (53 replications)
 * on a two-core machine; cancelled at the first point, it settled 11 ms later.
 */
import { describe, expect, it } from 'vitest';
import { studySensitivity } from '../../src/tui/sensitivity.js';
import { FIXTURE_BASE, FIXTURE_FILE } from './helpers.js';

describe('studySensitivity', () => {
  it('settles as cancelled soon after the abort, with no progress after it', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    let lateProgress = 0;
    const outcome = await studySensitivity({
      file: FIXTURE_FILE,
      overrides: FIXTURE_BASE,
      signal: controller.signal,
      onProgress: () => {
        if (abortedAt > 0) {
          lateProgress++;
          return;
        }
        abortedAt = Date.now();
        controller.abort();
      },
    });
    const settledMs = Date.now() - abortedAt;
    expect(abortedAt).toBeGreaterThan(0);
    expect(outcome).toEqual({ ok: false, cancelled: true, message: 'cancelled' });
    // Several points are in flight on the pool when the abort comes; none reports after it.
    expect(lateProgress).toBe(0);
    expect(settledMs).toBeLessThan(2000);
  }, 60_000);
});
