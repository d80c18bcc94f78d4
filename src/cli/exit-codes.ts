/**
 * Exit codes, as scripts and CI gates rely on them (README, docs/report.md):
 * 0 ok; 1 an internal error (a bug); 2 bad input or usage, or an output that cannot be written;
 * 3 an SLO gate failed (`--fail-on-slo`: a FAIL; `--strict-slo`: a FAIL or a NOT DEMONSTRATED).
 */
import type { SloStatus } from '../model/slo.js';

export const EXIT_OK = 0;
/** An unexpected internal error (a bug): reported with a hint to file an issue. */
export const EXIT_INTERNAL = 1;
/** Bad input or usage: a wrong scenario, option or file, or an output path that cannot be written. */
export const EXIT_USAGE = 2;
/** The run finished but its verdict breached the gate asked for (`--fail-on-slo`, `--strict-slo`). */
export const EXIT_SLO = 3;

/** Raised for problems the user can fix; the CLI prints the message and exits with EXIT_USAGE. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The SLO gates a command can be asked for. */
export interface SloGateOptions {
  /** Exit 3 when the verdict is FAIL (a point value over its limit). */
  failOnSlo?: boolean;
  /** Exit 3 when the verdict is FAIL or NOT DEMONSTRATED (not shown at 95 % confidence). */
  strictSlo?: boolean;
}

/** The exit code for a verdict under the gates asked for. */
export function sloExitCode(verdict: SloStatus, gates: SloGateOptions): number {
  if (verdict === 'fail' && (gates.failOnSlo || gates.strictSlo)) return EXIT_SLO;
  if (verdict === 'not-demonstrated' && gates.strictSlo) return EXIT_SLO;
  return EXIT_OK;
}
