/**
 * Quantities users write in scenario files: `256 GiB`, `400 MB/s`, `24h`, `5 min`, `2 * 128 GiB`.
 *
 * mathjs parses them and converts them to the unit a field is stored in (the unit in the field's
 * name: `memoryGiB`, `burstMs`, or seconds for `duration`). Importing mathjs costs about a second,
 * so the loader asks for a parser only when a file actually contains a string where a quantity may
 * stand; files written in plain numbers never load it.
 *
 * `math.unit()` reads a single quantity ("5 min"); `math.evaluate()` reads expressions
 * ("2 * 128 GiB") but takes `min` for the function min(), so a plain quantity is tried first.
 */
import type { Unit } from 'mathjs';

/** The physical dimension a field holds, with the unit its value is stored in. */
export interface Dimension {
  /** In words, for messages: "a time", "a memory size". */
  name: string;
  /** The unit mathjs converts to (the field's storage unit). */
  unit: string;
  /** An example for error messages. */
  example: string;
}

export const TIME_SECONDS: Dimension = { name: 'a time', unit: 's', example: "'24h' or '5 min'" };
export const TIME_HOURS: Dimension = { name: 'a time', unit: 'h', example: "'24 h' or '1 day'" };
export const TIME_MS: Dimension = { name: 'a time', unit: 'ms', example: "'20 ms'" };
export const MEMORY_GIB: Dimension = { name: 'a memory size', unit: 'GiB', example: "'256 GiB' or '4096 MiB'" };
export const RATE_MBPS: Dimension = { name: 'a data rate', unit: 'MB/s', example: "'400 MB/s'" };

export type Conversion = { ok: true; value: number } | { ok: false; message: string };

export interface UnitParser {
  /** Converts `text` to a number in `dimension.unit`; a bare number is taken as already in it. */
  convert(text: string, dimension: Dimension): Conversion;
}

/** Dimensions recognised when describing what a user wrote instead ("found '24 h', a time"). */
const KNOWN_BASES: readonly [unit: string, name: string][] = [
  ['s', 'a time'],
  ['B', 'a memory size'],
  ['B/s', 'a data rate'],
  ['Hz', 'a frequency'],
  ['m', 'a length'],
];

/** Loads mathjs (about a second, once per process) and returns a parser over it. */
export async function loadUnitParser(): Promise<UnitParser> {
  const mathjs = await import('mathjs');
  const math = mathjs.create(mathjs.all!);
  // `d` for days reads naturally in durations ("7d"); mathjs only knows `day`/`days`.
  math.createUnit('d', '1 day');

  type Parsed = Unit | number;
  const read = (text: string): Parsed => {
    try {
      return math.unit(text);
    } catch {
      const value: unknown = math.evaluate(text);
      if (typeof value === 'number') return value;
      if (math.isUnit(value)) return value;
      throw new Error('not a quantity');
    }
  };

  const describe = (value: Unit): string => {
    for (const [unit, name] of KNOWN_BASES) {
      if (value.equalBase(math.unit(`1 ${unit}`))) return name;
    }
    return 'a quantity of another kind';
  };

  return {
    convert(text: string, dimension: Dimension): Conversion {
      let parsed: Parsed;
      try {
        parsed = read(text.trim());
      } catch {
        return { ok: false, message: `expected ${dimension.name} such as ${dimension.example}, found '${text}'` };
      }
      if (typeof parsed === 'number') {
        return Number.isFinite(parsed)
          ? { ok: true, value: parsed }
          : { ok: false, message: `expected a finite number, found '${text}'` };
      }
      if (!parsed.equalBase(math.unit(`1 ${dimension.unit}`))) {
        return {
          ok: false,
          message: `expected ${dimension.name} such as ${dimension.example}, found '${text}' (${describe(parsed)})`,
        };
      }
      const value = parsed.toNumber(dimension.unit);
      return Number.isFinite(value) ? { ok: true, value } : { ok: false, message: `'${text}' is not a finite ${dimension.name.replace(/^an? /, '')}` };
    },
  };
}

/** True when a string could be a quantity (starts like a number or an expression), so the loader knows to load mathjs. */
export function looksLikeQuantity(text: string): boolean {
  return /^\s*[-+(.\d]/.test(text);
}
