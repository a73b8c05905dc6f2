import Router from '@koa/router';
import { acceptSessionEvent, answerUssd } from '../../channels/ussd/at-ussd-adapter';
import type { Db } from '../../db/knex';
import type { UssdEngine } from '../../engine/engine';
import type { Metrics } from '../../metrics';

export function ussdRoutes(deps: { engine: UssdEngine; metrics: Metrics; db?: Db }): Router {
  const router = new Router();
  router.post('/ussd', async (ctx) => {
    const reply = await answerUssd(ctx.request.body, { ...deps, log: ctx.log });
    ctx.status = reply.status;
    ctx.type = 'text/plain';
    ctx.body = reply.body;
  });
  router.post('/ussd/events', async (ctx) => {
    const reply = await acceptSessionEvent(ctx.request.body, { ...deps, log: ctx.log });
    ctx.status = reply.status;
    ctx.type = 'text/plain';
    ctx.body = reply.body;
  });
  return router;
}
