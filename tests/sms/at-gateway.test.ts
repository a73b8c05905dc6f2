// The AT gateway against a fake AT server, through our own client of AT's SMS API: every class of
// answer AT (or the network) can give maps to the SendResult the outbox relay acts on.
import { AtGateway } from '../../src/channels/sms/at-gateway';
import { AT_LIVE_SMS_URL, AT_SANDBOX_SMS_URL } from '../../src/channels/sms/at-sms-client';
import type { SendResult } from '../../src/channels/sms/gateway';
import { refusingUrl, reply, startFakeAt, type FakeAt, type FakeReply } from '../support/fake-at';

const TIMEOUT_MS = 300;
const API_KEY = 'atsk_test_0123456789abcdef';
const TO = '+254712345678';
const SENDER = '22262';
// A message with a secret in it: no error string may carry it.
const TEXT = 'CP2 account created. Username: 254712345678 Password: 482913 Dial *384*22262# to log in.';

let fake: FakeAt;
beforeAll(async () => {
  fake = await startFakeAt();
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

/** A gateway per test, pointed at the fake (or at `smsUrl`). */
function gateway(smsUrl = fake.smsUrl): AtGateway {
  return new AtGateway({ username: 'cp2council', apiKey: API_KEY, timeoutMs: TIMEOUT_MS, smsUrl });
}

const send = (g = gateway()) => g.send({ to: TO, from: SENDER, text: TEXT });

const stillWaitingAfter = (ms: number) =>
  new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms));

function expectNoSecret(result: SendResult): void {
  const error = 'error' in result ? result.error : '';
  expect(error).not.toContain('482913');
  expect(error).not.toContain('Password');
  expect(error).not.toContain(API_KEY);
}

test('the request is a form POST to the SMS URL with username, to (E.164), message, from, the apikey header and Accept JSON', async () => {
  const result = await send();
  expect(result.kind).toBe('sent');
  expect(fake.requests).toHaveLength(1);
  const [req] = fake.requests;
  expect(req).toMatchObject({
    method: 'POST',
    path: '/version1/messaging',
    apikey: API_KEY,
    username: 'cp2council',
    to: TO,
    message: TEXT,
    from: SENDER,
  });
  expect(req?.contentType).toContain('application/x-www-form-urlencoded');
  expect(req?.accept).toBe('application/json');
  // What AT's own package sent with every message (the sender's account pays); no enqueue for one SMS.
  expect(req?.form).toEqual({
    username: 'cp2council',
    to: TO,
    message: TEXT,
    from: SENDER,
    bulkSMSMode: '1',
  });
  // The key travels in the header only, never in the form.
  expect(JSON.stringify(req?.form)).not.toContain(API_KEY);
});

describe('accepted recipient status codes are sent, with the AT message id', () => {
  test.each([
    [100, 'Processed'],
    [101, 'Success'],
    [102, 'Queued'],
  ] as const)('%i %s → sent', async (statusCode, status) => {
    const messageId = `ATXid_${statusCode}_abc`;
    fake.respondWith(reply.success({ statusCode, status, messageId }));
    await expect(send()).resolves.toEqual({
      kind: 'sent',
      providerMessageId: messageId,
      providerStatus: status,
    });
  });
});

describe('rejected recipients (AT 401-409) are permanent failures', () => {
  test.each([
    [401, 'RiskHold'],
    [402, 'InvalidSenderId'],
    [403, 'InvalidPhoneNumber'],
    [404, 'UnsupportedNumberType'],
    [405, 'InsufficientBalance'],
    [406, 'UserInBlacklist'],
    [407, 'CouldNotRoute'],
    [409, 'DoNotDisturbRejection'],
  ])('%i %s → permanent', async (statusCode, status) => {
    fake.respondWith(reply.recipientFailure(statusCode, status));
    const result = await send();
    expect(result).toEqual({
      kind: 'permanent',
      error: `AT ${statusCode} ${status}`,
      providerStatus: status,
    });
    expectNoSecret(result);
  });
});

type Case = [name: string, reply: FakeReply, error: RegExp];
describe('failures worth another attempt are retried', () => {
  test.each<Case>([
    ['recipient 500 InternalServerError', reply.recipientFailure(500, 'InternalServerError'), /^AT 500 /],
    ['recipient 501 GatewayError', reply.recipientFailure(501, 'GatewayError'), /^AT 501 GatewayError$/],
    ['recipient 502 RejectedByGateway', reply.recipientFailure(502, 'RejectedByGateway'), /^AT 502 /],
    ['HTTP 500 (its body echoes the request)', reply.http(500), /HTTP 500/],
    ['HTTP 503', reply.http(503), /HTTP 503/],
    ['201 with an empty Recipients list', reply.emptyRecipients('InvalidSenderId'), /no recipient/],
    [
      'connection closed without an answer',
      reply.close(),
      /^network error: .*(other side closed|ECONNRESET)/,
    ],
    ['HTTP 401 (a wrong API key: retried once an operator fixes it)', reply.http(401), /^HTTP 401$/],
    ['HTTP 200 (AT answers 201 when it took the request)', reply.json(200, {}), /^HTTP 200$/],
    ['201 whose body is not JSON', reply.http(201, '<html>busy</html>'), /not an AT SMS response/],
    [
      '201 whose recipients are not as documented',
      reply.json(201, { SMSMessageData: { Message: 'x', Recipients: [{ statusCode: '101' }] } }),
      /not an AT SMS response/,
    ],
  ])('%s → retry', async (_name, r, error) => {
    fake.respondWith(r);
    const result = await send();
    expect(result.kind).toBe('retry');
    expect('error' in result && result.error).toMatch(error);
    expectNoSecret(result);
    expect(fake.requests).toHaveLength(1);
  });

  test('an HTTP error whose body carries the message text does not leak it into the error', async () => {
    fake.respondWith(reply.http(500, `could not send "${TEXT}" to ${TO}`));
    const result = await send();
    expect(result.kind).toBe('retry');
    expectNoSecret(result);
  });

  test('AT that never answers: retry once timeoutMs has passed, not later', async () => {
    fake.respondWith(reply.hang());
    const started = Date.now();
    const result = await Promise.race([send(), stillWaitingAfter(1500)]);
    const took = Date.now() - started;
    if (result === 'still waiting') throw new Error('send still waiting 1.5 s after a 300 ms timeout');
    expect(result.kind).toBe('retry');
    expect('error' in result && result.error).toBe(`timeout after ${TIMEOUT_MS} ms`);
    expectNoSecret(result);
    expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(took).toBeLessThan(1500);
  });

  test('connection refused → retry', async () => {
    const result = await send(gateway(await refusingUrl()));
    expect(result.kind).toBe('retry');
    expect('error' in result && result.error).toMatch(/^network error: ECONNREFUSED/);
    expectNoSecret(result);
  });
});

// An idle timer (axios' `timeout`) would not fire while bytes keep coming: an answer that sends its
// headers and then trickles the body would hold `send` (and the relay) far past timeoutMs. The deadline
// covers the whole exchange.
test('a response that starts and then trickles is cut off at timeoutMs too', async () => {
  fake.respondWith(reply.trickle(50));
  const started = Date.now();
  const result = await Promise.race([send(), stillWaitingAfter(1000)]);
  fake.reset(); // ends the trickle, so a send still waiting finishes
  expect(result).toEqual({ kind: 'retry', error: `timeout after ${TIMEOUT_MS} ms` });
  expect(Date.now() - started).toBeLessThan(1000);
});

test('a slow answer within the deadline is sent', async () => {
  fake.respondWith(reply.success({ delayMs: TIMEOUT_MS / 3, messageId: 'ATXid_slow' }));
  await expect(send()).resolves.toMatchObject({ kind: 'sent', providerMessageId: 'ATXid_slow' });
});

test('a number that is not E.164 is a permanent failure without any request', async () => {
  const result = await gateway().send({ to: '+2547', from: SENDER, text: TEXT });
  expect(result).toEqual({ kind: 'permanent', error: 'recipient is not an E.164 number' });
  expect(fake.requests).toHaveLength(0);
});

test('with several recipients in the answer, the one with our number decides', async () => {
  const recipient = (number: string, statusCode: number, status: string, messageId: string) => ({
    number,
    statusCode,
    status,
    messageId,
    cost: 'KES 0.8000',
  });
  fake.respondWith(
    reply.json(201, {
      SMSMessageData: {
        Message: 'Sent to 1/2',
        Recipients: [
          recipient('+254700000001', 406, 'UserInBlacklist', 'None'),
          recipient(TO, 101, 'Success', 'ATXid_mine'),
        ],
      },
    }),
  );
  await expect(send()).resolves.toEqual({
    kind: 'sent',
    providerMessageId: 'ATXid_mine',
    providerStatus: 'Success',
  });
});

describe('the host', () => {
  const at = (username: string, smsUrl?: string) =>
    new AtGateway({ username, apiKey: API_KEY, timeoutMs: TIMEOUT_MS, smsUrl }).url;

  test("AT's live API for an account, its sandbox for the username `sandbox`", () => {
    expect(at('cp2council')).toBe('https://api.africastalking.com/version1/messaging');
    expect(AT_LIVE_SMS_URL).toBe('https://api.africastalking.com/version1/messaging');
    expect(at('sandbox')).toBe('https://api.sandbox.africastalking.com/version1/messaging');
    expect(AT_SANDBOX_SMS_URL).toBe('https://api.sandbox.africastalking.com/version1/messaging');
  });

  test('a sandbox gateway does not move another gateway of the same process (the package did)', () => {
    const live = new AtGateway({ username: 'cp2council', apiKey: API_KEY, timeoutMs: TIMEOUT_MS });
    expect(at('sandbox')).toBe(AT_SANDBOX_SMS_URL);
    expect(live.url).toBe(AT_LIVE_SMS_URL);
  });

  test('AT_SMS_URL (smsUrl) wins over both', () => {
    expect(at('sandbox', fake.smsUrl)).toBe(fake.smsUrl);
    expect(at('cp2council', fake.smsUrl)).toBe(fake.smsUrl);
  });
});
