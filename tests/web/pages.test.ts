// The web pages over HTTP (no browser): where each is served, the headers every part of them carries,
// the browser code compiled at the first request, the phone's settings (never the webhook token), and
// GET /admin/applications/:id/sms: behind the operator token, the application's SMS only, never a password.
import { createApplications } from '../../src/domain/applications';
import { CONTENT_SECURITY_POLICY } from '../../src/http/web/security-headers';
import { insertCompleteProfile } from '../support/complete-profile';
import { registeredPhone } from '../support/registered-phone';
import { waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';

const TOKEN = 'pages-test-token-0123456789';

describe('on the embedded default (SMS to the simulator)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { ADMIN_TOKENS: `ops:${TOKEN}` } });
  });
  afterAll(() => app.close());

  test.each([
    ['/phone', 'text/html'],
    ['/console', 'text/html'],
    ['/web/phone.js', 'text/javascript'],
    ['/web/console.js', 'text/javascript'],
    ['/web/web.css', 'text/css'],
    ['/phone/settings.json', 'application/json'],
  ])('GET %s: served as %s with a strict Content-Security-Policy and nosniff', async (path, type) => {
    const res = await fetch(`${app.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(type);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  test('the policy: scripts and styles of this origin only, no framing, no plugins', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("style-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });

  test('the pages hold no inline script or style, and their code never writes HTML', async () => {
    for (const path of ['/phone', '/console']) {
      const html = await (await fetch(`${app.url}${path}`)).text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/);
    }
    for (const path of ['/web/phone.js', '/web/console.js']) {
      const js = await (await fetch(`${app.url}${path}`)).text();
      expect(js.length).toBeGreaterThan(1000);
      expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    }
  });

  test("the phone's settings: the service code, the short code and the screen limit", async () => {
    const settings = await (await fetch(`${app.url}/phone/settings.json`)).json();
    expect(settings).toEqual({
      serviceCode: '*384*22262#',
      smsCode: '22262',
      networkCode: '63902',
      screenLimit: 160,
      tokenRequired: false,
    });
  });

  test('GET /admin/applications/:id/sms: the submission and the decision SMS, never the credentials', async () => {
    const { phone, password } = await registeredPhone(app.url);
    const account = await app.db('accounts').where({ phone: phone.phoneNumber }).first('id');
    await insertCompleteProfile(app.db, Number(account.id), phone.phoneNumber);
    const applications = createApplications(app.db, { ussdCode: '*384*22262#', smsCode: '22262' });
    let id: number | undefined;
    for (const v of await app
      .db('vacancies')
      .where({ status: 'open' })
      .orderBy('id')
      .limit(40)
      .select('id')) {
      const r = await applications.apply(Number(account.id), Number(v.id));
      if (r.status === 'submitted') {
        id = r.applicationId;
        break;
      }
    }
    expect(id).toBeDefined();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const review = await fetch(`${app.url}/admin/applications/${id}/review`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'reject' }),
    });
    expect(review.status).toBe(200);
    await waitForSms(app.url, phone.phoneNumber, 3);

    const res = await fetch(`${app.url}/admin/applications/${id}/sms`, { headers: auth });
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as { messages: Record<string, unknown>[] };
    expect(messages.map((m) => m.event)).toEqual(['submitted', 'rejected']);
    expect(messages[0]?.text).toMatch(/^CP2: Thank you for submitting your application/);
    expect(messages[1]?.text).toMatch(/application not successful\.$/);
    expect(messages[1]).toMatchObject({ to: phone.phoneNumber });
    expect(JSON.stringify(messages)).not.toContain(password);
    expect(JSON.stringify(messages)).not.toMatch(/Password|params|template/);

    expect((await fetch(`${app.url}/admin/applications/${id}/sms`)).status).toBe(401);
    expect((await fetch(`${app.url}/admin/applications/999999999/sms`, { headers: auth })).status).toBe(404);
  });
});

describe('with WEBHOOK_TOKEN set', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { WEBHOOK_TOKEN: 'webhook-secret-123' }, relay: false });
  });
  afterAll(() => app.close());

  test('the phone asks for the token: its settings say one is needed and never hold it', async () => {
    const res = await fetch(`${app.url}/phone/settings.json`);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ tokenRequired: true });
    expect(text).not.toContain('webhook-secret-123');
    expect(await (await fetch(`${app.url}/web/phone.js`)).text()).not.toContain('webhook-secret-123');
  });
});

describe("with SMS going to Africa's Talking", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      env: { SMS_GATEWAY: 'africastalking', AT_USERNAME: 'cp2', AT_API_KEY: 'key' },
      relay: false,
    });
  });
  afterAll(() => app.close());

  test('no web phone (its inbox is the simulator), the console is still served', async () => {
    for (const path of ['/phone', '/web/phone.js', '/phone/settings.json']) {
      expect((await fetch(`${app.url}${path}`)).status).toBe(404);
    }
    expect((await fetch(`${app.url}/console`)).status).toBe(200);
    // With no operator token configured the console's requests are refused like any other.
    expect((await fetch(`${app.url}/admin/vacancies`)).status).toBe(403);
  });
});
