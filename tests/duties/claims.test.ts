// Claims, payments and queries (issue 12, docs/duties.md), through the admin API and SMS: a claim is the
// days attended × the rate, worked out after the last day and frozen; approve and reject (with the
// reason, by SMS) only a pending claim; a payment file is all-or-nothing, refuses an amount that differs,
// and 50 concurrent uploads of the same file pay once; PAY lists the claims; queries by SMS get a
// reference, an answer goes by SMS at most two segments long, and /metrics counts the open ones.
import { createClaims } from '../../src/domain/claims';
import { createQueries } from '../../src/domain/queries';
import { openFieldCipher } from '../../src/data-keys';
import { createLogger } from '../../src/logger';
import { textShortCode, waitForSms, inbox } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { seedVacancies, type Fixture } from '../vacancies/fixtures';
import { DAY, TOKEN, adminCall, teacherWithDuty, today, type Json } from './support';

let app: TestApp;
let fx: Fixture;
beforeAll(async () => {
  app = await startTestApp({ env: { ADMIN_TOKENS: `ops:${TOKEN}` } });
  fx = await seedVacancies(app.db);
  const rates = await adminCall(app, '/rates/import', {
    csv: 'exam,activity,position,daily_rate_kes\nKCSE,SI,INV,1500\nKCSE,SI,SUP,1800\nKPSEA,SI,INV,1200\n',
  });
  expect(rates).toMatchObject({ status: 200, body: { inserted: 3 } });
});
afterAll(() => app.close());
beforeEach(() => {
  app.clock.offsetMs = 0;
});

const admin = (path: string, init?: Parameters<typeof adminCall>[2]) => adminCall(app, path, init);

/** A duty of `days` days ending yesterday, checked in and out on `attended` of them: its claim's id. */
async function finishedDuty(
  attended: number,
  opts: { vacancy?: keyof Fixture['v']; days?: number } = {},
): Promise<{ claimId: number; phone: string; applicationId: number }> {
  const days = opts.days ?? 3;
  const t = await teacherWithDuty(app.db, fx, {
    vacancy: opts.vacancy,
    from: today(app, -days),
    to: today(app, -1),
  });
  for (let i = 0; i < attended; i++) {
    const at = new Date(Date.now() - (days - i) * DAY);
    await app.db('attendance').insert({
      application_id: t.applicationId,
      day: today(app, i - days),
      checked_in_at: at,
      checked_out_at: new Date(at.getTime() + 8 * 3600_000),
    });
  }
  const list = await admin('/claims?status=pending&limit=500');
  const claim = (list.body.claims as Json[]).find((c) => c.application_id === t.applicationId);
  return { claimId: Number(claim?.id), phone: t.phone, applicationId: t.applicationId };
}

test('a claim is the days checked in and out × the rate, worked out after the last day, and frozen', async () => {
  const d = await finishedDuty(2, { days: 3 });
  const claim = await app.db('claims').where({ id: d.claimId }).first();
  expect(claim).toMatchObject({ days: 2, daily_rate_kes: 1500, amount_kes: 3000, status: 'pending' });
  // A day checked in but not out does not count; a duty not over yet has no claim.
  const open = await teacherWithDuty(app.db, fx, { vacancy: 'kpsea', from: today(app, -1), to: today(app) });
  await app
    .db('attendance')
    .insert({ application_id: open.applicationId, day: today(app, -1), checked_in_at: new Date() });
  // A rate changed later changes no claim already worked out.
  await admin('/rates/import', { csv: 'exam,activity,position,daily_rate_kes\nKCSE,SI,INV,2000\n' });
  await admin('/claims');
  expect(await app.db('claims').where({ id: d.claimId }).first('amount_kes')).toEqual({ amount_kes: 3000 });
  expect(await app.db('claims').where({ application_id: open.applicationId })).toEqual([]);
  await admin('/rates/import', { csv: 'exam,activity,position,daily_rate_kes\nKCSE,SI,INV,1500\n' });
  // No day attended: no claim.
  const none = await finishedDuty(0, { vacancy: 'sup1' });
  expect(Number.isNaN(none.claimId)).toBe(true);
});

test('approve and reject only a pending claim; the teacher gets each decision by SMS, the reason with a rejection', async () => {
  const a = await finishedDuty(1);
  expect(await admin(`/claims/${a.claimId}/approve`, { body: {} })).toMatchObject({
    status: 200,
    body: { id: a.claimId, result: 'approved' },
  });
  expect(await admin(`/claims/${a.claimId}/approve`, { body: {} })).toMatchObject({
    status: 200,
    body: { result: 'unchanged', status: 'approved' },
  });
  expect((await admin(`/claims/${a.claimId}/reject`, { body: { reason: 'Too late' } })).status).toBe(409);
  const [approved] = await waitForSms(app.url, a.phone, 1);
  expect(approved?.text).toBe(
    'CP2: your claim for Invigilator at Alpha School is approved: KES 1,500 (days: 1, KES 1,500 a day). It will be paid by M-Pesa.',
  );

  const r = await finishedDuty(2);
  expect((await admin(`/claims/${r.claimId}/reject`, { body: {} })).status).toBe(400);
  expect((await admin(`/claims/${r.claimId}/reject`, { body: { reason: 'Bad\u0007' } })).status).toBe(400);
  expect(
    await admin(`/claims/${r.claimId}/reject`, { body: { reason: 'The register shows one day only.' } }),
  ).toMatchObject({ status: 200, body: { result: 'rejected' } });
  const [rejected] = await waitForSms(app.url, r.phone, 1);
  expect(rejected?.text).toBe(
    'CP2: your claim for Invigilator at Alpha School was not approved. Reason: The register shows one day only.',
  );
  expect((await admin('/claims/999999999/approve', { body: {} })).status).toBe(404);
  const events = await app
    .db('duty_events')
    .whereIn('subject', [`claim:${a.claimId}`, `claim:${r.claimId}`])
    .orderBy('id');
  expect(events.map((e: Json) => [e.subject, e.kind, e.actor]).sort()).toEqual(
    [
      [`claim:${a.claimId}`, 'claim.created', 'system'],
      [`claim:${r.claimId}`, 'claim.created', 'system'],
      [`claim:${a.claimId}`, 'claim.approved', 'admin:ops'],
      [`claim:${r.claimId}`, 'claim.rejected', 'admin:ops'],
    ].sort(),
  );
});

test('a payment file is all-or-nothing: an amount that differs, a pending claim, a reused reference are refused by line', async () => {
  const ok = await finishedDuty(2);
  const pending = await finishedDuty(1);
  await admin(`/claims/${ok.claimId}/approve`, { body: {} });
  const bad = await admin('/claims/payments', {
    csv: [
      'claim_id,mpesa_ref,amount_kes',
      `${ok.claimId},QAA1111111,3001`,
      `${pending.claimId},QAA2222222,1500`,
      `999999999,QAA3333333,100`,
      `${ok.claimId},qaa4,3000`,
    ].join('\n'),
  });
  expect(bad.status).toBe(400);
  expect(bad.body.errors).toEqual([
    'line 5: mpesa_ref "qaa4" must be 10 capital letters and digits, e.g. QGH7K2L9PZ',
    `line 5: claim ${ok.claimId} is also on line 2`,
  ]);
  const bad2 = await admin('/claims/payments', {
    csv: [
      'claim_id,mpesa_ref,amount_kes',
      `${ok.claimId},QAA1111111,3001`,
      `${pending.claimId},QAA2222222,1500`,
      `999999999,QAA3333333,100`,
    ].join('\n'),
  });
  expect(bad2.body.errors).toEqual([
    `line 2: amount_kes 3001 is not the amount of claim ${ok.claimId}, 3000`,
    `line 3: claim ${pending.claimId} is pending: only an approved claim is paid`,
    'line 4: claim 999999999 does not exist',
  ]);
  expect(await app.db('claims').where({ id: ok.claimId }).first('status')).toEqual({ status: 'approved' });
  expect((await admin('/claims/payments', { body: { claim_id: 1 } })).status).toBe(415);
  // Only the approval SMS: nothing was paid.
  expect(await inbox(app.url, ok.phone)).toHaveLength(1);
});

test('50 concurrent uploads of the same payment file pay once: one SMS, one event, one reference', async () => {
  const d = await finishedDuty(3);
  await admin(`/claims/${d.claimId}/approve`, { body: {} });
  const csv = `claim_id,mpesa_ref,amount_kes\n${d.claimId},QPAY123456,4500\n`;
  const results = await Promise.all(Array.from({ length: 50 }, () => admin('/claims/payments', { csv })));
  expect(results.filter((r) => r.status === 200)).toEqual([
    { status: 200, body: { paid: 1 }, text: '{"paid":1}' },
  ]);
  const refused = results.filter((r) => r.status === 400);
  expect(refused).toHaveLength(49);
  expect(refused[0]?.body.errors).toEqual([`line 2: claim ${d.claimId} is paid already (QPAY123456)`]);
  expect(await app.db('claims').where({ id: d.claimId }).first('status', 'mpesa_ref')).toEqual({
    status: 'paid',
    mpesa_ref: 'QPAY123456',
  });
  expect(
    await app.db('duty_events').where({ subject: `claim:${d.claimId}`, kind: 'claim.paid' }),
  ).toHaveLength(1);
  const messages = await waitForSms(app.url, d.phone, 2);
  await new Promise((r) => setTimeout(r, 200));
  expect((await inbox(app.url, d.phone)).map((m) => m.text)).toEqual([
    messages[0]?.text,
    `CP2: KES 4,500 for Invigilator at Alpha School was paid to M-Pesa ${'0' + d.phone.slice(4, 7)} ${d.phone.slice(7, 10)} ${d.phone.slice(10)}. Ref QPAY123456.`,
  ]);
  // The M-Pesa number is not kept in the outbox once the SMS is sent (it is encrypted at rest).
  const row = await app
    .db('outbound_sms')
    .where({ to_phone: d.phone, template: 'sms.claimPaid' })
    .first('params');
  expect(row.params.mpesa).toBeUndefined();
  // And the same reference cannot pay another claim.
  const other = await finishedDuty(1);
  await admin(`/claims/${other.claimId}/approve`, { body: {} });
  const reused = await admin('/claims/payments', {
    csv: `claim_id,mpesa_ref,amount_kes\n${other.claimId},QPAY123456,1500\n`,
  });
  expect(reused.body.errors).toEqual([`line 2: mpesa_ref QPAY123456 already paid claim ${d.claimId}`]);
});

test('PAY / MALIPO: the claims with their status in one SMS; none yet said so', async () => {
  const d = await finishedDuty(2);
  await admin(`/claims/${d.claimId}/approve`, { body: {} });
  await waitForSms(app.url, d.phone, 1);
  await textShortCode(app.url, d.phone, 'pay');
  const [, reply] = await waitForSms(app.url, d.phone, 2);
  expect(reply?.text).toBe('CP2 payments: KCSE Invigilator: KES 3,000 approved.');
  const fresh = await teacherWithDuty(app.db, fx, {
    vacancy: 'kpsea',
    from: today(app, 5),
    to: today(app, 6),
    lang: 'sw',
  });
  await textShortCode(app.url, fresh.phone, 'MALIPO');
  const [none] = await waitForSms(app.url, fresh.phone, 1);
  expect(none?.text).toBe(
    'CP2: huna madai ya malipo bado. Dai hufanywa baada ya siku ya mwisho ya zamu. Piga *384*22262# kwa Zamu zangu.',
  );
});

test('the domain refuses a rejection reason over 60 and an answer over 280 characters, as the HTTP schemas do', async () => {
  const d = await finishedDuty(1);
  const claims = createClaims(app.db, { cipher: openFieldCipher(app.config, createLogger('silent')) });
  expect(await claims.reject(d.claimId, 'x'.repeat(61), 'admin:ops')).toEqual({
    id: d.claimId,
    result: 'invalidReason',
    max: 60,
  });
  expect(await claims.reject(d.claimId, ' ', 'admin:ops')).toMatchObject({ result: 'invalidReason' });
  expect(await app.db('claims').where({ id: d.claimId }).first('status')).toEqual({ status: 'pending' });
  expect((await admin(`/claims/${d.claimId}/reject`, { body: { reason: 'x'.repeat(61) } })).status).toBe(400);
  expect(await claims.reject(d.claimId, 'x'.repeat(60), 'admin:ops')).toMatchObject({ result: 'rejected' });

  const queries = createQueries(app.db);
  expect(await queries.answer(999999999, 'A'.repeat(281), 'admin:ops')).toEqual({
    id: 999999999,
    result: 'invalid',
    max: 280,
  });
  expect(await queries.answer(999999999, '\u0007', 'admin:ops')).toMatchObject({ result: 'invalid' });
});

test('queries by SMS: a reference by SMS, refused when too long, too short or empty; answered once, at most two segments', async () => {
  const t = await teacherWithDuty(app.db, fx, { vacancy: 'kpsea', from: today(app, 5), to: today(app, 6) });
  await textShortCode(app.url, t.phone, 'QUERY');
  // Fewer than QUERY_MIN (3) characters, as USSD refuses them: the same reply as an empty query.
  await textShortCode(app.url, t.phone, 'QUERY ok');
  await textShortCode(app.url, t.phone, `QUERY ${'x'.repeat(141)}`);
  await textShortCode(app.url, t.phone, 'Query: when is the KPSEA briefing?');
  const q = await app.db('queries').where({ account_id: t.accountId }).first('id', 'text', 'topic');
  expect(q).toMatchObject({ text: 'when is the KPSEA briefing?', topic: 'other' });
  const usage =
    'CP2: to send a query, SMS QUERY and your question, up to 140 characters, e.g. QUERY When will I be paid?';
  const texts = (await waitForSms(app.url, t.phone, 4)).map((m) => m.text);
  expect(texts).toEqual([
    usage,
    usage,
    'CP2: your query is longer than 140 characters and was not sent. Shorten it and SMS QUERY again.',
    `CP2: your query Q${q.id} was received. The answer will come by SMS.`,
  ]);
  const asked = await app.db('queries').where({ account_id: t.accountId }).count({ n: '*' }).first();
  expect(Number(asked?.n)).toBe(1);
  const metrics = await (await fetch(`${app.url}/metrics`)).text();
  expect(metrics).toMatch(/^queries_open [1-9]\d*$/m);
  expect(metrics).toMatch(/^queries_oldest_open_seconds \d/m);

  expect((await admin(`/queries/${q.id}/answer`, { body: { text: 'A'.repeat(281) } })).status).toBe(400);
  const long = await admin(`/queries/${q.id}/answer`, { body: { text: 'A'.repeat(280) } });
  expect(long).toMatchObject({ status: 400, body: { result: 'tooLong' } });
  const answer = 'On Monday at 9:00, at the sub-county office.';
  expect(await admin(`/queries/${q.id}/answer`, { body: { text: answer } })).toMatchObject({ status: 200 });
  expect((await admin(`/queries/${q.id}/answer`, { body: { text: 'again' } })).status).toBe(409);
  expect((await admin('/queries/999999999/answer', { body: { text: 'x' } })).status).toBe(404);
  const all = await waitForSms(app.url, t.phone, 5);
  expect(all[4]?.text).toBe(`CP2 answer to your query Q${q.id}: ${answer}`);
  expect(await app.db('queries').where({ id: q.id }).first('status', 'answer')).toEqual({
    status: 'answered',
    answer,
  });
  const answered = (await admin('/queries?status=answered')).body.queries as Json[];
  expect(answered.map((x) => x.id)).toContain(q.id);

  // In Kiswahili, SWALI.
  const sw = await teacherWithDuty(app.db, fx, {
    vacancy: 'kpsea',
    from: today(app, 5),
    to: today(app, 6),
    lang: 'sw',
  });
  await textShortCode(app.url, sw.phone, 'swali Nitalipwa lini?');
  const qs = await app.db('queries').where({ account_id: sw.accountId }).first('id');
  expect((await waitForSms(app.url, sw.phone, 1))[0]?.text).toBe(
    `CP2: swali lako Q${qs.id} limepokelewa. Jibu litakuja kwa SMS.`,
  );
});

test('the operator routes are in the OpenAPI document', async () => {
  const doc = (await admin('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  for (const [path, method] of [
    ['/admin/attendance-codes', 'get'],
    ['/admin/attendance', 'get'],
    ['/admin/exports/attendance.csv', 'get'],
    ['/admin/rates/import', 'post'],
    ['/admin/claims', 'get'],
    ['/admin/claims/{id}/approve', 'post'],
    ['/admin/claims/{id}/reject', 'post'],
    ['/admin/claims/payments', 'post'],
    ['/admin/queries', 'get'],
    ['/admin/queries/{id}/answer', 'post'],
  ] as const) {
    expect({ path, method, documented: Boolean(doc.paths[path]?.[method]) }).toEqual({
      path,
      method,
      documented: true,
    });
  }
  expect((await fetch(`${app.url}/admin/claims`)).status).toBe(401);
});
