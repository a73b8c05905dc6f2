import type { Knex } from 'knex';

// Accounts with their login lock, password resets (for the 3-per-24-hours limit), the outbound SMS outbox
// and the inbound SMS record (AT resends until it gets 200: the unique AT id makes processing once-only).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (t) => {
    t.bigIncrements('id');
    t.string('phone', 16).notNullable().unique();
    t.string('username', 15).notNullable().unique();
    t.text('password_hash').notNullable();
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('password_changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('password_resets', (t) => {
    t.bigIncrements('id');
    t.bigInteger('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('channel', 8).notNullable().checkIn(['sms', 'ussd']);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['account_id', 'created_at']);
  });

  await knex.schema.createTable('outbound_sms', (t) => {
    t.bigIncrements('id');
    t.string('to_phone', 16).notNullable();
    t.string('template', 48).notNullable();
    t.string('language', 2).notNullable().checkIn(['en', 'sw']);
    // Template parameters; a password among them is removed once the message is sent or given up.
    t.jsonb('params').notNullable().defaultTo('{}');
    t.string('status', 10)
      .notNullable()
      .defaultTo('pending')
      .checkIn(['pending', 'sending', 'sent', 'failed']);
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('claimed_until', { useTz: true });
    t.text('last_error');
    t.string('provider_message_id', 64).unique();
    t.string('provider_status', 32);
    t.string('delivery_status', 16);
    t.string('failure_reason', 64);
    t.timestamp('sent_at', { useTz: true });
    t.timestamp('delivered_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['to_phone', 'created_at']);
  });
  // The relay's claim query: due pending messages, and claims whose visibility timeout has passed.
  await knex.raw(`create index outbound_sms_due on outbound_sms (next_attempt_at) where status = 'pending'`);
  await knex.raw(
    `create index outbound_sms_claimed on outbound_sms (claimed_until) where status = 'sending'`,
  );

  // Delivery reports that arrived before we stored the AT message id of their message.
  await knex.schema.createTable('sms_delivery_reports', (t) => {
    t.bigIncrements('id');
    t.string('provider_message_id', 64).notNullable().index();
    t.string('status', 16).notNullable();
    t.string('failure_reason', 64);
    t.jsonb('payload').notNullable();
    t.boolean('applied').notNullable().defaultTo(false);
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('inbound_sms', (t) => {
    t.bigIncrements('id');
    t.string('provider_id', 128).notNullable().unique();
    t.string('from_phone', 32).notNullable();
    t.string('to_code', 32).notNullable();
    t.string('text', 480).notNullable();
    t.string('keyword', 16);
    t.string('outcome', 32);
    t.string('link_id', 128);
    t.string('network_code', 16);
    t.timestamp('sent_at', { useTz: true });
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['inbound_sms', 'sms_delivery_reports', 'outbound_sms', 'password_resets', 'accounts']) {
    await knex.schema.dropTable(t);
  }
}
