import type { Knex } from 'knex';

// One profile per account, grouped as the portal groups it; a section is complete when its required
// columns are filled (see src/domain/profile-fields.ts). The national ID is unique across accounts.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('profiles', (t) => {
    t.bigInteger('account_id').primary().references('accounts.id').onDelete('CASCADE');
    // personal
    t.string('full_name', 60);
    t.string('national_id', 8).unique();
    t.integer('birth_year');
    t.string('gender', 6).checkIn(['male', 'female']);
    t.string('kra_pin', 11);
    t.string('email', 80);
    // payment
    t.string('mpesa_phone', 16);
    t.string('mpesa_name', 60);
    t.string('bank_name', 40);
    t.string('bank_branch', 40);
    t.string('bank_account', 20);
    // highest qualification
    t.string('qualification_level', 12).checkIn(['certificate', 'diploma', 'degree', 'masters', 'phd']);
    t.string('course', 60);
    t.string('institution', 60);
    t.integer('qualification_year');
    // current workstation
    t.string('employer', 8).checkIn(['tsc', 'private', 'other']);
    t.string('tsc_number', 10);
    t.string('work_institution', 60);
    t.string('designation', 40);
    t.integer('work_start_year');
    t.specificType('county_code', 'char(3)').references('counties.code');
    t.integer('sub_county_id').references('sub_counties.id');
    // next of kin
    t.string('kin_name', 60);
    t.string('kin_phone', 16);
    t.string('kin_relationship', 8).checkIn(['spouse', 'parent', 'child', 'sibling', 'other']);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('profiles');
}
