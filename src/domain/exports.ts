// CSV exports for the operators (docs/analytics.md): rows read through a declared cursor, EXPORT_FETCH at
// a time, inside one read-only snapshot and piped through csv-stringify, so an export of any size holds
// one fetch in memory, starts as soon as the first is read, and reads no more than the client takes.
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { neutraliseFormula } from '../db/csv-formula-guard';
import type { Db } from '../db/knex';
import { revealProfileRow } from './personal-data/at-rest';
import type { FieldCipher } from './personal-data/field-cipher';
import { applicationsWithStation } from './applications';
import { FIELDS } from './profile-fields';

export type ExportFilters = { vacancy?: number; county?: string; exam?: string };

type Column = { key: string; header: string };

/**
 * Rows per FETCH from the export's cursor. The query is a declared cursor, which PostgreSQL plans for
 * the first rows (cursor_tuple_fraction): index-ordered joins that start at once and stream, where the
 * same query sent as a plain statement was planned for all rows (hash joins and a sort of the season
 * before the first row: 1.5 s to the first byte).
 */
export const EXPORT_FETCH = 2000;

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

/**
 * A profile's columns, from the profile's fields (profile-fields.ts) in their order: a new field is
 * exported without a change here. A county or sub-county is exported by its name, not its code.
 */
const BY_NAME: Record<string, { select: string; header: string }> = {
  county_code: { select: 'c.name as county', header: 'county' },
  sub_county_id: { select: 'sc.name as sub_county', header: 'sub_county' },
};
const PROFILE_FIELDS = Object.values(FIELDS).map(
  ({ column }) => BY_NAME[column] ?? { select: `p.${column}`, header: column },
);

const PROFILE_COLUMNS: Column[] = [
  col('account_id'),
  col('phone'),
  ...PROFILE_FIELDS.map((f) => col(f.header)),
  col('updated_at'),
];

/** Applications joined to their vacancy's station (applications.ts), narrowed by the filters. */
function matchingApplications(q: Db, f: ExportFilters): Knex.QueryBuilder {
  const query = applicationsWithStation(q);
  if (f.vacancy !== undefined) query.where('ap.vacancy_id', f.vacancy);
  if (f.county !== undefined) query.where('d.county_code', f.county);
  if (f.exam !== undefined) query.where('ap.exam', f.exam);
  return query;
}

function applicationsQuery(q: Db, f: ExportFilters): Knex.QueryBuilder {
  return matchingApplications(q, f)
    .join('activities as act', 'act.code', 'ap.activity')
    .join('positions as pos', 'pos.code', 'v.position')
    .join('counties as c', 'c.code', 'd.county_code')
    .join('sub_counties as sc', 'sc.id', 'd.sub_county_id')
    .join('accounts as acc', 'acc.id', 'ap.account_id')
    .leftJoin('profiles as p', 'p.account_id', 'ap.account_id')
    .select(
      'ap.id',
      'ap.status',
      'ap.created_at as applied_at',
      'ap.exam',
      'act.name as activity',
      'pos.name as position',
      'd.name as duty_station',
      'c.name as county',
      'sc.name as sub_county',
      'acc.phone',
      'p.national_id',
      'p.full_name',
    );
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
    .select('acc.id as account_id', 'acc.phone', ...PROFILE_FIELDS.map((f) => f.select), 'p.updated_at');
  if (filtered) {
    // The matching applicants' ids, not a probe per account: a vacancy's few applicants are found
    // without walking every account.
    query.whereIn('acc.id', matchingApplications(q, f).select('ap.account_id'));
  } else {
    query.whereNotNull('p.account_id');
  }
  return query;
}

type Source = {
  build: (trx: Db) => Knex.QueryBuilder;
  columns: Column[];
  /** Each row as the operator reads it (identity fields decrypted). */
  reveal: (row: Record<string, unknown>) => Record<string, unknown>;
};

/** Every row of `query`, read through a declared cursor EXPORT_FETCH at a time as the consumer asks. */
async function* cursorRows(
  trx: Db,
  query: Knex.QueryBuilder,
  reveal: Source['reveal'],
): AsyncGenerator<Record<string, unknown>> {
  // JIT compiles for a plan's full cost, which a season's export reaches: 100+ ms before the first row.
  await trx.raw('set local jit = off');
  await trx.raw('declare export_rows no scroll cursor for ?', [query]);
  for (;;) {
    const { rows } = await trx.raw<{ rows: Record<string, unknown>[] }>(
      `fetch ${EXPORT_FETCH} from export_rows`,
    );
    if (rows.length === 0) return;
    for (const row of rows) yield reveal(row);
  }
}

/**
 * Streams the source's rows as CSV. The fetches share one read-only repeatable-read transaction (one
 * snapshot: a row reviewed mid-export is not written twice, nor missed); the admin pool's
 * idle-in-transaction limit ends it if the client stops reading. The transaction ends with the export, or
 * when the client goes away (Koa destroys the body).
 */
function csvStream(db: Db, source: Source, log: Logger): Readable {
  const csv = stringify({
    header: true,
    columns: source.columns,
    // Every text cell of every export: users and operators typed what ends up here. Not csv-stringify's
    // `escape_formulas`: it would quote E.164 phones and numbers pg returns as strings.
    cast: { date: (d) => d.toISOString(), string: neutraliseFormula },
  });
  const out = new PassThrough();
  // Its errors are logged below and end the response through Koa's own listener; this one keeps an error
  // that comes after the client went away (the pool closing at shutdown) from crashing the process.
  out.on('error', () => undefined);
  void (async () => {
    const trx = await db.transaction({ isolationLevel: 'repeatable read', readOnly: true });
    try {
      // Each FETCH is a statement of its own: the admin pool's timeout bounds each, not the export.
      await pipeline(Readable.from(cursorRows(trx, source.build(trx), source.reveal)), csv, out);
      await trx.commit();
    } catch (err) {
      await trx.rollback().catch(() => undefined);
      if (!out.destroyed) out.destroy(err as Error);
      log.warn({ err }, 'CSV export ended early');
    }
  })().catch((err: unknown) => {
    if (!out.destroyed) out.destroy(err as Error);
    log.error({ err }, 'CSV export could not start');
  });
  return out;
}

export function exportApplications(
  db: Db,
  filters: ExportFilters,
  log: Logger,
  cipher: FieldCipher,
): Readable {
  // By applicant (a teacher's applications together, oldest first): the order of the indexes on
  // applications (account_id, created_at), accounts and profiles, so the joins are merged as they stream.
  const build = (trx: Db) =>
    applicationsQuery(trx, filters).orderBy('ap.account_id').orderBy('ap.created_at').orderBy('ap.id');
  const reveal = (row: Record<string, unknown>) => revealProfileRow(cipher, row);
  return csvStream(db, { build, columns: APPLICATION_COLUMNS, reveal }, log);
}

export function exportProfiles(db: Db, filters: ExportFilters, log: Logger, cipher: FieldCipher): Readable {
  const build = (trx: Db) => profilesQuery(trx, filters).orderBy('acc.id');
  const reveal = (row: Record<string, unknown>) => revealProfileRow(cipher, row);
  return csvStream(db, { build, columns: PROFILE_COLUMNS, reveal }, log);
}

export type AttendanceExportFilters = { dutyStation?: string; date?: string; exam?: string };

const ATTENDANCE_COLUMNS: Column[] = [
  'application_id',
  'day',
  'duty_station',
  'station_name',
  'exam',
  'activity',
  'position',
  'phone',
  'full_name',
  'checked_in_at',
  'checked_out_at',
].map((k) => col(k));

/** Every attendance row (a duty's day), narrowed by station, day and exam, by station, day and duty. */
export function exportAttendance(db: Db, f: AttendanceExportFilters, log: Logger): Readable {
  const build = (trx: Db) => {
    const q = applicationsWithStation(trx)
      .join('attendance as t', 't.application_id', 'ap.id')
      .join('positions as pos', 'pos.code', 'v.position')
      .join('accounts as acc', 'acc.id', 'ap.account_id')
      .leftJoin('profiles as p', 'p.account_id', 'ap.account_id')
      .select(
        't.application_id',
        trx.raw(`to_char(t.day, 'YYYY-MM-DD') as day`),
        'd.code as duty_station',
        'd.name as station_name',
        'ap.exam',
        'ap.activity',
        'pos.name as position',
        'acc.phone',
        'p.full_name',
        't.checked_in_at',
        't.checked_out_at',
      )
      .orderBy('d.code')
      .orderBy('t.day')
      .orderBy('t.application_id');
    if (f.dutyStation !== undefined) q.where('d.code', f.dutyStation);
    if (f.date !== undefined) q.where('t.day', f.date);
    if (f.exam !== undefined) q.where('ap.exam', f.exam);
    return q;
  };
  return csvStream(db, { build, columns: ATTENDANCE_COLUMNS, reveal: (row) => row }, log);
}
