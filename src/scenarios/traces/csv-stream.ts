/**
 * Streams the records of a delimited text file through csv-parse's stream API, calling back once
 * per record with its fields and line number. The file is never held in memory: a 64 KiB read
 * buffer and the current record are all that is live. `.gz` files are decompressed on the fly.
 *
 * Relaxed on purpose, because the checks belong to the formats: records may have any number of
 * fields, stray quotes are kept as text, empty lines and a UTF-8 byte-order mark are skipped,
 * `\n` and `\r\n` line ends are both recognised. A record csv-parse cannot read is counted as
 * rejected (or fails a strict import); an unreadable file fails with a TraceInputError.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parse, type Options } from 'csv-parse';
import { TraceInputError, type ImportLog } from './validation.js';

export interface CsvOptions {
  /** Field separator(s), default ','. */
  delimiter?: string | string[];
  /** Trim white space around fields (Bitbrains puts a TAB after every ';'). */
  trim?: boolean;
  /** Quote character, or null for none. */
  quote?: string | null;
}

export interface CsvFileResult {
  /** Bytes read from disk. */
  bytes: number;
}

/** Reads `file`, calling `onRecord(fields, line)` for every record. Throws TraceInputError for unreadable input. */
export async function readCsv(file: string, options: CsvOptions, log: ImportLog, onRecord: (fields: string[], line: number) => void): Promise<CsvFileResult> {
  const source = createReadStream(file, { highWaterMark: 1 << 16 });
  const parserOptions: Options = {
    delimiter: options.delimiter ?? ',',
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    bom: true,
    trim: options.trim ?? false,
    quote: options.quote === undefined ? '"' : options.quote === null ? false : options.quote,
    // A record longer than this is not a trace row; stops runaway quoted fields on binary input.
    max_record_size: 1 << 20,
  };
  const parser = parse(parserOptions);
  let failure: unknown;
  parser.on('skip', (error: Error & { lines?: number; code?: string }) => {
    if (failure !== undefined) return;
    try {
      log.reject(file, error.lines, `unreadable CSV record (${error.code ?? 'parse error'})`);
    } catch (e) {
      failure = e;
      parser.destroy(e as Error);
    }
  });
  parser.on('data', (record: string[]) => {
    if (failure !== undefined) return;
    try {
      onRecord(record, parser.info.lines);
    } catch (e) {
      failure = e;
      parser.destroy(e as Error);
    }
  });
  try {
    if (/\.gz$/i.test(file)) await pipeline(source, createGunzip(), parser);
    else await pipeline(source, parser);
  } catch (error) {
    if (failure !== undefined) throw failure;
    throw asInputError(file, error);
  }
  if (failure !== undefined) throw failure;
  return { bytes: source.bytesRead };
}

/** Turns a read or parse failure into a TraceInputError (bad input, not a bug). */
export function asInputError(file: string, error: unknown): TraceInputError {
  if (error instanceof TraceInputError) return error;
  const e = error as NodeJS.ErrnoException & { lines?: number };
  const reason =
    e.code === 'ENOENT'
      ? 'no such file'
      : e.code === 'EISDIR'
        ? 'is a directory'
        : e.code === 'EACCES'
          ? 'permission denied'
          : e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR'
            ? 'not a valid gzip file'
            : typeof e.code === 'string' && e.code.startsWith('CSV_')
              ? `cannot read it as CSV: ${e.message}`
              : `cannot read it (${e.code ?? e.message})`;
  return new TraceInputError(file, typeof e.lines === 'number' ? e.lines : undefined, reason);
}
