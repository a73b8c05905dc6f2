// Wires the service together on opened resources: domain services → engine → Koa app, and the outbox
// relay with its SMS gateway. Shared by the process entry and the tests, so both run the same thing.
// The domain services are built here, once, on the database handles; channels and routes get the
// services, never a handle (the admin API still does: see AdminDeps).
import type Koa from 'koa';
import type { Logger } from 'pino';
import { AtGateway } from './channels/sms/at-gateway';
import type { SmsGateway } from './channels/sms/gateway';
import { DEFAULT_RELAY, OutboxRelay } from './channels/sms/outbox-relay';
import { SimulatorGateway } from './channels/sms/simulator-gateway';
import type { Config } from './config';
import { pingDb, type Db } from './db/knex';
import type { MenuServices } from '../menus';
import { createAccounts, type AccountDeps } from './domain/accounts';
import { erasedTeacherActor } from './domain/actors';
import { createDeliveryReports, type DeliveryReports } from './domain/delivery-reports';
import { createInboundSms, type InboundSmsService } from './domain/inbound-sms';
import { createOutboxStore, type OutboxStore } from './domain/outbox';
import { createPlaces } from './domain/places';
import { createPreferences } from './domain/preferences';
import { eraseAccount, paymentsDue } from './domain/personal-data/erasure';
import type { FieldCipher } from './domain/personal-data/field-cipher';
import { createProfiles } from './domain/profiles';
import { createSessionEnds, type SessionEnds } from './domain/session-analytics';
import { createApplications } from './domain/applications';
import { createVacancies } from './domain/vacancies';
import { createEngine, type UssdEngine } from './engine';
import type { SessionStore } from './engine/session-store';
import { createApp } from './http/app';
import { createMetrics, type Metrics } from './metrics';
import { createAdminServices } from './domain/admin-services';
import { createAttendance } from './domain/attendance';
import { paymentsPage } from './domain/claims';
import { createDuties } from './domain/duties';
import { createQueries } from './domain/queries';
import { systemClock, type Clock } from './domain/time';

/** The network the web phone says it is on (Safaricom): its screen limit is the one the phone shows. */
const WEB_PHONE_NETWORK = '63902';

export type Service = {
  app: Koa;
  engine: UssdEngine;
  metrics: Metrics;
  relay: OutboxRelay;
  gateway: SmsGateway;
};

/** The domain services the menus use, built on one database handle. */
export function createServices(
  db: Db,
  deps: AccountDeps,
  cipher: FieldCipher,
  clock: Clock = systemClock,
): MenuServices {
  const preferences = createPreferences(db);
  const queries = createQueries(db, { now: clock });
  return {
    callers: { lookup: (phone) => preferences.lookupCaller(phone) },
    preferences,
    accounts: {
      ...createAccounts(db, deps),
      erase: (accountId) => eraseAccount(db, accountId, erasedTeacherActor('ussd', accountId), deps),
      paymentDue: async (accountId) => {
        const due = await paymentsDue(db, accountId);
        return due.claims.length + due.duties.length > 0;
      },
    },
    profiles: createProfiles(db, cipher),
    places: createPlaces(db),
    vacancies: createVacancies(db),
    applications: createApplications(db, deps),
    duties: (() => {
      const duties = createDuties(db, { now: clock });
      const attendance = createAttendance(db, { now: clock });
      return {
        list: (accountId, page) => duties.list(accountId, page),
        details: (accountId, applicationId, lang) => duties.details(accountId, applicationId, lang),
        mark: (req) => attendance.mark(req),
      };
    })(),
    payments: {
      list: (accountId, page) => paymentsPage(db, accountId, clock(), page),
    },
    queries: {
      ask: (req) => queries.ask(req),
      list: (accountId, page) => queries.ofAccount(accountId, page),
    },
  };
}

/** The domain services the channels use besides the menus': SMS in and out, USSD session ends. */
export type ChannelServices = {
  inboundSms: InboundSmsService;
  deliveryReports: DeliveryReports;
  outbox: OutboxStore;
  sessionEnds: SessionEnds;
};

export function createChannelServices(
  db: Db,
  deps: AccountDeps,
  cipher: FieldCipher,
  clock: Clock = systemClock,
): ChannelServices {
  return {
    inboundSms: createInboundSms(db, { ...deps, cipher, clock }),
    deliveryReports: createDeliveryReports(db),
    outbox: createOutboxStore(db),
    sessionEnds: createSessionEnds(db),
  };
}

export function createGateway(config: Config): SmsGateway {
  if (config.smsGateway === 'simulator') return new SimulatorGateway();
  if (!config.at) throw new Error("Africa's Talking is chosen but not configured"); // loadConfig refuses this
  return new AtGateway(config.at);
}

export function buildService(
  config: Config,
  /** `adminDb`: the operator API's pool (resources.ts opens one); without it the admin routes share `db`. */
  resources: {
    db: Db;
    adminDb?: Db;
    store: SessionStore;
    inputDigestKey: Buffer;
    cipher: FieldCipher;
    /** What the duty rules read the day and time from (attendance, claims, queries); tests move it. */
    clock?: Clock;
  },
  log: Logger,
  gateway: SmsGateway = createGateway(config),
): Service {
  const { db, store } = resources;
  const adminDb = resources.adminDb ?? db;
  // A scrape counts applications by status and the outbox: reports, on the operator pool, not a hop's.
  const metrics = createMetrics({ db: adminDb });
  const accounts = { ussdCode: config.ussdServiceCode, smsCode: config.smsSender };
  const clock = resources.clock ?? systemClock;
  const channels = createChannelServices(db, accounts, resources.cipher, clock);
  const engine = createEngine(store, createServices(db, accounts, resources.cipher, clock), {
    sessionTtlSeconds: config.sessionTtlSeconds,
    resumeWindowSeconds: config.resumeWindowSeconds,
    hopDeadlineMs: config.hopDeadlineMs,
    screenLimit: config.screenLimit,
    globals: { code: config.ussdServiceCode, sms: config.smsSender },
    inputDigestKey: resources.inputDigestKey,
  });
  const relay = new OutboxRelay(channels.outbox, gateway, log.child({ component: 'outbox' }), metrics, {
    ...DEFAULT_RELAY,
    sender: config.smsSender,
    pollMs: config.outboxPollMs,
    concurrency: config.outboxConcurrency,
  });
  const simulator = gateway instanceof SimulatorGateway ? gateway : undefined;
  const app = createApp({
    log,
    metrics,
    engine,
    sessionEnds: channels.sessionEnds,
    sms: {
      inbound: channels.inboundSms,
      deliveryReports: channels.deliveryReports,
      simulator,
    },
    web: {
      // The web phone's inbox is the simulator's: no simulator, no phone.
      phone: simulator && {
        serviceCode: config.ussdServiceCode,
        smsCode: config.smsSender,
        networkCode: WEB_PHONE_NETWORK,
        screenLimit: config.screenLimit.byNetwork[WEB_PHONE_NETWORK] ?? config.screenLimit.default,
        tokenRequired: config.webhookToken !== undefined,
      },
    },
    admin: {
      tokens: config.adminTokens,
      deps: {
        services: createAdminServices(adminDb, { codes: accounts, cipher: resources.cipher, log, clock }),
        log,
        metrics,
      },
    },
    webhookToken: config.webhookToken,
    shed: config.shed,
    metricsToken: config.metricsToken,
    probes: [
      { name: 'database', check: () => pingDb(db) },
      { name: 'sessions', check: () => store.ping() },
    ],
  });
  return { app, engine, metrics, relay, gateway };
}
