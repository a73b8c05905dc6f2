// The one log line per USSD hop says where the user is, never anything about what they typed: not the
// text, not a password, not their lengths (a length gives a password's away).
import { passwordIn, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone } from '../support/ussd-phone';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const HOP_LINE_FIELDS = [
  'level',
  'time',
  'service',
  'requestId',
  'sessionId',
  'phone',
  'screen',
  'outcome',
  'msg',
];

test('a hop log line holds neither the typed password nor its length, nor any field about the text', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dialFresh();
  await phone.choose('Create account');
  await phone.choose('Confirm');
  const [sms] = await waitForSms(app.url, phone.phoneNumber);
  const password = passwordIn(sms?.text ?? '');

  await phone.dialFresh();
  await phone.choose('Change password');
  const afterLogin = await phone.send(password);
  expect(afterLogin.text).toContain('Enter a new password');
  const typed = phone.text;

  const lines = app.logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'ussd hop' && l.sessionId === phone.sessionId);
  expect(lines.length).toBe(phone.inputs.length + 1);
  for (const line of lines) {
    expect(JSON.stringify(line)).not.toContain(password);
    expect(Object.keys(line).sort()).toEqual([...HOP_LINE_FIELDS].sort());
    const numbers = Object.entries(line).filter(
      ([k, v]) => typeof v === 'number' && k !== 'level' && k !== 'time',
    );
    expect(numbers).toEqual([]);
    expect(Object.values(line)).not.toContain(password.length);
    expect(Object.values(line)).not.toContain(typed.length);
  }
});
