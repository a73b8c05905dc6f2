// The inbound-SMS adapter alone, on a fake domain service (no database): what it hands the domain for
// AT's fields, that a refused body never reaches the domain, and what it counts. The whole path, with
// the database, is tests/webhooks/sms-inbound.test.ts and tests/journeys/sms-keywords.test.ts.
import pino from 'pino';
import { receiveInboundSms } from '../../src/channels/sms/inbound-sms';
import type { InboundResult, InboundSms, InboundSmsService } from '../../src/domain/inbound-sms';
import { createMetrics } from '../../src/metrics';

const log = pino({ level: 'silent' });

function fakeInbound(result: InboundResult = { kind: 'processed', keyword: 'HELP', outcome: 'help' }) {
  const received: InboundSms[] = [];
  const service: InboundSmsService = {
    receive: async (msg) => {
      received.push(msg);
      return result;
    },
  };
  return { service, received };
}

const body = (over: Record<string, unknown> = {}) => ({
  id: 'ATXid_1',
  from: '0712345678',
  to: '22262',
  text: 'Help\tplease',
  date: '2026-11-30T10:00:00.000Z',
  linkId: 'L1',
  networkCode: '63902',
  ...over,
});

async function count(metrics: ReturnType<typeof createMetrics>, keyword: string): Promise<number> {
  const { values } = await metrics.smsInbound.get();
  return values.find((v) => v.labels.keyword === keyword)?.value ?? 0;
}

test('AT fields become the domain message: sender normalised to E.164, typed text cleaned, date parsed', async () => {
  const { service, received } = fakeInbound();
  const metrics = createMetrics();
  const reply = await receiveInboundSms(body(), { inbound: service, metrics, log });
  expect(reply).toEqual({ status: 200, body: 'OK' });
  expect(received).toEqual([
    {
      providerId: 'ATXid_1',
      from: '0712345678',
      phone: '+254712345678',
      to: '22262',
      text: 'Help please',
      linkId: 'L1',
      networkCode: '63902',
      sentAt: new Date('2026-11-30T10:00:00.000Z'),
    },
  ]);
  expect(await count(metrics, 'HELP')).toBe(1);
});

test.each([
  ['not a date', 'yesterday'],
  ['a date Postgres cannot hold', '-271821-04-20T00:00:00.000Z'],
  ['before 2000', '1999-12-31T23:59:59.000Z'],
])('a `date` that is %s is passed on as unknown', async (_name, date) => {
  const { service, received } = fakeInbound();
  await receiveInboundSms(body({ date }), { inbound: service, metrics: createMetrics(), log });
  expect(received[0]?.sentAt).toBeNull();
});

test('a sender that is not a Kenyan mobile reaches the domain without a phone (recorded, not answered)', async () => {
  const { service, received } = fakeInbound({
    kind: 'processed',
    keyword: undefined,
    outcome: 'invalid_sender',
  });
  const metrics = createMetrics();
  await receiveInboundSms(body({ from: '+447700900123' }), { inbound: service, metrics, log });
  expect(received[0]).toMatchObject({ from: '+447700900123', phone: undefined });
  expect(await count(metrics, 'other')).toBe(1);
});

test('a repeated id is answered 200 and counted as a duplicate', async () => {
  const { service } = fakeInbound({ kind: 'duplicate' });
  const metrics = createMetrics();
  await expect(receiveInboundSms(body(), { inbound: service, metrics, log })).resolves.toEqual({
    status: 200,
    body: 'OK',
  });
  expect(await count(metrics, 'duplicate')).toBe(1);
});

test.each([
  ['no id', body({ id: undefined })],
  ['no from', body({ from: undefined })],
  ['a control character in the id', body({ id: 'ATX\u0000id' })],
  ['an array for a field', body({ to: ['22262', '22263'] })],
  ['no body', undefined],
])('%s: 400 and the domain is not called', async (_name, b) => {
  const { service, received } = fakeInbound();
  await expect(receiveInboundSms(b, { inbound: service, metrics: createMetrics(), log })).resolves.toEqual({
    status: 400,
    body: 'Bad request',
  });
  expect(received).toHaveLength(0);
});

test('a failure in the domain is not answered 200 (AT resends until it gets one)', async () => {
  const service: InboundSmsService = { receive: () => Promise.reject(new Error('database down')) };
  await expect(
    receiveInboundSms(body(), { inbound: service, metrics: createMetrics(), log }),
  ).rejects.toThrow('database down');
});
