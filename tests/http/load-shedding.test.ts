// Load shedding on POST /ussd, through real HTTP on the real service: past SHED_MAX_IN_FLIGHT hops in
// flight, or while the event loop lags past SHED_MAX_LAG_MS, a hop is answered at once with a short
// bilingual "busy" END and Retry-After, and counted in ussd_hops_shed_total; at a normal load nothing is
// shed and bad bodies are refused as before.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { gsm7Length, isGsm7 } from '../../src/domain/gsm7';
import { SHED_ANSWER } from '../../src/http/middleware/load-shedding';
import { startTestApp, type TestApp } from '../support/test-app';
import { randomPhone } from '../support/ussd-phone';

const BUSY =
  'END Sorry, the service is busy. Please try again in a minute. / ' +
  'Samahani, huduma ina watumiaji wengi sasa. Jaribu tena baada ya dakika moja.';

type Answer = { status: number; text: string; retryAfter: string | null };

async function hop(
  app: TestApp,
  text = '',
  sessionId = randomUUID(),
  phone = randomPhone(),
  query = '',
): Promise<Answer> {
  const res = await fetch(`${app.url}/ussd${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      sessionId,
      serviceCode: '*384*22262#',
      phoneNumber: phone,
      networkCode: '63902',
      text,
    }).toString(),
  });
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
}

/** ussd_hops_shed_total by reason, as a scrape shows it. */
async function shedCount(app: TestApp, reason: 'in_flight' | 'lag'): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`ussd_hops_shed_total{reason="${reason}"} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** Resolves once `n` queries of the app's database wait on a lock (held hops are in flight). */
async function untilWaitingOnLock(app: TestApp, n: number): Promise<void> {
  const until = Date.now() + 5000;
  for (;;) {
    const { rows } = await app.db.raw<{ rows: { n: number }[] }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if ((rows[0]?.n ?? 0) >= n) return;
    if (Date.now() > until) throw new Error(`expected ${n} hops waiting on the lock`);
    await sleep(10);
  }
}

test('the busy answer is the bilingual END, within one 160-character GSM-7 screen', () => {
  expect(SHED_ANSWER).toBe(BUSY);
  const screen = BUSY.slice('END '.length);
  expect(isGsm7(screen)).toBe(true);
  expect(gsm7Length(screen)).toBeLessThanOrEqual(160);
});

describe('past the limit of hops in flight', () => {
  let app: TestApp;
  let lock: Knex.Transaction | undefined;
  beforeAll(async () => {
    app = await startTestApp({ env: { SHED_MAX_IN_FLIGHT: '3', SHED_MAX_LAG_MS: '0' } });
  });
  afterEach(async () => {
    await lock?.rollback();
    lock = undefined;
  });
  afterAll(() => app.close());

  /** Holds every new session's first hop: the caller lookup waits on a lock on phone_preferences. */
  async function holdHops(): Promise<void> {
    lock = await app.db.transaction();
    await lock.raw('lock table phone_preferences in access exclusive mode');
  }

  test('extra hops are answered busy at once, with Retry-After, and counted; the held ones are then served', async () => {
    const before = await shedCount(app, 'in_flight');
    await holdHops();
    const held = [hop(app), hop(app), hop(app)];
    await untilWaitingOnLock(app, 3);

    const extra = await Promise.all([hop(app), hop(app), hop(app), hop(app)]);
    // Answered while the held hops still wait on the lock.
    for (const a of extra) expect(a).toEqual({ status: 200, text: BUSY, retryAfter: '60' });
    expect(await shedCount(app, 'in_flight')).toBe(before + 4);

    await lock?.commit();
    lock = undefined;
    for (const a of await Promise.all(held)) {
      expect(a.status).toBe(200);
      expect(a.text).toMatch(/^CON /);
    }
    // In flight is back to none: the next hop is served.
    expect((await hop(app)).text).toMatch(/^CON /);
    expect(await shedCount(app, 'in_flight')).toBe(before + 4);
  });

  test('while hops are shed, a body is not even read: an oversized one gets the busy answer too', async () => {
    await holdHops();
    const held = [hop(app), hop(app), hop(app)];
    await untilWaitingOnLock(app, 3);
    const res = await fetch(`${app.url}/ussd`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: 'x', padding: 'x'.repeat(20_000) }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(BUSY);
    await lock?.commit();
    lock = undefined;
    await Promise.all(held);
  });
});

describe('with WEBHOOK_TOKEN set', () => {
  let app: TestApp;
  let lock: Knex.Transaction | undefined;
  const TOKEN = 'webhook-secret-0123456789';
  beforeAll(async () => {
    app = await startTestApp({
      env: { SHED_MAX_IN_FLIGHT: '1', SHED_MAX_LAG_MS: '0', WEBHOOK_TOKEN: TOKEN },
    });
  });
  afterAll(async () => {
    await lock?.rollback();
    await app.close();
  });

  test('while shedding, a hop without the token is still refused 401; with it, answered busy', async () => {
    lock = await app.db.transaction();
    await lock.raw('lock table phone_preferences in access exclusive mode');
    const held = hop(app, '', randomUUID(), randomPhone(), `?token=${TOKEN}`);
    await untilWaitingOnLock(app, 1);
    const without = await hop(app);
    expect(without.status).toBe(401);
    const wrong = await hop(app, '', randomUUID(), randomPhone(), '?token=nope');
    expect(wrong.status).toBe(401);
    const withToken = await hop(app, '', randomUUID(), randomPhone(), `?token=${TOKEN}`);
    expect(withToken).toEqual({ status: 200, text: BUSY, retryAfter: '60' });
    await lock.commit();
    lock = undefined;
    expect((await held).text).toMatch(/^CON /);
  });
});

describe('at a normal load (default limits)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  test('nothing is shed: 10 callers at once, each through three screens', async () => {
    expect(app.config.shed).toEqual({ maxInFlight: 64, maxLagMs: 100 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const [sid, phone] = [randomUUID(), randomPhone()];
        const seen: string[] = [];
        for (const text of ['', '1', '1*1']) seen.push((await hop(app, text, sid, phone)).text);
        return seen;
      }),
    );
    for (const a of answers.flat()) expect(a).toMatch(/^(CON|END) /);
    expect(answers.flat().filter((a) => a === BUSY)).toEqual([]);
    expect(await shedCount(app, 'in_flight')).toBe(0);
    expect(await shedCount(app, 'lag')).toBe(0);
  });

  test('a bad body is refused as before: 400 END Bad request', async () => {
    const empty = await fetch(`${app.url}/ussd`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toBe('END Bad request');
    const big = await fetch(`${app.url}/ussd`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: 'x', padding: 'x'.repeat(20_000) }),
    });
    expect(big.status).toBe(400);
    expect(await big.text()).toBe('END Bad request');
  });
});

describe('while the event loop lags', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { SHED_MAX_IN_FLIGHT: '0', SHED_MAX_LAG_MS: '50' } });
  });
  afterAll(() => app.close());

  /** Keeps the process's event loop busy in blocks of `blockMs` until `done` says stop. */
  async function hog(done: () => boolean, blockMs = 120): Promise<void> {
    const until = Date.now() + 10_000;
    while (!done() && Date.now() < until) {
      const end = Date.now() + blockMs;
      while (Date.now() < end); // a saturated process: every turn of the loop takes this long
      await new Promise((r) => setImmediate(r));
    }
  }

  test('hops are answered busy and counted; once it recovers they are served', async () => {
    let finished = false;
    const hogging = hog(() => finished);
    await sleep(500); // several late ticks: the lag is sustained
    const answers = await Promise.all([hop(app), hop(app), hop(app)]).finally(() => (finished = true));
    await hogging;

    const busy = answers.filter((a) => a.text === BUSY);
    expect(busy.length).toBeGreaterThan(0);
    for (const a of busy) expect(a).toMatchObject({ status: 200, retryAfter: '60' });
    expect(await shedCount(app, 'lag')).toBe(busy.length);

    await sleep(200); // a few ticks on time
    expect((await hop(app)).text).toMatch(/^CON /);
    expect(await shedCount(app, 'lag')).toBe(busy.length);
  });
});
