// Review over HTTP: list and fetch applications, approve or reject them singly and in bulk. Each decision
// sends the applicant one SMS in their language (seen in the simulator inbox), is recorded in
// application_events and admin_audit with the token's name, and is idempotent; approving beyond the
// positions and reviewing a withdrawn application are refused.
import { setTimeout as sleep } from 'node:timers/promises';
import { createApplications } from '../../src/domain/applications';
import { inbox, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { applicant, seedVacancies, type Fixture } from '../vacancies/fixtures';

const TOKEN = 'ops-token-0123456789abcdef';
const OTHER = 'review-token-0123456789abcdef';

let app: TestApp;
let fx: Fixture;
let applications: ReturnType<typeof createApplications>;
let seq = 0;

beforeAll(async () => {
  app = await startTestApp({ env: { ADMIN_TOKENS: `ops:${TOKEN},review:${OTHER}` } });
  fx = await seedVacancies(app.db);
  applications = createApplications(app.db, { ussdCode: '*384*22262#', smsCode: '22262' });
});
afterAll(() => app.close());

type Json = Record<string, unknown>;

async function admin(
  path: string,
  init: { method?: string; body?: unknown; token?: string | null } = {},
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${app.url}/admin${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** A new applicant (complete profile) who applied to `vacancy`; waits for the confirmation SMS. */
async function applied(
  vacancy: number,
  lang: 'en' | 'sw' = 'en',
): Promise<{ id: number; phone: string; account: number }> {
  seq += 1;
  const phone = `+2547002${String(seq).padStart(5, '0')}`;
  const account = await applicant(app.db, phone, String(40000000 + seq));
  if (lang === 'sw') await app.db('phone_preferences').insert({ phone, language: 'sw' });
  const r = await applications.apply(account, vacancy);
  if (r.status !== 'submitted') throw new Error(`apply: ${r.status}`);
  await waitForSms(app.url, phone, 1);
  return { id: r.applicationId, phone, account };
}

const review = (id: number, body: unknown, token?: string) =>
  admin(`/applications/${id}/review`, { body, token });

const statusOf = async (id: number) =>
  ((await app.db('applications').where({ id }).first('status')) as { status: string }).status;

describe('auth', () => {
  test.each([
    ['GET', '/applications'],
    ['GET', '/applications/1'],
    ['POST', '/applications/1/review'],
    ['POST', '/applications/review'],
  ])('%s %s without a token or with a wrong one → 401', async (method, path) => {
    for (const token of [null, 'not-a-token-at-all-xxxxxxxx']) {
      const res = await admin(path, {
        method,
        token,
        body: method === 'POST' ? { decision: 'approve' } : undefined,
      });
      expect(res.status).toBe(401);
    }
  });
});

test('approve → one SMS to the applicant, an event and an audit row with the token name', async () => {
  const a = await applied(fx.v.inv1);
  const res = await review(a.id, { decision: 'approve', reason: 'Experienced invigilator' }, OTHER);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ id: a.id, result: 'approved' });
  expect(await statusOf(a.id)).toBe('approved');

  const messages = await waitForSms(app.url, a.phone, 2);
  expect(messages[1]?.text).toBe('CP2: Invigilator at Alpha School: application approved.');

  const events = await app.db('application_events').where({ application_id: a.id }).orderBy('id');
  expect(events.map((e: { status: string }) => e.status)).toEqual(['submitted', 'approved']);
  expect(events[1]).toMatchObject({ actor: 'admin:review', reason: 'Experienced invigilator' });
  expect(await app.db('admin_audit').where({ target: `application:${a.id}` })).toMatchObject([
    {
      actor: 'admin:review',
      action: 'application.approve',
      details: { from: 'submitted', to: 'approved', reason: 'Experienced invigilator' },
    },
  ]);
});

test('reject → the SMS in the applicant’s language (Kiswahili)', async () => {
  const a = await applied(fx.v.inv2, 'sw');
  const res = await review(a.id, { decision: 'reject' });
  expect(res.body).toEqual({ id: a.id, result: 'rejected' });
  const messages = await waitForSms(app.url, a.phone, 2);
  expect(messages[1]?.text).toBe('CP2: Ombi lako la Invigilator katika Bravo School halikufaulu.');
  const en = await applied(fx.v.kpsea);
  await review(en.id, { decision: 'reject' });
  expect((await waitForSms(app.url, en.phone, 2))[1]?.text).toBe(
    'CP2: Invigilator at Bravo School: application not successful.',
  );
});

test('the same decision twice changes nothing the second time: one SMS, one event', async () => {
  const a = await applied(fx.v.marking);
  expect((await review(a.id, { decision: 'approve' })).body.result).toBe('approved');
  const again = await review(a.id, { decision: 'approve' });
  expect(again.status).toBe(200);
  expect(again.body).toEqual({ id: a.id, result: 'unchanged', status: 'approved' });
  await waitForSms(app.url, a.phone, 2);
  await sleep(300);
  expect(await inbox(app.url, a.phone)).toHaveLength(2);
  expect(await app.db('application_events').where({ application_id: a.id, status: 'approved' })).toHaveLength(
    1,
  );
  expect(await app.db('admin_audit').where({ target: `application:${a.id}` })).toHaveLength(1);

  // The other decision is refused: only a submitted application can be decided.
  const other = await review(a.id, { decision: 'reject' });
  expect(other.status).toBe(409);
  expect(await statusOf(a.id)).toBe('approved');
});

test('approving beyond the positions is refused with 409', async () => {
  // sup1 has one position.
  const first = await applied(fx.v.sup1);
  const second = await applied(fx.v.sup1);
  expect((await review(first.id, { decision: 'approve' })).status).toBe(200);
  const res = await review(second.id, { decision: 'approve' });
  expect(res.status).toBe(409);
  expect(res.body).toMatchObject({ id: second.id, result: 'full', positions: 1, approved: 1 });
  expect(res.body.error).toMatch(/^full/);
  expect(await statusOf(second.id)).toBe('submitted');
  await sleep(200);
  expect(await inbox(app.url, second.phone)).toHaveLength(1);
  // Rejecting is still possible.
  expect((await review(second.id, { decision: 'reject' })).status).toBe(200);
});

test('a withdrawn application cannot be reviewed; an unknown one is 404', async () => {
  const a = await applied(fx.v.inv1);
  expect(await applications.withdraw(a.account, a.id, `ussd:${a.phone}`)).toEqual({ status: 'withdrawn' });
  const res = await review(a.id, { decision: 'approve' });
  expect(res.status).toBe(409);
  expect(res.body).toMatchObject({ result: 'notReviewable', status: 'withdrawn' });
  expect(await statusOf(a.id)).toBe('withdrawn');
  expect((await review(99999999, { decision: 'approve' })).status).toBe(404);
});

test('the domain refuses a reason longer than DECISION_REASON_MAX as the HTTP schema does', async () => {
  const a = await applied(fx.v.inv1);
  const long = { decision: 'reject' as const, reason: 'x'.repeat(161), actor: 'admin:ops' };
  expect(await applications.decide(a.id, long)).toEqual({ id: a.id, result: 'invalidReason', max: 160 });
  expect(await applications.decideMany([a.id], { ...long, reason: '' })).toEqual([
    { id: a.id, result: 'invalidReason', max: 160 },
  ]);
  expect(await statusOf(a.id)).toBe('submitted');
  expect((await review(a.id, { decision: 'reject', reason: 'x'.repeat(160) })).status).toBe(200);
});

test('bulk review answers per id', async () => {
  const ok = await applied(fx.v.inv1);
  const ok2 = await applied(fx.v.inv1);
  const withdrawn = await applied(fx.v.inv1);
  await applications.withdraw(withdrawn.account, withdrawn.id, 'test');
  const already = await applied(fx.v.inv1);
  await review(already.id, { decision: 'approve' });

  const res = await admin('/applications/review', {
    body: { ids: [ok.id, withdrawn.id, 99999999, already.id, ok2.id, ok.id], decision: 'approve' },
  });
  expect(res.status).toBe(200);
  expect(res.body.results).toEqual([
    { id: ok.id, result: 'approved' },
    expect.objectContaining({ id: withdrawn.id, result: 'notReviewable', status: 'withdrawn' }),
    expect.objectContaining({ id: 99999999, result: 'notFound' }),
    { id: already.id, result: 'unchanged', status: 'approved' },
    { id: ok2.id, result: 'approved' },
  ]);
  expect(res.body.counts).toEqual({ approved: 2, notReviewable: 1, notFound: 1, unchanged: 1 });
  expect((await waitForSms(app.url, ok.phone, 2))[1]?.text).toMatch(/approved/);
  expect(await waitForSms(app.url, ok2.phone, 2)).toHaveLength(2);
  await sleep(200);
  expect(await inbox(app.url, ok.phone)).toHaveLength(2);
  // Submitted and withdrawn, each confirmed by SMS; nothing about the review.
  expect((await inbox(app.url, withdrawn.phone)).map((m) => m.text)).toEqual([
    expect.stringContaining('Thank you for submitting'),
    expect.stringContaining('application withdrawn'),
  ]);
});

test('invalid bodies → 400 listing the issues', async () => {
  const single = await review(1, { decision: 'maybe', reason: 'x'.repeat(161), extra: true });
  expect(single.status).toBe(400);
  expect((single.body.issues as { path: string }[]).map((i) => i.path)).toEqual(
    expect.arrayContaining(['decision', 'reason']),
  );
  expect((await admin('/applications/1/review', { method: 'POST' })).status).toBe(400);
  expect((await admin('/applications/abc/review', { body: { decision: 'approve' } })).status).toBe(400);

  for (const ids of [[], Array.from({ length: 501 }, (_, i) => i + 1), ['1'], [-1]]) {
    const res = await admin('/applications/review', { body: { ids, decision: 'reject' } });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'body' })]));
  }
});

test('GET /admin/applications filters and pages with cursors, with the total', async () => {
  const total = Number(((await app.db('applications').count({ n: '*' }).first()) as { n: string }).n);
  const all = await admin('/applications?limit=500');
  expect(all.body).toMatchObject({ total, total_is_estimate: false, next_cursor: null });
  const first = await admin('/applications?limit=2');
  const second = await admin(`/applications?limit=2&cursor=${first.body.next_cursor as string}`);
  expect(
    [...(first.body.applications as Json[]), ...(second.body.applications as Json[])].map((a) => a.id),
  ).toEqual((all.body.applications as Json[]).slice(0, 4).map((a) => a.id));
  const offset = await admin('/applications?offset=400000');
  expect(offset.status).toBe(400);
  expect(JSON.stringify(offset.body)).toContain('page with cursor');

  const byVacancy = await admin(`/applications?vacancy=${fx.v.inv1}&status=approved`);
  const rows = byVacancy.body.applications as Json[];
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.vacancy_id === fx.v.inv1 && r.status === 'approved')).toBe(true);
  expect(byVacancy.body.total).toBe(rows.length);

  const kpsea = await admin('/applications?exam=KPSEA');
  expect((kpsea.body.applications as Json[]).every((r) => r.exam === 'KPSEA')).toBe(true);
  const kisumu = await admin('/applications?county=042');
  expect((kisumu.body.applications as Json[]).map((r) => r.station_name)).toEqual(
    expect.arrayContaining(['Charlie Marking Centre']),
  );
  expect((kisumu.body.applications as Json[]).every((r) => r.county_code === '042')).toBe(true);
  expect((await admin('/applications?status=done&limit=0')).status).toBe(400);
});

test('GET /admin/applications/:id has the applicant’s phone, profile and events', async () => {
  const a = await applied(fx.v.kpsea);
  const res = await admin(`/applications/${a.id}`);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    id: a.id,
    vacancy_id: fx.v.kpsea,
    status: 'submitted',
    phone: a.phone,
    username: a.phone.slice(1),
    position_name: 'Invigilator',
    station_name: 'Bravo School',
    profile: { full_name: 'Jane Wanjiku', national_id: expect.any(String), county_name: 'Nairobi' },
    events: [expect.objectContaining({ status: 'submitted', actor: `ussd:${a.phone}` })],
  });
  expect((await admin('/applications/99999999')).status).toBe(404);
});
