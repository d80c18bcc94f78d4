/**
 * `--set path=value`: what-if changes on top of a scenario file without editing it.
 *
 * Paths are dotted field names; list entries are picked by index (`hosts.0.count`,
 * `hosts[0].count`) or by their `name` (`vms.desktop.count`). Values are read as YAML, so
 * `3` is a number, `fill` a string, `[1, 2]` a list and `24h` a quantity string. Overrides are
 * applied to the parsed document before validation, so a bad value gets the same checks and
 * messages as one in the file, reported against the `--set` that introduced it.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { describeValue } from './issues.js';
import { checkDocumentLimits } from './yaml-limits.js';
import type { Loaded } from './issues.js';

/** An override: `path=value` as given to `--set`, or with its own label (`--seed 7`). */
export type Override = string | { set: string; label: string };

export interface AppliedOverride {
  /** Where it came from, for messages: `--set overcommit.cpu=3` or `--seed 7`. */
  label: string;
  /** The resolved path (list entries by index). */
  path: (string | number)[];
}

export function applyOverrides(doc: Document, overrides: readonly Override[]): Loaded<AppliedOverride[]> {
  const applied: AppliedOverride[] = [];
  for (const override of overrides) {
    const text = typeof override === 'string' ? override : override.set;
    const label = typeof override === 'string' ? `--set ${override}` : override.label;
    const fail = (message: string): Loaded<AppliedOverride[]> => ({ ok: false, issues: [{ file: label, path: '', message }] });
    const eq = text.indexOf('=');
    if (eq <= 0) return fail("expected path=value, e.g. overcommit.cpu=3 or vms.desktop.count=200");
    const pathText = text.slice(0, eq).trim();
    const valueText = text.slice(eq + 1);
    if (valueText.trim() === '') return fail(`no value after '=' for ${pathText}`);
    const valueDoc = parseDocument(valueText, { prettyErrors: false });
    if (valueDoc.errors.length > 0) return fail(`cannot read the value ${describeValue(valueText)}: ${valueDoc.errors[0]!.message.split('\n')[0]}`);
    // The same limits as a file's (aliases, tags, nesting), then plain values.
    const limit = checkDocumentLimits(valueDoc, new LineCounter());
    if (limit) return fail(`cannot read the value ${describeValue(valueText)}: ${limit.message}`);
    let value: unknown;
    try {
      value = valueDoc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      return fail(`cannot read the value ${describeValue(valueText)}: ${error instanceof Error ? error.message.slice(0, 100) : 'invalid YAML'}`);
    }

    const segments = splitPath(pathText);
    if (!segments) return fail(`cannot read the path '${pathText}' (use dotted names such as hosts.0.count or vms.desktop.count)`);
    const path: (string | number)[] = [];
    for (const segment of segments) {
      const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
      if (isSeq(node)) {
        if (/^\d+$/.test(segment)) {
          const index = Number(segment);
          if (index >= node.items.length) return fail(`${formatSoFar(path)} has ${node.items.length} entries; index ${index} is out of range`);
          path.push(index);
          continue;
        }
        const names = node.items.map((item) => (isMap(item) ? item.get('name') : undefined)).filter((n): n is string => typeof n === 'string');
        const index = node.items.findIndex((item) => isMap(item) && item.get('name') === segment);
        if (index < 0) return fail(`no entry named '${segment}' in ${formatSoFar(path)} (names: ${names.join(', ') || 'none'})`);
        path.push(index);
        continue;
      }
      if (node !== undefined && node !== null && !isMap(node)) {
        const shown = isScalar(node) ? String(node.value) : 'a value';
        return fail(`${formatSoFar(path)} is ${shown}, not a mapping, so it has no field '${segment}'`);
      }
      path.push(segment);
    }
    doc.setIn(path, doc.createNode(value));
    applied.push({ label, path });
  }
  return { ok: true, value: applied };
}

/** `hosts[0].cpu.cores` or `hosts.0.cpu.cores` → ['hosts', '0', 'cpu', 'cores']. */
function splitPath(text: string): string[] | undefined {
  const normalised = text.replace(/\[(\w[\w-]*)\]/g, '.$1');
  const segments = normalised.split('.');
  return segments.every((s) => s.length > 0) ? segments : undefined;
}

function formatSoFar(path: readonly (string | number)[]): string {
  return path.length === 0 ? 'the scenario' : path.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');
}
