import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

// count(*) and bigint come back as strings from pg; our counts and ids fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
// A date (a duty's days) is a calendar day, not an instant: kept as the text `2026-12-03`.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);

export type Db = Knex;

export type PoolOptions = {
  /** Per statement; 0 disables it. */
  statementTimeoutMs?: number;
  acquireTimeoutMs?: number;
  /** Connections at most. */
  max?: number;
  /** A session idle inside a transaction longer than this is ended by PostgreSQL; 0 disables it. */
  idleInTransactionTimeoutMs?: number;
  /** Shown in pg_stat_activity, so an operator can tell the pools apart. */
  applicationName?: string;
};

/**
 * The operator API's pool (lists, reviews, reports, exports), apart from the USSD/outbox pool so that
 * however busy the operators are, a hop still gets a connection. Lists answer in milliseconds: 5 s is
 * room for a busy machine, not a budget. An export reads fetches of a cursor (each far under 5 s) inside one
 * read-only transaction that waits while the client reads: a client that stops reading for a minute
 * has its transaction ended rather than holding a snapshot open (which holds back vacuum).
 */
export const ADMIN_POOL: PoolOptions = {
  max: 4,
  statementTimeoutMs: 5000,
  acquireTimeoutMs: 5000,
  idleInTransactionTimeoutMs: 60_000,
  applicationName: 'cp2-admin',
};

export function createDb(url: string, opts: PoolOptions = {}): Db {
  // A hop must not wait long for a connection either: its deadline is 2 s.
  const acquire = opts.acquireTimeoutMs ?? 1500;
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString: url,
      // A slow query must not hold a USSD hop past the operator's deadline.
      statement_timeout: opts.statementTimeoutMs ?? 1500,
      ...(opts.idleInTransactionTimeoutMs !== undefined
        ? { idle_in_transaction_session_timeout: opts.idleInTransactionTimeoutMs }
        : {}),
      ...(opts.applicationName ? { application_name: opts.applicationName } : {}),
      connectionTimeoutMillis: 2000,
    },
    pool: { min: 0, max: opts.max ?? 10, acquireTimeoutMillis: acquire },
    acquireConnectionTimeout: acquire,
  });
}

export async function pingDb(db: Db): Promise<void> {
  await db.raw('select 1');
}
