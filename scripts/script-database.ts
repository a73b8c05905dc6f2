// The database a command-line script works on: DATABASE_URL, or the embedded PostgreSQL under DATA_DIR,
// with no per-hop statement timeout (a migration or a large import may take minutes).
import type { Config } from '../src/config';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { createDb, pingDb, type Db } from '../src/db/knex';
import { createLogger } from '../src/logger';

function where(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

export async function openScriptDatabase(config: Config): Promise<{ db: Db; close: () => Promise<void> }> {
  // Warnings only: the embedded server's own chatter is debug.
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  let url = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (url) {
    console.log(`database: ${where(url)} (DATABASE_URL)`);
  } else {
    console.log(`database: no DATABASE_URL, starting the embedded PostgreSQL under ${config.dataDir}/`);
    const embedded = await startEmbeddedPostgres(config.dataDir, log);
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const db = createDb(url, { statementTimeoutMs: 10 * 60_000 });
  const close = async () => {
    await db.destroy();
    await stopEmbedded?.();
  };
  try {
    await pingDb(db);
  } catch (err) {
    await close();
    throw err;
  }
  return { db, close };
}
