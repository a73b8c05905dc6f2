// Lists a person can finish: a sub-county with many vacancies shows the best-staffed first, a page at a
// time, and any vacancy is a few inputs away by the first letters of its station's name or its code; a
// teacher with hundreds of applications sees them a page at a time. The session record stays small
// whatever the lists (it holds one page and where the next starts).
import { hashPassword } from '../../src/domain/passwords';
import { usernameOf } from '../../src/domain/phone';
import { keys } from '../../src/engine/session-store';
import { insertCompleteProfile } from '../support/complete-profile';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, expectFits, randomPhone } from '../support/ussd-phone';

const PASSWORD = '482913';
const WORDS = [
  'Amani',
  'Baraka',
  'Chania',
  'Dagoretti',
  'Faraja',
  'Gatundu',
  'Huruma',
  'Imani',
  'Jamhuri',
  'Zawadi',
];
const STATIONS = 60;
const SESSION_LIMIT = 4096;

let app: TestApp;
let hash: string;
beforeAll(async () => {
  app = await startTestApp();
  hash = await hashPassword(PASSWORD);
  // An exam of its own, so that its browse path has one choice per level down to Embakasi East, where
  // 60 stations each have a vacancy with 1 to 6 positions.
  await app.db('exams').insert({ code: 'LONGX', name: 'Long exam' });
  const sub = (await app
    .db('sub_counties')
    .where({ county_code: '047', name: 'Embakasi East' })
    .first('id')) as { id: number };
  const stations = (await app
    .db('duty_stations')
    .insert(
      Array.from({ length: STATIONS }, (_, i) => ({
        code: `LL${String(i).padStart(3, '0')}`,
        name: `${WORDS[i % WORDS.length]} School ${i}`,
        type: 'exam_centre',
        county_code: '047',
        sub_county_id: sub.id,
      })),
    )
    .returning(['id', 'code'])) as { id: number; code: string }[];
  // And one station in every county, so that the county list is at its longest (47).
  const subs = (await app
    .db('sub_counties')
    .distinctOn('county_code')
    .orderBy('county_code')
    .select('id', 'county_code')) as {
    id: number;
    county_code: string;
  }[];
  stations.push(
    ...((await app
      .db('duty_stations')
      .insert(
        subs.map((c) => ({
          code: `LC${c.county_code}`,
          name: `County ${c.county_code} Centre`,
          type: 'exam_centre',
          county_code: c.county_code,
          sub_county_id: c.id,
        })),
      )
      .returning(['id', 'code'])) as { id: number; code: string }[]),
  );
  const activity = (await app.db('activities').first('code')) as { code: string };
  const position = (await app.db('positions').first('code')) as { code: string };
  await app.db('vacancies').insert(
    stations.map((s, i) => ({
      code: `LV-${s.code}`,
      exam: 'LONGX',
      activity: activity.code,
      duty_station_id: s.id,
      position: position.code,
      positions: (i % 6) + 1,
      opens_at: new Date(Date.now() - 86_400_000),
      closes_at: new Date(Date.now() + 86_400_000),
      status: 'open',
    })),
  );
});
afterAll(() => app.close());

async function teacher(): Promise<{ phone: UssdPhone; accountId: number }> {
  const phone = new UssdPhone(app.url, randomPhone());
  const [row] = (await app
    .db('accounts')
    .insert({ phone: phone.phoneNumber, username: usernameOf(phone.phoneNumber), password_hash: hash })
    .returning('id')) as { id: number }[];
  const accountId = (row as { id: number }).id;
  await insertCompleteProfile(app.db, accountId, phone.phoneNumber);
  return { phone, accountId };
}

/** The size of the session record as the store holds it. */
async function recordBytes(phone: UssdPhone): Promise<number> {
  const raw = await app.store.get(keys.session(phone.sessionId));
  return Buffer.byteLength(raw ?? '');
}

/** Dial, log in through Apply for a job, and take the long exam's single path to Embakasi East. */
async function toTheLongList(phone: UssdPhone): Promise<void> {
  await phone.dialFresh();
  await phone.choose('Apply for a job');
  await phone.send(PASSWORD);
  await phone.chooseOnAnyPage('Long exam');
  // Its activity, station type and position are the only choices: taken, and named above the counties.
  expect(phone.last.text.split('\n').slice(0, 2)).toEqual([
    'Supervision and invigilation, Examination centre, Centre manager (only choice).',
    'Choose the county:',
  ]);
  await phone.chooseOnAnyPage('Nairobi');
  await phone.chooseOnAnyPage('Embakasi East');
}

/** The vacancies on every page of the list screen, following 98 (the engine's pages). */
async function vacanciesOnScreen(phone: UssdPhone): Promise<string[]> {
  const found: string[] = [];
  for (;;) {
    expectFits(phone.last);
    found.push(...phone.last.text.split('\n').filter((l) => /^\d+\. .* School \d+ \(\d+\)$/.test(l)));
    if (!phone.last.text.includes('98 More')) return found;
    await phone.send('98');
  }
}

test('the session record stays small on the longest lists: all 47 counties, then the sub-counties', async () => {
  const { phone } = await teacher();
  await phone.dialFresh();
  await phone.choose('Apply for a job');
  await phone.send(PASSWORD);
  await phone.chooseOnAnyPage('Long exam');
  expect(phone.last.text).toContain('Choose the county:');
  expect(await recordBytes(phone)).toBeLessThan(SESSION_LIMIT);
  // Every county is offered, over the engine's pages.
  let counties = 0;
  for (;;) {
    counties += phone.last.text.split('\n').filter((l) => /^\d+\. /.test(l)).length;
    if (!phone.last.text.includes('98 More')) break;
    await phone.send('98');
  }
  expect(counties).toBe(47);
  await phone.chooseOnAnyPage('Nairobi');
  expect(phone.last.text).toContain('Choose the sub-county:');
  expect(await recordBytes(phone)).toBeLessThan(SESSION_LIMIT);
  // Back queries the county list again: the first page of it, not a saved copy.
  await phone.send('0');
  expect(phone.last.text).toContain('Choose the county:');
  expect(phone.last.text).toContain('1. Mombasa');
});

test('a long list shows the most positions first, a page at a time, and says how to narrow it', async () => {
  const { phone } = await teacher();
  await toTheLongList(phone);
  const first = await vacanciesOnScreen(phone);
  expect(first).toHaveLength(5);
  expect(first.map((l) => /\((\d+)\)$/.exec(l)?.[1])).toEqual(['6', '6', '6', '6', '6']);
  expect(phone.last.text).toMatch(/\d+\. More vacancies/);
  expect(phone.last.text).toMatch(/\d+\. Find a station by name or code/);
  expect(await recordBytes(phone)).toBeLessThan(SESSION_LIMIT);

  await phone.choose('More vacancies');
  const second = await vacanciesOnScreen(phone);
  expect(second).toHaveLength(5);
  expect(second.some((l) => first.includes(l.replace(/^\d+/, (n) => n)))).toBe(false);
  expect(await recordBytes(phone)).toBeLessThan(SESSION_LIMIT);
});

test('any vacancy is at most 6 inputs from the list: by the first letters of the name, or by the code', async () => {
  const { phone } = await teacher();
  await toTheLongList(phone);
  const before = phone.inputs.length;
  // The station with the fewest positions sorts last of all 60.
  await phone.chooseOnAnyPage('Find a station');
  expect(phone.last.text).toContain("Type the first letters of the station's name");
  await phone.send('zawadi school 59');
  await phone.chooseOnAnyPage('Zawadi School 59');
  expect(phone.last.text).toContain('\nZawadi School 59, Embakasi East\n');
  expect(phone.inputs.length - before).toBeLessThanOrEqual(6);
  expect(await recordBytes(phone)).toBeLessThan(SESSION_LIMIT);

  await toTheLongList(phone);
  const start = phone.inputs.length;
  await phone.chooseOnAnyPage('Find a station');
  await phone.send('ll041');
  expect(phone.last.text).toContain('Vacancies at "ll041"');
  await phone.chooseOnAnyPage('School 41');
  expect(phone.last.text).toContain('\nBaraka School 41, Embakasi East\n');
  expect(phone.inputs.length - start).toBeLessThanOrEqual(6);
});

test('a search that matches nothing says so and asks again, on the same screen', async () => {
  const { phone } = await teacher();
  await toTheLongList(phone);
  await phone.chooseOnAnyPage('Find a station');
  await phone.send('Nowhere');
  expect(phone.last.kind).toBe('CON');
  expect(phone.last.text).toContain('No open vacancy at a station with that name or code.');
  expect(phone.last.text).toContain("Type the first letters of the station's name");
  await phone.send('Huruma');
  expect((await vacanciesOnScreen(phone)).every((l) => l.includes('Huruma School'))).toBe(true);
});

test('a teacher with 300 applications sees them a page at a time; the session stays small', async () => {
  const { phone, accountId } = await teacher();
  const vacancies = (await app.db('vacancies').where({ exam: 'LONGX' }).select('id', 'exam', 'activity')) as {
    id: number;
    exam: string;
    activity: string;
  }[];
  const rows = Array.from({ length: 300 }, (_, i) => {
    const v = vacancies[i % vacancies.length] as { id: number; exam: string; activity: string };
    return {
      account_id: accountId,
      vacancy_id: v.id,
      exam: v.exam,
      activity: v.activity,
      status: i === 0 ? 'submitted' : 'withdrawn',
      created_at: new Date(Date.now() - i * 60_000),
    };
  });
  await app.db('applications').insert(rows);
  await phone.dialFresh();
  await phone.choose('My applications');
  await phone.send(PASSWORD);
  const items = async () => phone.last.text.split('\n').filter((l) => /^\d+\. Long exam .*: /.test(l));
  let shown = 0;
  for (let page = 0; page < 3; page++) {
    for (;;) {
      expectFits(phone.last);
      shown += (await items()).length;
      if (!phone.last.text.includes('98 More')) break;
      await phone.send('98');
    }
    expect(await recordBytes(phone)).toBeLessThan(SESSION_LIMIT);
    await phone.choose('More applications');
  }
  expect(shown).toBe(15);

  // Withdraw lists only what can be withdrawn: the one submitted application.
  await phone.dialFresh();
  await phone.choose('Withdraw application');
  await phone.send(PASSWORD);
  expect(phone.last.text).toContain('Choose the application to withdraw:');
  expect(phone.last.text).not.toContain('More applications');
  expect(phone.last.text.match(/: submitted/g)).toHaveLength(1);
  expect(phone.last.text).not.toContain(': withdrawn');
});
