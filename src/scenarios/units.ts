/**
 * Quantities users write in scenario files: `256 GiB`, `400 MB/s`, `24h`, `5 min`, `2 * 128 GiB`.
 *
 * A plain quantity — a number and one unit of time, bytes or bytes per time — is read by a small
 * parser here, with the units and factors mathjs uses (test/scenarios/units.test.ts checks every
 * one against mathjs). Only a real expression (`2 * 128 GiB`, `(64 + 32) GiB`) loads mathjs, once
 * per process and with only the factories arithmetic on units needs (importing mathjs costs about
 * a second and 100 MB, so a file without expressions never pays it).
 *
 * Expressions come from files users hand over, so they are sandboxed as mathjs's security guidance
 * advises for untrusted input (https://mathjs.org/docs/expressions/security.html): the text is
 * parsed, never evaluated by mathjs; the tree may hold only numbers, unit names, + − * / ^,
 * unary signs and parentheses (no function calls, assignments, symbols other than units,
 * matrices or accessors), within bounds on its length, size, depth and exponents; then this module
 * evaluates the tree itself. Nothing a file says can define a unit or call a function.
 */
import type { MathJsInstance, MathNode, Unit } from 'mathjs';

/** The physical dimension a field holds, with the unit its value is stored in. */
export interface Dimension {
  /** In words, for messages: "a time", "a memory size". */
  name: string;
  /** The unit the value is stored in (the unit in the field's name). */
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

type Base = 's' | 'B' | 'B/s';

const BASE_NAMES: Record<Base, string> = { s: 'a time', B: 'a memory size', 'B/s': 'a data rate' };

/** Seconds per time unit, under every name mathjs accepts for it (plus `d` for days, as before). */
export const TIME_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  ms: 1e-3,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86_400,
  day: 86_400,
  days: 86_400,
  week: 604_800,
  weeks: 604_800,
};

/** Bytes per size unit, SI (k, M, G, T, P: powers of 1000) and IEC (Ki … Pi: powers of 1024), as mathjs has them. */
export const BYTE_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  byte: 1,
  bytes: 1,
  kB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  PB: 1e15,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  PiB: 2 ** 50,
};

/** A number, then optionally one unit: `5`, `5 min`, `24h`, `1.5e3 MiB`, `400 MB/s`. */
const PLAIN = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]+(?:\s*\/\s*[A-Za-z]+)?)?\s*$/;

/** A unit name in base units: `{ factor: 2**30, base: 'B' }` for GiB; undefined when not one of ours. */
function unitOf(name: string): { factor: number; base: Base } | undefined {
  const slash = name.indexOf('/');
  if (slash < 0) {
    if (name in TIME_UNITS) return { factor: TIME_UNITS[name]!, base: 's' };
    if (name in BYTE_UNITS) return { factor: BYTE_UNITS[name]!, base: 'B' };
    return undefined;
  }
  const bytes = BYTE_UNITS[name.slice(0, slash).trim()];
  const per = TIME_UNITS[name.slice(slash + 1).trim()];
  return bytes !== undefined && per !== undefined ? { factor: bytes / per, base: 'B/s' } : undefined;
}

/** A plain quantity read without mathjs, or undefined when `text` is something else (an expression, a typo). */
function readPlain(text: string): { value: number; unit?: { factor: number; base: Base } } | undefined {
  const match = PLAIN.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  if (match[2] === undefined) return { value };
  const unit = unitOf(match[2]);
  return unit ? { value, unit } : undefined;
}

/** True when a string could be a quantity (starts like a number or an expression). */
export function looksLikeQuantity(text: string): boolean {
  return /^\s*[-+(.\d]/.test(text);
}

/** A time of day ('07:30'), which the schema reads itself (schema.ts, moments). */
const CLOCK_TIME = /^\s*\d{1,2}:\d{2}\s*$/;

/**
 * True when a string needs the expression engine: it looks like a quantity but is not a plain one
 * (nor a time of day: a storm `at: "07:30"` loaded mathjs for every run of a VDI scenario).
 */
export function needsExpressions(text: string): boolean {
  return looksLikeQuantity(text) && readPlain(text) === undefined && !CLOCK_TIME.test(text);
}

function convertPlain(text: string, plain: { value: number; unit?: { factor: number; base: Base } }, dimension: Dimension): Conversion {
  if (!plain.unit) return Number.isFinite(plain.value) ? { ok: true, value: plain.value } : { ok: false, message: `expected a finite number, found '${text}'` };
  const target = unitOf(dimension.unit)!;
  if (plain.unit.base !== target.base) {
    return { ok: false, message: `expected ${dimension.name} such as ${dimension.example}, found '${text}' (${BASE_NAMES[plain.unit.base]})` };
  }
  const value = (plain.value * plain.unit.factor) / target.factor;
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, message: `'${text}' is not a finite ${dimension.name.replace(/^an? /, '')}` };
}

/**
 * The unit parser. With `expressions`, mathjs is loaded first so that expressions can be read;
 * without, an expression is refused with a message saying so (the loader asks for expressions
 * whenever a file holds one, see needsExpressions).
 */
export async function loadUnitParser(options: { expressions?: boolean } = {}): Promise<UnitParser> {
  const expressions = options.expressions ? await expressionEngine() : undefined;
  return {
    convert(text: string, dimension: Dimension): Conversion {
      const plain = readPlain(text);
      if (plain) return convertPlain(text, plain, dimension);
      if (!looksLikeQuantity(text)) return { ok: false, message: `expected ${dimension.name} such as ${dimension.example}, found '${text}'` };
      if (!expressions) return { ok: false, message: `expected ${dimension.name} such as ${dimension.example}, found '${text}' (an expression; this reader takes plain quantities only)` };
      return expressions(text, dimension);
    },
  };
}

// ---- expressions: mathjs parses, this module checks the tree and evaluates it ----

/** Bounds on what an expression may be: far beyond any quantity a scenario needs. */
const MAX_EXPRESSION_CHARS = 200;
const MAX_NODES = 64;
const MAX_DEPTH = 16;
const MAX_EXPONENT = 4;

type Evaluate = (text: string, dimension: Dimension) => Conversion;
let engine: Promise<Evaluate> | undefined;

/** Loads mathjs once, with only parsing, units and the arithmetic on them. */
function expressionEngine(): Promise<Evaluate> {
  engine ??= (async () => {
    const m = await import('mathjs');
    const math = m.create({
      parseDependencies: m.parseDependencies!,
      unitDependencies: m.unitDependencies!,
      addDependencies: m.addDependencies!,
      subtractDependencies: m.subtractDependencies!,
      multiplyDependencies: m.multiplyDependencies!,
      divideDependencies: m.divideDependencies!,
      powDependencies: m.powDependencies!,
      unaryMinusDependencies: m.unaryMinusDependencies!,
      createUnitDependencies: m.createUnitDependencies!,
    });
    // `d` for days reads naturally in durations ("7d"); mathjs only knows `day`/`days`.
    math.createUnit('d', '1 day');
    return (text, dimension) => evaluateExpression(math, text, dimension);
  })();
  return engine;
}

class Refused extends Error {}

const OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus']);

function evaluateExpression(math: MathJsInstance, text: string, dimension: Dimension): Conversion {
  const expected = `expected ${dimension.name} such as ${dimension.example}`;
  if (text.length > MAX_EXPRESSION_CHARS) return { ok: false, message: `${expected}, found an expression of ${text.length} characters (at most ${MAX_EXPRESSION_CHARS})` };
  let tree: MathNode;
  try {
    tree = math.parse(text);
  } catch {
    return { ok: false, message: `${expected}, found '${text}'` };
  }
  let nodes = 0;
  const evaluate = (node: MathNode, depth: number): Unit | number => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) throw new Refused(`the expression is too large (at most ${MAX_NODES} terms, ${MAX_DEPTH} levels)`);
    switch (node.type) {
      case 'ConstantNode': {
        const value = (node as unknown as { value: unknown }).value;
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new Refused(`only numbers and units may appear, found ${JSON.stringify(value)}`);
        return value;
      }
      case 'SymbolNode': {
        const name = (node as unknown as { name: string }).name;
        if (unitOf(name) === undefined) throw new Refused(`'${name}' is not a unit of time, bytes or bytes per time`);
        return math.unit(1, name);
      }
      case 'ParenthesisNode':
        return evaluate((node as unknown as { content: MathNode }).content, depth + 1);
      case 'OperatorNode': {
        const { fn, args } = node as unknown as { fn: string; args: MathNode[] };
        if (!OPERATORS.has(fn)) throw new Refused(`only + − * / ^ may join terms, found '${(node as unknown as { op: string }).op}'`);
        const values = args.map((a) => evaluate(a, depth + 1));
        switch (fn) {
          case 'unaryMinus':
            return math.unaryMinus(values[0]!) as Unit | number;
          case 'unaryPlus':
            return values[0]!;
          case 'pow': {
            const exponent = values[1];
            if (typeof exponent !== 'number' || !Number.isInteger(exponent) || Math.abs(exponent) > MAX_EXPONENT) throw new Refused(`an exponent must be a whole number from −${MAX_EXPONENT} to ${MAX_EXPONENT}`);
            return math.pow(values[0]!, exponent) as Unit | number;
          }
          case 'add':
            return math.add(values[0]!, values[1]!) as Unit | number;
          case 'subtract':
            return math.subtract(values[0]!, values[1]!) as Unit | number;
          case 'multiply':
            return math.multiply(values[0]!, values[1]!) as Unit | number;
          default:
            return math.divide(values[0]!, values[1]!) as Unit | number;
        }
      }
      case 'FunctionNode':
        throw new Refused(`function calls are not allowed ('${(node as unknown as { fn: { name?: string } }).fn.name ?? '…'}(…)')`);
      default:
        throw new Refused(`only numbers, units, + − * / ^ and parentheses may appear (found ${node.type.replace(/Node$/, '').toLowerCase()})`);
    }
  };
  let value: Unit | number;
  try {
    value = evaluate(tree, 0);
  } catch (error) {
    if (error instanceof Refused) return { ok: false, message: `${expected}, found '${text}': ${error.message}` };
    // Units that cannot be added (a time plus a size) and the like.
    return { ok: false, message: `${expected}, found '${text}' (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof value === 'number') return Number.isFinite(value) ? { ok: true, value } : { ok: false, message: `expected a finite number, found '${text}'` };
  const target = math.unit(1, dimension.unit);
  if (!value.equalBase(target)) {
    const base = (Object.keys(BASE_NAMES) as Base[]).find((b) => value.equalBase(math.unit(1, b === 'B/s' ? 'B/s' : b)));
    return { ok: false, message: `${expected}, found '${text}' (${base ? BASE_NAMES[base] : 'a quantity of another kind'})` };
  }
  const converted = value.toNumber(dimension.unit);
  return Number.isFinite(converted) ? { ok: true, value: converted } : { ok: false, message: `'${text}' is not a finite ${dimension.name.replace(/^an? /, '')}` };
}
