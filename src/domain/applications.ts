// Applications: applying, withdrawing and deciding (approve or reject), and the rules they keep. The rules
// that must hold under concurrency are in the database (migration 006): one active application per
// account and vacancy, and per account, exam and activity. The checks here come first so that the usual
// refusal is a clear answer; a unique violation from a racing submit is mapped to the same answer.
//
// Apply, decide and (through the vacancy's lock) the operators' change of positions lock the vacancy row
// first (vacancies.ts `lockVacancy`), so applies and approvals of one vacancy are ordered and its
// positions cannot be over-approved. Apply and withdraw are bounded by the hop's deadline
// (db/bounded-transaction.ts) and each queues its SMS in its own transaction, so the user learns the truth
// even if the commit raced the deadline. A decision is one transaction per application: the status
// change, its application_events row, the admin_audit row and the applicant's SMS commit together or not
// at all. docs/vacancies.md describes the model.
import type { Knex } from 'knex';
import { boundedTransaction } from '../db/bounded-transaction';
import type { Db } from '../db/knex';
import { activeApplications } from './active-applications';
import { teacherActor } from './actors';
import { DECISION_REASON_MAX, DUTY, UNDECIDED, type ApplicationStatus } from './application-status';
import { recordAdminAction } from './admin-audit';
import type { Lang } from './language';
import { enqueueSms, languageOf } from './outbox';
import { missingSectionsOf } from './profiles';
import { localName } from './reference-names';
import { eatYear, formatEatDate } from './time';
import { isFull, lockVacancy, occupancy } from './vacancies';
import type {
  ApplicationPage,
  ApplicationQuery,
  ApplicationSummary,
  ApplyResult,
  WithdrawResult,
} from './vacancy-types';

const UNIQUE_VIOLATION = '23505';

/**
 * Applications (`ap`) joined with their vacancy (`v`) and its duty station (`d`): the one join that the
 * USSD lists, the operators' review and the CSV exports build on (each adds only the names it shows).
 */
export function applicationsWithStation(db: Knex) {
  return db('applications as ap')
    .join('vacancies as v', 'v.id', 'ap.vacancy_id')
    .join('duty_stations as d', 'd.id', 'v.duty_station_id');
}

/** Duties: the approved applications, with their vacancy and station (attendance, claims, their exports). */
export function dutiesWithStation(db: Knex) {
  return applicationsWithStation(db).where('ap.status', DUTY);
}

/** An account's applications as My applications and STATUS list them: the most recent first. */
function newestFirst(q: Knex.QueryBuilder): void {
  void q.orderBy('ap.created_at', 'desc').orderBy('ap.id', 'desc');
}

export type ApplicationDeps = { ussdCode: string; smsCode: string; now?: () => Date };

export type Decision = 'approve' | 'reject';

export const DECIDED: Record<Decision, ApplicationStatus> = { approve: 'approved', reject: 'rejected' };

export type DecisionResult =
  /** The decision was applied: the status changed and one SMS was queued. */
  | { id: number; result: 'approved' | 'rejected' }
  /** The application already has this decision: nothing changed, nothing sent. */
  | { id: number; result: 'unchanged'; status: ApplicationStatus }
  | { id: number; result: 'notFound' }
  /** Not submitted (withdrawn, or decided the other way): only a submitted application can be decided. */
  | { id: number; result: 'notReviewable'; status: ApplicationStatus }
  /** Approved applications already fill the vacancy's positions. */
  | { id: number; result: 'full'; positions: number; approved: number }
  /** The reason is empty or longer than `max` (DECISION_REASON_MAX): nothing decided. */
  | { id: number; result: 'invalidReason'; max: number };

export type DecisionRequest = { decision: Decision; reason?: string; actor: string };

/**
 * The withdrawal rule, in one place: only a submitted application of the account is withdrawn, with its
 * event. One application (the teacher's choice) or all the account's submitted ones (its erasure).
 * Returns how many were withdrawn.
 */
export async function withdrawIn(
  trx: Knex.Transaction,
  which: { accountId: number; applicationId?: number },
  actor: string,
  at: Date,
  reason?: string,
): Promise<number> {
  const updated = (await trx('applications')
    .where({ account_id: which.accountId, status: UNDECIDED })
    .modify((q) => {
      if (which.applicationId !== undefined) void q.where({ id: which.applicationId });
    })
    .update({ status: 'withdrawn', updated_at: at })
    .returning('id')) as { id: number }[];
  if (updated.length > 0) {
    await trx('application_events').insert(
      updated.map((a) => ({ application_id: a.id, status: 'withdrawn', actor, at, reason: reason ?? null })),
    );
  }
  return updated.length;
}

export function createApplications(db: Db, deps: ApplicationDeps) {
  const now = deps.now ?? (() => new Date());

  async function applyIn(trx: Knex.Transaction, accountId: number, vacancyId: number): Promise<ApplyResult> {
    const missing = await missingSectionsOf(trx, accountId);
    if (missing.length) return { status: 'profileIncomplete', missing };
    const applicant = (await trx('accounts as ac')
      .join('profiles as pr', 'pr.account_id', 'ac.id')
      .where('ac.id', accountId)
      .first('ac.phone', 'pr.national_id_hash')) as { phone: string; national_id_hash: string };
    const lang = await languageOf(trx, applicant.phone);
    const at = now();

    // The row lock orders concurrent applies for one vacancy, so each sees what the previous one wrote;
    // everything after it is kept short. Applies to two vacancies of one series race to the unique index.
    const vacancy = await lockVacancy(trx, vacancyId, at);
    if (!vacancy) return { status: 'closed' };
    if (isFull(await occupancy(trx, vacancyId))) return { status: 'full' };

    const active = (await activeApplications(trx, accountId)
      .andWhere(
        (w) =>
          void w
            .where('ap.vacancy_id', vacancyId)
            .orWhere({ 'ap.exam': vacancy.exam, 'ap.activity': vacancy.activity }),
      )
      .select('ap.vacancy_id')) as { vacancy_id: number }[];
    if (active.some((a) => a.vacancy_id === vacancyId)) return { status: 'duplicate' };
    if (active.length) return { status: 'sameSeries' };

    const year = eatYear(at);
    const deployed = await trx('deployments')
      // By the keyed hash of the national ID: both sides are written under the current data key.
      .where({ national_id_hash: applicant.national_id_hash, duty_station: vacancy.station_code })
      .whereIn('year', [year - 1, year - 2])
      .countDistinct({ n: 'year' })
      .first();
    if (Number(deployed?.n ?? 0) >= 2) return { status: 'ineligible' };

    const [row] = (await trx('applications')
      .insert({
        account_id: accountId,
        vacancy_id: vacancyId,
        exam: vacancy.exam,
        activity: vacancy.activity,
        status: 'submitted',
        created_at: at,
        updated_at: at,
      })
      .returning('id')) as { id: number }[];
    const applicationId = (row as { id: number }).id;
    const smsId = await enqueueSms(trx, {
      to: applicant.phone,
      template: 'sms.applicationSubmitted',
      lang,
      // What was applied for, so that the one confirmation is told apart from the next (issue 10).
      params: {
        exam: vacancy.exam,
        position: localName(lang, vacancy.position_name, vacancy.position_name_sw),
        station: vacancy.station_name,
        code: deps.ussdCode,
        sms: deps.smsCode,
      },
    });
    // The event names its SMS: the operators' console shows what the applicant was told.
    await trx('application_events').insert({
      application_id: applicationId,
      status: 'submitted',
      actor: teacherActor('ussd', applicant.phone),
      at,
      sms_id: smsId,
    });
    return { status: 'submitted', applicationId };
  }

  async function decideIn(trx: Knex.Transaction, id: number, req: DecisionRequest): Promise<DecisionResult> {
    if (req.reason !== undefined && (req.reason === '' || req.reason.length > DECISION_REASON_MAX)) {
      return { id, result: 'invalidReason', max: DECISION_REASON_MAX };
    }
    const found = (await trx('applications').where({ id }).first('vacancy_id')) as
      { vacancy_id: number } | undefined;
    if (!found) return { id, result: 'notFound' };
    // Vacancy first, then the application: the order apply uses, so the two cannot deadlock.
    const vacancy = (await lockVacancy(trx, found.vacancy_id)) as NonNullable<
      Awaited<ReturnType<typeof lockVacancy>>
    >;
    const app = (await trx('applications as ap')
      .join('accounts as ac', 'ac.id', 'ap.account_id')
      .where('ap.id', id)
      .forUpdate('ap')
      .first('ap.status', 'ac.phone')) as { status: ApplicationStatus; phone: string };
    const target = DECIDED[req.decision];
    if (app.status === target) return { id, result: 'unchanged', status: app.status };
    if (app.status !== UNDECIDED) return { id, result: 'notReviewable', status: app.status };
    if (req.decision === 'approve') {
      const taken = await occupancy(trx, found.vacancy_id);
      if (isFull(taken)) return { id, result: 'full', positions: taken.positions, approved: taken.approved };
    }
    const at = new Date();
    await trx('applications').where({ id }).update({ status: target, updated_at: at });
    await recordAdminAction(trx, {
      actor: req.actor,
      action: `application.${req.decision}`,
      target: `application:${id}`,
      details: { from: app.status, to: target, vacancyId: found.vacancy_id, reason: req.reason ?? null },
    });
    // The reason is kept in the events and the audit trail, not in the SMS: with the longest position
    // and station names there is no room left in one segment.
    const lang = await languageOf(trx, app.phone);
    const smsId = await enqueueSms(trx, {
      to: app.phone,
      template: req.decision === 'approve' ? 'sms.applicationApproved' : 'sms.applicationRejected',
      lang,
      params: {
        position: localName(lang, vacancy.position_name, vacancy.position_name_sw),
        station: vacancy.station_name,
      },
    });
    await trx('application_events').insert({
      application_id: id,
      status: target,
      actor: req.actor,
      reason: req.reason ?? null,
      at,
      sms_id: smsId,
    });
    return { id, result: target === 'approved' ? 'approved' : 'rejected' };
  }

  return {
    /**
     * Submits an application in one transaction: profile complete, vacancy open and not full, no active
     * application for it or in its exam and activity, eligible; then the application, its event and the
     * confirmation SMS.
     */
    async apply(accountId: number, vacancyId: number): Promise<ApplyResult> {
      try {
        return await boundedTransaction(db, (trx) => applyIn(trx, accountId, vacancyId));
      } catch (err) {
        const e = err as { code?: string; constraint?: string };
        if (e.code === UNIQUE_VIOLATION && e.constraint === 'applications_active_vacancy') {
          return { status: 'duplicate' };
        }
        if (e.code === UNIQUE_VIOLATION && e.constraint === 'applications_active_series') {
          return { status: 'sameSeries' };
        }
        throw err;
      }
    },

    /** An operator's decision on one application, in a transaction of its own. */
    decide(id: number, req: DecisionRequest): Promise<DecisionResult> {
      return db.transaction((trx) => decideIn(trx, id, req));
    },

    /** Decides each application in turn (one transaction each), in the order given, once per id. */
    async decideMany(ids: number[], req: DecisionRequest): Promise<DecisionResult[]> {
      const results: DecisionResult[] = [];
      for (const id of [...new Set(ids)]) results.push(await db.transaction((trx) => decideIn(trx, id, req)));
      return results;
    },
    /**
     * A page of the account's applications, most recent first, and where the next page starts: a teacher
     * may have hundreds, and the session keeps one page. `withdrawable`: only those that can be withdrawn.
     * Exams and positions are named in `page.lang`.
     */
    async list(accountId: number, page: ApplicationQuery = {}): Promise<ApplicationPage> {
      const limit = page.limit ?? 1000;
      const q = applicationsWithStation(db)
        .join('exams as e', 'e.code', 'ap.exam')
        .join('positions as p', 'p.code', 'v.position')
        .where('ap.account_id', accountId)
        .modify(newestFirst)
        .limit(limit + 1)
        .select(
          'ap.id',
          'ap.vacancy_id as vacancyId',
          'e.name as exam',
          'e.name_sw as exam_sw',
          'p.name as position',
          'p.name_sw as position_sw',
          'd.name as station',
          'ap.status',
          'ap.created_at',
        );
      if (page.withdrawable) q.where('ap.status', UNDECIDED);
      const after = page.after;
      if (after) {
        q.whereRaw('(ap.created_at, ap.id) < (?::timestamptz, ?)', [after.createdAt, after.id]);
      }
      const rows = (await q) as (Omit<ApplicationSummary, 'appliedOn'> & {
        created_at: Date;
        exam_sw: string | null;
        position_sw: string | null;
      })[];
      const shown = rows.slice(0, limit);
      const last = shown.at(-1);
      const lang = page.lang ?? 'en';
      return {
        applications: shown.map(({ created_at, exam_sw, position_sw, ...r }) => ({
          ...r,
          exam: localName(lang, r.exam, exam_sw),
          position: localName(lang, r.position, position_sw),
          appliedOn: formatEatDate(created_at),
        })),
        next:
          rows.length > limit && last ? { createdAt: last.created_at.toISOString(), id: last.id } : undefined,
      };
    },

    /** Withdraws a submitted application of this account; `actor` is recorded (`ussd:+2547...`). */
    async withdraw(accountId: number, applicationId: number, actor: string): Promise<WithdrawResult> {
      if (!Number.isSafeInteger(applicationId)) return { status: 'notWithdrawable' };
      return boundedTransaction(db, async (trx) => {
        const at = now();
        const updated = await withdrawIn(trx, { accountId, applicationId }, actor, at);
        if (updated === 0) return { status: 'notWithdrawable' };
        // Confirmed by SMS too: the user learns of it even when the screen saying so was lost.
        const named = (await applicationsWithStation(trx)
          .join('accounts as ac', 'ac.id', 'ap.account_id')
          .join('positions as p', 'p.code', 'v.position')
          .where('ap.id', applicationId)
          .first(
            'ac.phone',
            'ap.exam',
            'p.name as position',
            'p.name_sw as position_sw',
            'd.name as station',
          )) as {
          phone: string;
          exam: string;
          position: string;
          position_sw: string | null;
          station: string;
        };
        const lang = await languageOf(trx, named.phone);
        const smsId = await enqueueSms(trx, {
          to: named.phone,
          template: 'sms.applicationWithdrawn',
          lang,
          params: {
            exam: named.exam,
            position: localName(lang, named.position, named.position_sw),
            station: named.station,
          },
        });
        await trx('application_events')
          .where({ application_id: applicationId, status: 'withdrawn', at })
          .update({ sms_id: smsId });
        return { status: 'withdrawn' };
      });
    },

    /**
     * For STATUS by SMS: the `max` most recent applications (exam code, position named in `lang`,
     * status) and how many the account has in all, so that the reply can say how many it does not show.
     */
    async recentForSms(accountId: number, lang: Lang = 'en', max = 5): Promise<RecentApplications> {
      // One after the other: STATUS runs this inside the transaction of the inbound SMS (one connection).
      const rows = (await applicationsWithStation(db)
        .join('positions as p', 'p.code', 'v.position')
        .where('ap.account_id', accountId)
        .modify(newestFirst)
        .limit(max)
        .select('ap.exam', 'p.name as position', 'p.name_sw as position_sw', 'ap.status')) as {
        exam: string;
        position: string;
        position_sw: string | null;
        status: ApplicationStatus;
      }[];
      const total = await db('applications').where({ account_id: accountId }).count({ n: '*' }).first();
      return {
        applications: rows.map((r) => ({
          exam: r.exam,
          position: localName(lang, r.position, r.position_sw),
          status: r.status,
        })),
        total: Number(total?.n ?? 0),
      };
    },
  };
}

export type RecentApplications = {
  applications: { exam: string; position: string; status: ApplicationStatus }[];
  total: number;
};

export type Applications = ReturnType<typeof createApplications>;
