/**
 * Streams the records of a delimited text file, calling back once per record with its fields and
 * line number. The file is never held in memory: a 64 KiB read buffer and the current line are
 * all that is live. `.gz` files are decompressed on the fly.
 *
 * Relaxed on purpose, because the checks belong to the formats: records may have any number of
 * fields, stray quotes are kept as text, empty lines and a UTF-8 byte-order mark are skipped,
 * `\n` and `\r\n` line ends are both recognised. A record csv-parse cannot read is counted as
 * rejected (or fails a strict import); an unreadable file fails with a TraceInputError.
 *
 * Lines are cut at `\n` (a `\r` before it dropped: csv-parse counted both characters as line
 * ends, doubling line numbers), and a line with an odd number of quotes is rejected on its own and
 * left out, keeping the numbering: a stray `"` at the start of a line used to open a quoted field
 * that swallowed every later row. Trace formats have no fields spanning lines, so nothing
 * legitimate is lost.
 *
 * Two tokenizers, one result. A line with no quote character and no `\r` (every line of the
 * published traces) is split here: decoded once, split at the delimiter(s), each field trimmed
 * when asked — what csv-parse makes of such a line, at about a third of its cost (csv-parse was
 * ~60 % of a Bitbrains import's profile). At the first other line (quotes, a stray `\r`, a UTF-16
 * byte-order mark, a line of more than 256 KiB) that line and the rest go to csv-parse, set up
 * as it would be at that point of the file (line numbers continue, the `\n` record delimiter it
 * would have found), so records and line numbers are the same as csv-parse's on the whole file;
 * test/traces/csv-stream.test.ts compares the two on the awkward cases.
 */
import { createReadStream } from 'node:fs';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parse, type CsvError, type InfoRecord, type Options, type Parser } from 'csv-parse';
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
  const sink = csvSink(options, log, file, onRecord);
  try {
    if (/\.gz$/i.test(file)) await pipeline(source, createGunzip(), sink.stream);
    else await pipeline(source, sink.stream);
  } catch (error) {
    if (sink.failure() !== undefined) throw sink.failure();
    throw asInputError(file, error);
  }
  if (sink.failure() !== undefined) throw sink.failure();
  return { bytes: source.bytesRead };
}

/** csv-parse's options for the whole file (and, with `fromLine` > 1, for the rest of it from that line on). */
function parserOptions(options: CsvOptions, fromLine: number): Options {
  return {
    delimiter: options.delimiter ?? ',',
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // Past line 1 csv-parse would have skipped the byte-order mark and found `\n` as the record delimiter (no `\r` went before).
    bom: fromLine === 1,
    ...(fromLine > 1 ? { record_delimiter: '\n' } : {}),
    trim: options.trim ?? false,
    quote: options.quote === undefined ? '"' : options.quote === null ? false : options.quote,
    // A record longer than this is not a trace row; stops runaway quoted fields on binary input.
    max_record_size: 1 << 20,
  };
}

/** Longest line the reader holds while looking for its end. */
const MAX_LINE_BYTES = 1 << 20;
/** Longest line the fast tokenizer takes; longer ones go to csv-parse, which limits records to 1 MiB. */
const MAX_FAST_LINE_BYTES = 1 << 18;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const NEWLINE = Buffer.from('\n');

interface CsvSink {
  stream: Writable;
  /** What onRecord or a strict log threw, if anything. */
  failure(): unknown;
}

/**
 * The end of the pipeline: cuts lines, checks quotes, splits quote-free lines itself and hands the
 * first other line and the rest to csv-parse.
 */
function csvSink(options: CsvOptions, log: ImportLog, file: string, onRecord: (fields: string[], line: number) => void): CsvSink {
  const checkQuotes = options.quote !== null;
  const delimiters = typeof options.delimiter === 'string' ? [options.delimiter] : (options.delimiter ?? [',']);
  const quote = options.quote === undefined ? '"' : options.quote;
  const trim = options.trim ?? false;
  // The fast path knows the usual shapes; anything else (a delimiter with a quote or line end in it, another quote character) is csv-parse's.
  const fastOk = delimiters.length > 0 && delimiters.every((d) => d.length > 0 && !/["\r\n]/.test(d)) && (quote === null || quote === '"');
  const single = delimiters.length === 1 ? delimiters[0]! : undefined;
  // Built first as before, so an invalid option fails before anything is read.
  parse(parserOptions(options, 1));
  let parser: Parser | undefined;
  let parserUsed = false;
  let parserError: unknown;
  let offset = 0;
  let failure: unknown;
  let lineNo = 0;
  let carry: Buffer = Buffer.alloc(0);
  let pending: Buffer[] = [];

  const handOff = (): void => {
    // From this line on csv-parse reads, numbering from 1: its lines are ours less `offset`.
    offset = lineNo - 1;
    const rest: Options = { ...parserOptions(options, lineNo), on_record: onParsed, on_skip: onSkip };
    parser = parse(rest);
    parser.on('error', (e) => (parserError ??= e));
    parserUsed = true;
  };
  const onParsed = (record: string[], info: InfoRecord): null => {
    if (failure === undefined) {
      try {
        onRecord(record, info.lines + offset);
      } catch (e) {
        failure = e;
      }
    }
    // Nothing is pushed: records go to onRecord as they are parsed, with their own line numbers.
    return null;
  };
  const onSkip = (error: CsvError | undefined): undefined => {
    if (failure !== undefined || error === undefined) return;
    try {
      log.reject(file, typeof error.lines === 'number' ? error.lines + offset : undefined, `unreadable CSV record (${error.code ?? 'parse error'})`);
    } catch (e) {
      failure = e;
    }
  };
  const flushPending = (): void => {
    if (pending.length === 0) return;
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    parser!.write(data);
  };
  const check = (): void => {
    if (failure !== undefined) throw failure;
    if (parserError !== undefined) throw parserError;
  };

  const fields = (text: string): string[] => {
    let out: string[];
    if (single !== undefined) out = text.split(single);
    else out = splitMany(text, delimiters);
    if (trim) for (let i = 0; i < out.length; i++) out[i] = out[i]!.trim();
    return out;
  };

  /** One line, data[start, stop) without its `\n`; hasQuote/hasCr: whether a quote or a `\r` lies in it. */
  const line = (data: Buffer, start: number, stop: number, hasQuote: boolean, hasCr: boolean): void => {
    lineNo++;
    let end = stop;
    if (end > start && data[end - 1] === CR) end--;
    if (hasCr && end < stop) hasCr = data.indexOf(CR, start) < end;
    let quotes = 0;
    if (checkQuotes && hasQuote) for (let i = data.indexOf(QUOTE, start); i >= 0 && i < end; i = data.indexOf(QUOTE, i + 1)) quotes++;
    if ((quotes & 1) === 1) {
      log.rowsRead++;
      log.reject(file, lineNo, 'unbalanced quote on this line (left out, rather than reading the lines after it as one quoted field)');
      // csv-parse sees an empty line, so its numbering stays ours.
      if (parserUsed) pending.push(NEWLINE);
      return;
    }
    if (!parserUsed) {
      let begin = start;
      if (lineNo === 1 && end - start >= 2 && data[start] === 0xff && data[start + 1] === 0xfe) {
        // A UTF-16 byte-order mark: csv-parse switches encoding; all of it is csv-parse's.
      } else if (fastOk && !(hasQuote && quote !== null) && !hasCr && end - start <= MAX_FAST_LINE_BYTES) {
        if (lineNo === 1 && end - start >= 3 && data[start] === 0xef && data[start + 1] === 0xbb && data[start + 2] === 0xbf) begin += 3;
        if (begin === end) return;
        const text = data.toString('utf8', begin, end);
        if (trim && text.trim().length === 0 && !hasDelimiter(text, delimiters)) return;
        try {
          onRecord(fields(text), lineNo);
        } catch (e) {
          // Passed on as thrown, not as an unreadable file.
          failure = e;
          throw e;
        }
        return;
      }
      handOff();
    }
    pending.push(data.subarray(start, end), NEWLINE);
  };

  const stream = new Writable({
    write(chunk: Buffer, _encoding, done: (error?: Error | null) => void) {
      try {
        const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        let start = 0;
        // Where the next quote and `\r` are, so each line is checked by comparing positions.
        let nextQuote = data.indexOf(QUOTE);
        let nextCr = data.indexOf(CR);
        for (let nl = data.indexOf(LF); nl >= 0; nl = data.indexOf(LF, start)) {
          if (nextQuote >= 0 && nextQuote < start) nextQuote = data.indexOf(QUOTE, start);
          if (nextCr >= 0 && nextCr < start) nextCr = data.indexOf(CR, start);
          line(data, start, nl, nextQuote >= 0 && nextQuote < nl, nextCr >= 0 && nextCr < nl);
          check();
          start = nl + 1;
        }
        flushPending();
        check();
        carry = Buffer.from(data.subarray(start));
        if (carry.length > MAX_LINE_BYTES) throw new Error(`a line longer than ${MAX_LINE_BYTES} bytes (line ${lineNo + 1}); not a trace file`);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    final(done: (error?: Error | null) => void) {
      try {
        if (carry.length > 0) {
          line(carry, 0, carry.length, carry.includes(QUOTE), carry.includes(CR));
          check();
        }
        flushPending();
        check();
      } catch (error) {
        done(error as Error);
        return;
      }
      if (!parserUsed) {
        done();
        return;
      }
      const p = parser!;
      p.once('end', () => done((failure ?? parserError) as Error | undefined));
      p.once('error', (e) => done((failure ?? e) as Error));
      p.resume();
      p.end();
    },
  });
  return { stream, failure: () => failure };
}

/** Splits at any of several delimiters, the first that matches at each place winning (csv-parse's rule). */
function splitMany(text: string, delimiters: readonly string[]): string[] {
  const out: string[] = [];
  let from = 0;
  let i = 0;
  while (i < text.length) {
    let matched = 0;
    for (const d of delimiters) {
      if (text.startsWith(d, i)) {
        matched = d.length;
        break;
      }
    }
    if (matched > 0) {
      out.push(text.slice(from, i));
      i += matched;
      from = i;
    } else i++;
  }
  out.push(text.slice(from));
  return out;
}

function hasDelimiter(text: string, delimiters: readonly string[]): boolean {
  for (const d of delimiters) if (text.includes(d)) return true;
  return false;
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

