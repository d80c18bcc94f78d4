/** Every leaf path of a JSON value, arrays as `[]`: `cpu.readyPct.mean`, `slos[].name` (for the docs tests). */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    return first !== null && typeof first === 'object' ? leafPaths(first, `${prefix}[]`) : [`${prefix}[]`];
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
  }
  return [prefix];
}
