// The purge is scheduled, not only written: scheduleRetention (which src/main.ts starts with the service;
// tests/process/main.test.ts sees it say so) runs purgeExpired on its own, again at every interval, with
// the periods counted from its clock; a failed run is logged and the next one purges; after stop() nothing
// runs. Short intervals and a clock set years ahead stand in for an hour and for waiting.
import type { Db } from '../../src/db/knex';
import { scheduleRetention } from '../../src/domain/personal-data/retention';
import { freshDatabase } from '../support/databases';

let db: Db;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await freshDatabase());
});
afterAll(() => drop());

const DAY = 24 * 3600 * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A log that keeps what it was told. */
function memoryLog() {
  const lines: { level: 'info' | 'error'; msg: string; o: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (o: object, msg: string) =>
      void lines.push({ level: 'info', msg, o: o as Record<string, unknown> }),
    error: (o: object, msg: string) =>
      void lines.push({ level: 'error', msg, o: o as Record<string, unknown> }),
  };
}

let n = 0;
/** An inbound SMS received at `at` (its record is kept 90 days); returns its provider id. */
async function inbound(at: Date): Promise<string> {
  n += 1;
  const id = `sched-${n}`;
  await db('inbound_sms').insert({
    provider_id: id,
    from_phone: '+254711888001',
    to_code: '22262',
    text: 'HELP',
    received_at: at,
  });
  return id;
}
const present = async (id: string) =>
  (await db('inbound_sms').where({ provider_id: id }).first()) !== undefined;

async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('runs the purge by itself, at every interval, by its clock; logs it; stops', async () => {
  const log = memoryLog();
  // The clock the schedule reads: a year ahead, so that a message received now is past its 90 days.
  let clock = new Date(Date.now() + 365 * DAY);
  const first = await inbound(new Date());
  const recent = await inbound(new Date(clock.getTime() - 10 * DAY));
  const schedule = scheduleRetention(db, log, { firstAfterMs: 10, everyMs: 100, now: () => clock });
  try {
    expect(log.lines[0]).toMatchObject({
      level: 'info',
      msg: 'retention: purge scheduled (docs/privacy.md)',
      o: { everyMs: 100, firstAfterMs: 10 },
    });
    await until(async () => !(await present(first)), 'the first run');
    expect(await present(recent)).toBe(true);
    expect(log.lines).toContainEqual({
      level: 'info',
      msg: 'retention: expired records purged',
      o: { purged: expect.objectContaining({ 'inbound SMS records': 1 }) },
    });

    // The next runs, by the interval: the clock moves on 81 days and the 10-day-old message is past 90.
    clock = new Date(clock.getTime() + 81 * DAY);
    await until(async () => !(await present(recent)), 'a later run');
    const later = await inbound(new Date());
    await until(async () => !(await present(later)), 'another later run');
  } finally {
    await schedule.stop();
  }

  // Stopped: nothing runs any more.
  const afterStop = await inbound(new Date());
  await sleep(400);
  expect(await present(afterStop)).toBe(true);
  expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
});

test('the first run waits for firstAfterMs (30 s by default), not the hour', async () => {
  const log = memoryLog();
  const old = await inbound(new Date(Date.now() - 200 * DAY));
  const schedule = scheduleRetention(db, log, { firstAfterMs: 300, everyMs: 60 * 60 * 1000 });
  try {
    await sleep(100);
    expect(await present(old)).toBe(true);
    await until(async () => !(await present(old)), 'the first run');
  } finally {
    await schedule.stop();
  }
  const told = memoryLog();
  await scheduleRetention(db, told).stop();
  expect(told.lines[0]?.o).toEqual({ everyMs: 3_600_000, firstAfterMs: 30_000 });
});

test('a failed run is logged and the next one purges', async () => {
  const log = memoryLog();
  let failures = 1;
  // The database refuses the first purge's transaction, as when it is briefly unreachable.
  const flaky = new Proxy(db, {
    get(target, p, receiver) {
      if (p === 'transaction' && failures > 0) {
        failures -= 1;
        return () => Promise.reject(new Error('connection refused'));
      }
      return Reflect.get(target, p, receiver) as unknown;
    },
  });
  const old = await inbound(new Date(Date.now() - 200 * DAY));
  const schedule = scheduleRetention(flaky, log, { firstAfterMs: 10, everyMs: 100 });
  try {
    await until(async () => log.lines.some((l) => l.level === 'error'), 'the failure to be logged');
    expect(log.lines.find((l) => l.level === 'error')).toMatchObject({
      msg: 'retention: purge failed; retried at the next run',
      o: { err: expect.objectContaining({ message: 'connection refused' }) },
    });
    await until(async () => !(await present(old)), 'the retry');
  } finally {
    await schedule.stop();
  }
});
