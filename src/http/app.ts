// The Koa app: middleware in order (request id and log line, errors, body), then the routes.
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { SimulatorGateway } from '../channels/sms/simulator-gateway';
import type { DeliveryReports } from '../domain/delivery-reports';
import type { InboundSmsService } from '../domain/inbound-sms';
import type { SessionEnds } from '../domain/session-analytics';
import type { UssdEngine } from '../engine/engine';
import type { Metrics } from '../metrics';
import { canonicalPath } from './middleware/canonical-path';
import { loadShedding, type ShedLimits } from './middleware/load-shedding';
import { errorHandler, requestContext } from './middleware/request-context';
import { webhookToken } from './middleware/token-auth';
import { healthRoutes, type Probe } from './routes/health';
import { adminRouter, type AdminDeps } from './admin';
import { smsRoutes } from './routes/sms';
import { ussdRoutes } from './routes/ussd';
import { webRoutes, type WebDeps } from './web';

export type AppDeps = {
  log: Logger;
  metrics: Metrics;
  engine: UssdEngine;
  probes: Probe[];
  webhookToken?: string;
  /** GET /metrics needs this bearer token when set. */
  metricsToken?: string;
  /** Where AT's end-of-session notifications are stored (POST /ussd/events). */
  sessionEnds?: SessionEnds;
  /** The SMS webhooks (and the simulator inbox while SMS go to the simulator). */
  sms?: { inbound: InboundSmsService; deliveryReports: DeliveryReports; simulator?: SimulatorGateway };
  /** The operator API under /admin (refused while no token is configured). */
  admin?: { tokens: { name: string; token: string }[]; deps: AdminDeps };
  /** Load shedding on POST /ussd; without it, none. */
  shed?: ShedLimits;
  /** The web phone (with the simulator) and the operator console (always; it needs an operator token). */
  web?: WebDeps;
};

/** A body that does not parse (or is too large) reaches the handler as no body, which refuses it in the
 * webhook's own terms (USSD: "END Bad request"). */
const parser = (jsonLimit: string) =>
  bodyParser({
    enableTypes: ['form', 'json'],
    formLimit: '16kb',
    jsonLimit,
    onError: (_err, ctx) => {
      ctx.request.body = undefined;
    },
  });

export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: true });
  // Koa prints what reaches it to stderr; a client that hangs up mid-answer (an export cut short) is
  // routine, anything else an error: both go to the log instead.
  app.on('error', (err: NodeJS.ErrnoException, ctx?: Koa.Context) => {
    const gone =
      ['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE'].includes(err.code ?? '') ||
      err.message === 'Premature close';
    const log = ctx?.log ?? deps.log;
    if (gone) log.debug({ err: err.message }, 'client went away before the answer ended');
    else log.error({ err }, 'request error');
  });
  const guard = webhookToken(deps.webhookToken);
  // When the request reached us: a hop's deadline counts from here, not from when the engine got it
  // (under load, parsing and queueing behind other requests take time the caller waits too).
  app.use((ctx, next) => {
    ctx.state.receivedAt = Date.now();
    return next();
  });
  // First, before a log line, the body or the token: a shed hop must cost next to nothing.
  if (deps.shed) app.use(loadShedding(deps.shed, deps.metrics, deps.webhookToken));
  app.use(requestContext(deps.log));
  app.use(errorHandler(deps.metrics));
  app.use(canonicalPath());
  // AT's webhooks carry a few short fields: 16 kB is plenty. Admin bulk review sends up to 500 ids and a
  // reason (CSV uploads are text bodies read by their own route). Paths are exact (canonicalPath and
  // the routers), so only the /admin routes get the larger limit.
  const small = parser('16kb');
  const large = parser('64kb');
  app.use((ctx, next) => (ctx.path.startsWith('/admin/') ? large(ctx, next) : small(ctx, next)));
  const routers = [healthRoutes(deps), ussdRoutes(deps, guard)];
  if (deps.sms) routers.push(smsRoutes({ ...deps.sms, metrics: deps.metrics }, guard));
  if (deps.admin) routers.push(adminRouter(deps.admin.tokens, deps.admin.deps));
  routers.push(webRoutes(deps.web ?? {}));
  for (const router of routers) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
}
