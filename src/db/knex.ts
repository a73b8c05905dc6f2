import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

// count(*) and bigint come back as strings from pg; our counts and ids fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

export type Db = Knex;

export function createDb(
  url: string,
  opts: { statementTimeoutMs?: number; acquireTimeoutMs?: number } = {},
): Db {
  // A hop must not wait long for a connection either: its deadline is 2 s.
  const acquire = opts.acquireTimeoutMs ?? 1500;
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString: url,
      // A slow query must not hold a USSD hop past the operator's deadline.
      statement_timeout: opts.statementTimeoutMs ?? 1500,
      connectionTimeoutMillis: 2000,
    },
    pool: { min: 0, max: 10, acquireTimeoutMillis: acquire },
    acquireConnectionTimeout: acquire,
  });
}

export async function pingDb(db: Db): Promise<void> {
  await db.raw('select 1');
}
