// CSV exports for the operators (docs/analytics.md): a database cursor (knex `.stream()`, pg-query-stream)
// piped through csv-stringify, so an export of any size holds a few rows in memory at a time.
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { neutraliseFormula } from '../db/csv-formula-guard';
import type { Db } from '../db/knex';

export type ExportFilters = { vacancy?: number; county?: string; exam?: string };

type Column = { key: string; header: string };

/** A cursor outlives the pool's statement timeout (set for USSD hops); an export gets this long. */
const EXPORT_STATEMENT_TIMEOUT = '15min';

/** A CSV column: the row key, and its header when that differs. */
const col = (key: string, header = key): Column => ({ key, header });

const APPLICATION_COLUMNS: Column[] = [
  ...[
    'id',
    'status',
    'applied_at',
    'exam',
    'activity',
    'position',
    'duty_station',
    'county',
    'sub_county',
  ].map((k) => col(k)),
  col('phone', 'applicant_phone'),
  col('national_id'),
  col('full_name'),
];

const PROFILE_FIELDS = [
  'full_name',
  'national_id',
  'birth_year',
  'gender',
  'kra_pin',
  'email',
  'mpesa_phone',
  'mpesa_name',
  'bank_name',
  'bank_branch',
  'bank_account',
  'qualification_level',
  'course',
  'institution',
  'qualification_year',
  'employer',
  'tsc_number',
  'work_institution',
  'designation',
  'work_start_year',
] as const;

const PROFILE_COLUMNS: Column[] = [
  'account_id',
  'phone',
  ...PROFILE_FIELDS,
  'county',
  'sub_county',
  'kin_name',
  'kin_phone',
  'kin_relationship',
  'updated_at',
].map((k) => col(k));

/** Applications joined to their vacancy's place, narrowed by the filters. */
function matchingApplications(q: Db, f: ExportFilters): Knex.QueryBuilder {
  const query = q('applications as a')
    .join('vacancies as v', 'v.id', 'a.vacancy_id')
    .join('duty_stations as d', 'd.id', 'v.duty_station_id');
  if (f.vacancy !== undefined) query.where('a.vacancy_id', f.vacancy);
  if (f.county !== undefined) query.where('d.county_code', f.county);
  if (f.exam !== undefined) query.where('a.exam', f.exam);
  return query;
}

function applicationsQuery(q: Db, f: ExportFilters): Knex.QueryBuilder {
  return matchingApplications(q, f)
    .join('activities as act', 'act.code', 'a.activity')
    .join('positions as pos', 'pos.code', 'v.position')
    .join('counties as c', 'c.code', 'd.county_code')
    .join('sub_counties as sc', 'sc.id', 'd.sub_county_id')
    .join('accounts as acc', 'acc.id', 'a.account_id')
    .leftJoin('profiles as p', 'p.account_id', 'a.account_id')
    .select(
      'a.id',
      'a.status',
      'a.created_at as applied_at',
      'a.exam',
      'act.name as activity',
      'pos.name as position',
      'd.name as duty_station',
      'c.name as county',
      'sc.name as sub_county',
      'acc.phone',
      'p.national_id',
      'p.full_name',
    )
    .orderBy('a.id');
}

/**
 * With filters: every applicant of the matching applications, once (their profile columns empty when
 * they have none). Without: every profile.
 */
function profilesQuery(q: Db, f: ExportFilters): Knex.QueryBuilder {
  const filtered = f.vacancy !== undefined || f.county !== undefined || f.exam !== undefined;
  const query = q('accounts as acc')
    .leftJoin('profiles as p', 'p.account_id', 'acc.id')
    .leftJoin('counties as c', 'c.code', 'p.county_code')
    .leftJoin('sub_counties as sc', 'sc.id', 'p.sub_county_id')
    .select(
      'acc.id as account_id',
      'acc.phone',
      ...PROFILE_FIELDS.map((k) => `p.${k}`),
      'c.name as county',
      'sc.name as sub_county',
      'p.kin_name',
      'p.kin_phone',
      'p.kin_relationship',
      'p.updated_at',
    )
    .orderBy('acc.id');
  if (filtered) {
    query.whereExists(matchingApplications(q, f).select(q.raw('1')).whereRaw('a.account_id = acc.id'));
  } else {
    query.whereNotNull('p.account_id');
  }
  return query;
}

/**
 * Streams the query's rows as CSV. The cursor runs in its own transaction (for its statement timeout);
 * the transaction ends when the export does, or when the client goes away (Koa destroys the body).
 */
function csvStream(db: Db, build: (trx: Db) => Knex.QueryBuilder, columns: Column[], log: Logger): Readable {
  const csv = stringify({
    header: true,
    columns,
    // Every text cell of every export: users and operators typed what ends up here. Not csv-stringify's
    // `escape_formulas`: it would quote E.164 phones and numbers pg returns as strings.
    cast: { date: (d) => d.toISOString(), string: neutraliseFormula },
  });
  const out = new PassThrough();
  void (async () => {
    const trx = await db.transaction();
    try {
      await trx.raw(`set local statement_timeout = '${EXPORT_STATEMENT_TIMEOUT}'`);
      await pipeline(build(trx).stream(), csv, out);
      await trx.commit();
    } catch (err) {
      await trx.rollback().catch(() => undefined);
      if (!out.destroyed) out.destroy(err as Error);
      log.warn({ err }, 'CSV export ended early');
    }
  })().catch((err: unknown) => {
    out.destroy(err as Error);
    log.error({ err }, 'CSV export could not start');
  });
  return out;
}

export function exportApplications(db: Db, filters: ExportFilters, log: Logger): Readable {
  return csvStream(db, (trx) => applicationsQuery(trx, filters), APPLICATION_COLUMNS, log);
}

export function exportProfiles(db: Db, filters: ExportFilters, log: Logger): Readable {
  return csvStream(db, (trx) => profilesQuery(trx, filters), PROFILE_COLUMNS, log);
}
