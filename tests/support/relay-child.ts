// One outbox relay in a process of its own, for the crash tests (tests/sms/outbox-relay.test.ts): a test
// SIGKILLs it while it is in the middle of a send. Built from the same src/ modules as the service.
// Settings from the environment:
//   DATABASE_URL   the test database
//   AT_SMS_URL     the fake AT server's SMS URL
//   VISIBILITY_MS  how long its claims are honoured (default 1000)
//   AT_TIMEOUT_MS  the gateway's timeout (default 60000: a hanging AT holds the send until the kill)
//   CONCURRENCY    sends in flight at once (default 1)
// Runs until killed; prints "relay started" on stdout once polling.
import pino from 'pino';
import { AtGateway } from '../../src/channels/sms/at-gateway';
import { DEFAULT_RELAY, OutboxRelay } from '../../src/channels/sms/outbox-relay';
import { createDb } from '../../src/db/knex';
import { createOutboxStore } from '../../src/domain/outbox';
import { createMetrics } from '../../src/metrics';

function env(name: string, fallback?: string): string {
  const v = process.env[name] ?? fallback;
  if (!v) {
    console.error(`relay-child: ${name} is required`);
    process.exit(2);
  }
  return v;
}

const db = createDb(env('DATABASE_URL'));
const gateway = new AtGateway({
  username: 'cp2council',
  apiKey: env('AT_API_KEY', 'atsk_child'),
  timeoutMs: Number(env('AT_TIMEOUT_MS', '60000')),
  smsUrl: env('AT_SMS_URL'),
});
const relay = new OutboxRelay(createOutboxStore(db), gateway, pino({ level: 'silent' }), createMetrics(), {
  ...DEFAULT_RELAY,
  sender: '22262',
  pollMs: 20,
  visibilityMs: Number(env('VISIBILITY_MS', '1000')),
  concurrency: Number(env('CONCURRENCY', '1')),
});
relay.start();
console.log('relay started');
// The relay's timer is unref'd: keep the process alive until it is killed.
setInterval(() => undefined, 60_000);
