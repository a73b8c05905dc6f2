import type { Knex } from 'knex';
import { rebuildFunnelRollups } from '../src/domain/funnel-rollups';

// The funnel kept as roll-ups (issue 16, docs/analytics.md): per minute and per day (UTC), the sessions,
// and per journey the sessions that started, completed, and stopped at each screen. Recording a session
// end updates them in its transaction; this migration fills them from the sessions already stored, in
// its own transaction (a million sessions take a few seconds; the table is new, so nothing waits on it).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ussd_funnel_counts', (t) => {
    t.text('grain').notNullable();
    t.timestamp('bucket', { useTz: true }).notNullable();
    t.text('metric').notNullable();
    t.text('journey').notNullable();
    t.text('screen').notNullable();
    t.integer('n').notNullable();
    t.primary(['grain', 'bucket', 'metric', 'journey', 'screen']);
  });
  await knex.raw(
    `alter table ussd_funnel_counts
       add constraint ussd_funnel_counts_grain check (grain in ('minute', 'day')),
       add constraint ussd_funnel_counts_metric check (metric in ('sessions', 'started', 'completed', 'stopped'))`,
  );
  await rebuildFunnelRollups(knex as Knex.Transaction);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ussd_funnel_counts');
}
