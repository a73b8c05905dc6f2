// The service under test, in this process, opened and built exactly as `npm start` does (openResources,
// buildService, the outbox relay running; SMS go to the simulator), on a given database and Redis,
// listening on a random port with logging off.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { openResources } from '../../src/resources';
import { buildService, type Service } from '../../src/service';
import { closeServer, listen, type Cleanups } from './util';
import { NOT_SECRET_DATA_KEY } from '../../src/domain/personal-data/field-cipher';

export type Running = {
  url: string;
  adminToken: string;
  service: Service;
  smsCode: string;
  ussdCode: string;
  /** Errors Koa reported for responses whose client left (the bench cuts long exports). */
  clientAborts: () => number;
  /** Knex's "Acquire connection error" warnings: a query waited for a pooled connection in vain. */
  acquireTimeouts: () => number;
};

/**
 * Knex prints "Acquire connection error" with a stack (console.log) each time a query waits too long for a
 * pooled connection: under load that is hundreds of lines. They are counted and reported instead.
 */
function countKnexAcquireWarnings(cleanups: Cleanups): () => number {
  let n = 0;
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('Acquire connection error')) n += 1;
    else log(...args);
  };
  cleanups.push(async () => {
    console.log = log;
  });
  return () => n;
}

const CLIENT_LEFT = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'EPIPE', 'ECONNRESET']);

export async function startService(dbUrl: string, redisUrl: string, cleanups: Cleanups): Promise<Running> {
  const adminToken = randomBytes(16).toString('hex');
  const config = loadConfig({
    DATABASE_URL: dbUrl,
    REDIS_URL: redisUrl,
    SMS_GATEWAY: 'simulator',
    ADMIN_TOKEN: adminToken,
    // The key the bench's data sets were encrypted with (synthetic data, a published key).
    DATA_KEY: NOT_SECRET_DATA_KEY,
    // Silent by default: logging is not what is measured. BENCH_LOG_LEVEL=error shows why hops fail.
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'silent',
  });
  const log = createLogger(config.logLevel, process.stderr);
  const acquireTimeouts = countKnexAcquireWarnings(cleanups);
  const resources = await openResources(config, log);
  cleanups.push(() => resources.close());
  // Hops still in flight when the server closes finish within the hop deadline; let them.
  cleanups.push(() => sleep(500));
  const service = buildService(config, resources, log);
  // Koa prints every error of a response to stderr when nobody listens; a client that leaves in the
  // middle of an export is expected here (the bench cuts them): counted, not printed.
  let clientAborts = 0;
  service.app.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code && CLIENT_LEFT.has(err.code)) clientAborts += 1;
    else console.error(`service error: ${err.stack ?? err.message}`);
  });
  service.relay.start();
  cleanups.push(() => service.relay.stop());
  const { server, url } = await listen(service.app);
  cleanups.push(() => closeServer(server));
  return {
    url,
    adminToken,
    service,
    smsCode: config.smsSender,
    ussdCode: config.ussdServiceCode,
    clientAborts: () => clientAborts,
    acquireTimeouts,
  };
}
