import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Metrics } from '../../metrics';

declare module 'koa' {
  interface DefaultContext {
    log: Logger;
    requestId: string;
  }
}

/** A request id per request (AT's X-Request-Id when given), a child logger, one log line per request. */
export function requestContext(log: Logger): Middleware {
  return async (ctx, next) => {
    const given = ctx.get('x-request-id');
    ctx.requestId = /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    ctx.set('X-Request-Id', ctx.requestId);
    ctx.log = log.child({ requestId: ctx.requestId });
    const started = process.hrtime.bigint();
    await next();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (ctx.path !== '/healthz' && ctx.path !== '/metrics') {
      ctx.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    }
  };
}

/** Any error becomes a short answer without a stack trace; the details go to the log only. */
export function errorHandler(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const status = (err as { status?: number }).status ?? 500;
      const expose = (err as { expose?: boolean }).expose === true;
      if (status >= 500) {
        // The route's pattern, not the path a caller chose: a label per path is unbounded memory.
        const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
        metrics.httpErrors.inc({ route: typeof route === 'string' ? route : 'unmatched' });
        ctx.log.error({ err }, 'request failed');
      }
      ctx.status = status;
      ctx.type = 'text/plain';
      ctx.body = expose ? (err as Error).message : status >= 500 ? 'Internal error' : 'Bad request';
    }
  };
}
