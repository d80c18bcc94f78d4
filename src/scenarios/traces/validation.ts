/**
 * What happened to the rows of an import: accepted, rejected (malformed: not a number, a negative
 * throughput, a timestamp out of order…) or skipped by a stated policy (duplicate timestamps,
 * comment and restart records), plus notes on accepted rows whose quirks were handled (CPU above
 * 100 %, a VM that was off…). Every reason is counted with the first place it occurred
 * (file:line), so the summary can say how many rows and why.
 *
 * Strict mode turns the first rejected row into a TraceInputError naming file, line and reason;
 * lenient mode (the default) counts and goes on. Skips and notes never fail an import.
 */

/** Bad trace input: the message names the file, the line when there is one, and the reason. */
export class TraceInputError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly reason: string;
  constructor(file: string, line: number | undefined, reason: string) {
    super(line !== undefined ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.name = 'TraceInputError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

export interface ReasonCount {
  reason: string;
  count: number;
  /** Where it first occurred, `file:line`, with the offending value when there is one. */
  first: string;
}

export class ImportLog {
  readonly strict: boolean;
  rowsRead = 0;
  rowsAccepted = 0;
  private readonly rejectedBy = new Map<string, ReasonCount>();
  private readonly skippedBy = new Map<string, ReasonCount>();
  private readonly notesBy = new Map<string, ReasonCount>();

  constructor(strict: boolean) {
    this.strict = strict;
  }

  /** A malformed row: fails a strict import; otherwise counted and left out. */
  reject(file: string, line: number | undefined, reason: string, detail?: string): void {
    if (this.strict) throw new TraceInputError(file, line, detail ? `${reason} (${detail})` : reason);
    count(this.rejectedBy, file, line, reason, detail);
  }

  /** A row left out by a stated policy (duplicate timestamp, comment record…). */
  skip(file: string, line: number | undefined, reason: string, detail?: string): void {
    count(this.skippedBy, file, line, reason, detail);
  }

  /** A quirk handled on an accepted row (value above 100 %, VM off…). */
  note(file: string, line: number | undefined, reason: string, detail?: string): void {
    count(this.notesBy, file, line, reason, detail);
  }

  get rowsRejected(): number {
    return total(this.rejectedBy);
  }

  get rowsSkipped(): number {
    return total(this.skippedBy);
  }

  get rejected(): ReasonCount[] {
    return sorted(this.rejectedBy);
  }

  get skipped(): ReasonCount[] {
    return sorted(this.skippedBy);
  }

  get notes(): ReasonCount[] {
    return sorted(this.notesBy);
  }
}

function count(map: Map<string, ReasonCount>, file: string, line: number | undefined, reason: string, detail: string | undefined): void {
  const entry = map.get(reason);
  if (entry) entry.count++;
  else map.set(reason, { reason, count: 1, first: `${line !== undefined ? `${file}:${line}` : file}${detail ? ` (${detail})` : ''}` });
}

function total(map: Map<string, ReasonCount>): number {
  let n = 0;
  for (const entry of map.values()) n += entry.count;
  return n;
}

function sorted(map: Map<string, ReasonCount>): ReasonCount[] {
  return [...map.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/**
 * A field as a finite number, or NaN. Stricter than Number(): the empty string is not 0 and hex,
 * octal and binary literals are not numbers here.
 */
export function parseNumber(text: string | undefined): number {
  if (text === undefined || text.length === 0) return Number.NaN;
  const v = Number(text);
  if (!Number.isFinite(v)) return Number.NaN;
  if (text.length > 2) {
    const c = text.charCodeAt(1) | 32;
    if (text.charCodeAt(0) === 48 && (c === 120 || c === 111 || c === 98)) return Number.NaN;
  }
  return v;
}

/**
 * Text that is not data a trace holds: an environment assignment (`TOKEN=…`, as in
 * /proc/self/environ) or control characters (NUL-separated /proc files, binary files). A message
 * never quotes it: a scenario can name any readable file, and CI logs are public.
 */
const NOT_TRACE_TEXT = /(?:^|[\s\0])[A-Za-z_][A-Za-z0-9_]*=\S|[\0-\x08\x0e-\x1f]/;

/** Shows a found value in a message: quoted, shortened; never what looks like a secret (above). */
export function shown(text: string | undefined): string {
  if (text === undefined) return 'nothing';
  if (NOT_TRACE_TEXT.test(text)) return `${text.length} characters that are not trace data (not shown)`;
  const t = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `'${t.replace(/[\r\n\t]/g, (c) => (c === '\t' ? '\\t' : c === '\r' ? '\\r' : '\\n'))}'`;
}

/** Shows found names (header columns, ids) in a message: the first few, each shortened, so a message never echoes a whole file. */
export function shownList(names: readonly string[], max = 8): string {
  const head = names.slice(0, max).map(shown).join(', ');
  return names.length > max ? `${head}, … (${names.length} in all)` : head;
}
