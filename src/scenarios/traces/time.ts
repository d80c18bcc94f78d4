/**
 * Timestamps as written by monitoring tools, to seconds on the trace clock (Unix time for
 * absolute times). Recognised: epoch seconds or milliseconds (a number above 1e11 is taken as
 * milliseconds: 1e11 s is the year 5138), ISO 8601 and its space-separated variant with an
 * optional `Z`, `UTC` or `±hh:mm` zone (`2019-04-18 13:20:19 UTC`), and the US `M/D/YYYY H:MM[:SS]`
 * of esxtop and spreadsheets. A time without a zone is read in the given time zone: `UTC`, a fixed
 * offset such as `+02:00`, or an IANA name such as `Europe/Amsterdam` (daylight saving applied).
 */

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;

/** A time zone as given by the user, checked. */
export type TimeZone = { kind: 'fixed'; offsetSeconds: number } | { kind: 'iana'; name: string; format: Intl.DateTimeFormat };

/** Parses `UTC`, `±hh:mm` or an IANA name; undefined when unknown. */
export function parseTimeZone(text: string): TimeZone | undefined {
  const t = text.trim();
  if (/^(utc|gmt|z)$/i.test(t)) return { kind: 'fixed', offsetSeconds: 0 };
  const fixed = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/i.exec(t);
  if (fixed) {
    const seconds = Number(fixed[2]) * 3600 + Number(fixed[3] ?? 0) * 60;
    return seconds <= 14 * 3600 ? { kind: 'fixed', offsetSeconds: fixed[1] === '-' ? -seconds : seconds } : undefined;
  }
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: t,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    return { kind: 'iana', name: t, format };
  } catch {
    return undefined;
  }
}

export const UTC: TimeZone = { kind: 'fixed', offsetSeconds: 0 };

/** Offset of the zone from UTC at a UTC instant, seconds. */
function offsetAt(zone: TimeZone, utcSeconds: number): number {
  if (zone.kind === 'fixed') return zone.offsetSeconds;
  const parts = zone.format.formatToParts(new Date(utcSeconds * 1000));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) / 1000;
  return local - Math.floor(utcSeconds);
}

/** Local wall-clock seconds (as if UTC) in a zone to UTC seconds. */
export function localToUtc(localSeconds: number, zone: TimeZone): number {
  if (zone.kind === 'fixed') return localSeconds - zone.offsetSeconds;
  let utc = localSeconds - offsetAt(zone, localSeconds);
  utc = localSeconds - offsetAt(zone, utc);
  return utc;
}

/** Epoch seconds from a numeric field: seconds, or milliseconds above 1e11. NaN when not a number. */
export function epochSeconds(value: number): number {
  if (!Number.isFinite(value)) return Number.NaN;
  return Math.abs(value) > 1e11 ? value / 1000 : value;
}

/** Seconds from a date-time text, or NaN when it is not one. Also tells whether the text carried seconds. */
export function parseDateTime(text: string, zone: TimeZone): number {
  const s = text.trim();
  let m = ISO.exec(s);
  if (m) {
    const local = utcSeconds(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7]);
    if (Number.isNaN(local)) return local;
    const z = m[8];
    if (z === undefined) return localToUtc(local, zone);
    if (/^(z|utc|gmt)$/i.test(z)) return local;
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    return local - sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60);
  }
  m = US.exec(s);
  if (m) {
    const local = utcSeconds(+m[3]!, +m[1]!, +m[2]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7]);
    return Number.isNaN(local) ? local : localToUtc(local, zone);
  }
  return Number.NaN;
}

/** True when a US-style or ISO time text has no seconds (`3/26/2015 22:42`). */
export function lacksSeconds(text: string): boolean {
  return /(?:^|\s|T)\d{1,2}:\d{2}\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i.test(text.trim());
}

function utcSeconds(year: number, month: number, day: number, hour: number, minute: number, second: number, fraction: string | undefined): number {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return Number.NaN;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (!Number.isFinite(ms)) return Number.NaN;
  // Reject dates that roll over (31 February).
  const check = new Date(ms);
  if (check.getUTCDate() !== day && hour !== 24) return Number.NaN;
  return ms / 1000 + (fraction ? Number(`0.${fraction}`) : 0);
}

/** Formats Unix seconds as ISO 8601 UTC without milliseconds; relative times (before 1980) as a duration from 0. */
export function formatTraceTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 315_532_800) {
    const d = Math.floor(seconds / 86_400);
    const rest = seconds - d * 86_400;
    const h = Math.floor(rest / 3600);
    const m = Math.floor((rest % 3600) / 60);
    const s = Math.round(rest % 60);
    return `+${d}d${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  }
  return new Date(Math.round(seconds) * 1000).toISOString().replace('.000Z', 'Z');
}
