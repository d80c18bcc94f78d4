/**
 * Rare events: how much simulated operation a verdict rests on, and what can be said when an
 * event (an OOM kill, say) was never seen in it.
 *
 * Exposure is counted in host-months (hosts × simulated time × replications; a month is 30 days,
 * MONTH_SECONDS, as every per-host-month figure counts it). With no event in T host-months, the one-sided 95 % upper bound on a
 * Poisson rate is −ln(0.05)/T ≈ 3.0/T per host-month (the "rule of three": Hanley & Lippman-Hand,
 * JAMA 1983; exact for the Poisson model). So a risk limit of 1e-3 per host-month cannot be shown
 * to hold with less than about 3,000 event-free host-months, however clean the run looks.
 */
import type { ModelScenario } from '../model/scenario.js';
import { MONTH_SECONDS } from '../model/stats/rare.js';

export const HOURS_PER_MONTH = MONTH_SECONDS / 3600;
/** −ln(0.05): the 95 % upper bound on the expected count when none was observed. */
export const ZERO_EVENT_UPPER95 = -Math.log(0.05);

export function hostMonths(scenario: ModelScenario, replications: number): number {
  const hosts = scenario.hosts.reduce((s, h) => s + h.count, 0);
  return (hosts * scenario.durationSeconds * replications) / (HOURS_PER_MONTH * 3600);
}

/** 95 % upper bound on an event rate per host-month when no event was seen in `months`. */
export function zeroEventUpperBound(months: number): number {
  return months > 0 ? ZERO_EVENT_UPPER95 / months : Number.POSITIVE_INFINITY;
}

/** Host-months needed before a rate limit (per host-month) can be shown to hold with no events seen. */
export function hostMonthsToDemonstrate(limitPerHostMonth: number): number {
  return limitPerHostMonth > 0 ? ZERO_EVENT_UPPER95 / limitPerHostMonth : Number.POSITIVE_INFINITY;
}
