// `npm run bench -- --dataset demo|national|both`: per dataset, the service on its own database
// (datasets.ts), logged-in teachers walking the apply journey at 1 and at N concurrent walkers (walker.ts,
// in a child process), the operator API (admin-probe.ts, in a child process), each figure beside its
// target (report.ts). A dataset's figures are kept in .data/bench/<dataset>.json, so that a national run
// alone is compared with the last demo run's.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createDb, type Db } from '../../src/db/knex';
import { hashPassword, verifyPassword } from '../../src/domain/passwords';
import type { AdminJob, AdminResult } from './admin-probe';
import { prepareDemo, prepareNational, type Dataset, type DatasetName } from './datasets';
import { outcomeCounts } from './floor';
import { runInChild } from './fork';
import { printDataset, summarise, type DatasetResult } from './report';
import { startService, type Running } from './service';
import { cleanRedis, Cleanups, fmt, p50p99 } from './util';
import type { WalkJob, WalkResult } from './walker';

export type DatasetOptions = {
  datasets: DatasetName[];
  walkers: number;
  /** Seconds of new journeys at 1 walker, and at `walkers`. */
  oneSeconds: number;
  manySeconds: number;
  only?: 'ussd' | 'admin';
  reseed: boolean;
  scale: number;
  adminRepeats: number;
  exportSeconds: number;
  /** Walkers start over this many seconds; each waits this long before each hop but the dial. */
  rampSeconds: number;
  thinkMs: number;
};

const RESULTS_DIR = join('.data', 'bench');

function saved(dataset: string): DatasetResult | undefined {
  try {
    return JSON.parse(readFileSync(join(RESULTS_DIR, `${dataset}.json`), 'utf8')) as DatasetResult;
  } catch {
    return undefined;
  }
}

function save(r: DatasetResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${r.dataset}.json`), `${JSON.stringify(r, null, 2)}\n`);
}

async function passwordCheck(password: string): Promise<ReturnType<typeof p50p99>> {
  const hash = await hashPassword(password);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    await verifyPassword(password, hash);
    times.push(performance.now() - t);
  }
  return p50p99(times);
}

/** Runs one dataset; returns its figures and whether the service errored. */
async function runDataset(
  name: DatasetName,
  opts: DatasetOptions,
  ctx: { admin: Db; pgUrl: string; redis: Redis; redisUrl: string; runId: string; global: Cleanups },
): Promise<{ result: DatasetResult; errored: boolean }> {
  const cleanups = new Cleanups();
  ctx.global.push(() => cleanups.run());
  const started = Date.now();
  const sessionPrefix = `bench-${ctx.runId}-${name}-`;
  const phonesUsed: string[] = [];
  let removedKeys = 0;
  try {
    const dataset: Dataset =
      name === 'demo'
        ? await prepareDemo(ctx.admin, ctx.pgUrl, ctx.runId, cleanups, 2 + 250 + 1000)
        : await prepareNational(ctx.admin, ctx.pgUrl, ctx.runId, cleanups, opts);
    cleanups.push(async () => {
      removedKeys = await cleanRedis(
        ctx.redis,
        [`ussd:*:${sessionPrefix}*`],
        [...new Set(phonesUsed)].map((p) => `ussd:resume:${p}`),
      );
    });
    const running: Running = await startService(dataset.dbUrl, ctx.redisUrl, cleanups);
    console.log(`${name}: ${dataset.note}; service up after ${fmt((Date.now() - started) / 1000)} s`);

    const walk = async (
      phase: 'warmup' | 'one' | 'many',
      walkers: number,
      seconds: number,
      minJourneys: number,
    ): Promise<WalkResult> => {
      const label = phase === 'warmup' ? 'warm-up journey' : `${walkers} walker${walkers === 1 ? '' : 's'}`;
      process.stdout.write(`${name}: ${label}… `);
      const job: WalkJob = {
        url: running.url,
        walkers,
        seconds,
        minJourneysPerWalker: minJourneys,
        maxJourneysPerWalker: phase === 'warmup' ? 1 : 10_000,
        rampSeconds: opts.rampSeconds,
        // A single walker measures each hop alone: no pause.
        thinkMs: phase === 'many' ? opts.thinkMs : 0,
        sessionPrefix: `${sessionPrefix}${phase}-`,
        serviceCode: running.ussdCode,
        smsCode: running.smsCode,
        password: dataset.password,
        phones: dataset.phones[phase],
        route: dataset.route,
      };
      const r = await runInChild<WalkResult>({ kind: 'walk', job }, (e) => process.stdout.write(`${e}… `));
      phonesUsed.push(...r.phones);
      console.log(`${r.journeysCompleted}/${r.journeysStarted} journeys in ${fmt(r.seconds)} s`);
      return r;
    };

    const result: DatasetResult = {
      dataset: name,
      at: new Date().toISOString(),
      note: dataset.note,
      passwordCheck: await passwordCheck(dataset.password),
      outcomes: {},
    };
    let errored = false;
    if (opts.only !== 'admin') {
      // Caches and plans warm (a copied database starts cold); not measured.
      await walk('warmup', 1, 0, 1);
      const one = await walk('one', 1, opts.oneSeconds, 4); // 4: every kind of hop at least once
      const many = await walk('many', opts.walkers, opts.manySeconds, 1);
      result.one = summarise(one);
      result.many = summarise(many);
      result.outcomes = await outcomeCounts(running.service);
      result.acquireTimeouts = running.acquireTimeouts();
      const failedHops =
        (result.outcomes.error ?? 0) +
        (result.outcomes.timeout ?? 0) +
        (result.outcomes.busy ?? 0) +
        (result.outcomes.expired ?? 0);
      errored ||= [one, many].some((w) => w.httpErrors + w.apologies + w.busyOrExpired > 0) || failedHops > 0;
    }
    if (opts.only !== 'ussd') {
      process.stdout.write(`${name}: operator API… `);
      const maxId = async (table: string) => {
        const db = createDb(dataset.dbUrl);
        try {
          const row = (await db(table).max({ id: 'id' }).first()) as { id: number | string | null };
          return Number(row.id ?? 0);
        } finally {
          await db.destroy();
        }
      };
      const job: AdminJob = {
        maxIds: { vacancies: await maxId('vacancies'), applications: await maxId('applications') },
        url: running.url,
        token: running.adminToken,
        repeats: opts.adminRepeats,
        exportSeconds: opts.exportSeconds,
      };
      result.admin = await runInChild<AdminResult>({ kind: 'admin', job }, (e) =>
        process.stdout.write(`${e}… `),
      );
      console.log(
        `done (${running.clientAborts()} responses left by the bench before their end: cut exports)`,
      );
      errored ||= result.admin.probes.some((p) => p.errors.length > 0);
    }
    return { result, errored };
  } finally {
    await cleanups.run();
    console.log(
      `${name}: cleaned up (its database dropped, ${removedKeys} Redis keys removed); ` +
        `${fmt((Date.now() - started) / 1000, 0)} s in all`,
    );
  }
}

export async function runDatasetBench(opts: DatasetOptions, global: Cleanups): Promise<number> {
  const pgUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const runId = randomBytes(4).toString('hex');
  const admin = createDb(pgUrl, { statementTimeoutMs: 0 });
  global.push(() => admin.destroy());
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  global.push(() => redis.quit());
  const [pg] = ((await admin.raw('show server_version')) as { rows: Array<{ server_version: string }> }).rows;
  console.log(
    `cp2 bench, datasets ${opts.datasets.join(' and ')}: apply journeys at 1 and ${opts.walkers} walkers ` +
      `(${opts.oneSeconds} s and ${opts.manySeconds} s of new journeys; the ${opts.walkers} start over ` +
      `${opts.rampSeconds} s, ${opts.thinkMs ? `${opts.thinkMs} ms pause before each hop` : 'no pause between hops'}), ` +
      `operator API; node ${process.version}, ` +
      `${cpus().length} cores, PostgreSQL ${pg?.server_version ?? '?'}`,
  );
  const started = Date.now();
  const results: DatasetResult[] = [];
  let errored = false;
  for (const name of opts.datasets) {
    const r = await runDataset(name, opts, { admin, pgUrl, redis, redisUrl, runId, global });
    save(r.result);
    results.push(r.result);
    errored ||= r.errored;
  }
  let missed = 0;
  for (const r of results) {
    const demo =
      r.dataset === 'demo' ? undefined : (results.find((x) => x.dataset === 'demo') ?? saved('demo'));
    if (demo && !results.includes(demo)) console.log(`\n(demo figures from the run of ${demo.at})`);
    missed += printDataset(r, demo);
  }
  console.log('');
  console.log(
    `${missed} target${missed === 1 ? '' : 's'} missed; the whole run took ${fmt((Date.now() - started) / 1000, 0)} s`,
  );
  if (errored) {
    console.error(
      'the service errored (HTTP errors, apologies, busy/expired screens or failed hops): see above',
    );
    return 1;
  }
  return 0;
}
