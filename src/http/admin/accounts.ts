// /admin/accounts: erasing an account at the teacher's request made to the council (docs/privacy.md).
import { z } from 'zod';
import type { AdminApi } from './api';
import type { AdminDeps } from './deps';

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export function registerAccountsRoutes(api: AdminApi, deps: AdminDeps): void {
  api.route(
    {
      method: 'post',
      path: '/accounts/:id/erase',
      summary:
        'Erase an account: its profile, phone, username and password; decided applications are kept, pseudonymous',
      params: z.object({ id }),
      responses: {
        200: '{ id, result: "erased", withdrawn: <submitted applications withdrawn> }',
        404: 'no such account, or erased already',
        409: '{ error, claims, duties }: not erased, the council still owes it for a duty (claims not yet paid or rejected, days attended not yet claimed)',
      },
    },
    // The erasure audits itself, in its own transaction (src/domain/personal-data/erasure.ts).
    async (ctx, { params, actor }) => {
      const result = await deps.services.accounts.erase(params.id, actor);
      if (result.status === 'notFound') {
        ctx.status = 404;
        ctx.body = { error: 'no such account, or erased already' };
        return;
      }
      if (result.status === 'paymentDue') {
        ctx.status = 409;
        ctx.body = {
          error:
            'not erased: the council still owes this account for a duty; pay or reject its claims first (paying needs the M-Pesa number erasure deletes)',
          claims: result.claims,
          duties: result.duties,
        };
        return;
      }
      ctx.body = { id: params.id, result: 'erased', withdrawn: result.withdrawn };
    },
  );
}
