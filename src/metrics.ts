// Prometheus metrics, served at GET /metrics. One registry per app so tests can build several apps.
// docs/analytics.md lists them.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from './db/knex';
import { createOutboxStore } from './domain/outbox';
import { createQueries } from './domain/queries';
import { JOURNEYS, journeyOfScreen as journeyOf } from './domain/screens';
import { APPLICATION_STATUSES } from './domain/application-status';

/**
 * The values of the `journey` label of the USSD hop metrics: the journeys of the screen catalogue
 * (src/domain/screens.ts) and `other`, a fixed set whatever the screen ids.
 */
export const HOP_JOURNEYS = [...JOURNEYS, 'other'] as const;

/** The journey (menu) a screen id belongs to, as the screen catalogue declares it; `other` if unknown. */
export function journeyOfScreen(screenId: string): (typeof HOP_JOURNEYS)[number] {
  return journeyOf(screenId);
}

/** With `db`, the gauges read on scrape (outbox, applications) are registered too. */
export function createMetrics(opts: { db?: Db } = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { db } = opts;
  if (db) {
    const outbox = createOutboxStore(db);
    // Both outbox gauges come from one query per scrape.
    let pendingDepth: Promise<{ due: number; oldestDueSeconds: number }> | undefined;
    const depth = () => {
      pendingDepth ??= outbox.depth().finally(() => {
        pendingDepth = undefined;
      });
      return pendingDepth;
    };
    new Gauge({
      name: 'outbox_depth',
      help: 'Outbound SMS waiting to be sent (pending or being sent)',
      registers: [registry],
      async collect() {
        this.set((await depth()).due);
      },
    });
    new Gauge({
      name: 'outbox_oldest_due_seconds',
      help: 'Age in seconds of the oldest outbound SMS waiting to be sent (0 when none)',
      registers: [registry],
      async collect() {
        this.set((await depth()).oldestDueSeconds);
      },
    });
    // Teachers' queries waiting for an answer: how many, and how long the oldest has waited (one query).
    const queries = createQueries(db);
    let pendingQueries: Promise<{ open: number; oldestSeconds: number }> | undefined;
    const openQueries = () => {
      pendingQueries ??= queries.openStats().finally(() => {
        pendingQueries = undefined;
      });
      return pendingQueries;
    };
    new Gauge({
      name: 'queries_open',
      help: "Teachers' queries not answered yet",
      registers: [registry],
      async collect() {
        this.set((await openQueries()).open);
      },
    });
    new Gauge({
      name: 'queries_oldest_open_seconds',
      help: "Age in seconds of the oldest teacher's query not answered yet (0 when none)",
      registers: [registry],
      async collect() {
        this.set((await openQueries()).oldestSeconds);
      },
    });
    new Gauge({
      name: 'applications',
      help: `Applications by status (${APPLICATION_STATUSES.join(', ')})`,
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        const rows = (await db('applications')
          .select('status')
          .count<{ status: string; n: string }[]>('* as n')
          .groupBy('status')) as unknown as { status: string; n: string }[];
        this.reset();
        for (const status of APPLICATION_STATUSES) this.set({ status }, 0);
        for (const r of rows) this.set({ status: r.status }, Number(r.n));
      },
    });
  }
  return {
    registry,
    ussdHops: new Counter({
      name: 'ussd_hops_total',
      help: 'USSD hops answered, by journey (menu) and outcome (con, end, repeat, invalid, expired, busy, error, timeout)',
      labelNames: ['journey', 'outcome'] as const,
      registers: [registry],
    }),
    ussdHopSeconds: new Histogram({
      name: 'ussd_hop_duration_seconds',
      help: 'Time to answer a USSD hop, by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    ussdHopsShed: new Counter({
      name: 'ussd_hops_shed_total',
      help: 'USSD hops answered "busy, try again in a minute" before any work, by reason (in_flight, lag)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    smsOutbound: new Counter({
      name: 'sms_outbound_total',
      help: 'Outbound SMS send attempts, by result (sent, retry, failed)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    smsInbound: new Counter({
      name: 'sms_inbound_total',
      help: 'Inbound SMS, by keyword (or duplicate)',
      labelNames: ['keyword'] as const,
      registers: [registry],
    }),
    httpErrors: new Counter({
      name: 'http_errors_total',
      help: 'Requests that failed inside the service, by route',
      labelNames: ['route'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
