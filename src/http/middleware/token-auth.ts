import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';

/** Constant-time comparison that does not leak the token's length either. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** AT signs nothing: when WEBHOOK_TOKEN is set, webhooks must carry ?token=<WEBHOOK_TOKEN>. */
export function webhookToken(token: string | undefined): Middleware {
  return async (ctx, next) => {
    if (token !== undefined) {
      const given = ctx.query.token;
      if (typeof given !== 'string' || !sameSecret(given, token)) {
        ctx.status = 401;
        ctx.type = 'text/plain';
        ctx.body = 'Unauthorized';
        return;
      }
    }
    await next();
  };
}

/** When `token` is set, the route needs `Authorization: Bearer <token>` (Prometheus' `bearer_token`). */
export function bearerToken(token: string | undefined): Middleware {
  return async (ctx, next) => {
    if (token !== undefined) {
      const match = /^Bearer (.+)$/.exec(ctx.get('authorization'));
      if (!match || !sameSecret(match[1] as string, token)) {
        ctx.status = 401;
        ctx.set('WWW-Authenticate', 'Bearer');
        ctx.type = 'text/plain';
        ctx.body = 'Unauthorized';
        return;
      }
    }
    await next();
  };
}
