// Reference places: the 47 counties (official codes 001 Mombasa … 047 Nairobi) and their sub-counties.
// The repository ships both lists in data/*.csv (docs/reference-data.md says where they come from); a
// table that is empty at start is filled from them, and an operator replaces them with the council's own
// lists through `npm run import` (scripts/import.ts). A list the operator imported is never overwritten
// at start, and an import with any bad row loads nothing. Both are kinds of the one import runner
// (csv-import.ts), their rows declared in row-schemas.ts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { CsvSource } from '../db/csv';
import type { Db } from '../db/knex';
import {
  importer,
  lockImports,
  Refusal,
  runImport,
  upsertStaged,
  type ImportResult,
  type Kind,
} from './csv-import';
import { COUNTY_CODE, countyRow, subCountyRow } from './row-schemas';

export type ReferenceDataState = {
  /** The tables filled from the shipped files by this call (none when both already had rows). */
  loaded: ('counties' | 'sub_counties')[];
  counties: number;
  subCounties: number;
};

export class ReferenceDataError extends Error {}

/** More rows than any council list of counties or sub-counties (Kenya has about 300 sub-counties). */
export const MAX_PLACE_ROWS = 10_000;
/** Serialises the start-up load and imports between instances (pg_advisory_xact_lock key). */
const LOCK_KEY = 2026112904;

/** A list of places is read whole first: its progress says how many rows the file has. */
type PlacesImport = (
  db: Db,
  csv: CsvSource,
  opts?: { onProgress?: (validated: number, total: number) => void },
) => Promise<ImportResult>;

async function count(db: Knex, table: string): Promise<number> {
  const row = (await db(table).count({ n: '*' }).first()) as { n: number | string };
  return Number(row.n);
}

/** `counties`: code,name, upserted by code (a county is never deleted: sub-counties refer to it). */
const counties: Kind<typeof countyRow> = {
  noun: 'county',
  schema: countyRow,
  lockKey: LOCK_KEY,
  maxRows: MAX_PLACE_ROWS,
  context: async () => null,
  keys: [
    { name: 'code', needs: ['code'], of: (v) => ({ key: v.code ?? '', shown: `county code ${v.code}` }) },
    {
      name: 'name',
      needs: ['name'],
      of: (v) => ({ key: (v.name ?? '').toLowerCase(), shown: `county "${v.name}"` }),
    },
  ],
  write: (trx) => upsertStaged(trx, 'counties', ['code char(3)', 'name text']),
};

type SubCountyCtx = { counties: { code: string; name: string }[]; known: Set<string>; present: Set<string> };

const INCOMING = `(select x.county_code, x.name
    from import_rows s cross join lateral jsonb_to_record(s.row) as x(county_code char(3), name text)) as x`;

/**
 * `sub-counties`: county_code,name; known county codes, no duplicate within a county, every county
 * present. The table becomes exactly the file: rows that stay keep their id (nothing that refers to one
 * breaks when the same list is imported again); rows the file no longer has are deleted, new ones added.
 */
const subCounties: Kind<typeof subCountyRow, SubCountyCtx> = {
  noun: 'sub-county',
  schema: subCountyRow,
  lockKey: LOCK_KEY,
  maxRows: MAX_PLACE_ROWS,
  context: async (trx) => {
    const rows = (await trx('counties').select('code', 'name').orderBy('code')) as {
      code: string;
      name: string;
    }[];
    if (rows.length === 0) {
      return new Refusal(['the counties table is empty: load or import the counties first']);
    }
    return { counties: rows, known: new Set(rows.map((c) => c.code)), present: new Set() };
  },
  check: (v, _row, ctx) => {
    const code = v.county_code ?? '';
    ctx.present.add(code);
    return COUNTY_CODE.test(code) && !ctx.known.has(code)
      ? [{ path: 'county_code', message: `unknown county code ${code}` }]
      : [];
  },
  keys: [
    {
      name: 'sub-county',
      needs: ['name'],
      of: (v) => ({
        key: `${v.county_code}|${(v.name ?? '').toLowerCase()}`,
        shown: `sub-county "${v.name}" of county ${v.county_code}`,
      }),
    },
  ],
  // A county the file leaves out would offer no sub-county to choose.
  finish: (ctx) =>
    ctx.counties
      .filter((c) => !ctx.present.has(c.code))
      .map((c) => `end of file: no sub-county for county ${c.code} ${c.name}`),
  write: async (trx) => {
    // A sub-county that a duty station or a profile refers to cannot go: say which, and load nothing.
    const { rows: used } = await trx.raw<{ rows: { county_code: string; name: string; n: number }[] }>(
      `select s.county_code, s.name,
              (select count(*) from duty_stations d where d.sub_county_id = s.id)
            + (select count(*) from profiles p where p.sub_county_id = s.id) as n
         from sub_counties s
        where not exists (select 1 from ${INCOMING} where x.county_code = s.county_code and x.name = s.name)
        order by s.county_code, s.name`,
    );
    const kept = used
      .filter((u) => Number(u.n) > 0)
      .map(
        (u) =>
          `sub-county "${u.name}" of county ${u.county_code} is missing from the file but ${u.n} duty station(s) or profile(s) refer to it`,
      );
    if (kept.length) return kept;
    await trx.raw(
      `delete from sub_counties s
       where not exists (select 1 from ${INCOMING} where x.county_code = s.county_code and x.name = s.name)`,
    );
    await trx.raw(
      `insert into sub_counties (county_code, name) select county_code, name from ${INCOMING}
       on conflict (county_code, name) do nothing`,
    );
    return undefined;
  },
};

/**
 * Validates every row of a counties file (`code,name`) and, only when none is wrong, upserts them by
 * code in one transaction (a county the file leaves out keeps its row).
 */
export const importCounties = importer(counties) as PlacesImport;

/**
 * Validates every row of a sub-counties file (`county_code,name`: known county codes, names GSM-7 of 1 to
 * 60 characters, no duplicate within a county, every county present) and, only when none is wrong,
 * makes the table exactly the file in one transaction.
 */
export const importSubCounties = importer(subCounties) as PlacesImport;

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
    await lockImports(trx, LOCK_KEY);
    const loaded: ReferenceDataState['loaded'] = [];
    if ((await count(trx, 'counties')) === 0) {
      await load('counties.csv', (text) => runImport(trx, counties, text));
      loaded.push('counties');
    }
    if ((await count(trx, 'sub_counties')) === 0) {
      await load('sub-counties.csv', (text) => runImport(trx, subCounties, text));
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
