// The floor bench (`npm run bench` without --dataset; docs/performance.md): the service, built in this
// process as `npm start` builds it on a throwaway database (`cp2_bench_<random>`, migrated, dropped at
// the end), and beside it a bare Koa route (POST /floor: parse the form, one Redis GET, one SET of ~1 KB)
// that says what Koa + Redis cost on this machine with no engine at all. autocannon drives both the same
// way from a child process (floor-load.ts), each connection walking USSD sessions back to back (a closed
// loop); each target gets a warm-up, then a measured window on the same connections.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpus } from 'node:os';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { Redis } from 'ioredis';
import Koa from 'koa';
import { loadConfig } from '../../src/config';
import { createDb, type Db } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { serviceSecret } from '../../src/db/service-secrets';
import { RedisSessionStore } from '../../src/engine/redis-session-store';
import { createLogger } from '../../src/logger';
import { buildService } from '../../src/service';
import { runInChild } from './fork';
import type { Job, LoadResult, Target } from './floor-load';
import { cleanRedis, closeServer, fmt, intEnv, listen, withDatabase, type Cleanups } from './util';
import { NOT_SECRET_CIPHER } from '../../src/domain/personal-data/field-cipher';

/** A bare Koa route doing what a hop must do at least: parse the form, read and write ~1 KB in Redis. */
function floorApp(redis: Redis, keyPrefix: string): Koa {
  const value = JSON.stringify({ v: 1, pad: 'x'.repeat(1000) });
  const router = new Router();
  router.post('/floor', async (ctx) => {
    const { sessionId } = ctx.request.body as { sessionId?: string };
    const key = `${keyPrefix}${sessionId ?? 'none'}`;
    const previous = await redis.get(key);
    await redis.set(key, value, 'EX', 60);
    ctx.type = 'text/plain';
    ctx.body = previous === null ? 'CON first' : 'CON again';
  });
  const app = new Koa();
  app.use(bodyParser({ enableTypes: ['form', 'json'], formLimit: '16kb' }));
  app.use(router.routes());
  return app;
}

export async function outcomeCounts(
  service: ReturnType<typeof buildService>,
): Promise<Record<string, number>> {
  const { values } = await service.metrics.ussdHops.get();
  // Summed over the journey label.
  const counts: Record<string, number> = {};
  for (const v of values)
    counts[String(v.labels.outcome)] = (counts[String(v.labels.outcome)] ?? 0) + v.value;
  return counts;
}

/** With BENCH_CPU_PROFILE set, profiles this process (the service) until the returned stop is called. */
async function startProfile(): Promise<(() => Promise<void>) | undefined> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`CPU profile of the service's run written to ${file}`);
  };
}

/** Commands the Redis server has processed so far (INFO commandstats; the INFO calls themselves aside). */
async function redisCommandCount(redis: Redis): Promise<number> {
  const stats = await redis.info('commandstats');
  let n = 0;
  for (const m of stats.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) if (m[1] !== 'info') n += Number(m[2]);
  return n;
}

/** The floor bench: the service's throughput against a bare Koa + Redis route (docs/performance.md). */
export async function runFloorBench(cleanups: Cleanups): Promise<number> {
  const seconds = intEnv('BENCH_SECONDS', 10, 1, 3600);
  const connections = intEnv('BENCH_CONNECTIONS', 100, 1, 10_000);
  const warmup = intEnv('BENCH_WARMUP_SECONDS', 2, 0, 600);
  const pgUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const runId = randomBytes(4).toString('hex');
  const dbName = `cp2_bench_${runId}`;
  const openPhones: string[] = [];

  {
    const admin = createDb(pgUrl, { statementTimeoutMs: 60_000 });
    cleanups.push(() => admin.destroy());
    await admin.raw(`create database ${dbName}`);
    let removedKeys = 0;
    cleanups.push(async () => {
      await admin.raw(`drop database if exists ${dbName} with (force)`);
      console.log(`cleaned up: database ${dbName} dropped, ${removedKeys} Redis keys of this run removed`);
    });
    const db: Db = createDb(withDatabase(pgUrl, dbName));
    cleanups.push(() => db.destroy());
    await migrateLatest(db);
    const store = await RedisSessionStore.connect(redisUrl);
    cleanups.push(() => store.close());
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    cleanups.push(() => redis.quit());
    cleanups.push(async () => {
      removedKeys = await cleanRedis(
        redis,
        [`ussd:*:bench-${runId}-*`, `bench:floor:${runId}:*`],
        openPhones.map((p) => `ussd:resume:${p}`),
      );
    });

    // Hops still in flight when the servers close (autocannon cuts connections at the end, or Ctrl-C)
    // finish within the hop deadline; let them, before their Redis and database connections go.
    cleanups.push(() => sleep(500));

    // Silent by default: logging is not what is measured. BENCH_LOG_LEVEL=error shows why hops fail.
    const config = loadConfig({ LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'silent' });
    const inputDigestKey = await serviceSecret(db, 'ussd-input-digest');
    const service = buildService(
      config,
      { db, store, inputDigestKey, cipher: NOT_SECRET_CIPHER },
      createLogger(config.logLevel, process.stderr),
    );
    // As `npm start` runs it: the outbox relay polls beside the hops (SMS go to the simulator).
    service.relay.start();
    cleanups.push(() => service.relay.stop());
    const svc = await listen(service.app);
    cleanups.push(() => closeServer(svc.server));
    const floor = await listen(floorApp(redis, `bench:floor:${runId}:`));
    cleanups.push(() => closeServer(floor.server));

    const [pgVersion] = ((await db.raw('show server_version')) as { rows: Array<{ server_version: string }> })
      .rows;
    const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    console.log(
      `cp2 bench: ${connections} connections, ${seconds} s measured per target after a warm-up of ` +
        `${warmup} s or more, ` +
        `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), ` +
        `PostgreSQL ${pgVersion?.server_version ?? '?'}, Redis ${redisVersion}`,
    );
    console.log(
      'session walk: dial → Language → English → Help (END), 4 hops, a new sessionId and phone each',
    );

    const run = async (target: Target, url: string, path: string): Promise<LoadResult> => {
      process.stdout.write(`${target}: warming up… `);
      let stopProfile: Promise<(() => Promise<void>) | undefined> | undefined;
      const r = await runInChild<LoadResult>(
        {
          kind: 'floor',
          job: {
            target,
            url,
            path,
            connections,
            warmupSeconds: warmup,
            seconds,
            sessionPrefix: `bench-${runId}-${target}-`,
          } satisfies Job,
        },
        () => {
          process.stdout.write(`measuring ${seconds} s… `);
          if (target !== 'service') return;
          stopProfile = startProfile();
        },
      );
      const stop = await stopProfile;
      await stop?.();
      openPhones.push(...r.openPhones);
      console.log(
        `${r.hops} hops (${r.sessions} sessions in all; ramp to ${connections} connections answered: ` +
          `${fmt(r.rampMs / 1000, 1)} s)`,
      );
      return r;
    };

    // What one hop costs in round trips: SQL queries (knex's query event) and Redis commands (the server's
    // own count, so commands of anyone else using this Redis meanwhile are included).
    let sqlQueries = 0;
    db.on('query', () => (sqlQueries += 1));
    const redisCommandsBefore = await redisCommandCount(redis);
    const s = await run('service', svc.url, '/ussd');
    const outcomes = await outcomeCounts(service); // the whole run, warm-up included
    const serviceHops = Object.values(outcomes).reduce((a, b) => a + b, 0);
    const redisCommands = (await redisCommandCount(redis)) - redisCommandsBefore;
    const record = await redis.get(`ussd:s:bench-${runId}-service-1`);
    const f = await run('floor', floor.url, '/floor');

    const rate = (r: LoadResult) => r.hops / r.seconds;
    const rows = [
      ['', 'hops/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx', 'wrong screens'],
      ...[s, f].map((r) => [
        r.target === 'service' ? 'service POST /ussd' : 'floor POST /floor',
        fmt(rate(r), 0),
        fmt(r.p50),
        fmt(r.p99),
        fmt(r.max),
        String(r.errors),
        String(r.non2xx),
        String(r.wrongScreens),
      ]),
      ['ratio service/floor', fmt(rate(s) / rate(f), 2), '', '', '', '', '', ''],
    ];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
    console.log('');
    for (const row of rows) {
      console.log(
        row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
      );
    }
    console.log('');
    console.log(
      `engine outcomes, warm-up included: ${Object.entries(outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    console.log(
      `per hop (warm-up included): ${fmt(sqlQueries / serviceHops, 2)} SQL queries, ` +
        `${fmt(redisCommands / serviceHops, 2)} Redis commands (the floor: 0 and 2)`,
    );
    if (record)
      console.log(`a session record in Redis: ${Buffer.byteLength(record)} bytes (the floor writes 1 KB)`);
    const p99ok = s.p99 < 25;
    const ratioOk = rate(s) >= 0.5 * rate(f);
    console.log(
      `targets: p99 < 25 ms at ${connections} sessions: ${p99ok ? 'met' : 'MISSED'} (${fmt(s.p99)} ms); ` +
        `throughput >= half the floor's: ${ratioOk ? 'met' : 'MISSED'} (${fmt(rate(s) / rate(f), 2)})`,
    );

    const failedHops =
      (outcomes.error ?? 0) + (outcomes.timeout ?? 0) + (outcomes.busy ?? 0) + (outcomes.expired ?? 0);
    const serviceErrors = s.errors + s.non2xx + s.wrongScreens + failedHops;
    for (const sample of s.wrongSamples) console.log(`  wrong screen: ${sample}`);
    if (serviceErrors > 0) {
      console.error(
        `the service errored: ${s.errors} connection errors (${s.timeouts} timeouts), ${s.non2xx} non-2xx, ` +
          `${s.wrongScreens} wrong screens, ${failedHops} hops answered with an apology/busy/expired`,
      );
      return 1;
    }
    return 0;
  }
}
