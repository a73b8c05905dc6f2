// `npm run phone` and `npm run sms` as a developer runs them, against a real service: they find it where
// `npm start` was told to listen (PORT in the environment or in .env; --url wins), the phone quits on q
// at any prompt, and the SMS script posts what Africa's Talking posts and prints the replies the
// simulator inbox received.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../../src/free-port';
import { inbox, passwordIn, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { randomPhone, UssdPhone } from '../support/ussd-phone';

jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..', '..');
// An absolute loader, so that a script can run in a directory of its own (with its own .env).
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

type Run = { code: number | null; out: string };

/** Runs scripts/<script> in `cwd` with `env` (no PORT or WEBHOOK_TOKEN of the test run), feeding `input`. */
function run(
  script: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; input?: string } = {},
) {
  const { PORT: _p, WEBHOOK_TOKEN: _w, SMS_SENDER: _s, ...base } = process.env;
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'scripts', script), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...base, ...opts.env },
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  child.stdin.end(opts.input ?? '');
  return new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

/** A directory with a .env file, as a developer's checkout has. */
function withEnvFile(lines: string[]): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cp2-script-'));
  writeFileSync(path.join(dir, '.env'), `${lines.join('\n')}\n`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const portOf = (app: TestApp) => new URL(app.url).port;

describe('npm run phone', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ store: 'memory' });
  });
  afterAll(() => app.close());

  test('finds the service on PORT from .env, shows the first screen, and q hangs up mid-session', async () => {
    const env = withEnvFile([`PORT=${portOf(app)}`]);
    try {
      const { code, out } = await run('phone.ts', ['0711000401'], { cwd: env.dir, input: 'q\n' });
      expect(out).toContain(`(PORT=${portOf(app)} in .env); q quits`);
      expect(out).toContain('Welcome to CP2');
      // One screen, then q: no second hop, no "Session ended" prompt.
      expect(out.match(/┌ CON/g)).toHaveLength(1);
      expect(out).not.toContain('Session ended');
      expect(code).toBe(0);
    } finally {
      env.remove();
    }
  });

  test('PORT in the environment wins over .env, as for npm start', async () => {
    const env = withEnvFile(['PORT=1']);
    try {
      const { code, out } = await run('phone.ts', ['0711000402'], {
        cwd: env.dir,
        env: { PORT: portOf(app) },
        input: 'q\n',
      });
      expect(out).toContain(`(PORT=${portOf(app)} in the environment)`);
      expect(out).toContain('Welcome to CP2');
      expect(code).toBe(0);
    } finally {
      env.remove();
    }
  });

  test('--url wins over PORT; nothing listening is reported with the address and where it came from', async () => {
    const idle = await freePort();
    const found = await run('phone.ts', ['0711000403', '--url', app.url], {
      env: { PORT: String(idle) },
      input: 'q\n',
    });
    expect(found.out).toContain('Welcome to CP2');

    const missing = await run('phone.ts', ['0711000403'], { env: { PORT: String(idle) }, input: 'q\n' });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain(
      `cannot reach the service at http://127.0.0.1:${idle} (PORT=${idle} in the environment)`,
    );
  });

  test('after an END screen, q quits as before', async () => {
    // Create account, then Cancel: the session ends.
    const { code, out } = await run('phone.ts', ['0711000404', '--url', app.url], { input: '1\n2\nq\n' });
    expect(out).toContain('Session ended');
    expect(code).toBe(0);
  });
});

describe('npm run sms', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ store: 'memory', env: { WEBHOOK_TOKEN: 'tok-sms-script' } });
  });
  afterAll(() => app.close());

  test('PASSWORD from a registered phone: the reply SMS with the new password is printed', async () => {
    const number = randomPhone();
    const phone = new UssdPhone(app.url, number, { query: '?token=tok-sms-script' });
    await phone.dial();
    await phone.choose('Create account');
    await phone.choose('Confirm');
    await waitForSms(app.url, number);
    // The token and port come from .env, as `npm start` would read them.
    const env = withEnvFile([`PORT=${portOf(app)}`, 'WEBHOOK_TOKEN=tok-sms-script']);
    try {
      const { code, out } = await run('sms.ts', [`0${number.slice(4)}`, 'PASSWORD'], { cwd: env.dir });
      expect(out).toContain(`SMS from ${number} to 22262: "PASSWORD"`);
      expect(out).toContain('accepted (HTTP 200 OK)');
      const messages = await inbox(app.url, number);
      const reset = messages.at(-1)?.text ?? '';
      expect(messages).toHaveLength(2); // the credentials, then the reset
      expect(out).toContain(reset);
      expect(passwordIn(out.slice(out.indexOf('reply from')))).toBe(passwordIn(reset));
      expect(code).toBe(0);
    } finally {
      env.remove();
    }
  });

  test('without the token it says the service wants one', async () => {
    const { code, out } = await run('sms.ts', [randomPhone(), 'HELP', '--url', app.url]);
    expect(out).toContain('401 Unauthorized: the service has a WEBHOOK_TOKEN; pass --token');
    expect(code).toBe(1);
  });

  test("a service that sends through Africa's Talking: accepted, and it says where the reply went", async () => {
    const at = await startTestApp({
      store: 'memory',
      relay: false,
      env: {
        SMS_GATEWAY: 'africastalking',
        AT_USERNAME: 'cp2',
        AT_API_KEY: 'k',
        AT_SMS_URL: 'http://127.0.0.1:1/',
      },
    });
    try {
      const { code, out } = await run('sms.ts', [randomPhone(), 'help', 'me'], { env: { PORT: portOf(at) } });
      expect(out).toContain('"help me"');
      expect(out).toContain('accepted (HTTP 200 OK)');
      expect(out).toContain("through Africa's Talking: any reply went to the phone itself");
      expect(code).toBe(0);
    } finally {
      await at.close();
    }
  });
});
