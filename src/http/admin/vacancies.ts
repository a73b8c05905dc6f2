// /admin/vacancies: list with filters, create, update (positions, closing time, status), close, and bulk
// import of a CSV file with the CLI's validation (`npm run import -- vacancies`). The handlers parse
// (zod: the vacancy row's schema is the import's, domain/row-schemas.ts), call the vacancy module
// (domain/vacancies.ts: the rules, the transactions and the audit trail) and map the result to HTTP.
// docs/admin-api.md describes the routes.
import type { Context } from 'koa';
import { z } from 'zod';
import type { Issue } from '../../domain/csv-import';
import {
  codeFilter,
  countyCodeParam,
  dayField,
  positionsField,
  statusField,
  TIME_HINT,
  timeField,
  vacancyRow,
} from '../../domain/row-schemas';
import { VACANCY_STATUSES } from '../../domain/vacancy-status';
import type { AdminApi } from './api';
import type { AdminDeps } from './deps';
import { cursorParam, limitParam, offsetRefused, page } from './paging';

/** The largest CSV upload read. */
export const MAX_CSV_BYTES = 10 * 1024 * 1024;

const id = z.coerce.number().int().positive().max(2147483647);
const status = z.enum(VACANCY_STATUSES);

export const listQuery = z.object({
  exam: codeFilter.optional().describe('exam code'),
  activity: codeFilter.optional().describe('activity code'),
  position: codeFilter.optional().describe('position code'),
  county: countyCodeParam.optional().describe('county code of the duty station, e.g. 047'),
  sub_county: z.coerce.number().int().positive().optional().describe('sub-county id'),
  status: status.optional(),
  limit: limitParam,
  cursor: cursorParam,
  offset: offsetRefused,
});

/** A vacancy as the import reads one, the status optional (open unless given). */
export const createBody = vacancyRow
  .extend({
    opens_at: timeField('opens_at').describe(TIME_HINT),
    closes_at: timeField('closes_at').describe(TIME_HINT),
    status: statusField.optional().describe('open unless given'),
  })
  .strict();

export const patchBody = z
  .object({
    positions: positionsField.optional(),
    closes_at: timeField('closes_at').optional().describe(TIME_HINT),
    status: statusField.optional(),
    duty_starts_on: dayField('duty_starts_on').optional(),
    duty_ends_on: dayField('duty_ends_on').optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'give positions, closes_at, status or the duty days',
  });

function invalid(ctx: Context, issues: Issue[]): void {
  ctx.status = 400;
  ctx.body = { error: 'invalid request', issues: issues.map((i) => ({ in: 'body', ...i })) };
}

function notFound(ctx: Context): void {
  ctx.status = 404;
  ctx.body = { error: 'no such vacancy' };
}

/** Reads the raw request body as UTF-8, refusing (413) more than `limit` bytes. */
export async function readText(ctx: Context, limit: number): Promise<string | undefined> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) {
    ctx.status = 413;
    ctx.body = { error: `the file is larger than ${limit} bytes` };
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      ctx.status = 413;
      ctx.body = { error: `the file is larger than ${limit} bytes` };
      ctx.set('Connection', 'close');
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function registerVacanciesRoutes(api: AdminApi, deps: AdminDeps): void {
  const { vacancies } = deps.services;

  api.route(
    {
      method: 'get',
      path: '/vacancies',
      summary:
        'List vacancies (filters: exam, activity, position, county, sub_county, status), by id, a page at a ' +
        'time (cursor), with the total',
      query: listQuery,
      responses: {
        200:
          '{ total, total_is_estimate, limit, next_cursor, vacancies: [...] } (available = positions - ' +
          'approved; next_cursor null on the last page)',
        400: 'invalid query (offset is refused: use cursor)',
      },
    },
    async (ctx, { query: q }) => {
      // One row more than the page, to know whether there is a next one.
      const { vacancies: found, ...total } = await vacancies.list({
        ...q,
        after: q.cursor,
        limit: q.limit + 1,
      });
      const { rows, next_cursor } = page(found as { id: number }[], q.limit);
      ctx.body = { ...total, limit: q.limit, next_cursor, vacancies: rows };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/vacancies',
      summary: 'Create a vacancy',
      body: createBody,
      responses: { 201: 'the vacancy', 400: 'invalid body or unknown codes', 409: 'the code is taken' },
    },
    async (ctx, { body, actor }) => {
      const r = await vacancies.create(body, actor);
      if (r.status === 'invalid') return invalid(ctx, r.issues);
      if (r.status === 'taken') {
        ctx.status = 409;
        ctx.body = { error: `vacancy code ${body.code} is taken` };
        return;
      }
      ctx.status = 201;
      ctx.body = r.vacancy;
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/vacancies/:id',
      summary: 'Change the positions, closing time, status or duty days of a vacancy',
      params: z.object({ id }),
      body: patchBody,
      responses: {
        200: 'the vacancy',
        400: 'invalid body, or closes_at not after opens_at',
        404: 'no such vacancy',
        409: 'positions below the applications already approved',
      },
    },
    async (ctx, { params, body, actor }) => {
      const r = await vacancies.update(params.id, body, actor);
      switch (r.status) {
        case 'notFound':
          return notFound(ctx);
        case 'invalid':
          return invalid(ctx, r.issues);
        case 'belowApproved':
          ctx.status = 409;
          ctx.body = { error: `${r.approved} applications are already approved`, approved: r.approved };
          return;
        case 'updated':
          ctx.body = r.vacancy;
      }
    },
  );

  api.route(
    {
      method: 'post',
      path: '/vacancies/:id/close',
      summary: 'Close a vacancy: no longer offered to apply (closing a closed vacancy changes nothing)',
      params: z.object({ id }),
      responses: { 200: 'the vacancy', 404: 'no such vacancy' },
    },
    async (ctx, { params, actor }) => {
      const r = await vacancies.close(params.id, actor);
      if (r.status === 'notFound') return notFound(ctx);
      ctx.body = r.vacancy;
    },
  );

  api.route(
    {
      method: 'post',
      path: '/vacancies/import',
      summary:
        'Import vacancies from a CSV body (Content-Type: text/csv; columns code, exam, activity, duty_station, ' +
        'position, positions, opens_at, closes_at, status, and optionally duty_starts_on, duty_ends_on), upserted by code with the same validation as ' +
        '`npm run import -- vacancies`; any error loads nothing',
      responses: {
        200: '{ inserted }: rows created or updated',
        400: '{ error, errors: ["line N: message", ...] }: nothing was loaded',
        413: `larger than ${MAX_CSV_BYTES} bytes`,
        415: 'not text/csv',
      },
    },
    async (ctx, { actor }) => {
      if (!ctx.is('text/csv')) {
        ctx.status = 415;
        ctx.body = { error: 'send the file with Content-Type: text/csv' };
        return;
      }
      const text = await readText(ctx, MAX_CSV_BYTES);
      if (text === undefined) return;
      const result = await vacancies.import(text, actor);
      if (result.errors.length) {
        ctx.status = 400;
        ctx.body = { error: 'the file has errors: nothing was loaded', errors: result.errors };
        return;
      }
      ctx.body = { inserted: result.inserted };
    },
  );
}
