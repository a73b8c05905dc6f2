// Reference places: the 47 counties (official codes 001 Mombasa … 047 Nairobi) and their sub-counties.
// The repository ships both lists in data/*.csv (docs/reference-data.md says where they come from); a
// table that is empty at start is filled from them, and an operator replaces them with the council's own
// lists through `npm run import` (scripts/import.ts). A list the operator imported is never overwritten
// at start, and an import with any bad row loads nothing.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { formatLineErrors, readCsv, type CsvRow, type CsvSource, type LineError } from '../db/csv';
import type { Db } from '../db/knex';
import { isGsm7, toGsm7 } from './gsm7';

export type ImportResult = {
  inserted: number;
  /** `line N: message`, in file order; the first MAX_LISTED_ERRORS of them. */
  errors: string[];
  /** Errors found beyond those listed (a file that is wrong throughout). */
  moreErrors?: number;
};
export type ImportOptions = { onProgress?: (validated: number, total: number) => void };
export type ReferenceDataState = {
  /** The tables filled from the shipped files by this call (none when both already had rows). */
  loaded: ('counties' | 'sub_counties')[];
  counties: number;
  subCounties: number;
};

export class ReferenceDataError extends Error {}

export const COUNTY_COUNT = 47;
export const NAME_MAX = 60;
const PROGRESS_EVERY = 1000;
/** More rows than any council list of counties or sub-counties (Kenya has about 300 sub-counties). */
export const MAX_PLACE_ROWS = 10_000;
/** Errors an import lists; beyond them it only counts. */
export const MAX_LISTED_ERRORS = 1000;
/** Serialises the start-up load and imports between instances (pg_advisory_xact_lock key). */
const LOCK_KEY = 2026112904;

type County = { code: string; name: string };
type SubCounty = { county_code: string; name: string };

const lock = (trx: Knex.Transaction) => trx.raw('select pg_advisory_xact_lock(?)', [LOCK_KEY]);

async function count(db: Knex, table: string): Promise<number> {
  const row = (await db(table).count({ n: '*' }).first()) as { n: number | string };
  return Number(row.n);
}

function isControl(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c < 0x20 || c === 0x7f;
}

/**
 * Why `name` cannot be shown on a USSD screen as it is, or undefined when it can. `field` names the
 * column in the message (`name_sw` for a Kiswahili name, checked by the same rules).
 */
export function nameProblem(name: string, field = 'name'): string | undefined {
  if (name === '') return `${field} is empty`;
  if ([...name].some(isControl)) return `${field} must be on one line, without control characters`;
  if (name.length > NAME_MAX) return `${field} is ${name.length} characters long, at most ${NAME_MAX}`;
  if (!isGsm7(name)) {
    const bad = [...new Set([...name].filter((ch) => !isGsm7(ch)))].join(' ');
    const suggestion = toGsm7(name);
    const hint =
      suggestion.split('?').length === name.split('?').length ? `; write it as "${suggestion}"` : '';
    return `${field} "${name}" has characters outside GSM-7 (${bad})${hint}`;
  }
  return undefined;
}

/** Reports validation progress every PROGRESS_EVERY rows. */
function progress(opts: ImportOptions, total: number): (done: number) => void {
  return (done) => {
    if (done % PROGRESS_EVERY === 0) opts.onProgress?.(done, total);
  };
}

function validateCounties(rows: CsvRow<'code' | 'name'>[], opts: ImportOptions) {
  const errors: LineError[] = [];
  const valid: County[] = [];
  const codeLine = new Map<string, number>();
  const nameLine = new Map<string, number>();
  const tick = progress(opts, rows.length);
  rows.forEach(({ line, values: { code, name } }, i) => {
    const before = errors.length;
    if (!/^\d{3}$/.test(code)) {
      errors.push({ line, message: `county code "${code}" must be three digits (001 to 047)` });
    } else if (Number(code) < 1 || Number(code) > COUNTY_COUNT) {
      errors.push({ line, message: `county code ${code} is not an official county code (001 to 047)` });
    } else if (codeLine.has(code)) {
      errors.push({ line, message: `county code ${code} is also on line ${codeLine.get(code)}` });
    } else {
      codeLine.set(code, line);
    }
    const problem = nameProblem(name);
    if (problem) errors.push({ line, message: problem });
    else if (nameLine.has(name.toLowerCase())) {
      errors.push({ line, message: `county "${name}" is also on line ${nameLine.get(name.toLowerCase())}` });
    } else nameLine.set(name.toLowerCase(), line);
    if (errors.length === before) valid.push({ code, name });
    tick(i + 1);
  });
  return { valid, errors };
}

function validateSubCounties(
  rows: CsvRow<'county_code' | 'name'>[],
  counties: County[],
  opts: ImportOptions,
) {
  const errors: LineError[] = [];
  const valid: SubCounty[] = [];
  const known = new Set(counties.map((c) => c.code));
  const present = new Set<string>();
  const seen = new Map<string, number>();
  const tick = progress(opts, rows.length);
  rows.forEach(({ line, values: { county_code: code, name } }, i) => {
    const before = errors.length;
    if (!/^\d{3}$/.test(code)) {
      errors.push({ line, message: `county code "${code}" must be three digits (001 to 047)` });
    } else if (!known.has(code)) {
      errors.push({ line, message: `unknown county code ${code}` });
    }
    present.add(code);
    const problem = nameProblem(name);
    if (problem) errors.push({ line, message: problem });
    else {
      const key = `${code}|${name.toLowerCase()}`;
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({ line, message: `sub-county "${name}" of county ${code} is also on line ${first}` });
      } else seen.set(key, line);
    }
    if (errors.length === before) valid.push({ county_code: code, name });
    tick(i + 1);
  });
  // A county the file leaves out would offer no sub-county to choose.
  const missing = counties
    .filter((c) => !present.has(c.code))
    .map((c) => `end of file: no sub-county for county ${c.code} ${c.name}`);
  return { valid, errors, missing };
}

async function importCountiesIn(trx: Knex.Transaction, csv: CsvSource, opts: ImportOptions) {
  const read = await readCsv(csv, ['code', 'name'] as const, MAX_PLACE_ROWS);
  if (read.rows.length === 0) {
    return {
      inserted: 0,
      errors: read.errors.length ? formatLineErrors(read.errors) : ['line 2: the file has no county'],
    };
  }
  const checked = validateCounties(read.rows, opts);
  const errors = formatLineErrors([...read.errors, ...checked.errors]);
  if (errors.length) return { inserted: 0, errors };
  // Upsert by code: a county is never deleted (sub-counties and, later, vacancies refer to it).
  await trx.raw(
    `insert into counties (code, name)
     select code, name from jsonb_to_recordset(?::jsonb) as x(code char(3), name text)
     on conflict (code) do update set name = excluded.name`,
    [JSON.stringify(checked.valid)],
  );
  return { inserted: checked.valid.length, errors: [] };
}

async function importSubCountiesIn(trx: Knex.Transaction, csv: CsvSource, opts: ImportOptions) {
  const read = await readCsv(csv, ['county_code', 'name'] as const, MAX_PLACE_ROWS);
  if (read.rows.length === 0) {
    return {
      inserted: 0,
      errors: read.errors.length ? formatLineErrors(read.errors) : ['line 2: the file has no sub-county'],
    };
  }
  const counties = (await trx('counties').select('code', 'name').orderBy('code')) as County[];
  if (counties.length === 0) {
    return { inserted: 0, errors: ['the counties table is empty: load or import the counties first'] };
  }
  const checked = validateSubCounties(read.rows, counties, opts);
  const errors = [...formatLineErrors([...read.errors, ...checked.errors]), ...checked.missing];
  if (errors.length) return { inserted: 0, errors };
  // The table becomes exactly the file. Rows that stay keep their id (nothing that refers to one breaks
  // when the same list is imported again); rows the file no longer has are deleted, new ones added.
  const rows = JSON.stringify(checked.valid);
  const incoming = `jsonb_to_recordset(?::jsonb) as x(county_code char(3), name text)`;
  // A sub-county that a duty station or a profile refers to cannot go: say which, and load nothing.
  const { rows: used } = await trx.raw<{ rows: { county_code: string; name: string; n: number }[] }>(
    `select s.county_code, s.name,
            (select count(*) from duty_stations d where d.sub_county_id = s.id)
          + (select count(*) from profiles p where p.sub_county_id = s.id) as n
       from sub_counties s
      where not exists (select 1 from ${incoming} where x.county_code = s.county_code and x.name = s.name)
      order by s.county_code, s.name`,
    [rows],
  );
  const kept = used
    .filter((u) => Number(u.n) > 0)
    .map(
      (u) =>
        `sub-county "${u.name}" of county ${u.county_code} is missing from the file but ${u.n} duty station(s) or profile(s) refer to it`,
    );
  if (kept.length) return { inserted: 0, errors: kept };
  await trx.raw(
    `delete from sub_counties s
     where not exists (select 1 from ${incoming} where x.county_code = s.county_code and x.name = s.name)`,
    [rows],
  );
  await trx.raw(
    `insert into sub_counties (county_code, name) select county_code, name from ${incoming}
     on conflict (county_code, name) do nothing`,
    [rows],
  );
  return { inserted: checked.valid.length, errors: [] };
}

/**
 * Validates every row of a counties file (`code,name`) and, only when none is wrong, upserts them by
 * code in one transaction (a county the file leaves out keeps its row).
 */
export function importCounties(db: Db, csv: CsvSource, opts: ImportOptions = {}): Promise<ImportResult> {
  return db.transaction(async (trx) => {
    await lock(trx);
    return importCountiesIn(trx, csv, opts);
  });
}

/**
 * Validates every row of a sub-counties file (`county_code,name`: known county codes, names GSM-7 of 1 to
 * 60 characters, no duplicate within a county, every county present) and, only when none is wrong,
 * makes the table exactly the file in one transaction.
 */
export function importSubCounties(db: Db, csv: CsvSource, opts: ImportOptions = {}): Promise<ImportResult> {
  return db.transaction(async (trx) => {
    await lock(trx);
    return importSubCountiesIn(trx, csv, opts);
  });
}

/**
 * At start: fills `counties` and `sub_counties` from `dir`/counties.csv and `dir`/sub-counties.csv when
 * they are empty, in one transaction; a table that has rows (the shipped list from an earlier start, or
 * the operator's import) is left as it is. Throws when a shipped file is invalid.
 */
export async function loadReferenceData(db: Db, dir = 'data'): Promise<ReferenceDataState> {
  const state = async (q: Knex, loaded: ReferenceDataState['loaded']) => ({
    loaded,
    counties: await count(q, 'counties'),
    subCounties: await count(q, 'sub_counties'),
  });
  const current = await state(db, []);
  if (current.counties > 0 && current.subCounties > 0) return current;

  const load = async (file: string, run: (text: string) => Promise<ImportResult>) => {
    const where = path.join(dir, file);
    const result = await run(await readFile(where, 'utf8'));
    if (result.errors.length) {
      throw new ReferenceDataError(`reference data ${where} is invalid:\n  ${result.errors.join('\n  ')}`);
    }
  };
  return db.transaction(async (trx) => {
    await lock(trx);
    const loaded: ReferenceDataState['loaded'] = [];
    if ((await count(trx, 'counties')) === 0) {
      await load('counties.csv', (text) => importCountiesIn(trx, text, {}));
      loaded.push('counties');
    }
    if ((await count(trx, 'sub_counties')) === 0) {
      await load('sub-counties.csv', (text) => importSubCountiesIn(trx, text, {}));
      loaded.push('sub_counties');
    }
    return state(trx, loaded);
  });
}

/** One log line saying what `loadReferenceData` found or loaded. */
export function describeReferenceData(s: ReferenceDataState, dir = 'data'): string {
  const counts = `${s.counties} counties, ${s.subCounties} sub-counties`;
  if (s.loaded.length === 2) return `reference data: ${counts} loaded from ${dir}/`;
  if (s.loaded.length === 1) {
    return `reference data: ${s.loaded[0]?.replace('_', '-')} loaded from ${dir}/ (${counts})`;
  }
  return `reference data present: ${counts}`;
}
