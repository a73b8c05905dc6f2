// Refuses paths spelled other than canonically before any router sees them: percent-encoding, empty,
// `.` or `..` segments, a trailing slash, a backslash. No route of ours needs any of these, and refusing
// them means a guard never has to reason about what a router, a proxy or a decoder might make of them.
import type { Middleware } from 'koa';

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.~-]*$/;

export function isCanonicalPath(path: string): boolean {
  if (path === '/') return true;
  if (!path.startsWith('/')) return false;
  return path
    .slice(1)
    .split('/')
    .every((s) => SEGMENT.test(s) && s !== '.' && s !== '..');
}

export function canonicalPath(): Middleware {
  return async (ctx, next) => {
    if (!isCanonicalPath(ctx.path)) {
      ctx.status = 404;
      ctx.type = 'text/plain';
      ctx.body = 'Not found';
      return;
    }
    await next();
  };
}
