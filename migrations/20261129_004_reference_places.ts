import type { Knex } from 'knex';

// Reference places for the profile and for vacancies: the 47 counties by their official code, and the
// sub-counties of each. Filled from data/*.csv at start when empty, and replaced by the operator's own
// lists through `npm run import` (src/db/reference-data.ts, docs/reference-data.md).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('counties', (t) => {
    t.specificType('code', 'char(3)').primary();
    t.text('name').notNullable();
  });
  await knex.schema.createTable('sub_counties', (t) => {
    t.increments('id');
    t.specificType('county_code', 'char(3)').notNullable().references('code').inTable('counties');
    t.text('name').notNullable();
    t.unique(['county_code', 'name']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sub_counties');
  await knex.schema.dropTable('counties');
}
