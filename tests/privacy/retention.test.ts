// The retention schedule (docs/privacy.md) enforced by the purge, with time moved rather than waited: a
// record is kept up to its period and gone after it; the purge touches nothing else.
import { RETENTION, purgeExpired } from '../../src/domain/personal-data/retention';
import { freshDatabase } from '../support/databases';
import type { Db } from '../../src/db/knex';

let db: Db;
let drop: () => Promise<void>;
beforeAll(async () => {
  const database = await freshDatabase();
  db = database.db;
  drop = database.drop;
});
afterAll(() => drop());

const NOW = new Date('2027-06-15T09:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 24 * 3600 * 1000);
const days = (what: string) => RETENTION.find((r) => r.what === what)?.days as number;

async function seed(): Promise<void> {
  const account = (await db('accounts')
    .insert({ phone: '+254711999001', username: '254711999001', password_hash: 'x' })
    .returning('id')) as { id: number }[];
  for (const [i, age] of [29, 31, 91].entries()) {
    await db('inbound_sms').insert({
      provider_id: `in-${age}`,
      from_phone: `+25471199900${i}`,
      to_code: '22262',
      text: `PASSWORD ${age}`,
      received_at: daysAgo(age),
    });
  }
  for (const [age, status] of [
    [89, 'sent'],
    [91, 'sent'],
    [91, 'failed'],
    [91, 'pending'],
  ] as const) {
    await db('outbound_sms').insert({
      to_phone: '+254711999001',
      template: 'sms.help',
      language: 'en',
      status,
      created_at: daysAgo(age),
    });
  }
  for (const age of [89, 91]) {
    await db('sms_delivery_reports').insert({
      provider_message_id: `m-${age}`,
      status: 'Success',
      payload: '{}',
      received_at: daysAgo(age),
    });
    await db('ussd_sessions').insert({
      session_id: `s-${age}`,
      phone: '+254711999001',
      ended_at: daysAgo(age),
    });
  }
  for (const age of [29, 31])
    await db('password_resets').insert({
      account_id: account[0]?.id,
      channel: 'sms',
      created_at: daysAgo(age),
    });
  for (const age of [6 * 365, 8 * 365])
    await db('admin_audit').insert({ actor: 'ops', action: 'test', target: `t-${age}`, at: daysAgo(age) });
}

const texts = async () =>
  (
    (await db('inbound_sms').orderBy('provider_id').select('provider_id', 'text')) as {
      provider_id: string;
      text: string;
    }[]
  ).map((r) => `${r.provider_id}:${r.text}`);
const count = async (table: string, where: Record<string, unknown> = {}) =>
  Number(((await db(table).where(where).count({ n: '*' }).first()) as { n: string }).n);

test('the schedule is the one docs/privacy.md states', () => {
  expect(RETENTION.map((r) => [r.what, r.days])).toEqual([
    ['inbound SMS records', 90],
    ['inbound SMS bodies', 30],
    ['sent SMS', 90],
    ['delivery reports', 90],
    ['USSD session analytics', 90],
    ['password reset history', 30],
    ['erasure confirmation SMS', 7],
    ['operator audit trail', 2555],
    ['attendance codes', 90],
    ['applications, with their events, attendance and claims', 2555],
    ['answered queries', 2555],
    ['duty events', 2555],
    ['erased accounts with nothing kept', 2555],
  ]);
});

test('each kind is kept up to its period and purged after it; waiting messages are never purged', async () => {
  await seed();
  const report = await purgeExpired(db, NOW);
  expect(report).toEqual({
    'inbound SMS bodies': 1,
    'inbound SMS records': 1,
    'sent SMS': 2,
    'delivery reports': 1,
    'USSD session analytics': 1,
    'password reset history': 1,
    'operator audit trail': 1,
    'erasure confirmation SMS': 0,
    'attendance codes': 0,
    'applications, with their events, attendance and claims': 0,
    'answered queries': 0,
    'duty events': 0,
    'erased accounts with nothing kept': 0,
  });
  // The 31-day-old message keeps its id (AT may still resend it) but not its words; the 91-day one is gone.
  expect(await texts()).toEqual(['in-29:PASSWORD 29', 'in-31:']);
  expect(await count('outbound_sms')).toBe(2); // the 89-day-old sent one, and the one still pending
  expect(await count('outbound_sms', { status: 'pending' })).toBe(1);
  expect(await count('sms_delivery_reports')).toBe(1);
  expect(await count('ussd_sessions')).toBe(1);
  expect(await count('password_resets')).toBe(1);
  expect(await count('admin_audit', { target: `t-${6 * 365}` })).toBe(1);
  expect(await count('admin_audit', { target: `t-${8 * 365}` })).toBe(0);

  // Two days on, what was just inside its period is past it.
  const later = await purgeExpired(db, new Date(NOW.getTime() + 2 * 24 * 3600 * 1000));
  expect(later['inbound SMS bodies']).toBe(1);
  expect(await texts()).toEqual(['in-29:', 'in-31:']);
  expect(later['sent SMS']).toBe(1);
  expect(await count('outbound_sms')).toBe(1);
  expect(await count('ussd_sessions')).toBe(0);
  expect(days('inbound SMS records')).toBe(90);
});

test('one instance purges at a time: a second one meanwhile does nothing', async () => {
  const holder = await db.transaction();
  try {
    await holder.raw('select pg_advisory_xact_lock(?)', [0x63703270]);
    expect(await purgeExpired(db, NOW)).toEqual({});
  } finally {
    await holder.rollback();
  }
});
