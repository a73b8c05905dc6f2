// `npm run screenshots`: the PNGs of docs/screenshots (shown in the README), made by driving the web
// phone and the console in headless Chromium, each page at a phone's size (360×740) and a desktop's
// (1280×800). The service runs in this process on a throwaway embedded PostgreSQL with the demo set, as
// `npm start` would; the teachers, their applications and a query are made through the web phone and the
// service's own routes. Not part of `npm test`: tests never rewrite committed files.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../src/config';
import { createApplications } from '../src/domain/applications';
import { createLogger } from '../src/logger';
import { openResources } from '../src/resources';
import { buildService } from '../src/service';
import { insertCompleteProfile } from '../tests/support/complete-profile';
import { textShortCode } from '../tests/support/sms';
import { TEST_DATA_KEY } from '../tests/support/test-keys';
import { DESKTOP_SIZE, PHONE_SIZE, WebPhone, launchBrowser, signIn } from '../tests/support/web-pages';

const OUT = path.join(__dirname, '..', 'docs', 'screenshots');
const TOKEN = 'screenshots-operator-token';
const TEACHERS = ['Jane Wanjiku Kamau', 'Peter Otieno Ochieng', 'Mary Njeri Mwangi', 'Hassan Abdi Noor'];

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cp2-screens-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATA_KEY: TEST_DATA_KEY,
    ADMIN_TOKENS: `ops:${TOKEN}`,
    LOG_LEVEL: 'warn',
    OUTBOX_POLL_MS: '50',
  });
  const log = createLogger(config.logLevel);
  const resources = await openResources(config, log);
  const { app, relay } = buildService(config, resources, log);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  relay.start();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchBrowser();
  mkdirSync(OUT, { recursive: true });
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
    console.log(`docs/screenshots/${name}.png`);
  };
  try {
    // Teachers made on the web phone, each with a complete profile and an application.
    const applications = createApplications(resources.db, {
      ussdCode: config.ussdServiceCode,
      smsCode: config.smsSender,
    });
    const open = (await resources
      .db('vacancies')
      .where({ status: 'open' })
      .orderBy('id')
      .limit(60)
      .select('id')) as { id: number }[];
    const page = await browser.newPage({ viewport: PHONE_SIZE });
    const made: { phone: WebPhone; password: string; applicationId?: number }[] = [];
    for (const [i, name] of TEACHERS.entries()) {
      const phone = await WebPhone.open(page, url, `+25471100000${i + 1}`);
      const password = await phone.createAccount();
      const account = (await resources.db('accounts').where({ phone: phone.msisdn }).first('id')) as {
        id: number;
      };
      await insertCompleteProfile(resources.db, Number(account.id), phone.msisdn);
      await resources
        .db('profiles')
        .where({ account_id: account.id })
        .update({ full_name: name, mpesa_name: name });
      let applicationId: number | undefined;
      for (const v of open.slice(i * 3)) {
        const r = await applications.apply(Number(account.id), Number(v.id));
        if (r.status === 'submitted') {
          applicationId = r.applicationId;
          break;
        }
      }
      made.push({ phone, password, applicationId });
    }
    await textShortCode(url, '+254711000002', 'QUERY When will the KCSE invigilation allowance be paid?');

    // The web phone of the first teacher: logged in, on Apply, with its inbox.
    for (const size of ['mobile', 'desktop'] as const) {
      // A teacher each: a second call of one teacher would be offered to resume the first.
      const first = made[size === 'mobile' ? 2 : 3];
      if (!first) throw new Error('no teacher');
      await page.setViewportSize(size === 'mobile' ? PHONE_SIZE : DESKTOP_SIZE);
      const phone = await WebPhone.open(page, url, first.phone.msisdn);
      await phone.call();
      await phone.choose('Apply for a job');
      await phone.sees('Enter your CP2 password');
      await phone.send(first.password);
      await phone.sees('Choose the exam:');
      await phone.receives('Password');
      await shot(page, `phone-${size}`);
      await page.click('#hangup');
    }

    // The console, each page at both sizes; the first application approved on the way.
    const consolePage = await browser.newPage({ viewport: DESKTOP_SIZE });
    await signIn(consolePage, url, TOKEN);
    for (const size of ['desktop', 'mobile'] as const) {
      await consolePage.setViewportSize(size === 'mobile' ? PHONE_SIZE : DESKTOP_SIZE);
      await consolePage.goto(`${url}/console#vacancies`);
      await consolePage.locator('#page [data-page="vacancies"] table tbody tr').first().waitFor();
      await shot(consolePage, `console-vacancies-${size}`);

      await consolePage.goto(`${url}/console#applications`);
      await consolePage.locator('#page [data-page="applications"] table tbody tr').first().waitFor();
      const id = made[size === 'desktop' ? 0 : 1]?.applicationId;
      if (id !== undefined) {
        await consolePage.click(`[data-view="${id}"]`);
        await consolePage.click('[data-decide="approve"]');
        await consolePage.locator('.sms-list li', { hasText: 'application approved' }).waitFor();
      }
      await shot(consolePage, `console-applications-${size}`);

      await consolePage.goto(`${url}/console#funnel`);
      await consolePage.locator('svg.chart').waitFor();
      await shot(consolePage, `console-funnel-${size}`);

      await consolePage.goto(`${url}/console#queries`);
      await consolePage.locator('#page [data-page="queries"] table tbody tr').first().waitFor();
      await shot(consolePage, `console-queries-${size}`);
    }
  } finally {
    await browser.close();
    await relay.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await resources.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
