// The bench's databases, one per dataset and run, dropped at the end:
// - demo: a new database, migrated, with the reference data and data/demo loaded as the embedded default
//   loads them, plus teachers with complete profiles (as tests/support/complete-profile.ts writes them);
// - national: a copy (`create database … template …`) of `cp2_bench_national`, a database seeded once
//   with `seedNational` and reused by later runs (checked by its counts; `--reseed` rebuilds it), so that
//   every run starts from the same season.
import { createDb, type Db } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { hashPassword } from '../../src/domain/passwords';
import { loadReferenceData } from '../../src/domain/reference-data';
import { loadDemoData } from '../../src/domain/vacancy-import';
import { completeProfileColumns } from '../../tests/support/complete-profile';
import {
  BIG_SUB_COUNTY,
  FIRST_PHONE,
  SEED_PASSWORD,
  counts,
  seasonSize,
  seedNational,
} from '../seed/national';
import type { Route } from './walker';
import { withDatabase, type Cleanups } from './util';
import { NOT_SECRET_CIPHER } from '../../src/domain/personal-data/field-cipher';

export type DatasetName = 'demo' | 'national';

export type Dataset = {
  name: DatasetName;
  dbName: string;
  dbUrl: string;
  password: string;
  /** Teachers' phones by phase: each phase walks its own teachers. */
  phones: { warmup: string[]; one: string[]; many: string[] };
  route: Route;
  /** How the database was made, for the report. */
  note: string;
};

/** Teachers walk the same path on both datasets; only the national one has a big sub-county. */
const BASE_ROUTE: Route = {
  exams: ['KCSE', 'KPSEA', 'KJSEA'],
  activity: 'Supervision',
  stationType: 'Examination',
  position: 'Invigilator',
  county: 'Nairobi',
  vacancyPages: 1,
  searchPrefixes: [],
};

const slices = (phones: string[], warmup: number, one: number) => ({
  warmup: phones.slice(0, warmup),
  one: phones.slice(warmup, warmup + one),
  many: phones.slice(warmup + one),
});

const elapsed = (started: number) => `${((Date.now() - started) / 1000).toFixed(1)} s`;

/** Accounts with complete profiles and the password `password`, created before any walk. */
export async function createTeachers(db: Db, phones: string[], password: string): Promise<void> {
  const hash = await hashPassword(password);
  const base = await completeProfileColumns(db, phones[0] as string);
  for (let i = 0; i < phones.length; i += 500) {
    const batch = phones.slice(i, i + 500);
    await db.transaction(async (trx) => {
      const ids = (await trx('accounts')
        .insert(batch.map((phone) => ({ phone, username: phone.slice(1), password_hash: hash })))
        .returning(['id', 'phone'])) as Array<{ id: number | string; phone: string }>;
      await trx('profiles').insert(
        ids.map((a, k) => ({
          ...base,
          account_id: Number(a.id),
          national_id: String(31_000_000 + i + k),
          mpesa_phone: a.phone,
        })),
      );
    });
  }
}

export async function prepareDemo(
  admin: Db,
  pgUrl: string,
  runId: string,
  cleanups: Cleanups,
  teachers: number,
): Promise<Dataset> {
  const started = Date.now();
  const dbName = `cp2_bench_${runId}_demo`;
  await admin.raw(`create database ${dbName}`);
  cleanups.push(() => admin.raw(`drop database if exists ${dbName} with (force)`));
  const dbUrl = withDatabase(pgUrl, dbName);
  const setup = createDb(dbUrl, { statementTimeoutMs: 600_000 });
  const phones = Array.from({ length: teachers }, (_, t) => `+${254_720_000_000 + t}`);
  try {
    await migrateLatest(setup);
    await loadReferenceData(setup);
    const demo = await loadDemoData(setup);
    await createTeachers(setup, phones, SEED_PASSWORD);
    return {
      name: 'demo',
      dbName,
      dbUrl,
      password: SEED_PASSWORD,
      phones: slices(phones, 2, Math.floor((teachers - 2) / 4)),
      route: BASE_ROUTE,
      note:
        `database ${dbName}: migrated, data/demo (${demo.stations} stations, ${demo.vacancies} vacancies), ` +
        `${teachers} teachers with complete profiles (${elapsed(started)})`,
    };
  } finally {
    await setup.destroy();
  }
}

async function exists(admin: Db, name: string): Promise<boolean> {
  const { rows } = (await admin.raw('select 1 from pg_database where datname = ?', [name])) as {
    rows: unknown[];
  };
  return rows.length > 0;
}

/** Why a seeded template is not usable as it is (undefined: it is). */
async function templateProblem(db: Db, scale: number): Promise<string | undefined> {
  const size = seasonSize(scale);
  const have = await counts(db);
  if (have.accounts !== size.teachers) return `${have.accounts} accounts (want ${size.teachers})`;
  if ((have.applications ?? 0) < size.applications)
    return `${have.applications} applications (want ${size.applications})`;
  const { rows } = (await db.raw(
    `select count(*)::int as n from vacancies v join duty_stations d on d.id = v.duty_station_id
       join sub_counties s on s.id = d.sub_county_id
      where s.county_code = ? and s.name = ? and v.exam = 'KCSE' and v.position = 'invigilator'
        and v.status = 'open' and v.opens_at <= now() and v.closes_at > now() + interval '1 day'`,
    [BIG_SUB_COUNTY.county, BIG_SUB_COUNTY.name],
  )) as { rows: Array<{ n: number }> };
  const open = rows[0]?.n ?? 0;
  if (open < 250)
    return `${open} open KCSE invigilator vacancies in ${BIG_SUB_COUNTY.name} (the season has closed)`;
  return undefined;
}

export async function prepareNational(
  admin: Db,
  pgUrl: string,
  runId: string,
  cleanups: Cleanups,
  opts: { reseed: boolean; scale: number },
): Promise<Dataset> {
  const started = Date.now();
  const template =
    opts.scale === 1 ? 'cp2_bench_national' : `cp2_bench_national_s${Math.round(opts.scale * 1000)}`;
  let reason: string | undefined = opts.reseed ? '--reseed' : undefined;
  if (!reason && !(await exists(admin, template))) reason = 'it did not exist';
  if (!reason) {
    const db = createDb(withDatabase(pgUrl, template), { statementTimeoutMs: 600_000 });
    try {
      // The schema follows the code: new migrations are applied to the template once, not to every copy.
      await migrateLatest(db);
      await loadReferenceData(db);
      reason = await templateProblem(db, opts.scale);
    } finally {
      await db.destroy();
    }
  }
  if (reason) {
    console.log(`national: seeding ${template} (${reason}), about a minute…`);
    await admin.raw(`drop database if exists ${template} with (force)`);
    await admin.raw(`create database ${template}`);
    const db = createDb(withDatabase(pgUrl, template), { statementTimeoutMs: 0 });
    try {
      await migrateLatest(db);
      await loadReferenceData(db);
      await seedNational(db, {
        scale: opts.scale,
        // The benchmark's service encrypts with the same published key (bench data is synthetic).
        cipher: NOT_SECRET_CIPHER,
        log: (line) => console.log(`  ${line}`),
      });
    } finally {
      await db.destroy();
    }
  }
  const how = reason ? `seeded now: ${reason}` : 'seeded before, reused';

  const dbName = `cp2_bench_${runId}_national`;
  // A copy needs the template to have no connections: ours are closing; someone else's may be too.
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.raw(`create database ${dbName} template ${template} strategy file_copy`);
      break;
    } catch (err) {
      if (attempt >= 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  cleanups.push(() => admin.raw(`drop database if exists ${dbName} with (force)`));
  // Teachers 10t + 9: by the seed's statuses, none has an active application in any supervision series.
  const phones = Array.from({ length: 3000 }, (_, t) => `+${FIRST_PHONE + 10 * t + 9}`);
  return {
    name: 'national',
    dbName,
    dbUrl: withDatabase(pgUrl, dbName),
    password: SEED_PASSWORD,
    phones: slices(phones, 10, 990),
    route: {
      ...BASE_ROUTE,
      subCounty: BIG_SUB_COUNTY.name,
      vacancyPages: 4,
      searchPrefixes: ['Ama', 'Bar', 'Kil', 'Mwa', 'Tum', 'Zaw', 'Hur', 'Sta'],
    },
    note: `database ${dbName}: a copy of ${template} (${how}) (${elapsed(started)})`,
  };
}
