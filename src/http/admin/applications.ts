// /admin/applications: list and fetch applications, and review them (approve or reject, singly or in
// bulk). Deciding is domain/applications.ts, the lists domain/review.ts; docs/admin-api.md describes the
// routes.
import { z } from 'zod';
import { renderSms } from '../../channels/sms/render-sms';
import type { DecisionResult } from '../../domain/applications';
import { APPLICATION_STATUSES, DECISION_REASON_MAX } from '../../domain/application-status';
import { codeFilter, countyCodeParam } from '../../domain/row-schemas';
import type { AdminApi } from './api';
import type { AdminDeps } from './deps';
import { cursorParam, limitParam, offsetRefused, page } from './paging';

export const MAX_BULK = 500;

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const decision = z.enum(['approve', 'reject']).describe('approve or reject');
const reason = z
  .string()
  .min(1)
  .max(DECISION_REASON_MAX)
  .optional()
  .describe('kept in the audit trail and the application events; not sent to the applicant');

export const listQuery = z.object({
  vacancy: id.optional().describe('vacancy id'),
  exam: codeFilter.optional().describe('exam code, e.g. KCSE'),
  county: countyCodeParam.optional().describe("county code of the vacancy's duty station, e.g. 047"),
  status: z.enum(APPLICATION_STATUSES).optional(),
  limit: limitParam,
  cursor: cursorParam,
  offset: offsetRefused,
});

export const reviewBody = z.object({ decision, reason }).strict();
export const bulkReviewBody = z
  .object({
    ids: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(MAX_BULK),
    decision,
    reason,
  })
  .strict();

/** HTTP status and body of one decision. */
function answer(r: DecisionResult): { status: number; body: Record<string, unknown> } {
  switch (r.result) {
    case 'approved':
    case 'rejected':
    case 'unchanged':
      return { status: 200, body: r };
    case 'notFound':
      return { status: 404, body: { ...r, error: 'no such application' } };
    case 'notReviewable':
      return { status: 409, body: { ...r, error: `a ${r.status} application cannot be reviewed` } };
    case 'full':
      return {
        status: 409,
        body: { ...r, error: `full: ${r.approved} of ${r.positions} positions are already approved` },
      };
    case 'invalidReason':
      return { status: 400, body: { ...r, error: `the reason must be 1 to ${r.max} characters` } };
  }
}

export function registerApplicationsRoutes(api: AdminApi, deps: AdminDeps): void {
  const { review, applications } = deps.services;

  api.route(
    {
      method: 'get',
      path: '/applications',
      summary:
        'List applications (filters: vacancy, exam, county, status), oldest first, a page at a time ' +
        '(cursor), with the total (exact up to 10,000, else an estimate)',
      query: listQuery,
      responses: {
        200: '{ total, total_is_estimate, limit, next_cursor, applications: [...] } (next_cursor null on the last page)',
        400: 'invalid query (offset is refused: use cursor)',
      },
    },
    async (ctx, { query: q }) => {
      // One row more than the page, to know whether there is a next one.
      const { applications, ...total } = await review.list({ ...q, after: q.cursor, limit: q.limit + 1 });
      const { rows, next_cursor } = page(applications as { id: number }[], q.limit);
      ctx.body = { ...total, limit: q.limit, next_cursor, applications: rows };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/applications/:id',
      summary: "One application with its vacancy, the applicant's phone and profile, and its events",
      params: z.object({ id }),
      responses: { 200: 'the application', 404: 'no such application' },
    },
    async (ctx, { params }) => {
      const found = await review.get(params.id);
      if (!found) {
        ctx.status = 404;
        ctx.body = { error: 'no such application' };
        return;
      }
      ctx.body = found;
    },
  );

  api.route(
    {
      method: 'get',
      path: '/applications/:id/sms',
      summary:
        'The SMS the application sent the applicant (submitted, each decision, a withdrawal), oldest first, ' +
        'as the phone shows them, with their delivery status; never a credentials message',
      params: z.object({ id }),
      responses: {
        200: '{ messages: [{ event, at, to, text, status, delivery_status, sent_at }] }',
        404: 'no such application',
      },
    },
    async (ctx, { params }) => {
      const found = await review.messages(params.id);
      if (!found) {
        ctx.status = 404;
        ctx.body = { error: 'no such application' };
        return;
      }
      ctx.body = {
        messages: found.map(({ template, language, params: p, ...m }) => ({
          ...m,
          text: renderSms(template, language, p),
        })),
      };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/applications/review',
      summary: `Approve or reject up to ${MAX_BULK} applications (each in its own transaction); per-id results`,
      body: bulkReviewBody,
      responses: { 200: '{ results: [{ id, result, ... }], counts: { <result>: n } }', 400: 'invalid body' },
    },
    async (ctx, { body, actor }) => {
      const results = await applications.decideMany(body.ids, {
        decision: body.decision,
        reason: body.reason,
        actor,
      });
      const counts: Record<string, number> = {};
      for (const r of results) counts[r.result] = (counts[r.result] ?? 0) + 1;
      ctx.body = { results: results.map((r) => answer(r).body), counts };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/applications/:id/review',
      summary: 'Approve or reject a submitted application; the applicant gets one SMS',
      params: z.object({ id }),
      body: reviewBody,
      responses: {
        200: '{ id, result: approved | rejected | unchanged }',
        400: 'invalid body',
        404: 'no such application',
        409: 'not submitted (withdrawn or decided the other way), or the positions are full',
      },
    },
    async (ctx, { params, body, actor }) => {
      const r = answer(
        await applications.decide(params.id, { decision: body.decision, reason: body.reason, actor }),
      );
      ctx.status = r.status;
      ctx.body = r.body;
    },
  );
}
