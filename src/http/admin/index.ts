// /admin: the operator API. Every route needs `Authorization: Bearer <token>` (auth.ts); requests are
// validated against the same zod schemas that make /admin/openapi.json (api.ts).
import Router from '@koa/router';
import { AdminApi } from './api';
import { registerApplicationsRoutes } from './applications';
import { adminAuth } from './auth';
import type { AdminDeps } from './deps';
import { registerExportsRoutes } from './exports';
import { registerReportsRoutes } from './reports';
import { registerVacanciesRoutes } from './vacancies';

export type { AdminDeps };

export function adminRouter(tokens: { name: string; token: string }[], deps: AdminDeps): Router {
  const api = new AdminApi();
  registerVacanciesRoutes(api, deps);
  registerApplicationsRoutes(api, deps);
  registerExportsRoutes(api, deps);
  registerReportsRoutes(api, deps);
  api.router.get('/openapi.json', (ctx) => {
    ctx.body = api.document();
  });
  const router = new Router({ prefix: '/admin' });
  router.use(adminAuth(tokens));
  router.use(api.router.routes(), api.router.allowedMethods());
  return router;
}
