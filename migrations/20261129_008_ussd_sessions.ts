import type { Knex } from 'knex';

// TODO(issue 6)
export async function up(_knex: Knex): Promise<void> {}

export async function down(_knex: Knex): Promise<void> {}
