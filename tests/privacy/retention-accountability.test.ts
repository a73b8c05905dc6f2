// The records kept for accountability (docs/privacy.md, "How long it is kept"): applications with their
// events, attendance and claims, queries, duty events, erased accounts. Each is purged 7 years after its
// last change, never while it may still change. Time is moved by dating rows in the past: a record
// 7 years + 1 day old goes, one 7 years − 1 day old stays, and goes two days later.
import type { Db } from '../../src/db/knex';
import { RETENTION, purgeExpired } from '../../src/domain/personal-data/retention';
import { freshDatabase } from '../support/databases';
import { applicant, seedVacancies, type Fixture } from '../vacancies/fixtures';

let db: Db;
let drop: () => Promise<void>;
let fx: Fixture;
beforeAll(async () => {
  ({ db, drop } = await freshDatabase());
  fx = await seedVacancies(db);
});
afterAll(() => drop());

const DAY = 24 * 3600 * 1000;
// Now: the fixtures' own rows (written at the real time) are fresh, and only the rows dated back age.
const NOW = new Date();
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);
const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const YEARS_7 = 7 * 365;
const GONE = YEARS_7 + 1;
const KEPT = YEARS_7 - 1;

test('the accountability period is 7 years for each of these records, in the one table', () => {
  const period = (what: string) => RETENTION.find((r) => r.what === what)?.days;
  for (const what of [
    'applications, with their events, attendance and claims',
    'answered queries',
    'duty events',
    'erased accounts with nothing kept',
    'operator audit trail',
  ])
    expect({ what, days: period(what) }).toEqual({ what, days: YEARS_7 });
});

let seq = 0;
async function account(): Promise<number> {
  seq += 1;
  return applicant(db, `+2547220${String(seq).padStart(5, '0')}`, String(33_000_000 + seq));
}

type Case = { application: number; attendance?: number; claim?: number };

/**
 * An application decided (or withdrawn) `decided` days ago, with its events; when `duty`, one day
 * attended `attended` days ago (checked in and out, unless `out` is false) and, when `claim`, a claim in
 * `claim.status` last changed `claim.changed` days ago. Each has its duty events.
 */
async function record(opts: {
  status: 'submitted' | 'approved' | 'rejected' | 'withdrawn';
  decided: number;
  attended?: number;
  out?: boolean;
  claim?: { status: 'pending' | 'approved' | 'paid' | 'rejected'; changed: number };
}): Promise<Case> {
  const accountId = await account();
  const at = daysAgo(opts.decided);
  const [app] = (await db('applications')
    .insert({
      account_id: accountId,
      vacancy_id: fx.v.inv1,
      exam: 'KCSE',
      activity: 'SI',
      status: opts.status,
      created_at: daysAgo(opts.decided + 30),
      updated_at: at,
    })
    .returning('id')) as { id: number }[];
  const application = (app as { id: number }).id;
  await db('application_events').insert([
    {
      application_id: application,
      status: 'submitted',
      actor: 'ussd:account:1',
      at: daysAgo(opts.decided + 30),
    },
    ...(opts.status === 'submitted'
      ? []
      : [{ application_id: application, status: opts.status, actor: 'admin:ops', at }]),
  ]);
  const c: Case = { application };
  if (opts.attended !== undefined) {
    const inAt = daysAgo(opts.attended);
    const [row] = (await db('attendance')
      .insert({
        application_id: application,
        day: dayOf(inAt),
        checked_in_at: inAt,
        checked_out_at: opts.out === false ? null : new Date(inAt.getTime() + 8 * 3600_000),
      })
      .returning('id')) as { id: number }[];
    c.attendance = row?.id;
    await db('duty_events').insert({
      kind: 'attendance.in',
      subject: `attendance:${c.attendance}`,
      actor: 'sms:account:1',
      at: inAt,
    });
  }
  if (opts.claim) {
    const changed = daysAgo(opts.claim.changed);
    const paid = opts.claim.status === 'paid';
    const [row] = (await db('claims')
      .insert({
        application_id: application,
        days: 1,
        daily_rate_kes: 1500,
        amount_kes: 1500,
        status: opts.claim.status,
        mpesa_ref: paid ? `QR${String(application).padStart(8, '0')}` : null,
        reason: opts.claim.status === 'rejected' ? 'No register' : null,
        created_at: daysAgo(opts.attended ?? opts.claim.changed),
        updated_at: changed,
      })
      .returning('id')) as { id: number }[];
    c.claim = row?.id;
    await db('duty_events').insert({
      kind: `claim.${paid ? 'paid' : 'created'}`,
      subject: `claim:${c.claim}`,
      actor: paid ? 'admin:ops' : 'system',
      at: changed,
    });
  }
  return c;
}

const exists = async (table: string, id: number | undefined) =>
  (await db(table).where({ id }).first('id')) !== undefined;
const eventsOf = async (subject: string) =>
  Number(((await db('duty_events').where({ subject }).count({ n: '*' }).first()) as { n: string }).n);

/** Whether the record is all there (true) or all gone (false); a half-purged record fails. */
async function whole(c: Case): Promise<boolean> {
  const parts = [
    await exists('applications', c.application),
    (await db('application_events').where({ application_id: c.application }).first()) !== undefined,
    ...(c.attendance
      ? [await exists('attendance', c.attendance), (await eventsOf(`attendance:${c.attendance}`)) > 0]
      : []),
    ...(c.claim ? [await exists('claims', c.claim), (await eventsOf(`claim:${c.claim}`)) > 0] : []),
  ];
  if (parts.every(Boolean)) return true;
  if (parts.every((p) => !p)) return false;
  throw new Error(`record ${JSON.stringify(c)} is half purged: ${JSON.stringify(parts)}`);
}

test('applications and claims: 7 years + 1 day after the last change they go, 7 years − 1 day they stay', async () => {
  // The duty's days, long ago: over well before either cut-off.
  await db('vacancies')
    .where({ id: fx.v.inv1 })
    .update({ duty_starts_on: dayOf(daysAgo(GONE + 95)), duty_ends_on: dayOf(daysAgo(GONE + 90)) });
  const cases = {
    // Decided applications, by their last change.
    rejectedGone: await record({ status: 'rejected', decided: GONE }),
    rejectedKept: await record({ status: 'rejected', decided: KEPT }),
    withdrawnGone: await record({ status: 'withdrawn', decided: GONE }),
    // A duty: decided and attended long ago, its claim paid 7 years + 1 day ago or 7 years − 1 day ago.
    paidGone: await record({
      status: 'approved',
      decided: GONE + 100,
      attended: GONE + 92,
      claim: { status: 'paid', changed: GONE },
    }),
    paidKept: await record({
      status: 'approved',
      decided: GONE + 100,
      attended: GONE + 92,
      claim: { status: 'paid', changed: KEPT },
    }),
    claimRejectedGone: await record({
      status: 'approved',
      decided: GONE + 100,
      attended: GONE + 92,
      claim: { status: 'rejected', changed: GONE },
    }),
    // A duty with nothing attended (nothing owed) goes with its decision.
    noDaysGone: await record({ status: 'approved', decided: GONE + 100 }),
    // A day checked in but not out is no day attended: nothing owed.
    checkedInOnlyGone: await record({
      status: 'approved',
      decided: GONE + 100,
      attended: GONE + 92,
      out: false,
    }),
    // Decided long ago, but attended 7 years − 1 day ago: the last change is the attendance.
    attendedKept: await record({
      status: 'approved',
      decided: GONE + 100,
      attended: KEPT,
      claim: { status: 'paid', changed: GONE },
    }),
    // Still able to change, however old: never purged.
    submitted: await record({ status: 'submitted', decided: GONE + 400 }),
    claimApproved: await record({
      status: 'approved',
      decided: GONE + 100,
      attended: GONE + 92,
      claim: { status: 'approved', changed: GONE + 50 },
    }),
    claimPending: await record({
      status: 'approved',
      decided: GONE + 100,
      attended: GONE + 92,
      claim: { status: 'pending', changed: GONE + 50 },
    }),
    claimToCome: await record({ status: 'approved', decided: GONE + 100, attended: GONE + 92 }),
  };

  const report = await purgeExpired(db, NOW);
  expect(report['applications, with their events, attendance and claims']).toBe(6);
  const state = async () => {
    const out: Record<string, boolean> = {};
    for (const [name, c] of Object.entries(cases)) out[name] = await whole(c);
    return out;
  };
  expect(await state()).toEqual({
    rejectedGone: false,
    rejectedKept: true,
    withdrawnGone: false,
    paidGone: false,
    paidKept: true,
    claimRejectedGone: false,
    noDaysGone: false,
    checkedInOnlyGone: false,
    attendedKept: true,
    submitted: true,
    claimApproved: true,
    claimPending: true,
    claimToCome: true,
  });

  // Two days on, what was 7 years − 1 day old is past its period; what may still change stays.
  await purgeExpired(db, new Date(NOW.getTime() + 2 * DAY));
  expect(await state()).toMatchObject({
    rejectedKept: false,
    paidKept: false,
    attendedKept: false,
    submitted: true,
    claimApproved: true,
    claimPending: true,
    claimToCome: true,
  });
});

test("a duty not over yet is kept, whatever its decision's age", async () => {
  await db('vacancies')
    .where({ id: fx.v.sup1 })
    .update({ duty_starts_on: dayOf(daysAgo(GONE + 95)), duty_ends_on: dayOf(daysAgo(KEPT)) });
  const accountId = await account();
  const [app] = (await db('applications')
    .insert({
      account_id: accountId,
      vacancy_id: fx.v.sup1,
      exam: 'KCSE',
      activity: 'SI',
      status: 'approved',
      updated_at: daysAgo(GONE + 100),
    })
    .returning('id')) as { id: number }[];
  await purgeExpired(db, NOW);
  expect(await exists('applications', app?.id)).toBe(true);
  await purgeExpired(db, new Date(NOW.getTime() + 2 * DAY));
  expect(await exists('applications', app?.id)).toBe(false);
});

test('queries 7 years after their answer, with their events; an open one waits; other duty events by their date', async () => {
  const accountId = await account();
  const query = async (answered: number | null, created = (answered ?? 0) + 10) => {
    const [row] = (await db('queries')
      .insert({
        account_id: accountId,
        topic: 'payment',
        text: 'When?',
        created_at: daysAgo(created),
        ...(answered === null
          ? {}
          : { status: 'answered', answer: 'Friday.', answered_at: daysAgo(answered) }),
      })
      .returning('id')) as { id: number }[];
    const id = (row as { id: number }).id;
    await db('duty_events').insert([
      { kind: 'query.asked', subject: `query:${id}`, actor: 'sms:account:1', at: daysAgo(created) },
      ...(answered === null
        ? []
        : [{ kind: 'query.answered', subject: `query:${id}`, actor: 'admin:ops', at: daysAgo(answered) }]),
    ]);
    return id;
  };
  const gone = await query(GONE);
  const kept = await query(KEPT);
  const open = await query(null, GONE + 400);
  const [stationGone, stationKept] = [GONE, KEPT].map((age) => `station:S1:${dayOf(daysAgo(age))}`) as [
    string,
    string,
  ];
  await db('duty_events').insert([
    { kind: 'attendance.code', subject: stationGone, actor: 'admin:ops', at: daysAgo(GONE) },
    { kind: 'attendance.code', subject: stationKept, actor: 'admin:ops', at: daysAgo(KEPT) },
    { kind: 'rate.import', subject: 'rates', actor: 'admin:ops', at: daysAgo(GONE) },
  ]);

  const report = await purgeExpired(db, NOW);
  expect(report['answered queries']).toBe(1);
  expect([
    await exists('queries', gone),
    await exists('queries', kept),
    await exists('queries', open),
  ]).toEqual([false, true, true]);
  expect([
    await eventsOf(`query:${gone}`),
    await eventsOf(`query:${kept}`),
    await eventsOf(`query:${open}`),
  ]).toEqual([0, 2, 1]);
  expect([await eventsOf(stationGone), await eventsOf(stationKept), await eventsOf('rates')]).toEqual([
    0, 1, 0,
  ]);

  await purgeExpired(db, new Date(NOW.getTime() + 2 * DAY));
  expect([await exists('queries', kept), await exists('queries', open)]).toEqual([false, true]);
  expect([
    await eventsOf(`query:${kept}`),
    await eventsOf(stationKept),
    await eventsOf(`query:${open}`),
  ]).toEqual([0, 0, 1]);
});

test('an erased account goes 7 years after its erasure once nothing points at it', async () => {
  const erased = async (age: number) => {
    const id = await account();
    await db('profiles').where({ account_id: id }).del();
    await db('accounts')
      .where({ id })
      .update({ phone: null, username: null, password_hash: null, erased_at: daysAgo(age) });
    return id;
  };
  const bare = await erased(GONE);
  const recent = await erased(KEPT);
  const withApplication = await erased(GONE);
  await db('applications').insert({
    account_id: withApplication,
    vacancy_id: fx.v.inv2,
    exam: 'KCSE',
    activity: 'SI',
    status: 'approved',
    updated_at: daysAgo(10),
  });
  const withQuery = await erased(GONE);
  await db('queries').insert({ account_id: withQuery, topic: 'other', text: '' });
  const live = await account();
  await db('accounts')
    .where({ id: live })
    .update({ created_at: daysAgo(GONE + 100) });

  await purgeExpired(db, NOW);
  const left = async (id: number) => exists('accounts', id);
  expect([
    await left(bare),
    await left(recent),
    await left(withApplication),
    await left(withQuery),
    await left(live),
  ]).toEqual([false, true, true, true, true]);
});

test('the SMS confirming an erasure goes a week after it was sent; one not yet sent stays', async () => {
  const sms = async (age: number, status: string) => {
    const [row] = (await db('outbound_sms')
      .insert({
        to_phone: '+254722099999',
        template: 'sms.accountErased',
        language: 'en',
        status,
        created_at: daysAgo(age),
      })
      .returning('id')) as { id: number }[];
    return (row as { id: number }).id;
  };
  const ids = [await sms(8, 'sent'), await sms(8, 'failed'), await sms(6, 'sent'), await sms(8, 'pending')];
  await purgeExpired(db, NOW);
  expect(await Promise.all(ids.map((id) => exists('outbound_sms', id)))).toEqual([false, false, true, true]);
});

test("a station's attendance code goes 90 days after it was made", async () => {
  const station = (await db('duty_stations').where({ code: 'S2' }).first('id')) as { id: number };
  for (const age of [91, 89])
    await db('attendance_codes').insert({
      duty_station_id: station.id,
      day: dayOf(daysAgo(age)),
      code: '123456',
      created_by: 'admin:ops',
      created_at: daysAgo(age),
    });
  await purgeExpired(db, NOW);
  expect(await db('attendance_codes').where({ duty_station_id: station.id }).pluck('day')).toHaveLength(1);
});
