/**
 * The JSON documents cloud CLIs print (`openstack … -f json`), recognised by their content: each
 * kind is told apart by the columns its rows carry, so files can be named anything (except a
 * Placement inventory, whose rows do not name their provider: its file is `inventory-<uuid>.json`).
 */
import { basename } from 'node:path';

export type CloudDocumentKind =
  | 'openstack-providers'
  | 'openstack-inventory'
  | 'openstack-hypervisors'
  | 'openstack-flavors'
  | 'openstack-servers'
  | 'cloudstack-hosts'
  | 'cloudstack-vms'
  | 'cloudstack-offerings'
  | 'cloudstack-configurations';

/** CloudStack list responses (`cmk list …` prints the inner object; the raw API wraps it in `list…response`): the key holding the rows. */
const CLOUDSTACK_LISTS: readonly { key: string; kind: CloudDocumentKind; source: string }[] = [
  { key: 'host', kind: 'cloudstack-hosts', source: 'cmk list hosts type=Routing' },
  { key: 'virtualmachine', kind: 'cloudstack-vms', source: 'cmk list virtualmachines listall=true' },
  { key: 'serviceoffering', kind: 'cloudstack-offerings', source: 'cmk list serviceofferings' },
  { key: 'configuration', kind: 'cloudstack-configurations', source: 'cmk list configurations' },
];

export interface CloudDocument {
  file: string;
  kind: CloudDocumentKind;
  rows: Record<string, unknown>[];
  /** Placement inventory: the resource provider's uuid (from the file name). */
  provider?: string | undefined;
  /** Why the kind was chosen (for the summary). */
  because: string;
}

/** Bad input, located: `where` is a file, or `file[row].column`. */
export class CloudInputError extends Error {
  constructor(
    readonly where: string,
    detail: string,
  ) {
    super(`${where}: ${detail}`);
    this.name = 'CloudInputError';
  }
}

/** Each kind with the columns that identify it, checked in order (first match wins). */
const SIGNATURES: readonly { kind: CloudDocumentKind; columns: readonly string[]; source: string }[] = [
  { kind: 'openstack-inventory', columns: ['resource_class', 'total', 'allocation_ratio'], source: 'openstack resource provider inventory list' },
  // osc-placement osc_placement/resources/resource_provider.py (FIELDS; root_provider_uuid and parent_provider_uuid from placement 1.14).
  { kind: 'openstack-providers', columns: ['uuid', 'name', 'generation'], source: 'openstack resource provider list' },
  { kind: 'openstack-hypervisors', columns: ['Hypervisor Hostname'], source: 'openstack hypervisor list --long' },
  { kind: 'openstack-flavors', columns: ['Name', 'RAM', 'VCPUs'], source: 'openstack flavor list --long' },
  { kind: 'openstack-servers', columns: ['ID', 'Status', 'Host'], source: 'openstack server list --all-projects --long' },
];

/** Parses one file's text and tells its kind, or throws a located CloudInputError. */
export function readCloudDocument(file: string, text: string): CloudDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CloudInputError(file, `not JSON (${(error as Error).message}); expected the output of an \`openstack … -f json\` command`);
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return cloudStackDocument(file, parsed as Record<string, unknown>);
  if (!Array.isArray(parsed)) throw new CloudInputError(file, 'expected a JSON array of rows (`openstack … -f json` output), found ' + (parsed === null ? 'null' : typeof parsed));
  const rows = parsed as unknown[];
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new CloudInputError(`${file}[${i}]`, 'expected an object (one row)');
  });
  // A provider without inventory (a nested provider not yet reported) lists nothing; its file name still says what it is.
  const emptyInventory = rows.length === 0 ? /^inventory-(.+)\.json$/i.exec(basename(file))?.[1] : undefined;
  if (emptyInventory !== undefined) return { file, kind: 'openstack-inventory', rows: [], provider: emptyInventory, because: 'openstack resource provider inventory list (empty)' };
  if (rows.length === 0) throw new CloudInputError(file, 'empty list: nothing to import (was the command run with admin credentials and --all-projects?)');
  const first = rows[0] as Record<string, unknown>;
  for (const sig of SIGNATURES) {
    if (sig.columns.every((c) => c in first)) {
      const provider = sig.kind === 'openstack-inventory' ? /^inventory-(.+)\.json$/i.exec(basename(file))?.[1] : undefined;
      if (sig.kind === 'openstack-inventory' && provider === undefined) throw new CloudInputError(file, 'a Placement inventory names no provider: save it as inventory-<provider uuid>.json (docs/import.md)');
      return { file, kind: sig.kind, rows: rows as Record<string, unknown>[], provider, because: `${sig.source} (columns ${sig.columns.join(', ')})` };
    }
  }
  throw new CloudInputError(file, `unknown content: row 1 has columns ${Object.keys(first).slice(0, 8).join(', ')}; expected one of: ${SIGNATURES.map((s) => `${s.source} (${s.columns.join(', ')})`).join('; ')}`);
}

function cloudStackDocument(file: string, parsed: Record<string, unknown>): CloudDocument {
  const keys = Object.keys(parsed);
  const inner = keys.length === 1 && keys[0]!.endsWith('response') && typeof parsed[keys[0]!] === 'object' ? (parsed[keys[0]!] as Record<string, unknown>) : parsed;
  for (const list of CLOUDSTACK_LISTS) {
    const rows = inner[list.key];
    if (rows === undefined) continue;
    if (!Array.isArray(rows)) throw new CloudInputError(`${file}.${list.key}`, 'expected a list of rows');
    rows.forEach((row, i) => {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new CloudInputError(`${file}.${list.key}[${i}]`, 'expected an object (one row)');
    });
    return { file, kind: list.kind, rows: rows as Record<string, unknown>[], because: `${list.source} (key "${list.key}")` };
  }
  throw new CloudInputError(file, `unknown content: an object with keys ${keys.slice(0, 8).join(', ')}; expected a CloudStack list response with one of ${CLOUDSTACK_LISTS.map((l) => `"${l.key}"`).join(', ')}, or an \`openstack … -f json\` array`);
}

/** A row's column as a number or string, or a located error. Numbers written as text are accepted. */
export function field(doc: CloudDocument, i: number, row: Record<string, unknown>, column: string, type: 'number'): number;
export function field(doc: CloudDocument, i: number, row: Record<string, unknown>, column: string, type: 'string'): string;
export function field(doc: CloudDocument, i: number, row: Record<string, unknown>, column: string, type: 'number' | 'string'): number | string {
  const value = row[column];
  const where = doc.kind.startsWith('cloudstack') ? `${doc.file}.${CLOUDSTACK_LISTS.find((l) => l.kind === doc.kind)!.key}[${i}].${column}` : `${doc.file}[${i}].${column}`;
  if (type === 'string') {
    if (typeof value === 'string' && value !== '') return value;
    throw new CloudInputError(where, `expected a non-empty text, found ${JSON.stringify(value) ?? 'nothing'}`);
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (Number.isFinite(n) && n >= 0) return n;
  throw new CloudInputError(where, `expected a number >= 0, found ${JSON.stringify(value) ?? 'nothing'}`);
}
