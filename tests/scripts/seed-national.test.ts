// `npm run seed -- national` at a small scale: the season keeps every application rule, has the shapes
// the benchmark needs, refuses a database with real accounts, and its teachers can log in over USSD.
import { randomInt } from 'node:crypto';
import { FIRST_PHONE, SEED_PASSWORD, seedNational, seedState } from '../../scripts/seed/national';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone } from '../support/ussd-phone';
import { TEST_CIPHER } from '../support/test-app';

jest.setTimeout(60_000);

let app: TestApp;
let report: Record<string, number>;
beforeAll(async () => {
  app = await startTestApp();
  report = await seedNational(app.db, { scale: 0.001, cipher: TEST_CIPHER });
});
afterAll(() => app.close());

const one = async <T>(sql: string, bindings: unknown[] = []): Promise<T> =>
  ((await app.db.raw(sql, bindings as never[])) as { rows: T[] }).rows[0] as T;

test('the season has every table filled at the requested shape', () => {
  expect(report.accounts).toBe(400);
  expect(report.profiles).toBe(400);
  expect(report.applications).toBeGreaterThanOrEqual(600);
  expect(report.ussd_sessions).toBe(1000);
  expect(report.deployments).toBe(500);
  expect(report.duty_stations).toBeGreaterThanOrEqual(600);
});

test('no vacancy has more approved applications than positions', async () => {
  const r = await one<{ n: number }>(
    `select count(*)::int as n from (
       select v.id from vacancies v join applications a on a.vacancy_id = v.id and a.status = 'approved'
        group by v.id, v.positions having count(*) > v.positions) x`,
  );
  expect(r.n).toBe(0);
});

test('every status is present, and each is what the rules allow', async () => {
  const rows = (await app.db('applications').select('status').count('* as n').groupBy('status')) as {
    status: string;
  }[];
  expect(rows.map((r) => r.status).sort()).toEqual(['approved', 'rejected', 'submitted', 'withdrawn']);
  // At most one active application per account and series: the partial unique index would have refused
  // the insert, so check that the seed did not get around it by disabling anything.
  const dup = await one<{ n: number }>(
    `select count(*)::int as n from (select account_id from applications where status in ('submitted', 'approved')
      group by account_id, exam, activity having count(*) > 1) x`,
  );
  expect(dup.n).toBe(0);
});

test('one sub-county holds 250+ open vacancies for one position, and one teacher has 300 applications', async () => {
  const big = await one<{ n: number }>(
    `select count(*)::int as n from vacancies v join duty_stations d on d.id = v.duty_station_id
       join sub_counties s on s.id = d.sub_county_id
      where s.name = 'Embakasi East' and v.exam = 'KCSE' and v.position = 'invigilator' and v.status = 'open'`,
  );
  expect(big.n).toBeGreaterThanOrEqual(250);
  const busiest = await one<{ n: number }>(
    `select count(*)::int as n from applications a join accounts c on c.id = a.account_id where c.phone = ?`,
    [`+${FIRST_PHONE}`],
  );
  expect(busiest.n).toBe(300);
});

test('a seeded teacher logs in over USSD with the documented password', async () => {
  const phone = new UssdPhone(app.url, `+${FIRST_PHONE + 1 + randomInt(399)}`);
  await phone.dial();
  // Redis is shared between test runs: a walk of an earlier run may be offered for resume.
  if (phone.last.text.includes('Start again')) await phone.choose('Start again');
  await phone.choose('My profile');
  await phone.send(SEED_PASSWORD);
  // A complete profile: every section done.
  expect(phone.last.text.match(/: done/g)).toHaveLength(5);
});

test('a database with a real account is refused, and a seeded one is not seeded twice', async () => {
  await expect(seedNational(app.db, { scale: 0.001, cipher: TEST_CIPHER })).rejects.toThrow('seeded already');
  const other = await startTestApp();
  try {
    const phone = new UssdPhone(other.url, randomPhone());
    await phone.dial();
    await phone.choose('Create account');
    await phone.choose('Confirm');
    await expect(seedState(other.db)).rejects.toThrow(/not seeded test data: refusing/);
    await expect(seedNational(other.db, { scale: 0.001, cipher: TEST_CIPHER })).rejects.toThrow(/refusing/);
  } finally {
    await other.close();
  }
});
