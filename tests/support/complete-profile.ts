// A complete profile written straight into the database, for tests of what needs one (applying): the
// profile journey has its own tests.
import type { Db } from '../../src/db/knex';
import { ENCRYPTED_PROFILE_COLUMNS, NATIONAL_ID_INDEX } from '../../src/domain/personal-data/at-rest';
import { TEST_CIPHER } from './test-keys';

let seq = 0;

/** Every required column of all five sections; a unique national ID per call. */
export async function completeProfileColumns(db: Db, phone: string): Promise<Record<string, unknown>> {
  const sub = await db('sub_counties').where({ county_code: '047' }).first('id');
  seq += 1;
  return {
    full_name: 'Jane Wanjiku Kamau',
    national_id: String(10_000_000 + ((process.pid * 7919 + seq * 104_729) % 89_999_999)),
    birth_year: 1985,
    gender: 'female',
    kra_pin: 'A012345678Z',
    mpesa_phone: phone,
    mpesa_name: 'Jane Wanjiku Kamau',
    qualification_level: 'degree',
    course: 'Education',
    institution: 'Kenyatta University',
    qualification_year: 2008,
    employer: 'private',
    work_institution: 'Moi Girls',
    designation: 'Teacher',
    work_start_year: 2010,
    county_code: '047',
    sub_county_id: (sub as { id: number }).id,
    kin_name: 'John Kamau',
    kin_phone: '+254722000111',
    kin_relationship: 'spouse',
  };
}

/** Gives the account a complete profile. */
export async function insertCompleteProfile(db: Db, accountId: number, phone: string): Promise<void> {
  await db('profiles').insert({ account_id: accountId, ...sealed(await completeProfileColumns(db, phone)) });
}

/**
 * Profile columns as the service stores them: the identity fields encrypted under the test apps' key
 * and the national ID's keyed hash beside it (src/domain/personal-data).
 */
export function sealed(columns: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...columns };
  for (const column of ENCRYPTED_PROFILE_COLUMNS) {
    const v = out[column];
    if (typeof v === 'string' && v !== '') out[column] = TEST_CIPHER.encrypt(v);
  }
  if (typeof columns.national_id === 'string')
    out.national_id_hash = TEST_CIPHER.index(NATIONAL_ID_INDEX, columns.national_id);
  return out;
}
