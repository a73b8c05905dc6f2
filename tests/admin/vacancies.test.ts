// The admin vacancies API over HTTP: auth, list filters and pagination, create / update / close (a closed
// vacancy is no longer offered), CSV import with the CLI's validation, the audit trail and the OpenAPI
// document. The test database carries the demo vacancies.
import { createApplications } from '../../src/domain/applications';
import { startTestApp, type TestApp } from '../support/test-app';
import { applicant } from '../vacancies/fixtures';

const TOKEN = 'ops-token-0123456789abcdef';
const OTHER = 'review-token-0123456789abcdef';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { ADMIN_TOKENS: `ops:${TOKEN},review:${OTHER}` } });
});
afterAll(() => app.close());

type Json = Record<string, unknown> & { vacancies: Record<string, unknown>[] };

async function admin(
  path: string,
  init: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
  let body: string | undefined;
  if (typeof init.body === 'string') body = init.body;
  else if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  const res = await fetch(`${app.url}/admin${path}`, { method: init.method ?? 'GET', headers, body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
}

const count = async (table: string, where: Record<string, unknown> = {}) =>
  Number(((await app.db(table).where(where).count({ n: '*' }).first()) as { n: string }).n);

const newVacancy = (code: string) => ({
  code,
  exam: 'KCSE',
  activity: 'supervision',
  duty_station: 'NBI-EC01',
  position: 'invigilator',
  positions: 3,
  opens_at: '2026-11-01 08:00',
  closes_at: '2099-01-01 17:00',
});

describe('auth', () => {
  test.each([
    ['GET', '/vacancies'],
    ['POST', '/vacancies'],
    ['PATCH', '/vacancies/1'],
    ['POST', '/vacancies/1/close'],
    ['POST', '/vacancies/import'],
  ])('%s %s without a token or with a wrong one → 401', async (method, path) => {
    expect((await admin(path, { method, token: null })).status).toBe(401);
    expect((await admin(path, { method, token: 'not-a-token-at-all-xxxxxxxx' })).status).toBe(401);
  });
});

describe('GET /admin/vacancies', () => {
  test('pages through every vacancy with cursors, each once, with the exact total', async () => {
    const total = await count('vacancies');
    const first = await admin('/vacancies');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total, total_is_estimate: false });
    expect(first.body.vacancies).toHaveLength(Math.min(50, total));
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await admin(`/vacancies?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.vacancies.map((v) => v.id as number));
      cursor = page.body.next_cursor as string | null;
    } while (cursor);
    expect(seen).toHaveLength(total);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.slice(0, 50)).toEqual(first.body.vacancies.map((v) => v.id));
  });

  test('an offset is refused with a 400 that says to use the cursor; a forged cursor is refused', async () => {
    const res = await admin('/vacancies?offset=60000');
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      expect.objectContaining({ in: 'query', path: 'offset', message: expect.stringContaining('cursor') }),
    ]);
    expect((await admin('/vacancies?cursor=not-a-cursor')).status).toBe(400);
  });

  test('filters by exam, activity, position, county, sub-county and status', async () => {
    const kpsea = await admin('/vacancies?exam=KPSEA&limit=500');
    expect(kpsea.body.total).toBe(await count('vacancies', { exam: 'KPSEA' }));
    expect(kpsea.body.vacancies.every((v) => v.exam === 'KPSEA')).toBe(true);

    const combined = await admin('/vacancies?exam=KCSE&activity=supervision&position=invigilator&limit=500');
    expect(combined.body.total).toBe(
      await count('vacancies', { exam: 'KCSE', activity: 'supervision', position: 'invigilator' }),
    );

    const station = (await app.db('duty_stations').where({ code: 'NBI-EC01' }).first()) as {
      county_code: string;
      sub_county_id: number;
    };
    const county = await admin(`/vacancies?county=${station.county_code}&limit=500`);
    expect(county.body.total).toBeGreaterThan(0);
    expect(county.body.vacancies.every((v) => v.county_code === station.county_code)).toBe(true);
    const sub = await admin(`/vacancies?sub_county=${station.sub_county_id}&limit=500`);
    expect(sub.body.total).toBeGreaterThan(0);
    expect(sub.body.total).toBeLessThanOrEqual(county.body.total as number);
    expect(sub.body.vacancies.every((v) => v.sub_county_id === station.sub_county_id)).toBe(true);

    const closed = await admin('/vacancies?status=closed&limit=500');
    expect(closed.body.total).toBe(await count('vacancies', { status: 'closed' }));
  });

  test('available is positions minus approved applications', async () => {
    const created = await admin('/vacancies', { method: 'POST', body: newVacancy('AVAIL1') });
    const id = created.body.id as number;
    const account = await applicant(app.db, '+254700100001', '30000001');
    await app.db('applications').insert({
      account_id: account,
      vacancy_id: id,
      exam: 'KCSE',
      activity: 'supervision',
      status: 'approved',
    });
    const all = [];
    let cursor: string | null = null;
    do {
      const { body } = await admin(`/vacancies?exam=KCSE&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...body.vacancies);
      cursor = body.next_cursor as string | null;
    } while (cursor);
    expect(all.find((v) => v.id === id)).toMatchObject({ positions: 3, approved: 1, available: 2 });
  });

  test('an invalid query → 400 listing the issues', async () => {
    const res = await admin('/vacancies?limit=501&cursor=x&status=maybe&county=47');
    expect(res.status).toBe(400);
    const paths = (res.body.issues as { in: string; path: string }[]).map((i) => `${i.in}.${i.path}`);
    expect(paths).toEqual(
      expect.arrayContaining(['query.limit', 'query.cursor', 'query.status', 'query.county']),
    );
    // The code formats are row-schemas.ts's, as in every handler: a county is three digits, a code at most 24.
    const codes = await admin(`/vacancies?county=47&exam=${'K'.repeat(25)}`);
    expect(codes.body.issues).toEqual([
      expect.objectContaining({ path: 'exam' }),
      expect.objectContaining({ path: 'county', message: 'a county code: three digits' }),
    ]);
    expect((await admin(`/vacancies?exam=${'K'.repeat(24)}`)).status).toBe(200);
  });
});

describe('create, update, close', () => {
  test('POST /admin/vacancies creates a vacancy and audits it with the token name', async () => {
    const res = await admin('/vacancies', { method: 'POST', body: newVacancy('NEW001'), token: OTHER });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      code: 'NEW001',
      exam: 'KCSE',
      duty_station: 'NBI-EC01',
      positions: 3,
      available: 3,
      status: 'open',
    });
    expect(new Date(res.body.closes_at as string).toISOString()).toBe('2099-01-01T14:00:00.000Z');
    const audit = await app.db('admin_audit').where({ target: `vacancy:${res.body.id as number}` });
    expect(audit).toMatchObject([{ actor: 'admin:review', action: 'vacancy.create' }]);

    expect((await admin('/vacancies', { method: 'POST', body: newVacancy('NEW001') })).status).toBe(409);
  });

  test('an invalid body → 400 listing every issue; unknown codes are refused', async () => {
    const bad = await admin('/vacancies', {
      method: 'POST',
      body: { ...newVacancy('bad code!'), positions: 0, opens_at: 'tomorrow', extra: 1 },
    });
    expect(bad.status).toBe(400);
    const paths = (bad.body.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['code', 'positions', 'opens_at']));

    const unknown = await admin('/vacancies', {
      method: 'POST',
      body: { ...newVacancy('NEW002'), exam: 'NOPE', duty_station: 'NOWHERE', closes_at: '2026-10-01 08:00' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'exam', message: 'unknown exam "NOPE"' }),
        expect.objectContaining({ path: 'duty_station' }),
        expect.objectContaining({ path: 'closes_at', message: 'must be after opens_at' }),
      ]),
    );
    expect(await count('vacancies', { code: 'NEW002' })).toBe(0);
  });

  test('PATCH changes positions, closing time and status; refuses nonsense', async () => {
    const id = (await admin('/vacancies', { method: 'POST', body: newVacancy('PATCH1') })).body.id as number;
    const res = await admin(`/vacancies/${id}`, {
      method: 'PATCH',
      body: { positions: 7, closes_at: '2099-02-01T00:00Z', status: 'closed' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ positions: 7, status: 'closed' });
    expect(new Date(res.body.closes_at as string).toISOString()).toBe('2099-02-01T00:00:00.000Z');
    const [audit] = await app.db('admin_audit').where({ target: `vacancy:${id}`, action: 'vacancy.update' });
    expect(audit).toMatchObject({
      actor: 'admin:ops',
      details: { before: { positions: 3, status: 'open' }, after: { positions: 7, status: 'closed' } },
    });

    expect((await admin(`/vacancies/${id}`, { method: 'PATCH', body: {} })).status).toBe(400);
    const early = await admin(`/vacancies/${id}`, {
      method: 'PATCH',
      body: { closes_at: '2020-01-01 08:00' },
    });
    expect(early.status).toBe(400);
    expect((await admin('/vacancies/99999999', { method: 'PATCH', body: { positions: 2 } })).status).toBe(
      404,
    );
    expect((await admin('/vacancies/abc', { method: 'PATCH', body: { positions: 2 } })).status).toBe(400);
  });

  test('positions cannot go below the approved applications', async () => {
    const id = (await admin('/vacancies', { method: 'POST', body: newVacancy('PATCH2') })).body.id as number;
    for (const [phone, nid] of [
      ['+254700100002', '30000002'],
      ['+254700100003', '30000003'],
    ] as const) {
      await app.db('applications').insert({
        account_id: await applicant(app.db, phone, nid),
        vacancy_id: id,
        exam: 'KCSE',
        activity: 'supervision',
        status: 'approved',
      });
    }
    const res = await admin(`/vacancies/${id}`, { method: 'PATCH', body: { positions: 1 } });
    expect(res.status).toBe(409);
    expect((await admin(`/vacancies/${id}`, { method: 'PATCH', body: { positions: 2 } })).status).toBe(200);
  });

  test('a closed vacancy is no longer offered to apply', async () => {
    const id = (await admin('/vacancies', { method: 'POST', body: newVacancy('CLOSE1') })).body.id as number;
    const res = await admin(`/vacancies/${id}/close`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('closed');
    expect((await admin(`/vacancies/${id}/close`, { method: 'POST' })).status).toBe(200);
    expect(await count('admin_audit', { target: `vacancy:${id}`, action: 'vacancy.close' })).toBe(1);

    const account = await applicant(app.db, '+254700100004', '30000004');
    const applications = createApplications(app.db, { ussdCode: '*384*22262#', smsCode: '22262' });
    expect(await applications.apply(account, id)).toEqual({ status: 'closed' });
    expect((await admin('/vacancies/99999999/close', { method: 'POST' })).status).toBe(404);
  });
});

describe('POST /admin/vacancies/import', () => {
  const header = 'code,exam,activity,duty_station,position,positions,opens_at,closes_at,status';
  const csv = (lines: string[]) => `${[header, ...lines].join('\n')}\n`;
  const upload = (text: string, type = 'text/csv') =>
    admin('/vacancies/import', { method: 'POST', body: text, headers: { 'content-type': type } });

  test('a good file is loaded and audited', async () => {
    const res = await upload(
      csv([
        'IMP001,KCSE,supervision,NBI-EC01,invigilator,4,2026-11-20 08:00,2099-01-29 17:00,open',
        'IMP002,KPSEA,supervision,NBI-EC02,supervisor,1,2026-11-20 08:00,2099-01-29 17:00,closed',
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ inserted: 2 });
    expect(await app.db('vacancies').whereIn('code', ['IMP001', 'IMP002']).orderBy('code')).toMatchObject([
      { code: 'IMP001', positions: 4, status: 'open' },
      { code: 'IMP002', positions: 1, status: 'closed' },
    ]);
    expect(await app.db('admin_audit').where({ action: 'vacancy.import' })).toMatchObject([
      { actor: 'admin:ops', target: 'vacancies', details: { rows: 2 } },
    ]);
  });

  test('a bad file → 400 with the line errors, and nothing is loaded', async () => {
    const before = await count('vacancies');
    const res = await upload(
      csv([
        'IMP010,KCSE,supervision,NBI-EC01,invigilator,4,2026-11-20 08:00,2099-01-29 17:00,open',
        'IMP011,NOPE,supervision,NBI-EC01,invigilator,0,2026-11-20 08:00,2099-01-29 17:00,open',
        'IMP012,KCSE,supervision,NBI-EC01,invigilator,2,soon,2099-01-29 17:00,maybe',
      ]),
    );
    expect(res.status).toBe(400);
    const errors = res.body.errors as string[];
    expect(errors).toEqual(
      expect.arrayContaining([
        'line 3: unknown exam "NOPE"',
        expect.stringMatching(/^line 3: positions "0"/),
        expect.stringMatching(/^line 4: opens_at "soon"/),
        'line 4: status "maybe" must be open or closed',
      ]),
    );
    expect(errors.some((e) => e.startsWith('line 2'))).toBe(false);
    expect(await count('vacancies')).toBe(before);
    expect(await count('vacancies', { code: 'IMP010' })).toBe(0);
  });

  test('a file over 10 MB is refused with 413', async () => {
    const res = await upload(csv(['x'.repeat(10 * 1024 * 1024)]));
    expect(res.status).toBe(413);
  });

  test('a file without the columns, or not text/csv, is refused', async () => {
    const res = await upload('code,name\nX,Y\n');
    expect(res.status).toBe(400);
    expect((res.body.errors as string[]).length).toBeGreaterThan(0);
    expect((await upload(csv([]), 'application/octet-stream')).status).toBe(415);
  });
});

test('/admin/openapi.json lists the vacancy and application routes', async () => {
  const doc = (await admin('/openapi.json')).body as unknown as {
    paths: Record<string, Record<string, unknown>>;
  };
  expect(Object.keys(doc.paths['/admin/vacancies'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
  expect(doc.paths['/admin/vacancies/{id}']).toHaveProperty('patch');
  expect(doc.paths['/admin/vacancies/{id}/close']).toHaveProperty('post');
  expect(doc.paths['/admin/vacancies/import']).toHaveProperty('post');
  expect(doc.paths['/admin/applications']).toHaveProperty('get');
  expect(doc.paths['/admin/applications/{id}']).toHaveProperty('get');
  expect(doc.paths['/admin/applications/{id}/review']).toHaveProperty('post');
  expect(doc.paths['/admin/applications/review']).toHaveProperty('post');
  const review = doc.paths['/admin/applications/{id}/review']?.post as {
    requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } };
  };
  expect(Object.keys(review.requestBody.content['application/json'].schema.properties)).toEqual(
    expect.arrayContaining(['decision', 'reason']),
  );
});
