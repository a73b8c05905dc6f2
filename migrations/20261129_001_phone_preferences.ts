import type { Knex } from 'knex';

// The language a phone chose, remembered across sessions (before any account exists).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('phone_preferences', (t) => {
    t.string('phone', 16).primary();
    t.string('language', 2).notNullable().checkIn(['en', 'sw']);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('phone_preferences');
}
