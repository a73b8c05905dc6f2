// CSV exports of applications and profiles, streamed (src/domain/exports.ts); the domain audits each.
import { z } from 'zod';
import type { ExportFilters } from '../../domain/exports';
import { codeFilter, countyCodeParam } from '../../domain/row-schemas';
import type { AdminApi } from './api';
import type { AdminDeps } from './deps';

const filters = z.object({
  vacancy: z.coerce.number().int().positive().optional().describe('vacancy id'),
  county: countyCodeParam.optional().describe('county code, e.g. 047'),
  exam: codeFilter.optional().describe('exam code, e.g. KCSE'),
});

const responses = { 200: 'CSV, streamed', 400: 'invalid filter', 401: 'missing or unknown token' };

export function registerExportsRoutes(api: AdminApi, deps: AdminDeps): void {
  const routes = [
    { name: 'applications', run: deps.services.exports.applications, what: 'applications (one row each)' },
    {
      name: 'profiles',
      run: deps.services.exports.profiles,
      what: 'profiles of the applicants (all profiles without filters)',
    },
  ] as const;
  for (const r of routes) {
    api.route(
      {
        method: 'get',
        path: `/exports/${r.name}.csv`,
        summary: `Export ${r.what} as CSV, for a vacancy, a county or an exam`,
        query: filters,
        responses,
        produces: 'text/csv',
      },
      async (ctx, { query, actor }) => {
        const f: ExportFilters = query;
        const csv = await r.run(f, actor);
        ctx.type = 'text/csv; charset=utf-8';
        ctx.attachment(`${r.name}.csv`);
        ctx.body = csv;
      },
    );
  }
}
