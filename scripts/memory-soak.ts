// Does the service leak? `npm run soak` (docs/security.md, "Memory under hostile load").
//
// Builds the service in this process (as the bench does: a throwaway database, migrated, dropped at the
// end) on Redis (REDIS_URL) or, with SOAK_STORE=memory, on the in-process session store, then sends
// SOAK_HOPS hops (60,000) over HTTP: ordinary walks, hostile input (long text, control characters,
// options not on the screen, direct dials) and repeats, from many phones, 20 at a time. Every
// SOAK_EVERY hops (10,000) it forces a garbage collection and prints the heap and RSS: a leak shows as
// heap after GC growing with the hops served; a plateau means what RSS gained is the allocator keeping
// pages, not objects kept alive. Needs --expose-gc (the npm script passes it).
import { randomBytes, randomInt } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config';
import { createDb } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import { serviceSecret } from '../src/db/service-secrets';
import { MemorySessionStore } from '../src/engine/memory-session-store';
import { RedisSessionStore } from '../src/engine/redis-session-store';
import type { SessionStore } from '../src/engine/session-store';
import { createLogger } from '../src/logger';
import { buildService } from '../src/service';
import { NOT_SECRET_CIPHER } from '../src/domain/personal-data/field-cipher';

const hops = Number(process.env.SOAK_HOPS ?? 60_000);
const every = Number(process.env.SOAK_EVERY ?? 10_000);
const concurrency = 20;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc (npm run soak does)');
  process.exit(2);
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** One session's inputs: a walk, or something hostile. */
function session(): string[] {
  const pick = randomInt(6);
  if (pick === 0) return ['6', '1', '7'];
  if (pick === 1) return ['9', '99', '1'.repeat(500), '0', '00'];
  if (pick === 2) return ['1', '\u0000\u0007x', '😀中文’—', '2'];
  if (pick === 3) return ['98', '98', '0', '6', '2'];
  if (pick === 4) return ['1', '1', '1'];
  return [randomBytes(200).toString('base64'), '1'];
}

async function main(): Promise<void> {
  const pgUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `cp2_soak_${randomBytes(4).toString('hex')}`;
  const admin = createDb(pgUrl, { statementTimeoutMs: 60_000 });
  await admin.raw(`create database ${dbName}`);
  const db = createDb(withDatabase(pgUrl, dbName));
  let store: SessionStore | undefined;
  let server: Server | undefined;
  try {
    await migrateLatest(db);
    store =
      process.env.SOAK_STORE === 'memory'
        ? new MemorySessionStore()
        : await RedisSessionStore.connect(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const service = buildService(
      config,
      { db, store, inputDigestKey: await serviceSecret(db, 'ussd-input-digest'), cipher: NOT_SECRET_CIPHER },
      createLogger('silent'),
    );
    service.relay.start();
    server = service.app.listen(0, '127.0.0.1');
    await new Promise((r) => server?.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ussd`;

    let sent = 0;
    let failed = 0;
    const sample = () => {
      gc?.();
      const m = process.memoryUsage();
      console.log(
        [sent, Math.round(m.heapUsed / 2 ** 20), Math.round(m.rss / 2 ** 20), failed]
          .map((v) => String(v).padStart(10))
          .join(''),
      );
    };
    console.log(`store: ${store.kind}; ${hops} hops`);
    console.log(['hops', 'heap MB', 'RSS MB', '5xx'].map((v) => v.padStart(10)).join(''));
    sample();
    const runSession = async () => {
      const sessionId = `soak-${randomBytes(6).toString('hex')}`;
      const phone = `+2547${String(randomInt(10_000_000, 99_999_999))}`;
      const inputs = session();
      const post = async (text: string) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ sessionId, serviceCode: '*384*22262#', phoneNumber: phone, text }),
        });
        await res.text();
        if (res.status >= 500) failed += 1;
        sent += 1;
        if (sent % every === 0) sample();
      };
      for (let i = 0; i <= inputs.length && sent < hops; i++) {
        const text = inputs.slice(0, i).join('*');
        await post(text);
        // AT repeats a hop now and then.
        if (randomInt(5) === 0) await post(text);
      }
    };
    const worker = async () => {
      while (sent < hops) await runSession();
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await service.relay.stop();
  } finally {
    server?.close();
    await store?.close();
    await db.destroy();
    await admin.raw(`drop database if exists ${dbName} with (force)`);
    await admin.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
