// The one definition of an active application: one that blocks another for the same vacancy, or in the
// same exam and activity (the partial unique indexes of migration 006 count the same statuses). Applying
// (applications.ts) refuses on it and browsing (vacancies.ts) marks the activities it covers.
import type { Knex } from 'knex';
import type { ApplicationStatus } from './application-status';

/** Active applications: the ones the unique indexes count. */
export const ACTIVE: ApplicationStatus[] = ['submitted', 'approved'];

/** The account's active applications, as `alias`. */
export function activeApplications(db: Knex, accountId: number, alias = 'ap') {
  return db(`applications as ${alias}`)
    .where(`${alias}.account_id`, accountId)
    .whereIn(`${alias}.status`, ACTIVE);
}
