// The outbox relay with several sends in flight (OUTBOX_CONCURRENCY, decision 0018), against a real
// database and a fake AT that holds each request for a while: every message is sent exactly once, the
// relay never has more sends in flight than its limit, a stop waits for them, and a relay killed mid-send
// re-sends at most its limit per kill.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { AtGateway } from '../../src/channels/sms/at-gateway';
import { DEFAULT_RELAY, OutboxRelay, type RelayOptions } from '../../src/channels/sms/outbox-relay';
import { createDb, type Db } from '../../src/db/knex';
import { createOutboxStore, enqueueSms } from '../../src/domain/outbox';
import { createMetrics, type Metrics } from '../../src/metrics';
import { freshDatabase } from '../support/databases';
import { reply, startFakeAt, type FakeAt } from '../support/fake-at';

const ROOT = path.resolve(__dirname, '../..');
const SENDER = '22262';

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
    timeoutMs: 5000,
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

function relayOn(on: Db, opts: Partial<RelayOptions>, metrics: Metrics = createMetrics()): OutboxRelay {
  return new OutboxRelay(createOutboxStore(on), gateway, pino({ level: 'silent' }), metrics, {
    ...DEFAULT_RELAY,
    sender: SENDER,
    pollMs: 20,
    ...opts,
  });
}

/** `count` credential SMS to distinct phones (+2547<prefix><n>), queued as account creation does. */
async function queue(count: number, prefix: string): Promise<string[]> {
  const numbers = Array.from({ length: count }, (_, i) => `2547${prefix}${String(i).padStart(4, '0')}`);
  for (const n of numbers) {
    await enqueueSms(db, {
      to: `+${n}`,
      template: 'sms.credentials',
      lang: 'en',
      params: { username: n, password: '482913', code: '*384*22262#', sms: SENDER },
    });
  }
  return numbers;
}

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

async function untilDrained(timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await outstanding()) > 0) {
    if (Date.now() > until) throw new Error(`outbox not drained: ${await outstanding()} left`);
    await sleep(25);
  }
}

const sentTimes = (numbers: string[]) =>
  numbers.map((n) => fake.requests.filter((r) => r.to === `+${n}`).length);

test('16 in flight: 300 messages through an AT taking 20 ms each are sent exactly once each, never more than 16 at a time', async () => {
  const numbers = await queue(300, '20');
  fake.respondByDefault(reply.success({ delayMs: 20 }));
  const metrics = createMetrics();
  const relay = relayOn(db, { concurrency: 16 }, metrics);
  relay.start();
  try {
    await untilDrained();
  } finally {
    await relay.stop();
  }

  expect(sentTimes(numbers).every((t) => t === 1)).toBe(true);
  expect(fake.requests).toHaveLength(300);
  // Several at once (one at a time would be 300 × 20 ms, one after the other), never over the limit.
  expect(fake.maxInFlight()).toBeGreaterThan(1);
  expect(fake.maxInFlight()).toBeLessThanOrEqual(16);
  const rows = (await db('outbound_sms').select('to_phone', 'status', 'attempts', 'provider_message_id')) as {
    to_phone: string;
    status: string;
    attempts: number;
    provider_message_id: string;
  }[];
  for (const r of rows) {
    expect(r).toMatchObject({ status: 'sent', attempts: 1 });
    expect(r.provider_message_id).toBe(fake.requests.find((q) => q.to === r.to_phone)?.messageId);
  }
  const sent = (await metrics.smsOutbound.get()).values.find((v) => v.labels.result === 'sent')?.value;
  expect(sent).toBe(300);
}, 60_000);

test('failures among concurrent sends are recorded per message: a retry goes back to pending, a refusal fails', async () => {
  const numbers = await queue(40, '21');
  fake.respondByDefault(reply.success({ delayMs: 10 }));
  // The first two requests to arrive fail; which messages they carry depends on the race.
  fake.respondWith(reply.http(503), reply.recipientFailure(406, 'UserInBlacklist'));
  const relay = relayOn(db, { concurrency: 8, backoffMs: [60_000, 60_000] });
  relay.start();
  try {
    const until = Date.now() + 20_000;
    while (
      (
        (await db('outbound_sms')
          .where({ status: 'sending' })
          .orWhere({ status: 'pending', attempts: 0 })
          .first(db.raw('count(*)::int as n'))) as { n: number }
      ).n > 0
    ) {
      if (Date.now() > until) throw new Error('not all attempted');
      await sleep(25);
    }
  } finally {
    await relay.stop();
  }
  const byStatus = (await db('outbound_sms').select('status').count('* as n').groupBy('status')) as {
    status: string;
    n: number;
  }[];
  expect(Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)]))).toEqual({
    sent: 38,
    pending: 1,
    failed: 1,
  });
  expect(sentTimes(numbers).every((t) => t === 1)).toBe(true);
});

test('two relays of 8 on two pools drain 200 messages and send each exactly once', async () => {
  const pools = [createDb(database.url), createDb(database.url)];
  const relays = pools.map((p) => relayOn(p, { concurrency: 8 }));
  try {
    const numbers = await queue(200, '22');
    fake.respondByDefault(reply.success({ delayMs: 15 }));
    for (const r of relays) r.start();
    await untilDrained();
    await Promise.all(relays.map((r) => r.stop()));
    expect(fake.requests).toHaveLength(200);
    expect(sentTimes(numbers).every((t) => t === 1)).toBe(true);
  } finally {
    await Promise.all(relays.map((r) => r.stop()));
    await Promise.all(pools.map((p) => p.destroy()));
  }
}, 60_000);

test('stop waits for the sends in flight: none is left claimed', async () => {
  await queue(6, '23');
  fake.respondByDefault(reply.success({ delayMs: 300 }));
  const relay = relayOn(db, { concurrency: 6 });
  relay.start();
  await fake.waitForRequests(6);
  await relay.stop();
  const statuses = (await db('outbound_sms').select('status')) as { status: string }[];
  expect(statuses.map((s) => s.status)).toEqual(Array(6).fill('sent'));
});

// AT has no idempotency key: what was in flight when a process died is sent again once its claim runs
// out. With 8 in flight, that is at most 8 per kill; nothing is lost.
test('8 in flight, killed 3 times mid-send while relaying 150 messages: none lost, at most 8 sent twice per kill', async () => {
  const KILLS = 3;
  const CONCURRENCY = 8;
  const numbers = await queue(150, '24');
  fake.respondByDefault(reply.success({ delayMs: 40 }));
  for (let kill = 0; kill < KILLS; kill++) {
    // Claims outlive any send here (40 ms), even on a loaded machine: only a kill re-sends.
    const child = spawnRelay(1500, CONCURRENCY);
    try {
      await child.untilRequests(fake.requests.length + 10 + kill * 7);
    } finally {
      await child.kill();
    }
  }
  const relay = relayOn(db, { concurrency: CONCURRENCY, visibilityMs: 1500 });
  relay.start();
  try {
    await untilDrained();
  } finally {
    await relay.stop();
  }
  const times = sentTimes(numbers);
  expect(times.filter((t) => t === 0)).toEqual([]);
  const duplicates = fake.requests.length - numbers.length;
  expect(duplicates).toBeLessThanOrEqual(KILLS * CONCURRENCY);
  const statuses = (await db('outbound_sms').select('status')) as { status: string }[];
  expect(statuses.map((r) => r.status)).toEqual(Array(numbers.length).fill('sent'));
}, 60_000);

/** One relay in a process of its own (tests/support/relay-child.ts), to be killed. */
function spawnRelay(visibilityMs: number, concurrency: number) {
  let output = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join('tests', 'support', 'relay-child.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      AT_SMS_URL: fake.smsUrl,
      VISIBILITY_MS: String(visibilityMs),
      AT_TIMEOUT_MS: '60000',
      CONCURRENCY: String(concurrency),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    untilRequests: async (count: number) => {
      await fake.waitForRequests(count, 15_000).catch((err: Error) => {
        throw new Error(`${err.message}; relay child output:\n${output}`);
      });
    },
    kill: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
