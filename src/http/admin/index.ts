// /admin: the operator API. Every route needs `Authorization: Bearer <token>` (auth.ts); requests are
// validated against the same zod schemas that make /admin/openapi.json (api.ts).
import type Router from '@koa/router';
import { AdminApi } from './api';
import { registerAccountsRoutes } from './accounts';
import { registerApplicationsRoutes } from './applications';
import { adminAuth } from './auth';
import type { AdminDeps } from './deps';
import { registerDutiesRoutes } from './duties';
import { registerExportsRoutes } from './exports';
import { registerReportsRoutes } from './reports';
import { registerVacanciesRoutes } from './vacancies';
import { exactRouter } from '../router';

export type { AdminDeps };

export function adminApi(tokens: { name: string; token: string }[], deps: AdminDeps): AdminApi {
  const api = new AdminApi(adminAuth(tokens));
  registerVacanciesRoutes(api, deps);
  registerApplicationsRoutes(api, deps);
  registerExportsRoutes(api, deps);
  registerReportsRoutes(api, deps);
  registerAccountsRoutes(api, deps);
  registerDutiesRoutes(api, deps);
  api.route(
    { method: 'get', path: '/openapi.json', summary: 'this document', responses: { 200: 'OpenAPI 3.1' } },
    async (ctx) => {
      ctx.body = api.document();
    },
  );
  return api;
}

export function adminRouter(tokens: { name: string; token: string }[], deps: AdminDeps): Router {
  const api = adminApi(tokens, deps);
  const router = exactRouter({ prefix: '/admin' });
  router.use(api.router.routes(), api.router.allowedMethods());
  return router;
}
