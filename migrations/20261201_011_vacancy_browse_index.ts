import type { Knex } from 'knex';

// The browse path over open vacancies (see migration 010), built without locking writes: CONCURRENTLY
// cannot run in a transaction, so this migration runs outside one. A build that fails leaves an INVALID
// index behind; `if not exists` would then keep it, so an invalid one is dropped and built again.
export const config = { transaction: false };

const INDEX = 'vacancies_browse';

export async function up(knex: Knex): Promise<void> {
  const invalid = await knex.raw<{ rows: unknown[] }>(
    `select 1 from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname = ? and not i.indisvalid`,
    [INDEX],
  );
  if (invalid.rows.length > 0) await knex.raw(`drop index concurrently if exists ${INDEX}`);
  await knex.raw(
    `create index concurrently if not exists ${INDEX}
       on vacancies (exam, activity, station_type, position, county_code, sub_county_id)
       where status = 'open'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index concurrently if exists ${INDEX}`);
}
