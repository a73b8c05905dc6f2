// /admin/vacancies: list with filters, create, update (positions, closing time, status), close, and bulk
// import of a CSV file with the CLI's validation (`npm run import -- vacancies`, domain/vacancy-import.ts).
// Every change is written to admin_audit in the same transaction. docs/admin-api.md describes the routes.
import type { Context } from 'koa';
import type { Knex } from 'knex';
import { z } from 'zod';
import { countAll } from '../../db/count';
import type { Db } from '../../db/knex';
import { recordAdminAction } from '../../domain/admin-audit';
import { importVacancies, MAX_POSITIONS, parseTime } from '../../domain/vacancy-import';
import type { AdminApi } from './api';
import type { AdminDeps } from './deps';
import { cursorParam, limitParam, offsetRefused, page } from './paging';

/** The largest CSV upload read. */
export const MAX_CSV_BYTES = 10 * 1024 * 1024;
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,23}$/;
const TIME_HINT = 'a date and time such as 2026-12-01 08:00 (Nairobi time) or 2026-12-01T05:00Z';

const id = z.coerce.number().int().positive().max(2147483647);
const ref = z.string().min(1).max(24);
const time = z.string().refine((s) => parseTime(s) !== undefined, { message: `must be ${TIME_HINT}` });
const positions = z.number().int().min(1).max(MAX_POSITIONS);
const status = z.enum(['open', 'closed']);

export const listQuery = z.object({
  exam: ref.optional().describe('exam code'),
  activity: ref.optional().describe('activity code'),
  position: ref.optional().describe('position code'),
  county: z
    .string()
    .regex(/^\d{3}$/)
    .optional()
    .describe('county code of the duty station, e.g. 047'),
  sub_county: z.coerce.number().int().positive().optional().describe('sub-county id'),
  status: status.optional(),
  limit: limitParam,
  cursor: cursorParam,
  offset: offsetRefused,
});

type ListQuery = z.infer<typeof listQuery>;

export const createBody = z
  .object({
    code: z
      .string()
      .regex(CODE, 'must be 1 to 24 letters, digits, _ . or - (starting with a letter or digit)'),
    exam: ref,
    activity: ref,
    duty_station: ref.describe('duty station code'),
    position: ref,
    positions,
    opens_at: time.describe(TIME_HINT),
    closes_at: time.describe(TIME_HINT),
    status: status.optional().describe('open unless given'),
  })
  .strict();

export const patchBody = z
  .object({
    positions: positions.optional(),
    closes_at: time.optional().describe(TIME_HINT),
    status: status.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'give positions, closes_at or status' });

const APPROVED = `(select count(*)::int from applications x where x.vacancy_id = v.id and x.status = 'approved')`;
const SUBMITTED = `(select count(*)::int from applications x where x.vacancy_id = v.id and x.status = 'submitted')`;

function joined(db: Knex) {
  return db('vacancies as v')
    .join('duty_stations as d', 'd.id', 'v.duty_station_id')
    .join('positions as p', 'p.code', 'v.position')
    .join('counties as c', 'c.code', 'd.county_code')
    .join('sub_counties as s', 's.id', 'd.sub_county_id');
}

/**
 * The vacancies a list's filters select, from `vacancies` alone: the page's ids and the total need
 * nothing else. A station filter is an array of station ids, so the plan reads that county's vacancies
 * by index (at most a few thousand) instead of walking every vacancy in id order hoping to meet them.
 */
function matching(db: Knex, q: ListQuery): Knex.QueryBuilder {
  const m = db('vacancies as v');
  if (q.exam !== undefined) m.where('v.exam', q.exam);
  if (q.activity !== undefined) m.where('v.activity', q.activity);
  if (q.position !== undefined) m.where('v.position', q.position);
  if (q.status !== undefined) m.where('v.status', q.status);
  if (q.county !== undefined || q.sub_county !== undefined) {
    const stations = db('duty_stations').select('id');
    if (q.county !== undefined) stations.where('county_code', q.county);
    if (q.sub_county !== undefined) stations.where('sub_county_id', q.sub_county);
    m.where('v.duty_station_id', '=', db.raw('any(array(?))', [stations]));
  }
  return m;
}

function columns(db: Knex) {
  return [
    'v.id',
    'v.code',
    'v.exam',
    'v.activity',
    'v.position',
    'p.name as position_name',
    'd.code as duty_station',
    'd.name as station_name',
    'd.type as station_type',
    'd.county_code',
    'c.name as county_name',
    'd.sub_county_id',
    's.name as sub_county_name',
    'v.positions',
    db.raw(`${APPROVED} as approved`),
    db.raw(`${SUBMITTED} as submitted`),
    db.raw(`greatest(v.positions - ${APPROVED}, 0) as available`),
    'v.opens_at',
    'v.closes_at',
    'v.status',
  ];
}

async function one(db: Knex, vacancyId: number) {
  return (await joined(db).where('v.id', vacancyId).first(columns(db))) as
    Record<string, unknown> | undefined;
}

type Issue = { in: string; path: string; message: string };

function invalid(ctx: Context, issues: Issue[]): void {
  ctx.status = 400;
  ctx.body = { error: 'invalid request', issues };
}

/** Reads the raw request body as UTF-8, refusing (413) more than `limit` bytes. */
async function readText(ctx: Context, limit: number): Promise<string | undefined> {
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

/** Unknown exam, activity, position or duty station codes, as 400 issues. */
async function unknownReferences(db: Db, b: z.infer<typeof createBody>): Promise<Issue[]> {
  const checks: [keyof typeof b, string][] = [
    ['exam', 'exams'],
    ['activity', 'activities'],
    ['position', 'positions'],
    ['duty_station', 'duty_stations'],
  ];
  const issues: Issue[] = [];
  for (const [field, table] of checks) {
    if (!(await db(table).where({ code: b[field] }).first('code'))) {
      issues.push({ in: 'body', path: field, message: `unknown ${field.replace('_', ' ')} "${b[field]}"` });
    }
  }
  return issues;
}

export function registerVacanciesRoutes(api: AdminApi, deps: AdminDeps): void {
  const { db } = deps;

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
      const [found, total] = await Promise.all([
        joined(db)
          .whereIn(
            'v.id',
            matching(db, q)
              .select('v.id')
              .where('v.id', '>', q.cursor ?? 0)
              .orderBy('v.id')
              .limit(q.limit + 1),
          )
          .select(columns(db))
          .orderBy('v.id') as Promise<{ id: number }[]>,
        countAll(db, matching(db, q).select(db.raw('1'))),
      ]);
      const { rows, next_cursor } = page(found, q.limit);
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
      const opens = parseTime(body.opens_at) as Date;
      const closes = parseTime(body.closes_at) as Date;
      const issues = await unknownReferences(db, body);
      if (closes <= opens) issues.push({ in: 'body', path: 'closes_at', message: 'must be after opens_at' });
      if (issues.length) return invalid(ctx, issues);
      const created = await db.transaction(async (trx) => {
        if (await trx('vacancies').where({ code: body.code }).first('id')) return undefined;
        const station = (await trx('duty_stations').where({ code: body.duty_station }).first('id')) as {
          id: number;
        };
        const [row] = (await trx('vacancies')
          .insert({
            code: body.code,
            exam: body.exam,
            activity: body.activity,
            duty_station_id: station.id,
            position: body.position,
            positions: body.positions,
            opens_at: opens,
            closes_at: closes,
            status: body.status ?? 'open',
          })
          .returning('id')) as { id: number }[];
        const vacancyId = (row as { id: number }).id;
        await recordAdminAction(trx, {
          actor,
          action: 'vacancy.create',
          target: `vacancy:${vacancyId}`,
          details: { ...body, opens_at: opens, closes_at: closes },
        });
        return vacancyId;
      });
      if (created === undefined) {
        ctx.status = 409;
        ctx.body = { error: `vacancy code ${body.code} is taken` };
        return;
      }
      ctx.status = 201;
      ctx.body = await one(db, created);
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/vacancies/:id',
      summary: 'Change the positions, closing time or status of a vacancy',
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
      const outcome = await db.transaction(async (trx) => {
        // Locked as apply and review lock it, so the approved count cannot change under this check.
        const before = (await trx('vacancies').where({ id: params.id }).forUpdate().first()) as
          { positions: number; opens_at: Date; closes_at: Date; status: string } | undefined;
        if (!before) return { status: 404, body: { error: 'no such vacancy' } };
        const closes = body.closes_at === undefined ? undefined : (parseTime(body.closes_at) as Date);
        if (closes && closes <= before.opens_at) {
          return {
            status: 400,
            body: {
              error: 'invalid request',
              issues: [{ in: 'body', path: 'closes_at', message: 'must be after opens_at' }],
            },
          };
        }
        if (body.positions !== undefined) {
          const approved = await trx('applications')
            .where({ vacancy_id: params.id, status: 'approved' })
            .count({ n: '*' })
            .first();
          const n = Number(approved?.n ?? 0);
          if (body.positions < n) {
            return { status: 409, body: { error: `${n} applications are already approved`, approved: n } };
          }
        }
        const change = {
          ...(body.positions !== undefined ? { positions: body.positions } : {}),
          ...(closes ? { closes_at: closes } : {}),
          ...(body.status ? { status: body.status } : {}),
        };
        await trx('vacancies').where({ id: params.id }).update(change);
        await recordAdminAction(trx, {
          actor,
          action: 'vacancy.update',
          target: `vacancy:${params.id}`,
          details: {
            before: Object.fromEntries(Object.keys(change).map((k) => [k, before[k as keyof typeof before]])),
            after: change,
          },
        });
        return { status: 200 };
      });
      ctx.status = outcome.status;
      ctx.body = outcome.body ?? (await one(db, params.id));
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
      const found = await db.transaction(async (trx) => {
        const before = (await trx('vacancies').where({ id: params.id }).forUpdate().first('status')) as
          { status: string } | undefined;
        if (!before) return false;
        if (before.status !== 'closed') {
          await trx('vacancies').where({ id: params.id }).update({ status: 'closed' });
          await recordAdminAction(trx, {
            actor,
            action: 'vacancy.close',
            target: `vacancy:${params.id}`,
            details: { before: before.status },
          });
        }
        return true;
      });
      if (!found) {
        ctx.status = 404;
        ctx.body = { error: 'no such vacancy' };
        return;
      }
      ctx.body = await one(db, params.id);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/vacancies/import',
      summary:
        'Import vacancies from a CSV body (Content-Type: text/csv; columns code, exam, activity, duty_station, ' +
        'position, positions, opens_at, closes_at, status), upserted by code with the same validation as ' +
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
      const result = await db.transaction(async (trx) => {
        const r = await importVacancies(trx, text);
        if (r.errors.length === 0) {
          await recordAdminAction(trx, {
            actor,
            action: 'vacancy.import',
            target: 'vacancies',
            details: { rows: r.inserted, bytes: Buffer.byteLength(text) },
          });
        }
        return r;
      });
      if (result.errors.length) {
        ctx.status = 400;
        ctx.body = { error: 'the file has errors: nothing was loaded', errors: result.errors };
        return;
      }
      ctx.body = { inserted: result.inserted };
    },
  );
}
