// Headers of every answer the web phone and the console are made of (pages, scripts, styles, the phone's
// settings). Everything a teacher typed reaches these pages (names, queries), so the pages are built to
// hold it as text (textContent, never innerHTML), and the browser is told to run nothing else: scripts
// and styles only from files of this origin, no inline script or style, no plugins, no framing.
import type { Middleware } from 'koa';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function webSecurityHeaders(): Middleware {
  return async (ctx, next) => {
    await next();
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cache-Control', 'no-store');
  };
}
