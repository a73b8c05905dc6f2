// Load shedding for POST /ussd. Past a limit of hops in flight, or while the event loop lags, a hop is
// answered at once, before its body is read, with a short "busy, try again in a minute" END in both
// languages. A hop without the webhook token (when one is set) is never answered "busy": it goes on to be
// refused 401 as always, so the token contract holds under load too. Served hops then keep their latency instead of every hop queueing
// past its deadline (docs/decisions/0018-load-shedding-and-relay-concurrency.md).
import type { Middleware } from 'koa';
import { translate } from '../../domain/copy';
import type { Metrics } from '../../metrics';
import { eventLoopLag, type EventLoopLag } from '../event-loop-lag';
import { sameSecret } from './token-auth';

export type ShedLimits = {
  /** Hops in flight (this process) beyond which a hop is shed; 0: no limit. */
  maxInFlight: number;
  /** Sustained event-loop lag (ms) beyond which a hop is shed; 0: not checked. */
  maxLagMs: number;
};

/** What a shed hop is answered: the caller's language is not known without work, so both. */
export const SHED_ANSWER = `END ${translate('en', 'ussd.shed')} / ${translate('sw', 'ussd.shed')}`;
/** Seconds, as the copy says ("in a minute"). AT ignores it; a proxy or a test client may not. */
export const SHED_RETRY_AFTER = '60';

export function loadShedding(
  limits: ShedLimits,
  metrics: Metrics,
  /** WEBHOOK_TOKEN, when set. */
  webhookToken?: string,
  lag: EventLoopLag | undefined = limits.maxLagMs > 0 ? eventLoopLag() : undefined,
): Middleware {
  const authorised = (token: unknown) =>
    webhookToken === undefined || (typeof token === 'string' && sameSecret(token, webhookToken));
  let inFlight = 0;
  const shed = (): 'in_flight' | 'lag' | undefined => {
    if (limits.maxInFlight > 0 && inFlight >= limits.maxInFlight) return 'in_flight';
    if (lag && lag.sustainedMs() > limits.maxLagMs) return 'lag';
    return undefined;
  };
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/ussd') {
      await next();
      return;
    }
    const reason = shed();
    if (reason && authorised(ctx.query.token)) {
      metrics.ussdHopsShed.inc({ reason });
      ctx.status = 200;
      ctx.type = 'text/plain';
      ctx.set('Retry-After', SHED_RETRY_AFTER);
      ctx.body = SHED_ANSWER;
      return;
    }
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
  };
}
