// Reports for the operators: the journey funnel computed from stored end-of-session events.
import { z } from 'zod';
import type { AdminApi } from './api';
import type { AdminDeps } from './deps';

const DAY = 24 * 3600_000;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'an ISO 8601 date or date-time')
  .refine((s) => !Number.isNaN(Date.parse(s)) && realDay(s.slice(0, 10)), 'not a valid date');

/** 2026-02-30 parses (as 2 March): the day must exist. */
function realDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

const funnelQuery = z
  .object({
    from: isoDate.optional().describe('start (inclusive); default: 7 days before `to`'),
    to: isoDate.optional().describe('end (exclusive); default: now'),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: '`from` must be before `to`',
    path: ['from'],
  });

export function registerReportsRoutes(api: AdminApi, deps: AdminDeps): void {
  api.route(
    {
      method: 'get',
      path: '/reports/funnel',
      summary:
        'For each journey (create account, login, profile sections, apply): sessions started, completed, and where the others stopped',
      query: funnelQuery,
      responses: { 200: 'the funnel report', 400: 'invalid dates', 401: 'missing or unknown token' },
    },
    async (ctx, { query }) => {
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * DAY);
      ctx.body = await deps.services.funnel.report(from, to);
    },
  );
}
