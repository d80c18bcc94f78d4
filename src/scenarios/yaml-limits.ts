/**
 * Limits on a parsed scenario document before it is turned into plain values, so a hostile or
 * broken file ends in a located error instead of a stack overflow, a cycle or a long hang:
 *
 * - nesting deeper than MAX_DEPTH levels (the deepest bundled scenario nests 6; recursion in the
 *   YAML library and the validator overflows the stack near a few thousand);
 * - an alias inside the node it refers to (`a: &x [*x]`): toJS would build a cyclic value that
 *   every later walk recurses into forever;
 * - more than MAX_ALIASES aliases (alias expansion can grow exponentially: ten levels of ten
 *   aliases are 10^10 nodes; yaml's own `maxAliasCount` bounds the expanded size as well);
 * - more than MAX_NODES nodes (a scenario is a few hundred);
 * - a key twice in one mapping ("Map keys must be unique"): checked here with a set per mapping,
 *   because the YAML library's own check compares every pair (10,000 keys: 2.7 s; 20,000: 9 s);
 * - tags other than YAML 1.2 core ones (`!!js/function`, `!foo`): kept as text by the YAML
 *   library, they would silently mean something the author did not intend.
 *
 * The walk is iterative (an explicit stack), so it cannot itself overflow.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export const MAX_DEPTH = 64;
export const MAX_ALIASES = 1000;
export const MAX_NODES = 100_000;
/** Scenario files are a few KB (the largest bundled one is 4 KB). */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

export interface LimitProblem {
  line: number;
  column: number;
  message: string;
}

/** The first limit the document breaks, or undefined. */
export function checkDocumentLimits(doc: Document, lineCounter: LineCounter): LimitProblem | undefined {
  const at = (offset: number | undefined, message: string): LimitProblem => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col, message };
  };
  for (const warning of doc.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') {
      const tag = /tag:? ?(\S+)/i.exec(warning.message)?.[1] ?? 'unknown';
      return at(warning.pos[0], `unsupported YAML tag ${tag.replace(/^tag:yaml\.org,2002:/, '!!')} (scenario files use plain values only)`);
    }
  }
  const anchors = new Map<string, Node>();
  let nodes = 0;
  let aliases = 0;
  // Document order matters: an alias refers to the last anchor of its name before it.
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || node === undefined) continue;
    if (++nodes > MAX_NODES) return at(rangeStart(node), `more than ${MAX_NODES} values in one scenario file`);
    if (depth > MAX_DEPTH) return at(rangeStart(node), `nested deeper than ${MAX_DEPTH} levels`);
    if (isPair(node)) {
      stack.push({ node: node.value, depth }, { node: node.key, depth });
      continue;
    }
    if (isAlias(node)) {
      if (++aliases > MAX_ALIASES) return at(node.range?.[0], `more than ${MAX_ALIASES} aliases`);
      const target = anchors.get(node.source);
      if (!target) return at(node.range?.[0], `alias *${node.source} refers to no anchor &${node.source} before it`);
      const r = target.range;
      if (r && node.range && node.range[0] >= r[0] && node.range[0] < r[2]) {
        return at(node.range[0], `alias *${node.source} lies inside the value it refers to (a value cannot contain itself)`);
      }
      continue;
    }
    if (isScalar(node) || isMap(node) || isSeq(node)) {
      if (node.anchor) anchors.set(node.anchor, node);
      if (isMap(node)) {
        const seen = new Set<unknown>();
        for (const pair of node.items) {
          if (!isScalar(pair.key)) continue;
          const key = pair.key.value;
          if (seen.has(key)) return at(pair.key.range?.[0], `Map keys must be unique: '${String(key).slice(0, 40)}' appears twice in one mapping`);
          seen.add(key);
        }
      }
      if (isMap(node) || isSeq(node)) {
        const items = node.items as unknown[];
        for (let i = items.length - 1; i >= 0; i--) stack.push({ node: items[i], depth: depth + 1 });
      }
    }
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) return node.range[0] as number;
  if (isPair(node)) return rangeStart(node.key);
  return undefined;
}

/** Deeper than this in flow brackets, or indented further, a text is refused before parsing. */
const MAX_FLOW_DEPTH = 256;
const MAX_INDENT = 1024;

/**
 * A cheap scan of the raw text for nesting no scenario has, before the YAML parser (which recurses
 * per level) sees it: with another syntax error in the file, the search for the line to fix
 * (./yaml-errors.ts) re-parses the text dozens of times, and each parse of 3,000 nested brackets
 * overflowed the stack again (43 s for one fuzzed file). Brackets inside quotes count too; a
 * scenario has no reason for 256 of them.
 */
export function checkTextNesting(text: string): LimitProblem | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let indent = 0;
  let inIndent = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
      indent = 0;
      inIndent = true;
      continue;
    }
    if (inIndent) {
      if (c === 32) {
        if (++indent > MAX_INDENT) return { line, column: indent, message: `indented more than ${MAX_INDENT} columns (nested too deeply)` };
        continue;
      }
      inIndent = false;
    }
    if (c === 91 || c === 123) {
      if (++depth > MAX_FLOW_DEPTH) return { line, column: i - lineStart + 1, message: `more than ${MAX_FLOW_DEPTH} nested brackets (nested too deeply)` };
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return undefined;
}
