// A synthetic national exam season, shaped like the council's (issue 16): all 47 counties and their
// sub-counties (the reference data must be loaded), ~14,000 duty stations, ~60,000 vacancies, 300,000
// teachers with complete profiles, 500,000 applications in every status, 1,000,000 USSD session rows and
// 500,000 past deployments. Test data only: every teacher's phone is +254710000000 + i and every seeded
// password is 246810.
//
// Generated set-based in PostgreSQL (generate_series), not row by row from Node, so that a season loads
// in about a minute. `scale` shrinks every count (tests use 0.01); the shapes that matter stay: a
// sub-county holding 250+ vacancies for one position (Embakasi East, KCSE invigilators) and one teacher
// with 300 applications.
import { rebuildFunnelRollups } from '../../src/domain/funnel-rollups';
import { hashPassword } from '../../src/domain/passwords';
import type { Db } from '../../src/db/knex';
import { encryptAll } from '../../src/domain/personal-data/at-rest';
import type { FieldCipher } from '../../src/domain/personal-data/field-cipher';

export const SEED_PASSWORD = '246810';
/** Seeded phones are FIRST_PHONE + i: +254710000000, +254710000001, … */
export const FIRST_PHONE = 254_710_000_000;
export const BIG_SUB_COUNTY = { county: '047', name: 'Embakasi East' };

export type SeasonSize = {
  stations: number;
  teachers: number;
  applications: number;
  sessions: number;
  deployments: number;
  /** Examination centres in the big sub-county, each with a KCSE invigilator vacancy. */
  bigSubCountyCentres: number;
  /** Applications of teacher 0. */
  busiestTeacher: number;
};

export function seasonSize(scale = 1): SeasonSize {
  const n = (v: number, min: number) => Math.max(min, Math.round(v * scale));
  return {
    stations: n(14_000, 600),
    teachers: n(300_000, 400),
    applications: n(500_000, 600),
    sessions: n(1_000_000, 1000),
    deployments: n(500_000, 500),
    bigSubCountyCentres: 271,
    busiestTeacher: 300,
  };
}

export type SeedReport = Record<string, number>;

const EXAMS = [
  ['KCSE', 'KCSE'],
  ['KPSEA', 'KPSEA'],
  ['KJSEA', 'KJSEA'],
];
const ACTIVITIES = [
  ['supervision', 'Supervision and invigilation'],
  ['marking', 'Marking'],
  ['distribution', 'Distribution'],
];
const POSITIONS = [
  ['centre_manager', 'Centre manager'],
  ['supervisor', 'Supervisor'],
  ['invigilator', 'Invigilator'],
  ['security_officer', 'Security officer'],
  ['driver', 'Driver'],
  ['clerk', 'Clerk'],
  ['examiner', 'Examiner'],
];

/** Words that start station names, one per letter, so that names can be narrowed by first letters. */
const NAME_WORDS = [
  'Amani',
  'Baraka',
  'Chania',
  'Dagoretti',
  'Embakasi',
  'Faraja',
  'Gatundu',
  'Huruma',
  'Imani',
  'Jamhuri',
  'Kilimani',
  'Langata',
  'Mwangaza',
  'Ngong',
  'Olympic',
  'Pumwani',
  'Ruaraka',
  'Starehe',
  'Tumaini',
  'Umoja',
  'Vihiga',
  'Waithaka',
  'Yatta',
  'Zawadi',
  'Kariobangi',
  'Mathare',
  'Kayole',
  'Njiru',
  'Ruai',
  'Utawala',
  'Mihango',
  'Savannah',
];
const SUFFIXES = ['Secondary School', 'Girls High School', 'Boys High School', 'Mixed Day School', 'Academy'];

/** Refuses a database that holds accounts other than seeded ones; says whether it is seeded already. */
export async function seedState(db: Db): Promise<'empty' | 'seeded'> {
  const row = (await db('accounts')
    .select(
      db.raw('count(*)::int as total'),
      db.raw(`count(*) filter (where phone like '+25471%' and username = substr(phone, 2))::int as seeded`),
    )
    .first()) as { total: number; seeded: number };
  if (row.total > row.seeded || (row.total > 0 && row.total < 400)) {
    throw new Error(
      `this database has ${row.total - row.seeded || row.total} account(s) that are not seeded test data: refusing to seed it`,
    );
  }
  return row.total === 0 ? 'empty' : 'seeded';
}

export async function seedNational(
  db: Db,
  opts: {
    scale?: number;
    now?: Date;
    log?: (line: string) => void;
    /** The data key's cipher: the identity fields are stored encrypted, as the service stores them. */
    cipher: FieldCipher;
  },
): Promise<SeedReport> {
  const size = seasonSize(opts.scale);
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? new Date();
  if ((await seedState(db)) === 'seeded') throw new Error('this database is seeded already');
  const counties = (await db('sub_counties').count('* as n').first()) as { n: string };
  if (Number(counties.n) < 47) throw new Error('load the reference data (counties, sub-counties) first');
  const hash = await hashPassword(SEED_PASSWORD);
  const step = async (what: string, sql: string, bindings: unknown[] = []) => {
    const started = Date.now();
    await db.raw(sql, bindings as never[]);
    log(`${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  };

  await db.transaction(async (trx) => {
    for (const [table, rows] of [
      ['exams', EXAMS],
      ['activities', ACTIVITIES],
      ['positions', POSITIONS],
    ] as const) {
      await trx(table)
        .insert(rows.map(([code, name]) => ({ code, name })))
        .onConflict('code')
        .ignore();
    }
  });

  // Duty stations: the first `bigSubCountyCentres` are examination centres in the big sub-county; then
  // 75% examination centres, 11% distribution and 14% marking centres, spread over every sub-county.
  await step(
    'duty stations',
    `with subs as (
       select id, county_code, (row_number() over (order by county_code, name) - 1)::int as k from sub_counties
     ), big as (
       select s.id, s.county_code from sub_counties s where s.county_code = ? and s.name = ?
     ), g as (
       select i from generate_series(0, ? - 1) i
     )
     insert into duty_stations (code, name, type, county_code, sub_county_id)
     select 'NS' || lpad(i::text, 5, '0'),
            (?::text[])[1 + (i * 7) % ?] || ' ' || (?::text[])[1 + i % ?] || ' ' || i,
            case when i < ? or i % 100 < 75 then 'exam_centre'
                 when i % 100 < 86 then 'distribution_centre' else 'marking_centre' end,
            coalesce(case when i < ? then (select county_code from big) end, subs.county_code),
            coalesce(case when i < ? then (select id from big) end, subs.id)
       from g join subs on subs.k = (i * 31) % (select count(*) from sub_counties)`,
    [
      BIG_SUB_COUNTY.county,
      BIG_SUB_COUNTY.name,
      size.stations,
      NAME_WORDS,
      NAME_WORDS.length,
      SUFFIXES,
      SUFFIXES.length,
      size.bigSubCountyCentres,
      size.bigSubCountyCentres,
      size.bigSubCountyCentres,
    ],
  );

  // Vacancies: per examination centre KCSE supervision (centre manager, supervisor, invigilators,
  // security), for two in three KPSEA invigilators and for one in two KJSEA invigilators; per distribution centre drivers and clerks; per
  // marking centre examiners and clerks. Open for the window around `now`; one in fifty closed.
  await step(
    'vacancies',
    `with st as (select id, code, type from duty_stations where code like 'NS%'),
     v(exam, activity, position, type, positions, every, short) as (values
       ('KCSE', 'supervision', 'centre_manager', 'exam_centre', 1, 1, 'KCM'),
       ('KCSE', 'supervision', 'supervisor', 'exam_centre', 2, 1, 'KSU'),
       ('KCSE', 'supervision', 'invigilator', 'exam_centre', 6, 1, 'KIN'),
       ('KCSE', 'supervision', 'security_officer', 'exam_centre', 2, 1, 'KSO'),
       ('KPSEA', 'supervision', 'invigilator', 'exam_centre', 4, 3, 'PIN'),
       ('KJSEA', 'supervision', 'invigilator', 'exam_centre', 3, 2, 'JIN'),
       ('KCSE', 'distribution', 'driver', 'distribution_centre', 2, 1, 'KDR'),
       ('KCSE', 'distribution', 'clerk', 'distribution_centre', 3, 1, 'KDC'),
       ('KCSE', 'marking', 'examiner', 'marking_centre', 40, 1, 'KEX'),
       ('KCSE', 'marking', 'clerk', 'marking_centre', 4, 1, 'KMC'))
     insert into vacancies (code, exam, activity, duty_station_id, position, positions, opens_at, closes_at, status)
     select st.code || '-' || v.short, v.exam, v.activity, st.id, v.position,
            v.positions + (st.id % 3), ?::timestamptz - interval '10 days', ?::timestamptz + interval '30 days',
            case when st.id % 50 = 0 then 'closed' else 'open' end
       from st join v on v.type = st.type
      where v.every = 1 or st.id % v.every <> 0`,
    [now, now],
  );

  // Teachers: accounts and complete profiles (every section's required columns), in every county.
  await step(
    'accounts',
    `insert into accounts (phone, username, password_hash, created_at, password_changed_at)
     select '+' || (?::bigint + i)::text, (?::bigint + i)::text, ?, ?::timestamptz - (i % 90) * interval '1 day', ?::timestamptz
       from generate_series(0, ? - 1) i`,
    [FIRST_PHONE, FIRST_PHONE, hash, now, now, size.teachers],
  );
  await step(
    'profiles',
    `with subs as (
       select id, county_code, (row_number() over (order by county_code, name) - 1)::int as k from sub_counties
     ), a as (
       select id, phone, (substr(phone, 2)::bigint - ?::bigint) as i from accounts
     )
     insert into profiles (account_id, full_name, national_id, birth_year, gender, kra_pin, mpesa_phone,
       mpesa_name, qualification_level, course, institution, qualification_year, employer, tsc_number,
       work_institution, designation, work_start_year, county_code, sub_county_id, kin_name, kin_phone,
       kin_relationship)
     select a.id, 'Teacher ' || a.i || ' Wanjiru', (20000000 + a.i)::text, 1965 + a.i % 35,
            case when a.i % 2 = 0 then 'female' else 'male' end,
            'A' || lpad((a.i)::text, 9, '0') || 'Z', a.phone, 'Teacher ' || a.i || ' Wanjiru', 'degree',
            'Education', 'Kenyatta University', 1990 + a.i % 30, 'tsc', lpad((a.i)::text, 7, '0'),
            'Seeded School ' || a.i % 1000, 'Teacher', 2000 + a.i % 25, subs.county_code, subs.id,
            'Kin of ' || a.i, '+2547' || lpad(((a.i * 7) % 100000000)::text, 8, '0'), 'spouse'
       from a join subs on subs.k = a.i % (select count(*) from sub_counties)`,
    [FIRST_PHONE],
  );

  // Applications. Teacher 0 has `busiestTeacher` applications: one active per exam and activity, the
  // rest withdrawn or rejected. Every other teacher applies in up to two series (KCSE supervision first,
  // then another), each to one vacancy of that series: statuses by the teacher's number, and
  // `approved` only where the vacancy still has a position for it (else `submitted`), so the rules of
  // migration 006 (one active application per vacancy and per series, never more approved than
  // positions) all hold.
  const others = size.applications - size.busiestTeacher;
  const secondSeries = Math.max(0, others - (size.teachers - 1));
  // One connection for the temporary table the next steps share.
  await db.transaction(async (trx) => {
    const inTrx = async (what: string, sql: string, bindings: unknown[] = []) => {
      const started = Date.now();
      const r: unknown = await trx.raw(sql, bindings as never[]);
      log(`${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return r as { rowCount?: number };
    };
    // The open vacancies of each series numbered 0..n-1, indexed, so that teacher i's pick is a lookup.
    await inTrx(
      'applications: series',
      `create temp table seed_series on commit drop as
       select v.id, v.exam, v.activity, v.positions,
              (row_number() over (partition by v.exam, v.activity order by v.id) - 1)::int as k,
              (count(*) over (partition by v.exam, v.activity))::int as n
         from vacancies v where v.code like 'NS%' and v.status = 'open'`,
    );
    await inTrx('applications: series index', 'create index on seed_series (exam, activity, k)');
    await inTrx('applications: series analyze', 'analyze seed_series');
    await inTrx(
      'applications: picks',
      `create temp table seed_apps on commit drop as
       with sizes as (select distinct exam, activity, n from seed_series),
       t as (
         select a.id as account_id, (substr(a.phone, 2)::bigint - ?::bigint) as i from accounts a
       ), picks as (
         select t.account_id, t.i, 1 as series_no, 'KCSE'::text as exam, 'supervision'::text as activity
           from t where t.i > 0
         union all
         select t.account_id, t.i, 2, case when t.i % 2 = 0 then 'KPSEA' else 'KCSE' end,
                case when t.i % 2 = 0 then 'supervision' else 'marking' end
           from t where t.i > 0 and t.i <= ?
       ), keyed as (
         select p.*, ((p.i * 7919) % z.n)::int as k
           from picks p join sizes z on z.exam = p.exam and z.activity = p.activity
       )
       select p.account_id, s.id as vacancy_id, s.exam, s.activity, s.positions, p.i,
              case (p.i + p.series_no) % 10 when 0 then 'withdrawn' when 1 then 'rejected'
                   when 2 then 'approved' when 3 then 'approved' else 'submitted' end as wanted
         from keyed p
         join seed_series s on s.exam = p.exam and s.activity = p.activity and s.k = p.k`,
      [FIRST_PHONE, secondSeries],
    );
    // Never more approved than positions: the first applicants of a vacancy are approved, the rest
    // of those meant to be approved stay submitted.
    await inTrx(
      'applications: insert',
      `insert into applications (account_id, vacancy_id, exam, activity, status, created_at, updated_at)
       select account_id, vacancy_id, exam, activity,
              case when wanted = 'approved' and rank > positions then 'submitted' else wanted end,
              ?::timestamptz - (i % 9) * interval '1 day' - (i % 1440) * interval '1 minute',
              ?::timestamptz - (i % 5) * interval '1 day'
         from (select s.*, row_number() over (partition by vacancy_id, wanted = 'approved' order by i) as rank
                 from seed_apps s) ranked`,
      [now, now],
    );
    // Teacher 0: `busiestTeacher` applications to distinct vacancies; per series the first is active.
    await inTrx(
      'applications: the busiest teacher',
      `insert into applications (account_id, vacancy_id, exam, activity, status, created_at, updated_at)
       select a.id, v.id, v.exam, v.activity,
              case when row_number() over (partition by v.exam, v.activity order by v.id) = 1 then 'submitted'
                   when v.id % 2 = 0 then 'withdrawn' else 'rejected' end,
              ?::timestamptz - (v.id % 9) * interval '1 day', ?::timestamptz
         from accounts a
         cross join lateral (
           select v.id, v.exam, v.activity from vacancies v
            where v.code like 'NS%' and v.status = 'open'
              and not exists (select 1 from applications x where x.vacancy_id = v.id and x.account_id = a.id)
            order by (v.id * 7919) % 100003 limit ?
         ) v
        where a.phone = ?`,
      [now, now, size.busiestTeacher, `+${FIRST_PHONE}`],
    );
    await inTrx(
      'application events',
      `insert into application_events (application_id, status, actor, at)
       select x.id, 'submitted', 'ussd:' || a.phone, x.created_at
         from applications x join accounts a on a.id = x.account_id
       union all
       select x.id, x.status, case when x.status = 'withdrawn' then 'ussd:' || a.phone else 'admin:seed' end,
              x.updated_at
         from applications x join accounts a on a.id = x.account_id
        where x.status <> 'submitted'`,
    );
  });

  // USSD sessions that ended over the last 30 days, with the screens each showed.
  await step(
    'ussd sessions',
    `with trails(k, screens, last_screen) as (values
       (0, '["main","language","main.languageSaved"]'::jsonb, 'main.languageSaved'),
       (1, '["main","account.confirm","account.created"]'::jsonb, 'account.created'),
       (2, '["main","login.prompt","apply","apply.vacancies","apply.details","apply.submitted"]'::jsonb, 'apply.submitted'),
       (3, '["main","login.prompt","apply","apply.vacancies"]'::jsonb, 'apply.vacancies'),
       (4, '["main","login.prompt","profile","profile.overview"]'::jsonb, 'profile.overview'),
       (5, '["main","help"]'::jsonb, 'help'),
       (6, '["main","login.prompt","applications.details","applications.confirmWithdraw","applications.withdrawn"]'::jsonb, 'applications.withdrawn'),
       (7, '["main"]'::jsonb, 'main'))
     insert into ussd_sessions (session_id, phone, status, hops, duration_ms, last_screen, screens, ended_at)
     select 'seed-' || i, '+' || (?::bigint + i % ?)::text,
            case when i % 7 = 0 then 'Failed' else 'Success' end,
            jsonb_array_length(t.screens), 4000 + (i % 120) * 1000, t.last_screen, t.screens,
            ?::timestamptz - (i % 43200) * interval '1 minute'
       from generate_series(0, ? - 1) i join trails t on t.k = i % 8`,
    [FIRST_PHONE, size.teachers, now, size.sessions],
  );
  // Written straight into ussd_sessions: the funnel's roll-ups are rebuilt from them.
  const rolled = Date.now();
  await db.transaction((trx) => rebuildFunnelRollups(trx));
  log(`funnel roll-ups (${((Date.now() - rolled) / 1000).toFixed(1)} s)`);

  // Past deployments, by national ID (people who may have no account), at seeded stations.
  await step(
    'deployments',
    `with st as (select code, (row_number() over (order by id) - 1)::int as k
                   from duty_stations where code like 'NS%')
     insert into deployments (national_id, duty_station, year)
     select (30000000 + i / 3)::text, st.code, ? - 1 - i % 3
       from generate_series(0, ? - 1) i
       join st on st.k = (i * 13) % (select count(*) from duty_stations where code like 'NS%')`,
    [Number(formatYear(now)), size.deployments],
  );

  // Written in plain text by the statements above (fast), then encrypted as the service would at start.
  const started = Date.now();
  const encrypted = await encryptAll(db, opts.cipher, 5000);
  log(
    `identity fields encrypted: ${encrypted.profiles} profiles, ${encrypted.deployments} deployments (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  await step('analyze', 'analyze');
  return counts(db);
}

/** The year in Nairobi time. */
function formatYear(d: Date): string {
  return new Intl.DateTimeFormat('en', { timeZone: 'Africa/Nairobi', year: 'numeric' }).format(d);
}

/** What the season holds, table by table. */
export async function counts(db: Db): Promise<SeedReport> {
  const tables = [
    'duty_stations',
    'vacancies',
    'accounts',
    'profiles',
    'applications',
    'application_events',
    'ussd_sessions',
    'deployments',
  ];
  const out: SeedReport = {};
  for (const t of tables) {
    const row = (await db(t).count('* as n').first()) as { n: string };
    out[t] = Number(row.n);
  }
  return out;
}
