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

async function fillPersonal(phone: UssdPhone, nationalId: string): Promise<Screen> {
  await phone.choose('Personal: missing');
  return enter(phone, 'Jane Wanjiku Kamau', nationalId, '1985', '2', 'a012345678z', 'jane@example.org');
}

test('the overview shows each section as missing, in one screen', async () => {
  const { phone } = await onProfile();
  expect(phone.last.text).toBe(
    'My profile:\n1. Personal: missing\n2. Payment: missing\n3. Qualification: missing\n4. Workstation: missing\n5. Next of kin: missing\n6. Delete account\n0 Back 00 Home',
  );
});

test('personal details: corrections after invalid input, confirm, saved and shown as done', async () => {
  const { phone } = await onProfile();
  await phone.choose('Personal: missing');
  expect(phone.last.text).toContain('Enter your full name as on your national ID');
  expect((await phone.send('Jane')).text).toContain('Enter at least two names.');
  expect((await phone.send('Jane K4maú')).text).toContain("Use letters, spaces, ' and - only.");
  await phone.send('Jane Wanjiku Kamau');
  expect(phone.last.text).toContain('Enter your national ID number');
  expect((await phone.send('12345')).text).toContain('An ID number has 7 or 8 digits.');
  const id = randomNationalId();
  await phone.send(id);
  const year = new Date().getFullYear();
  expect((await phone.send(String(year + 1))).text).toContain('not in the future');
  expect((await phone.send(String(year - 10))).text).toContain('Your age must be 18 to 75 years.');
  await phone.send('1985');
  expect(phone.last.text).toContain('1. Male\n2. Female');
  await phone.send('2');
  expect((await phone.send('B012345678Z')).text).toContain('A KRA PIN is A, 9 digits and a letter.');
  await phone.send('a012345678z');
  expect(phone.last.text).toContain('or 1 to skip');
  const confirm = await phone.send('1');
  expect(confirm.text).toContain('Check your Personal details:');
  expect(confirm.text).toContain('Name: Jane Wanjiku Kamau');
  const pages = [confirm];
  while (phone.last.text.includes('98 More')) pages.push(await phone.send('98'));
  const all = pages.map((p) => p.text).join('\n');
  expect(all).toContain(`ID: ${id}`);
  expect(all).toContain('KRA PIN: A012345678Z');
  expect(all).toContain('Gender: Female');
  const saved = await phone.chooseOnAnyPage('Confirm and save');
  expect(saved.text).toContain('Saved.');
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

test('payment: the account phone by default, bank details skipped', async () => {
  const { phone } = await onProfile();
  await phone.choose('Payment: missing');
  expect(phone.last.text).toContain(`Enter 1 to use ${phone.shownNumber}`);
  await enter(phone, '1', 'Jane Wanjiku Kamau', '1');
  expect(phone.last.text).toContain('Check your Payment details:');
  expect(phone.last.text).toContain(`M-Pesa: ${phone.shownNumber}`);
  await phone.chooseOnAnyPage('Confirm and save');
  expect(phone.last.text).toContain('2. Payment: done');
});

test('workstation: TSC number only for TSC, county and sub-county chosen from paged lists', async () => {
  const { phone } = await onProfile();
  await phone.choose('Workstation: missing');
  await phone.choose('TSC');
  expect(phone.last.text).toContain('Enter your TSC number');
  await enter(phone, '123456', 'Moi Girls High School', 'Teacher', '2010');
  expect(phone.last.text).toContain('Choose the county of your workstation');
  expect(phone.last.text).toContain('1. Mombasa');
  // Nairobi (047) is on a later page; the number works from any page.
  let pages = 1;
  while (!phone.last.text.includes('47. Nairobi')) {
    await phone.send('98');
    expectFits(phone.last);
    pages += 1;
  }
  expect(pages).toBeGreaterThan(2);
  await phone.send('47');
  expect(phone.last.text).toContain('Choose the sub-county');
  const option = phone.last.text.split('\n').find((l) => /^1\. /.test(l)) as string;
  await phone.send('1');
  expect(phone.last.text).toContain('Check your Current workstation:');
  const confirmPages = [phone.last.text];
  while (phone.last.text.includes('98 More')) confirmPages.push((await phone.send('98')).text);
  expect(confirmPages.join('\n')).toContain(`Sub-county: ${option.slice(3)}`);
  await phone.chooseOnAnyPage('Confirm and save');
  expect(phone.last.text).toContain('4. Workstation: done');
});

test('a dropped session resumes on the field it was on, with what was typed before', async () => {
  const { phone, password } = await onProfile();
  await phone.choose('Qualification: missing');
  await phone.choose('Degree');
  await phone.send('Bachelor of Education');
  expect(phone.last.text).toContain('Enter the institution you studied at');
  // The call drops; the user dials again.
  const offer = await phone.dial();
  expect(offer.text).toContain('1. Continue where you left off');
  await phone.send('1');
  expect(phone.last.text).toContain('Enter your CP2 password');
  const resumed = await phone.send(password);
  expect(resumed.text).toContain('Enter the institution you studied at');
  await enter(phone, 'Kenyatta University', '2008');
  expect(phone.last.text).toContain('Course: Bachelor of Education');
  await phone.chooseOnAnyPage('Confirm and save');
  expect(phone.last.text).toContain('3. Qualification: done');
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

test('applying is refused until the profile is complete, naming the missing sections, with a way to fill them', async () => {
  const { phone } = await onProfile();
  await fillPersonal(phone, randomNationalId());
  await phone.chooseOnAnyPage('Confirm and save');
  await phone.send('00');
  const refused = await phone.choose('Apply for a job');
  expect(refused.text).toBe(
    'Complete your profile before you apply. Missing:\nPayment\nQualification\nWorkstation\nNext of kin\n1. My profile\n0 Back 00 Home',
  );
  const profile = await phone.choose('My profile');
  expect(profile.text).toContain('1. Personal: done');
});
