// Fixtures for the vacancy tests: a small set of vacancies (the demo set is cleared first) and applicants
// whose profile rows are written directly.
import type { Db } from '../../src/db/knex';
import { formatEatDate } from '../../src/domain/time';
import { sealed } from '../support/complete-profile';

const DAY = 24 * 3600_000;

/** Removes the demo set the template database carries. */
export async function clearVacancies(db: Db): Promise<void> {
  for (const t of [
    // What hangs off applications and the reference lists since issue 12 (the demo set has rates).
    'claims',
    'attendance',
    'attendance_codes',
    'rates',
    'application_events',
    'applications',
    'deployments',
    'vacancies',
    'duty_stations',
    'exams',
    'activities',
    'positions',
  ]) {
    await db(t).del();
  }
}

async function subCounty(db: Db, county: string, name: string): Promise<number> {
  const row = await db('sub_counties').where({ county_code: county, name }).first('id');
  return (row as { id: number }).id;
}

export type Fixture = {
  v: Record<'inv1' | 'inv2' | 'sup1' | 'kpsea' | 'marking' | 'closed' | 'past' | 'future' | 'full', number>;
  westlands: number;
  kasarani: number;
};

/**
 * Open: inv1 (KCSE supervision, Alpha, Westlands), inv2 (KCSE supervision, Bravo, Kasarani), sup1 (Alpha),
 * kpsea (Bravo), marking (KCSE marking, Charlie, Kisumu). Dead, each the only one with some choice:
 * closed (KJSEA), past (activity DIST), future (position DRV), full (Delta, a distribution centre in
 * Mombasa, its one position approved).
 */
export async function seedVacancies(db: Db): Promise<Fixture> {
  await clearVacancies(db);
  await db('exams').insert([
    { code: 'KCSE', name: 'KCSE' },
    { code: 'KPSEA', name: 'KPSEA' },
    { code: 'KJSEA', name: 'KJSEA' },
  ]);
  await db('activities').insert([
    { code: 'SI', name: 'Supervision and invigilation' },
    { code: 'MK', name: 'Marking' },
    { code: 'DIST', name: 'Distribution' },
  ]);
  await db('positions').insert([
    { code: 'INV', name: 'Invigilator' },
    { code: 'SUP', name: 'Supervisor' },
    { code: 'DRV', name: 'Driver' },
    { code: 'SEC', name: 'Security officer' },
  ]);
  const westlands = await subCounty(db, '047', 'Westlands');
  const kasarani = await subCounty(db, '047', 'Kasarani');
  const stations = await db('duty_stations')
    .insert([
      { code: 'S1', name: 'Alpha School', type: 'exam_centre', county_code: '047', sub_county_id: westlands },
      { code: 'S2', name: 'Bravo School', type: 'exam_centre', county_code: '047', sub_county_id: kasarani },
      {
        code: 'S3',
        name: 'Charlie Marking Centre',
        type: 'marking_centre',
        county_code: '042',
        sub_county_id: await subCounty(db, '042', 'Kisumu Central'),
      },
      {
        code: 'S4',
        name: 'Delta Depot',
        type: 'distribution_centre',
        county_code: '001',
        sub_county_id: await subCounty(db, '001', 'Likoni'),
      },
    ])
    .returning(['id', 'code']);
  const station = (code: string) => (stations.find((s) => s.code === code) as { id: number }).id;
  const now = Date.now();
  const open = { opens_at: new Date(now - DAY), closes_at: new Date(now + 30 * DAY), status: 'open' };
  const row = (
    code: string,
    exam: string,
    activity: string,
    s: string,
    position: string,
    positions: number,
  ) => ({
    code,
    exam,
    activity,
    duty_station_id: station(s),
    position,
    positions,
    ...open,
  });
  const rows = [
    row('inv1', 'KCSE', 'SI', 'S1', 'INV', 5),
    row('inv2', 'KCSE', 'SI', 'S2', 'INV', 2),
    row('sup1', 'KCSE', 'SI', 'S1', 'SUP', 1),
    row('kpsea', 'KPSEA', 'SI', 'S2', 'INV', 3),
    row('marking', 'KCSE', 'MK', 'S3', 'INV', 4),
    { ...row('closed', 'KJSEA', 'SI', 'S1', 'INV', 5), status: 'closed' },
    {
      ...row('past', 'KCSE', 'DIST', 'S1', 'INV', 5),
      opens_at: new Date(now - 9 * DAY),
      closes_at: new Date(now - DAY),
    },
    { ...row('future', 'KCSE', 'SI', 'S1', 'DRV', 5), opens_at: new Date(now + DAY) },
    row('full', 'KCSE', 'SI', 'S4', 'SEC', 1),
  ];
  const ids = await db('vacancies').insert(rows).returning(['id', 'code']);
  const v = Object.fromEntries(ids.map((r) => [r.code, r.id])) as Fixture['v'];

  const other = await applicant(db, '+254700000999', '99999999');
  await db('applications').insert({
    account_id: other,
    vacancy_id: v.full,
    exam: 'KCSE',
    activity: 'SI',
    status: 'approved',
  });
  return { v, westlands, kasarani };
}

/** An account with a complete profile (or with the given columns cleared). */
export async function applicant(
  db: Db,
  phone: string,
  nationalId: string,
  clear: Record<string, null> = {},
): Promise<number> {
  const [account] = await db('accounts')
    .insert({ phone, username: phone.slice(1), password_hash: 'x' })
    .returning('id');
  const id = (account as { id: number }).id;
  await db('profiles').insert(
    sealed({
      account_id: id,
      full_name: 'Jane Wanjiku',
      national_id: nationalId,
      birth_year: 1985,
      gender: 'female',
      kra_pin: 'A123456789B',
      mpesa_phone: phone,
      mpesa_name: 'Jane Wanjiku',
      qualification_level: 'degree',
      course: 'Education',
      institution: 'Kenyatta University',
      qualification_year: 2008,
      employer: 'private',
      work_institution: 'Alpha School',
      designation: 'Teacher',
      work_start_year: 2010,
      county_code: '047',
      sub_county_id: await subCounty(db, '047', 'Westlands'),
      kin_name: 'John Kamau',
      kin_phone: '+254711111111',
      kin_relationship: 'spouse',
      ...clear,
    }),
  );
  return id;
}

/** The current calendar year in Nairobi. */
export function thisYear(): number {
  return Number(formatEatDate(new Date()).slice(6));
}
