// Issue 10: a Kiswahili user browses, applies and withdraws with the activities, duty station types and
// positions named in Kiswahili (`name_sw` of the demo data, docs/kiswahili.md), falls back to the name
// where there is none (the exams' acronyms), and gets the SMS with the same names. Real HTTP, real
// database: the demo set the template database carries.
import { insertCompleteProfile } from '../support/complete-profile';
import { passwordIn, textShortCode, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, expectFits, randomPhone, type Screen } from '../support/ussd-phone';
import { applicantPhone } from '../support/registered-phone';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const EXAMS = ['KCSE', 'KPSEA', 'KJSEA'];
const ACTIVITIES_SW = ['Usimamizi na uangalizi wa mtihani', 'Usahihishaji', 'Usambazaji'];
const ACTIVITIES_EN = ['Supervision and invigilation', 'Marking', 'Distribution'];
const STATION_TYPES_SW = ['Kituo cha mtihani', 'Kituo cha usambazaji', 'Kituo cha usahihishaji'];
const STATION_TYPES_EN = ['Examination centre', 'Distribution centre', 'Marking centre'];
const POSITIONS_SW = [
  'Meneja wa kituo',
  'Msimamizi',
  'Mwangalizi (Invigilator)',
  'Afisa wa usalama',
  'Dereva',
  'Karani',
  'Msahihishaji',
];
const POSITIONS_EN = [
  'Centre manager',
  'Supervisor',
  'Invigilator',
  'Security officer',
  'Driver',
  'Clerk',
  'Examiner',
];

/** The labels of a list screen's numbered options (`1. Msimamizi`), navigation lines left out. */
function options(screen: Screen): string[] {
  return screen.text
    .split('\n')
    .map((l) => /^\d+\. (.+)$/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined);
}

/** A list's options are all among `expected`, none is among `english`; returns the first one. */
function expectList(screen: Screen, title: string, expected: string[], english: string[] = []): string {
  expect(screen.text).toContain(title);
  expectFits(screen);
  const shown = options(screen);
  expect(shown.length).toBeGreaterThan(0);
  for (const label of shown) {
    expect(expected).toContain(label);
    expect(english).not.toContain(label);
  }
  return shown[0] as string;
}

/** A registered phone in Kiswahili with a complete profile. */
const kiswahiliApplicant = () => applicantPhone(app, 'sw');

/** Every page of the current screen, joined (98 Zaidi until the last). */
async function allPages(phone: UssdPhone): Promise<string> {
  const pages = [phone.last.text];
  while (phone.last.text.includes('98 Zaidi')) pages.push((await phone.send('98')).text);
  return pages.join('\n');
}

test('in Kiswahili: the lists, details, My applications, withdrawal and its SMS name activities, station types and positions in Kiswahili', async () => {
  const { phone, password } = await kiswahiliApplicant();
  await phone.dialFresh();
  await phone.choose('Omba kazi');
  await phone.send(password);

  // Exams have no Kiswahili name: the acronym is shown.
  const exam = expectList(phone.last, 'Chagua mtihani:', EXAMS);
  await phone.send('1');
  expectList(phone.last, 'Chagua shughuli:', ACTIVITIES_SW, ACTIVITIES_EN);
  // Sorted by the Kiswahili names shown.
  expect(options(phone.last)).toEqual([...options(phone.last)].sort());
  await phone.send('1');
  // A level with one choice is taken and named above the next list, in Kiswahili too.
  if (phone.last.text.includes('Chagua aina ya kituo:')) {
    expectList(phone.last, 'Chagua aina ya kituo:', STATION_TYPES_SW, STATION_TYPES_EN);
    await phone.send('1');
  } else {
    const taken = /^(.+) \(chaguo pekee\)\.$/.exec(phone.last.text.split('\n')[0] as string)?.[1];
    expect(STATION_TYPES_SW).toContain(taken);
  }
  const position = expectList(phone.last, 'Chagua kazi:', POSITIONS_SW, POSITIONS_EN);
  await phone.send('1');
  while (!phone.last.text.includes('Vituo (nafasi zilizo wazi):')) {
    expect(phone.last.text).toMatch(/Chagua kaunti( ndogo)?:/);
    await phone.send('1');
  }

  await phone.send('1');
  const details = await allPages(phone);
  // The details name the position (in Kiswahili) and the exam; the choices made on the way are not repeated.
  expect(details).toContain(`${position}, ${exam}\n`);
  expect(details).toMatch(/\nNafasi wazi: \d+, mwisho \d\d\/\d\d\/\d{4} \d\d:\d\d\n/);
  // (A station's own name may hold an English word: only the first line is reference data.)
  const named = details.split('\n')[0] as string;
  for (const english of POSITIONS_EN) expect(named).not.toContain(english);
  expect((await phone.chooseOnAnyPage('Thibitisha na uwasilishe')).kind).toBe('END');

  await phone.dialFresh();
  await phone.choose('Maombi yangu');
  const list = await phone.send(password);
  expect(list.text).toContain(`1. ${exam} ${position}: limewasilishwa`);
  await phone.send('1');
  expect(await allPages(phone)).toContain(`Kazi: ${position}\n`);
  await phone.chooseOnAnyPage('Ondoa ombi');
  expect(phone.last.text).toContain(`Je, unataka kuondoa ombi lako la ${position} katika `);
  expect((await phone.choose('Ndiyo, liondoe')).text).toContain('Ombi lako limeondolewa.');

  // credentials, application, withdrawal
  const sms = await waitForSms(app.url, phone.phoneNumber, 3);
  expect(sms[2]?.text).toMatch(
    new RegExp(`^CP2: Ombi lako la ${exam} ${escape(position)} katika .+ limeondolewa\\.$`),
  );

  // STATUS by SMS (HALI) names the position in Kiswahili too.
  await textShortCode(app.url, phone.phoneNumber, 'HALI');
  const status = (await waitForSms(app.url, phone.phoneNumber, 4))[3]?.text ?? '';
  expect(status).toContain(`${exam} ${position} `);
});

test('an English user keeps the English names of the same lists', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dial();
  await phone.choose('Create account');
  await phone.choose('Confirm');
  const [sms] = await waitForSms(app.url, phone.phoneNumber);
  const account = await app.db('accounts').where({ phone: phone.phoneNumber }).first('id');
  await insertCompleteProfile(app.db, account.id, phone.phoneNumber);
  await phone.dialFresh();
  await phone.choose('Apply for a job');
  await phone.send(passwordIn(sms?.text ?? ''));
  expectList(phone.last, 'Choose the exam:', EXAMS);
  await phone.send('1');
  expectList(phone.last, 'Choose the activity:', ACTIVITIES_EN, ACTIVITIES_SW);
  await phone.send('1');
  if (phone.last.text.includes('Choose the type of duty station:')) {
    expectList(phone.last, 'Choose the type of duty station:', STATION_TYPES_EN, STATION_TYPES_SW);
    await phone.send('1');
  } else {
    const taken = /^(.+) \(only choice\)\.$/.exec(phone.last.text.split('\n')[0] as string)?.[1];
    expect(STATION_TYPES_EN).toContain(taken);
  }
  expectList(phone.last, 'Choose the position:', POSITIONS_EN, POSITIONS_SW);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
