// Vacancies and applications: browsing open vacancies level by level (never a dead end), applying and
// withdrawing. The rules that must hold under concurrency are in the database (migration 006): one
// active application per account and vacancy, and per account, exam and activity. The checks here come
// first so that the usual refusal is a clear answer; a unique violation from a racing submit is mapped to
// the same answer. Apply and withdraw are bounded by the hop's deadline (db/bounded-transaction.ts) and
// each queues its SMS in its own transaction, so the user learns the truth even if the commit raced the
// deadline. docs/vacancies.md describes the model.
import type { Knex } from 'knex';
import { boundedTransaction } from '../db/bounded-transaction';
import type { Db } from '../db/knex';
import { enqueueSms, languageOf } from './outbox';
import { createProfiles } from './profiles';
import { formatEat, formatEatDate } from './time';
import {
  LEVELS,
  type ApplicationStatus,
  type ApplicationSummary,
  type ApplyResult,
  type Choice,
  type Filter,
  type Level,
  type VacancyDetails,
  type VacancySummary,
  type WithdrawResult,
} from './vacancy-types';

const UNIQUE_VIOLATION = '23505';
/** Active applications: the ones the unique indexes count. */
const ACTIVE: ApplicationStatus[] = ['submitted', 'approved'];

export type VacancyOptions = { now?: () => Date };

/** Where each level of the browse path lives, and how its list is labelled and sorted. */
const LEVEL_SQL: Record<Level, { column: string; label: string; order: string }> = {
  exam: { column: 'v.exam', label: 'e.name', order: 'e.name' },
  activity: { column: 'v.activity', label: 'a.name', order: 'a.name' },
  stationType: { column: 'd.type', label: 't.name', order: 't.name' },
  position: { column: 'v.position', label: 'p.name', order: 'p.name' },
  county: { column: 'd.county_code', label: 'c.name', order: 'd.county_code' },
  subCounty: { column: 'd.sub_county_id', label: 's.name', order: 's.name' },
};

/** Approved applications of vacancy `v`: what is taken from its positions. */
const APPROVED = `(select count(*) from applications x where x.vacancy_id = v.id and x.status = 'approved')`;

/** Vacancies joined with every name a screen shows. */
function joined(db: Knex) {
  return db('vacancies as v')
    .join('duty_stations as d', 'd.id', 'v.duty_station_id')
    .join('exams as e', 'e.code', 'v.exam')
    .join('activities as a', 'a.code', 'v.activity')
    .join('positions as p', 'p.code', 'v.position')
    .join('station_types as t', 't.code', 'd.type')
    .join('counties as c', 'c.code', 'd.county_code')
    .join('sub_counties as s', 's.id', 'd.sub_county_id');
}

/** Open vacancies: status open, opened, not yet closed, and not filled by approved applications. */
function open(db: Knex, now: Date, filter: Filter, levels: readonly Level[] = LEVELS) {
  const q = joined(db)
    .where('v.status', 'open')
    .andWhere('v.opens_at', '<=', now)
    .andWhere('v.closes_at', '>', now)
    .andWhere('v.positions', '>', db.raw(APPROVED));
  for (const level of levels) {
    const value = filter[level];
    if (value === undefined) continue;
    if (level === 'subCounty' && !/^\d{1,9}$/.test(value)) q.whereRaw('false');
    else q.where(LEVEL_SQL[level].column, level === 'subCounty' ? Number(value) : value);
  }
  return q;
}

export function createVacancies(db: Db, opts: VacancyOptions = {}) {
  const now = opts.now ?? (() => new Date());
  return {
    /** The distinct choices at `level` among open vacancies that match the earlier choices of `filter`. */
    async choices(level: Level, filter: Filter): Promise<Choice[]> {
      const earlier = LEVELS.slice(0, LEVELS.indexOf(level));
      const { column, label, order } = LEVEL_SQL[level];
      const rows = await open(db, now(), filter, earlier)
        .distinct(db.raw(`${column}::text as value`), db.raw(`${label} as label`), db.raw(`${order} as o`))
        .orderBy('o')
        .orderBy('value');
      return (rows as { value: string; label: string }[]).map((r) => ({
        value: r.value.trim(),
        label: r.label,
      }));
    },

    /** The open vacancies matching `filter`, by duty station name. */
    async matching(filter: Filter): Promise<VacancySummary[]> {
      const rows = await open(db, now(), filter)
        .select('v.id', 'd.name as station', db.raw(`v.positions - ${APPROVED} as available`))
        .orderBy('d.name')
        .orderBy('v.id');
      return (rows as { id: number; station: string; available: number | string }[]).map((r) => ({
        id: r.id,
        station: r.station,
        available: Number(r.available),
      }));
    },

    /** Any vacancy by id (open or not), with positions available and the closing time. */
    async details(id: number): Promise<VacancyDetails | undefined> {
      if (!Number.isSafeInteger(id)) return undefined;
      const row = (await joined(db)
        .where('v.id', id)
        .first(
          'v.id',
          'e.name as exam',
          'a.name as activity',
          'd.name as station',
          't.name as stationType',
          'p.name as position',
          'c.name as county',
          's.name as subCounty',
          'v.closes_at',
          db.raw(`greatest(v.positions - ${APPROVED}, 0) as available`),
        )) as
        (Omit<VacancyDetails, 'closes' | 'available'> & { closes_at: Date; available: string }) | undefined;
      if (!row) return undefined;
      const { closes_at, available, ...rest } = row;
      return { ...rest, available: Number(available), closes: formatEat(closes_at) };
    },
  };
}

export type Vacancies = ReturnType<typeof createVacancies>;

export type ApplicationDeps = { ussdCode: string; smsCode: string; now?: () => Date };

type LockedVacancy = {
  id: number;
  exam: string;
  activity: string;
  positions: number;
  status: 'open' | 'closed';
  opens_at: Date;
  closes_at: Date;
  station_code: string;
  station_name: string;
  position_name: string;
};

/** The calendar year in Nairobi. */
function eatYear(date: Date): number {
  return Number(formatEatDate(date).slice(6, 10));
}

export function createApplications(db: Db, deps: ApplicationDeps) {
  const now = deps.now ?? (() => new Date());

  async function applyIn(trx: Knex.Transaction, accountId: number, vacancyId: number): Promise<ApplyResult> {
    const missing = await createProfiles(trx).missing(accountId);
    if (missing.length) return { status: 'profileIncomplete', missing };
    const applicant = (await trx('accounts as ac')
      .join('profiles as pr', 'pr.account_id', 'ac.id')
      .where('ac.id', accountId)
      .first('ac.phone', 'pr.national_id')) as { phone: string; national_id: string };
    const lang = await languageOf(trx, applicant.phone);
    const at = now();

    // The row lock orders concurrent applies for one vacancy, so each sees what the previous one wrote;
    // everything after it is kept short. Applies to two vacancies of one series race to the unique index.
    const { rows } = await trx.raw<{ rows: LockedVacancy[] }>(
      `select v.id, v.exam, v.activity, v.positions, v.status, v.opens_at, v.closes_at,
              d.code as station_code, d.name as station_name, p.name as position_name
         from vacancies v
         join duty_stations d on d.id = v.duty_station_id
         join positions p on p.code = v.position
        where v.id = ?
          for update of v`,
      [vacancyId],
    );
    const vacancy = rows[0];
    if (!vacancy || vacancy.status !== 'open' || vacancy.opens_at > at || vacancy.closes_at <= at) {
      return { status: 'closed' };
    }
    const approved = await trx('applications')
      .where({ vacancy_id: vacancyId, status: 'approved' })
      .count({ n: '*' })
      .first();
    if (Number(approved?.n ?? 0) >= vacancy.positions) return { status: 'full' };

    const active = (await trx('applications')
      .where({ account_id: accountId })
      .whereIn('status', ACTIVE)
      .andWhere((w) =>
        w.where({ vacancy_id: vacancyId }).orWhere({ exam: vacancy.exam, activity: vacancy.activity }),
      )
      .select('vacancy_id')) as { vacancy_id: number }[];
    if (active.some((a) => a.vacancy_id === vacancyId)) return { status: 'duplicate' };
    if (active.length) return { status: 'sameSeries' };

    const year = eatYear(at);
    const deployed = await trx('deployments')
      .where({ national_id: applicant.national_id, duty_station: vacancy.station_code })
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
    await trx('application_events').insert({
      application_id: applicationId,
      status: 'submitted',
      actor: `ussd:${applicant.phone}`,
      at,
    });
    await enqueueSms(trx, {
      to: applicant.phone,
      template: 'sms.applicationSubmitted',
      lang,
      params: {
        position: vacancy.position_name,
        station: vacancy.station_name,
        code: deps.ussdCode,
        sms: deps.smsCode,
      },
    });
    return { status: 'submitted', applicationId };
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

    /** The account's applications, most recent first. */
    async list(accountId: number): Promise<ApplicationSummary[]> {
      const rows = (await db('applications as ap')
        .join('vacancies as v', 'v.id', 'ap.vacancy_id')
        .join('exams as e', 'e.code', 'ap.exam')
        .join('positions as p', 'p.code', 'v.position')
        .join('duty_stations as d', 'd.id', 'v.duty_station_id')
        .where('ap.account_id', accountId)
        .orderBy('ap.created_at', 'desc')
        .orderBy('ap.id', 'desc')
        .select(
          'ap.id',
          'ap.vacancy_id as vacancyId',
          'e.name as exam',
          'p.name as position',
          'd.name as station',
          'ap.status',
          'ap.created_at',
        )) as (Omit<ApplicationSummary, 'appliedOn'> & { created_at: Date })[];
      return rows.map(({ created_at, ...r }) => ({ ...r, appliedOn: formatEatDate(created_at) }));
    },

    /** Withdraws a submitted application of this account; `actor` is recorded (`ussd:+2547...`). */
    async withdraw(accountId: number, applicationId: number, actor: string): Promise<WithdrawResult> {
      if (!Number.isSafeInteger(applicationId)) return { status: 'notWithdrawable' };
      return boundedTransaction(db, async (trx) => {
        const at = now();
        const updated = await trx('applications')
          .where({ id: applicationId, account_id: accountId, status: 'submitted' })
          .update({ status: 'withdrawn', updated_at: at })
          .returning('id');
        if (updated.length === 0) return { status: 'notWithdrawable' };
        await trx('application_events').insert({
          application_id: applicationId,
          status: 'withdrawn',
          actor,
          at,
        });
        // Confirmed by SMS too: the user learns of it even when the screen saying so was lost.
        const named = (await trx('applications as ap')
          .join('accounts as ac', 'ac.id', 'ap.account_id')
          .join('vacancies as v', 'v.id', 'ap.vacancy_id')
          .join('duty_stations as d', 'd.id', 'v.duty_station_id')
          .join('positions as p', 'p.code', 'v.position')
          .where('ap.id', applicationId)
          .first('ac.phone', 'p.name as position', 'd.name as station')) as {
          phone: string;
          position: string;
          station: string;
        };
        await enqueueSms(trx, {
          to: named.phone,
          template: 'sms.applicationWithdrawn',
          lang: await languageOf(trx, named.phone),
          params: { position: named.position, station: named.station },
        });
        return { status: 'withdrawn' };
      });
    },

    /** The most recent applications for STATUS by SMS: `KCSE Invigilator submitted; ...` ('' when none). */
    async summaryForSms(accountId: number, max = 3): Promise<string> {
      const rows = (await db('applications as ap')
        .join('vacancies as v', 'v.id', 'ap.vacancy_id')
        .join('positions as p', 'p.code', 'v.position')
        .where('ap.account_id', accountId)
        .orderBy('ap.created_at', 'desc')
        .orderBy('ap.id', 'desc')
        .limit(max)
        .select('ap.exam', 'p.name as position', 'ap.status')) as {
        exam: string;
        position: string;
        status: ApplicationStatus;
      }[];
      return rows.map((r) => `${r.exam} ${r.position} ${r.status}`).join('; ');
    },
  };
}

export type Applications = ReturnType<typeof createApplications>;
