// Vacancies: the one definition of an open vacancy and of the positions available (positions − approved
// applications), browsing open vacancies level by level (never a dead end), and the operators' vacancy
// commands (list, create, update, close) with their rules: codes must exist, closes_at follows opens_at,
// positions never below the applications already approved, and a vacancy with applications keeps its
// exam and activity (an import may not change them). Applying, withdrawing and deciding are in
// applications.ts; the rows an import reads are declared in row-schemas.ts. docs/vacancies.md describes
// the model.
import type { Knex } from 'knex';
import { countAll, type Total } from '../db/count';
import type { Db } from '../db/knex';
import { recordAdminAction } from './admin-audit';
import {
  importer,
  lockImports,
  runImport,
  upsertStaged,
  type ImportResult,
  type Issue,
  type Kind,
} from './csv-import';
import type { Lang } from './language';
import { localName } from './reference-names';
import { parseTime, vacancyRow, type VacancyRow } from './row-schemas';
import { VACANCY_CLOSED, VACANCY_OPEN, isClosable, type VacancyStatus } from './vacancy-status';
import { isDay } from './time';
import { formatEat } from './time';
import { activeApplications } from './active-applications';
import { DUTY, UNDECIDED } from './application-status';
import {
  LEVELS,
  type Choice,
  type Filter,
  type Level,
  type BrowseFor,
  type VacancyDetails,
  type VacancyPage,
  type VacancyQuery,
} from './vacancy-types';

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

/** Approved applications of vacancy `v`: what is taken from its positions (the one definition). */
export const approvedSql = (v = 'v') =>
  `(select count(*)::int from applications x where x.vacancy_id = ${v}.id and x.status = '${DUTY}')`;
/** Positions available: positions − approved applications (the one definition). */
export const availableSql = (v = 'v') => `(${v}.positions - ${approvedSql(v)})`;
/** Not full: a position still available (the SQL of `isFull`'s negation, for browsing). */
export const notFullSql = (v = 'v') => `${availableSql(v)} > 0`;

/**
 * Vacancy `v` is open at `now`: status open, opened, not yet closed. The one definition of "open", for
 * browsing and for applying (in the row-locking query, so a vacancy closed meanwhile is seen closed).
 */
export function whereOpen(q: Knex.QueryBuilder, now: Date, v = 'v'): Knex.QueryBuilder {
  return q
    .where(`${v}.status`, VACANCY_OPEN)
    .andWhere(`${v}.opens_at`, '<=', now)
    .andWhere(`${v}.closes_at`, '>', now);
}

/**
 * Open vacancies (`v`) under the choices of `filter` at `levels`, with positions available: what
 * browsing offers. Each filter is a column of the browse index (migration 011), so a level is a few
 * index probes.
 */
function open(db: Knex, now: Date, filter: Filter, levels: readonly Level[] = LEVELS) {
  const q = whereOpen(db('vacancies as v'), now).andWhereRaw(notFullSql());
  for (const level of levels) {
    const value = filter[level];
    if (value === undefined) continue;
    if (level === 'subCounty' && !/^\d{1,9}$/.test(value)) q.whereRaw('false');
    else q.where(LEVEL_SQL[level].column, level === 'subCounty' ? Number(value) : value);
  }
  return q;
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
        .select('v.id', 'd.name as station', db.raw(`${availableSql()} as available`))

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
        q.whereRaw(
          `(${availableSql()} < ? or (${availableSql()} = ? and (d.name > ? or (d.name = ? and v.id > ?))))`,
          [after.available, after.available, after.station, after.station, after.id],
        );
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
          db.raw(`greatest(${availableSql()}, 0) as available`),
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

/** A vacancy locked for a decision on it, with what its SMS name. */
export type LockedVacancy = {
  id: number;
  exam: string;
  activity: string;
  positions: number;
  station_code: string;
  station_name: string;
  position_name: string;
  position_name_sw: string | null;
};

/**
 * Locks the vacancy row (`for update of v`): applies, decisions and updates of one vacancy lock it first,
 * so each sees what the previous one wrote and the positions cannot be over-approved. With `openAt`, only
 * a vacancy open then (undefined when closed, not yet open or gone).
 */
export async function lockVacancy(
  trx: Knex.Transaction,
  id: number,
  openAt?: Date,
): Promise<LockedVacancy | undefined> {
  const q = trx('vacancies as v')
    .join('duty_stations as d', 'd.id', 'v.duty_station_id')
    .join('positions as p', 'p.code', 'v.position')
    .where('v.id', id)
    .forUpdate('v')
    .first(
      'v.id',
      'v.exam',
      'v.activity',
      'v.positions',
      'd.code as station_code',
      'd.name as station_name',
      'p.name as position_name',
      'p.name_sw as position_name_sw',
    );
  if (openAt) whereOpen(q, openAt);
  return (await q) as LockedVacancy | undefined;
}

/**
 * The positions of a vacancy the caller locked, the approved applications that take them and what is
 * left, read after the lock (a statement of its own, so it sees what the previous holder committed).
 */
export async function occupancy(
  trx: Knex.Transaction,
  id: number,
): Promise<{ positions: number; approved: number; available: number }> {
  const row = (await trx('vacancies as v')
    .where('v.id', id)
    .first(
      'v.positions',
      trx.raw(`${approvedSql()} as approved`),
      trx.raw(`${availableSql()} as available`),
    )) as { positions: number; approved: number; available: number };
  return row;
}

/** No position left: approved applications take them all. Applying and approving are refused. */
/** Full: no position available (`notFullSql` is the same rule in SQL). */
export const isFull = (o: { available: number }) => o.available <= 0;

/** The reference tables a vacancy's codes must be found in, in the order of the row's columns. */
const REFERENCES = [
  ['exam', 'exams', 'exam'],
  ['activity', 'activities', 'activity'],
  ['duty_station', 'duty_stations', 'duty station'],
  ['position', 'positions', 'position'],
] as const;

type Reference = (typeof REFERENCES)[number][0];

/** The codes a vacancy may name: all of them (an import), or only those of `only` that exist. */
export type KnownCodes = Record<Reference, Set<string>>;

export async function knownCodes(q: Knex, only?: Pick<VacancyRow, Reference>): Promise<KnownCodes> {
  const known = {} as KnownCodes;
  for (const [field, table] of REFERENCES) {
    const select = q(table).select('code');
    if (only) select.where({ code: only[field] });
    known[field] = new Set(((await select) as { code: string }[]).map((r) => r.code));
  }
  return known;
}

/**
 * What a vacancy breaks against the reference tables and in its times: unknown codes, closes_at not
 * after opens_at. The import and the admin API's create both ask this.
 */
export function vacancyIssues(
  v: Pick<VacancyRow, Reference>,
  known: KnownCodes,
  times: { opens?: Date; closes?: Date; startsOn?: string; endsOn?: string },
): Issue[] {
  const issues: Issue[] = [];
  for (const [field, , what] of REFERENCES) {
    if (!known[field].has(v[field])) issues.push({ path: field, message: `unknown ${what} "${v[field]}"` });
  }
  issues.push(...timeIssues(times.opens, times.closes));
  issues.push(...dutyDayIssues(times.startsOn, times.endsOn));
  return issues;
}

/** A duty's days: both or neither, the last not before the first (`2026-12-03` compares as text). */
export function dutyDayIssues(startsOn: string | undefined, endsOn: string | undefined): Issue[] {
  if (startsOn === undefined && endsOn === undefined) return [];
  if (startsOn === undefined || endsOn === undefined) {
    return [{ path: 'duty_ends_on', message: 'duty_starts_on and duty_ends_on go together: give both' }];
  }
  return endsOn < startsOn ? [{ path: 'duty_ends_on', message: 'must not be before duty_starts_on' }] : [];
}

/** A day cell as the import reads it: a real day, or undefined (empty, absent or not a day). */
const dayOf = (text: string | undefined) => (text && isDay(text) ? text : undefined);

function timeIssues(opens: Date | undefined, closes: Date | undefined): Issue[] {
  return opens && closes && closes <= opens ? [{ path: 'closes_at', message: 'must be after opens_at' }] : [];
}

/** Vacancies that have applications: their exam and activity are copied into them and cannot change. */
export async function appliedVacancies(q: Knex): Promise<Map<string, { exam: string; activity: string }>> {
  const applied = (await q('vacancies as v')
    .whereExists(q('applications as a').whereRaw('a.vacancy_id = v.id'))
    .select('v.code', 'v.exam', 'v.activity')) as { code: string; exam: string; activity: string }[];
  return new Map(applied.map((a) => [a.code, a]));
}

/** A vacancy with applications keeps its exam and activity. */
export function frozenIssue(
  v: { code: string; exam: string; activity: string },
  before: { exam: string; activity: string } | undefined,
): Issue[] {
  if (!before || (before.exam === v.exam && before.activity === v.activity)) return [];
  return [
    {
      path: '',
      message: `vacancy ${v.code} has applications: its exam and activity must stay ${before.exam} and ${before.activity}`,
    },
  ];
}

/** Serialises the imports of the vacancy lists and the demo load between instances (advisory lock key). */
export const VACANCY_LISTS_LOCK = 2026112906;

type VacancyContext = KnownCodes & { applied: Map<string, { exam: string; activity: string }> };

/**
 * The `vacancies` import (row-schemas.ts `vacancyRow`): codes must exist, closes_at after opens_at, a
 * vacancy with applications keeps its exam and activity; upserted by code.
 */
export const vacancyKind: Kind<typeof vacancyRow, VacancyContext> = {
  noun: 'vacancy',
  schema: vacancyRow,
  lockKey: VACANCY_LISTS_LOCK,
  context: async (trx) => ({ ...(await knownCodes(trx)), applied: await appliedVacancies(trx) }),
  check: (v, _row, ctx) => [
    ...vacancyIssues(
      {
        exam: v.exam ?? '',
        activity: v.activity ?? '',
        duty_station: v.duty_station ?? '',
        position: v.position ?? '',
      },
      ctx,
      {
        opens: parseTime(v.opens_at ?? ''),
        closes: parseTime(v.closes_at ?? ''),
        startsOn: dayOf(v.duty_starts_on),
        endsOn: dayOf(v.duty_ends_on),
      },
    ),
    ...frozenIssue(
      { code: v.code ?? '', exam: v.exam ?? '', activity: v.activity ?? '' },
      ctx.applied.get(v.code ?? ''),
    ),
  ],
  keys: [
    {
      name: 'code',
      needs: ['code', 'opens_at', 'closes_at'],
      of: (v) => ({ key: v.code ?? '', shown: `vacancy ${v.code}` }),
    },
  ],
  write: async (trx) => {
    await upsertStaged(
      trx,
      'vacancies',
      [
        'code text',
        'exam text',
        'activity text',
        'duty_station text',
        'position text',
        'positions int',
        'opens_at timestamptz',
        'closes_at timestamptz',
        'status text',
      ],
      {
        columns: 'code, exam, activity, duty_station_id, position, positions, opens_at, closes_at, status',
        from: 'x.code, x.exam, x.activity, d.id, x.position, x.positions, x.opens_at, x.closes_at, x.status',
        join: 'join duty_stations d on d.code = x.duty_station',
      },
    );
    // The duty's days, where the row gives them (a file without the columns, or empty cells, leaves them).
    await trx.raw(
      `update vacancies v set duty_starts_on = x.duty_starts_on, duty_ends_on = x.duty_ends_on
         from import_rows s cross join lateral jsonb_to_record(s.row) as x(code text, duty_starts_on date, duty_ends_on date)
        where v.code = x.code and x.duty_starts_on is not null`,
    );
  },
};

/** `npm run import -- vacancies`: the vacancy kind in a transaction of its own. */
export const importVacancies = importer(vacancyKind);

// The operators' vacancy commands (/admin/vacancies). Each change is one transaction with its
// admin_audit row.

/** An operator's list of vacancies: filters, and the page after `after` (ids). */
export type VacancyFilter = {
  exam?: string;
  activity?: string;
  position?: string;
  county?: string;
  sub_county?: number;
  status?: VacancyStatus;
  after?: number;
  limit: number;
};

export type VacancyChange = {
  positions?: number;
  closes_at?: Date;
  status?: VacancyStatus;
  duty_starts_on?: string;
  duty_ends_on?: string;
};

export type CreateResult =
  | { status: 'created'; vacancy: Record<string, unknown> }
  | { status: 'invalid'; issues: Issue[] }
  /** The code is another vacancy's. */
  | { status: 'taken' };

export type UpdateResult =
  | { status: 'updated'; vacancy: Record<string, unknown> }
  | { status: 'notFound' }
  | { status: 'invalid'; issues: Issue[] }
  /** The positions asked for are fewer than the applications already approved. */
  | { status: 'belowApproved'; approved: number };

export type CloseResult = { status: 'closed'; vacancy: Record<string, unknown> } | { status: 'notFound' };

/** Vacancies with their station, position and places (operators' lists). */
function joined(db: Knex) {
  return db('vacancies as v')
    .join('duty_stations as d', 'd.id', 'v.duty_station_id')
    .join('positions as p', 'p.code', 'v.position')
    .join('counties as c', 'c.code', 'd.county_code')
    .join('sub_counties as s', 's.id', 'd.sub_county_id');
}

const SUBMITTED = `(select count(*)::int from applications x where x.vacancy_id = v.id and x.status = '${UNDECIDED}')`;

function columns(db: Knex) {
  return [
    'v.id',
    'v.code',
    'v.exam',
    'v.activity',
    'v.position',
    'p.name as position_name',
    'd.code as duty_station',
    'd.name as station_name',
    'd.type as station_type',
    'd.county_code',
    'c.name as county_name',
    'd.sub_county_id',
    's.name as sub_county_name',
    'v.positions',
    db.raw(`${approvedSql()} as approved`),
    db.raw(`${SUBMITTED} as submitted`),
    db.raw(`greatest(${availableSql()}, 0) as available`),
    'v.opens_at',
    'v.closes_at',
    'v.status',
    'v.duty_starts_on',
    'v.duty_ends_on',
  ];
}

/**
 * The vacancies a list's filters select, from `vacancies` alone: the page's ids and the total need
 * nothing else. A station filter is an array of station ids, so the plan reads that county's vacancies
 * by index (at most a few thousand) instead of walking every vacancy in id order hoping to meet them.
 */
function matching(db: Knex, f: VacancyFilter): Knex.QueryBuilder {
  const m = db('vacancies as v');
  if (f.exam !== undefined) m.where('v.exam', f.exam);
  if (f.activity !== undefined) m.where('v.activity', f.activity);
  if (f.position !== undefined) m.where('v.position', f.position);
  if (f.status !== undefined) m.where('v.status', f.status);
  if (f.county !== undefined || f.sub_county !== undefined) {
    const stations = db('duty_stations').select('id');
    if (f.county !== undefined) stations.where('county_code', f.county);
    if (f.sub_county !== undefined) stations.where('sub_county_id', f.sub_county);
    m.where('v.duty_station_id', '=', db.raw('any(array(?))', [stations]));
  }
  return m;
}

export function createVacancyAdmin(db: Db) {
  const one = async (id: number) =>
    (await joined(db).where('v.id', id).first(columns(db))) as Record<string, unknown>;

  return {
    /** Up to `f.limit` vacancies after `f.after`, by id, with their exact total. */
    async list(f: VacancyFilter): Promise<Total & { vacancies: Record<string, unknown>[] }> {
      const [vacancies, total] = await Promise.all([
        joined(db)
          .whereIn(
            'v.id',
            matching(db, f)
              .select('v.id')
              .where('v.id', '>', f.after ?? 0)
              .orderBy('v.id')
              .limit(f.limit),
          )
          .select(columns(db))
          .orderBy('v.id') as Promise<Record<string, unknown>[]>,
        countAll(db, matching(db, f).select(db.raw('1'))),
      ]);
      return { ...total, vacancies };
    },

    /** Creates a vacancy (status open unless given): its codes must exist, closes_at after opens_at. */
    async create(
      v: Omit<VacancyRow, 'status'> & { status?: VacancyStatus },
      actor: string,
    ): Promise<CreateResult> {
      const issues = vacancyIssues(v, await knownCodes(db, v), {
        opens: v.opens_at,
        closes: v.closes_at,
        startsOn: v.duty_starts_on,
        endsOn: v.duty_ends_on,
      });
      if (issues.length) return { status: 'invalid', issues };
      const created = await db.transaction(async (trx) => {
        if (await trx('vacancies').where({ code: v.code }).first('id')) return undefined;
        const station = (await trx('duty_stations').where({ code: v.duty_station }).first('id')) as {
          id: number;
        };
        const [row] = (await trx('vacancies')
          .insert({
            code: v.code,
            exam: v.exam,
            activity: v.activity,
            duty_station_id: station.id,
            position: v.position,
            positions: v.positions,
            opens_at: v.opens_at,
            closes_at: v.closes_at,
            status: v.status ?? VACANCY_OPEN,
            duty_starts_on: v.duty_starts_on ?? null,
            duty_ends_on: v.duty_ends_on ?? null,
          })
          .returning('id')) as { id: number }[];
        const vacancyId = (row as { id: number }).id;
        await recordAdminAction(trx, {
          actor,
          action: 'vacancy.create',
          target: `vacancy:${vacancyId}`,
          details: { ...v },
        });
        return vacancyId;
      });
      if (created === undefined) return { status: 'taken' };
      return { status: 'created', vacancy: await one(created) };
    },

    /**
     * Changes positions, closing time or status. Positions never go below the applications already
     * approved: the row is locked as apply and decide lock it, so the count cannot change under the check.
     */
    async update(id: number, change: VacancyChange, actor: string): Promise<UpdateResult> {
      const outcome = await db.transaction(async (trx): Promise<UpdateResult | undefined> => {
        const before = (await trx('vacancies').where({ id }).forUpdate().first()) as
          | {
              positions: number;
              opens_at: Date;
              closes_at: Date;
              status: string;
              duty_starts_on: string | null;
              duty_ends_on: string | null;
            }
          | undefined;
        if (!before) return { status: 'notFound' };
        const days = change.duty_starts_on !== undefined || change.duty_ends_on !== undefined;
        const issues = [
          ...(change.closes_at ? timeIssues(before.opens_at, change.closes_at) : []),
          ...(days
            ? dutyDayIssues(
                change.duty_starts_on ?? before.duty_starts_on ?? undefined,
                change.duty_ends_on ?? before.duty_ends_on ?? undefined,
              )
            : []),
        ];
        if (issues.length) return { status: 'invalid', issues };
        if (change.positions !== undefined) {
          const { approved } = await occupancy(trx, id);
          if (change.positions < approved) return { status: 'belowApproved', approved };
        }
        const set = {
          ...(change.positions !== undefined ? { positions: change.positions } : {}),
          ...(change.closes_at ? { closes_at: change.closes_at } : {}),
          ...(change.status ? { status: change.status } : {}),
          ...(change.duty_starts_on ? { duty_starts_on: change.duty_starts_on } : {}),
          ...(change.duty_ends_on ? { duty_ends_on: change.duty_ends_on } : {}),
        };
        await trx('vacancies').where({ id }).update(set);
        await recordAdminAction(trx, {
          actor,
          action: 'vacancy.update',
          target: `vacancy:${id}`,
          details: {
            before: Object.fromEntries(Object.keys(set).map((k) => [k, before[k as keyof typeof before]])),
            after: set,
          },
        });
        return undefined;
      });
      return outcome ?? { status: 'updated', vacancy: await one(id) };
    },

    /**
     * Imports a CSV file of vacancies as `npm run import -- vacancies` does, audited as one action when it
     * loads (any error: nothing loaded, nothing audited).
     */
    async import(csv: string, actor: string): Promise<ImportResult> {
      return db.transaction(async (trx) => {
        await lockImports(trx, VACANCY_LISTS_LOCK);
        const r = await runImport(trx, vacancyKind, csv);
        if (r.errors.length === 0) {
          await recordAdminAction(trx, {
            actor,
            action: 'vacancy.import',
            target: 'vacancies',
            details: { rows: r.inserted, bytes: Buffer.byteLength(csv) },
          });
        }
        return r;
      });
    },

    /** Closes a vacancy: no longer offered to apply. Closing a closed vacancy changes nothing. */
    async close(id: number, actor: string): Promise<CloseResult> {
      const found = await db.transaction(async (trx) => {
        const before = (await trx('vacancies').where({ id }).forUpdate().first('status')) as
          { status: string } | undefined;
        if (!before) return false;
        if (isClosable(before.status)) {
          await trx('vacancies').where({ id }).update({ status: VACANCY_CLOSED });
          await recordAdminAction(trx, {
            actor,
            action: 'vacancy.close',
            target: `vacancy:${id}`,
            details: { before: before.status },
          });
        }
        return true;
      });
      return found ? { status: 'closed', vacancy: await one(id) } : { status: 'notFound' };
    },
  };
}

export type VacancyAdmin = ReturnType<typeof createVacancyAdmin>;
