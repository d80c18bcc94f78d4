/**
 * The options the study commands (run, sweep, recommend, sensitivity, merge) share: `--workers`,
 * `--shard` and `--risk-method`. Kept apart from ./study-support.ts, which runs studies, so that
 * registering the commands (all `overcast --help` needs) loads no part of the model.
 */
import { Option } from 'commander';
import type { RiskMethodOption } from '../study/risk.js';

export interface ParallelOptions {
  workers?: string;
  shard?: string;
}

export function workersOption(): Option {
  return new Option('--workers <n>', "worker threads for replications: a number or 'auto' (all cores; the default, or $OVERCAST_WORKERS)");
}

export function shardOption(): Option {
  return new Option('--shard <i/N>', 'run only shard i of N (0-based) and write a partial result for `overcast merge`');
}

const RISK_METHODS: readonly RiskMethodOption[] = ['auto', 'mc'];

/** `--risk-method`: how rare risks (the OOM risk per host-month) are decided (docs/risk.md). */
export function riskMethodOption(): Option {
  return new Option('--risk-method <method>', 'rare risks (OOM per host-month): auto (bound, mechanism, importance sampling, tail; docs/risk.md) or mc (plain Monte Carlo, to check the estimator)')
    .choices([...RISK_METHODS])
    .default('auto');
}
