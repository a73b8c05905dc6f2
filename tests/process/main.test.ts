// The process as an operator runs it: `src/main.ts` with environment variables, through real HTTP.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshDatabase } from '../support/databases';
import { clearVacancies } from '../vacancies/fixtures';
import { TEST_DATA_KEY } from '../support/test-app';

jest.setTimeout(60_000);

function start(env: Record<string, string>): ChildProcessWithoutNullStreams {
  const { DATABASE_URL: _d, REDIS_URL: _r, ...base } = process.env;
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    // A configured database comes with a configured data key; the embedded default makes its own.
    env: {
      ...base,
      PORT: '0',
      LOG_LEVEL: 'info',
      ...(env.DATABASE_URL ? { DATA_KEY: TEST_DATA_KEY } : {}),
      ...env,
    },
  });
}

function output(child: ChildProcessWithoutNullStreams): {
  text: () => string;
  until: (re: RegExp) => Promise<string>;
} {
  let text = '';
  const waiters: (() => void)[] = [];
  const onData = (b: Buffer) => {
    text += b.toString();
    waiters.splice(0).forEach((w) => w());
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return {
    text: () => text,
    until: (re) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(text);
          if (m) resolve(m[0]);
          else if (child.exitCode !== null) reject(new Error(`process exited:\n${text}`));
          else waiters.push(check);
        };
        child.once('exit', check);
        check();
      }),
  };
}

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)));

test('a bad PORT stops start-up with a message naming the variable', async () => {
  const child = start({ PORT: 'eighty' });
  const out = output(child);
  expect(await exited(child)).toBe(1);
  expect(out.text()).toContain('PORT: must be a whole number');
});

test('a configured database with no SMS gateway chosen does not start (no simulator by accident)', async () => {
  const child = start({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', WEBHOOK_TOKEN: 'x' });
  const out = output(child);
  expect(await exited(child)).toBe(1);
  expect(out.text()).toContain('AT_USERNAME, AT_API_KEY: required with DATABASE_URL set');
});

test('starts on DATABASE_URL, says what it chose, answers a dial, and stops cleanly on SIGTERM', async () => {
  const database = await freshDatabase();
  await database.db.destroy();
  const child = start({ DATABASE_URL: database.url, SMS_GATEWAY: 'simulator' });
  const out = output(child);
  try {
    const listening = await out.until(/listening on http:\/\/localhost:(\d+)/);
    const port = /(\d+)$/.exec(listening)?.[1];
    const log = out.text();
    expect(log).toContain('database: PostgreSQL at DATABASE_URL');
    expect(log).toContain('sessions: no REDIS_URL, keeping sessions in process');
    expect(log).toContain('outbound SMS: SMS_GATEWAY=simulator, messages go to the simulator inbox');
    expect(log).toContain('reference data present: 47 counties');
    // The retention purge runs with the service (what it does: tests/privacy/retention-schedule.test.ts).
    await out.until(/retention: purge scheduled/);
    const res = await fetch(`http://127.0.0.1:${port}/ussd`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'sessionId=p1&serviceCode=*384*22262%23&phoneNumber=%2B254711000009&networkCode=63902&text=',
    });
    expect(await res.text()).toContain('CON Welcome to CP2');
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(out.text()).toContain('"msg":"stopped"');
  } finally {
    child.kill('SIGKILL');
    await database.drop();
  }
});

test('DEMO_DATA=1 loads the demo vacancies at start on a configured database (docker-compose), and only then', async () => {
  const database = await freshDatabase();
  // A new database, as docker-compose's PostgreSQL is on its first start: no vacancies yet.
  await clearVacancies(database.db);
  const vacancies = () => database.db('vacancies').count({ n: '*' }).first();
  const child = start({ DATABASE_URL: database.url, SMS_GATEWAY: 'simulator', DEMO_DATA: '1' });
  const out = output(child);
  try {
    await out.until(/listening on http:\/\/localhost:(\d+)/);
    expect(out.text()).toMatch(/demo data: \d+ vacancies at 60 duty stations loaded from data\/demo/);
    expect(Number((await vacancies())?.n)).toBeGreaterThan(300);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);

    // Without it, a configured database gets none, and the log says how to ask for them.
    await clearVacancies(database.db);
    const plain = start({ DATABASE_URL: database.url, SMS_GATEWAY: 'simulator' });
    const plainOut = output(plain);
    try {
      await plainOut.until(/listening on/);
      expect(plainOut.text()).toContain('demo data: not loaded (DATABASE_URL is set; DEMO_DATA=1 loads');
      expect(Number((await vacancies())?.n)).toBe(0);
      plain.kill('SIGTERM');
      await exited(plain);
    } finally {
      plain.kill('SIGKILL');
    }
  } finally {
    child.kill('SIGKILL');
    await database.drop();
  }
});

test('killed hard (SIGKILL) on the embedded default, the next start recovers its PostgreSQL and serves', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cp2-kill-'));
  const dial = async (port: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/ussd`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'sessionId=k1&serviceCode=*384*22262%23&phoneNumber=%2B254711000019&networkCode=63902&text=',
    });
    return res.text();
  };
  const first = start({ DATA_DIR: dataDir });
  const firstOut = output(first);
  let second: ChildProcessWithoutNullStreams | undefined;
  try {
    const port1 = /(\d+)$/.exec(await firstOut.until(/listening on http:\/\/localhost:(\d+)/))?.[1] as string;
    expect(await dial(port1)).toContain('CON Welcome to CP2');
    first.kill('SIGKILL');
    await exited(first);
    // Its PostgreSQL outlived it, on the same data directory.
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);

    second = start({ DATA_DIR: dataDir });
    const out = output(second);
    const port2 = /(\d+)$/.exec(await out.until(/listening on http:\/\/localhost:(\d+)/))?.[1] as string;
    expect(out.text()).toContain('the embedded PostgreSQL of an earlier run is still running');
    expect(await dial(port2)).toContain('CON Welcome to CP2');
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
  } finally {
    first.kill('SIGKILL');
    second?.kill('SIGKILL');
    // A failed run must not leave a PostgreSQL behind on the machine.
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT');
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);
