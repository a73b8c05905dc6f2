// Reads an operator's CSV file (reference data, vacancy lists) as a stream of rows that carry the line
// they came from, so that every problem can be reported as `line N: message` and fixed in a spreadsheet,
// and a file of any size is read with a few rows in memory at a time (csv-parse's streaming parser, with
// backpressure). The header names the columns; field values are trimmed; empty lines are skipped.
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';

/** A row's values by column; an optional column the header leaves out is absent (undefined). */
export type CsvValues<K extends string, O extends string = never> = Record<K, string> &
  Partial<Record<O, string>>;

export type CsvRow<K extends string, O extends string = never> = { line: number; values: CsvValues<K, O> };

/** A problem found on one line of the file. */
export type LineError = { line: number; message: string };

/** A whole file as text, or a stream of it (a file being read). */
export type CsvSource = string | Readable;

/** One line's outcome, in file order: a row to check, or a line that could not be read as one. */
export type CsvItem<K extends string, O extends string = never> =
  CsvRow<K, O> | { line: number; error: string };

type Parsed = { record: string[]; info: { lines: number }; raw: string };

/** The line a record starts on (csv-parse counts to where it ends; a quoted field may span lines). */
function startLine(p: Parsed): number {
  const body = p.raw.replace(/^[\r\n]+/, '').replace(/[\r\n]+$/, '');
  return p.info.lines - (body.match(/\n/g)?.length ?? 0);
}

/**
 * Streams `source`, whose header must name exactly `columns` (in any order, any case), and may name any
 * of `optional` too (an optional column it leaves out is absent from every row). A bad header is one
 * error and ends the stream. Rows whose field count does not match the header, and records csv-parse
 * cannot read (a stray quote), are errors and reading goes on, so that one run reports every bad line.
 */
export async function* streamCsv<K extends string, O extends string = never>(
  source: CsvSource,
  columns: readonly K[],
  optional: readonly O[] = [],
): AsyncGenerator<CsvItem<K, O>> {
  const skipped: { line: number; error: string }[] = [];
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
    raw: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      if (!err) return undefined;
      const line = typeof err.lines === 'number' ? err.lines : 0;
      // csv-parse reports each stray quote of a line: the first one says enough.
      if (skipped[skipped.length - 1]?.line !== line) skipped.push({ line, error: err.message });
      return undefined;
    },
  });
  const input = typeof source === 'string' ? Readable.from([source]) : source;
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);

  const expected = columns.join(',');
  const allowed = optional.length ? `${expected} (optionally with ${optional.join(',')})` : expected;
  let header: string[] | undefined;
  for await (const p of parser as AsyncIterable<Parsed>) {
    // Lines csv-parse skipped come before this record.
    yield* skipped.splice(0);
    if (!header) {
      header = p.record.map((h) => h.toLowerCase());
      const known = new Set<string>([...columns, ...optional]);
      const valid =
        new Set(header).size === header.length &&
        header.every((h) => known.has(h)) &&
        columns.every((c) => header?.includes(c));
      if (!valid) {
        yield { line: startLine(p), error: `the header must be ${allowed} (found ${p.record.join(',')})` };
        // Nothing after a bad header can be read as rows: stop reading the file.
        input.unpipe(parser);
        input.destroy();
        return;
      }
      continue;
    }
    const line = startLine(p);
    if (p.record.length !== header.length) {
      const shape = header.length === columns.length ? expected : header.join(',');
      yield { line, error: `expected ${header.length} fields (${shape}), found ${p.record.length}` };
      continue;
    }
    const values = {} as Record<string, string>;
    header.forEach((h, i) => (values[h] = p.record[i] ?? ''));
    yield { line, values: values as CsvValues<K, O> };
  }
  yield* skipped.splice(0);
  if (!header) yield { line: 1, error: `the file is empty; its first line must be ${expected}` };
}
