// Operators' review of applications (issue 6): the lists and the one-application view they decide from.
// Deciding (approve or reject) is applications.ts `decide`, with the other application rules.
import type { Knex } from 'knex';
import { countUpTo, type Total } from '../db/count';
import type { Db } from '../db/knex';
import { applicationsWithStation } from './applications';
import type { ApplicationStatus } from './application-status';
import type { Lang } from './language';
import { revealProfileRow } from './personal-data/at-rest';
import type { FieldCipher } from './personal-data/field-cipher';

export type ApplicationFilter = {
  vacancy?: number;
  exam?: string;
  county?: string;
  status?: ApplicationStatus;
  /** Ids above this one (the keyset cursor). */
  after?: number;
  limit: number;
};

/**
 * The applications the filters select, from `applications` alone (a county through its vacancies' ids):
 * the page's ids and the total need no name or applicant columns, so they join nothing they do not filter.
 * A county is a semi-join for a page (the planner may walk ids and stop at the page's end) and an array
 * of vacancy ids for a count (read through applications_vacancy_status, at most the county's rows).
 */
function matching(db: Knex, f: ApplicationFilter, county: 'semi-join' | 'array'): Knex.QueryBuilder {
  const m = db('applications as ap');
  if (f.vacancy !== undefined) m.where('ap.vacancy_id', f.vacancy);
  if (f.exam !== undefined) m.where('ap.exam', f.exam);
  if (f.status !== undefined) m.where('ap.status', f.status);
  if (f.county !== undefined) {
    const vacancies = db('vacancies as v')
      .join('duty_stations as d', 'd.id', 'v.duty_station_id')
      .where('d.county_code', f.county)
      .select('v.id');
    if (county === 'semi-join') m.whereIn('ap.vacancy_id', vacancies);
    else m.where('ap.vacancy_id', '=', db.raw('any(array(?))', [vacancies]));
  }
  return m;
}

/** Applications joined with their vacancy, duty station and applicant. */
function joined(db: Knex) {
  return applicationsWithStation(db)
    .join('positions as p', 'p.code', 'v.position')
    .join('accounts as ac', 'ac.id', 'ap.account_id')
    .leftJoin('profiles as pr', 'pr.account_id', 'ap.account_id');
}

const SUMMARY_COLUMNS = [
  'ap.id',
  'ap.vacancy_id',
  'v.code as vacancy_code',
  'ap.exam',
  'ap.activity',
  'v.position',
  'p.name as position_name',
  'd.code as station_code',
  'd.name as station_name',
  'd.county_code',
  'ap.status',
  'ac.phone',
  'pr.full_name',
  'ap.created_at',
  'ap.updated_at',
];

type Row = Record<string, unknown> & { id: number | string; account_id?: number | string };

const withNumericId = <R extends Row>(r: R) => ({ ...r, id: Number(r.id) });

export function createReview(db: Db, cipher: FieldCipher) {
  return {
    /**
     * Up to `f.limit` applications after `f.after`, by id, with their total (exact up to a cap, else an
     * estimate: db/count.ts). The page is chosen on `applications` alone, then joined for its columns.
     */
    async list(f: ApplicationFilter): Promise<Total & { applications: Record<string, unknown>[] }> {
      const ids = matching(db, f, 'semi-join')
        .select('ap.id')
        .where('ap.id', '>', f.after ?? 0)
        .orderBy('ap.id')
        .limit(f.limit);
      const [rows, total] = await Promise.all([
        joined(db).whereIn('ap.id', ids).select(SUMMARY_COLUMNS).orderBy('ap.id') as Promise<Row[]>,
        countUpTo(db, matching(db, f, 'array').select(db.raw('1'))),
      ]);
      return { ...total, applications: rows.map(withNumericId) };
    },

    /** One application with its vacancy, the applicant's phone and profile, and its events. */
    async get(id: number): Promise<Record<string, unknown> | undefined> {
      const row = (await joined(db)
        .where('ap.id', id)
        .first([...SUMMARY_COLUMNS, 'ap.account_id', 'ac.username'])) as Row | undefined;
      if (!row) return undefined;
      const profile = (await db('profiles as pr')
        .leftJoin('counties as c', 'c.code', 'pr.county_code')
        .leftJoin('sub_counties as s', 's.id', 'pr.sub_county_id')
        .where('pr.account_id', row.account_id)
        .first('pr.*', 'c.name as county_name', 's.name as sub_county_name')) as
        Record<string, unknown> | undefined;
      const events = await db('application_events')
        .where({ application_id: id })
        .orderBy('at')
        .orderBy('id')
        .select('status', 'actor', 'reason', 'at');
      const { account_id, ...rest } = row;
      const { account_id: _a, ...profileFields } = profile ?? {};
      return {
        ...withNumericId(rest as Row),
        account_id: Number(account_id),
        // Decrypted for the operator (the route is token-guarded and audited).
        profile: profile ? revealProfileRow(cipher, profileFields) : null,
        events,
      };
    },

    /**
     * The SMS the application's steps sent (its submission, the operator's decision, a withdrawal), oldest
     * first: the outbox rows its events name. Only application templates are read, so a credentials
     * message can never be among them; the relay removes secret params once a message is sent anyway.
     * A message purged by retention is left out. Undefined when there is no such application.
     */
    async messages(id: number): Promise<ApplicationSms[] | undefined> {
      const found = (await db('applications').where({ id }).first('id')) as { id: number } | undefined;
      if (!found) return undefined;
      const rows = (await db('application_events as e')
        .join('outbound_sms as o', 'o.id', 'e.sms_id')
        .where('e.application_id', id)
        .whereIn('o.template', [...APPLICATION_SMS_TEMPLATES])
        .orderBy('e.at')
        .orderBy('e.id')
        .select(
          'e.status as event',
          'e.at',
          'o.to_phone as to',
          'o.template',
          'o.language',
          'o.params',
          'o.status',
          'o.delivery_status',
          'o.sent_at',
        )) as ApplicationSms[];
      return rows;
    },
  };
}

/** The templates an application's events may name (never credentials or a password reset). */
export const APPLICATION_SMS_TEMPLATES = [
  'sms.applicationSubmitted',
  'sms.applicationApproved',
  'sms.applicationRejected',
  'sms.applicationWithdrawn',
] as const;

export type ApplicationSms = {
  event: string;
  at: Date;
  to: string;
  template: (typeof APPLICATION_SMS_TEMPLATES)[number];
  language: Lang;
  params: Record<string, string | number>;
  status: string;
  delivery_status: string | null;
  sent_at: Date | null;
};

export type Review = ReturnType<typeof createReview>;
