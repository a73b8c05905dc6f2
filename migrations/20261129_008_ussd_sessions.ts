import type { Knex } from 'knex';

// AT's end-of-session notifications (issue 6, docs/analytics.md): one row per USSD session with what AT
// reported and the engine's screen ids the session showed, in order. Never the user's input.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ussd_sessions', (t) => {
    t.string('session_id', 128).primary();
    t.text('phone');
    t.text('status');
    t.integer('hops');
    t.integer('duration_ms');
    t.text('last_screen');
    t.jsonb('screens').notNullable().defaultTo('[]');
    t.text('error_message');
    t.timestamp('ended_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['ended_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ussd_sessions');
}
