import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { acceptSessionEvent, answerUssd } from '../../channels/ussd/at-ussd-adapter';
import type { SessionEnds } from '../../domain/session-analytics';
import type { UssdEngine } from '../../engine/engine';
import type { Metrics } from '../../metrics';
import { exactRouter } from '../router';

/** `guard` is the webhook token check, part of each route so that no spelling of the path skips it. */
export function ussdRoutes(
  deps: { engine: UssdEngine; metrics: Metrics; sessionEnds?: SessionEnds },
  guard: Middleware,
): Router {
  const router = exactRouter();
  router.post('/ussd', guard, async (ctx) => {
    const receivedAt = (ctx.state as { receivedAt?: number }).receivedAt;
    const reply = await answerUssd(ctx.request.body, { ...deps, log: ctx.log }, receivedAt);
    ctx.status = reply.status;
    ctx.type = 'text/plain';
    ctx.body = reply.body;
  });
  router.post('/ussd/events', guard, async (ctx) => {
    const reply = await acceptSessionEvent(ctx.request.body, { ...deps, log: ctx.log });
    ctx.status = reply.status;
    ctx.type = 'text/plain';
    ctx.body = reply.body;
  });
  return router;
}
