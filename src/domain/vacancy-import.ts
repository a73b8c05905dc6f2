// Imports of the vacancy lists (`npm run import -- <kind> <file.csv>`): exams, activities, positions, duty
// stations and deployment history, as kinds of the one import runner (csv-import.ts) with their row
// schemas (row-schemas.ts); the vacancies themselves are vacancies.ts `vacancyKind`. Every row is checked
// first and any error is reported as `line N: message` with nothing loaded; a good file is upserted by
// code in one transaction, so the same file imported twice changes nothing. `loadDemoData` fills an empty
// database with the demo set in data/demo (docs/vacancies.md).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { codesOf, importer, lockImports, runImport, upsertStaged, type Issue, type Kind } from './csv-import';
import { resolveDemoDay, resolveDemoTime } from './demo-dates';
import { deploymentRow, dutyStationRow, namedRow } from './row-schemas';
import { VACANCY_LISTS_LOCK, vacancyKind } from './vacancies';
import { rateKind } from './claims';
import { NATIONAL_ID_INDEX } from './personal-data/at-rest';
import type { FieldCipher } from './personal-data/field-cipher';

export class DemoDataError extends Error {}

/** `code` is the key of a list; `noun` names a row in the messages. */
const byCode = (noun: string) => [
  {
    name: 'code',
    needs: ['code'],
    of: (v: Record<string, string>) => ({ key: v.code ?? '', shown: `${noun} ${v.code}` }),
  },
];

/**
 * exams, activities, positions: `code,name`, and optionally `name_sw` (the Kiswahili name, checked as
 * `name` is; empty for none, when Kiswahili users see `name`), upserted by code. A file without the
 * `name_sw` column leaves the Kiswahili names already stored as they are.
 */
function namedList(table: string, noun: string): Kind<ReturnType<typeof namedRow>> {
  return {
    noun,
    schema: namedRow(noun),
    lockKey: VACANCY_LISTS_LOCK,
    context: async () => null,
    keys: byCode(noun),
    write: async (trx) => {
      await trx.raw(
        `insert into ${table} (code, name, name_sw)
         select x.code, x.name, nullif(x.name_sw, '')
           from import_rows s cross join lateral jsonb_to_record(s.row) as x(code text, name text, name_sw text)
         on conflict (code) do update set name = excluded.name`,
      );
      // The Kiswahili names the file carries (none when it has no name_sw column).
      await trx.raw(
        `update ${table} t set name_sw = nullif(x.name_sw, '')
           from import_rows s cross join lateral jsonb_to_record(s.row) as x(code text, name_sw text)
          where t.code = x.code and s.row -> 'name_sw' is not null`,
      );
    },
  };
}

const exams = namedList('exams', 'exam');
const activities = namedList('activities', 'activity');
const positions = namedList('positions', 'position');
export const importExams = importer(exams);
export const importActivities = importer(activities);
export const importPositions = importer(positions);

type StationCtx = { types: Set<string>; counties: Set<string>; subCounties: Map<string, number> };

/** `duty-stations`: a known station type, county and sub-county (by name within the county, any case). */
const dutyStations: Kind<
  typeof dutyStationRow,
  StationCtx,
  { code: string; name: string; type: string; county_code: string; sub_county_id: number }
> = {
  noun: 'duty station',
  schema: dutyStationRow,
  lockKey: VACANCY_LISTS_LOCK,
  context: async (trx) => {
    const subs = (await trx('sub_counties').select('id', 'county_code', 'name')) as {
      id: number;
      county_code: string;
      name: string;
    }[];
    return {
      types: await codesOf(trx, 'station_types'),
      counties: await codesOf(trx, 'counties'),
      subCounties: new Map(subs.map((s) => [`${s.county_code}|${s.name.toLowerCase()}`, s.id])),
    };
  },
  check: (v, _row, ctx) => {
    const issues: Issue[] = [];
    const type = v.type ?? '';
    const county = v.county_code ?? '';
    const subCounty = v.sub_county ?? '';
    if (!ctx.types.has(type)) {
      issues.push({
        path: 'type',
        message: `type "${type}" must be one of ${[...ctx.types].sort().join(', ')}`,
      });
    }
    if (!ctx.counties.has(county))
      issues.push({ path: 'county_code', message: `unknown county code "${county}"` });
    else if (!ctx.subCounties.has(`${county}|${subCounty.toLowerCase()}`)) {
      issues.push({ path: 'sub_county', message: `sub-county "${subCounty}" is not in county ${county}` });
    }
    return issues;
  },
  keys: byCode('duty station'),
  stage: (r, ctx) => ({
    code: r.code,
    name: r.name,
    type: r.type,
    county_code: r.county_code,
    sub_county_id: ctx.subCounties.get(`${r.county_code}|${r.sub_county.toLowerCase()}`) ?? 0,
  }),
  write: (trx) =>
    upsertStaged(trx, 'duty_stations', [
      'code text',
      'name text',
      'type text',
      'county_code char(3)',
      'sub_county_id int',
    ]),
};
export const importDutyStations = importer(dutyStations);

/** A deployment as staged: the national ID encrypted, with the keyed hash a lookup matches on. */
type StagedDeployment = { national_id: string; national_id_hash: string; duty_station: string; year: number };

/**
 * `deployments`: a known duty station; a row already there is kept. The national ID is stored like a
 * profile's: encrypted under the data key, with its keyed hash (src/domain/personal-data).
 */
function deployments(cipher: FieldCipher): Kind<typeof deploymentRow, Set<string>, StagedDeployment> {
  return {
    noun: 'deployment',
    schema: deploymentRow,
    lockKey: VACANCY_LISTS_LOCK,
    context: (trx) => codesOf(trx, 'duty_stations'),
    check: (v, _row, stations) =>
      stations.has(v.duty_station ?? '')
        ? []
        : [{ path: 'duty_station', message: `unknown duty station "${v.duty_station}"` }],
    keys: [
      {
        name: 'deployment',
        needs: ['national_id', 'duty_station', 'year'],
        of: (v) => {
          const key = `${v.national_id} at ${v.duty_station} in ${Number(v.year)}`;
          return { key, shown: `deployment ${key}` };
        },
      },
    ],
    stage: (row) => ({
      national_id: cipher.encrypt(row.national_id),
      national_id_hash: cipher.index(NATIONAL_ID_INDEX, row.national_id),
      duty_station: row.duty_station,
      year: row.year,
    }),
    write: async (trx) => {
      await trx.raw(
        `insert into deployments (national_id, national_id_hash, duty_station, year)
         select x.national_id, x.national_id_hash, x.duty_station, x.year
           from import_rows s
           cross join lateral jsonb_to_record(s.row) as x(national_id text, national_id_hash text, duty_station text, year int)
         on conflict (national_id_hash, duty_station, year) do nothing`,
      );
    },
  };
}
/** Deployment history by national ID, encrypted with `cipher` as the service's data key does. */
export const importDeployments = (cipher: FieldCipher) => importer(deployments(cipher));

export type DemoDataState = { loaded: boolean; stations: number; vacancies: number };

async function count(db: Knex, table: string): Promise<number> {
  const row = (await db(table).count({ n: '*' }).first()) as { n: number | string };
  return Number(row.n);
}

/** The demo vacancies: times relative to the load day (demo-dates.ts), otherwise as the import reads them. */
function demoVacancies(loadedAt: Date): typeof vacancyKind {
  const dated = (v: Record<string, string>) => ({
    ...v,
    opens_at: resolveDemoTime(v.opens_at ?? '', loadedAt),
    closes_at: resolveDemoTime(v.closes_at ?? '', loadedAt),
    duty_starts_on: resolveDemoDay(v.duty_starts_on ?? '', loadedAt),
    duty_ends_on: resolveDemoDay(v.duty_ends_on ?? '', loadedAt),
  });
  return {
    ...vacancyKind,
    schema: vacancyKind.schema.extend({
      opens_at: z
        .string()
        .transform((s) => resolveDemoTime(s, loadedAt))
        .pipe(vacancyKind.schema.shape.opens_at),
      closes_at: z
        .string()
        .transform((s) => resolveDemoTime(s, loadedAt))
        .pipe(vacancyKind.schema.shape.closes_at),
      duty_starts_on: z
        .string()
        .transform((s) => resolveDemoDay(s, loadedAt))
        .pipe(vacancyKind.schema.shape.duty_starts_on.unwrap())
        .optional(),
      duty_ends_on: z
        .string()
        .transform((s) => resolveDemoDay(s, loadedAt))
        .pipe(vacancyKind.schema.shape.duty_ends_on.unwrap())
        .optional(),
    }),
    check: (...[v, row, ctx]: Parameters<NonNullable<typeof vacancyKind.check>>) =>
      vacancyKind.check?.(dated(v), row, ctx) ?? [],
  } as unknown as typeof vacancyKind;
}

/** The demo files in load order, with the kind that reads each. */
function demoFiles(loadedAt: Date): [string, Kind<z.ZodObject, unknown, unknown>][] {
  return [
    ['exams.csv', exams],
    ['activities.csv', activities],
    ['positions.csv', positions],
    ['duty-stations.csv', dutyStations],
    ['vacancies.csv', demoVacancies(loadedAt)],
    ['rates.csv', rateKind],
  ] as unknown as [string, Kind<z.ZodObject, unknown, unknown>][];
}

export type DemoDataOptions = {
  /** The load day: the demo vacancies' times are relative to its Nairobi date. Default: now. */
  now?: Date;
};

/**
 * Loads the demo set (`dir`/exams.csv, activities.csv, positions.csv, duty-stations.csv, vacancies.csv,
 * rates.csv)
 * in one transaction when the `vacancies` table is empty; otherwise leaves everything as it is. The
 * caller decides whether demo data is wanted at all (the embedded default, DEMO_DATA=1 and the tests do).
 */
export async function loadDemoData(
  db: Db,
  dir = path.join('data', 'demo'),
  opts: DemoDataOptions = {},
): Promise<DemoDataState> {
  const state = async (q: Knex, loaded: boolean) => ({
    loaded,
    stations: await count(q, 'duty_stations'),
    vacancies: await count(q, 'vacancies'),
  });
  if ((await count(db, 'vacancies')) > 0) return state(db, false);
  return db.transaction(async (trx) => {
    await lockImports(trx, VACANCY_LISTS_LOCK);
    if ((await count(trx, 'vacancies')) > 0) return state(trx, false);
    for (const [file, kind] of demoFiles(opts.now ?? new Date())) {
      const where = path.join(dir, file);
      const result = await runImport(trx, kind, await readFile(where, 'utf8'));
      if (result.errors.length) {
        throw new DemoDataError(`demo data ${where} is invalid:\n  ${result.errors.join('\n  ')}`);
      }
    }
    return state(trx, true);
  });
}

/** One log line saying what `loadDemoData` did. */
export function describeDemoData(s: DemoDataState, dir = path.join('data', 'demo')): string {
  const counts = `${s.vacancies} vacancies at ${s.stations} duty stations`;
  return s.loaded ? `demo data: ${counts} loaded from ${dir}/` : `vacancies present: ${counts}`;
}
