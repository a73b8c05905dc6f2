import type { Knex } from 'knex';

// Keys the service generates for itself on first start and shares between its instances, kept out of
// the session store (e.g. the key of the USSD input digest).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('service_secrets', (t) => {
    t.string('name', 64).primary();
    t.binary('value').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('service_secrets');
}
