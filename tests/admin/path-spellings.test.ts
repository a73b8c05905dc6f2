// Every spelling of an admin or webhook path that a router, a proxy or a decoder might accept must meet
// the guard or nothing at all. Found by probing: `/ADMIN/vacancies` answered 200 with no token, and
// `/ussd/` or `/Sms/inbound` skipped WEBHOOK_TOKEN.
import { bodyParser } from '@koa/bodyparser';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import pino from 'pino';
import { adminApi, adminRouter } from '../../src/http/admin';
import { createMetrics } from '../../src/metrics';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_CIPHER } from '../support/test-app';
import { createAdminServices } from '../../src/domain/admin-services';

const TOKEN = 'ops-token-0123456789abcdef';
const WEBHOOK = 'hook-secret-42';

/** Sends the path exactly as written (fetch would normalise `..`, `//` and the case of nothing else). */
function raw(
  base: string,
  method: string,
  path: string,
  opts: { authorization?: string; body?: string } = {},
): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method: method.toUpperCase(),
        path,
        headers: {
          ...(opts.authorization ? { authorization: opts.authorization } : {}),
          ...(opts.body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** `/admin/vacancies/433` spelled every other way a server might take for it. */
function spellings(path: string): string[] {
  const rest = path.slice('/admin'.length);
  const last = path.at(-1) as string;
  return [
    `/ADMIN${rest}`,
    `/aDmin${rest}`,
    path.toUpperCase(),
    `//admin${rest}`,
    `/admin/${rest}`,
    `${path}/`,
    `${path}//`,
    `/%61dmin${rest}`,
    `/%41DMIN${rest}`,
    `${path.slice(0, -1)}%${last.charCodeAt(0).toString(16)}`,
    `/./admin${rest}`,
    `/admin/.${rest}`,
    `/admin/../admin${rest}`,
    `/x/../admin${rest}`,
    `/admin/%2e%2e/admin${rest}`,
    `/admin%2F${rest.slice(1)}`,
    `\\admin${rest}`,
    `${path};x=1`,
    `${path}%00`,
  ];
}

/** Every admin route with its path parameters filled with ids that exist in the demo data. */
async function adminRoutes(app: TestApp): Promise<{ method: string; path: string; body?: string }[]> {
  const vacancy = (await app.db('vacancies').orderBy('id', 'desc').first('id')) as { id: number };
  const api = adminApi([], {
    services: createAdminServices(app.db, {
      codes: { ussdCode: '*384*22262#', smsCode: '22262' },
      cipher: TEST_CIPHER,
      log: pino({ level: 'silent' }),
    }),
    log: pino({ level: 'silent' }),
    metrics: createMetrics(),
  });
  return api.list().map((r) => ({
    method: r.method,
    path: `/admin${r.path.replace(':id', String(vacancy.id))}`,
    body: r.method === 'get' ? undefined : JSON.stringify({ positions: 1, status: 'closed', ids: [1] }),
  }));
}

async function auditRows(app: TestApp): Promise<number> {
  const row = (await app.db('admin_audit').count('* as n').first()) as { n: string };
  return Number(row.n);
}

describe('the admin API through the whole app', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { ADMIN_TOKEN: TOKEN } });
  });
  afterAll(() => app.close());

  test('there are routes to cover (the list is not empty)', async () => {
    const routes = await adminRoutes(app);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^get \/admin\/exports\/profiles\.csv$/)]),
    );
  });

  test('no spelling of any admin route answers without a token, and nothing is audited or changed', async () => {
    const before = await app.db('vacancies').orderBy('id').select('id', 'positions', 'status');
    const answers: string[] = [];
    for (const route of await adminRoutes(app)) {
      for (const path of [route.path, ...spellings(route.path)]) {
        const res = await raw(app.url, route.method, path, { body: route.body });
        // 400: Node's HTTP parser refuses a request target such as `\\admin` before the app sees it.
        if (![400, 401, 404, 405].includes(res.status))
          answers.push(`${route.method} ${path} → ${res.status}`);
        expect(res.body).not.toMatch(/national_id|kra_pin|bank_account/);
      }
    }
    expect(answers).toEqual([]);
    expect(await auditRows(app)).toBe(0);
    expect(await app.db('vacancies').orderBy('id').select('id', 'positions', 'status')).toEqual(before);
  });

  test('with a valid token only the exact spelling is served; the others are not found', async () => {
    const authorization = `Bearer ${TOKEN}`;
    expect((await raw(app.url, 'get', '/admin/vacancies', { authorization })).status).toBe(200);
    const served: string[] = [];
    for (const path of spellings('/admin/vacancies')) {
      const res = await raw(app.url, 'get', path, { authorization });
      if (res.status !== 404 && res.status !== 400) served.push(`${path} → ${res.status}`);
    }
    expect(served).toEqual([]);
  });
});

test('the guard is part of each admin route: the router alone, without the path filter, lets no spelling through', async () => {
  const app = await startTestApp();
  const koa = new Koa();
  koa.use(bodyParser());
  const router = adminRouter([{ name: 'ops', token: TOKEN }], {
    services: createAdminServices(app.db, {
      codes: { ussdCode: '*384*22262#', smsCode: '22262' },
      cipher: TEST_CIPHER,
      log: pino({ level: 'silent' }),
    }),
    log: pino({ level: 'silent' }),
    metrics: createMetrics(),
  });
  koa.use(router.routes()).use(router.allowedMethods());
  const server = koa.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const reached: string[] = [];
    for (const route of await adminRoutes(app)) {
      for (const path of [route.path, ...spellings(route.path)]) {
        const res = await raw(base, route.method, path, { body: route.body });
        if (res.status < 300 || res.status >= 500) reached.push(`${route.method} ${path} → ${res.status}`);
      }
    }
    expect(reached).toEqual([]);
    expect(await auditRows(app)).toBe(0);
  } finally {
    server.close();
    await app.close();
  }
});

describe('webhooks with WEBHOOK_TOKEN set', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { WEBHOOK_TOKEN: WEBHOOK } });
  });
  afterAll(() => app.close());

  const bodies: Record<string, string> = {
    '/ussd': 'sessionId=s1&serviceCode=*384*22262%23&phoneNumber=%2B254711000001&text=',
    '/ussd/events': 'sessionId=s1&status=Success',
    '/sms/inbound': 'id=m1&from=%2B254711000001&to=22262&text=PASSWORD',
    '/sms/delivery': 'id=ATXid_1&status=Success',
  };

  const variants = (path: string) => [
    path,
    path.toUpperCase(),
    `${path[0]}${path[1]?.toUpperCase()}${path.slice(2)}`,
    `${path}/`,
    `/${path}`,
    `/.${path}`,
    `${path}?token=wrong`,
    `${path}?token=`,
    `/%${path.charCodeAt(1).toString(16)}${path.slice(2)}`,
  ];

  test.each(Object.keys(bodies))(
    '%s: every spelling without the token is refused and writes nothing',
    async (path) => {
      for (const spelled of variants(path)) {
        const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const u = new URL(app.url);
          const req = http.request(
            {
              host: u.hostname,
              port: u.port,
              method: 'POST',
              path: spelled,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            },
            (r) => {
              let body = '';
              r.on('data', (c: Buffer) => (body += c.toString()));
              r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
            },
          );
          req.on('error', reject);
          req.end(bodies[path]);
        });
        expect({ spelled, status: [400, 401, 404].includes(res.status) }).toEqual({ spelled, status: true });
        expect(res.body).not.toMatch(/^CON/);
      }
      for (const table of ['inbound_sms', 'sms_delivery_reports', 'ussd_sessions', 'outbound_sms']) {
        const row = (await app.db(table).count('* as n').first()) as { n: string };
        expect({ table, rows: Number(row.n) }).toEqual({ table, rows: 0 });
      }
    },
  );

  test('with the token in the query string each webhook is served', async () => {
    const res = await fetch(`${app.url}/ussd?token=${WEBHOOK}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: bodies['/ussd'],
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^CON /);
  });
});
