/**
 * One line of the Prometheus text exposition format (version 0.0.4, what `/metrics` returns to
 * curl; prometheus.io/docs/instrumenting/exposition_formats): `# HELP`/`# TYPE`/other comments,
 * blank lines, and samples `name{label="value",…} value [timestamp]`, where the value is a Go
 * float (`1.7704034304e+11`, `NaN`, `+Inf`, `-Inf`) and the optional timestamp is an int64 of
 * milliseconds since the epoch. Label values escape `\\`, `\"` and `\n`.
 *
 * The parser writes into a caller-owned `Sample` so reading a capture allocates only the strings
 * of the names and label values it keeps.
 */

/** A parsed sample line; `labels` holds name → value pairs flat: [n0, v0, n1, v1, …]. */
export interface Sample {
  name: string;
  labels: string[];
  value: number;
  /** The timestamp as written (milliseconds in the text format, seconds in OpenMetrics), NaN when the line has none. */
  timestamp: number;
}

export function emptySample(): Sample {
  return { name: '', labels: [], value: Number.NaN, timestamp: Number.NaN };
}

// Character classes by code, not regular expressions: this runs for every line of a capture.
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNameChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 58;
const isLabelChar = (c: number): boolean => isLetter(c) || isDigit(c);

/** The metric name at the start of a sample line ('' when it does not start with one). */
export function metricName(line: string): string {
  const c0 = line.charCodeAt(0);
  if (!(isLetter(c0) || c0 === 58)) return '';
  let i = 1;
  while (i < line.length && isNameChar(line.charCodeAt(i))) i++;
  return line.slice(0, i);
}

/** A Go float as the exposition format writes it; NaN for anything else (and for NaN itself). */
export function goFloat(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text.length === 0 || !/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return Number.NaN;
  return Number(text);
}

/**
 * Parses a sample line into `out`; returns undefined on success, else what was expected (for the
 * file:line message). Comments and blank lines are not samples: the caller skips them first.
 */
export function parseSampleLine(line: string, out: Sample): string | undefined {
  const name = metricName(line);
  if (name === '') return 'expected a sample `metric_name{label="value",…} value [timestamp ms]` or a # comment';
  out.name = name;
  out.labels.length = 0;
  let i = name.length;
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const start = i;
      while (i < line.length && isLabelChar(line.charCodeAt(i))) i++;
      if (i === start) return `label ${i + 1}: expected a label name or '}'`;
      const label = line.slice(start, i);
      while (line[i] === ' ') i++;
      if (line[i] !== '=' || line[i + 1] !== '"') return `label '${label}': expected ="value"`;
      i += 2;
      let value = '';
      let chunk = i;
      for (;;) {
        if (i >= line.length) return `label '${label}': the quoted value is not closed`;
        const c = line[i]!;
        if (c === '"') break;
        if (c === '\\') {
          value += line.slice(chunk, i);
          const e = line[i + 1];
          value += e === 'n' ? '\n' : (e ?? '');
          i += 2;
          chunk = i;
          continue;
        }
        i++;
      }
      value += line.slice(chunk, i);
      i++;
      out.labels.push(label, value);
      while (line[i] === ' ') i++;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') return `label '${label}': expected ',' or '}' after the value`;
    }
  }
  if (line[i] !== ' ' && line[i] !== '\t') return `${name}: expected a space and the value after the name and labels`;
  const rest = line.slice(i).trim().split(/[ \t]+/);
  if (rest.length > 2 || rest[0] === '') return `${name}: expected 'value [timestamp ms]' after the labels`;
  const value = goFloat(rest[0]!);
  if (Number.isNaN(value) && rest[0] !== 'NaN') return `${name}: the value '${rest[0]!.slice(0, 30)}' is not a number`;
  out.value = value;
  out.timestamp = Number.NaN;
  if (rest.length === 2) {
    const ts = /^-?\d+(?:\.\d+)?$/.test(rest[1]!) ? Number(rest[1]) : Number.NaN;
    if (!Number.isFinite(ts)) return `${name}: the timestamp '${rest[1]!.slice(0, 30)}' is not milliseconds since the epoch`;
    out.timestamp = ts;
  }
  return undefined;
}

/** A label's value in a parsed sample, undefined when absent. */
export function label(sample: Sample, name: string): string | undefined {
  const l = sample.labels;
  for (let k = 0; k < l.length; k += 2) if (l[k] === name) return l[k + 1];
  return undefined;
}
