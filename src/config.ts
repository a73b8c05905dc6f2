// Environment → typed, validated configuration. Every variable is checked at start so that a bad value
// stops the process with a message naming the variable, instead of failing later on a webhook.
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { parseDataKey } from './domain/personal-data/field-cipher';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const dataKey = z.string().transform((v, ctx) => {
  const key = parseDataKey(v);
  if (!key)
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes in base64 (44 characters) or hex (64)' });
  return key ?? Buffer.alloc(0);
});

const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const url = (protocols: string[]) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(
        (v) => {
          try {
            return protocols.includes(new URL(v).protocol);
          } catch {
            return false;
          }
        },
        `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      )
      .optional(),
  );

const int = (def: number, min: number, max: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a whole number' })
      .int('must be a whole number')
      .min(min)
      .max(max)
      .default(def),
  );

/** `63903:182,63902:160`: screen length limits per AT network code. */
const screenLimits = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .regex(/^\d+:\d+(,\d+:\d+)*$/, 'must look like 63903:182,63902:160')
    .transform((v) =>
      Object.fromEntries(v.split(',').map((p) => p.split(':').map(Number) as [number, number])),
    )
    .optional(),
);

const schema = z.object({
  PORT: int(3000, 0, 65535),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  REDIS_URL: url(['redis:', 'rediss:']),
  AT_USERNAME: optionalString,
  AT_API_KEY: optionalString,
  SMS_SENDER: z.preprocess(emptyToUndefined, z.string().max(11).default('22262')),
  USSD_SERVICE_CODE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\*[\d*]+#$/, 'must look like *384*22262#')
      .default('*384*22262#'),
  ),
  WEBHOOK_TOKEN: optionalString,
  /** Where outbound SMS go; unset: see smsGatewayOf. */
  SMS_GATEWAY: z.preprocess(emptyToUndefined, z.enum(['simulator', 'africastalking']).optional()),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: optionalString,
  NODE_ENV: optionalString,
  ADMIN_TOKEN: optionalString,
  /** `name:token,name:token`: named operator tokens; the name goes into the audit trail. */
  ADMIN_TOKENS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^[\w.-]+:[^,:]{16,}(,[\w.-]+:[^,:]{16,})*$/,
        'must look like name:token,name:token (tokens of 16+ characters)',
      )
      .transform((v) => v.split(',').map((p) => p.split(':') as [string, string]))
      .optional(),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('.data')),
  /** The key the identity fields are encrypted with: 32 bytes, base64 or hex. */
  DATA_KEY: z.preprocess(emptyToUndefined, dataKey.optional()),
  /** Keys being rotated away from (comma-separated): they still decrypt; `npm run rotate-key` retires them. */
  DATA_KEY_PREVIOUS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((v, ctx) =>
        v.split(',').map((k) => {
          const key = parseDataKey(k);
          if (!key) ctx.addIssue({ code: 'custom', message: 'each key must be 32 bytes in base64 or hex' });
          return key ?? Buffer.alloc(0);
        }),
      )
      .optional(),
  ),
  /** `1`: load the demo set at start even with DATABASE_URL; `0`: not even on the embedded default. */
  DEMO_DATA: z.preprocess(
    emptyToUndefined,
    z.enum(['0', '1'], { message: 'must be 1 (load the demo vacancies at start) or 0' }).optional(),
  ),
  SESSION_TTL_SECONDS: int(180, 10, 3600),
  RESUME_WINDOW_SECONDS: int(600, 0, 3600),
  HOP_DEADLINE_MS: int(2000, 100, 10000),
  SCREEN_LIMIT: int(160, 100, 182),
  SCREEN_LIMITS: screenLimits,
  OUTBOX_POLL_MS: int(500, 10, 60000),
  /** Sends in flight at once per relay (decision 0018): also the most one crash can send twice. */
  OUTBOX_CONCURRENCY: int(32, 1, 256),
  /** POST /ussd hops in flight beyond which a hop is answered "busy" at once; 0: no limit. */
  SHED_MAX_IN_FLIGHT: int(64, 0, 100000),
  /** Sustained event-loop lag (ms) beyond which a hop is answered "busy" at once; 0: not checked. */
  SHED_MAX_LAG_MS: int(100, 0, 10000),
  AT_SMS_URL: url(['http:', 'https:']),
  // Below the outbox's 60 s visibility timeout, so a send ends before its claim can be taken over.
  AT_TIMEOUT_MS: int(10000, 100, 30000),
});

export type Config = {
  port: number;
  databaseUrl?: string;
  redisUrl?: string;
  at?: { username: string; apiKey: string; smsUrl?: string; timeoutMs: number };
  /** Where outbound SMS go: the simulator inbox (readable over HTTP by anyone) or Africa's Talking. */
  smsGateway: 'simulator' | 'africastalking';
  metricsToken?: string;
  smsSender: string;
  ussdServiceCode: string;
  webhookToken?: string;
  /** Operator tokens by name: ADMIN_TOKEN is named `admin`, ADMIN_TOKENS adds named ones. */
  adminTokens: { name: string; token: string }[];
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  dataDir: string;
  /**
   * The data key(s) from the environment; without DATA_KEY the service keeps a generated key under
   * DATA_DIR (refused with NODE_ENV=production: that key must be managed, not left on one machine).
   */
  dataKey?: Buffer;
  dataKeysPrevious: Buffer[];
  /** Load the demo set (data/demo) at start when the vacancies table is empty. */
  demoData: boolean;
  sessionTtlSeconds: number;
  resumeWindowSeconds: number;
  hopDeadlineMs: number;
  screenLimit: { default: number; byNetwork: Record<string, number> };
  outboxPollMs: number;
  /** Sends in flight at once per outbox relay. */
  outboxConcurrency: number;
  /** Load shedding on POST /ussd (src/http/middleware/load-shedding.ts); 0 turns a check off. */
  shed: { maxInFlight: number; maxLagMs: number };
};

export class ConfigError extends Error {}

/**
 * `script`: a command-line script (migrate, import, seed) that sends no SMS, so the SMS gateway's
 * settings are not required of it.
 */
export type ConfigPurpose = 'service' | 'script';

export function loadConfig(env: NodeJS.ProcessEnv = process.env, purpose: ConfigPurpose = 'service'): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.AT_API_KEY && !e.AT_USERNAME) {
    throw new ConfigError('Invalid environment:\n  AT_USERNAME: required when AT_API_KEY is set');
  }
  const smsGateway = purpose === 'service' ? smsGatewayOf(e) : 'simulator';
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    at:
      e.AT_API_KEY && e.AT_USERNAME
        ? { username: e.AT_USERNAME, apiKey: e.AT_API_KEY, smsUrl: e.AT_SMS_URL, timeoutMs: e.AT_TIMEOUT_MS }
        : undefined,
    smsGateway,
    metricsToken: e.METRICS_TOKEN,
    smsSender: e.SMS_SENDER,
    ussdServiceCode: e.USSD_SERVICE_CODE,
    webhookToken: e.WEBHOOK_TOKEN,
    adminTokens: [
      ...(e.ADMIN_TOKEN ? [{ name: 'admin', token: e.ADMIN_TOKEN }] : []),
      ...(e.ADMIN_TOKENS ?? []).map(([name, token]) => ({ name, token })),
    ],
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    dataKey: dataKeyOf(e),
    dataKeysPrevious: e.DATA_KEY_PREVIOUS ?? [],
    demoData: demoDataOf(e),
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    resumeWindowSeconds: e.RESUME_WINDOW_SECONDS,
    hopDeadlineMs: e.HOP_DEADLINE_MS,
    screenLimit: { default: e.SCREEN_LIMIT, byNetwork: { '63903': 182, ...(e.SCREEN_LIMITS ?? {}) } },
    outboxPollMs: e.OUTBOX_POLL_MS,
    outboxConcurrency: e.OUTBOX_CONCURRENCY,
    shed: { maxInFlight: e.SHED_MAX_IN_FLIGHT, maxLagMs: e.SHED_MAX_LAG_MS },
  };
}

function dataKeyOf(e: z.infer<typeof schema>): Buffer | undefined {
  if (!e.DATA_KEY && e.NODE_ENV === 'production') {
    throw new ConfigError(
      'Invalid environment:\n  DATA_KEY: required with NODE_ENV=production (32 bytes, base64 or hex: `openssl rand -base64 32`)',
    );
  }
  return e.DATA_KEY;
}

/**
 * The simulator inbox serves every SMS (passwords included) to whoever asks, so it is only chosen by
 * itself on the embedded default (no DATABASE_URL, a machine of one's own). Anywhere else it must be
 * asked for with SMS_GATEWAY=simulator, and production refuses it outright.
 */
function smsGatewayOf(e: z.infer<typeof schema>): Config['smsGateway'] {
  const fail = (line: string) => {
    throw new ConfigError(`Invalid environment:\n  ${line}`);
  };
  const gateway = e.SMS_GATEWAY ?? (e.AT_API_KEY || e.DATABASE_URL ? 'africastalking' : 'simulator');
  if (gateway === 'simulator' && e.NODE_ENV === 'production') {
    fail('SMS_GATEWAY: the simulator is refused with NODE_ENV=production (it shows every SMS to anyone)');
  }
  if (gateway === 'africastalking' && !(e.AT_USERNAME && e.AT_API_KEY)) {
    fail(
      e.SMS_GATEWAY
        ? 'AT_USERNAME, AT_API_KEY: required with SMS_GATEWAY=africastalking'
        : 'AT_USERNAME, AT_API_KEY: required with DATABASE_URL set (or choose SMS_GATEWAY=simulator for a test system)',
    );
  }
  return gateway;
}

/**
 * Demo vacancies are wanted on the embedded default (a first run on one's own machine) and wherever
 * DEMO_DATA=1 asks for them (docker-compose). Production refuses them: teachers would apply for
 * vacancies that do not exist.
 */
function demoDataOf(e: z.infer<typeof schema>): boolean {
  if (e.DEMO_DATA === '1' && e.NODE_ENV === 'production') {
    throw new ConfigError(
      'Invalid environment:\n  DEMO_DATA: the demo vacancies are refused with NODE_ENV=production',
    );
  }
  return e.DEMO_DATA ? e.DEMO_DATA === '1' : !e.DATABASE_URL;
}

/**
 * The variables a `.env` file sets (none when there is no such file). The environment wins over the file:
 * callers add only what the environment lacks, as `npm start` does (readConfigOrExit), and the scripts
 * that look for the running service (scripts/service-url.ts) read it the same way.
 */
export function envFileValues(file = '.env'): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {}; // no .env file: the environment alone is used
  }
  return Object.fromEntries(
    Object.entries(parseEnv(text)).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

/** The configuration for a process entry: `.env` (if present) and the environment; exits on an error. */
export function readConfigOrExit(purpose: ConfigPurpose = 'service'): Config {
  for (const [name, value] of Object.entries(envFileValues())) process.env[name] ??= value;
  try {
    return loadConfig(process.env, purpose);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
