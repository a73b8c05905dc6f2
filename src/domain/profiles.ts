// Profiles in Postgres: load, save a section (or one field) in one statement, and say which sections are
// still missing. A national ID already used by another account is refused. The identity fields are
// stored encrypted, the national ID with a keyed hash beside it (personal-data/, docs/privacy.md).
import type { Db } from '../db/knex';
import { ENCRYPTED_PROFILE_COLUMNS, NATIONAL_ID_INDEX } from './personal-data/at-rest';
import { FieldCipher } from './personal-data/field-cipher';
import {
  FIELD_IDS,
  FIELDS,
  SECTIONS,
  missingSections,
  type FieldId,
  type ProfileValues,
  type SectionId,
} from './profile-fields';

export type ProfileView = {
  values: ProfileValues;
  /** Names to show for the chosen county and sub-county. */
  places: { county?: string; subCounty?: string };
  complete: Record<SectionId, boolean>;
};

export type SaveResult = { ok: true } | { ok: false; reason: 'duplicateId' };

const UNIQUE_VIOLATION = '23505';

const ENCRYPTED = new Set<string>(ENCRYPTED_PROFILE_COLUMNS);

function toValues(cipher: FieldCipher, row: Record<string, unknown> | undefined): ProfileValues {
  const values: ProfileValues = {};
  if (!row) return values;
  for (const id of FIELD_IDS) {
    const column = FIELDS[id].column;
    const v = row[column] as string | number | null | undefined;
    if (v === null || v === undefined || v === '') continue;
    const text = String(v);
    // A value from before encryption is plain until the pass at start has encrypted it.
    values[id] = ENCRYPTED.has(column) && FieldCipher.isEncrypted(text) ? cipher.decrypt(text) : text;
  }
  return values;
}

export function createProfiles(db: Db, cipher: FieldCipher) {
  async function load(accountId: number): Promise<ProfileView> {
    const row = (await db('profiles as p')
      .leftJoin('counties as c', 'c.code', 'p.county_code')
      .leftJoin('sub_counties as s', 's.id', 'p.sub_county_id')
      .where('p.account_id', accountId)
      .first('p.*', 'c.name as county_name', 's.name as sub_county_name')) as
      (Record<string, unknown> & { county_name: string | null; sub_county_name: string | null }) | undefined;
    const values = toValues(cipher, row);
    const missing = new Set(missingSections(values));
    return {
      values,
      places: { county: row?.county_name ?? undefined, subCounty: row?.sub_county_name ?? undefined },
      complete: Object.fromEntries(SECTIONS.map((s) => [s, !missing.has(s)])) as Record<SectionId, boolean>,
    };
  }

  return {
    load,

    /** Saves the given fields (a whole section, or one edited field); an empty value clears the field. */
    async save(accountId: number, values: ProfileValues): Promise<SaveResult> {
      const columns: Record<string, string | null> = {};
      for (const [id, v] of Object.entries(values) as [FieldId, string][]) {
        const column = FIELDS[id].column;
        columns[column] = !v ? null : ENCRYPTED.has(column) ? cipher.encrypt(v) : v;
      }
      if (values.nationalId !== undefined) {
        const id = values.nationalId;
        columns.national_id_hash = id ? cipher.index(NATIONAL_ID_INDEX, id) : null;
        // The unique index compares hashes under the current key; while a key rotation is under way an
        // older row may hold its hash under the previous key, so every key's hash is looked for.
        if (id) {
          const taken: unknown = await db('profiles')
            .whereIn('national_id_hash', cipher.indexes(NATIONAL_ID_INDEX, id))
            .whereNot('account_id', accountId)
            .first('account_id');
          if (taken) return { ok: false, reason: 'duplicateId' };
        }
      }
      try {
        await db('profiles')
          .insert({ account_id: accountId, ...columns })
          .onConflict('account_id')
          .merge({ ...columns, updated_at: db.fn.now() });
        return { ok: true };
      } catch (err) {
        const e = err as { code?: string; constraint?: string };
        if (e.code === UNIQUE_VIOLATION && e.constraint?.includes('national_id')) {
          return { ok: false, reason: 'duplicateId' };
        }
        throw err;
      }
    },

    async missing(accountId: number): Promise<SectionId[]> {
      return missingSectionsOf(db, accountId);
    },
  };
}

export type Profiles = ReturnType<typeof createProfiles>;

/**
 * The sections still missing, read without the data key: whether an encrypted field is filled is all
 * that counts (applying and STATUS need no plain identity value).
 */
export async function missingSectionsOf(db: Db, accountId: number): Promise<SectionId[]> {
  const row = (await db('profiles').where({ account_id: accountId }).first()) as
    Record<string, unknown> | undefined;
  const values: ProfileValues = {};
  for (const id of FIELD_IDS) {
    const v = row?.[FIELDS[id].column] as string | number | null | undefined;
    if (v !== null && v !== undefined && v !== '')
      values[id] = ENCRYPTED.has(FIELDS[id].column) ? 'filled' : String(v);
  }
  return missingSections(values);
}
