import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, expectFits, randomPhone } from '../support/ussd-phone';
import { inbox, passwordIn, textShortCode, waitForSms } from '../support/sms';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function register(phone: UssdPhone): Promise<string> {
  await phone.dialFresh();
  await phone.choose('Create account');
  expect(phone.last.text).toContain(phone.shownNumber);
  const done = await phone.choose('Confirm');
  expect(done.kind).toBe('END');
  expect(done.text).toContain(`Your login details have been sent by SMS to ${phone.shownNumber}`);
  const [sms] = await waitForSms(app.url, phone.phoneNumber);
  return passwordIn(sms?.text ?? '');
}

async function login(phone: UssdPhone, password: string) {
  await phone.dialFresh();
  await phone.choose('Change password');
  expect(phone.last.text).toBe('Enter your CP2 password:\nForgot it? SMS PASSWORD to 22262.\n0 Back 00 Home');
  return phone.send(password);
}

test('a new phone registers over USSD and gets one SMS with username, password and the code to dial', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  const home = await phone.dialFresh();
  expect(home.text).toContain('1. Create account');
  const confirm = await phone.choose('Create account');
  expect(confirm.text).toContain(`Create a CP2 account for ${phone.shownNumber}?`);
  expectFits(confirm);
  const password = await register(new UssdPhone(app.url, phone.phoneNumber));
  const messages = await inbox(app.url, phone.phoneNumber);
  expect(messages).toHaveLength(1);
  const text = messages[0]?.text ?? '';
  expect(password).toMatch(/^\d{6}$/);
  // Compared whole, with the values it must carry: the username (the number without +) and the code.
  expect(text).toBe(
    `CP2 account created. Username: ${phone.phoneNumber.slice(1)} Password: ${password} Dial *384*22262# to log in. Keep your password secret.`,
  );
  expect(text.length).toBeLessThanOrEqual(160);
});

test('a phone that chose Kiswahili gets its credentials SMS in Kiswahili, compared whole', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dialFresh();
  await phone.choose('Language/Lugha');
  await phone.choose('Kiswahili');
  await phone.dialFresh();
  const confirm = await phone.choose('Fungua akaunti');
  expect(confirm.text).toContain(`Fungua akaunti ya CP2 kwa ${phone.shownNumber}?`);
  const done = await phone.choose('Thibitisha');
  expect(done).toMatchObject({
    kind: 'END',
    text: `Akaunti yako iko tayari. Tumetuma maelezo ya kuingia kwa SMS kwenye nambari ${phone.shownNumber}.`,
  });
  const [sms] = await waitForSms(app.url, phone.phoneNumber);
  const password = passwordIn(sms?.text ?? '');
  expect(password).toMatch(/^\d{6}$/);
  expect(sms?.text).toBe(
    `Akaunti ya CP2 imefunguliwa. Jina la mtumiaji: ${phone.phoneNumber.slice(1)} Nenosiri: ${password} Piga *384*22262# kuingia. Usimpe mtu nenosiri lako.`,
  );
});

test('the password from the SMS logs in; the main menu now offers account actions', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  const password = await register(phone);
  const home = await phone.dialFresh();
  expect(home.text).not.toContain('Create account');
  expect(home.text).toContain('My profile');
  const afterLogin = await login(phone, password);
  expect(afterLogin.text).toContain('Enter a new password');
  // Logged in once per session: another account action asks for no password.
  await phone.send('00');
  const profile = await phone.choose('My profile');
  expect(profile.text).toContain('My profile:');
  await phone.send('00');
  const none = await phone.choose('My applications');
  expect(none.text).toContain('You have no applications yet');
});

test('5 wrong passwords lock the account, say so, and send an SMS; the right one is refused while locked', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  const password = await register(phone);
  const wrong = password === '135792' ? '246813' : '135792';
  await phone.dialFresh();
  await phone.choose('My profile');
  for (let left = 4; left >= 1; left--) {
    const s = await phone.send(wrong);
    expect(s.text).toContain(`Wrong password. ${left} ${left === 1 ? 'attempt' : 'attempts'} left.`);
  }
  const locked = await phone.send(wrong);
  expect(locked.text).toContain('locked');
  expect(locked.kind).toBe('END');
  expect(locked.text).toContain('locked');
  const sms = await waitForSms(app.url, phone.phoneNumber, 2);
  expect(sms[1]?.text).toContain('locked');
  const again = await login(phone, password);
  expect(again.kind).toBe('END');
  expect(again.text).toContain('locked');
  const row = await app.db('accounts').where({ phone: phone.phoneNumber }).first('locked_until');
  expect(row.locked_until.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
});

test('a locked account gets a new password by SMS and can log in with it at once', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  const password = await register(phone);
  await phone.dialFresh();
  await phone.choose('My profile');
  for (let i = 0; i < 5; i++) await phone.send(password === '135792' ? '246813' : '135792');
  expect(phone.last.text).toContain('locked');
  await textShortCode(app.url, phone.phoneNumber, 'PASSWORD');
  const messages = await waitForSms(app.url, phone.phoneNumber, 3);
  const fresh = passwordIn(messages[2]?.text ?? '');
  expect((await login(phone, fresh)).text).toContain('Enter a new password');
});

test('PASSWORD by SMS replaces the password: the old one fails, the new one works', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  const oldPassword = await register(phone);
  expect(await textShortCode(app.url, phone.phoneNumber, ' pass word ')).toBe(200);
  const messages = await waitForSms(app.url, phone.phoneNumber, 2);
  const newPassword = passwordIn(messages[1]?.text ?? '');
  expect((await login(phone, oldPassword)).text).toContain('Wrong password');
  expect((await login(phone, newPassword)).text).toContain('Enter a new password');
});

test('an inbound SMS repeated (also concurrently) with the same id is processed once', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  await register(phone);
  const statuses = await Promise.all(
    Array.from({ length: 8 }, () => textShortCode(app.url, phone.phoneNumber, 'PASSWORD', 'ATXid_same_1')),
  );
  expect(statuses.every((s) => s === 200)).toBe(true);
  await waitForSms(app.url, phone.phoneNumber, 2);
  await new Promise((r) => setTimeout(r, 300));
  expect(await inbox(app.url, phone.phoneNumber)).toHaveLength(2);
  const resets = await app.db('password_resets').count<{ count: number }[]>('* as count');
  expect(Number(resets[0]?.count)).toBeGreaterThanOrEqual(1);
});

test('concurrent "Create account" confirmations from one number make one account and one SMS', async () => {
  const number = randomPhone();
  const phones = Array.from({ length: 6 }, () => new UssdPhone(app.url, number));
  for (const p of phones) {
    await p.dialFresh();
    await p.choose('Create account');
  }
  const screens = await Promise.all(phones.map((p) => p.choose('Confirm')));
  expect(screens.filter((s) => s.text.includes('Your login details have been sent')).length).toBe(1);
  expect(screens.filter((s) => s.text.includes('An account already exists')).length).toBe(5);
  const count = await app.db('accounts').where({ phone: number }).count<{ count: number }[]>('* as count');
  expect(Number(count[0]?.count)).toBe(1);
  await waitForSms(app.url, number, 1);
  await new Promise((r) => setTimeout(r, 300));
  expect(await inbox(app.url, number)).toHaveLength(1);
});

// The login limits of decision 0005, each bounded from both sides. Time is moved by dating the account's
// row (locked_until) back, never waited.

/** `dd/mm/yyyy hh:mm` in Nairobi time (UTC+3 all year), computed here independently of the service. */
function nairobi(date: Date): string {
  const t = new Date(date.getTime() + 3 * 3600_000).toISOString();
  return `${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)} ${t.slice(11, 16)}`;
}

const wrongFor = (password: string) => (password === '135792' ? '246813' : '135792');

async function lockedUntil(phone: UssdPhone): Promise<Date> {
  const row = await app.db('accounts').where({ phone: phone.phoneNumber }).first('locked_until');
  return row.locked_until as Date;
}

/** As if `minutes` had passed since the lock was set. */
async function moveLockBack(phone: UssdPhone, minutes: number): Promise<void> {
  await app
    .db('accounts')
    .where({ phone: phone.phoneNumber })
    .update({ locked_until: app.db.raw(`locked_until - interval '${minutes} minutes'`) });
}

test('a successful login clears the count of wrong passwords: four more wrong ones do not lock', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  const password = await register(phone);
  await phone.dialFresh();
  await phone.choose('My profile');
  for (let left = 4; left >= 1; left--) {
    expect((await phone.send(wrongFor(password))).text).toContain(
      `Wrong password. ${left} ${left === 1 ? 'attempt' : 'attempts'} left.`,
    );
  }
  expect((await phone.send(password)).text).toContain('My profile:');

  // A new session: the count starts again from five.
  await phone.dialFresh();
  await phone.choose('My profile');
  for (let left = 4; left >= 1; left--) {
    expect((await phone.send(wrongFor(password))).text).toContain(
      `Wrong password. ${left} ${left === 1 ? 'attempt' : 'attempts'} left.`,
    );
  }
  const fifthTry = await phone.send(password);
  expect(fifthTry.kind).toBe('CON');
  expect(fifthTry.text).toContain('My profile:');
  expect(await lockedUntil(phone)).toBeNull();
  expect(await inbox(app.url, phone.phoneNumber)).toHaveLength(1); // no lock SMS
});

test('the lock lasts 30 minutes: refused 29 minutes later, the right password works 31 minutes later', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  const password = await register(phone);
  await phone.dialFresh();
  await phone.choose('My profile');
  const before = Date.now();
  for (let i = 0; i < 5; i++) await phone.send(wrongFor(password));
  const after = Date.now();
  const until = await lockedUntil(phone);
  expect(until.getTime()).toBeGreaterThanOrEqual(before + 30 * 60_000 - 1000);
  expect(until.getTime()).toBeLessThanOrEqual(after + 30 * 60_000 + 1000);
  // The screen and the SMS say until when, in Nairobi time.
  expect(phone.last).toMatchObject({
    kind: 'END',
    text: `Your account is locked after 5 wrong passwords. Try again after ${nairobi(until)}, or SMS PASSWORD to 22262.`,
  });
  const sms = await waitForSms(app.url, phone.phoneNumber, 2);
  expect(sms[1]?.text).toBe(
    `Your CP2 account is locked after 5 wrong passwords until ${nairobi(until)}. Not you? SMS PASSWORD to 22262 for a new password.`,
  );

  await moveLockBack(phone, 29);
  const stillLocked = await login(phone, password);
  expect(stillLocked.kind).toBe('END');
  expect(stillLocked.text).toContain(
    `locked after 5 wrong passwords. Try again after ${nairobi(await lockedUntil(phone))}`,
  );

  await moveLockBack(phone, 2);
  const open = await login(phone, password);
  expect(open.kind).toBe('CON');
  expect(open.text).toContain('Enter a new password');
  // The lock is gone with its count: four wrong passwords later the account is still open.
  await phone.dialFresh();
  await phone.choose('My profile');
  for (let left = 4; left >= 1; left--) {
    expect((await phone.send(wrongFor(password))).text).toContain(
      `Wrong password. ${left} ${left === 1 ? 'attempt' : 'attempts'} left.`,
    );
  }
});
