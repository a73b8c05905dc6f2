// Change password over the whole service: the new password works and the old one does not, an SMS says
// so (without it), no password reaches the store, logs or outbox, and wrong current passwords add up with
// wrong logins in the account's lockout. The screens (asked once, refusals, resume) are on the fast phone:
// tests/screens/passwords.test.ts.
import { keys } from '../../src/engine/session-store';
import { waitForSms } from '../support/sms';
import { registeredPhone } from '../support/registered-phone';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone } from '../support/ussd-phone';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** Everything the session store holds for this session and phone, as text. */
async function stored(phone: UssdPhone): Promise<string> {
  return [
    await app.store.get(keys.session(phone.sessionId)),
    await app.store.get(keys.resume(phone.phoneNumber)),
  ].join('\n');
}

/** Logged in by My profile, then Change password from the main menu: the current password is asked. */
async function atCurrentPassword(phone: UssdPhone, password: string): Promise<void> {
  await phone.dial();
  await phone.choose('My profile');
  await phone.send(password);
  await phone.send('00');
  await phone.choose('Change password');
  expect(phone.last.text).toBe('Enter your current password:\n0 Back 00 Home');
}

test('change password: refuses easy and mismatched passwords, one reason at a time, then the new one works and an SMS says so', async () => {
  const { phone, password } = await registeredPhone(app.url);
  await phone.dial();
  await phone.choose('Change password');
  await phone.send(password); // log in
  expect(phone.last.text).toContain('Enter a new password of 6 to 12 digits');

  expect((await phone.send('123456')).text).toBe(
    'Too easy to guess. Avoid 123456 or repeated digits.\nEnter a new password of 6 to 12 digits:\n0 Back 00 Home',
  );
  // The next refusal replaces the earlier one: never two reasons on one screen.
  expect((await phone.send('12')).text).toBe(
    'Enter 6 to 12 digits.\nEnter a new password of 6 to 12 digits:\n0 Back 00 Home',
  );

  await phone.send('583920');
  expect(phone.last.text).toContain('Enter the new password again');
  const mismatch = await phone.send('583921');
  expect(mismatch.text).toContain('The passwords did not match.');
  expect(mismatch.text).toContain('Enter a new password');

  await phone.send('583920');
  const done = await phone.send('583920');
  expect(done.kind).toBe('END');
  expect(done.text).toContain('Your password has been changed');
  const sms = await waitForSms(app.url, phone.phoneNumber, 2);
  expect(sms[1]?.text).toContain('Your CP2 password was changed');
  expect(sms[1]?.text).not.toContain('583920');

  await phone.dial();
  await phone.choose('Change password');
  expect((await phone.send(password)).text).toContain('Wrong password');
  expect((await phone.send('583920')).text).toContain('Enter a new password');
});

test('a password typed at a prompt never reaches the session store, the logs or the outbox', async () => {
  const { phone, password } = await registeredPhone(app.url);
  await phone.dial();
  await phone.choose('Change password');
  await phone.send(password);
  await phone.send('640317');
  // Mid-journey: the session and the resume record exist, holding only a hash of the new password.
  const snapshot = await stored(phone);
  expect(snapshot).toContain('scrypt$');
  for (const secret of [password, '640317', phone.text]) expect(snapshot).not.toContain(secret);
  await phone.send('640317');
  const logs = app.logs.join('');
  for (const secret of [password, '640317']) expect(logs).not.toContain(secret);
  const outbox = JSON.stringify(
    await app.db('outbound_sms').where({ to_phone: phone.phoneNumber }).select('params'),
  );
  expect(outbox).not.toContain(password);
  expect(outbox).not.toContain('640317');
});

test('a wrong current password counts towards the lockout like a wrong login: the fifth locks the account', async () => {
  const { phone, password } = await registeredPhone(app.url);
  const wrong = password === '135792' ? '246813' : '135792';
  await atCurrentPassword(phone, password); // logged in: the count is clear
  // A wrong password is not a refused entry (three would end the session): the lockout counts it.
  for (let left = 4; left >= 1; left--) {
    const s = await phone.send(wrong);
    expect(s.kind).toBe('CON');
    expect(s.text).toContain(`Wrong password. ${left} ${left === 1 ? 'attempt' : 'attempts'} left.`);
    expect(s.text).toContain('Enter your current password');
  }
  const locked = await phone.send(wrong);
  expect(locked.kind).toBe('END');
  expect(locked.text).toMatch(/^Your account is locked after 5 wrong passwords\. Try again after /);
  const sms = await waitForSms(app.url, phone.phoneNumber, 2);
  expect(sms[1]?.text).toMatch(/^Your CP2 account is locked after 5 wrong passwords until /);

  // The lock holds for the login too: the right password is refused.
  await phone.dial();
  await phone.choose('Change password');
  const refused = await phone.send(password);
  expect(refused.kind).toBe('END');
  expect(refused.text).toContain('Your account is locked');
});

test('wrong current passwords and wrong logins add up to one count', async () => {
  const { phone, password } = await registeredPhone(app.url);
  const wrong = password === '135792' ? '246813' : '135792';
  await atCurrentPassword(phone, password);
  for (let left = 4; left >= 2; left--) {
    expect((await phone.send(wrong)).text).toContain(`Wrong password. ${left} attempts left.`);
  }
  // The call drops; the next session's login has one try left before the lock, then none.
  await phone.dial();
  if (phone.last.text.includes('Start again')) await phone.choose('Start again');
  await phone.choose('Change password');
  expect((await phone.send(wrong)).text).toContain('Wrong password. 1 attempt left.');
  const locked = await phone.send(wrong);
  expect(locked.kind).toBe('END');
  expect(locked.text).toContain('Your account is locked after 5 wrong passwords.');
});
