import { randomBytes } from 'node:crypto';
import { createDb, type Db } from '../../src/db/knex';

/**
 * The migrated template of this test run. Named per run (global setup sets it in the environment the
 * workers inherit), so two runs on one server (two checkouts, CI beside a developer) never drop each
 * other's template.
 */
export function templateDb(): string {
  const name = process.env.CP2_TEMPLATE_DB;
  if (!name)
    throw new Error('CP2_TEMPLATE_DB is not set: tests run through jest, whose global setup sets it');
  return name;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, migrated database for one test file (cloned from the template global setup built). */
export async function freshDatabase(): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL as string;
  // Named after the run's template, so that a run can find what a killed worker left (scripts/mutate.ts).
  const name = `${templateDb()}_${randomBytes(6).toString('hex')}`;
  // Dropping a database can take a while under load: no 1.5 s statement timeout for these.
  const admin = createDb(base, { statementTimeoutMs: 30_000 });
  await admin.raw(`create database ${name} template ${templateDb()}`);
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
