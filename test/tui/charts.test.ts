import { describe, expect, it } from 'vitest';
import { axisLabel, eventWindow, niceCeil, renderBar, renderChart, resample, timeAxis } from '../../src/tui/charts.js';

describe('chart helpers', () => {
  it('rounds scales up to a round multiple of a power of ten', () => {
    expect([0.07, 0.85, 1, 3.03, 7, 12, 13, 99.8, 118, 0, -1, Number.NaN].map(niceCeil)).toEqual([0.08, 1, 1, 4, 8, 12, 15, 100, 120, 1, 1, 1]);
  });

  it('resamples by mean or max, repeats short series and skips missing values', () => {
    expect(resample([1, 3, 5, 7], 2, 'mean')).toEqual([2, 6]);
    expect(resample([1, 3, 5, 7], 2, 'max')).toEqual([3, 7]);
    expect(resample([1, 2], 4, 'mean')).toEqual([1, 1, 2, 2]);
    expect(resample([null, 4, null, null], 2, 'mean')).toEqual([4, null]);
    expect(resample([], 3, 'mean')).toEqual([]);
  });

  it('labels axes compactly and times in hours or minutes', () => {
    expect([0, 5, 0.5, 0.25, 12.5, 100, 0.001, 0.0025].map(axisLabel)).toEqual(['0', '5', '0.5', '0.25', '12.5', '100', '0.001', '0.0025']);
    const axis = timeAxis(86_400, 40);
    expect(axis).toHaveLength(40);
    expect(axis.startsWith('0h')).toBe(true);
    expect(axis.endsWith('24h')).toBe(true);
    expect(axis).toContain('12h');
    expect(timeAxis(1800, 20).trim().endsWith('30m')).toBe(true);
  });
});

describe('renderChart', () => {
  it('draws exactly width × (height + axis) cells with the scale on the left', () => {
    const lines = renderChart([{ values: [0, 25, 50, 100], style: 'area', reduce: 'mean' }], { width: 30, height: 4, max: 100, unit: '%', durationSeconds: 86_400 });
    expect(lines).toHaveLength(5);
    for (const line of lines) expect([...line]).toHaveLength(30);
    expect(lines[0]!.startsWith('100 %┤')).toBe(true);
    expect(lines[3]!.trimStart().startsWith('0┤')).toBe(true);
    // The last quarter is full height, the first empty.
    expect(lines[0]!.endsWith('█')).toBe(true);
    expect(lines[3]!.charAt(lines[3]!.indexOf('┤') + 1)).toBe(' ');
  });

  it('tells series apart by glyph: area blocks, dots, and a dashed reference line', () => {
    const lines = renderChart(
      [
        { values: [10, 10, 10, 10], style: 'area', reduce: 'mean' },
        { values: [90, 90, 90, 90], style: 'dots', reduce: 'max', marker: '•' },
      ],
      { width: 12, height: 5, max: 100, reference: 50 },
    );
    const text = lines.join('\n');
    expect(text).toContain('•');
    expect(text).toContain('╌');
    expect(text).toMatch(/[▁▂▃▄▅▆▇█]/);
  });

  it('leaves missing values empty and picks a round scale above the data', () => {
    const lines = renderChart([{ values: [null, 3, null, 3], style: 'area', reduce: 'mean' }], { width: 10, height: 3 });
    expect(lines[0]!.trimStart().startsWith('3┤')).toBe(true);
    const bottom = lines[2]!.slice(lines[2]!.indexOf('┤') + 1);
    expect(bottom.trim()).not.toBe('');
    expect(bottom.charAt(0)).toBe(' ');
  });
});

describe('renderBar', () => {
  it('fills in eighths, marks the limit with ┃ and an overflow with ▸', () => {
    expect(renderBar(5, 10, 4)).toBe('██  ');
    expect(renderBar(1, 10, 4)).toBe('▍   ');
    expect(renderBar(50, 10, 4)).toBe('███▸');
    expect(renderBar(0, 10, 4, 5)).toBe('  ┃ ');
    expect(renderBar(10, 10, 4, 5)).toBe('██┃█');
    expect(renderBar(null, 10, 3)).toBe('   ');
  });
});

describe('a reference line', () => {
  it('gets its own row below the top, labelled with its value (the 100 % RAM line is not on the 120 % row)', () => {
    for (const height of [4, 6, 8, 12]) {
      const lines = renderChart([{ values: [50, 90, 110, 95], style: 'area', reduce: 'mean' }], { width: 40, height, reference: 100, unit: '%' });
      const refLine = lines.find((l) => l.includes('╌'));
      expect(refLine, `height ${height}`).toBeDefined();
      expect(refLine!.trimStart().startsWith('100')).toBe(true);
      // The top row carries the scale's end, a different row from the reference.
      expect(lines[0]).not.toContain('╌');
      expect(lines[0]!.trimStart()).toMatch(/^\d+ %┤/);
    }
  });
});

describe('zooming to an event', () => {
  it('keeps a short event with a little margin, and the whole run when the event is most of it', () => {
    // 24 h of 1-min steps, a storm of 98 minutes from 08:00.
    const steps = Array<number>(1440).fill(0);
    for (let i = 480; i < 578; i++) steps[i] = 3;
    expect(eventWindow(steps)).toEqual({ from: 470, to: 588 });
    expect(eventWindow(Array<number>(100).fill(1))).toBeNull();
    expect(eventWindow([0, 0, null, 0])).toBeNull();
  });

  it('labels a window of the run with the run’s own times', () => {
    expect(timeAxis(2 * 3600, 40, 8 * 3600).trim().split(/\s+/)).toEqual(['8h', '8.5h', '9h', '9.5h', '10h']);
  });
});
