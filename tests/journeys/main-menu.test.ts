import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, expectFits, randomPhone } from '../support/ussd-phone';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

test('a caller without an account sees Create account, Language and Help on the main menu', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  const home = await phone.dial();
  expect(home.kind).toBe('CON');
  expect(home.text).toBe('Welcome to CP2 Exam Council\n1. Create account\n2. Language/Lugha\n3. Help');
  expectFits(home);
});

test('the chosen language is remembered for the phone in the next session', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dial();
  await phone.choose('Language');
  const saved = await phone.choose('Kiswahili');
  expect(saved.text).toContain('Lugha imewekwa kuwa Kiswahili');
  expectFits(saved);
  const next = await phone.dial();
  expect(next.text).toContain('Fungua akaunti');
});

test('Help gives the USSD code and the SMS short code, and leads back', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dial();
  const help = await phone.choose('Help');
  // Not a dead end: Back and Home lead on.
  expect(help.kind).toBe('CON');
  expect(help.text).toMatch(/\n0 Back 00 Home$/);
  expect(help.text).toContain('*384*22262#');
  expect(help.text).toContain('22262');
});
