import type { Knex } from 'knex';

// The SMS each step of an application sent (issue 13): the operator console shows, beside a decision, the
// message the applicant got. An application event (submitted, approved, rejected, withdrawn) names the
// outbox row queued in its transaction. No foreign key: the outbox is purged by retention (and by an
// erasure) while the events are kept, and a purged message is then simply no longer shown; a key would
// make each purged row look the events up. Events written before this migration name none.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application_events', (t) => {
    t.bigInteger('sms_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application_events', (t) => {
    t.dropColumn('sms_id');
  });
}
