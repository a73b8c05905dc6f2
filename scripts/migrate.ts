// Applies the pending Knex migrations and stops: `npm run migrate`.
//
// Configuration as `npm start` reads it (.env if present, then the environment): DATABASE_URL when set,
// else the embedded PostgreSQL under DATA_DIR (./.data by default). `npm start` also migrates at start;
// this is for doing it ahead of a deploy, or on its own.
import { readConfigOrExit } from '../src/config';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded-postgres';
import { createDb, pingDb } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import { createLogger } from '../src/logger';
import { migrations } from '../migrations';

function where(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

async function main(): Promise<void> {
  const config = readConfigOrExit();
  // Warnings only: the embedded server's own chatter is debug.
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (url) {
    console.log(`database: ${where(url)} (DATABASE_URL)`);
  } else {
    console.log(`database: no DATABASE_URL, starting the embedded PostgreSQL under ${config.dataDir}/`);
    embedded = await startEmbeddedPostgres(config.dataDir, log);
    url = embedded.url;
  }
  // No 1.5 s statement timeout here (the service's per-hop guard): a migration may take longer.
  const db = createDb(url, { statementTimeoutMs: 10 * 60_000 });
  try {
    await pingDb(db);
    const applied = await migrateLatest(db);
    const known = Object.keys(migrations).length;
    if (applied.length === 0) {
      console.log(`nothing to apply: the schema is current (${known} migration(s) known)`);
    } else {
      console.log(`applied ${applied.length} of ${known} migration(s):`);
      for (const name of applied) console.log(`  ${name}`);
    }
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  console.error('migration failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
