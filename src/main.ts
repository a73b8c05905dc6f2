// Process entry: config → resources → app → listen; graceful shutdown on SIGTERM/SIGINT.
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config';
import { pingDb } from './db/knex';
import { createServices } from './domain';
import { createEngine } from './engine';
import { createApp } from './http/app';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { openResources } from './resources';

function readConfig(): Config {
  try {
    process.loadEnvFile?.('.env');
  } catch {
    // no .env file: the environment alone is used
  }
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger(config.logLevel);
  const resources = await openResources(config, log);
  const metrics = createMetrics();
  const engine = createEngine(resources.store, createServices(resources.db), {
    sessionTtlSeconds: config.sessionTtlSeconds,
    resumeWindowSeconds: config.resumeWindowSeconds,
    hopDeadlineMs: config.hopDeadlineMs,
    screenLimit: config.screenLimit,
    globals: { code: config.ussdServiceCode, sms: config.smsSender },
  });
  const app = createApp({
    log,
    metrics,
    engine,
    webhookToken: config.webhookToken,
    probes: [
      { name: 'database', check: () => pingDb(resources.db) },
      { name: 'sessions', check: () => resources.store.ping() },
    ],
  });
  const server: Server = app.listen(config.port, () => {
    log.info({ port: config.port }, `listening on http://localhost:${config.port} (POST /ussd)`);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new requests, finishing those in flight');
    const force = setTimeout(() => {
      log.error('in-flight requests did not finish within 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close(async () => {
      await resources.close();
      log.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
