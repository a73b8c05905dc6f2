import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, envFileValues, loadConfig } from '../../src/config';

/** A well-formed data key (32 bytes, base64). */
const KEY = Buffer.alloc(32, 3).toString('base64');

test('defaults: port 3000, sender 22262, no database/redis/AT (embedded defaults), 160-character screens', () => {
  const c = loadConfig({});
  expect(c.port).toBe(3000);
  expect(c.smsSender).toBe('22262');
  expect(c.databaseUrl).toBeUndefined();
  expect(c.redisUrl).toBeUndefined();
  expect(c.at).toBeUndefined();
  expect(c.screenLimit).toEqual({ default: 160, byNetwork: { '63903': 182 } });
});

test.each([
  [{ PORT: 'abc' }, 'PORT'],
  [{ PORT: '70000' }, 'PORT'],
  [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
  [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
  [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL'],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  [{ USSD_SERVICE_CODE: '384' }, 'USSD_SERVICE_CODE'],
  [{ SCREEN_LIMITS: '63903=182' }, 'SCREEN_LIMITS'],
  [{ AT_API_KEY: 'k' }, 'AT_USERNAME'],
  [{ AT_TIMEOUT_MS: '90000' }, 'AT_TIMEOUT_MS'],
  [{ DEMO_DATA: 'yes' }, 'DEMO_DATA'],
  [{ OUTBOX_CONCURRENCY: '0' }, 'OUTBOX_CONCURRENCY'],
  [{ OUTBOX_CONCURRENCY: '1000' }, 'OUTBOX_CONCURRENCY'],
  [{ SHED_MAX_IN_FLIGHT: '-1' }, 'SHED_MAX_IN_FLIGHT'],
  [{ SHED_MAX_LAG_MS: 'fast' }, 'SHED_MAX_LAG_MS'],
  [{ DATA_KEY: 'too-short' }, 'DATA_KEY'],
  [{ DATA_KEY: KEY, DATA_KEY_PREVIOUS: `${KEY},nope` }, 'DATA_KEY_PREVIOUS'],
  [{ NODE_ENV: 'production', SMS_GATEWAY: 'africastalking', AT_USERNAME: 'u', AT_API_KEY: 'k' }, 'DATA_KEY'],
  [
    {
      DEMO_DATA: '1',
      NODE_ENV: 'production',
      DATA_KEY: KEY,
      SMS_GATEWAY: 'africastalking',
      AT_USERNAME: 'u',
      AT_API_KEY: 'k',
    },
    'DEMO_DATA',
  ],
])('%j is refused with a message naming %s', (env, name) => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid environment:\\n {2}${name}: `));
});

test('load shedding and the relay: defaults, and 0 turns each shedding check off', () => {
  const c = loadConfig({});
  expect(c.shed).toEqual({ maxInFlight: 64, maxLagMs: 100 });
  expect(c.outboxConcurrency).toBe(32);
  const off = loadConfig({ SHED_MAX_IN_FLIGHT: '0', SHED_MAX_LAG_MS: '0', OUTBOX_CONCURRENCY: '1' });
  expect(off.shed).toEqual({ maxInFlight: 0, maxLagMs: 0 });
  expect(off.outboxConcurrency).toBe(1);
});

test('SCREEN_LIMITS adds per-network limits; AT settings come together', () => {
  const c = loadConfig({
    SCREEN_LIMITS: '63902:170',
    AT_USERNAME: 'cp2',
    AT_API_KEY: 'k',
    AT_TIMEOUT_MS: '5000',
  });
  expect(c.screenLimit.byNetwork).toEqual({ '63903': 182, '63902': 170 });
  expect(c.at).toEqual({ username: 'cp2', apiKey: 'k', smsUrl: undefined, timeoutMs: 5000 });
});

describe('SMS_GATEWAY: the simulator shows every SMS to anyone, so it is only chosen on purpose', () => {
  test('the embedded default (no DATABASE_URL, no AT key) sends to the simulator', () => {
    expect(loadConfig({}).smsGateway).toBe('simulator');
  });

  test('AT credentials choose Africa’s Talking', () => {
    expect(loadConfig({ AT_USERNAME: 'cp2', AT_API_KEY: 'k' }).smsGateway).toBe('africastalking');
  });

  test('a configured database without AT credentials is refused, naming them, instead of a simulator', () => {
    const env = { DATABASE_URL: 'postgres://db/cp2', REDIS_URL: 'redis://r', WEBHOOK_TOKEN: 't' };
    expect(() => loadConfig(env)).toThrow(/^Invalid environment:\n {2}AT_USERNAME, AT_API_KEY: required/);
  });

  test('SMS_GATEWAY=simulator is honoured with a configured database (a test system)', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/cp2', SMS_GATEWAY: 'simulator' }).smsGateway).toBe(
      'simulator',
    );
  });

  test.each([
    {},
    { DATABASE_URL: 'postgres://db/cp2', SMS_GATEWAY: 'simulator' },
    { SMS_GATEWAY: 'simulator' },
  ])('NODE_ENV=production refuses the simulator (%j)', (env) => {
    expect(() => loadConfig({ ...env, NODE_ENV: 'production', DATA_KEY: KEY })).toThrow(
      /^Invalid environment:\n {2}SMS_GATEWAY: /,
    );
  });

  test('SMS_GATEWAY=africastalking without credentials names them; an unknown gateway is refused', () => {
    expect(() => loadConfig({ SMS_GATEWAY: 'africastalking' })).toThrow(/AT_USERNAME, AT_API_KEY/);
    expect(() => loadConfig({ SMS_GATEWAY: 'carrier-pigeon' })).toThrow(
      /^Invalid environment:\n {2}SMS_GATEWAY: /,
    );
  });
});

test('command-line scripts (migrate, import, seed) send no SMS: they need no gateway settings', () => {
  const env = { DATABASE_URL: 'postgres://db/cp2', NODE_ENV: 'production', DATA_KEY: KEY };
  expect(() => loadConfig(env)).toThrow(/AT_USERNAME, AT_API_KEY/);
  expect(loadConfig(env, 'script').databaseUrl).toBe('postgres://db/cp2');
});

describe('DEMO_DATA: the demo vacancies at start', () => {
  const db = { DATABASE_URL: 'postgres://db/cp2', SMS_GATEWAY: 'simulator' };
  test('loaded on the embedded default, not on a configured database', () => {
    expect(loadConfig({}).demoData).toBe(true);
    expect(loadConfig(db).demoData).toBe(false);
  });
  test('DEMO_DATA=1 loads them with DATABASE_URL set (docker-compose); 0 turns them off anywhere', () => {
    expect(loadConfig({ ...db, DEMO_DATA: '1' }).demoData).toBe(true);
    expect(loadConfig({ DEMO_DATA: '0' }).demoData).toBe(false);
    expect(loadConfig({ ...db, DEMO_DATA: '' }).demoData).toBe(false);
  });
});

test('.env: its variables as the file gives them (quotes, comments), none when there is no file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cp2-env-'));
  const file = path.join(dir, '.env');
  writeFileSync(file, '# local\nPORT=3001\nWEBHOOK_TOKEN="a b"\n');
  expect(envFileValues(file)).toEqual({ PORT: '3001', WEBHOOK_TOKEN: 'a b' });
  expect(envFileValues(path.join(dir, 'missing.env'))).toEqual({});
});
