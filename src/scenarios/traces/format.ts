/**
 * What a trace format module provides: the metrics its rows carry, how files map to VMs, and a
 * reader that streams one file's rows into the import session.
 */
import { basename } from 'node:path';
import type { TraceMetric } from '../../model/workload/trace-demand.js';
import type { ImportSession } from './session.js';
import type { TimeZone } from './time.js';

export const TRACE_FORMATS = ['generic', 'bitbrains', 'azure-v1', 'alibaba-2018', 'planetlab', 'sadf', 'esxtop', 'prometheus', 'prometheus-text'] as const;
export type TraceFormatName = (typeof TRACE_FORMATS)[number];

export interface ReaderOptions {
  /** Generic CSV: target → `column[:unit]` (see generic.ts). */
  map?: Readonly<Record<string, string>> | undefined;
  /** Generic CSV: field separator (default: detected from the first line). */
  separator?: string | undefined;
  /** Generic CSV: whether the first line names the columns (default true). */
  header?: boolean | undefined;
  /** Zone of timestamps written without one. */
  timeZone: TimeZone;
  /** PlanetLab: time of line 1 (default: the date in the folder name, else 0). */
  startSeconds?: number | undefined;
}

export interface TraceReader {
  readonly metrics: readonly TraceMetric[];
  /** The format's sample interval when it has a fixed one. */
  readonly nominalSeconds: number | undefined;
  /** For formats with one VM per file: the VM's id for a file; undefined when rows name their VM. */
  fileEntity(file: string): string | undefined;
  /** Streams one file into the session; returns the bytes read. */
  readFile(file: string, session: ImportSession): Promise<number>;
  /** After the last file: joins metadata, flushes buffered rows. */
  end?(session: ImportSession): void | Promise<void>;
  /** Lines for the summary describing choices made (e.g. a guessed column mapping). */
  describe?(): string[];
}

/** A file's VM id: its name without directory and `.csv`/`.txt`/`.gz` extensions. */
export function fileId(file: string): string {
  return basename(file).replace(/\.gz$/i, '').replace(/\.(csv|txt|tsv|dat)$/i, '');
}

/** Column lookup by header text, ignoring case and surrounding white space. */
export function headerIndex(header: readonly string[]): (name: string) => number {
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    const key = h.trim().toLowerCase();
    if (!index.has(key)) index.set(key, i);
  });
  return (name) => index.get(name.trim().toLowerCase()) ?? -1;
}
