/**
 * The first YAML syntax error of a scenario, at the line a person would fix.
 *
 * The yaml parser reports every error it meets, and one mistake usually causes several: a line
 * indented one space too far turns the lines after it into a cascade of "All mapping items must
 * start at the same column" and "Nested mappings are not allowed in compact mappings", and the
 * first of them is often on the line before or after the culprit (the parser notices the problem
 * where the structure breaks, not where it started). So only the first error is reported, and:
 *
 * - an indentation error is located by trying, on each line near it and on the lines above it at
 *   about its level (up to their parent), the indents its neighbours use: the re-indent that leaves
 *   the fewest errors (none, typically) wins, and among equals the one that moves the line whose
 *   indent the file uses least (a slip stands out as an odd indent used once), then the first (the
 *   parser notices a broken structure after the line that broke it).
 *   The message says how far the line is indented and what would fit;
 * - an unclosed quote is reported where the quote opens, not at the end of the file where the
 *   parser gives up.
 *
 * The search re-parses the text a few dozen times at most, only on the error path, and only for
 * texts of scenario size.
 */
import { parseDocument, visit, type Document, type LineCounter, type YAMLError } from 'yaml';

export interface SyntaxProblem {
  /** 1-based. */
  line: number;
  column: number;
  message: string;
}

/**
 * Texts larger than this get the parser's first error as it is (no re-indent search): the search
 * re-parses the text dozens of times, and at 100–180 KB (a fuzzed file with thousands of keys and
 * one syntax error) that took 2–17 s. 32,000 characters is 8 times the largest bundled scenario.
 */
const SEARCH_LIMIT_CHARS = 32_000;
/** Lines on each side of the reported error tried as the culprit. */
const CULPRIT_WINDOW = 2;
/** Lines on each side of a candidate whose indents (and those ± 2) are tried on it. */
const INDENT_WINDOW = 4;
/** How far above the error to look for the line that opened its block. */
const SIBLING_WINDOW = 40;

const INDENT_CODES = new Set(['BAD_INDENT', 'MISSING_CHAR', 'MULTILINE_IMPLICIT_KEY', 'BLOCK_AS_IMPLICIT_KEY', 'UNEXPECTED_TOKEN', 'BAD_COLLECTION_TYPE']);

function errorsOf(text: string): YAMLError[] {
  // Duplicate keys are checked in linear time by ./yaml-limits.ts; the library's check is quadratic.
  return parseDocument(text, { prettyErrors: false, uniqueKeys: false }).errors;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const meaningful = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');
/**
 * A line whose indent carries structure: a `key:` or a `- ` item. Re-indenting anything else
 * (a stray character, say) could only fold it into a text value, which hides the real mistake.
 */
const structural = (line: string): boolean => /^\s*(- |-$|[\w"'][^:#]*:(\s|$))/.test(line);

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** An unclosed quoted scalar: where its quote opens. */
function unclosedQuote(doc: Document, error: YAMLError): number | undefined {
  if (error.code !== 'MISSING_CHAR' || !/quote/i.test(error.message)) return undefined;
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range && node.range[0] <= error.pos[0] && node.range[1] >= error.pos[0]) start = node.range[0];
    },
  });
  return start;
}

/** Lines (0-based) that may be the culprit of an error reported on line `around`. */
function candidates(lines: string[], around: number): number[] {
  const out = new Set<number>();
  for (let c = Math.max(0, around - CULPRIT_WINDOW); c <= Math.min(lines.length - 1, around + CULPRIT_WINDOW); c++) if (meaningful(lines[c]!)) out.add(c);
  // The lines above at about the same level, up to their parent: one of them may have set the
  // column the reported line disagrees with.
  const level = meaningful(lines[around] ?? '') ? indentOf(lines[around]!) : undefined;
  if (level !== undefined) {
    for (let n = around - 1; n >= Math.max(0, around - SIBLING_WINDOW); n--) {
      if (!meaningful(lines[n]!)) continue;
      const indent = indentOf(lines[n]!);
      if (indent < level - 2) break;
      if (Math.abs(indent - level) <= 2) out.add(n);
    }
  }
  return [...out];
}

/** Lines (0-based) inside block scalars (`description: >`): text, whose indent is not structure. */
function blockScalarLines(doc: Document, lineCounter: LineCounter): Set<number> {
  const inside = new Set<number>();
  visit(doc, {
    Scalar(_key, node) {
      if ((node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') && node.range) {
        const first = lineCounter.linePos(node.range[0]).line;
        const last = lineCounter.linePos(Math.max(node.range[0], node.range[1] - 1)).line;
        for (let l = first + 1; l <= last; l++) inside.add(l - 1);
      }
    },
  });
  return inside;
}

/** The line (0-based) whose re-indent fixes the most, with the indent that does, when one helps. */
function culpritLine(lines: string[], around: number, errorCount: number, text: Set<number>): { line: number; indent: number } | undefined {
  const uses = new Map<number, number>();
  for (const l of lines) if (meaningful(l)) uses.set(indentOf(l), (uses.get(indentOf(l)) ?? 0) + 1);
  let best: { line: number; indent: number; errors: number; uses: number } | undefined;
  const better = (a: NonNullable<typeof best>, b: typeof best): boolean =>
    !b || a.errors < b.errors || (a.errors === b.errors && (a.uses < b.uses || (a.uses === b.uses && a.line < b.line)));
  for (const c of candidates(lines, around)) {
    if (!structural(lines[c]!) || text.has(c)) continue;
    const current = indentOf(lines[c]!);
    const indents = new Set<number>();
    for (let n = Math.max(0, c - INDENT_WINDOW); n <= Math.min(lines.length - 1, c + INDENT_WINDOW); n++) {
      if (n === c || !meaningful(lines[n]!)) continue;
      const k = indentOf(lines[n]!);
      for (const indent of [k, k - 2, k + 2]) if (indent >= 0 && indent !== current) indents.add(indent);
    }
    for (const indent of indents) {
      const copy = [...lines];
      copy[c] = ' '.repeat(indent) + lines[c]!.trimStart();
      const errors = errorsOf(copy.join('\n')).length;
      const option = { line: c, indent, errors, uses: uses.get(current) ?? 0 };
      if (errors < errorCount && better(option, best)) best = option;
    }
  }
  return best;
}

/** The first syntax error of a document that has some, located as described above. */
export function firstSyntaxError(text: string, doc: Document, lineCounter: LineCounter): SyntaxProblem {
  const first = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])[0]!;
  const at = lineCounter.linePos(first.pos[0]);
  const quote = unclosedQuote(doc, first);
  if (quote !== undefined) {
    const open = lineCounter.linePos(quote);
    return { line: open.line, column: open.col, message: 'a quoted text opened here is never closed (the closing quote is missing)' };
  }
  if (first.code === 'TAB_AS_INDENT') return { line: at.line, column: at.col, message: 'a tab in the indentation: YAML indents with spaces only' };
  if (INDENT_CODES.has(first.code) && text.length <= SEARCH_LIMIT_CHARS) {
    const lines = text.split('\n');
    const culprit = culpritLine(lines, at.line - 1, doc.errors.length, blockScalarLines(doc, lineCounter));
    if (culprit) {
      const current = indentOf(lines[culprit.line]!);
      return {
        line: culprit.line + 1,
        column: current + 1,
        message: `this line is indented ${current} space${current === 1 ? '' : 's'}; ${culprit.indent} would fit (${firstLine(first.message)})`,
      };
    }
  }
  return { line: at.line, column: at.col, message: firstLine(first.message) };
}
