/**
 * Problems found in a scenario, as data (zod's habit): where (file, line, column or the `--set`
 * that introduced it), which field, and what was expected against what was found. The CLI and the
 * UI only render them.
 */

export interface ScenarioIssue {
  /** The file, or `--set` for a command-line override. */
  file: string;
  /** 1-based position in the file, when the problem has one. */
  line?: number;
  column?: number;
  /** Field path such as `hosts[0].cpu.cores`; empty for the whole document. */
  path: string;
  /** What was expected and what was found, in words. */
  message: string;
}

export type Loaded<T> = { ok: true; value: T } | { ok: false; issues: ScenarioIssue[] };

/** `hosts[0].cpu.cores` from ['hosts', 0, 'cpu', 'cores']. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** One line per issue: `file:line:col: path: message`. */
export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.line !== undefined ? `${issue.file}:${issue.line}:${issue.column ?? 1}` : issue.file;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** Describes a found value for messages: numbers and strings as written, containers by kind. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  // Shortened: a message quotes what was found, never a whole file's worth of it.
  if (typeof value === 'string') return `'${(value.length > 60 ? `${value.slice(0, 57)}...` : value).replace(/[\r\n\t]/g, ' ')}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** Levenshtein distance, for "did you mean" suggestions on misspelt keys. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a small edit distance, if any. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 64) return undefined; // no field name is this long; spare the edit distance
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
