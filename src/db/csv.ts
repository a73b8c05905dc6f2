// Reads an operator's CSV file (reference data now, vacancies later) into rows that carry the line they
// came from, so that every problem can be reported as `line N: message` and fixed in a spreadsheet.
// The header names the columns; field values are trimmed; empty lines are skipped.
import { parse } from 'csv-parse/sync';

export type CsvRow<K extends string> = { line: number; values: Record<K, string> };

/** A problem found on one line of the file. */
export type LineError = { line: number; message: string };

export type CsvRead<K extends string> = { rows: CsvRow<K>[]; errors: LineError[] };

type Parsed = { record: string[]; info: { lines: number }; raw: string };

/** The line a record starts on (csv-parse counts to where it ends; a quoted field may span lines). */
function startLine(p: Parsed): number {
  const body = p.raw.replace(/^[\r\n]+/, '').replace(/[\r\n]+$/, '');
  return p.info.lines - (body.match(/\n/g)?.length ?? 0);
}

/** `line N: message`, in the order of the file. */
export function formatLineErrors(errors: LineError[]): string[] {
  return [...errors].sort((a, b) => a.line - b.line).map((e) => `line ${e.line}: ${e.message}`);
}

/**
 * Parses `text` whose header must name exactly `columns` (in any order, any case). Rows whose field
 * count does not match the header, and records csv-parse cannot read (a stray quote), become errors and
 * parsing goes on, so that one run reports every bad line.
 */
export function readCsv<K extends string>(text: string, columns: readonly K[]): CsvRead<K> {
  const errors: LineError[] = [];
  const parsed = parse(text, {
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
      if (errors[errors.length - 1]?.line !== line) errors.push({ line, message: err.message });
      return undefined;
    },
  }) as unknown as Parsed[];

  const expected = columns.join(',');
  const [head, ...body] = parsed;
  if (!head) {
    return {
      rows: [],
      errors: [{ line: 1, message: `the file is empty; its first line must be ${expected}` }],
    };
  }
  const header = head.record.map((h) => h.toLowerCase());
  const known = new Set<string>(columns);
  const valid =
    header.length === columns.length &&
    new Set(header).size === header.length &&
    header.every((h) => known.has(h));
  if (!valid) {
    const message = `the header must be ${expected} (found ${head.record.join(',')})`;
    return { rows: [], errors: [{ line: startLine(head), message }] };
  }

  const rows: CsvRow<K>[] = [];
  for (const p of body) {
    const line = startLine(p);
    if (p.record.length !== header.length) {
      const message = `expected ${header.length} fields (${expected}), found ${p.record.length}`;
      errors.push({ line, message });
      continue;
    }
    const values = {} as Record<K, string>;
    header.forEach((h, i) => (values[h as K] = p.record[i] ?? ''));
    rows.push({ line, values });
  }
  return { rows, errors };
}
