// The operator API runs on a pool of its own (src/resources.ts, ADMIN_POOL in src/db/knex.ts): however
// many exports or lists the operators start, USSD hops and the outbox relay keep their connections.
// Built as the process builds it (openResources → buildService), on the real hop deadline.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import { loadConfig } from '../../src/config';
import { ADMIN_POOL } from '../../src/db/knex';
import { createLogger } from '../../src/logger';
import { openResources, type Resources } from '../../src/resources';
import { buildService, type Service } from '../../src/service';
import { freshDatabase } from '../support/databases';
import { TEST_DATA_KEY } from '../support/test-app';

jest.setTimeout(60_000);

const TOKEN = 'ops-token-0123456789abcdef';
const EXPORTS = 12; // more than the USSD pool's 10 connections, let alone the admin pool's 4

let database: Awaited<ReturnType<typeof freshDatabase>>;
let resources: Resources;
let service: Service;
let server: Server;
let url: string;

beforeAll(async () => {
  database = await freshDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    SMS_GATEWAY: 'simulator',
    ADMIN_TOKENS: `ops:${TOKEN}`,
    LOG_LEVEL: 'silent',
    OUTBOX_POLL_MS: '25',
    DATA_KEY: TEST_DATA_KEY,
  });
  const log = createLogger('silent');
  resources = await openResources(config, log);
  service = buildService(config, resources, log);
  server = await new Promise((resolve) => {
    const s = service.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  service.relay.start();
});

afterAll(async () => {
  await service.relay.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await resources.close();
  await database.drop();
});

async function adminWaitingOnLock(db: Knex): Promise<number> {
  const { rows } = await db.raw<{ rows: { n: number }[] }>(
    `select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = ? and wait_event_type = 'Lock'`,
    [ADMIN_POOL.applicationName as string],
  );
  return rows[0]?.n ?? 0;
}

test('with every admin connection stuck in an export, a USSD dial and an SMS reply still go through', async () => {
  // Exports that cannot finish: the profiles table is locked by this test until the end.
  const locker = await database.db.transaction();
  await locker.raw('lock table profiles in access exclusive mode');
  const aborts = Array.from({ length: EXPORTS }, () => new AbortController());
  const exports = aborts.map((a) =>
    fetch(`${url}/admin/exports/profiles.csv`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: a.signal,
    })
      .then((r) => r.text())
      .catch(() => undefined),
  );
  try {
    // The admin pool is full (and no fuller: its own limit), every connection waiting on the lock.
    for (let i = 0; i < 200 && (await adminWaitingOnLock(database.db)) < (ADMIN_POOL.max as number); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await adminWaitingOnLock(database.db)).toBe(ADMIN_POOL.max);

    const dial = await fetch(`${url}/ussd`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'sessionId=iso-1&serviceCode=*384*22262%23&phoneNumber=%2B254711000042&networkCode=63902&text=',
    });
    expect(await dial.text()).toMatch(/^CON Welcome to CP2/);

    // The relay sends the HELP reply through the USSD/outbox pool too.
    const inbound = await fetch(`${url}/sms/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'from=%2B254711000042&to=22262&text=HELP&date=2026-12-01&id=iso-sms-1',
    });
    expect(inbound.status).toBe(200);
    let messages: unknown[] = [];
    for (let i = 0; i < 100 && messages.length === 0; i++) {
      const res = await fetch(`${url}/simulator/messages?to=%2B254711000042`);
      messages = ((await res.json()) as { messages: unknown[] }).messages;
      if (messages.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(messages).toHaveLength(1);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  } finally {
    aborts.forEach((a) => a.abort());
    await locker.rollback();
    await Promise.all(exports);
  }
});
