/**
 * Streams the records of a delimited text file through csv-parse's stream API, calling back once
 * per record with its fields and line number. The file is never held in memory: a 64 KiB read
 * buffer and the current record are all that is live. `.gz` files are decompressed on the fly.
 *
 * Relaxed on purpose, because the checks belong to the formats: records may have any number of
 * fields, stray quotes are kept as text, empty lines and a UTF-8 byte-order mark are skipped,
 * `\n` and `\r\n` line ends are both recognised. A record csv-parse cannot read is counted as
 * rejected (or fails a strict import); an unreadable file fails with a TraceInputError.
 *
 * Before csv-parse, each line passes a line filter (./csv-stream.ts `lineFilter`): `\r\n` becomes
 * `\n` (csv-parse counted both characters as line ends, doubling line numbers), and a line with
 * an odd number of quotes is rejected on its own and passed on empty, keeping the numbering: a
 * stray `"` at the start of a line used to open a quoted field that swallowed every later row.
 * Trace formats have no fields spanning lines, so nothing legitimate is lost.
 */
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
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
  const lines = lineFilter(options.quote !== null, (line) => {
    log.rowsRead++;
    log.reject(file, line, 'unbalanced quote on this line (left out, rather than reading the lines after it as one quoted field)');
  });
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
    if (/\.gz$/i.test(file)) await pipeline(source, createGunzip(), lines, parser);
    else await pipeline(source, lines, parser);
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

/** Longest line the filter holds while looking for its end. */
const MAX_LINE_BYTES = 1 << 20;
const LF = 10;
const CR = 13;
const QUOTE = 34;

/**
 * Normalises line ends to `\n` and, with `checkQuotes`, empties a line holding an odd number of
 * quotes after calling `onUnbalanced(lineNumber)` (which may throw: a strict import).
 */
export function lineFilter(checkQuotes: boolean, onUnbalanced: (line: number) => void): Transform {
  let carry: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  const emit = (out: Buffer[], line: Buffer): void => {
    lineNo++;
    let end = line.length;
    if (end > 0 && line[end - 1] === CR) end--;
    let quotes = 0;
    if (checkQuotes) for (let i = line.indexOf(QUOTE); i >= 0 && i < end; i = line.indexOf(QUOTE, i + 1)) quotes++;
    if ((quotes & 1) === 1) {
      onUnbalanced(lineNo);
      out.push(NEWLINE);
      return;
    }
    out.push(line.subarray(0, end), NEWLINE);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      try {
        const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        const out: Buffer[] = [];
        let start = 0;
        for (let nl = data.indexOf(LF); nl >= 0; nl = data.indexOf(LF, start)) {
          emit(out, data.subarray(start, nl));
          start = nl + 1;
        }
        carry = Buffer.from(data.subarray(start));
        if (carry.length > MAX_LINE_BYTES) throw new Error(`a line longer than ${MAX_LINE_BYTES} bytes (line ${lineNo + 1}); not a trace file`);
        done(null, Buffer.concat(out));
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        const out: Buffer[] = [];
        if (carry.length > 0) emit(out, carry);
        done(null, Buffer.concat(out));
      } catch (error) {
        done(error as Error);
      }
    },
  });
}

const NEWLINE = Buffer.from('\n');
