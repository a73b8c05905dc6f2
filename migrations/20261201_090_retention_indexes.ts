import type { Knex } from 'knex';

// The hourly purge (src/domain/personal-data/retention.ts) finds what is past its period by one timestamp
// a table: these make each of the accountability rules (7 years) an index range scan of the few rows due,
// rather than a scan of a season's applications, duty events, queries and accounts every hour. Partial
// where the rule only ever looks at some rows (decided applications, answered queries, erased accounts).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `create index applications_retention on applications (updated_at) where status <> 'submitted'`,
  );
  await knex.raw(`create index duty_events_at on duty_events (at)`);
  await knex.raw(`create index queries_retention on queries (answered_at) where status = 'answered'`);
  await knex.raw(`create index accounts_erased on accounts (erased_at) where erased_at is not null`);
}

export async function down(knex: Knex): Promise<void> {
  for (const index of ['accounts_erased', 'queries_retention', 'duty_events_at', 'applications_retention']) {
    await knex.raw(`drop index ${index}`);
  }
}
