// Builds the real service for a test: a fresh database, the chosen session store, the Koa app listening
// on a random port. Tests talk to it over HTTP only.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config';
import { createDb, type Db } from '../../src/db/knex';
import type { UssdEngine } from '../../src/engine';
import { MemorySessionStore } from '../../src/engine/memory-session-store';
import { RedisSessionStore } from '../../src/engine/redis-session-store';
import type { SessionStore } from '../../src/engine/session-store';
import { createLogger } from '../../src/logger';
import type { OutboxRelay } from '../../src/channels/sms/outbox-relay';
import { serviceSecret } from '../../src/db/service-secrets';
import { buildService } from '../../src/service';
import type { Metrics } from '../../src/metrics';
import { freshDatabase } from './databases';
import { openFieldCipher } from '../../src/data-keys';
import { TEST_DATA_KEY } from './test-keys';

export type TestApp = {
  url: string;
  db: Db;
  /** The database's URL, for a second instance on the same database (`sameDatabaseAs`). */
  databaseUrl: string;
  store: SessionStore;
  config: Config;
  engine: UssdEngine;
  relay: OutboxRelay;
  metrics: Metrics;
  /** Every log line the app wrote, as text (to prove secrets never reach them). */
  logs: string[];
  /**
   * The clock the duty rules read (attendance days, claims, queries): the wall clock until a test moves
   * it. Time is moved, never waited for.
   */
  clock: TestClock;
  close: () => Promise<void>;
};

export { TEST_CIPHER, TEST_DATA_KEY } from './test-keys';

/** A clock that runs with the wall clock, `offsetMs` ahead of it. */
export type TestClock = { now: () => Date; advance: (ms: number) => void; offsetMs: number };

export function testClock(): TestClock {
  const clock: TestClock = {
    offsetMs: 0,
    now: () => new Date(Date.now() + clock.offsetMs),
    advance: (ms) => {
      clock.offsetMs += ms;
    },
  };
  return clock;
}

export const redisAvailable = Boolean(process.env.REDIS_URL);

/** `describe` for suites that need Redis: skipped, and said so, when no Redis is available. */
export const describeWithRedis: jest.Describe = redisAvailable
  ? describe
  : (Object.assign(
      (name: string) => describe.skip(`${name} [SKIPPED: no Redis]`, () => undefined),
      describe,
    ) as jest.Describe);

export async function startTestApp(
  opts: {
    store?: 'redis' | 'memory' | SessionStore;
    env?: Record<string, string>;
    relay?: boolean;
    /**
     * Another instance of the service on that app's database (its own pool, store connection and
     * relay), as a second process would be. Close it before the app that owns the database.
     */
    sameDatabaseAs?: TestApp;
  } = {},
): Promise<TestApp> {
  // The outbox is polled often so that tests see an SMS within moments of the change that queued it.
  // The hop deadline is generous: many test files share 2 cores, and only wrong behaviour should fail a
  // journey test (the deadline itself is tested with its own setting in tests/engine/failures.test.ts).
  const config = loadConfig({
    LOG_LEVEL: 'debug',
    OUTBOX_POLL_MS: '25',
    HOP_DEADLINE_MS: '8000',
    DATA_KEY: TEST_DATA_KEY,
    ...opts.env,
  });
  const database = opts.sameDatabaseAs
    ? sharedDatabase(opts.sameDatabaseAs.databaseUrl)
    : await freshDatabase();
  const store: SessionStore =
    typeof opts.store === 'object'
      ? opts.store
      : opts.store === 'memory' || !redisAvailable
        ? new MemorySessionStore()
        : await RedisSessionStore.connect(process.env.REDIS_URL as string);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const clock = testClock();
  const { app, engine, relay, metrics } = buildService(
    config,
    {
      clock: clock.now,
      db: database.db,
      store,
      inputDigestKey: await serviceSecret(database.db, 'ussd-input-digest'),
      cipher: openFieldCipher(config, createLogger('silent')),
    },
    createLogger(config.logLevel, sink),
  );
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  if (opts.relay !== false) relay.start();
  return {
    url: `http://127.0.0.1:${port}`,
    db: database.db,
    databaseUrl: database.url,
    store,
    config,
    engine,
    relay,
    metrics,
    logs,
    clock,
    close: async () => {
      await relay.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await store.close();
      await database.drop();
    },
  };
}

/** A pool of its own on a database another app owns: closing it leaves the database in place. */
function sharedDatabase(url: string): { db: Db; url: string; drop: () => Promise<void> } {
  const db = createDb(url, { statementTimeoutMs: 10_000, acquireTimeoutMs: 20_000 });
  return { db, url, drop: () => db.destroy() };
}
