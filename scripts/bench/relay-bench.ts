// The outbox relay's throughput (issue 11): `messages` credential SMS queued in the bench's database, one
// OutboxRelay (the service's class, OUTBOX_CONCURRENCY sends in flight) sending them through the real AT
// gateway to a fake AT (tests/support/fake-at.ts) that holds every request `atDelayMs` before answering.
// Checks that each message reached the fake exactly once. The service's own relay must be stopped first
// (it would take messages too, to the simulator).
import pino from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { AtGateway } from '../../src/channels/sms/at-gateway';
import { DEFAULT_RELAY, OutboxRelay } from '../../src/channels/sms/outbox-relay';
import type { Db } from '../../src/db/knex';
import { createOutboxStore } from '../../src/domain/outbox';
import { createMetrics } from '../../src/metrics';
import { reply, startFakeAt } from '../../tests/support/fake-at';

export type RelayRun = {
  concurrency: number;
  messages: number;
  seconds: number;
  perSecond: number;
  /** Requests the fake AT got beyond one per message (0 when each was sent exactly once). */
  duplicates: number;
  missing: number;
  maxInFlight: number;
  /** CPU time of this process (the relay and the fake AT together) per SMS, µs. */
  cpuMicrosPerSms: number;
  /** SQL statements per SMS (claims and results). */
  queriesPerSms: number;
};

export async function benchRelay(
  db: Db,
  opts: { messages: number; concurrency: number; atDelayMs: number; sender: string },
): Promise<RelayRun> {
  const fake = await startFakeAt();
  try {
    fake.respondByDefault(reply.success({ delayMs: opts.atDelayMs }));
    await db('outbound_sms').del();
    const base = 254_790_000_000;
    for (let i = 0; i < opts.messages; i += 1000) {
      const rows = [];
      for (let k = i; k < Math.min(opts.messages, i + 1000); k++) {
        const username = String(base + k);
        rows.push({
          to_phone: `+${username}`,
          template: 'sms.credentials',
          language: 'en',
          params: { username, password: '482913', code: '*384*22262#', sms: opts.sender },
        });
      }
      await db('outbound_sms').insert(rows);
    }
    const gateway = new AtGateway({
      username: 'cp2bench',
      apiKey: 'not-a-key',
      timeoutMs: 10_000,
      smsUrl: fake.smsUrl,
    });
    const relay = new OutboxRelay(
      createOutboxStore(db),
      gateway,
      pino({ level: 'silent' }),
      createMetrics(),
      {
        ...DEFAULT_RELAY,
        sender: opts.sender,
        pollMs: 10,
        concurrency: opts.concurrency,
      },
    );
    const outstanding = async () =>
      Number(
        (
          (await db('outbound_sms')
            .whereIn('status', ['pending', 'sending'])
            .first(db.raw('count(*)::int as n'))) as {
            n: number;
          }
        ).n,
      );
    let queries = 0;
    const count = () => (queries += 1);
    db.on('query', count);
    const cpu = process.cpuUsage();
    const started = performance.now();
    relay.start();
    try {
      while ((await outstanding()) > 0) await sleep(20);
    } finally {
      await relay.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    db.off('query', count);
    const distinct = new Set(fake.requests.map((r) => r.to)).size;
    return {
      concurrency: opts.concurrency,
      messages: opts.messages,
      seconds,
      perSecond: opts.messages / seconds,
      duplicates: fake.requests.length - distinct,
      missing: opts.messages - distinct,
      maxInFlight: fake.maxInFlight(),
      cpuMicrosPerSms: (used.user + used.system) / opts.messages,
      // The outstanding-count polls of this function are not the relay's.
      queriesPerSms: (queries - seconds * 50) / opts.messages,
    };
  } finally {
    await db('outbound_sms').del();
    await fake.close();
  }
}
