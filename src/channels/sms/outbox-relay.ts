// Sends what the outbox holds. Runs in the service process; several instances may run at once (claims
// use FOR UPDATE SKIP LOCKED), and a message claimed by a process that died is claimed again once its
// visibility timeout passes. Delivery is at-least-once: see docs/decisions/0004-outbox.md.
//
// Up to `concurrency` sends in flight: as send slots free up, it claims that many messages (never more
// than it can send at once) and sends each as soon as it is claimed. AT has no idempotency key, so every
// send in flight when the process dies is sent again: a crash sends at most `concurrency` messages twice
// (decision 0018, which revisits 0004's one at a time). `concurrency: 1` is the old relay.
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
  /** Sends in flight at most; also the most that one crash of this process sends twice. */
  concurrency: number;
};

export const DEFAULT_RELAY: Omit<RelayOptions, 'sender' | 'pollMs'> = {
  visibilityMs: 60_000,
  maxAttempts: 3,
  // 3 attempts over about 15 minutes.
  backoffMs: [3 * 60_000, 12 * 60_000],
  // The service sets OUTBOX_CONCURRENCY (32 by default); one is the bound on duplicates the tests rely on.
  concurrency: 1,
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

  /** Finishes the sends in flight, then stops. */
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

  /**
   * Sends until nothing is due: claims as many messages as there are free slots, starts each send, and
   * claims again once a quarter of the slots are free (one claim query for several messages, not one per
   * message); returns when nothing was claimed and no send is in flight.
   */
  private async drain(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const limit = Math.max(1, this.opts.concurrency);
    const refill = Math.ceil(limit / 4);
    try {
      while (!this.stopped) {
        while (inFlight.size > limit - refill) await Promise.race(inFlight);
        if (this.stopped) break;
        const claimed = await this.store.claimUpTo(limit - inFlight.size, this.opts.visibilityMs);
        for (const m of claimed) {
          const send: Promise<void> = this.deliver(m)
            .catch((err: unknown) => this.log.error({ err, outboxId: m.id }, 'outbox send failed'))
            .finally(() => inFlight.delete(send));
          inFlight.add(send);
        }
        if (inFlight.size === 0) return;
        // Nothing more is due right now: wait for a send to end, then look again.
        if (claimed.length === 0) await Promise.race(inFlight);
      }
    } finally {
      await Promise.all(inFlight);
    }
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
