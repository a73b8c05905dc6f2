// Every router of the app matches paths exactly: case-sensitive, no trailing slash. A guard attached to
// a route then covers every spelling that reaches the handler, because there is only one.
import Router from '@koa/router';

export function exactRouter(opts: { prefix?: string } = {}): Router {
  return new Router({ ...opts, sensitive: true, strict: true });
}
