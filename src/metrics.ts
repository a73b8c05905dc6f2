// Prometheus metrics, served at GET /metrics. One registry per app so tests can build several apps.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    ussdHops: new Counter({
      name: 'ussd_hops_total',
      help: 'USSD hops answered, by outcome (con, end, repeat, invalid, expired, busy, error, timeout)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    ussdHopSeconds: new Histogram({
      name: 'ussd_hop_duration_seconds',
      help: 'Time to answer a USSD hop, by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
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
