import type { Knex } from 'knex';

// A delivery report is stored once per (AT id, status) (issue 9): AT repeats reports, and every copy was
// kept (203 rows for one id). Existing copies are merged first, keeping the earliest and whether any copy
// was applied. The unique index also serves lookups by id, so the old index on the id alone goes.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    update sms_delivery_reports k set applied = true
     where not k.applied
       and exists (select 1 from sms_delivery_reports d
                    where d.provider_message_id = k.provider_message_id and d.status = k.status and d.applied)`);
  await knex.raw(`
    delete from sms_delivery_reports a using sms_delivery_reports b
     where a.provider_message_id = b.provider_message_id and a.status = b.status and a.id > b.id`);
  await knex.schema.alterTable('sms_delivery_reports', (t) => {
    t.unique(['provider_message_id', 'status'], { indexName: 'sms_delivery_reports_once' });
    t.dropIndex(['provider_message_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sms_delivery_reports', (t) => {
    t.index(['provider_message_id']);
    t.dropUnique(['provider_message_id', 'status'], 'sms_delivery_reports_once');
  });
}
