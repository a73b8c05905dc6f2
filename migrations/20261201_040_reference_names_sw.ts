import type { Knex } from 'knex';

// Kiswahili names for the reference lists a user browses (issue 10): exams, activities, positions and
// duty station types get an optional `name_sw`, shown to Kiswahili users instead of `name`
// (src/domain/reference-names.ts). Null means "none": the name is shown. The imports fill it from an
// optional `name_sw` column; the three fixed station types are named here (docs/kiswahili.md).
const TABLES = ['exams', 'activities', 'positions', 'station_types'];

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.raw(
      `alter table ${table} add column name_sw varchar(60) constraint ${table}_name_sw_not_empty check (name_sw <> '')`,
    );
  }
  const types: [string, string][] = [
    ['exam_centre', 'Kituo cha mtihani'],
    ['distribution_centre', 'Kituo cha usambazaji'],
    ['marking_centre', 'Kituo cha usahihishaji'],
  ];
  for (const [code, nameSw] of types) {
    await knex('station_types').where({ code }).update({ name_sw: nameSw });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.schema.alterTable(table, (t) => t.dropColumn('name_sw'));
  }
}
