// The operators' side of issue 12 (docs/duties.md, docs/admin-api.md): attendance codes and attendance,
// the attendance export, daily rates, payment claims (list, approve, reject, pay from a file) and the
// teachers' queries. Each handler parses (zod), calls a domain service (attendance.ts, claims.ts,
// queries.ts) and maps its result to HTTP.
import type { Context } from 'koa';
import { z } from 'zod';
import { CLAIM_REASON_MAX, CLAIM_STATUSES } from '../../domain/claim-status';
import { ANSWER_MAX, QUERY_STATUSES } from '../../domain/query-status';
import { codeFilter, codeParam } from '../../domain/row-schemas';
import type { ImportResult } from '../../domain/csv-import';
import { isControl } from '../../domain/control-characters';
import { isDay } from '../../domain/time';
import type { AdminApi } from './api';
import type { AdminDeps } from './deps';
import { cursorParam, limitParam, offsetRefused, page } from './paging';
import { MAX_CSV_BYTES, readText } from './vacancies';

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const stationCode = codeParam('a duty station code').describe('duty station code, e.g. NBI-EC01');
const day = z.string().refine(isDay, 'a day written YYYY-MM-DD').describe('a day in Nairobi, YYYY-MM-DD');
/** One line of printable text: no control characters (they would reach an SMS or a CSV cell). */
const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => ![...s].some(isControl), 'control characters are not allowed');

export const stationDayQuery = z.object({ duty_station: stationCode, date: day });
export const claimsQuery = z.object({
  status: z.enum(CLAIM_STATUSES).optional(),
  limit: limitParam,
  cursor: cursorParam,
  offset: offsetRefused,
});
export const queriesQuery = z.object({
  status: z.enum(QUERY_STATUSES).optional(),
  limit: limitParam,
  cursor: cursorParam,
  offset: offsetRefused,
});
export const rejectBody = z
  .object({
    reason: line(CLAIM_REASON_MAX).describe(
      `sent to the teacher by SMS; at most ${CLAIM_REASON_MAX} characters`,
    ),
  })
  .strict();
export const answerBody = z
  .object({
    text: line(ANSWER_MAX).describe(
      `sent to the teacher by SMS (at most ${ANSWER_MAX} characters, 2 segments with the reference)`,
    ),
  })
  .strict();

/** Reads a CSV body (415 unless text/csv, 413 when too large); undefined when answered already. */
async function csvBody(ctx: Context): Promise<string | undefined> {
  if (!ctx.is('text/csv')) {
    ctx.status = 415;
    ctx.body = { error: 'send the file with Content-Type: text/csv' };
    return undefined;
  }
  return readText(ctx, MAX_CSV_BYTES);
}

function importAnswer(ctx: Context, r: ImportResult, ok: Record<string, unknown>): void {
  if (r.errors.length) {
    ctx.status = 400;
    ctx.body = {
      error: 'the file has errors: nothing was loaded',
      errors: r.errors,
      more_errors: r.moreErrors ?? 0,
    };
    return;
  }
  ctx.body = ok;
}

const CSV_RESPONSES = {
  400: '{ error, errors: ["line N: message", ...] }: nothing was loaded',
  413: `larger than ${MAX_CSV_BYTES} bytes`,
  415: 'not text/csv',
};

export function registerDutiesRoutes(api: AdminApi, deps: AdminDeps): void {
  const { attendance, claims, queries } = deps.services;

  api.route(
    {
      method: 'get',
      path: '/attendance-codes',
      summary:
        "The station's attendance code for the day (6 digits, made on the first request, one per station and day); " +
        'the centre manager reads it out to the teachers checking in',
      query: stationDayQuery,
      responses: { 200: '{ code }', 400: 'invalid query', 404: 'no such duty station' },
    },
    async (ctx, { query, actor }) => {
      const r = await attendance.code(query.duty_station, query.date, actor);
      if (r.status === 'noStation') {
        ctx.status = 404;
        ctx.body = { error: 'no such duty station' };
        return;
      }
      ctx.body = { code: r.code };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/attendance',
      summary:
        "A station's duties on a day (approved, the day among their days) with their check-in and check-out",
      query: stationDayQuery,
      responses: { 200: '{ duty_station, date, attendance: [...] }', 404: 'no such duty station' },
    },
    async (ctx, { query }) => {
      const rows = await attendance.list({ dutyStation: query.duty_station, date: query.date });
      if (!rows) {
        ctx.status = 404;
        ctx.body = { error: 'no such duty station' };
        return;
      }
      ctx.body = { duty_station: query.duty_station, date: query.date, attendance: rows };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/exports/attendance.csv',
      summary: 'Export attendance (one row per duty and day) as CSV, for a station, a day or an exam',
      query: z.object({
        duty_station: stationCode.optional(),
        date: day.optional(),
        exam: codeFilter.optional().describe('exam code, e.g. KCSE'),
      }),
      responses: { 200: 'CSV, streamed', 400: 'invalid filter', 401: 'missing or unknown token' },
      produces: 'text/csv',
    },
    async (ctx, { query, actor }) => {
      const csv = await deps.services.exports.attendance(
        { dutyStation: query.duty_station, date: query.date, exam: query.exam },
        actor,
      );
      ctx.type = 'text/csv; charset=utf-8';
      ctx.attachment('attendance.csv');
      ctx.body = csv;
    },
  );

  api.route(
    {
      method: 'post',
      path: '/rates/import',
      summary:
        'Import daily rates from a CSV body (Content-Type: text/csv; columns exam, activity, position, ' +
        'daily_rate_kes), upserted, as `npm run import -- rates`; any error loads nothing. Claims already ' +
        'worked out keep their rate',
      responses: { 200: '{ inserted }', ...CSV_RESPONSES },
    },
    async (ctx, { actor }) => {
      const text = await csvBody(ctx);
      if (text === undefined) return;
      const r = await claims.importRates(text, actor);
      importAnswer(ctx, r, { inserted: r.inserted });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/claims',
      summary:
        'Payment claims (filter: status), by id, a page at a time (cursor); the claims of duties whose last day ' +
        'has passed are worked out first',
      query: claimsQuery,
      responses: {
        200: '{ total, total_is_estimate, limit, next_cursor, claims: [...] }',
        400: 'invalid query',
      },
    },
    async (ctx, { query: q }) => {
      const { claims: found, ...total } = await claims.list({
        status: q.status,
        after: q.cursor,
        limit: q.limit + 1,
      });
      const { rows, next_cursor } = page(found as { id: number }[], q.limit);
      ctx.body = { ...total, limit: q.limit, next_cursor, claims: rows };
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    api.route(
      {
        method: 'post',
        path: `/claims/:id/${decision}`,
        summary:
          decision === 'approve'
            ? 'Approve a pending claim; the teacher gets an SMS'
            : 'Reject a pending claim with a reason; the teacher gets an SMS with the reason',
        params: z.object({ id }),
        ...(decision === 'reject' ? { body: rejectBody } : {}),
        responses: {
          200: `{ id, result: ${decision === 'approve' ? 'approved' : 'rejected'} | unchanged }`,
          400: 'invalid body',
          404: 'no such claim',
          409: 'not pending (decided the other way, or paid)',
        },
      },
      async (ctx, { params, body, actor }) => {
        const r =
          decision === 'approve'
            ? await claims.approve(params.id, actor)
            : await claims.reject(params.id, (body as z.infer<typeof rejectBody>).reason, actor);
        switch (r.result) {
          case 'notFound':
            ctx.status = 404;
            ctx.body = { ...r, error: 'no such claim' };
            return;
          case 'notPending':
            ctx.status = 409;
            ctx.body = { ...r, error: `a ${r.status} claim cannot be decided` };
            return;
          case 'invalidReason':
            ctx.status = 400;
            ctx.body = { ...r, error: `the reason must be 1 to ${r.max} characters` };
            return;
          default:
            ctx.body = r;
        }
      },
    );
  }

  api.route(
    {
      method: 'post',
      path: '/claims/payments',
      summary:
        'Pay approved claims from a CSV body (Content-Type: text/csv; columns claim_id, mpesa_ref, amount_kes): ' +
        'every row must name an approved claim, its exact amount and an unused M-Pesa reference, or nothing is paid; ' +
        'each teacher paid gets an SMS',
      responses: { 200: '{ paid }', ...CSV_RESPONSES },
    },
    async (ctx, { actor }) => {
      const text = await csvBody(ctx);
      if (text === undefined) return;
      const r = await claims.pay(text, actor);
      importAnswer(ctx, r, { paid: r.paid ?? 0 });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/queries',
      summary: "Teachers' queries (filter: status, e.g. open), oldest first, a page at a time (cursor)",
      query: queriesQuery,
      responses: {
        200: '{ total, total_is_estimate, limit, next_cursor, queries: [...] }',
        400: 'invalid query',
      },
    },
    async (ctx, { query: q }) => {
      const { queries: found, ...total } = await queries.list({
        status: q.status,
        after: q.cursor,
        limit: q.limit + 1,
      });
      const { rows, next_cursor } = page(found as { id: number }[], q.limit);
      ctx.body = { ...total, limit: q.limit, next_cursor, queries: rows };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/queries/:id/answer',
      summary:
        'Answer an open query: the answer goes to the teacher by SMS (at most 2 segments) and the query closes',
      params: z.object({ id }),
      body: answerBody,
      responses: {
        200: '{ id, result: answered }',
        400: 'invalid body, or the SMS would be longer than 2 segments',
        404: 'no such query',
        409: 'answered already',
      },
    },
    async (ctx, { params, body, actor }) => {
      const r = await queries.answer(params.id, body.text, actor);
      switch (r.result) {
        case 'notFound':
          ctx.status = 404;
          ctx.body = { ...r, error: 'no such query' };
          return;
        case 'answeredAlready':
          ctx.status = 409;
          ctx.body = { ...r, error: 'the query is answered already' };
          return;
        case 'invalid':
          ctx.status = 400;
          ctx.body = { ...r, error: `the answer must be 1 to ${r.max} characters` };
          return;
        case 'tooLong':
          ctx.status = 400;
          ctx.body = {
            ...r,
            error: `the SMS would be longer than 2 segments: shorten the answer by ${r.over} characters`,
          };
          return;
        default:
          ctx.body = r;
      }
    },
  );
}
