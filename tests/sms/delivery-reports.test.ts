// AT delivery reports through real HTTP (POST /sms/delivery, form-encoded as AT sends them) against the
// real service with the simulator gateway, whose message ids ("SIM-...") stand in for AT's.
import { AT_DELIVERY_STATUSES } from '../../src/domain/delivery-reports';
import { createOutboxStore, enqueueSms } from '../../src/domain/outbox';
import { migrations } from '../../migrations';
import { freshDatabase } from '../support/databases';
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

test('a repeated report is answered 200 every time, stored once, and changes nothing the second time', async () => {
  const m = await sentMessage();
  const fields = { id: m.providerId, status: 'Success', phoneNumber: m.phone, networkCode: '63902' };
  expect(await report(fields)).toEqual({ status: 200, text: 'OK' });
  const delivered = await outbox(m.id);
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 5; i++)
    expect(await report({ ...fields, retryCount: String(i) })).toEqual({ status: 200, text: 'OK' });
  expect(await reportsFor(m.providerId)).toHaveLength(1);
  expect((await outbox(m.id)).delivered_at?.getTime()).toBe(delivered.delivered_at?.getTime());
});

test('copies of one report arriving together are stored once', async () => {
  const m = await sentMessage();
  const answers = await Promise.all(
    Array.from({ length: 10 }, () => report({ id: m.providerId, status: 'Buffered' })),
  );
  expect(answers.every((a) => a.status === 200)).toBe(true);
  expect(await reportsFor(m.providerId)).toHaveLength(1);
  expect((await outbox(m.id)).delivery_status).toBe('Buffered');
});

test('a status AT does not document is answered 200, stored once for inspection and logged, never applied', async () => {
  const m = await sentMessage();
  expect((await report({ id: m.providerId, status: 'Buffered' })).status).toBe(200);
  for (const status of ['Delivered', 'success', 'Delivered']) {
    expect(await report({ id: m.providerId, status })).toEqual({ status: 200, text: 'OK' });
  }
  expect((await outbox(m.id)).delivery_status).toBe('Buffered');
  const kept = await reportsFor(m.providerId);
  expect(kept.map((r) => [r.status, r.applied])).toEqual([
    ['Buffered', true],
    ['Delivered', false],
    ['success', false],
  ]);
  expect(
    app.logs.some(
      (l) => l.includes(m.providerId) && l.includes('delivery report with a status AT does not document'),
    ),
  ).toBe(true);
});

test('an undocumented status that arrived before the send result is not applied when the id is stored', async () => {
  const providerId = `ATXid_unknown_${Date.now()}`;
  expect((await report({ id: providerId, status: 'Buffered' })).status).toBe(200);
  expect((await report({ id: providerId, status: 'Teleported' })).status).toBe(200);
  const id = await app.db.transaction(async (trx) => {
    const newId = await enqueueSms(trx, {
      to: '+254712345679',
      template: 'sms.help',
      lang: 'en',
      params: {},
    });
    await trx('outbound_sms')
      .where({ id: newId })
      .update({ status: 'sending', attempts: 1, claimed_until: trx.raw(`now() + interval '1 hour'`) });
    return newId;
  });
  await createOutboxStore(app.db).markSent({ id, attempts: 1 }, providerId, 'Success');
  expect((await outbox(id)).delivery_status).toBe('Buffered');
  expect((await reportsFor(providerId)).map((r) => [r.status, r.applied])).toEqual([
    ['Buffered', true],
    ['Teleported', false],
  ]);
});

test.each(
  Object.keys(AT_DELIVERY_STATUSES).filter(
    (s) => AT_DELIVERY_STATUSES[s as keyof typeof AT_DELIVERY_STATUSES].final,
  ),
)('%s is final: neither a late intermediate nor another final report replaces it', async (final) => {
  const m = await sentMessage();
  expect((await report({ id: m.providerId, status: final, failureReason: 'X' })).status).toBe(200);
  const first = await outbox(m.id);
  expect(first.delivery_status).toBe(final);
  for (const late of ['Sent', 'Buffered', final === 'Success' ? 'Failed' : 'Success']) {
    expect((await report({ id: m.providerId, status: late })).status).toBe(200);
  }
  const after = await outbox(m.id);
  expect(after).toMatchObject({ delivery_status: final, failure_reason: 'X' });
  expect(after.delivered_at?.getTime()).toBe(first.delivered_at?.getTime());
});

test('the migration merges the copies already stored: one row per (id, status), applied if any copy was', async () => {
  const database = await freshDatabase();
  const migration = migrations['20261201_001_delivery_reports_once'];
  try {
    await migration?.down?.(database.db);
    const copy = (status: string, applied: boolean) => ({
      provider_message_id: 'ATXid_203',
      status,
      payload: { id: 'ATXid_203', status },
      applied,
    });
    await database
      .db('sms_delivery_reports')
      .insert([
        ...Array.from({ length: 200 }, () => copy('Success', false)),
        copy('Success', true),
        copy('Sent', false),
        copy('Sent', false),
      ]);
    await migration?.up(database.db);
    const rows = (await database
      .db('sms_delivery_reports')
      .where({ provider_message_id: 'ATXid_203' })
      .orderBy('id')) as ReportRow[];
    expect(rows.map((r) => [r.status, r.applied])).toEqual([
      ['Success', true],
      ['Sent', false],
    ]);
    await expect(database.db('sms_delivery_reports').insert(copy('Sent', false))).rejects.toThrow(/unique/);
  } finally {
    await database.drop();
  }
});
