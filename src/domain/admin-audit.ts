// The operators' audit trail (migration 007): one row per mutating admin action, written in the same
// transaction as the change when the caller passes its transaction.
import type { Db } from '../db/knex';

export type AdminAction = {
  /** `admin:<token name>`. */
  actor: string;
  /** What was done, e.g. `vacancy.create`, `application.approve`, `export.applications`. */
  action: string;
  /** What it was done to, e.g. `vacancy:12`, `application:40`, `vacancies:import`. */
  target: string;
  details?: Record<string, unknown>;
};

export async function recordAdminAction(db: Db, a: AdminAction): Promise<number> {
  const [row] = (await db('admin_audit')
    .insert({ actor: a.actor, action: a.action, target: a.target, details: JSON.stringify(a.details ?? {}) })
    .returning('id')) as { id: number | string }[];
  return Number((row as { id: number | string }).id);
}
