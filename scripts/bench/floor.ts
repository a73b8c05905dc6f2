// The floor bench (`npm run bench` without --dataset; docs/performance.md): the service, built in this
// process as `npm start` builds it on a throwaway database (`cp2_bench_<random>`, migrated, dropped at
// the end), and beside it a bare Koa route (POST /floor: parse the form, one Redis GET, one SET of ~1 KB)
// that says what Koa + Redis cost on this machine with no engine at all. autocannon drives both the same
// way from a child process (floor-load.ts), each connection walking USSD sessions back to back (a closed
// loop); each target gets a warm-up, then a measured window on the same connections.
// Issue 11 added parts (load-parts.ts, selectable with --only): an authenticated walk, an open-loop run at
// a fixed rate, an overload run, CPU per hop, a memory soak and the outbox relay, with a summary table.
// The closed-loop walks run on a service with load shedding off (they measure capacity: 100 connections
// are 100 hops in flight, above SHED_MAX_IN_FLIGHT); the open-loop and overload runs on the service as
// configured by default (shedding on), listening on a port of its own.
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
import {
  cleanRedis,
  closeServer,
  fmt,
  intEnv,
  listen,
  printTable,
  withDatabase,
  type Cleanups,
} from './util';
import { NOT_SECRET_CIPHER } from '../../src/domain/personal-data/field-cipher';
import { loadReferenceData } from '../../src/domain/reference-data';
import { loadDemoData } from '../../src/domain/vacancy-import';
import { SEED_PASSWORD } from '../seed/national';
import { createTeachers } from './datasets';
import {
  printOpen,
  probeCapacity,
  runAuthWalk,
  runMemory,
  runOpen,
  type Ctx,
  type OpenRuns,
} from './load-parts';
import { benchRelay } from './relay-bench';
import { printSummary, type Figures } from './summary';

export const PARTS = ['walk', 'auth', 'open', 'overload', 'memory', 'relay'] as const;
export type Part = (typeof PARTS)[number];

export type FloorOptions = {
  parts: Set<Part>;
  /** The open-loop run: hops a second and seconds measured. */
  openRate: number;
  openSeconds: number;
  /** The overload run is offered this times the measured capacity. */
  overloadFactor: number;
  memoryHops: number;
  relayMessages: number;
  /** The fake AT's time per request in the relay part (ms). */
  atDelayMs: number;
};

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
export async function runFloorBench(cleanups: Cleanups, opts: FloorOptions): Promise<number> {
  const { parts } = opts;
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
    // The authenticated walk's world: the reference data, the demo vacancies and teachers with complete
    // profiles (password 246810), all made before any window.
    const teachers = Array.from({ length: 2000 }, (_, t) => `+${254_721_000_000 + t}`);
    if (parts.has('auth')) {
      await loadReferenceData(db);
      await loadDemoData(db);
      await createTeachers(db, teachers, SEED_PASSWORD);
    }
    const store = await RedisSessionStore.connect(redisUrl);
    cleanups.push(() => store.close());
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    cleanups.push(() => redis.quit());
    cleanups.push(async () => {
      removedKeys = await cleanRedis(
        redis,
        [`ussd:*:bench-${runId}-*`, `bench:floor:${runId}:*`],
        [...openPhones, ...(parts.has('auth') ? teachers : [])].map((p) => `ussd:resume:${p}`),
      );
    });

    // Hops still in flight when the servers close (autocannon cuts connections at the end, or Ctrl-C)
    // finish within the hop deadline; let them, before their Redis and database connections go.
    cleanups.push(() => sleep(500));

    // Silent by default: logging is not what is measured. BENCH_LOG_LEVEL=error shows why hops fail.
    const logLevel = process.env.BENCH_LOG_LEVEL || 'silent';
    // Capacity is measured with shedding off; the service as configured (defaults) is a second app on the
    // same database and Redis.
    const config = loadConfig({ LOG_LEVEL: logLevel, SHED_MAX_IN_FLIGHT: '0', SHED_MAX_LAG_MS: '0' });
    const configuredConfig = loadConfig({ LOG_LEVEL: logLevel });
    const inputDigestKey = await serviceSecret(db, 'ussd-input-digest');
    const service = buildService(
      config,
      { db, store, inputDigestKey, cipher: NOT_SECRET_CIPHER },
      createLogger(config.logLevel, process.stderr),
    );
    const configured = buildService(
      configuredConfig,
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
    const configuredSvc = await listen(configured.app);
    cleanups.push(() => closeServer(configuredSvc.server));
    const ctx: Ctx = {
      runId,
      connections,
      seconds,
      warmup,
      capacityUrl: svc.url,
      configuredUrl: configuredSvc.url,
      floorUrl: floor.url,
    };
    const figures: Figures = { connections, openRate: opts.openRate };
    let errored = 0;

    const [pgVersion] = ((await db.raw('show server_version')) as { rows: Array<{ server_version: string }> })
      .rows;
    const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    console.log(
      `cp2 bench: ${connections} connections, ${seconds} s measured per target after a warm-up of ` +
        `${warmup} s or more, ` +
        `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), ` +
        `PostgreSQL ${pgVersion?.server_version ?? '?'}, Redis ${redisVersion}`,
    );
    console.log(`parts: ${[...parts].join(', ')}`);
    console.log(
      'session walk: dial → Language → English → Help (END), 4 hops, a new sessionId and phone each',
    );

    // First, in a process that has served nothing yet: the memory soak.
    if (parts.has('memory')) {
      const m = await runMemory(ctx, opts.memoryHops);
      figures.memory = m;
      errored += m.failed;
    }

    const run = async (target: Target, url: string, path: string): Promise<LoadResult> => {
      process.stdout.write(`${target}: warming up… `);
      let stopProfile: Promise<(() => Promise<void>) | undefined> | undefined;
      let cpuStart = process.cpuUsage();
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
          cpuStart = process.cpuUsage();
          if (target !== 'service') return;
          stopProfile = startProfile();
        },
      );
      const cpu = process.cpuUsage(cpuStart);
      r.cpuMicrosPerHop = (cpu.user + cpu.system) / Math.max(1, r.hops);
      const stop = await stopProfile;
      await stop?.();
      openPhones.push(...r.openPhones);
      console.log(
        `${r.hops} hops (${r.sessions} sessions in all; ramp to ${connections} connections answered: ` +
          `${fmt(r.rampMs / 1000, 1)} s)`,
      );
      return r;
    };

    let s: LoadResult | undefined;
    let f: LoadResult | undefined;
    if (parts.has('walk') || parts.has('auth')) {
      // What one hop costs in round trips: SQL queries (knex's query event) and Redis commands (the server's
      // own count, so commands of anyone else using this Redis meanwhile are included).
      let sqlQueries = 0;
      db.on('query', () => (sqlQueries += 1));
      const redisCommandsBefore = await redisCommandCount(redis);
      s = await run('service', svc.url, '/ussd');
      const outcomes = await outcomeCounts(service); // the whole run, warm-up included
      const serviceHops = Object.values(outcomes).reduce((a, b) => a + b, 0);
      const redisCommands = (await redisCommandCount(redis)) - redisCommandsBefore;
      const record = await redis.get(`ussd:s:bench-${runId}-service-1`);
      f = await run('floor', floor.url, '/floor');

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

      figures.walk = { service: s, floor: f };
      for (const sample of s.wrongSamples) console.log(`  wrong screen: ${sample}`);
      const serviceErrors = s.errors + s.non2xx + s.wrongScreens;
      if (serviceErrors > 0) {
        console.error(
          `the service errored: ${s.errors} connection errors (${s.timeouts} timeouts), ${s.non2xx} non-2xx, ` +
            `${s.wrongScreens} wrong screens`,
        );
        errored += serviceErrors;
      }
    }

    if (parts.has('auth')) {
      const auth = await runAuthWalk(ctx, {
        phones: teachers,
        password: SEED_PASSWORD,
        serviceCode: config.ussdServiceCode,
        route: {
          exam: 'KCSE',
          activity: 'Supervision',
          stationType: 'Examination',
          position: 'Invigilator',
          county: 'Nairobi',
        },
      });
      figures.auth = auth;
      errored += auth.result.errors + auth.result.wrongScreens + auth.result.busy;
    }

    let open: OpenRuns | undefined;
    if (parts.has('open')) {
      open = await runOpen(ctx, opts.openRate, opts.openSeconds, 'open loop', ['service', 'floor']);
      printOpen(
        `open loop at ${opts.openRate} hops/s for ${opts.openSeconds} s (latency from each hop's scheduled send)`,
        open,
      );
      figures.open = open;
      const r = open.service?.result;
      if (r) errored += r.errors + r.non2xx + r.wrongScreens;
    }

    if (parts.has('overload')) {
      const capacity = s ? s.hops / s.seconds : await probeCapacity(ctx);
      const rate = Math.max(1, Math.round(capacity * opts.overloadFactor));
      const over = await runOpen(ctx, rate, seconds, 'overload', ['service']);
      printOpen(
        `overload: ${opts.overloadFactor} × the capacity measured (${fmt(capacity, 0)} hops/s) offered to the service as configured (shedding on)`,
        over,
      );
      figures.overload = { capacity, run: over.service?.result };
      const r = over.service?.result;
      if (r) errored += r.errors + r.non2xx + r.wrongScreens;
    }

    if (parts.has('relay')) {
      // The service's relays would take the queued messages too (to the simulator): stopped first.
      await service.relay.stop();
      process.stdout.write(
        `outbox relay: ${opts.relayMessages} SMS, fake AT ${opts.atDelayMs} ms a request… `,
      );
      const before = await benchRelay(db, {
        messages: Math.min(100, opts.relayMessages),
        concurrency: 1,
        atDelayMs: opts.atDelayMs,
        sender: config.smsSender,
      });
      const now = await benchRelay(db, {
        messages: opts.relayMessages,
        concurrency: config.outboxConcurrency,
        atDelayMs: opts.atDelayMs,
        sender: config.smsSender,
      });
      console.log('done');
      console.log('');
      console.log(`outbox relay to a fake AT taking ${opts.atDelayMs} ms a request`);
      printTable(
        [
          [
            'sends in flight',
            'SMS',
            'seconds',
            'SMS/s',
            'most at AT at once',
            'sent twice',
            'missing',
            'CPU µs/SMS',
            'SQL/SMS',
          ],
          ...[before, now].map((r) => [
            String(r.concurrency),
            String(r.messages),
            fmt(r.seconds, 2),
            fmt(r.perSecond, 0),
            String(r.maxInFlight),
            String(r.duplicates),
            String(r.missing),
            fmt(r.cpuMicrosPerSms, 0),
            fmt(r.queriesPerSms, 1),
          ]),
        ],
        '  ',
      );
      figures.relay = { before, now };
      errored += now.duplicates + now.missing + before.duplicates + before.missing;
    }

    const outcomes = await outcomeCounts(service);
    const failedHops =
      (outcomes.error ?? 0) + (outcomes.timeout ?? 0) + (outcomes.busy ?? 0) + (outcomes.expired ?? 0);
    if (failedHops > 0) {
      console.error(`the service answered ${failedHops} hops with an apology/busy/expired screen`);
      errored += failedHops;
    }
    printSummary(figures);
    if (errored > 0) {
      console.error('the service errored: see above');
      return 1;
    }
    return 0;
  }
}
