// The operator token on the embedded default. The admin API (and the console on top of it) is off until a
// token is configured; on a machine of one's own with nothing configured (no DATABASE_URL, not
// production), the service generates one token once, keeps it in DATA_DIR/admin-token (mode 600, like
// the data key) and says where it is, so that `npm start` gives a working console. Anywhere else,
// ADMIN_TOKEN or ADMIN_TOKENS must be set, as before.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config';

/** The name the generated token has in the audit trail (`admin:local`). */
export const LOCAL_TOKEN_NAME = 'local';

export function adminTokenFile(config: Pick<Config, 'dataDir'>): string {
  return path.resolve(config.dataDir, 'admin-token');
}

/**
 * The operator tokens to serve: the configured ones; or, on the embedded default with none configured,
 * the one kept in DATA_DIR/admin-token (generated on the first start).
 */
export function operatorTokens(
  config: Pick<Config, 'adminTokens' | 'databaseUrl' | 'dataDir'>,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Config['adminTokens'] {
  if (config.adminTokens.length > 0) return config.adminTokens;
  if (config.databaseUrl || env.NODE_ENV === 'production') {
    log.info('operator API and console: off (set ADMIN_TOKEN or ADMIN_TOKENS)');
    return [];
  }
  const file = adminTokenFile(config);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    log.warn({ file }, 'operator token: none configured, generated one and kept it in this file');
  } else {
    log.info({ file }, 'operator token: none configured, using the one kept in this file');
  }
  chmodSync(file, 0o600);
  const token = readFileSync(file, 'utf8').trim();
  if (token.length < 16) throw new Error(`${file} does not hold an operator token (16+ characters)`);
  return [{ name: LOCAL_TOKEN_NAME, token }];
}
