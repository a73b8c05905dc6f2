// Only the options on the page the user sees may be chosen: on a screen whose details fill the first
// page, the action behind "98 More" (submit an application, save a profile section) must not be taken by
// typing its number on the first page.
import { insertCompleteProfile } from '../support/complete-profile';
import { passwordIn, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone } from '../support/ussd-phone';
import { TEST_CIPHER } from '../support/test-app';

const INVALID = 'Invalid choice. Enter a number below.';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** A registered phone and its password (from the credentials SMS), and its account id. */
async function account(): Promise<{ phone: UssdPhone; password: string; accountId: number }> {
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dial();
  await phone.choose('Create account');
  await phone.choose('Confirm');
  const [sms] = await waitForSms(app.url, phone.phoneNumber);
  const row = await app.db('accounts').where({ phone: phone.phoneNumber }).first('id');
  return { phone, password: passwordIn(sms?.text ?? ''), accountId: row.id };
}

async function applications(accountId: number): Promise<number> {
  const [row] = await app.db('applications').where({ account_id: accountId }).count({ n: '*' });
  return Number(row?.n);
}

async function logIn(phone: UssdPhone, password: string, option: string): Promise<void> {
  await phone.dialFresh();
  await phone.choose(option);
  await phone.send(password);
}

test("a vacancy's details and Confirm and submit are one screen; a number not on it is refused and nothing is applied", async () => {
  const { phone, password, accountId } = await account();
  await insertCompleteProfile(app.db, accountId, phone.phoneNumber);
  await logIn(phone, password, 'Apply for a job');
  while (!phone.last.text.includes('Vacancies (positions available):')) await phone.send('1');
  const details = await phone.send('1');
  expect(details.text).toContain('\n1. Confirm and submit\n0 Back 00 Home');
  expect(details.text).not.toContain('98 More');

  const refused = await phone.send('2');
  expect(refused.kind).toBe('CON');
  expect(refused.text.startsWith(`${INVALID}\n`)).toBe(true);
  expect(refused.text).toContain('1. Confirm and submit');
  expect(await applications(accountId)).toBe(0);

  const done = await phone.send('1');
  expect(done.kind).toBe('END');
  expect(done.text).toContain('Thank you for submitting your application.');
  expect(await applications(accountId)).toBe(1);
});

test("a profile section's check: '1' on the first page is refused and nothing is saved; on the page with Confirm and save, it saves", async () => {
  const { phone, password } = await account();
  await logIn(phone, password, 'My profile');
  await phone.choose('Personal: missing');
  const nationalId = String(10_000_000 + Math.floor(Math.random() * 89_999_999));
  // A long name and an email: the check of what was entered fills more than one page.
  const name = 'Jane Wanjiku Kamau Njeri Wambui Achieng';
  await phone.sendAll(name, nationalId, '1985', '2', 'a012345678z', 'jane.wanjiku.kamau@example.org');
  expect(phone.last.text).toContain('Check your Personal details:');
  expect(phone.last.text).toContain('98 More');
  expect(phone.last.text).not.toContain('Confirm and save');

  const refused = await phone.send('1');
  expect(refused.text.startsWith(`${INVALID}\n`)).toBe(true);
  expect(refused.text).toContain('Check your Personal details:');
  expect(
    await app
      .db('profiles')
      .where({ national_id_hash: TEST_CIPHER.index('national_id', nationalId) })
      .first(),
  ).toBeUndefined();

  const saved = await phone.chooseOnAnyPage('Confirm and save');
  expect(saved.text).toContain('1. Personal: done');
  expect(
    await app
      .db('profiles')
      .where({ national_id_hash: TEST_CIPHER.index('national_id', nationalId) })
      .first(),
  ).toBeDefined();
});
