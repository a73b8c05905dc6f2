// The web phone and the operator console in a real browser (headless Chromium, tests/support/browser.ts),
// against the real service (HTTP, PostgreSQL, Redis, the outbox relay and the simulator inbox):
// an account created on the web phone with its password read from the phone's inbox, a login that
// reaches Apply; in the console, sign-in, a vacancy list, an application approved whose SMS arrives in
// the web phone's inbox, the funnel of the phone's sessions; and a profile name made of HTML that is
// shown as text and never run.
import type { Browser, Page } from 'playwright-core';
import { createApplications } from '../../src/domain/applications';
import { insertCompleteProfile } from '../support/complete-profile';
import {
  describeWithBrowser,
  launchBrowser,
  signIn,
  WebPhone,
  DESKTOP_SIZE,
  PHONE_SIZE,
} from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';
import { randomPhone } from '../support/ussd-phone';

const TOKEN = 'console-test-token-0123456789';
const XSS_NAME = '<img src=x onerror=alert(1)>';

jest.setTimeout(60_000);

describeWithBrowser('web phone and operator console in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let phonePage: Page;
  let consolePage: Page;
  let phone: WebPhone;
  let accountId: number;
  let applicationId: number;
  /** Anything a page put up as a dialog (an alert() would be the XSS firing). */
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ env: { ADMIN_TOKENS: `ops:${TOKEN}` } });
    browser = await launchBrowser();
    phonePage = await browser.newPage({ viewport: PHONE_SIZE });
    consolePage = await browser.newPage({ viewport: DESKTOP_SIZE });
    for (const page of [phonePage, consolePage]) {
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('pageerror', (e) => pageErrors.push(e.message));
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('web phone: create an account, read the password in the inbox, log in and reach Apply', async () => {
    phone = await WebPhone.open(phonePage, app.url, randomPhone());
    const password = await phone.createAccount();
    expect(password).toMatch(/^\d{6}$/);
    // The screen shows its length against the limit, as the phone would count it.
    expect(await phonePage.textContent('#screen-count')).toMatch(/^\d+\/160 characters$/);
    expect(await phonePage.textContent('#screen-kind')).toBe('END');

    const account = await app.db('accounts').where({ phone: phone.msisdn }).first('id');
    accountId = Number(account.id);
    await insertCompleteProfile(app.db, accountId, phone.msisdn);

    // Redial: a new session (a new sessionId), the menu of a caller with an account.
    await phonePage.click('#redial');
    await phone.choose('Apply for a job');
    await phone.sees('Enter your CP2 password');
    await phone.send(password);
    await phone.sees('Choose the exam:');
    expect(await phonePage.textContent('#screen-kind')).toBe('CON');
    await phonePage.click('#hangup');
    await phone.sees('Call ended.');

    // Each dial was a session of its own, and each end was notified as AT does (the funnel counts them).
    const sessions = await app
      .db('ussd_sessions')
      .whereIn('status', ['Success', 'Incomplete'])
      .select('session_id');
    expect(sessions.length).toBeGreaterThanOrEqual(2);
  });

  test('web phone: an SMS to 22262 is answered in the inbox', async () => {
    await phonePage.fill('#sms-text', 'STATUS');
    await phonePage.press('#sms-text', 'Enter');
    await phonePage.locator('#sms-status', { hasText: 'Sent "STATUS"' }).waitFor();
    const inbound = await app.db('inbound_sms').where({ from_phone: phone.msisdn }).first('text');
    expect(inbound.text).toBe('STATUS');
    expect(await phone.receives(/^CP2 account \d+: registered/)).toContain('Profile: complete');
  });

  test('console: a wrong token is refused; the right one signs in and lists vacancies', async () => {
    await consolePage.goto(`${app.url}/console`);
    await consolePage.fill('#token', 'not-the-token-at-all');
    await consolePage.press('#token', 'Enter');
    await consolePage.locator('#sign-in-error', { hasText: 'did not accept' }).waitFor();
    expect(await consolePage.isVisible('#nav')).toBe(false);

    await signIn(consolePage, app.url, TOKEN);
    await consolePage.locator('#page [data-page="vacancies"] table tbody tr').first().waitFor();
    expect(await consolePage.textContent('#page [data-page="vacancies"]')).toMatch(/\d+ vacancies/);
    // The open vacancies listed (the default filter, from vacancy-status.ts) each offer Close (isClosable).
    const rows = consolePage.locator('#page tr[data-vacancy]');
    expect(await consolePage.locator('#page tr[data-vacancy] [data-close]').count()).toBe(await rows.count());
  });

  test('console: approving an application shows the result and its SMS, which arrives in the web phone', async () => {
    const applications = createApplications(app.db, { ussdCode: '*384*22262#', smsCode: '22262' });
    const open = await app.db('vacancies').where({ status: 'open' }).orderBy('id').limit(40).select('id');
    for (const v of open) {
      const r = await applications.apply(accountId, Number(v.id));
      if (r.status === 'submitted') {
        applicationId = r.applicationId;
        break;
      }
    }
    expect(applicationId).toBeDefined();
    // What a teacher typed is shown as text: a name made of HTML included.
    await app.db('profiles').where({ account_id: accountId }).update({ full_name: XSS_NAME });

    await consolePage.click('#nav a[data-page="applications"]');
    const row = consolePage.locator(`tr[data-application="${applicationId}"]`);
    await row.waitFor();
    expect(await row.locator('.applicant').textContent()).toBe(XSS_NAME);

    await row.locator(`[data-view="${applicationId}"]`).click();
    await consolePage.locator('.applicant-name', { hasText: XSS_NAME }).waitFor();
    await consolePage.click('[data-decide="approve"]');
    await consolePage
      .locator('.detail [role="status"]', { hasText: `Application ${applicationId}: approved` })
      .waitFor();
    // The SMS the decision sent, as the console shows it …
    const sent = await consolePage
      .locator('.sms-list li', { hasText: 'application approved' })
      .locator('.sms-text')
      .textContent();
    expect(sent).toMatch(/^CP2: .+: application approved\.$/);
    // … arrives in the web phone's inbox.
    expect(await phone.receives('application approved')).toBe(sent);

    // Through the admin API: its audit trail names the operator's token.
    const audit = await app
      .db('admin_audit')
      .where({ target: `application:${applicationId}` })
      .first('actor', 'action');
    expect(audit).toEqual({ actor: 'admin:ops', action: 'application.approve' });
  });

  test('console: a profile name made of HTML is shown as text, never run', async () => {
    // Still on the application: the list and the detail hold the name as text, with no element made of it.
    expect(await consolePage.locator('#page img').count()).toBe(0);
    expect(await consolePage.textContent('.applicant-name')).toBe(XSS_NAME);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    // And the page was served with the policy that would block an inline handler anyway.
    const res = await fetch(`${app.url}/console`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  test('console: the funnel of the web phone sessions, drawn as SVG', async () => {
    await consolePage.click('#nav a[data-page="funnel"]');
    await consolePage.locator('svg.chart').waitFor();
    const chart = await consolePage.textContent('svg.chart');
    expect(chart).toContain('createAccount');
    expect(await consolePage.textContent('#page [data-page="funnel"] table')).toContain('createAccount');
  });
});
