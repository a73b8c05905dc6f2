// "My profile" over the whole service: what reaches Postgres (the row's columns, the unique national ID,
// one field edited without touching the others) and what STATUS by SMS says of it. The screens (each
// refused entry, the paged place lists, resume, the overview) are on the fast phone:
// tests/screens/profile.test.ts.
import { passwordIn, textShortCode, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, expectFits, randomPhone, type Screen } from '../support/ussd-phone';
import { TEST_CIPHER } from '../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const nationalIds = new Set<string>();
function randomNationalId(): string {
  for (;;) {
    const id = String(10_000_000 + Math.floor(Math.random() * 89_999_999));
    if (!nationalIds.has(id)) {
      nationalIds.add(id);
      return id;
    }
  }
}

/** A registered phone, logged in, on the "My profile" screen. */
async function onProfile(): Promise<{ phone: UssdPhone; password: string }> {
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dial();
  await phone.choose('Create account');
  await phone.choose('Confirm');
  const [sms] = await waitForSms(app.url, phone.phoneNumber);
  const password = passwordIn(sms?.text ?? '');
  await phone.dial();
  await phone.choose('My profile');
  const overview = await phone.send(password);
  expect(overview.text).toContain('My profile:');
  return { phone, password };
}

/** Sends entries one by one, checking every screen on the way fits. */
async function enter(phone: UssdPhone, ...inputs: string[]): Promise<Screen> {
  for (const i of inputs) expectFits(await phone.send(i));
  return phone.last;
}

async function fillPersonal(phone: UssdPhone, nationalId: string, email = '1'): Promise<Screen> {
  await phone.choose('Personal: missing');
  return enter(phone, 'Jane Wanjiku Kamau', nationalId, '1985', '2', 'a012345678z', email);
}

test('personal details are saved to the profile row as entered: KRA PIN in capitals, a skipped email empty', async () => {
  // Each refused entry on the way is a screen-level case: tests/screens/profile.test.ts.
  const { phone } = await onProfile();
  const id = randomNationalId();
  await fillPersonal(phone, id);
  expect(phone.last.text).toContain('Check your Personal details:');
  const saved = await phone.chooseOnAnyPage('Confirm and save');
  expect(saved.text).toContain('1. Personal: done');
  // Found by the keyed hash of the ID; the ID and KRA PIN are stored encrypted, never as typed.
  const row = await app
    .db('profiles')
    .where({ national_id_hash: TEST_CIPHER.index('national_id', id) })
    .first();
  expect(row).toMatchObject({ full_name: 'Jane Wanjiku Kamau', birth_year: 1985, gender: 'female' });
  expect([row.national_id, row.kra_pin].join()).not.toMatch(new RegExp(`${id}|A012345678Z`));
  expect(TEST_CIPHER.decrypt(row.kra_pin)).toBe('A012345678Z');
  expect(row.email).toBeNull();
});

test('a national ID already registered to another account is refused, and the user can correct it', async () => {
  const first = await onProfile();
  const id = randomNationalId();
  await fillPersonal(first.phone, id);
  expect((await first.phone.chooseOnAnyPage('Confirm and save')).text).toContain('Saved.');

  const second = await onProfile();
  await fillPersonal(second.phone, id);
  const refused = await second.phone.chooseOnAnyPage('Confirm and save');
  expect(refused.text).toContain('This ID number is already registered to another account.');
  expect(refused.text).toContain('Enter your national ID number');
  const other = randomNationalId();
  const confirm = await second.phone.send(other);
  expect(confirm.text).toContain('Check your Personal details:');
  expect((await second.phone.chooseOnAnyPage('Confirm and save')).text).toContain('Personal: done');
});

test('a saved section can be reviewed and one field edited without re-entering the rest', async () => {
  const { phone } = await onProfile();
  await phone.choose('Next of kin: missing');
  await enter(phone, 'John Kamau Mwangi', '0722000111');
  await phone.choose('Spouse');
  await phone.chooseOnAnyPage('Confirm and save');
  await phone.choose('Next of kin: done');
  expect(phone.last.text).toContain('Next of kin');
  expect(phone.last.text).toContain('Name: John Kamau Mwangi');
  expect(phone.last.text).toContain('Phone: 0722 000 111');
  await phone.choose('Edit a field');
  await phone.choose('Phone');
  const edited = await phone.send('0733000222');
  expect(edited.text).toContain('Saved.');
  expect(edited.text).toContain('Phone: 0733 000 222');
  expect(edited.text).toContain('Name: John Kamau Mwangi');
  const row = await app
    .db('profiles')
    .whereNotNull('kin_phone')
    .where({ kin_phone: '+254733000222' })
    .first();
  expect(row).toMatchObject({ kin_name: 'John Kamau Mwangi', kin_relationship: 'spouse' });
});

test('STATUS by SMS says which profile sections are incomplete', async () => {
  const { phone } = await onProfile();
  await fillPersonal(phone, randomNationalId());
  await phone.chooseOnAnyPage('Confirm and save');
  await textShortCode(app.url, phone.phoneNumber, 'STATUS');
  const messages = await waitForSms(app.url, phone.phoneNumber, 2);
  expect(messages[1]?.text).toContain('Profile: missing Payment, Qualification, Workstation, Next of kin.');
});
