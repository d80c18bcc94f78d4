/**
 * The fast tokenizer of csv-stream.ts against csv-parse: the same records with the same line
 * numbers, and the same log, on every awkward input the trace formats meet (quoted fields, stray
 * quotes, \r\n and lone \r, a byte-order mark, empty and blank lines, a trailing delimiter, TAB
 * after the delimiter with trim, several delimiters, invalid UTF-8, .gz, lines across read
 * chunks) and on seeded random text. The reference is the reader as it was before the fast path:
 * the line filter piped into csv-parse's stream (copied below), so "the same" means the same as
 * what imports produced before.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse';
import { afterAll, describe, expect, it } from 'vitest';
import { lineFilter, readCsv, type CsvOptions } from '../../src/scenarios/traces/csv-stream.js';
import { ImportLog } from '../../src/scenarios/traces/validation.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** The reader before the fast path (csv-stream.ts at main 95c3422), records collected. */
async function reference(file: string, options: CsvOptions, log: ImportLog, onRecord: (fields: string[], line: number) => void): Promise<void> {
  const parser = parse({
    delimiter: options.delimiter ?? ',',
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    bom: true,
    trim: options.trim ?? false,
    quote: options.quote === undefined ? '"' : options.quote === null ? false : options.quote,
    max_record_size: 1 << 20,
  });
  const lines = lineFilter(options.quote !== null, (line) => {
    log.rowsRead++;
    log.reject(file, line, 'unbalanced quote on this line (left out, rather than reading the lines after it as one quoted field)');
  });
  parser.on('skip', (error: Error & { lines?: number; code?: string }) => log.reject(file, error.lines, `unreadable CSV record (${error.code ?? 'parse error'})`));
  parser.on('data', (record: string[]) => onRecord(record, parser.info.lines));
  const { createGunzip } = await import('node:zlib');
  const source = createReadStream(file, { highWaterMark: 1 << 16 });
  if (/\.gz$/i.test(file)) await pipeline(source, createGunzip(), lines, parser);
  else await pipeline(source, lines, parser);
}

interface Outcome {
  records: [number, string[]][];
  rowsRead: number;
  rejected: unknown;
}

async function both(file: string, options: CsvOptions): Promise<[Outcome, Outcome]> {
  const run = async (reader: typeof reference): Promise<Outcome> => {
    const log = new ImportLog(false);
    const records: [number, string[]][] = [];
    await reader(file, options, log, (fields, line) => records.push([line, fields]));
    return { records, rowsRead: log.rowsRead, rejected: log.rejected };
  };
  return [await run(async (...a) => void (await readCsv(...a))), await run(reference)];
}

const BITBRAINS: CsvOptions = { delimiter: ';', trim: true };
const OPTION_SETS: [string, CsvOptions][] = [
  ['bitbrains (; trimmed)', BITBRAINS],
  ['comma', { delimiter: ',' }],
  ['comma, no quotes (sadf, planetlab)', { delimiter: ',', trim: true, quote: null }],
  ['semicolon, no quotes', { delimiter: ';', quote: null }],
  ['several delimiters', { delimiter: [';', ',', '::'], trim: true }],
  ['tab, trimmed', { delimiter: '\t', trim: true }],
];

const CASES: [string, string | Buffer][] = [
  ['plain Bitbrains rows', 'Timestamp [ms];\tCPU cores\n1376314846;\t4\n1376315146;\t4\n'],
  ['\\r\\n line ends', 'a;\tb\r\n1;\t2\r\n\r\n3;\t4\r\n'],
  ['a lone \\r inside the first line', 'a\rb;c\n1;2\n'],
  ['a lone \\r later', 'a;b\n1\r2;3\n4;5\n'],
  ['\\r\\r\\n', 'a;b\r\r\n1;2\n'],
  ['UTF-8 byte-order mark', '\uFEFFa;\tb\n1;\t2\n'],
  ['byte-order mark alone on line 1', '\uFEFF\n1;2\n'],
  ['byte-order mark on line 2', 'a;b\n\uFEFF1;2\n'],
  ['byte-order mark after an unbalanced first line', '"a;b\n\uFEFF1;2\n'],
  ['UTF-16 byte-order mark', Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x3b, 0x00, 0x62, 0x00, 0x0a, 0x00])],
  ['empty, blank and delimiter-only lines', '\n\na;b\n   \n\t\n;\n,\n1;2\n\n'],
  ['no line end at the end', 'a;b\n1;2'],
  ['trailing delimiter', 'a;b;\n1;2;\n'],
  ['quoted fields', 'a;"b;c";d\n"1";"2"\n3;4\n'],
  ['quoted field with a doubled quote', 'a;"say ""hi""";c\n1;2;3\n'],
  ['quote inside an unquoted field, balanced', 'a"b"c;d\n1;2\n'],
  ['stray quote (unbalanced), rows after it kept', 'a;b\n"1;2\n3;4\n5";6\n7;8\n'],
  ['quote after a quoted field', '"a"b;c\n1;2\n'],
  ['quote-opened field running over the line end', 'x"y;"z\nnext;line"\n1;2\n3;4\n'],
  ['quotes from line 3 on, plain lines before', 'a;b\n1;2\n"3";4\n5;6\n'],
  ['invalid UTF-8 next to a delimiter', Buffer.concat([Buffer.from('a;'), Buffer.from([0xe2, 0x3b, 0xc3]), Buffer.from(';b\n1;\xe9;2\n', 'latin1')])],
  ['non-ASCII text and non-breaking space', 'caf\u00e9;\u00a0x\u00a0;\u3000y\n1;2\n'],
  ['spaces around fields', ' a ; b \n 1 ;\t2\t\n'],
  ['only blank lines', '  \n\n\t\n'],
  ['empty file', ''],
];

describe('the fast tokenizer gives what csv-parse gives', () => {
  for (const [name, options] of OPTION_SETS) {
    for (const [caseName, content] of CASES) {
      it(`${caseName} (${name})`, async () => {
        const file = tmp.file(`case-${caseName.replace(/\W+/g, '_')}-${name.replace(/\W+/g, '_')}.csv`, content);
        const [fast, ref] = await both(file, options);
        expect(fast).toEqual(ref);
      });
    }
  }

  it('is the same on a gzipped file', async () => {
    const text = 'a;\tb\r\n1;\t2\n"3";4\n5;6\n';
    const file = tmp.file('case.csv.gz', gzipSync(Buffer.from(text)));
    const [fast, ref] = await both(file, BITBRAINS);
    expect(fast).toEqual(ref);
    expect(fast.records.map(([line]) => line)).toEqual([1, 2, 3, 4]);
  });

  it('is the same on lines cut across 64 KiB read chunks, with a quote late in the file', async () => {
    let text = '\uFEFFTimestamp [ms];\tCPU cores\n';
    for (let i = 0; i < 20_000; i++) text += i % 97 === 0 ? '\r\n' : `${1376314846 + 300 * i};\t${i % 9}.${'5'.repeat(i % 11)}\r\n`;
    text += '"x";1\n';
    for (let i = 0; i < 5_000; i++) text += i % 31 === 0 ? `"${i};\n` : `${i};\t${i}\n`;
    const file = tmp.file('big.csv', text);
    const [fast, ref] = await both(file, BITBRAINS);
    expect(fast.records.length).toBeGreaterThan(24_000);
    expect(fast).toEqual(ref);
  });

  it('is the same on seeded random text from the characters that matter', async () => {
    // A small LCG: reproducible without the model's streams.
    let state = 12345;
    const next = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    const alphabet = ['a', '1', '.', ';', ',', '\t', '\n', '"', '\r', '\n', '\n', '\n', '\r\n', ':', ' ', '\u00e9', '\u00a0', '\uFEFF'];
    // 40 short texts, then 1 of ~100 KB (several read chunks) where the quote and \r are rare.
    for (let round = 0; round < 41; round++) {
      const parts: string[] = [];
      const big = round >= 40;
      const length = big ? 100_000 : 50 + next(3000);
      for (let i = 0; i < length; i++) parts.push(big && next(200) !== 0 ? alphabet[next(7)]! : alphabet[next(alphabet.length)]!);
      const file = tmp.file(`random-${round}.csv`, parts.join(''));
      for (const [, options] of OPTION_SETS) {
        const [fast, ref] = await both(file, options);
        expect(fast, `round ${round}, ${JSON.stringify(options)}`).toEqual(ref);
      }
    }
  });
});
