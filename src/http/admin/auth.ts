import type { Middleware } from 'koa';
import { sameSecret } from '../middleware/token-auth';

declare module 'koa' {
  interface DefaultState {
    /** The name of the operator token that authenticated this admin request (for the audit trail). */
    adminName?: string;
  }
}

/**
 * `Authorization: Bearer <token>` against the configured named tokens. With none configured the admin
 * API is refused (403), so an operator cannot forget to protect it.
 */
export function adminAuth(tokens: { name: string; token: string }[]): Middleware {
  return async (ctx, next) => {
    if (tokens.length === 0) {
      ctx.status = 403;
      ctx.body = { error: 'the admin API is disabled: set ADMIN_TOKEN or ADMIN_TOKENS' };
      return;
    }
    const match = /^Bearer (.+)$/.exec(ctx.get('authorization'));
    // Every configured token is compared, in constant time, whatever matches first.
    const found = match ? tokens.filter((t) => sameSecret(match[1] as string, t.token)) : [];
    if (found.length === 0) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.body = { error: 'missing or unknown bearer token' };
      return;
    }
    ctx.state.adminName = found[0]?.name;
    await next();
  };
}
