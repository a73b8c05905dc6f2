// An account's active applications: the ones that block another for the same vacancy, or in the same exam
// and activity (ACTIVE, application-status.ts, where the console reads it too). Applying (applications.ts)
// refuses on them and browsing (vacancies.ts) marks the activities they cover.
import type { Knex } from 'knex';
import { ACTIVE } from './application-status';

/** The account's active applications, as `alias`. */
export function activeApplications(db: Knex, accountId: number, alias = 'ap') {
  return db(`applications as ${alias}`)
    .where(`${alias}.account_id`, accountId)
    .whereIn(`${alias}.status`, ACTIVE);
}
