// Starts what the tests need when the environment does not provide it: PostgreSQL (DATABASE_URL, else an
// embedded server) and Redis (REDIS_URL, else a local redis-server when installed, else Redis suites
// skip and say so). Builds a migrated template database, with the shipped reference data (data/*.csv)
// loaded, that each test file clones.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { freePort } from '../../src/free-port';
import { buildTemplateDatabase, newTemplateName, templatePrebuilt } from './template-database';

type Stoppable = { stop: () => Promise<void> };
declare global {
  var __cp2Services: Stoppable[] | undefined;
}

async function startRedis(): Promise<(Stoppable & { url: string }) | undefined> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return undefined;
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const { Redis } = await import('ioredis');
  for (let i = 0; i < 100; i++) {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      return { url, stop: async () => void child.kill() };
    } catch {
      r.disconnect();
      await sleep(50);
    }
  }
  child.kill();
  return undefined;
}

export default async function globalSetup(): Promise<void> {
  const services: Stoppable[] = [];
  globalThis.__cp2Services = services;
  const log = pino({ level: 'silent' });

  if (!process.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres(mkdtempSync(path.join(tmpdir(), 'cp2-test-')), log);
    services.push(pg);
    process.env.DATABASE_URL = pg.url;
    console.log(`\n[tests] no DATABASE_URL: started embedded PostgreSQL`);
  }
  if (!process.env.REDIS_URL) {
    const redis = await startRedis();
    if (redis) {
      services.push(redis);
      process.env.REDIS_URL = redis.url;
      console.log(`[tests] no REDIS_URL: started redis-server at ${redis.url}`);
    } else {
      console.log('[tests] no REDIS_URL and no redis-server installed: suites that need Redis are SKIPPED');
    }
  }

  // A migrated template; each test file clones it into a database of its own.
  // Named for this run only: global teardown drops it, and nothing else of another run is touched.
  // A mutation run (scripts/mutate.ts) builds one for all its jest runs: then there is nothing to build.
  if (templatePrebuilt()) return;
  process.env.CP2_TEMPLATE_DB = newTemplateName();
  await buildTemplateDatabase(process.env.DATABASE_URL as string, process.env.CP2_TEMPLATE_DB);
}
