import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { receiveDeliveryReport } from '../../channels/sms/delivery-reports';
import { receiveInboundSms } from '../../channels/sms/inbound-sms';
import type { SimulatorGateway } from '../../channels/sms/simulator-gateway';
import type { DeliveryReports } from '../../domain/delivery-reports';
import type { InboundSmsService } from '../../domain/inbound-sms';
import { normalisePhone } from '../../domain/phone';
import type { Metrics } from '../../metrics';
import { exactRouter } from '../router';

/** `guard` is the webhook token check, part of each webhook route (not of the simulator inbox). */
export function smsRoutes(
  deps: {
    inbound: InboundSmsService;
    deliveryReports: DeliveryReports;
    metrics: Metrics;
    simulator?: SimulatorGateway;
  },
  guard: Middleware,
): Router {
  const router = exactRouter();
  const reply = (
    ctx: { status: number; type: string; body: unknown },
    r: { status: number; body: string },
  ) => {
    ctx.status = r.status;
    ctx.type = 'text/plain';
    ctx.body = r.body;
  };
  router.post('/sms/inbound', guard, async (ctx) => {
    reply(ctx, await receiveInboundSms(ctx.request.body, { ...deps, log: ctx.log as Logger }));
  });
  router.post('/sms/delivery', guard, async (ctx) => {
    reply(
      ctx,
      await receiveDeliveryReport(ctx.request.body, {
        reports: deps.deliveryReports,
        log: ctx.log as Logger,
      }),
    );
  });
  // The simulator's inbox exists only while outbound SMS go to the simulator.
  const simulator = deps.simulator;
  if (simulator) {
    router.get('/simulator/messages', (ctx) => {
      const to = typeof ctx.query.to === 'string' ? normalisePhone(ctx.query.to) : undefined;
      if (!to) {
        ctx.status = 400;
        ctx.body = { error: 'to must be a Kenyan mobile number (+2547..., 2547... or 07...)' };
        return;
      }
      ctx.body = { messages: simulator.messagesTo(to) };
    });
  }
  return router;
}
