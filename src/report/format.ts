/**
 * Number and duration formatting shared by the text, markdown and terminal renderers. Every
 * formatted number carries its unit in the caption or beside it; a missing value reads "n/a".
 */

/** A number with a sensible number of decimals for its size. */
export function fmt(value: number | null | undefined, digits?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  if (digits !== undefined) return value.toFixed(digits);
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  // Below the last shown decimal a value is not zero; say so rather than print 0.00.
  if (abs < 0.005) return value > 0 ? '<0.01' : '>-0.01';
  if (abs >= 1000) return value.toFixed(0);
  if (abs >= 100) return value.toFixed(1);
  return value.toFixed(2);
}

/** A limit or setting the user wrote: as written (0.001 stays 0.001), not rounded for display. */
export function fmtGiven(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** Seconds as the largest whole unit that reads naturally: `24 h`, `5 min`, `20 s`, `250 ms`. */
export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  // Whole days read as hours up to two days ("24 h", "36 h").
  if (seconds >= 2 * 86_400 && Math.abs(seconds / 86_400 - Math.round(seconds / 86_400)) < 1e-9) return `${Math.round(seconds / 86_400)} d`;
  const units: [number, string][] = [
    [3600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && Math.abs(seconds / size - Math.round(seconds / size)) < 1e-9) return `${Math.round(seconds / size)} ${name}`;
  }
  if (seconds >= 60) return `${fmt(seconds / 60)} min`;
  if (seconds >= 1) return `${fmt(seconds)} s`;
  return `${fmt(seconds * 1000)} ms`;
}

/** Pads cells into aligned columns; the first column left-aligned, the rest right-aligned. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
}
