import type { Knex } from 'knex';

// SMS PASSWORD over the daily limit is answered once a day per phone (issue 9): the check looks for a
// "limited" reply to that phone in the last 24 hours, among few rows, so a small partial index.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `create index inbound_sms_limited_replies on inbound_sms (from_phone, received_at)
      where outcome = 'reset_limited'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index inbound_sms_limited_replies');
}
