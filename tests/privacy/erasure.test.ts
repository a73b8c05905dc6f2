// Erasure (src/domain/personal-data/erasure.ts) against real Postgres, row by row: what identifies the
// person goes everywhere it was written, what the council keeps stays pointing at the account's id, and an
// operator's erasure is audited in the erasure's own transaction. The journeys over HTTP and USSD are in
// tests/journeys/personal-data.test.ts.
import type { Knex } from 'knex';
import type { Db } from '../../src/db/knex';
import { eraseAccount, eraseAccountIn } from '../../src/domain/personal-data/erasure';
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
