// AT delivery reports through real HTTP (POST /sms/delivery, form-encoded as AT sends them) against the
// real service with the simulator gateway, whose message ids ("SIM-...") stand in for AT's.
import { createOutboxStore, enqueueSms } from '../../src/domain/outbox';
import { waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone } from '../support/ussd-phone';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ store: 'memory' });
});
afterAll(() => app.close());

type OutboxRow = {
  id: number;
  status: string;
  provider_message_id: string | null;
  delivery_status: string | null;
  failure_reason: string | null;
  delivered_at: Date | null;
};
type ReportRow = {
  provider_message_id: string;
  status: string;
  failure_reason: string | null;
  payload: Record<string, unknown>;
  applied: boolean;
};

const outbox = async (id: number) => (await app.db('outbound_sms').where({ id }).first()) as OutboxRow;
const reportsFor = async (providerId: string) =>
  (await app
    .db('sms_delivery_reports')
    .where({ provider_message_id: providerId })
    .orderBy('id')) as ReportRow[];

async function waitUntilSent(id: number, timeoutMs = 5000): Promise<OutboxRow> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await outbox(id);
    if (r.status === 'sent') return r;
    if (Date.now() > until) throw new Error(`outbox message ${id} still ${r.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Queues an SMS and waits for the app's relay to send it; returns the row and the simulator's id. */
async function sentMessage(
  phone = randomPhone(),
): Promise<{ id: number; providerId: string; phone: string }> {
  const id = await enqueueSms(app.db, {
    to: phone,
    template: 'sms.help',
    lang: 'en',
    params: { code: '*384*22262#', sms: '22262' },
  });
  const row = await waitUntilSent(id);
  return { id, providerId: row.provider_message_id as string, phone };
}

async function post(body: string, contentType = 'application/x-www-form-urlencoded') {
  const res = await fetch(`${app.url}/sms/delivery`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** Posts a delivery report as AT does. */
function report(fields: Record<string, string>) {
  return post(new URLSearchParams(fields).toString());
}

test('a "Success" report for a message registered over USSD sets delivery_status and delivered_at', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dialFresh();
  await phone.choose('Create account');
  await phone.choose('Confirm');
  const [sms] = await waitForSms(app.url, phone.phoneNumber);
  const queued = (await app.db('outbound_sms').where({ to_phone: phone.phoneNumber }).first()) as OutboxRow;
  // The simulator has the SMS a moment before the relay has stored the result.
  const row = await waitUntilSent(queued.id);
  // The id the provider gave is the one its delivery reports will carry.
  expect(row.provider_message_id).toBe(sms?.id);
  expect(row.provider_message_id).toMatch(/^SIM-/);
  expect(row.delivery_status).toBeNull();

  const before = Date.now();
  const res = await report({
    id: row.provider_message_id as string,
    status: 'Success',
    phoneNumber: phone.phoneNumber,
    networkCode: '63902',
    retryCount: '0',
  });
  expect(res).toEqual({ status: 200, text: 'OK' });

  const after = await outbox(row.id);
  expect(after.delivery_status).toBe('Success');
  expect(after.failure_reason).toBeNull();
  expect(after.delivered_at).toBeInstanceOf(Date);
  expect(after.delivered_at!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  expect(after.delivered_at!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

  const [kept] = await reportsFor(row.provider_message_id as string);
  expect(kept).toMatchObject({ status: 'Success', applied: true, failure_reason: null });
  // What AT sent is kept, without the phone number.
  expect(kept?.payload).toEqual({
    id: row.provider_message_id,
    status: 'Success',
    networkCode: '63902',
    retryCount: 0,
  });
});

test('a "Failed" report keeps its failureReason and sets no delivered_at', async () => {
  const m = await sentMessage();
  const res = await report({
    id: m.providerId,
    status: 'Failed',
    phoneNumber: m.phone,
    networkCode: '63902',
    failureReason: 'UserInBlacklist',
    retryCount: '0',
  });
  expect(res.status).toBe(200);
  expect(await outbox(m.id)).toMatchObject({
    delivery_status: 'Failed',
    failure_reason: 'UserInBlacklist',
    delivered_at: null,
  });
  expect(await reportsFor(m.providerId)).toEqual([
    expect.objectContaining({ status: 'Failed', failure_reason: 'UserInBlacklist', applied: true }),
  ]);
});

test('intermediate reports are applied until a final one, and never replace a final one', async () => {
  const m = await sentMessage();
  expect((await report({ id: m.providerId, status: 'Submitted' })).status).toBe(200);
  expect((await outbox(m.id)).delivery_status).toBe('Submitted');
  expect((await report({ id: m.providerId, status: 'Buffered', retryCount: '1' })).status).toBe(200);
  expect((await outbox(m.id)).delivery_status).toBe('Buffered');

  expect((await report({ id: m.providerId, status: 'Success', networkCode: '63902' })).status).toBe(200);
  const delivered = await outbox(m.id);
  expect(delivered.delivery_status).toBe('Success');

  // A late "Sent" (reports can arrive out of order) changes nothing.
  expect((await report({ id: m.providerId, status: 'Sent', failureReason: 'DeliveryFailure' })).status).toBe(
    200,
  );
  const after = await outbox(m.id);
  expect(after.delivery_status).toBe('Success');
  expect(after.failure_reason).toBeNull();
  expect(after.delivered_at?.getTime()).toBe(delivered.delivered_at?.getTime());
  expect((await reportsFor(m.providerId)).map((r) => r.status)).toEqual([
    'Submitted',
    'Buffered',
    'Success',
    'Sent',
  ]);
});

test('a report for an unknown id is answered 200, kept unapplied, and applied once that id is stored', async () => {
  const providerId = `ATXid_early_${Date.now()}`;
  const res = await report({ id: providerId, status: 'Success', phoneNumber: '+254712345678' });
  expect(res).toEqual({ status: 200, text: 'OK' });
  expect(await reportsFor(providerId)).toEqual([
    expect.objectContaining({ status: 'Success', applied: false }),
  ]);
  expect(await app.db('outbound_sms').where({ provider_message_id: providerId }).first()).toBeUndefined();

  // The message it belongs to is mid-send (claimed, so the app's own relay leaves it alone) when the
  // report arrives: AT can report before the send result is stored.
  const id = await app.db.transaction(async (trx) => {
    const newId = await enqueueSms(trx, {
      to: '+254712345678',
      template: 'sms.help',
      lang: 'en',
      params: { code: '*384*22262#', sms: '22262' },
    });
    await trx('outbound_sms')
      .where({ id: newId })
      .update({ status: 'sending', attempts: 1, claimed_until: trx.raw(`now() + interval '1 hour'`) });
    return newId;
  });
  // A later, intermediate report for it arrives before the send result too.
  expect((await report({ id: providerId, status: 'Sent' })).status).toBe(200);

  await createOutboxStore(app.db).markSent({ id, attempts: 1 }, providerId, 'Success');

  const row = await outbox(id);
  expect(row).toMatchObject({ status: 'sent', provider_message_id: providerId, delivery_status: 'Success' });
  expect(row.delivered_at).toBeInstanceOf(Date);
  const kept = await reportsFor(providerId);
  expect(kept.map((r) => [r.status, r.applied])).toEqual([
    ['Success', true],
    ['Sent', true],
  ]);
});

describe('a malformed report is refused with 400, never a 500, and nothing is stored', () => {
  const form = (fields: Record<string, string | string[]>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) p.append(k, one);
    return p.toString();
  };
  const JSON_TYPE = 'application/json';
  const FORM_TYPE = 'application/x-www-form-urlencoded';
  test.each<[string, string, string]>([
    ['an empty body', '', FORM_TYPE],
    ['no id', form({ status: 'Success' }), FORM_TYPE],
    ['an empty id', form({ id: '', status: 'Success' }), FORM_TYPE],
    ['a blank id', form({ id: '   ', status: 'Success' }), FORM_TYPE],
    ['no status', form({ id: 'ATXid_x1' }), FORM_TYPE],
    ['an id longer than 64', form({ id: `ATXid_${'x'.repeat(59)}`, status: 'Success' }), FORM_TYPE],
    ['a status longer than 16', form({ id: 'ATXid_x2', status: 'S'.repeat(17) }), FORM_TYPE],
    [
      'a failureReason longer than 64',
      form({ id: 'ATXid_x3', status: 'Failed', failureReason: 'F'.repeat(65) }),
      FORM_TYPE,
    ],
    [
      'a phoneNumber longer than 32',
      form({ id: 'ATXid_x4', status: 'Success', phoneNumber: '7'.repeat(33) }),
      FORM_TYPE,
    ],
    ['a non-numeric retryCount', form({ id: 'ATXid_x5', status: 'Success', retryCount: 'abc' }), FORM_TYPE],
    ['a negative retryCount', form({ id: 'ATXid_x6', status: 'Success', retryCount: '-1' }), FORM_TYPE],
    ['a fractional retryCount', form({ id: 'ATXid_x7', status: 'Success', retryCount: '1.5' }), FORM_TYPE],
    ['the id given twice', form({ id: ['ATXid_x8', 'ATXid_x9'], status: 'Success' }), FORM_TYPE],
    ['JSON with a numeric id', JSON.stringify({ id: 123, status: 'Success' }), JSON_TYPE],
    ['a JSON array', JSON.stringify([{ id: 'ATXid_x10', status: 'Success' }]), JSON_TYPE],
    ['a JSON string', JSON.stringify('ATXid_x11'), JSON_TYPE],
    ['broken JSON', '{"id":"ATXid_x12","status":', JSON_TYPE],
  ])('%s → 400', async (_name, body, contentType) => {
    const before = await app.db('sms_delivery_reports').count<{ count: number }[]>('* as count');
    const res = await post(body, contentType);
    expect(res.status).toBe(400);
    expect(res.text).toBe('Bad request');
    const after = await app.db('sms_delivery_reports').count<{ count: number }[]>('* as count');
    expect(Number(after[0]?.count)).toBe(Number(before[0]?.count));
  });

  // PostgreSQL refuses a NUL (22021 invalid byte sequence): without the schema's check the webhook would
  // answer 500 and AT would keep resending the report.
  test.each<[string, Record<string, string>]>([
    ['a NUL in the id', { id: 'ATXid_\u0000', status: 'Success' }],
    ['a NUL in the status', { id: 'ATXid_x13', status: 'Succ\u0000ess' }],
    ['a NUL in the failureReason', { id: 'ATXid_x14', status: 'Failed', failureReason: 'User\u0000' }],
  ])('%s → 400', async (_name, fields) => {
    const res = await report(fields);
    expect(res.status).toBe(400);
  });
});
