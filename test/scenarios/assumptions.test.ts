/**
 * The assumptions registry (src/scenarios/assumptions.ts) covers every field whose description in
 * the schema calls its default an assumption: each such default carries a range and a reason, so
 * `overcast sensitivity` and `recommend --robust` can move it.
 */
import { describe, expect, it } from 'vitest';
import { ASSUMPTIONS } from '../../src/scenarios/assumptions.js';
import { scenarioJsonSchema } from '../../src/scenarios/schema.js';

interface Node {
  description?: string;
  properties?: Record<string, Node>;
  items?: Node;
  anyOf?: Node[];
}

/** Field paths (`vms.workload.memory.activeGiB`, lists flattened) whose description says "assum…". */
function assumedFields(node: Node, path: string[], out: string[]): void {
  if (path.length > 0 && /assum/i.test(node.description ?? '') && !node.properties) out.push(path.join('.'));
  for (const [key, child] of Object.entries(node.properties ?? {})) assumedFields(child, [...path, key], out);
  if (node.items) assumedFields(node.items, path, out);
  for (const member of node.anyOf ?? []) if (member.properties) assumedFields(member, path, out);
}

describe('the assumptions registry', () => {
  it('has a row for every field the schema documents as an assumption', () => {
    const fields: string[] = [];
    assumedFields(scenarioJsonSchema() as Node, [], fields);
    expect(fields.length).toBeGreaterThan(10);
    const registered = new Set(ASSUMPTIONS.map((a) => (a.scope === 'top' ? a.field : `${a.scope}.${a.field}`)));
    expect(fields.filter((f) => !registered.has(f))).toEqual([]);
  });

  it('gives every row a reason and a way to measure it', () => {
    for (const a of ASSUMPTIONS) expect(a.measure.length, a.field).toBeGreaterThan(20);
  });
});
