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
import type { Lang } from './language';
import { enqueueSms, languageOf } from './outbox';
import { createProfiles } from './profiles';
import { localName } from './reference-names';
import { formatEat, formatEatDate } from './time';
import {
  LEVELS,
  type ApplicationPage,
  type ApplicationQuery,
  type ApplicationStatus,
  type ApplicationSummary,
  type ApplyResult,
  type Choice,
  type Filter,
  type Level,
  type BrowseFor,
  type VacancyDetails,
  type VacancyPage,
  type VacancyQuery,
  type WithdrawResult,
} from './vacancy-types';

const UNIQUE_VIOLATION = '23505';
/** Active applications: the ones the unique indexes count. */
const ACTIVE: ApplicationStatus[] = ['submitted', 'approved'];

export type VacancyOptions = { now?: () => Date };

/**
 * Each level of the browse path: the vacancy column it filters (the station's type, county and
 * sub-county are copied onto the vacancy, migration 010), the reference table its choices come from, and
 * whether that table has Kiswahili names (`name_sw`, migration 040; places are proper names).
 */
const LEVEL_SQL: Record<Level, { column: string; table: string; key: string; order: string; sw: boolean }> = {
  exam: { column: 'v.exam', table: 'exams', key: 'code', order: 'name', sw: true },
  activity: { column: 'v.activity', table: 'activities', key: 'code', order: 'name', sw: true },
  stationType: { column: 'v.station_type', table: 'station_types', key: 'code', order: 'name', sw: true },
  position: { column: 'v.position', table: 'positions', key: 'code', order: 'name', sw: true },
  county: { column: 'v.county_code', table: 'counties', key: 'code', order: 'code', sw: false },
  subCounty: { column: 'v.sub_county_id', table: 'sub_counties', key: 'id', order: 'name', sw: false },
};

/** Approved applications of vacancy `v`: what is taken from its positions. */
const APPROVED = `(select count(*) from applications x where x.vacancy_id = v.id and x.status = 'approved')`;
const AVAILABLE = `(v.positions - ${APPROVED})`;

/**
 * Open vacancies (`v`) under the choices of `filter` at `levels`: status open, opened, not yet closed,
 * and not filled by approved applications. The one definition of "open" that browsing uses; each
 * filter is a column of the browse index (migration 011), so a level is a few index probes.
 */
function open(db: Knex, now: Date, filter: Filter, levels: readonly Level[] = LEVELS) {
  const q = db('vacancies as v')
    .where('v.status', 'open')
    .andWhere('v.opens_at', '<=', now)
    .andWhere('v.closes_at', '>', now)
    .andWhereRaw(`${AVAILABLE} > 0`);
  for (const level of levels) {
    const value = filter[level];
    if (value === undefined) continue;
    if (level === 'subCounty' && !/^\d{1,9}$/.test(value)) q.whereRaw('false');
    else q.where(LEVEL_SQL[level].column, level === 'subCounty' ? Number(value) : value);
  }
  return q;
}

/**
 * The account's active applications: the ones that block another in the same vacancy or in the same exam
 * and activity (the rule the unique indexes of migration 006 hold). The one definition browsing and
 * applying use.
 */
export function activeApplications(db: Knex, accountId: number, alias = 'ap') {
  return db(`applications as ${alias}`)
    .where(`${alias}.account_id`, accountId)
    .whereIn(`${alias}.status`, ACTIVE);
}

/** `%` and `_` typed by a user are letters, not wildcards. */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createVacancies(db: Db, opts: VacancyOptions = {}) {
  const now = opts.now ?? (() => new Date());
  return {
    /**
     * The choices at `level` that have an open vacancy under the earlier choices of `filter`: each
     * reference row is kept if one open vacancy has it (an index probe each), never a scan of them all.
     * Labels are in `lang` (localName), in the order of the labels shown.
     */
    async choices(
      level: Level,
      filter: Filter,
      lang: Lang = 'en',
      browse: BrowseFor = {},
    ): Promise<Choice[]> {
      const earlier = LEVELS.slice(0, LEVELS.indexOf(level));
      const { column, table, key, order, sw } = LEVEL_SQL[level];
      const q = db(`${table} as r`)
        .select(db.raw(`r.${key}::text as value`), 'r.name', sw ? 'r.name_sw' : db.raw('null as name_sw'))
        .whereExists(open(db, now(), filter, earlier).select(db.raw('1')).whereRaw(`${column} = r.${key}`))
        .orderBy(`r.${order}`)
        .orderBy('value');
      if (level === 'subCounty' && filter.county !== undefined) q.where('r.county_code', filter.county);
      // An activity of the chosen exam the teacher already applied in is marked where it is chosen,
      // rather than refused at the end of the walk.
      if (level === 'activity' && browse.accountId !== undefined && filter.exam !== undefined) {
        const taken = activeApplications(db, browse.accountId)
          .where('ap.exam', filter.exam)
          .whereRaw('ap.activity = r.code')
          .select(db.raw('1'));
        q.select(db.raw('exists (?) as applied', [taken]));
      }
      const rows = (await q) as { value: string; name: string; name_sw: string | null; applied?: boolean }[];
      const choices = rows.map((r) => ({
        value: r.value.trim(),
        label: localName(lang, r.name, r.name_sw),
        ...(r.applied ? { applied: true } : {}),
      }));
      // A short reference list (exams, activities, station types, positions): sorted by what is shown.
      if (sw && lang === 'sw') {
        choices.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.value < b.value ? -1 : 1));
      }
      return choices;
    },

    /**
     * One page of the open vacancies matching `filter`, most positions available first (then by station
     * name): `limit` of them, and where the next page starts when there are more. `search` narrows the
     * list to a station code typed exactly or the first letters of a station's name.
     */
    async matching(filter: Filter, page: VacancyQuery = {}): Promise<VacancyPage> {
      const limit = page.limit ?? 1000;
      const q = open(db, now(), filter)
        .join('duty_stations as d', 'd.id', 'v.duty_station_id')
        .select('v.id', 'd.name as station', db.raw(`${AVAILABLE} as available`))

        .orderBy('available', 'desc')
        .orderBy('d.name')
        .orderBy('v.id')
        .limit(limit + 1);
      const search = page.search?.trim();
      if (search) {
        q.where(
          (w) =>
            void w
              .whereRaw('upper(d.code) = ?', [search.toUpperCase()])
              .orWhereRaw(`d.name ilike ? escape '\\'`, [likePrefix(search)]),
        );
      }
      const after = page.after;
      if (after) {
        q.whereRaw(`(${AVAILABLE} < ? or (${AVAILABLE} = ? and (d.name > ? or (d.name = ? and v.id > ?))))`, [
          after.available,
          after.available,
          after.station,
          after.station,
          after.id,
        ]);
      }
      const rows = (await q) as { id: number; station: string; available: number | string }[];
      const vacancies = rows.slice(0, limit).map((r) => ({
        id: r.id,
        station: r.station,
        available: Number(r.available),
      }));
      const last = vacancies.at(-1);
      return {
        vacancies,
        next:
          rows.length > limit && last
            ? { available: last.available, station: last.station, id: last.id }
            : undefined,
      };
    },

    /**
     * Any vacancy by id (open or not), with positions available and the closing time; the exam,
     * activity, station type and position named in `lang`.
     */
    async details(id: number, lang: Lang = 'en'): Promise<VacancyDetails | undefined> {
      if (!Number.isSafeInteger(id)) return undefined;
      const row = (await db('vacancies as v')
        .join('duty_stations as d', 'd.id', 'v.duty_station_id')
        .join('exams as e', 'e.code', 'v.exam')
        .join('activities as a', 'a.code', 'v.activity')
        .join('positions as p', 'p.code', 'v.position')
        .join('station_types as t', 't.code', 'v.station_type')
        .join('counties as c', 'c.code', 'v.county_code')
        .join('sub_counties as s', 's.id', 'v.sub_county_id')
        .where('v.id', id)
        .first(
          'v.id',
          'e.name as exam',
          'e.name_sw as exam_sw',
          'a.name as activity',
          'a.name_sw as activity_sw',
          'd.name as station',
          't.name as stationType',
          't.name_sw as stationType_sw',
          'p.name as position',
          'p.name_sw as position_sw',
          'c.name as county',
          's.name as subCounty',
          'v.closes_at',
          db.raw(`greatest(${AVAILABLE}, 0) as available`),
        )) as
        | (Omit<VacancyDetails, 'closes' | 'available'> & {
            closes_at: Date;
            available: string;
            exam_sw: string | null;
            activity_sw: string | null;
            stationType_sw: string | null;
            position_sw: string | null;
          })
        | undefined;
      if (!row) return undefined;
      const { closes_at, available, exam_sw, activity_sw, stationType_sw, position_sw, ...rest } = row;
      return {
        ...rest,
        exam: localName(lang, rest.exam, exam_sw),
        activity: localName(lang, rest.activity, activity_sw),
        stationType: localName(lang, rest.stationType, stationType_sw),
        position: localName(lang, rest.position, position_sw),
        available: Number(available),
        closes: formatEat(closes_at),
      };
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
  position_name_sw: string | null;
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
              d.code as station_code, d.name as station_name, p.name as position_name,
              p.name_sw as position_name_sw
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
      // What was applied for, so that the one confirmation is told apart from the next (issue 10).
      params: {
        exam: vacancy.exam,
        position: localName(lang, vacancy.position_name, vacancy.position_name_sw),
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

    /**
     * A page of the account's applications, most recent first, and where the next page starts: a teacher
     * may have hundreds, and the session keeps one page. `withdrawable`: only those that can be withdrawn.
     * Exams and positions are named in `page.lang`.
     */
    async list(accountId: number, page: ApplicationQuery = {}): Promise<ApplicationPage> {
      const limit = page.limit ?? 1000;
      const q = db('applications as ap')
        .join('vacancies as v', 'v.id', 'ap.vacancy_id')
        .join('exams as e', 'e.code', 'ap.exam')
        .join('positions as p', 'p.code', 'v.position')
        .join('duty_stations as d', 'd.id', 'v.duty_station_id')
        .where('ap.account_id', accountId)
        .orderBy('ap.created_at', 'desc')
        .orderBy('ap.id', 'desc')
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
      if (page.withdrawable) q.where('ap.status', 'submitted');
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
        await enqueueSms(trx, {
          to: named.phone,
          template: 'sms.applicationWithdrawn',
          lang,
          params: {
            exam: named.exam,
            position: localName(lang, named.position, named.position_sw),
            station: named.station,
          },
        });
        return { status: 'withdrawn' };
      });
    },

    /**
     * For STATUS by SMS: the `max` most recent applications (exam code, position named in `lang`,
     * status) and how many the account has in all, so that the reply can say how many it does not show.
     */
    async recentForSms(accountId: number, lang: Lang = 'en', max = 5): Promise<RecentApplications> {
      // One after the other: STATUS runs this inside the transaction of the inbound SMS (one connection).
      const rows = (await db('applications as ap')
        .join('vacancies as v', 'v.id', 'ap.vacancy_id')
        .join('positions as p', 'p.code', 'v.position')
        .where('ap.account_id', accountId)
        .orderBy('ap.created_at', 'desc')
        .orderBy('ap.id', 'desc')
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
