// The outbox relay against a real database and a fake AT server, through the real AT gateway: what a
// send, a retry, a permanent failure and running out of attempts leave in the outbox; two relays draining
// one outbox; and a relay killed in the middle of a send.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { AtGateway } from '../../src/channels/sms/at-gateway';
import type { SendResult, SmsGateway } from '../../src/channels/sms/gateway';
import { DEFAULT_RELAY, OutboxRelay, type RelayOptions } from '../../src/channels/sms/outbox-relay';
import { createDb, type Db } from '../../src/db/knex';
import { createOutboxStore, enqueueSms, type SmsTemplate } from '../../src/domain/outbox';
import { createMetrics, type Metrics } from '../../src/metrics';
import { freshDatabase } from '../support/databases';
import { reply, startFakeAt, type FakeAt } from '../support/fake-at';

const ROOT = path.resolve(__dirname, '../..');
const SENDER = '22262';
const PASSWORD = '482913';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: Db;
let fake: FakeAt;
let gateway: AtGateway;

beforeAll(async () => {
  [database, fake] = await Promise.all([freshDatabase(), startFakeAt()]);
  db = database.db;
  gateway = new AtGateway({
    username: 'cp2council',
    apiKey: 'atsk_test',
    timeoutMs: 500,
    smsUrl: fake.smsUrl,
  });
});
beforeEach(async () => {
  fake.reset();
  await db('outbound_sms').del();
});
afterAll(async () => {
  await fake.close();
  await database.drop();
});

function relayOn(on: Db, opts: Partial<RelayOptions> = {}, metrics: Metrics = createMetrics()): OutboxRelay {
  return new OutboxRelay(createOutboxStore(on), gateway, pino({ level: 'silent' }), metrics, {
    ...DEFAULT_RELAY,
    sender: SENDER,
    pollMs: 20,
    backoffMs: [200, 400],
    ...opts,
  });
}

/** A credentials SMS as account creation queues it; the phone is +<username>. */
function queueCredentials(username = '254712345678', password = PASSWORD, on: Db = db): Promise<number> {
  return enqueueSms(on, {
    to: `+${username}`,
    template: 'sms.credentials',
    lang: 'en',
    params: { username, password, code: '*384*22262#', sms: SENDER },
  });
}

const TEXT =
  `CP2 account created. Username: 254712345678 Password: ${PASSWORD} Dial *384*22262# to log in. ` +
  'Keep your password secret.';

type Row = {
  id: number;
  status: string;
  attempts: number;
  params: Record<string, unknown>;
  provider_message_id: string | null;
  provider_status: string | null;
  last_error: string | null;
  next_attempt_at: Date;
  claimed_until: Date | null;
  sent_at: Date | null;
};
const row = async (id: number): Promise<Row> => (await db('outbound_sms').where({ id }).first()) as Row;

const counted = async (metrics: Metrics, result: string) =>
  (await metrics.smsOutbound.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

/** Sleeps until a message's next attempt is due (by the database's clock, which claims use). */
async function untilDue(id: number): Promise<void> {
  const r = (await db('outbound_sms')
    .where({ id })
    .first(db.raw('extract(epoch from next_attempt_at - now()) * 1000 as ms'))) as { ms: number };
  await sleep(Math.max(0, Number(r.ms)) + 20);
}

test('a sent message: status sent, the AT message id stored, the password gone from params (AT got it)', async () => {
  const metrics = createMetrics();
  const id = await queueCredentials();
  expect(await relayOn(db, {}, metrics).runOnce()).toBe(1);

  expect(fake.requests).toHaveLength(1);
  const [req] = fake.requests;
  expect(req).toMatchObject({ to: '+254712345678', from: SENDER, message: TEXT, apikey: 'atsk_test' });

  const r = await row(id);
  expect(r).toMatchObject({
    status: 'sent',
    attempts: 1,
    provider_message_id: req?.messageId,
    provider_status: 'Success',
    last_error: null,
    claimed_until: null,
  });
  expect(r.provider_message_id).toMatch(/^ATXid_/);
  expect(r.sent_at).toBeInstanceOf(Date);
  expect(r.params).toEqual({ username: '254712345678', code: '*384*22262#', sms: SENDER });
  expect(JSON.stringify(r)).not.toContain(PASSWORD);
  expect(await counted(metrics, 'sent')).toBe(1);
});

test('a retryable failure: back to pending, attempts 1, next attempt after the backoff ± 25%; sent later', async () => {
  const metrics = createMetrics();
  const relay = relayOn(db, { backoffMs: [200, 400] }, metrics);
  const id = await queueCredentials();
  fake.respondWith(reply.recipientFailure(500, 'InternalServerError'));

  const before = Date.now();
  expect(await relay.runOnce()).toBe(1);
  const after = Date.now();
  const r = await row(id);
  expect(r).toMatchObject({ status: 'pending', attempts: 1, last_error: 'AT 500 InternalServerError' });
  expect(r.claimed_until).toBeNull();
  // The password stays until the message is sent or given up: the retry needs it.
  expect(r.params.password).toBe(PASSWORD);
  expect(r.next_attempt_at.getTime()).toBeGreaterThanOrEqual(before + 150);
  expect(r.next_attempt_at.getTime()).toBeLessThanOrEqual(after + 250);
  expect(await counted(metrics, 'retry')).toBe(1);

  // Not before it is due.
  expect(await relay.runOnce()).toBe(0);
  expect(fake.requests).toHaveLength(1);

  await untilDue(id);
  expect(await relay.runOnce()).toBe(1);
  expect(fake.requests).toHaveLength(2);
  expect(fake.requests[1]?.message).toBe(TEXT);
  const sent = await row(id);
  expect(sent).toMatchObject({
    status: 'sent',
    attempts: 2,
    provider_message_id: fake.requests[1]?.messageId,
    last_error: null,
  });
  expect(sent.params.password).toBeUndefined();
});

test('the second retry waits the second backoff (± 25%)', async () => {
  const relay = relayOn(db, { backoffMs: [50, 400], maxAttempts: 3 });
  const id = await queueCredentials();
  fake.respondWith(reply.http(500), reply.http(500));
  await relay.runOnce();
  await untilDue(id);
  const before = Date.now();
  expect(await relay.runOnce()).toBe(1);
  const after = Date.now();
  const r = await row(id);
  expect(r).toMatchObject({ status: 'pending', attempts: 2 });
  expect(r.last_error).toMatch(/^HTTP 500/);
  expect(r.next_attempt_at.getTime()).toBeGreaterThanOrEqual(before + 300);
  expect(r.next_attempt_at.getTime()).toBeLessThanOrEqual(after + 500);
});

test('a permanent failure: failed at once, the password gone, never sent again', async () => {
  const metrics = createMetrics();
  const relay = relayOn(db, { backoffMs: [10, 10] }, metrics);
  const id = await queueCredentials();
  fake.respondWith(reply.recipientFailure(406, 'UserInBlacklist'));
  expect(await relay.runOnce()).toBe(1);

  const r = await row(id);
  expect(r).toMatchObject({
    status: 'failed',
    attempts: 1,
    last_error: 'AT 406 UserInBlacklist',
    provider_status: 'UserInBlacklist',
    provider_message_id: null,
    claimed_until: null,
  });
  expect(r.params).toEqual({ username: '254712345678', code: '*384*22262#', sms: SENDER });
  expect(await counted(metrics, 'failed')).toBe(1);

  await sleep(50);
  expect(await relay.runOnce()).toBe(0);
  expect(fake.requests).toHaveLength(1);
});

test('retryable failures until maxAttempts: failed after the last attempt, password gone', async () => {
  const metrics = createMetrics();
  const relay = relayOn(db, { maxAttempts: 3, backoffMs: [30, 60] }, metrics);
  const id = await queueCredentials();
  fake.respondByDefault(reply.http(503));

  for (const attempt of [1, 2]) {
    expect(await relay.runOnce()).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: attempt });
    await untilDue(id);
  }
  expect(await relay.runOnce()).toBe(1);
  const r = await row(id);
  expect(r).toMatchObject({ status: 'failed', attempts: 3, provider_status: null });
  expect(r.last_error).toMatch(/^HTTP 503/);
  expect(r.params.password).toBeUndefined();
  expect(fake.requests).toHaveLength(3);
  expect(await counted(metrics, 'retry')).toBe(2);
  expect(await counted(metrics, 'failed')).toBe(1);

  await sleep(100);
  expect(await relay.runOnce()).toBe(0);
  expect(fake.requests).toHaveLength(3);
});

test('an AT that does not answer within the timeout is a retry, not a stuck batch', async () => {
  const id = await queueCredentials();
  fake.respondWith(reply.hang());
  const started = Date.now();
  expect(await relayOn(db).runOnce()).toBe(1);
  expect(Date.now() - started).toBeLessThan(2000);
  const r = await row(id);
  expect(r).toMatchObject({ status: 'pending', attempts: 1 });
  expect(r.last_error).toMatch(/timeout/);
});

test('an unknown template is given up at once without a request', async () => {
  // A row written by an older release whose template was since removed (the type forbids it in code).
  const id = await enqueueSms(db, {
    to: '+254712345678',
    template: 'sms.noSuchTemplate' as SmsTemplate,
    lang: 'en',
  });
  expect(await relayOn(db).runOnce()).toBe(1);
  const r = await row(id);
  expect(r.status).toBe('failed');
  expect(r.last_error).toMatch(/^cannot render/);
  expect(fake.requests).toHaveLength(0);
});

test('two relays on two pools drain 50 messages together and send each exactly once', async () => {
  const pools = [createDb(database.url), createDb(database.url)];
  try {
    await Promise.all(pools.map((p) => p.raw('select 1')));
    const numbers = Array.from({ length: 50 }, (_, i) => `2547120000${String(i).padStart(2, '0')}`);
    for (const n of numbers) await queueCredentials(n);
    // A little latency per send, so the two relays' sends overlap.
    fake.respondByDefault(reply.success({ delayMs: 5 }));

    const relays = pools.map((p) => relayOn(p));
    const drain = async (r: OutboxRelay) => {
      let total = 0;
      for (let n = await r.runOnce(); n > 0; n = await r.runOnce()) total += n;
      return total;
    };
    const totals = await Promise.all(relays.map(drain));

    expect(totals[0]! + totals[1]!).toBe(50);
    expect(totals[0]).toBeGreaterThan(0);
    expect(totals[1]).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(50);
    for (const n of numbers) expect(fake.requests.filter((r) => r.to === `+${n}`)).toHaveLength(1);

    const rows = (await db('outbound_sms').orderBy('id')) as (Row & { to_phone: string })[];
    expect(rows).toHaveLength(50);
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'sent', attempts: 1 });
      expect(r.provider_message_id).toBe(fake.requests.find((q) => q.to === r.to_phone)?.messageId);
    }
  } finally {
    await Promise.all(pools.map((p) => p.destroy()));
  }
});

// A relay whose claim has expired (a send slower than visibilityMs) must not write its outcome over the
// work of the relay that took the message over (a message already sent would go back to 'pending' and be
// sent once more): the updates are fenced by the claim.
test('a relay whose claim expired mid-send does not overwrite the result of the relay that took over', async () => {
  const id = await queueCredentials();
  let finishSlowSend: (r: SendResult) => void = () => undefined;
  const slow: SmsGateway = {
    name: 'africastalking',
    send: () => new Promise<SendResult>((resolve) => (finishSlowSend = resolve)),
  };
  const stale = new OutboxRelay(createOutboxStore(db), slow, pino({ level: 'silent' }), createMetrics(), {
    ...DEFAULT_RELAY,
    sender: SENDER,
    pollMs: 20,
    visibilityMs: 200,
    backoffMs: [50, 50],
  });
  const staleRun = stale.runOnce();
  await sleep(300); // the stale relay's claim has expired; it is still waiting for its send

  expect(await relayOn(db, { visibilityMs: 200 }).runOnce()).toBe(1);
  expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });

  finishSlowSend({ kind: 'retry', error: 'timeout of 10000ms exceeded' });
  await staleRun;
  expect(await row(id)).toMatchObject({
    status: 'sent',
    attempts: 2,
    provider_message_id: fake.requests[0]?.messageId,
  });
});

test('a message whose claimer died is sent before the backlog of due messages', async () => {
  const backlog = [await queueCredentials('254712000001'), await queueCredentials('254712000002')];
  const orphan = await queueCredentials('254712000003');
  // As a relay that died mid-send leaves it: claimed, the claim run out.
  await db('outbound_sms')
    .where({ id: orphan })
    .update({ status: 'sending', attempts: 1, claimed_until: db.raw("now() - interval '1 second'") });

  const relay = relayOn(db);
  for (let i = 0; i < 3; i++) expect(await relay.runOnce()).toBe(1);
  expect(fake.requests.map((r) => r.to)).toEqual(['+254712000003', '+254712000001', '+254712000002']);
  expect(await row(orphan)).toMatchObject({ status: 'sent', attempts: 2 });
  for (const id of backlog) expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1 });
});

describe('a relay killed in the middle of a send', () => {
  let child: RelayChild | undefined;
  afterEach(() => child?.kill());

  test('the message stays claimed until the visibility timeout, then another relay sends it', async () => {
    const VISIBILITY_MS = 1500;
    const id = await queueCredentials();
    // The child's request hangs (its gateway timeout is 60 s); the next request succeeds.
    fake.respondWith(reply.hang());

    child = spawnRelay(VISIBILITY_MS);
    // The child has claimed the message and is mid-send once the fake holds its request.
    await child.untilRequests(1);
    expect(fake.requests[0]?.message).toBe(TEXT);
    await child.kill();

    const claimed = (await db('outbound_sms')
      .where({ id })
      .first('status', 'attempts', db.raw('claimed_until > now() as still_claimed'))) as {
      status: string;
      attempts: number;
      still_claimed: boolean;
    };
    expect(claimed).toEqual({ status: 'sending', attempts: 1, still_claimed: true });

    // Another relay does not take it while the dead relay's claim is honoured...
    const relay = relayOn(db, { visibilityMs: VISIBILITY_MS });
    expect(await relay.runOnce()).toBe(0);
    expect(fake.requests).toHaveLength(1);

    // ...and does once the visibility timeout has passed. AT may well have received (and delivered) the
    // first attempt before the process died: delivery is at-least-once, so the phone may get it twice.
    const wait = (await db('outbound_sms')
      .where({ id })
      .first(db.raw('extract(epoch from claimed_until - now()) * 1000 as ms'))) as { ms: number };
    await sleep(Math.max(0, Number(wait.ms)) + 50);
    expect(await relay.runOnce()).toBe(1);

    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]?.message).toBe(TEXT);
    const r = await row(id);
    expect(r).toMatchObject({
      status: 'sent',
      attempts: 2,
      provider_message_id: fake.requests[1]?.messageId,
      claimed_until: null,
    });
    expect(r.params.password).toBeUndefined();
  });

  // A crash can only repeat what was in flight: AT has no idempotency key, so a send AT took whose
  // result was not yet committed is sent again. One send in flight per relay bounds that to one message.
  test('killed 5 times mid-send while relaying 60 messages: none lost, at most one sent twice per kill', async () => {
    const KILLS = 5;
    const COUNT = 60;
    const numbers = Array.from({ length: COUNT }, (_, i) => `2547130000${String(i).padStart(2, '0')}`);
    for (const n of numbers) await queueCredentials(n);
    // Each send is held by AT for a moment, so a kill finds one in flight.
    fake.respondByDefault(reply.success({ delayMs: 40 }));

    for (let kill = 0; kill < KILLS; kill++) {
      child = spawnRelay(300);
      // A few sends into this relay's run (a different point each time), then the kill.
      await child.untilRequests(fake.requests.length + 2 + ((kill * 3) % 5));
      await child.kill();
    }

    // A relay that is left alone sends the rest, including what the dead relays held claimed.
    const relay = relayOn(db, { visibilityMs: 300 });
    const outstanding = async () =>
      Number(
        (
          (await db('outbound_sms')
            .whereIn('status', ['pending', 'sending'])
            .first(db.raw('count(*)::int as n'))) as {
            n: number;
          }
        ).n,
      );
    const until = Date.now() + 15_000;
    while ((await outstanding()) > 0 && Date.now() < until) {
      if ((await relay.runOnce()) === 0) await sleep(50);
    }

    const sentTo = (n: string) => fake.requests.filter((r) => r.to === `+${n}`).length;
    expect(numbers.filter((n) => sentTo(n) === 0)).toEqual([]);
    const duplicates = fake.requests.length - COUNT;
    expect(duplicates).toBeLessThanOrEqual(KILLS);
    const statuses = (await db('outbound_sms').select('status')) as { status: string }[];
    expect(statuses.map((r) => r.status)).toEqual(Array(COUNT).fill('sent'));
  }, 60_000);
});

type RelayChild = {
  /** Resolves once the fake AT has received `count` requests in all (the child is then mid-send). */
  untilRequests(count: number): Promise<void>;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
};

/** One relay in a process of its own (tests/support/relay-child.ts), to be killed. */
function spawnRelay(visibilityMs: number): RelayChild {
  let output = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join('tests', 'support', 'relay-child.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      AT_SMS_URL: fake.smsUrl,
      VISIBILITY_MS: String(visibilityMs),
      AT_TIMEOUT_MS: '60000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    proc.once('exit', (_code, signal) => resolve(signal)),
  );
  return {
    untilRequests: async (count) => {
      await fake.waitForRequests(count, 15_000).catch((err: Error) => {
        throw new Error(`${err.message}; relay child output:\n${output}`);
      });
    },
    kill: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    },
  };
}
