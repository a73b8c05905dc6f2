// Load test of the USSD service against real PostgreSQL and Redis: `npm run bench` (docs/performance.md).
//
// The service runs in this process, built with buildService on a RedisSessionStore and a throwaway
// database (`cp2_bench_<random>`, migrated, dropped at the end), listening on a random port. Beside it, a
// bare Koa route (POST /floor: parse the form, one Redis GET, one SET of ~1 KB) gives the floor: what
// Koa + Redis cost on this machine with no engine at all. autocannon drives both the same way, each
// connection walking USSD sessions (dial → Language → English → Help) with a new sessionId and phone per
// session, back to back (a closed loop: no think time). autocannon runs in a child process, so that the
// load generator does not share the service's event loop (that would slow the service down and add the
// client's own time to every latency). Each target gets a warm-up, then a measured window on the same
// connections; the window opens only once every connection has had an answer (see generateLoad).
//
// Environment: DATABASE_URL (a server where we may create a database; default
// postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (default redis://127.0.0.1:6379),
// BENCH_SECONDS (10, the measured window), BENCH_CONNECTIONS (100), BENCH_WARMUP_SECONDS (2, at least);
// BENCH_LOG_LEVEL (silent; `error` shows why hops failed, on stderr); BENCH_CPU_PROFILE=<file> writes a
// CPU profile of this process over the service's measured window (open it in Chrome DevTools).
// Exits non-zero only when the service errored (connection errors, timeouts, non-2xx, wrong screens, or
// hops the engine answered with an apology); a missed target is reported, not failed.
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { randomBytes, randomInt } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpus } from 'node:os';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import Koa from 'koa';
import { loadConfig } from '../src/config';
import { createDb, type Db } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import { serviceSecret } from '../src/db/service-secrets';
import { RedisSessionStore } from '../src/engine/redis-session-store';
import { createLogger } from '../src/logger';
import { buildService } from '../src/service';

const SERVICE_CODE = '*384*22262#';
/**
 * One session: dial, choose Language, choose English (saved, back on the main menu), choose Help (END).
 * Each choice is found by its label on the screen just received (the main menu's numbering depends on
 * whether the caller has an account), and `text` accumulates the choices with '*' as AT sends it.
 */
const WALK = [
  { choose: 'Language', kind: 'CON' },
  { choose: 'English', kind: 'CON' },
  { choose: 'Help', kind: 'CON' },
  { choose: undefined, kind: 'END' },
] as const;

/** The option number whose label contains `label` on a screen ("6. Language/Lugha" → "6"). */
function optionFor(screen: string, label: string): string | undefined {
  return /^(\d+)\. /.exec(screen.split('\n').find((l) => /^\d+\. /.test(l) && l.includes(label)) ?? '')?.[1];
}

type Target = 'service' | 'floor';

type Job = {
  target: Target;
  url: string;
  path: string;
  connections: number;
  /** At least this long before measuring, and until every connection has had an answer. */
  warmupSeconds: number;
  seconds: number;
  /** Prefix of every sessionId, so that the run's Redis keys can be found and removed afterwards. */
  sessionPrefix: string;
};

type LoadResult = {
  target: Target;
  /** From the start until every connection had its first answer (new connections queue to be accepted). */
  rampMs: number;
  /** The measured window, after the warm-up. */
  seconds: number;
  /** Answers received within the window. */
  hops: number;
  sessions: number;
  /** Latency of the hops sent and answered within the window. */
  p50: number;
  p99: number;
  max: number;
  /** Whole run, warm-up included. */
  errors: number;
  timeouts: number;
  non2xx: number;
  wrongScreens: number;
  wrongSamples: string[];
  /** Phones whose session was cut by the end of the run (their resume record stays in Redis). */
  openPhones: string[];
};

// ---------------------------------------------------------------------------------------------------
// Load generator (child process)

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function generateLoad(job: Job): Promise<LoadResult> {
  type Ctx = { sessionId?: string; phone?: string; inputs?: string[] };
  let sessions = 0;
  // Unique valid Kenyan mobile numbers: +2547 and 8 digits, consecutive from a random start.
  const firstPhone = randomInt(1e8);
  const phoneOf = (n: number) => `+2547${String((firstPhone + n) % 1e8).padStart(8, '0')}`;
  const open = new Set<string>();
  let wrongScreens = 0;
  const wrongSamples: string[] = [];
  const wrong = (i: number, ctx: Ctx, why: string) => {
    wrongScreens += 1;
    if (wrongSamples.length < 3) wrongSamples.push(`hop ${i + 1} (text '${ctx.inputs?.join('*')}'): ${why}`);
  };
  const requests: autocannon.Request[] = WALK.map((hop, i) => ({
    method: 'POST',
    path: job.path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    setupRequest: (req: autocannon.Request, context: object) => {
      const ctx = context as Ctx;
      if (i === 0 || !ctx.sessionId) {
        sessions += 1;
        ctx.sessionId = `${job.sessionPrefix}${sessions}`;
        ctx.phone = phoneOf(sessions);
        ctx.inputs = [];
        open.add(ctx.phone);
      }
      const body = new URLSearchParams({
        sessionId: ctx.sessionId,
        serviceCode: SERVICE_CODE,
        phoneNumber: ctx.phone as string,
        networkCode: '63902',
        text: (ctx.inputs ?? []).join('*'),
      }).toString();
      return { ...req, body };
    },
    onResponse: (status: number, body: string, context: object) => {
      const ctx = context as Ctx;
      ctx.inputs ??= [];
      if (i === WALK.length - 1 && ctx.phone) open.delete(ctx.phone);
      if (status < 200 || status > 299) return; // autocannon counts these as non-2xx
      if (job.target === 'floor') {
        // The floor answers the same requests without menus; the walk's texts are replayed as they are.
        if (!body.startsWith('CON ')) wrong(i, ctx, body);
        ctx.inputs.push(['6', '1', '7'][i] ?? '');
        return;
      }
      if (!body.startsWith(`${hop.kind} `)) wrong(i, ctx, body);
      if (hop.choose) {
        const option = optionFor(body.slice(4), hop.choose);
        if (!option) wrong(i, ctx, `no option "${hop.choose}" on: ${body}`);
        ctx.inputs.push(option ?? '1');
      }
    },
  }));

  // One autocannon run: the warm-up, then the measured window on the same connections. The window opens
  // once the warm-up time has passed and every connection has had an answer (a burst of new connections
  // waits in the accept queue of a busy server: that ramp is reported, not measured), and lasts
  // job.seconds; then the run is stopped.
  const started = performance.now();
  const answered = new Set<unknown>();
  let rampMs = NaN;
  let windowStart = Infinity;
  let windowEnd = Infinity;
  const done: number[] = [];
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: job.warmupSeconds + job.seconds + 60,
        timeout: 10,
        requests,
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    );
    const openWindow = () => {
      if (windowStart !== Infinity) return;
      clearTimeout(overdue);
      windowStart = performance.now();
      windowEnd = windowStart + job.seconds * 1000;
      process.send?.({ measuring: true });
      setTimeout(() => instance.stop(), job.seconds * 1000);
    };
    // A connection that never answers must not hold the measurement back for ever.
    const overdue = setTimeout(openWindow, (job.warmupSeconds + 30) * 1000);
    instance.on('response', (client, _status, _bytes, ms) => {
      const now = performance.now();
      if (windowStart === Infinity) {
        if (Number.isNaN(rampMs)) {
          answered.add(client);
          if (answered.size >= job.connections) rampMs = now - started;
        }
        if (!Number.isNaN(rampMs) && now - started >= job.warmupSeconds * 1000) openWindow();
        return;
      }
      if (now > windowEnd) return;
      done.push(now);
      if (now - ms >= windowStart) latencies.push(ms);
    });
  });
  const sorted = Float64Array.from(latencies).sort();
  return {
    target: job.target,
    rampMs,
    seconds: (Math.min(windowEnd, done[done.length - 1] ?? windowStart) - windowStart) / 1000,
    hops: done.length,
    sessions,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : NaN,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    wrongScreens,
    wrongSamples,
    openPhones: [...open],
  };
}

let currentChild: ChildProcess | undefined;

/** Runs one job in a child process (this same file, under the same tsx loader). */
function runInChild(job: Job, onMeasuring: () => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--load-generator'], { stdio: 'inherit' });
    currentChild = child;
    let result: LoadResult | undefined;
    child.on('message', (msg: { result?: LoadResult; measuring?: boolean; error?: string }) => {
      if (msg.measuring) onMeasuring();
      else if (msg.result) result = msg.result;
      else reject(new Error(`load generator: ${msg.error}`));
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`load generator exited with code ${code}`)),
    );
    child.send(job);
  });
}

function childMain(): void {
  process.once('message', (job: Job) => {
    generateLoad(job).then(
      (result) => process.send?.({ result }, () => process.disconnect()),
      (err: unknown) => process.send?.({ error: String(err) }, () => process.disconnect()),
    );
  });
}

// ---------------------------------------------------------------------------------------------------
// Orchestrator

function intEnv(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return n;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function listen(app: Koa): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
    server.once('error', reject);
  });
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}

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

/** Removes this run's keys (and only those) from a Redis other people use too. */
async function cleanRedis(redis: Redis, patterns: string[], extraKeys: string[]): Promise<number> {
  let removed = 0;
  for (const match of patterns) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      if (found.length) removed += await redis.unlink(...found);
    } while (cursor !== '0');
  }
  for (let i = 0; i < extraKeys.length; i += 500) {
    removed += await redis.unlink(...extraKeys.slice(i, i + 500));
  }
  return removed;
}

async function outcomeCounts(service: ReturnType<typeof buildService>): Promise<Record<string, number>> {
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

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

const cleanups: Array<() => Promise<unknown>> = [];

let cleaning: Promise<void> | undefined;

/** Undoes what the run set up, last first; once, however often it is called (Ctrl-C and finally). */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (let next = cleanups.pop(); next; next = cleanups.pop()) {
      await next().catch((err: unknown) => console.error('cleanup:', (err as Error).message));
    }
  })();
  return cleaning;
}

async function orchestrate(): Promise<number> {
  const seconds = intEnv('BENCH_SECONDS', 10, 1, 3600);
  const connections = intEnv('BENCH_CONNECTIONS', 100, 1, 10_000);
  const warmup = intEnv('BENCH_WARMUP_SECONDS', 2, 0, 600);
  const pgUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const runId = randomBytes(4).toString('hex');
  const dbName = `cp2_bench_${runId}`;
  const openPhones: string[] = [];

  try {
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
      { db, store, inputDigestKey },
      createLogger(config.logLevel, process.stderr),
    );
    // As `npm start` runs it: the outbox relay polls beside the hops (SMS go to the simulator).
    service.relay.start();
    cleanups.push(() => service.relay.stop());
    const svc = await listen(service.app);
    cleanups.push(() => closeServer(svc.server));
    const floor = await listen(floorApp(redis, `bench:floor:${runId}:`));
    cleanups.push(() => closeServer(floor.server));

    const [pgVersion] = (await db.raw('show server_version')).rows as Array<{ server_version: string }>;
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
      const r = await runInChild(
        {
          target,
          url,
          path,
          connections,
          warmupSeconds: warmup,
          seconds,
          sessionPrefix: `bench-${runId}-${target}-`,
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
  } finally {
    await cleanUp();
  }
}

if (process.argv.includes('--load-generator')) {
  childMain();
} else {
  // Output piped into `head` that has closed must not kill the run before it cleans up.
  process.stdout.on('error', () => undefined);
  process.once('SIGINT', () => {
    console.error('\ninterrupted: dropping the bench database and removing its Redis keys');
    currentChild?.kill();
    void cleanUp().finally(() => process.exit(130));
  });
  orchestrate().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error('bench failed:', err instanceof Error ? err.message : err);
      process.exitCode = 2;
    },
  );
}
