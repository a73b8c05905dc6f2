import { keys } from '../../src/engine/session-store';
import { applicantPhone } from '../support/registered-phone';
import { textShortCode, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, expectFits, type Screen } from '../support/ussd-phone';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** A registered phone with a complete profile. */
const applicant = () => applicantPhone(app);

async function logIn(phone: UssdPhone, password: string, option: string): Promise<Screen> {
  await phone.dialFresh();
  await phone.choose(option);
  return phone.send(password);
}

const TITLES = {
  en: [
    'Choose the exam:',
    'Choose the activity:',
    'Choose the type of duty station:',
    'Choose the position:',
    'Choose the county:',
    'Choose the sub-county:',
  ],
  sw: [
    'Chagua mtihani:',
    'Chagua shughuli:',
    'Chagua aina ya kituo:',
    'Chagua kazi:',
    'Chagua kaunti:',
    'Chagua kaunti ndogo:',
  ],
};
const VACANCIES = { en: 'Vacancies (positions available):', sw: 'Vituo (nafasi zilizo wazi):' };

/**
 * Walks the lists choosing the first entry of each, until the vacancies; a level with one choice is
 * taken for the user (its title is not shown). Every list must fit and offer something, in order.
 * Returns the inputs it took.
 */
async function browseToVacancies(phone: UssdPhone, lang: 'en' | 'sw' = 'en'): Promise<number> {
  let inputs = 0;
  let level = 0;
  while (!phone.last.text.includes(VACANCIES[lang])) {
    const at = TITLES[lang].findIndex((t) => phone.last.text.includes(t));
    expect({ screen: phone.last.text, level: at >= level }).toEqual({ screen: phone.last.text, level: true });
    level = at + 1;
    expect(phone.last.text).toMatch(/\n1\. /);
    expectFits(phone.last);
    await phone.send('1');
    inputs += 1;
  }
  return inputs;
}

/** Applies for the first vacancy of the first path, as a user would. */
async function submitFirstVacancy(phone: UssdPhone, password: string): Promise<Screen> {
  await logIn(phone, password, 'Apply for a job');
  await browseToVacancies(phone);
  await phone.send('1');
  return phone.chooseOnAnyPage('Confirm and submit');
}

test('apply end to end: six lists, the vacancies, details, confirm, the exact confirmation and its SMS', async () => {
  const { phone, password } = await applicant();
  await logIn(phone, password, 'Apply for a job');
  await browseToVacancies(phone);
  const vacancy = phone.last.text.split('\n').find((l) => l.startsWith('1. ')) as string;
  expect(vacancy).toMatch(/^1\. .+ \(\d+\)$/);
  const details = await phone.send('1');
  // The vacancy and its confirm option on one screen: no 98 to reach "Confirm and submit".
  expect(details.text).toMatch(
    /^.+, .+\n.+, .+\n\d+ available, closes \d\d\/\d\d\/\d{4} \d\d:\d\d\n1\. Confirm and submit\n0 Back 00 Home$/,
  );
  expectFits(details);
  const done = await phone.send('1');
  expect(done.kind).toBe('END');
  expect(done.text).toBe(
    'Thank you for submitting your application. The application shall be reviewed, and you shall be notified shortly!',
  );
  const sms = await waitForSms(app.url, phone.phoneNumber, 2);
  // Compared whole: every word of the confirmation matters to the teacher who reads it, and so does
  // what it confirms (tests/journeys/application-sms.test.ts shows a long station name shortened).
  const { exam, position, station } = await appliedFor(phone);
  expect(sms[1]?.text).toBe(
    `CP2: Thank you for submitting your application. The application shall be reviewed, and you shall be notified shortly! ${exam} ${position} at ${station}`,
  );
});

/** What the phone's one application is for: exam code, position and station, as the database has them. */
async function appliedFor(
  phone: UssdPhone,
  lang: 'en' | 'sw' = 'en',
): Promise<{ exam: string; position: string; station: string }> {
  const row = await app
    .db('applications as ap')
    .join('accounts as ac', 'ac.id', 'ap.account_id')
    .join('vacancies as v', 'v.id', 'ap.vacancy_id')
    .join('positions as p', 'p.code', 'v.position')
    .join('duty_stations as d', 'd.id', 'v.duty_station_id')
    .where('ac.phone', phone.phoneNumber)
    .first('ap.exam', 'p.name as position', 'p.name_sw as positionSw', 'd.name as station');
  // The position as the SMS names it: in Kiswahili when it has a Kiswahili name.
  return { ...row, position: (lang === 'sw' && row.positionSw) || row.position };
}

test('in Kiswahili: the confirmation screen and its SMS, compared whole', async () => {
  const { phone, password } = await applicant();
  await phone.dialFresh();
  await phone.choose('Language/Lugha');
  expect((await phone.choose('Kiswahili')).text).toContain('Lugha imewekwa kuwa Kiswahili.');
  await phone.dialFresh();
  await phone.choose('Omba kazi');
  await phone.send(password);
  await browseToVacancies(phone, 'sw');
  await phone.send('1');
  while (!phone.last.text.includes('. Thibitisha na uwasilishe')) {
    expect(phone.last.text).toContain('98 Zaidi');
    await phone.send('98');
  }
  const done = await phone.choose('Thibitisha na uwasilishe');
  expect(done.kind).toBe('END');
  expect(done.text).toBe('Asante kwa kuwasilisha ombi lako. Litakaguliwa na utaarifiwa hivi karibuni.');
  const sms = await waitForSms(app.url, phone.phoneNumber, 2);
  const { exam, position, station } = await appliedFor(phone, 'sw');
  expect(sms[1]?.text).toBe(
    `CP2: Asante kwa kuwasilisha ombi lako. Litakaguliwa na utaarifiwa hivi karibuni. Ombi: ${exam} ${position} katika ${station}`,
  );
});

test('My applications lists it as submitted; withdraw with confirmation; then it can be applied for again', async () => {
  const { phone, password } = await applicant();
  await submitFirstVacancy(phone, password);

  const list = await logIn(phone, password, 'My applications');
  expect(list.text).toContain('My applications:');
  expect(list.text).toMatch(/1\. .+: submitted/);
  const details = await phone.send('1');
  expect(details.text).toContain('Status: submitted');
  await phone.chooseOnAnyPage('Withdraw application');
  expect(phone.last.text).toContain('Withdraw your application for');
  const withdrawn = await phone.choose('Yes, withdraw it');
  expect(withdrawn.text).toContain('Your application has been withdrawn.');

  const after = await logIn(phone, password, 'My applications');
  expect(after.text).toMatch(/1\. .+: withdrawn/);
  // Withdraw application is under My applications.
  await logIn(phone, password, 'My applications');
  const none = await phone.choose('Withdraw application');
  expect(none.text).toContain('You have no application that can be withdrawn.');

  await logIn(phone, password, 'Apply for a job');
  await browseToVacancies(phone);
  await phone.send('1');
  expect((await phone.chooseOnAnyPage('Confirm and submit')).text).toContain('Thank you for submitting');
});

test('an exam and activity already applied in is marked in the list and refused where it is chosen, not at the end', async () => {
  const { phone, password } = await applicant();
  await submitFirstVacancy(phone, password);

  await logIn(phone, password, 'Apply for a job');
  const exams = phone.last;
  expect(exams.text).toContain('Choose the exam:');
  await phone.send('1');
  // The activity applied in is marked where it is chosen.
  expect(phone.last.text).toMatch(/\n1\. .+ \(applied\)\n/);
  const refused = await phone.send('1');
  expect(refused.kind).toBe('CON');
  expect(refused.text.split('\n')[0]).toBe(
    'You already applied in this activity. Withdraw that application first.',
  );
  // Still on the list: another activity (or Back) can be chosen.
  expect(refused.text).toMatch(/\n1\. .+ \(applied\)/);
  expectFits(refused);
  // The refusal is not shown again once the user moves on.
  const back = await phone.send('0');
  expect(back.text).toBe(exams.text);
});

test('in Kiswahili: the activity applied in is marked and refused where it is chosen', async () => {
  const { phone, password } = await applicant();
  await submitFirstVacancy(phone, password);
  await phone.dialFresh();
  await phone.choose('Language/Lugha');
  await phone.choose('Kiswahili');
  await phone.dialFresh();
  await phone.choose('Omba kazi');
  await phone.send(password);
  await phone.send('1');
  // Sorted by the Kiswahili names: the one applied in is wherever its name puts it.
  const applied = /\n(\d)\. .+ \(umeomba\)\n/.exec(phone.last.text)?.[1] as string;
  expect(applied).toMatch(/^\d$/);
  const refused = await phone.send(applied);
  expect(refused.kind).toBe('CON');
  expect(refused.text).toContain('(umeomba)');
  expect(refused.text.split('\n')[0]).not.toBe('Chagua shughuli:');
});

test('STATUS by SMS lists the applications, most recent first, in one segment', async () => {
  const { phone, password } = await applicant();
  await submitFirstVacancy(phone, password);
  await waitForSms(app.url, phone.phoneNumber, 2);
  await textShortCode(app.url, phone.phoneNumber, 'STATUS');
  const messages = await waitForSms(app.url, phone.phoneNumber, 3);
  const status = messages[2]?.text ?? '';
  expect(status).toContain('Profile: complete.');
  expect(status).toMatch(/Applications: .+ submitted/);
  expect(status.length).toBeLessThanOrEqual(160);
});

/** Browses to the first vacancy's details and returns its id (from the session the screen belongs to). */
async function toFirstDetails(phone: UssdPhone): Promise<number> {
  await browseToVacancies(phone);
  await phone.send('1');
  expect(phone.last.text).toContain('1. Confirm and submit');
  const record = JSON.parse((await app.store.get(keys.session(phone.sessionId))) as string) as {
    snapshot: { state: { context: { vacancy: { id: number } } } };
  };
  return record.snapshot.state.context.vacancy.id;
}

test('a vacancy closed while the user looked at it refuses the application with a clear message', async () => {
  const { phone, password } = await applicant();
  await logIn(phone, password, 'Apply for a job');
  const vacancyId = await toFirstDetails(phone);
  await app.db('vacancies').where({ id: vacancyId }).update({ status: 'closed' });
  try {
    const refused = await phone.chooseOnAnyPage('Confirm and submit');
    // Said where the user can act on it: another vacancy of the same list.
    expect(refused.kind).toBe('CON');
    expect(refused.text).toBe(
      'This vacancy is closed for applications.\n1. Choose another vacancy\n0 Back 00 Home',
    );
    // The list again, without the closed vacancy (here it was the only one: said so, with Back and Home).
    const list = await phone.send('1');
    expect(list.kind).toBe('CON');
    expect(list.text).toMatch(
      /^(Vacancies \(positions available\):|There are no open vacancies right now\.)/,
    );
    expect(list.text).toMatch(/0 Back 00 Home$/);
  } finally {
    // The demo vacancy is shared by the other tests of this file, failed or not.
    await app.db('vacancies').where({ id: vacancyId }).update({ status: 'open' });
  }
});

test('a vacancy filled by approved applications refuses the application with a clear message', async () => {
  const { phone, password } = await applicant();
  await logIn(phone, password, 'Apply for a job');
  const vacancyId = await toFirstDetails(phone);
  const vacancy = await app.db('vacancies').where({ id: vacancyId }).first('positions', 'positions as n');
  const original = vacancy.positions as number;
  // Others were approved meanwhile: one position left, then taken.
  const other = await applicant();
  try {
    await app.db('vacancies').where({ id: vacancyId }).update({ positions: 1 });
    const v = await app.db('vacancies').where({ id: vacancyId }).first('exam', 'activity');
    await app.db('applications').insert({
      account_id: other.accountId,
      vacancy_id: vacancyId,
      exam: v.exam,
      activity: v.activity,
      status: 'approved',
    });
    const refused = await phone.chooseOnAnyPage('Confirm and submit');
    expect(refused.kind).toBe('CON');
    expect(refused.text).toBe(
      'All positions of this vacancy have been filled.\n1. Choose another vacancy\n0 Back 00 Home',
    );
  } finally {
    // The demo vacancy is shared by the other tests of this file, failed or not.
    await app.db('applications').where({ account_id: other.accountId }).del();
    await app.db('vacancies').where({ id: vacancyId }).update({ positions: original });
  }
});

test("a vacancy's closing time on the details screen is Nairobi time, on both sides of midnight", async () => {
  const { phone, password } = await applicant();
  const details = async (): Promise<{ id: number; text: string }> => {
    await logIn(phone, password, 'Apply for a job');
    const id = await toFirstDetails(phone);
    const pages = [phone.last.text];
    while (phone.last.text.includes('98 More')) pages.push((await phone.send('98')).text);
    return { id, text: pages.join('\n') };
  };
  const { id: vacancyId } = await details();
  const original = (await app.db('vacancies').where({ id: vacancyId }).first('closes_at')).closes_at as Date;
  try {
    for (const [utc, shown] of [
      ['2027-03-31T20:59:00Z', '31/03/2027 23:59'],
      ['2027-03-31T21:00:00Z', '01/04/2027 00:00'],
    ] as const) {
      await app
        .db('vacancies')
        .where({ id: vacancyId })
        .update({ closes_at: new Date(utc) });
      const { id, text } = await details();
      expect(id).toBe(vacancyId);
      expect(text).toMatch(new RegExp(`\\n\\d+ available, closes ${shown}\\n`));
    }
  } finally {
    await app.db('vacancies').where({ id: vacancyId }).update({ closes_at: original });
  }
});
