// The admin API's routes are declared with zod schemas; the same schemas validate each request and make
// the OpenAPI document served at GET /admin/openapi.json, so the two cannot drift apart.
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { operatorActor } from '../../domain/actors';
import { exactRouter } from '../router';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type RouteSpec<Q extends z.ZodType, B extends z.ZodType, P extends z.ZodType> = {
  method: Method;
  /** Koa path, e.g. `/vacancies/:id`. */
  path: string;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Response description by status, e.g. `{ 200: 'the vacancy', 404: 'no such vacancy' }`. */
  responses: Record<number, string>;
  /** Free-form response content type when not JSON (e.g. `text/csv`). */
  produces?: string;
};

export type Handler<Q extends z.ZodType, B extends z.ZodType, P extends z.ZodType> = (
  ctx: Context,
  input: { query: z.infer<Q>; body: z.infer<B>; params: z.infer<P>; actor: string },
) => Promise<void>;

type Registered = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

export class AdminApi {
  readonly router = exactRouter();
  private readonly routes: Registered[] = [];

  /**
   * `guard` authenticates the operator and sets `ctx.state.adminName`. It is part of every route (not a
   * prefix middleware), so a request that reaches a handler has passed it, however the path was spelled.
   */
  constructor(private readonly guard: Middleware) {}

  /** Method and Koa path of every route, for tests that must cover them all. */
  list(): { method: Method; path: string }[] {
    return this.routes.map((r) => ({ method: r.method, path: r.path }));
  }

  route<
    Q extends z.ZodType = z.ZodObject,
    B extends z.ZodType = z.ZodUnknown,
    P extends z.ZodType = z.ZodObject,
  >(spec: RouteSpec<Q, B, P>, handler: Handler<Q, B, P>): void {
    this.routes.push(spec as unknown as Registered);
    this.router[spec.method](spec.path, this.guard, async (ctx) => {
      // The guard always names the operator; a request without a name is refused, never audited as one.
      const adminName = ctx.state.adminName;
      if (!adminName) {
        ctx.status = 401;
        ctx.body = { error: 'missing or unknown bearer token' };
        return;
      }
      const parts = {
        params: (spec.params ?? z.object({})).safeParse(ctx.params),
        query: (spec.query ?? z.object({})).safeParse(ctx.query),
        body: (spec.body ?? z.unknown()).safeParse(ctx.request.body),
      };
      const issues = Object.entries(parts).flatMap(([where, r]) =>
        r.success
          ? []
          : r.error.issues.map((i) => ({ in: where, path: i.path.join('.'), message: i.message })),
      );
      if (issues.length) {
        ctx.status = 400;
        ctx.body = { error: 'invalid request', issues };
        return;
      }
      await handler(ctx, {
        params: parts.params.data as z.infer<P>,
        query: parts.query.data as z.infer<Q>,
        body: parts.body.data as z.infer<B>,
        actor: operatorActor(adminName),
      });
    });
  }

  /** OpenAPI 3.1 for every registered route (paths under /admin). */
  document(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = `/admin${r.path.replace(/:(\w+)/g, '{$1}')}`;
      const parameters = [
        ...objectFields(r.params).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
        ...objectFields(r.query).map(([name, schema, required]) => ({ name, in: 'query', required, schema })),
      ];
      paths[path] = {
        ...paths[path],
        [r.method]: {
          summary: r.summary,
          security: [{ bearer: [] }],
          ...(parameters.length ? { parameters } : {}),
          ...(r.body
            ? {
                requestBody: {
                  required: true,
                  content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input' }) } },
                },
              }
            : {}),
          responses: Object.fromEntries(
            Object.entries(r.responses).map(([status, description]) => [
              status,
              r.produces && status === '200'
                ? { description, content: { [r.produces]: {} } }
                : { description },
            ]),
          ),
        },
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: 'CP2 Channel admin API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      paths,
    };
  }
}

function objectFields(schema?: z.ZodType): [string, unknown, boolean][] {
  if (!schema || !(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, s]) => [
    name,
    z.toJSONSchema(s, { io: 'input' }),
    !s.safeParse(undefined).success,
  ]);
}
