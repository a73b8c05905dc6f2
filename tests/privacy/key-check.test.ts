// A service started with a key that cannot read the stored identity fields refuses to start, naming
// DATA_KEY, instead of answering every profile with an apology.
import { checkKeyReadsData } from '../../src/domain/personal-data/at-rest';
import { FieldCipher } from '../../src/domain/personal-data/field-cipher';
import type { Db } from '../../src/db/knex';
import { sealed } from '../support/complete-profile';
import { freshDatabase } from '../support/databases';
import { TEST_CIPHER } from '../support/test-keys';

let db: Db;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await freshDatabase());
});
afterAll(() => drop());

const other = Buffer.alloc(32, 42);
const test7 = Buffer.alloc(32, 7);

test('a key that reads the data starts; a wrong one is refused, saying which key wrote it', async () => {
  await expect(
    checkKeyReadsData(db, new FieldCipher({ current: other, previous: [] })),
  ).resolves.toBeUndefined();
  const [account] = (await db('accounts')
    .insert({ phone: '+254711999101', username: '254711999101', password_hash: 'x' })
    .returning('id')) as { id: number }[];
  await db('profiles').insert({ account_id: account?.id, ...sealed({ national_id: '12345678' }) });

  await expect(checkKeyReadsData(db, TEST_CIPHER)).resolves.toBeUndefined();
  await expect(
    checkKeyReadsData(db, new FieldCipher({ current: other, previous: [test7] })),
  ).resolves.toBeUndefined();
  await expect(checkKeyReadsData(db, new FieldCipher({ current: other, previous: [] }))).rejects.toThrow(
    new RegExp(`encrypted with data key ${TEST_CIPHER.keyId}, which DATA_KEY .* do not include`),
  );
});
