// Wires the service together on opened resources: domain services → engine → Koa app. Shared by the
// process entry and the tests, so both run the same thing.
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { Config } from './config';
import { pingDb, type Db } from './db/knex';
import { createServices } from './domain';
import { createEngine, type UssdEngine } from './engine';
import type { SessionStore } from './engine/session-store';
import { createApp } from './http/app';
import { createMetrics, type Metrics } from './metrics';

export type Service = { app: Koa; engine: UssdEngine; metrics: Metrics };

export function buildService(
  config: Config,
  resources: { db: Db; store: SessionStore },
  log: Logger,
): Service {
  const { db, store } = resources;
  const metrics = createMetrics();
  const engine = createEngine(store, createServices(db), {
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
      { name: 'database', check: () => pingDb(db) },
      { name: 'sessions', check: () => store.ping() },
    ],
  });
  return { app, engine, metrics };
}
