/**
 * What recommend's grid search interpolates on (src/study/recommend.ts, searchMargin): the worst
 * relative excess of the judged SLOs over their limits, unless a probability (a rare risk) sets
 * it — then NaN, and the search bisects (src/study/search.ts interpolates only on finite margins).
 */
import { describe, expect, it } from 'vitest';
import { searchMargin, type SloReading } from '../../src/study/recommend.js';

const reading = (name: string, unit: string, limit: number, upper95: number): SloReading => ({ name, metric: name, unit, limit, value: upper95, upper95, lower95: null, status: upper95 <= limit ? 'pass' : 'fail' });

describe('searchMargin', () => {
  it('is the worst relative excess when a continuous metric sets it', () => {
    const ready = reading('cpuReadyPctP95', '%', 5, 6); // +20 %
    const boot = reading('bootSecondsP95', 's', 1200, 1080); // −10 %
    const oom = reading('oomRiskPerHostMonth', 'probability', 0.01, 0.001); // −90 %
    expect(searchMargin([ready, boot, oom])).toBeCloseTo(0.2, 12);
    expect(searchMargin([boot, oom])).toBeCloseTo(-0.1, 12);
  });
  it('is NaN (bisect) when a probability sets it, passing or failing', () => {
    const boot = reading('bootSecondsP95', 's', 1200, 900);
    expect(searchMargin([boot, reading('oomRiskPerHostMonth', 'probability', 0.01, 0.0098)])).toBeNaN();
    expect(searchMargin([boot, reading('oomRiskPerHostMonth', 'probability', 0.01, 1)])).toBeNaN();
  });
});
