// Opens what the service runs on, choosing embedded defaults when nothing is configured, and says what it
// chose in the first log lines.
import type { Logger } from 'pino';
import type { Config } from './config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres';
import { ADMIN_POOL, createDb, pingDb, type Db } from './db/knex';
import { migrateLatest } from './db/migrate';
import { describeReferenceData, loadReferenceData } from './domain/reference-data';
import { describeDemoData, loadDemoData } from './domain/vacancy-import';
import { serviceSecret } from './db/service-secrets';
import { MemorySessionStore } from './engine/memory-session-store';
import { RedisSessionStore } from './engine/redis-session-store';
import type { SessionStore } from './engine/session-store';
import { openFieldCipher } from './data-keys';
import { checkKeyReadsData, encryptAll } from './domain/personal-data/at-rest';
import type { FieldCipher } from './domain/personal-data/field-cipher';

export type Resources = {
  /** USSD hops, SMS webhooks and the outbox relay. */
  db: Db;
  /** The operator API (lists, reviews, reports, exports): its own connections and timeouts. */
  adminDb: Db;
  store: SessionStore;
  inputDigestKey: Buffer;
  /** Encrypts and decrypts the identity fields (docs/privacy.md). */
  cipher: FieldCipher;
  close: () => Promise<void>;
};

function hostOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 'default'}${u.pathname}`;
}

export async function openResources(config: Config, log: Logger): Promise<Resources> {
  let embedded: EmbeddedDatabase | undefined;
  let dbUrl = config.databaseUrl;
  if (dbUrl) {
    log.info({ database: hostOf(dbUrl) }, 'database: PostgreSQL at DATABASE_URL');
  } else {
    log.info({ dataDir: config.dataDir }, 'database: no DATABASE_URL, starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres(config.dataDir, log);
    dbUrl = embedded.url;
  }
  const store: SessionStore = config.redisUrl
    ? await RedisSessionStore.connect(config.redisUrl)
    : new MemorySessionStore();
  log.info(
    config.redisUrl
      ? `sessions: Redis at ${hostOf(config.redisUrl)}`
      : 'sessions: no REDIS_URL, keeping sessions in process (one instance only)',
  );
  log.info(
    config.smsGateway === 'africastalking'
      ? `outbound SMS: Africa's Talking as ${config.at?.username ?? '?'}`
      : `outbound SMS: ${config.databaseUrl ? 'SMS_GATEWAY=simulator' : 'embedded default'}, messages go to the simulator inbox (GET /simulator/messages)`,
  );
  const db = createDb(dbUrl);
  const adminDb = createDb(dbUrl, ADMIN_POOL);
  // Migrations and the reference data load on a connection of their own, without the 1.5 s statement
  // timeout that guards USSD hops: a migration may rewrite a large table.
  const setup = createDb(dbUrl, { statementTimeoutMs: 10 * 60_000 });
  let inputDigestKey: Buffer;
  let cipher: FieldCipher;
  try {
    cipher = openFieldCipher(config, log);
    await pingDb(setup);
    const applied = await migrateLatest(setup);
    log.info({ applied }, applied.length ? 'migrations applied' : 'database schema is current');
    log.info(describeReferenceData(await loadReferenceData(setup)));
    if (config.demoData) log.info(describeDemoData(await loadDemoData(setup)));
    else log.info('demo data: not loaded (DATABASE_URL is set; DEMO_DATA=1 loads the demo vacancies)');
    inputDigestKey = await serviceSecret(setup, 'ussd-input-digest');
    // Rows written before encryption, or by a bulk load, are encrypted before the first hop is served.
    await checkKeyReadsData(setup, cipher);
    const encrypted = await encryptAll(setup, cipher, 500, { onlyPlain: true });
    if (encrypted.profiles + encrypted.deployments > 0)
      log.info(encrypted, 'personal data: encrypted rows written in plain text');
  } catch (err) {
    await setup.destroy();
    await db.destroy();
    await adminDb.destroy();
    await store.close();
    await embedded?.stop();
    throw err;
  }
  await setup.destroy();
  return {
    db,
    adminDb,
    store,
    inputDigestKey,
    cipher,
    close: async () => {
      await store.close();
      await db.destroy();
      await adminDb.destroy();
      await embedded?.stop();
    },
  };
}
