/**
 * JSON Schema nodes described in words ("an integer >= 0 or 'fill'"), shared by the loader's
 * error messages and the generated field reference in docs/scenarios.md, so both say the same.
 */

export type SchemaNode = Record<string, unknown>;

export function expectedType(expected: string): string {
  const words: Record<string, string> = {
    string: 'a text',
    number: 'a number',
    int: 'an integer',
    integer: 'an integer',
    boolean: 'true or false',
    object: 'a mapping',
    array: 'a list',
  };
  return words[expected] ?? expected;
}

export function schemaTypes(node: SchemaNode): string[] {
  const type = node.type;
  return Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
}

/** What a JSON Schema node accepts, in words: "an integer >= 0 or 'fill'". */
export function describeSchema(node: SchemaNode): string | undefined {
  // A field may say in its metadata what it accepts, where the schema's type says too little.
  if (typeof node.accepts === 'string') return node.accepts;
  if (Array.isArray(node.anyOf)) {
    const parts = (node.anyOf as SchemaNode[]).map(describeSchema);
    return parts.every((p) => p !== undefined) ? parts.join(' or ') : undefined;
  }
  if (node.const !== undefined) return `'${String(node.const)}'`;
  if (Array.isArray(node.enum)) return `one of ${(node.enum as unknown[]).map((v) => `'${String(v)}'`).join(', ')}`;
  const types = schemaTypes(node);
  if (types.includes('number') && types.includes('string')) {
    return typeof node.unit === 'string' ? `a number in ${node.unit} or a quantity such as '${node.unit === 's' ? '5 min' : `4 ${node.unit}`}'` : 'a number or a quantity';
  }
  if (types.length !== 1) return undefined;
  const type = types[0]!;
  if (type === 'integer' || type === 'number') {
    const bounds: string[] = [];
    const maxSafe = Number.MAX_SAFE_INTEGER;
    if (typeof node.minimum === 'number' && node.minimum > -maxSafe) bounds.push(`>= ${node.minimum}`);
    if (typeof node.exclusiveMinimum === 'number') bounds.push(`> ${node.exclusiveMinimum}`);
    if (typeof node.maximum === 'number' && node.maximum < maxSafe) bounds.push(`<= ${node.maximum}`);
    if (typeof node.exclusiveMaximum === 'number') bounds.push(`< ${node.exclusiveMaximum}`);
    return `${expectedType(type)}${bounds.length > 0 ? ` ${bounds.join(' and ')}` : ''}`;
  }
  return expectedType(type);
}

