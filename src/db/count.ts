// Totals for the operator API's lists that cost the same on a season as on a demo (decision 0011):
// counted exactly up to a cap, which covers the lists an operator works through (a vacancy, a county's
// submitted applications); above it, PostgreSQL's estimate for the filter, labelled as one. An exact
// count of 300,000 rows would cost more than the page it goes with.
import type { Knex } from 'knex';
import type { Db } from './knex';

export const EXACT_UP_TO = 10_000;

export type Total = { total: number; total_is_estimate: boolean };

/** `matching`: a query selecting the filtered rows (no order, no limit). */
export async function countUpTo(db: Db, matching: Knex.QueryBuilder, cap = EXACT_UP_TO): Promise<Total> {
  const { sql, bindings } = matching.toSQL();
  const counted = await db.raw<{ rows: { n: number }[] }>(
    `select count(*)::int as n from (${sql} limit ?) as capped`,
    [...bindings, cap + 1],
  );
  const n = counted.rows[0]?.n ?? 0;
  if (n <= cap) return { total: n, total_is_estimate: false };
  const plan = await db.raw<{ rows: { 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[] }>(
    `explain (format json) ${sql}`,
    [...bindings],
  );
  const estimate = Math.round(plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
  // We counted past the cap: an estimate below it would be known to be wrong.
  return { total: Math.max(estimate, cap + 1), total_is_estimate: true };
}

/** An exact count of the filtered rows, for tables small enough to count on every page. */
export async function countAll(db: Db, matching: Knex.QueryBuilder): Promise<Total> {
  const { sql, bindings } = matching.toSQL();
  const counted = await db.raw<{ rows: { n: number }[] }>(
    `select count(*)::int as n from (${sql}) as matching`,
    [...bindings],
  );
  return { total: counted.rows[0]?.n ?? 0, total_is_estimate: false };
}
