/**
 * Loads a scenario file (YAML or JSON), applies `--set path=value` overrides, validates it with
 * the schema and returns the model's `ModelScenario`, or every problem found with its file, line,
 * column, field path and what was expected against what was found. Never throws for bad input.
 *
 * Positions come from the YAML document (JSON parses as YAML 1.2 with the same positions); a
 * problem in a value that came from an override is reported against that `--set`.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type * as z from 'zod';
import type { ModelScenario } from '../model/scenario.js';
import { createScenarioSchema, createTraceSchema, scenarioJsonSchema } from './schema.js';
import { completeBlocks, meanCpuPct, type TraceSeries, type TraceWorkload } from '../model/workload/trace-demand.js';
import { loadTraces, TraceSpecError } from './traces/resolve.js';
import { describeValue, formatPath, suggest, type Loaded, type ScenarioIssue } from './issues.js';
import { applyOverrides, type AppliedOverride, type Override } from './overrides.js';
import { loadUnitParser, needsExpressions, type UnitParser } from './units.js';
import { describeSchema, expectedType, schemaTypes, type SchemaNode } from './schema-words.js';
import { firstSyntaxError } from './yaml-errors.js';
import { extractRanges, valueAt, valueText, withValuesAt, type FileRange } from './ranges.js';
import { checkDocumentLimits, checkTextNesting, MAX_DEPTH, MAX_SCENARIO_BYTES } from './yaml-limits.js';

export interface LoadOptions {
  /** `path=value` overrides applied on top of the file, in order. */
  overrides?: readonly Override[];
  /** Folder that relative trace paths are resolved against (default: the scenario file's). */
  baseDir?: string;
}

export interface LoadedScenario extends ParsedScenario {
  /** The file it came from, as given. */
  file: string;
}

/** A validated scenario with what the file said about it beside the model's input. */
export interface ParsedScenario {
  scenario: ModelScenario;
  /** Fields written as ranges (./ranges.ts); the scenario holds their nominal values. */
  ranges: FileRange[];
  /** The document as read, overrides applied and ranges replaced by their nominal values. */
  document: unknown;
}

/** Reads, overrides and validates a scenario file. */
export async function loadScenarioFile(file: string, options: LoadOptions = {}): Promise<Loaded<LoadedScenario>> {
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_SCENARIO_BYTES) {
      return { ok: false, issues: [{ file, path: '', message: `${bytes.length} bytes; a scenario file is at most ${MAX_SCENARIO_BYTES} bytes (traces go in their own files)` }] };
    }
    text = bytes.toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a scenario file' : `cannot read it (${code ?? String(error)})`;
    return { ok: false, issues: [{ file, path: '', message: reason }] };
  }
  const parsed = await parseScenario(text, file, options);
  return parsed.ok ? { ok: true, value: { ...parsed.value, file } } : parsed;
}

/** Validates scenario text; `file` names it in messages. */
export async function parseScenarioText(text: string, file: string, options: LoadOptions = {}): Promise<Loaded<ModelScenario>> {
  const parsed = await parseScenario(text, file, options);
  return parsed.ok ? { ok: true, value: parsed.value.scenario } : parsed;
}

/** Validates scenario text and keeps its ranges; `file` names it in messages. */
export async function parseScenario(text: string, file: string, options: LoadOptions = {}): Promise<Loaded<ParsedScenario>> {
  const lineCounter = new LineCounter();
  if (text.length > MAX_SCENARIO_BYTES) {
    return { ok: false, issues: [{ file, path: '', message: `${text.length} characters; a scenario is at most ${MAX_SCENARIO_BYTES} (traces go in their own files)` }] };
  }
  const nesting = checkTextNesting(text);
  if (nesting) return { ok: false, issues: [{ file, line: nesting.line, column: nesting.column, path: '', message: `invalid YAML: ${nesting.message}` }] };
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false }); // duplicates: ./yaml-limits.ts
  } catch (error) {
    // The YAML library recurses per nesting level; only hostile nesting gets here.
    if (error instanceof RangeError) return { ok: false, issues: [{ file, line: 1, column: 1, path: '', message: 'invalid YAML: nested too deeply to read' }] };
    throw error;
  }
  if (doc.errors.length > 0) {
    // One mistake makes many errors: the first, at the line to fix (./yaml-errors.ts).
    const problem = firstSyntaxError(text, doc, lineCounter);
    // The YAML library recurses per nesting level and reports the overflow as a syntax error.
    if (/call stack/i.test(problem.message)) problem.message = `nested too deeply to read (at most ${MAX_DEPTH} levels)`;
    return { ok: false, issues: [{ file, line: problem.line, column: problem.column, path: '', message: `invalid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${problem.message}` }] };
  }
  const limit = checkDocumentLimits(doc, lineCounter);
  if (limit) return { ok: false, issues: [{ file, line: limit.line, column: limit.column, path: '', message: `invalid YAML: ${limit.message}` }] };
  // toJS resolves aliases and can still fail (an alias to an undefined anchor, too many aliases).
  const toJS = (): Loaded<unknown> => {
    try {
      return { ok: true, value: doc.toJS({ maxAliasCount: 1000 }) as unknown };
    } catch (error) {
      return { ok: false, issues: [{ file, line: 1, column: 1, path: '', message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}` }] };
    }
  };
  if (!isMap(doc.contents)) {
    const value = toJS();
    if (!value.ok) return value;
    return { ok: false, issues: [{ file, line: 1, column: 1, path: '', message: `expected a scenario (a mapping of fields such as name, hosts, vms), found ${describeValue(value.value)}` }] };
  }

  const overridden = applyOverrides(doc, options.overrides ?? []);
  if (!overridden.ok) return overridden;

  const converted = toJS();
  if (!converted.ok) return converted;
  const locate = locator(doc, lineCounter, file, overridden.value);
  // Ranges (`{ between: [1, 4] }`) are read here and replaced by their nominal values (./ranges.ts).
  const extracted = extractRanges(converted.value, (path) => schemaTypesAt(path).includes('integer'));
  if (extracted.problems.length > 0) {
    return { ok: false, issues: sortIssues(extracted.problems.slice(0, MAX_ISSUES).map((p) => ({ ...locate(p.path), path: formatPath(p.path), message: p.message }))) };
  }
  const raw = extracted.raw;
  const ranges = extracted.ranges;
  // Plain quantities ('24h', '256 GiB') are read without mathjs; a file with an expression
  // ('2 * 128 GiB') loads it first (./units.ts).
  const units: UnitParser = await loadUnitParser({ expressions: containsExpression(raw) });
  const schema = createScenarioSchema(units);
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) {
    const endIssues = ranges.length > 0 ? checkRangeEnds(schema, raw, ranges) : [];
    if (endIssues.length > 0) return { ok: false, issues: sortIssues(endIssues.map((found) => ({ ...locate(found.path), path: formatPath(found.path), message: found.message }))) };
    const traceIssues = await loadScenarioTraces(result.data, raw, units, options.baseDir ?? dirname(file));
    if (traceIssues.length === 0) return { ok: true, value: { scenario: result.data, ranges, document: raw } };
    return { ok: false, issues: traceIssues.map((found) => ({ ...locate(found.path), path: formatPath(found.path), message: found.message })) };
  }

  // Explaining is linear per issue but locating is not: a flood of issues is cut (the first ones are the ones to fix).
  const zodIssues = result.error.issues.slice(0, MAX_ISSUES);
  const fromRange = (path: readonly PropertyKey[]): boolean => ranges.some((r) => r.path.length === path.length && r.path.every((s, i) => s === path[i]));
  const issues = zodIssues.flatMap((issue) =>
    explain(issue, raw).map((found) => ({
      ...locate(found.path, found.key),
      path: formatPath(found.path.concat(found.key !== undefined ? [found.key] : [])),
      message: fromRange(found.path) ? `${found.message} (the range's nominal value)` : found.message,
    })),
  );
  const shownIssues = sortIssues(dedupe(issues.slice(0, MAX_ISSUES)));
  const total = result.error.issues.reduce((n, issue) => n + (issue.code === 'unrecognized_keys' ? issue.keys.length : 1), 0);
  const more = total - Math.min(issues.length, MAX_ISSUES);
  if (more > 0) shownIssues.push({ file, path: '', message: `and ${more} more problem${more === 1 ? '' : 's'} not shown` });
  return { ok: false, issues: shownIssues };
}

/** Problems listed for one file; more are counted, not shown. */
const MAX_ISSUES = 50;

/**
 * Every range must be a valid value at both ends: the scenario is validated again with all
 * ranges at their low ends, then at their high ends. A problem names the end that breaks.
 */
function checkRangeEnds(schema: ReturnType<typeof createScenarioSchema>, raw: unknown, ranges: readonly FileRange[]): Explained[] {
  const found: Explained[] = [];
  for (const end of ['low', 'high'] as const) {
    const atEnd = withValuesAt(raw, ranges.map((r) => ({ path: r.path, value: valueText(r.distribution[end], r.distribution) })));
    const result = schema.safeParse(atEnd, { reportInput: true });
    if (result.success) continue;
    for (const issue of result.error.issues.slice(0, MAX_ISSUES)) {
      for (const e of explain(issue, atEnd)) found.push({ path: e.path, message: `with every range at its ${end} end: ${e.message}` });
    }
    break; // the low end's problems first; the high end's once those are fixed
  }
  return found;
}

/**
 * Reads the traces of every trace-driven group into the scenario (the schema left them empty) and
 * sets the group's mean utilisation from them. Problems name the trace field they belong to.
 */
async function loadScenarioTraces(scenario: ModelScenario, raw: unknown, units: UnitParser | undefined, baseDir: string): Promise<Explained[]> {
  const issues: Explained[] = [];
  const traceSchema = createTraceSchema(units);
  for (let i = 0; i < scenario.vms.length; i++) {
    const group = scenario.vms[i]!;
    const workload = group.workload.trace;
    if (!workload) continue;
    const path: PropertyKey[] = ['vms', i, 'workload', 'trace'];
    // The same settings, typed: they passed validation as part of the scenario.
    const spec = traceSchema.parse(valueAt(raw, path));
    try {
      const traces = await loadTraces(spec, baseDir, scenario.stepSeconds);
      if (workload.mapping === 'byId' && typeof group.count === 'number' && group.count > traces.length) {
        issues.push({ path: ['vms', i, 'count'], message: `mapping byId gives each VM its own trace: ${group.count} VMs but ${traces.length} trace${traces.length === 1 ? '' : 's'} (lower count or use mapping: bootstrap)` });
        continue;
      }
      if (workload.mapping === 'bootstrap' && !traces.some((t) => completeBlocks(t, workload.blockSeconds, scenario.stepSeconds).count > 0)) {
        issues.push({ path: [...path, 'blockHours'], message: `no trace holds a complete block of ${workload.blockSeconds / 3600} h (the longest covers ${Math.max(...traces.map((t) => t.steps)) * scenario.stepSeconds / 3600} h)` });
        continue;
      }
      workload.traces = traces;
      group.workload.cpu.utilPct = meanCpuPct(traces);
      describeTracesInJson(workload);
    } catch (error) {
      if (!(error instanceof TraceSpecError)) throw error;
      issues.push({ path: [...path, error.field], message: error.message });
    }
  }
  return issues;
}

/**
 * JSON of a trace workload: the traces by id, size and a digest of their values instead of the
 * values themselves (megabytes of numbers). Keeps `validate --resolved` readable and scenario
 * keys made with JSON.stringify small while still telling different traces apart. Not enumerable,
 * so structured cloning (worker threads) carries the plain data and leaves this out.
 */
function describeTracesInJson(workload: TraceWorkload): void {
  let digest: string | undefined;
  Object.defineProperty(workload, 'toJSON', {
    enumerable: false,
    value: () => {
      digest ??= traceDigest(workload.traces);
      const { traces, ...rest } = workload;
      return {
        ...rest,
        traces: traces.map((t) => ({ id: t.id, startSeconds: t.startSeconds, steps: t.steps, vcpus: t.vcpus ?? null, memoryGiB: t.memoryGiB ?? null, metrics: Object.keys(t.series) })),
        digest,
      };
    },
  });
}

/** FNV-1a (32 bit) over every series' bytes, in hex. */
function traceDigest(traces: readonly TraceSeries[]): string {
  let h = 0x811c9dc5;
  for (const t of traces) {
    for (const values of Object.values(t.series)) {
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    }
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Any string value that is an expression ('2 * 128 GiB'), not a plain quantity, needs mathjs. */
function containsExpression(value: unknown): boolean {
  if (typeof value === 'string') return needsExpressions(value);
  if (Array.isArray(value)) return value.some(containsExpression);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsExpression);
  return false;
}

interface Explained {
  path: PropertyKey[];
  /** For an unknown key: the key itself, located at the key rather than its parent. */
  key?: string;
  message: string;
}

/** Turns one zod issue into messages that say what was expected and what was found. */
function explain(issue: z.core.$ZodIssue, raw: unknown): Explained[] {
  const path = [...issue.path];
  const value = valueAt(raw, path);
  const found = describeValue(value);
  const node = schemaAt(path);
  const wanted = node ? describeSchema(node) : undefined;
  switch (issue.code) {
    case 'invalid_type':
    case 'invalid_union': {
      const expected = wanted ?? (issue.code === 'invalid_type' ? expectedType(issue.expected) : issue.message);
      if (value === undefined) return [{ path, message: `missing required field (expected ${expected})` }];
      return [{ path, message: `expected ${expected}, found ${found}` }];
    }
    case 'too_small':
    case 'too_big': {
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      if (issue.origin === 'array') {
        return [{ path, message: `expected ${op === '>=' && Number(bound) === 1 ? 'at least one entry' : `a list with ${op} ${String(bound)} entries`}, found ${found}` }];
      }
      if (issue.origin === 'string') return [{ path, message: `expected a non-empty text, found ${found}` }];
      const kind = node && schemaTypes(node).includes('integer') ? 'an integer' : 'a number';
      return [{ path, message: `expected ${kind} ${op} ${String(bound)}, found ${found}` }];
    }
    case 'invalid_value':
      return [{ path, message: `expected one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}, found ${found}` }];
    case 'unrecognized_keys': {
      const allowed = allowedKeys(path);
      return issue.keys.slice(0, MAX_ISSUES).map((key) => {
        const hint = suggest(key, allowed);
        return { path, key, message: `unknown field ${describeValue(key)}${hint ? ` (did you mean '${hint}'?)` : allowed.length > 0 ? ` (expected one of ${allowed.join(', ')})` : ''}` };
      });
    }
    default:
      return [{ path, message: issue.message }];
  }
}

/** The JSON Schema node for a field path (through lists, defaults and optional wrappers). */
function schemaAt(path: readonly PropertyKey[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = scenarioJsonSchema();
  for (const segment of path) {
    if (!node) return undefined;
    node = typeof segment === 'number' ? (node.items as SchemaNode | undefined) : (node.properties as Record<string, SchemaNode> | undefined)?.[String(segment)];
  }
  return node;
}

/** The JSON types a field path allows ('integer', 'number', …). */
function schemaTypesAt(path: readonly PropertyKey[]): string[] {
  const node = schemaAt(path);
  if (!node) return [];
  // A nullable or optional field is a union: its types are its members' (`connections: 1000 | null`).
  const members = Array.isArray(node.anyOf) ? (node.anyOf as SchemaNode[]) : [];
  return [...schemaTypes(node), ...members.flatMap(schemaTypes)];
}

/** Keys the JSON Schema allows at a path, for "did you mean" hints. */
function allowedKeys(path: readonly PropertyKey[]): string[] {
  const properties = schemaAt(path)?.properties;
  return properties && typeof properties === 'object' ? Object.keys(properties) : [];
}

/** Maps a field path to its place in the file, or to the override that set it. */
function locator(doc: Document, lineCounter: LineCounter, file: string, overrides: readonly AppliedOverride[]) {
  return (path: PropertyKey[], key?: string): { file: string; line?: number; column?: number } => {
    const full = key !== undefined ? [...path, key] : path;
    for (const o of overrides) {
      const within = o.path.length <= full.length && o.path.every((segment, i) => segment === full[i]);
      if (within) return { file: o.label };
    }
    // Walk down as far as the document goes; report the deepest existing node (a missing field
    // is reported at its parent).
    let best: number | undefined;
    for (let depth = full.length; depth >= 0 && best === undefined; depth--) {
      const prefix = full.slice(0, depth);
      if (key !== undefined && depth === full.length) {
        const parent = doc.getIn(path, true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
          if (pair && isScalar(pair.key) && pair.key.range) best = pair.key.range[0];
        }
        continue;
      }
      const node = prefix.length === 0 ? doc.contents : doc.getIn(prefix as (string | number)[], true);
      if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) best = node.range[0] as number;
      else if (isSeq(node) || isMap(node)) best = node.range?.[0];
    }
    if (best === undefined) return { file };
    const pos = lineCounter.linePos(best);
    return { file, line: pos.line, column: pos.col };
  };
}

/** Overrides first, then in file order, so the list reads top to bottom like the file. */
function sortIssues(issues: ScenarioIssue[]): ScenarioIssue[] {
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => {
      const la = a.issue.line ?? -1;
      const lb = b.issue.line ?? -1;
      return la - lb || (a.issue.column ?? 0) - (b.issue.column ?? 0) || a.i - b.i;
    })
    .map((x) => x.issue);
}

function dedupe(issues: ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.file}|${issue.line}|${issue.column}|${issue.path}|${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
