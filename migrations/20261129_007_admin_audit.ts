import type { Knex } from 'knex';

// The operators' audit trail (issue 6): every mutating admin action, by the name of the token that made
// it (`admin:ops`), with what it acted on and the details of the change. Append-only.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('admin_audit', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('actor', 80).notNullable();
    t.string('action', 60).notNullable();
    t.text('target').notNullable();
    t.jsonb('details').notNullable().defaultTo('{}');
    t.index(['at']);
    t.index(['target']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('admin_audit');
}
