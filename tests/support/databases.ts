import { randomBytes } from 'node:crypto';
import { createDb, type Db } from '../../src/db/knex';

export const TEMPLATE_DB = 'cp2_test_template';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated database for one test file (cloned from the template global setup built). */
export async function freshDatabase(): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL as string;
  const name = `cp2_test_${randomBytes(6).toString('hex')}`;
  // Dropping a database can take a while under load: no 1.5 s statement timeout for these.
  const admin = createDb(base, { statementTimeoutMs: 30_000 });
  await admin.raw(`create database ${name} template ${TEMPLATE_DB}`);
  const url = withDatabase(base, name);
  // Tests run many files at once on 2 cores: generous timeouts, so that only wrong behaviour fails them.
  const db = createDb(url, { statementTimeoutMs: 10_000, acquireTimeoutMs: 20_000 });
  return {
    db,
    url,
    drop: async () => {
      await db.destroy();
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
    },
  };
}
