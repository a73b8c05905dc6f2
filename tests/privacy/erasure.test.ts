// Erasure (src/domain/personal-data/erasure.ts) against real Postgres, row by row: what identifies the
// person goes everywhere it was written, what the council keeps stays pointing at the account's id, and an
// operator's erasure is audited in the erasure's own transaction. The journeys over HTTP and USSD are in
// tests/journeys/personal-data.test.ts.
import type { Knex } from 'knex';
import type { Db } from '../../src/db/knex';
import { createAttendance } from '../../src/domain/attendance';
import { eraseAccount, eraseAccountIn } from '../../src/domain/personal-data/erasure';
import { askIn, createQueries } from '../../src/domain/queries';
import { eatDay } from '../../src/domain/time';
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

const deps = { ussdCode: '*384*22262#', smsCode: '22262' };
const AT = new Date('2027-01-10T09:00:00Z');

let seq = 0;
/** A teacher with a complete profile and a phone nobody else uses. */
async function teacher(): Promise<{ accountId: number; phone: string }> {
  seq += 1;
  const phone = `+2547112${String(seq).padStart(5, '0')}`;
  const accountId = await applicant(db, phone, String(32_000_000 + seq));
  return { accountId, phone };
}

describe('an operator erasure is audited in its own transaction', () => {
  test('the audit row: who, which account, how many applications withdrawn', async () => {
    const t = await teacher();
    await db('applications').insert({
      account_id: t.accountId,
      vacancy_id: fx.v.inv1,
      exam: 'KCSE',
      activity: 'SI',
    });
    const result = await eraseAccount(db, t.accountId, 'admin:ops', { ...deps, now: () => AT });
    expect(result).toEqual({ status: 'erased', withdrawn: 1 });
    const audit = (await db('admin_audit').where({ target: `accounts:${t.accountId}` })) as {
      actor: string;
      action: string;
      details: unknown;
    }[];
    expect(audit).toEqual([
      expect.objectContaining({ actor: 'admin:ops', action: 'account.erase', details: { withdrawn: 1 } }),
    ]);
  });

  test('an erasure that rolls back leaves no audit row (and erased nothing)', async () => {
    const t = await teacher();
    const trx: Knex.Transaction = await db.transaction();
    try {
      expect(await eraseAccountIn(trx, t.accountId, 'admin:ops', deps)).toMatchObject({ status: 'erased' });
      // Seen inside the transaction, gone with it.
      expect(
        await trx('admin_audit')
          .where({ target: `accounts:${t.accountId}` })
          .first(),
      ).toBeDefined();
    } finally {
      await trx.rollback();
    }
    expect(
      await db('admin_audit')
        .where({ target: `accounts:${t.accountId}` })
        .first(),
    ).toBeUndefined();
    expect(await db('accounts').where({ id: t.accountId }).first('phone', 'erased_at')).toEqual({
      phone: t.phone,
      erased_at: null,
    });
  });

  test("the teacher's own erasure (USSD) is no operator's action: no audit row", async () => {
    const t = await teacher();
    await eraseAccount(db, t.accountId, `ussd:account:${t.accountId}`, deps);
    expect(
      await db('admin_audit')
        .where({ target: `accounts:${t.accountId}` })
        .first(),
    ).toBeUndefined();
  });

  test('an account not found, or erased already, is not audited again', async () => {
    const t = await teacher();
    await eraseAccount(db, t.accountId, 'admin:ops', deps);
    expect(await eraseAccount(db, t.accountId, 'admin:ops', deps)).toEqual({ status: 'notFound' });
    expect(await eraseAccount(db, 987_654_321, 'admin:ops', deps)).toEqual({ status: 'notFound' });
    expect(await db('admin_audit').where({ target: `accounts:${t.accountId}` })).toHaveLength(1);
    expect(await db('admin_audit').where({ target: 'accounts:987654321' })).toHaveLength(0);
  });
});

/** Every row of every table, as text, that holds `needle`: where a dump would still show it. */
async function rowsHolding(needle: string): Promise<string[]> {
  const tables = (await db('pg_tables').where({ schemaname: 'public' }).pluck('tablename')) as string[];
  const found: string[] = [];
  for (const t of tables) {
    const { rows } = (await db.raw(`select t::text as r from "${t}" t where strpos(t::text, ?) > 0`, [
      needle,
    ])) as { rows: { r: string }[] };
    found.push(...rows.map((x) => `${t}: ${x.r}`));
  }
  return found;
}

type Event = { subject: string; kind: string; actor: string };

describe('the phone goes from everywhere it was written, the trails included', () => {
  const clock = () => AT;

  /**
   * A teacher who did everything the service records: applied and withdrew (application events), checked
   * in by SMS and out by USSD (duty events), asked two queries (one answered), has a claim, sent an SMS,
   * dialled, was locked out once. Returns the subjects of their duty events.
   */
  async function busyTeacher() {
    const t = await teacher();
    const digits = t.phone.slice(1);
    const day = eatDay(AT);
    await db('vacancies').where({ id: fx.v.inv1 }).update({ duty_starts_on: day, duty_ends_on: day });
    const [duty] = (await db('applications')
      .insert({
        account_id: t.accountId,
        vacancy_id: fx.v.inv1,
        exam: 'KCSE',
        activity: 'SI',
        status: 'approved',
      })
      .returning('id')) as { id: number }[];
    const [withdrawn] = (await db('applications')
      .insert({
        account_id: t.accountId,
        vacancy_id: fx.v.marking,
        exam: 'KCSE',
        activity: 'MK',
        status: 'withdrawn',
      })
      .returning('id')) as { id: number }[];
    // As applications.ts (submit: `ussd:+2547…`) and the withdraw menu (`ussd:2547…`) write them.
    await db('application_events').insert([
      { application_id: duty?.id, status: 'submitted', actor: `ussd:${t.phone}` },
      { application_id: duty?.id, status: 'approved', actor: 'admin:ops' },
      { application_id: withdrawn?.id, status: 'submitted', actor: `ussd:${t.phone}` },
      { application_id: withdrawn?.id, status: 'withdrawn', actor: `ussd:${digits}` },
    ]);
    // Attendance through the domain, as the SMS and USSD channels mark it.
    const attendance = createAttendance(db, { now: clock });
    const code = await attendance.code('S1', day, 'admin:ops');
    if (code.status !== 'found') throw new Error('no code');
    const mark = (kind: 'in' | 'out', via: 'sms' | 'ussd', c = code.code) =>
      attendance.mark({ accountId: t.accountId, phone: t.phone, kind, code: c, via });
    expect(await mark('in', 'sms', code.code === '000000' ? '111111' : '000000')).toMatchObject({
      status: 'wrongCode',
    });
    expect(await mark('in', 'sms')).toMatchObject({ status: 'recorded' });
    expect(await mark('out', 'ussd')).toMatchObject({ status: 'recorded' });
    // Queries through the domain, one by SMS and one by USSD; the second answered.
    await db.transaction((trx) =>
      askIn(
        trx,
        { accountId: t.accountId, phone: t.phone, topic: 'other', text: `Call me on ${t.phone}`, via: 'sms' },
        AT,
      ),
    );
    await db.transaction((trx) =>
      askIn(
        trx,
        { accountId: t.accountId, phone: t.phone, topic: 'payment', text: 'When is KCSE paid?', via: 'ussd' },
        AT,
      ),
    );
    const [, answered] = (await db('queries')
      .where({ account_id: t.accountId })
      .orderBy('id')
      .pluck('id')) as number[];
    expect(
      await createQueries(db, { now: clock }).answer(
        answered as number,
        `Jane, it went to ${t.phone} on Friday.`,
        'admin:ops',
      ),
    ).toMatchObject({
      result: 'answered',
    });
    const [claim] = (await db('claims')
      .insert({
        application_id: duty?.id,
        days: 1,
        daily_rate_kes: 1500,
        amount_kes: 1500,
        status: 'paid',
        mpesa_ref: `QX${String(t.accountId).padStart(8, '0')}`,
      })
      .returning('id')) as { id: number }[];
    await db('duty_events').insert([
      { kind: 'claim.created', subject: `claim:${claim?.id}`, actor: 'system', at: AT },
      { kind: 'claim.paid', subject: `claim:${claim?.id}`, actor: 'admin:ops', at: AT },
    ]);
    await db('inbound_sms').insert({
      provider_id: `e-${t.accountId}`,
      from_phone: t.phone,
      to_code: '22262',
      text: `IN ${code.code}`,
    });
    await db('ussd_sessions').insert({ session_id: `e-${t.accountId}`, phone: t.phone });
    return {
      ...t,
      digits,
      duty: duty?.id as number,
      withdrawn: withdrawn?.id as number,
      claim: claim?.id as number,
    };
  }

  const eventsOf = async (accountId: number) => ({
    application: (await db('application_events as e')
      .join('applications as ap', 'ap.id', 'e.application_id')
      .where('ap.account_id', accountId)
      .orderBy('e.id')
      .select('e.application_id', 'e.status', 'e.actor')) as {
      application_id: number;
      status: string;
      actor: string;
    }[],
    duty: (await db('duty_events')
      .whereRaw(
        `subject in (
           select 'attendance:' || t.id from attendance t join applications ap on ap.id = t.application_id where ap.account_id = ?
           union all select 'claim:' || c.id from claims c join applications ap on ap.id = c.application_id where ap.account_id = ?
           union all select 'query:' || q.id from queries q where q.account_id = ?)`,
        [accountId, accountId, accountId],
      )
      .orderBy('id')
      .select('subject', 'kind', 'actor')) as Event[],
  });

  test('trails: `ussd:+2547…`, `sms:+2547…`, `ussd:2547…` become `<channel>:account:<id>`; operators and system stay', async () => {
    const t = await busyTeacher();
    const other = await busyTeacher();
    const before = await eventsOf(t.accountId);
    // The phone is in the trails before: this is what erasure must change.
    expect(before.duty.filter((e) => e.actor.includes(t.digits)).map((e) => `${e.kind} ${e.actor}`)).toEqual([
      `attendance.in sms:${t.phone}`,
      `attendance.out ussd:${t.phone}`,
      `query.asked sms:${t.phone}`,
      `query.asked ussd:${t.phone}`,
    ]);
    const otherBefore = await eventsOf(other.accountId);

    expect(await eraseAccount(db, t.accountId, 'admin:ops', { ...deps, now: clock })).toEqual({
      status: 'erased',
      withdrawn: 0,
    });

    const after = await eventsOf(t.accountId);
    const id = t.accountId;
    expect(after.application.map((e) => `${e.application_id} ${e.status} ${e.actor}`)).toEqual([
      `${t.duty} submitted ussd:account:${id}`,
      `${t.duty} approved admin:ops`,
      `${t.withdrawn} submitted ussd:account:${id}`,
      `${t.withdrawn} withdrawn ussd:account:${id}`,
    ]);
    expect(after.duty.map((e) => `${e.kind} ${e.actor}`)).toEqual([
      `attendance.in sms:account:${id}`,
      `attendance.out ussd:account:${id}`,
      `query.asked sms:account:${id}`,
      `query.asked ussd:account:${id}`,
      'query.answered admin:ops',
      'claim.created system',
      'claim.paid admin:ops',
    ]);
    // The same events, only their actors changed; another teacher's trail untouched.
    expect(after.duty.map((e) => `${e.subject} ${e.kind}`)).toEqual(
      before.duty.map((e) => `${e.subject} ${e.kind}`),
    );
    expect(await eventsOf(other.accountId)).toEqual(otherBefore);
    expect(
      await db('duty_events')
        .where({ subject: 'station:S1:' + eatDay(AT) })
        .pluck('actor'),
    ).toEqual(['admin:ops']);
  });

  test('a dump holds the phone nowhere but the erasure SMS still to be sent to it', async () => {
    const t = await busyTeacher();
    expect((await rowsHolding(t.digits)).length).toBeGreaterThan(10);
    await eraseAccount(db, t.accountId, `ussd:account:${t.accountId}`, { ...deps, now: clock });
    const left = await rowsHolding(t.digits);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^outbound_sms: .*sms\.accountErased/);
    // What the council keeps: the duty, its attendance and claim, the queries' topics and dates.
    expect(await db('applications').where({ account_id: t.accountId }).pluck('status')).toEqual(
      expect.arrayContaining(['approved', 'withdrawn']),
    );
    expect(
      await db('attendance').where({ application_id: t.duty }).first('checked_in_at', 'checked_out_at'),
    ).toEqual({
      checked_in_at: AT,
      checked_out_at: AT,
    });
    expect(await db('claims').where({ id: t.claim }).first('status', 'amount_kes')).toEqual({
      status: 'paid',
      amount_kes: 1500,
    });
    expect(await db('attendance_lockouts').where({ account_id: t.accountId }).first()).toBeUndefined();
  });

  test("a query's text and its answer are blanked; its topic, status and dates stay", async () => {
    const t = await busyTeacher();
    const before = await db('queries').where({ account_id: t.accountId }).orderBy('id');
    expect(before.map((q: { text: string }) => q.text)).toEqual([
      `Call me on ${t.phone}`,
      'When is KCSE paid?',
    ]);
    await eraseAccount(db, t.accountId, 'admin:ops', { ...deps, now: clock });
    const after = await db('queries').where({ account_id: t.accountId }).orderBy('id');
    expect(after).toEqual([
      { ...before[0], text: '' },
      { ...before[1], text: '', answer: '' },
    ]);
    expect(after.map((q: { status: string; topic: string }) => `${q.topic} ${q.status}`)).toEqual([
      'other open',
      'payment answered',
    ]);
  });
});

describe('while the council still owes the teacher for a duty, nothing is erased', () => {
  /** A teacher with an approved duty, one day attended (checked out unless `out` is false). */
  async function dutyAttended(out = true) {
    const t = await teacher();
    const [duty] = (await db('applications')
      .insert({
        account_id: t.accountId,
        vacancy_id: fx.v.kpsea,
        exam: 'KPSEA',
        activity: 'SI',
        status: 'approved',
      })
      .returning('id')) as { id: number }[];
    await db('attendance').insert({
      application_id: duty?.id,
      day: '2027-01-05',
      checked_in_at: new Date('2027-01-05T05:00:00Z'),
      checked_out_at: out ? new Date('2027-01-05T14:00:00Z') : null,
    });
    return { ...t, duty: duty?.id as number };
  }
  async function withClaim(status: 'pending' | 'approved') {
    const t = await dutyAttended();
    const [claim] = (await db('claims')
      .insert({ application_id: t.duty, days: 1, daily_rate_kes: 1200, amount_kes: 1200, status })
      .returning('id')) as { id: number }[];
    return { ...t, claim: claim?.id as number };
  }
  /** Nothing changed: the account, its profile, no audit row, no SMS queued to the phone. */
  async function untouched(t: { accountId: number; phone: string }) {
    expect(await db('accounts').where({ id: t.accountId }).first('phone', 'erased_at')).toEqual({
      phone: t.phone,
      erased_at: null,
    });
    expect(await db('profiles').where({ account_id: t.accountId }).first('mpesa_phone')).toMatchObject({
      mpesa_phone: expect.stringMatching(/^v1\./),
    });
    expect(
      await db('admin_audit')
        .where({ target: `accounts:${t.accountId}` })
        .first(),
    ).toBeUndefined();
    expect(await db('outbound_sms').where({ to_phone: t.phone }).first()).toBeUndefined();
  }

  test.each(['pending', 'approved'] as const)(
    'a claim %s, not yet paid: refused, naming it',
    async (status) => {
      const t = await withClaim(status);
      expect(await eraseAccount(db, t.accountId, 'admin:ops', deps)).toEqual({
        status: 'paymentDue',
        claims: [t.claim],
        duties: [],
      });
      await untouched(t);
    },
  );

  test('days attended whose claim is still to be worked out: refused, naming the duty', async () => {
    const t = await dutyAttended();
    expect(await eraseAccount(db, t.accountId, `ussd:account:${t.accountId}`, deps)).toEqual({
      status: 'paymentDue',
      claims: [],
      duties: [t.duty],
    });
    await untouched(t);
  });

  test('once the claim is paid, or rejected, the account is erased; a day not checked out is not owed', async () => {
    const paid = await withClaim('approved');
    await db('claims')
      .where({ id: paid.claim })
      .update({ status: 'paid', mpesa_ref: `QP${String(paid.claim).padStart(8, '0')}` });
    expect(await eraseAccount(db, paid.accountId, 'admin:ops', deps)).toEqual({
      status: 'erased',
      withdrawn: 0,
    });
    expect(await db('claims').where({ id: paid.claim }).first('status', 'amount_kes')).toEqual({
      status: 'paid',
      amount_kes: 1200,
    });

    const rejected = await withClaim('pending');
    await db('claims').where({ id: rejected.claim }).update({ status: 'rejected', reason: 'No register' });
    expect(await eraseAccount(db, rejected.accountId, 'admin:ops', deps)).toMatchObject({ status: 'erased' });

    const checkedInOnly = await dutyAttended(false);
    expect(await eraseAccount(db, checkedInOnly.accountId, 'admin:ops', deps)).toMatchObject({
      status: 'erased',
    });
  });
});
