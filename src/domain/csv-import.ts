// The one import runner for the operators' CSV lists (`npm run import -- <kind> <file.csv>`, the admin
// API's vacancy import, the shipped reference data and the demo set): every row is checked against its
// kind's zod schema (row-schemas.ts) and the kind's checks against the database, any error is reported as
// `line N: message` with nothing loaded, and a good file is written by the kind in the caller's
// transaction. The kinds are in reference-data.ts (counties, sub-counties) and vacancy-import.ts (exams,
// activities, positions, duty stations, vacancies, deployments).
import type { Knex } from 'knex';
import type { z } from 'zod';
import { streamCsv, type CsvItem, type CsvSource, type LineError } from '../db/csv';
import type { Db } from '../db/knex';

export type ImportResult = {
  inserted: number;
  /** `line N: message`, in file order; the first MAX_LISTED_ERRORS of them. */
  errors: string[];
  /** Errors found beyond those listed (a file that is wrong throughout). */
  moreErrors?: number;
};

/** Progress while the file is read: rows validated so far, and how many it has when that is known. */
export type ImportOptions = { onProgress?: (validated: number, total?: number) => void };

/** Errors an import lists; beyond them it only counts. */
export const MAX_LISTED_ERRORS = 1000;
const PROGRESS_EVERY = 1000;
const BATCH = 5000;

/** A problem with one field of a row (`path`: its column), or with the row (`path` ''). */
export type Issue = { path: string; message: string };

/** The whole import is refused before any row is written: these errors, and nothing else. */
export class Refusal {
  constructor(readonly errors: string[]) {}
}

type Values = Record<string, string>;

/** A key no two rows may share: `<shown> is also on line N` names the later row. */
export type RowKey = {
  name: string;
  /** The columns the key is made of: a row with a problem in one of them has no key. */
  needs: readonly string[];
  of: (values: Values) => { key: string; shown: string };
};

/** How one kind of file is read, checked and written. */
export type Kind<S extends z.ZodObject, C = null, Staged = z.output<S>> = {
  /** `exam`, `duty station`…: for "the file has no exam". */
  noun: string;
  /** One row: its columns (an optional field is an optional column) and the rules of each. */
  schema: S;
  /** Serialises imports of this family between instances (pg_advisory_xact_lock key). */
  lockKey: number;
  /** A short list is read whole, at most this many rows (a longer file is the wrong file). */
  maxRows?: number;
  /** What the checks need from the database, read once, before the first row. */
  context: (trx: Knex.Transaction) => Promise<C | Refusal>;
  /** Problems of a row against the database (`row`: the schema's output, when the schema passed). */
  check?: (values: Values, row: z.output<S> | undefined, ctx: C) => Issue[];
  keys: RowKey[];
  /** What a good row stages for `write` (default: the schema's output). */
  stage?: (row: z.output<S>, ctx: C) => Staged;
  /** Errors found only at the end of the file (after the line errors). */
  finish?: (ctx: C) => string[];
  /** Writes the staged rows (`import_rows`: line, row as jsonb); errors returned: nothing written. */
  write: (trx: Knex.Transaction) => Promise<string[] | void>;
};

/** The schema's columns, required and optional, in its order. */
function columnsOf(schema: z.ZodObject): { columns: string[]; optional: string[] } {
  const columns: string[] = [];
  const optional: string[] = [];
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    (field.safeParse(undefined).success ? optional : columns).push(name);
  }
  return { columns, optional };
}

/** The row's problems in the order of its columns (problems of the whole row last). */
function issuesOf(kind: Kind<z.ZodObject, unknown, unknown>, values: Values, ctx: unknown) {
  const parsed = kind.schema.safeParse(values);
  const issues: Issue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: String(i.path[0] ?? ''), message: i.message }));
  const row = parsed.success ? parsed.data : undefined;
  issues.push(...(kind.check?.(values, row, ctx) ?? []));
  const order = Object.keys(kind.schema.shape as object);
  const rank = (i: Issue) => (i.path === '' ? order.length : order.indexOf(i.path));
  return {
    row,
    issues: issues
      .map((i, n) => ({ i, n }))
      .sort((a, b) => rank(a.i) - rank(b.i) || a.n - b.n)
      .map((x) => x.i),
  };
}

/**
 * As `line N: message`: a problem relative to its field (`must be after opens_at`) is prefixed with the
 * field's name; the others name it themselves.
 */
export function lineMessage(issue: Issue): string {
  return issue.path && issue.message.startsWith('must ') ? `${issue.path} ${issue.message}` : issue.message;
}

async function stageRows(trx: Knex.Transaction, rows: { line: number; row: unknown }[]) {
  if (rows.length === 0) return;
  await trx.raw(
    `insert into import_rows (line, row)
     select line, row from jsonb_to_recordset(?::jsonb) as x(line int, row jsonb)`,
    [JSON.stringify(rows)],
  );
}

async function stageKeys(
  trx: Knex.Transaction,
  keys: { line: number; name: string; key: string; shown: string }[],
) {
  if (keys.length === 0) return;
  await trx.raw(
    `insert into import_keys (line, name, key, shown)
     select line, name, key, shown from jsonb_to_recordset(?::jsonb) as x(line int, name text, key text, shown text)`,
    [JSON.stringify(keys)],
  );
}

/** Rows whose key an earlier line has: `… is also on line N`, the first `limit` of them and how many. */
async function duplicates(trx: Knex.Transaction, limit: number) {
  const { rows } = await trx.raw<{ rows: { line: number; shown: string; first: number; total: number }[] }>(
    `with dup as (select name, key, min(line) as first from import_keys group by name, key having count(*) > 1),
          later as (select k.line, k.shown, dup.first from import_keys k join dup using (name, key) where k.line > dup.first)
     select line, shown, first, (select count(*) from later)::int as total from later order by line limit ?`,
    [limit],
  );
  return {
    errors: rows.map((r) => ({ line: r.line, message: `${r.shown} is also on line ${r.first}` })),
    total: rows[0]?.total ?? 0,
  };
}

/** Merges two lists in line order (each already in line order), a row's own errors first. */
function mergeByLine(a: LineError[], b: LineError[]): LineError[] {
  const out: LineError[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && (!y || x.line <= y.line)) {
      out.push(x);
      i += 1;
    } else if (y) {
      out.push(y);
      j += 1;
    }
  }
  return out;
}

/** The file's items; a short list (`maxRows`) read whole first, so that its length is known. */
async function itemsOf(kind: Kind<z.ZodObject, unknown, unknown>, csv: CsvSource) {
  const { columns, optional } = columnsOf(kind.schema);
  const stream = streamCsv(csv, columns, optional);
  if (kind.maxRows === undefined)
    return { items: stream as AsyncIterable<CsvItem<string, string>>, total: undefined };
  const items: CsvItem<string, string>[] = [];
  let rows = 0;
  for await (const item of stream) {
    if (!('error' in item) && rows === kind.maxRows) {
      items.push({
        line: item.line,
        error: `the file has more than ${kind.maxRows} rows: is it the right file?`,
      });
      break;
    }
    if (!('error' in item)) rows += 1;
    items.push(item);
  }
  return { items, total: rows };
}

const more = (count: number, listed: number) => (count > listed ? { moreErrors: count - listed } : {});

/**
 * Reads the file row by row, checks each row as it comes and stages the good ones (and every key) in
 * batches; only when the whole file is free of errors are the staged rows written, in the caller's
 * transaction. Memory stays flat whatever the file's size: duplicates are found by the database, and only
 * the first MAX_LISTED_ERRORS errors are kept (the others counted).
 */
export async function runImport<S extends z.ZodObject, C, Staged>(
  trx: Knex.Transaction,
  kind: Kind<S, C, Staged>,
  csv: CsvSource,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const k = kind as unknown as Kind<z.ZodObject, unknown, unknown>;
  // Set local: the transaction's own, for a file of any size (the pool's default is a USSD hop's).
  await trx.raw("set local statement_timeout = '15min'");
  await trx.raw("set local work_mem = '64MB'");
  await trx.raw('create temp table if not exists import_rows (line int, row jsonb) on commit drop');
  await trx.raw(
    'create temp table if not exists import_keys (line int, name text, key text, shown text) on commit drop',
  );
  await trx.raw('truncate import_rows, import_keys');
  let ctx: unknown;
  let loaded = false;
  const errors: LineError[] = [];
  let errorCount = 0;
  const fail = (e: LineError) => {
    errorCount += 1;
    if (errors.length < MAX_LISTED_ERRORS) errors.push(e);
  };
  let rows = 0;
  let staged: { line: number; row: unknown }[] = [];
  let keys: { line: number; name: string; key: string; shown: string }[] = [];
  const { items, total } = await itemsOf(k, csv);
  for await (const item of items) {
    if ('error' in item) {
      fail({ line: item.line, message: item.error });
      continue;
    }
    if (!loaded) {
      ctx = await k.context(trx);
      loaded = true;
      if (ctx instanceof Refusal) return { inserted: 0, errors: ctx.errors };
    }
    rows += 1;
    const values = item.values as Values;
    const { row, issues } = issuesOf(k, values, ctx);
    for (const issue of issues) fail({ line: item.line, message: lineMessage(issue) });
    // A row with problems still takes its keys (a later row with the same key is reported too).
    for (const key of k.keys) {
      if (issues.some((i) => key.needs.includes(i.path))) continue;
      keys.push({ line: item.line, name: key.name, ...key.of(values) });
    }
    if (row !== undefined && issues.length === 0) {
      staged.push({ line: item.line, row: k.stage ? k.stage(row, ctx) : row });
    }
    if (staged.length >= BATCH || keys.length >= BATCH) {
      await stageRows(trx, staged);
      await stageKeys(trx, keys);
      staged = [];
      keys = [];
    }
    if (rows % PROGRESS_EVERY === 0) opts.onProgress?.(rows, total);
  }
  await stageRows(trx, staged);
  await stageKeys(trx, keys);
  if (rows === 0) {
    const listed = errorCount
      ? errors.map((e) => `line ${e.line}: ${e.message}`)
      : [`line 2: the file has no ${k.noun}`];
    return { inserted: 0, errors: listed, ...more(errorCount, listed.length) };
  }
  const dup = await duplicates(trx, MAX_LISTED_ERRORS);
  errorCount += dup.total;
  const atEnd = k.finish?.(ctx) ?? [];
  if (errorCount || atEnd.length) {
    const listed = mergeByLine(errors, dup.errors)
      .slice(0, MAX_LISTED_ERRORS)
      .map((e) => `line ${e.line}: ${e.message}`);
    return { inserted: 0, errors: [...listed, ...atEnd], ...more(errorCount, listed.length) };
  }
  const refused = await k.write(trx);
  if (refused?.length) return { inserted: 0, errors: refused };
  return { inserted: rows, errors: [] };
}

/** An import of one kind in a transaction of its own, serialised with the other imports of its family. */
export function importer<S extends z.ZodObject, C, Staged>(kind: Kind<S, C, Staged>) {
  return (db: Db, csv: CsvSource, opts: ImportOptions = {}): Promise<ImportResult> =>
    db.transaction(async (trx) => {
      await lockImports(trx, kind.lockKey);
      return runImport(trx, kind, csv, opts);
    });
}

export const lockImports = (trx: Knex.Transaction, key: number) =>
  trx.raw('select pg_advisory_xact_lock(?)', [key]);

/** Upserts the staged rows by code through one statement (`columns` as `name type`, the first being `code`). */
export async function upsertStaged(
  trx: Knex.Transaction,
  table: string,
  columns: string[],
  select?: { from: string; columns: string; join: string },
) {
  const names = columns.map((c) => c.split(' ')[0] as string);
  const target = select ? select.columns : names.join(', ');
  const updates = (select ? target.split(', ') : names)
    .filter((c) => c !== 'code')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  await trx.raw(
    `insert into ${table} (${target})
     select ${select ? select.from : names.join(', ')}
       from import_rows s cross join lateral jsonb_to_record(s.row) as x(${columns.join(', ')})
       ${select ? select.join : ''}
     on conflict (code) do update set ${updates}`,
  );
}

/** The codes of a reference table, for the checks of a file that refers to them. */
export async function codesOf(trx: Knex.Transaction, table: string): Promise<Set<string>> {
  return new Set(((await trx(table).select('code')) as { code: string }[]).map((r) => r.code));
}
