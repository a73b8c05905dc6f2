// Where the running service listens, found as `npm start` was told: `--url` when given, else PORT from the
// environment or the `.env` file (read by src/config.ts's rules: the environment wins), else 3000. Also the
// WEBHOOK_TOKEN the service will ask for, and the SMS sender, from the same places. Shared by the
// scripts that talk to the service (phone.ts, sms.ts).
import { ConfigError, envFileValues, loadConfig } from '../src/config';

export type ServiceTarget = {
  base: URL;
  /** How `base` was found, for messages: `--url`, `PORT=3001 in .env`, … */
  from: string;
  webhookToken?: string;
  smsSender: string;
};

export class ServiceUrlError extends Error {}

export function findService(
  opts: { url?: string; env?: NodeJS.ProcessEnv; envFile?: string } = {},
): ServiceTarget {
  const env = opts.env ?? process.env;
  const file = envFileValues(opts.envFile ?? '.env');
  let config;
  try {
    config = loadConfig({ ...file, ...env }, 'script');
  } catch (err) {
    if (err instanceof ConfigError) throw new ServiceUrlError(err.message);
    throw err;
  }
  const common = { webhookToken: config.webhookToken, smsSender: config.smsSender };
  if (opts.url !== undefined) {
    try {
      return { base: new URL(opts.url), from: '--url', ...common };
    } catch {
      throw new ServiceUrlError(`--url "${opts.url}" is not a URL (try http://localhost:3000).`);
    }
  }
  const from = env.PORT?.trim()
    ? `PORT=${config.port} in the environment`
    : file.PORT?.trim()
      ? `PORT=${config.port} in .env`
      : 'the default port 3000';
  if (config.port === 0) {
    throw new ServiceUrlError(
      `${from}: the service took a random port. Pass --url with the one its log names ("listening on http://localhost:N").`,
    );
  }
  // 127.0.0.1, not localhost: Node may resolve localhost to ::1 first, where an IPv4-only server is not.
  return { base: new URL(`http://127.0.0.1:${config.port}`), from, ...common };
}

/** Why a request to the service failed, and what to do: the address and where it came from. */
export function unreachable(target: ServiceTarget, err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
  return (
    `cannot reach the service at ${target.base.origin} (${target.from}): ${cause}.\n` +
    'Is it running (npm start)? If it listens elsewhere, set PORT as for npm start, or pass --url.'
  );
}
