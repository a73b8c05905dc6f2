// Logins check the password before taking the account's row lock (so a pooled connection is not held
// through the hashing); the verdict is still applied under the lock. Concurrent guesses must therefore
// be counted one after another: the fifth wrong one locks, and none gets past the lock.
import type { Db } from '../../src/db/knex';
import { createAccounts } from '../../src/domain/accounts';
import { hashPassword } from '../../src/domain/passwords';
import { freshDatabase } from '../support/databases';

const PHONE = '+254712000321';
const deps = { ussdCode: '*384*22262#', smsCode: '22262' };

let db: Db;
let drop: () => Promise<void>;
beforeEach(async () => {
  ({ db, drop } = await freshDatabase());
  await db('accounts').insert({
    phone: PHONE,
    username: PHONE.slice(1),
    password_hash: await hashPassword('482913'),
  });
});
afterEach(() => drop());

test('30 wrong passwords at once: four counted, then locked; one lock SMS; the right one is then refused', async () => {
  const accounts = createAccounts(db, deps);
  const results = await Promise.all(Array.from({ length: 30 }, () => accounts.login(PHONE, '111999')));
  const by = (status: string) => results.filter((r) => r.status === status).length;
  expect(by('wrong')).toBe(4);
  expect(by('locked')).toBe(26);
  expect(by('ok')).toBe(0);
  const sms = await db('outbound_sms').where({ to_phone: PHONE, template: 'sms.accountLocked' });
  expect(sms).toHaveLength(1);
  expect((await accounts.login(PHONE, '482913')).status).toBe('locked');
});
