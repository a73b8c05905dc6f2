import { createDb } from '../../src/db/knex';

export default async function globalTeardown(): Promise<void> {
  // This run's template only (see databases.ts); the per-file databases are dropped by their files.
  const template = process.env.CP2_TEMPLATE_DB;
  if (template && process.env.DATABASE_URL) {
    const admin = createDb(process.env.DATABASE_URL, { statementTimeoutMs: 30_000 });
    try {
      await admin.raw(`drop database if exists ${template} with (force)`);
    } finally {
      await admin.destroy();
    }
  }
  for (const s of globalThis.__cp2Services ?? []) await s.stop();
}
