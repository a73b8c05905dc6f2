// Profiles in Postgres: load, save a section (or one field) in one statement, and say which sections are
// still missing. A national ID already used by another account is refused.
import type { Db } from '../db/knex';
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

function toValues(row: Record<string, unknown> | undefined): ProfileValues {
  const values: ProfileValues = {};
  if (!row) return values;
  for (const id of FIELD_IDS) {
    const v = row[FIELDS[id].column];
    if (v !== null && v !== undefined && v !== '') values[id] = String(v as string | number);
  }
  return values;
}

export function createProfiles(db: Db) {
  async function load(accountId: number): Promise<ProfileView> {
    const row = (await db('profiles as p')
      .leftJoin('counties as c', 'c.code', 'p.county_code')
      .leftJoin('sub_counties as s', 's.id', 'p.sub_county_id')
      .where('p.account_id', accountId)
      .first('p.*', 'c.name as county_name', 's.name as sub_county_name')) as
      (Record<string, unknown> & { county_name: string | null; sub_county_name: string | null }) | undefined;
    const values = toValues(row);
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
      for (const [id, v] of Object.entries(values) as [FieldId, string][])
        columns[FIELDS[id].column] = v || null;
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
      return missingSections((await load(accountId)).values);
    },
  };
}

export type Profiles = ReturnType<typeof createProfiles>;
