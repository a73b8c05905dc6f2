// Personal data (issue 15), over real HTTP, real Postgres and Redis.
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, expectFits, randomPhone } from '../support/ussd-phone';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('the consent line on the create-account confirmation', () => {
  test('English: says what the data is for and how to read more, within 160', async () => {
    const phone = new UssdPhone(app.url, randomPhone());
    await phone.dialFresh();
    const confirm = await phone.choose('Create account');
    expect(confirm.text).toContain(
      `Create a CP2 account for ${phone.shownNumber}? The exam council uses your details to manage its contracts. SMS PRIVACY to 22262.`,
    );
    expectFits(confirm);
  });

  test('Kiswahili: the same, in Kiswahili, within 160', async () => {
    const phone = new UssdPhone(app.url, randomPhone());
    await phone.dialFresh();
    await phone.choose('Language/Lugha');
    await phone.choose('Kiswahili');
    await phone.dialFresh();
    const confirm = await phone.choose('Fungua akaunti');
    expect(confirm.text).toContain(
      `Fungua akaunti ya CP2 kwa ${phone.shownNumber}? Baraza hutumia maelezo yako kusimamia mikataba. Tuma FARAGHA kwa 22262.`,
    );
    expectFits(confirm);
  });
});
