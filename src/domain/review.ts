// Operators' review of applications (issue 6): list and fetch applications, and approve or reject them.
// A decision is one transaction per application: the vacancy row is locked first (as apply locks it, so
// approvals and applies of one vacancy are ordered and the positions cannot be over-approved), then the
// application; the status change, its application_events row, the admin_audit row and the applicant's
// SMS (through the outbox, in their language) commit together or not at all. Repeating the decision an
// application already has changes nothing and sends nothing.
import type { Knex } from 'knex';
import { countUpTo, type Total } from '../db/count';
import type { Db } from '../db/knex';
import { recordAdminAction } from './admin-audit';
import { enqueueSms, languageOf } from './outbox';
import { localName } from './reference-names';
import type { ApplicationStatus } from './vacancy-types';
import { revealProfileRow } from './personal-data/at-rest';
import type { FieldCipher } from './personal-data/field-cipher';

export type Decision = 'approve' | 'reject';

export const DECIDED: Record<Decision, ApplicationStatus> = { approve: 'approved', reject: 'rejected' };

export type ReviewResult =
  /** The decision was applied: the status changed and one SMS was queued. */
  | { id: number; result: 'approved' | 'rejected' }
  /** The application already has this decision: nothing changed, nothing sent. */
  | { id: number; result: 'unchanged'; status: ApplicationStatus }
  | { id: number; result: 'notFound' }
  /** Not submitted (withdrawn, or decided the other way): only a submitted application can be decided. */
  | { id: number; result: 'notReviewable'; status: ApplicationStatus }
  /** Approved applications already fill the vacancy's positions. */
  | { id: number; result: 'full'; positions: number; approved: number };

export type ReviewRequest = { decision: Decision; reason?: string; actor: string };

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
  return db('applications as ap')
    .join('vacancies as v', 'v.id', 'ap.vacancy_id')
    .join('duty_stations as d', 'd.id', 'v.duty_station_id')
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
  async function decideIn(trx: Knex.Transaction, id: number, req: ReviewRequest): Promise<ReviewResult> {
    const found = (await trx('applications').where({ id }).first('vacancy_id')) as
      { vacancy_id: number } | undefined;
    if (!found) return { id, result: 'notFound' };
    // Vacancy first, then the application: the order apply uses, so the two cannot deadlock.
    const { rows } = await trx.raw<{
      rows: {
        positions: number;
        position_name: string;
        position_name_sw: string | null;
        station_name: string;
      }[];
    }>(
      `select v.positions, p.name as position_name, p.name_sw as position_name_sw, d.name as station_name
         from vacancies v
         join duty_stations d on d.id = v.duty_station_id
         join positions p on p.code = v.position
        where v.id = ?
          for update of v`,
      [found.vacancy_id],
    );
    const vacancy = rows[0] as {
      positions: number;
      position_name: string;
      position_name_sw: string | null;
      station_name: string;
    };
    const app = (await trx('applications as ap')
      .join('accounts as ac', 'ac.id', 'ap.account_id')
      .where('ap.id', id)
      .forUpdate('ap')
      .first('ap.status', 'ac.phone')) as { status: ApplicationStatus; phone: string };
    const target = DECIDED[req.decision];
    if (app.status === target) return { id, result: 'unchanged', status: app.status };
    if (app.status !== 'submitted') return { id, result: 'notReviewable', status: app.status };
    if (req.decision === 'approve') {
      const approved = await trx('applications')
        .where({ vacancy_id: found.vacancy_id, status: 'approved' })
        .count({ n: '*' })
        .first();
      const n = Number(approved?.n ?? 0);
      if (n >= vacancy.positions) return { id, result: 'full', positions: vacancy.positions, approved: n };
    }
    const at = new Date();
    await trx('applications').where({ id }).update({ status: target, updated_at: at });
    await trx('application_events').insert({
      application_id: id,
      status: target,
      actor: req.actor,
      reason: req.reason ?? null,
      at,
    });
    await recordAdminAction(trx, {
      actor: req.actor,
      action: `application.${req.decision}`,
      target: `application:${id}`,
      details: { from: app.status, to: target, vacancyId: found.vacancy_id, reason: req.reason ?? null },
    });
    // The reason is kept in the events and the audit trail, not in the SMS: with the longest position
    // and station names there is no room left in one segment.
    const lang = await languageOf(trx, app.phone);
    await enqueueSms(trx, {
      to: app.phone,
      template: req.decision === 'approve' ? 'sms.applicationApproved' : 'sms.applicationRejected',
      lang,
      params: {
        position: localName(lang, vacancy.position_name, vacancy.position_name_sw),
        station: vacancy.station_name,
      },
    });
    return { id, result: target === 'approved' ? 'approved' : 'rejected' };
  }

  return {
    /** Applies `req` to one application, in a transaction of its own. */
    decide(id: number, req: ReviewRequest): Promise<ReviewResult> {
      return db.transaction((trx) => decideIn(trx, id, req));
    },

    /** Applies `req` to each application in turn (one transaction each), in the order given, once per id. */
    async decideMany(ids: number[], req: ReviewRequest): Promise<ReviewResult[]> {
      const results: ReviewResult[] = [];
      for (const id of [...new Set(ids)]) results.push(await db.transaction((trx) => decideIn(trx, id, req)));
      return results;
    },

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
  };
}

export type Review = ReturnType<typeof createReview>;
