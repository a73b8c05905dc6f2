// Sends what the outbox holds. Runs in the service process; several instances may run at once (claims
// use FOR UPDATE SKIP LOCKED), and a message claimed by a process that died is claimed again once its
// visibility timeout passes. Delivery is at-least-once: see docs/decisions/0004-outbox.md.
//
// One message at a time: claim, send, record, next. AT has no idempotency key, so every send in flight
// when the process dies is sent again; one in flight bounds a crash to one duplicate. Throughput comes
// from running more relays (one per instance), not from concurrency within one.
import type { Logger } from 'pino';
import type { OutboundSms, OutboxStore } from '../../domain/outbox';
import type { Metrics } from '../../metrics';
import type { SmsGateway } from './gateway';
import { renderSms } from './render-sms';

export type RelayOptions = {
  sender: string;
  pollMs: number;
  /** How long a claim is honoured before another relay may take the message. */
  visibilityMs: number;
  maxAttempts: number;
  /** Delay before attempt n+1 after attempt n failed, before jitter. */
  backoffMs: readonly number[];
};

export const DEFAULT_RELAY: Omit<RelayOptions, 'sender' | 'pollMs'> = {
  visibilityMs: 60_000,
  maxAttempts: 3,
  // 3 attempts over about 15 minutes.
  backoffMs: [3 * 60_000, 12 * 60_000],
};

/** ±25% so that messages failed together are not all retried at the same moment. */
function jitter(ms: number): number {
  return Math.round(ms * (0.75 + Math.random() * 0.5));
}

export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly store: OutboxStore,
    private readonly gateway: SmsGateway,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly opts: RelayOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Finishes the send in flight, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = this.drain().catch((err: unknown) => this.log.error({ err }, 'outbox relay failed'));
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule(this.opts.pollMs);
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (await this.runOnce()) > 0);
  }

  /** Claims one due message and sends it; returns how many it claimed (0 or 1). */
  async runOnce(): Promise<number> {
    const m = await this.store.claimNext(this.opts.visibilityMs);
    if (!m) return 0;
    await this.deliver(m);
    return 1;
  }

  private async deliver(m: OutboundSms): Promise<void> {
    const log = this.log.child({ outboxId: m.id, template: m.template, attempt: m.attempts });
    const claim = { id: m.id, attempts: m.attempts };
    // A claim that expired while we were sending was taken over by another relay: its result stands.
    const recorded = (current: boolean, result: 'sent' | 'retry' | 'failed') => {
      this.metrics.smsOutbound.inc({ result });
      if (!current) log.warn({ result }, 'claim was taken over by another relay; our result is not recorded');
      return current;
    };
    let text: string;
    try {
      text = renderSms(m.template, m.language, m.params);
    } catch (err) {
      if (
        recorded(await this.store.markFailed(claim, `cannot render: ${(err as Error).message}`), 'failed')
      ) {
        log.error('outbound SMS has an unknown template; given up');
      }
      return;
    }
    const result = await this.gateway.send({ to: m.to_phone, from: this.opts.sender, text });
    if (result.kind === 'sent') {
      if (
        recorded(await this.store.markSent(claim, result.providerMessageId, result.providerStatus), 'sent')
      ) {
        log.info({ providerMessageId: result.providerMessageId }, 'SMS sent');
      }
      return;
    }
    const delay = this.opts.backoffMs[m.attempts - 1];
    if (result.kind === 'retry' && m.attempts < this.opts.maxAttempts && delay !== undefined) {
      const next = new Date(Date.now() + jitter(delay));
      if (recorded(await this.store.markRetry(claim, result.error, next), 'retry')) {
        log.warn({ error: result.error }, 'SMS not sent; will retry');
      }
      return;
    }
    const providerStatus = result.kind === 'permanent' ? result.providerStatus : undefined;
    if (recorded(await this.store.markFailed(claim, result.error, providerStatus), 'failed')) {
      log.error({ error: result.error, permanent: result.kind === 'permanent' }, 'SMS not sent; given up');
    }
  }
}
