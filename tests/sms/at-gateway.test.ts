// The AT gateway against a fake AT server, through the real `africastalking` package: every class of
// answer AT (or the network) can give maps to the SendResult the outbox relay acts on.
import { AtGateway } from '../../src/channels/sms/at-gateway';
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

/** A gateway per test: its constructor is what points the package at the URL and sets the timeout. */
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

test('the request is a form POST to the SMS URL with username, to (E.164), message, from and the apikey header', async () => {
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
    ['connection closed without an answer', reply.close(), /socket hang up|ECONNRESET/],
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
    expect('error' in result && result.error).toMatch(/timeout|ECONNABORTED|ETIMEDOUT/);
    expectNoSecret(result);
    expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(took).toBeLessThan(1500);
  });

  test('connection refused → retry', async () => {
    const result = await send(gateway(await refusingUrl()));
    expect(result.kind).toBe('retry');
    expect('error' in result && result.error).toMatch(/ECONNREFUSED/);
    expectNoSecret(result);
  });
});

// axios' own `timeout` is an idle timer once the response has started: an answer that sends its headers
// and then trickles the body would hold `send` (and the relay's batch) far past timeoutMs. The gateway's
// hard deadline must cut it off too.
test('a response that starts and then trickles is cut off at timeoutMs too', async () => {
  fake.respondWith(reply.trickle(50));
  const started = Date.now();
  const result = await Promise.race([send(), stillWaitingAfter(1000)]);
  fake.reset(); // ends the trickle, so a send still waiting finishes
  expect(result).not.toBe('still waiting');
  expect(Date.now() - started).toBeLessThan(1000);
});

test('a number the package itself refuses is a permanent failure without any request', async () => {
  const result = await gateway().send({ to: '+2547', from: SENDER, text: TEXT });
  expect(result.kind).toBe('permanent');
  expectNoSecret(result);
  expect(fake.requests).toHaveLength(0);
});
