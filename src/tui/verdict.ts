/**
 * How the UI marks an SLO status (../model/slo.ts): a symbol beside the word, and a colour as a
 * third cue only.
 */
import type { SloStatus } from '../model/slo.js';

export const STATUS_MARK: Record<SloStatus, string> = { pass: '✓', 'not-demonstrated': '~', fail: '✗' };
export const STATUS_COLOR: Record<SloStatus, string> = { pass: 'green', 'not-demonstrated': 'yellow', fail: 'red' };
