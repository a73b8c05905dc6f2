import type { Db } from '../db/knex';

export type County = { code: string; name: string };
export type SubCounty = { id: number; name: string };

/** The county and sub-county lists, as the reference data (or the operator's import) gives them. */
export function createPlaces(db: Db) {
  return {
    async counties(): Promise<County[]> {
      return db('counties').orderBy('code').select('code', 'name');
    },
    async subCounties(countyCode: string): Promise<SubCounty[]> {
      return db('sub_counties').where({ county_code: countyCode }).orderBy('name').select('id', 'name');
    },
  };
}
