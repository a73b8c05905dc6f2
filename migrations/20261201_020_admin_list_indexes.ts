import type { Knex } from 'knex';

// The operator API's lists, counts and exports at a season's scale (issue 16, decision 0011):
// - applications_vacancy_status: the vacancy list's submitted/approved counts, and applications of one
//   vacancy (or of a county's vacancies) by status;
// - applications_exam_status, applications_status: applications by exam and/or status in id order, so a
//   keyset page of a rare status or exam is an index range, not a walk over every application.
// Built CONCURRENTLY (writes go on while they build), which cannot run in a transaction: this migration
// runs outside one. A failed concurrent build leaves an INVALID index that `if not exists` would keep, so
// an invalid one is dropped and built again; a run that stops half-way is finished by the next start.
export const config = { transaction: false };

const INDEXES: [name: string, definition: string][] = [
  ['applications_vacancy_status', 'applications (vacancy_id, status)'],
  ['applications_exam_status', 'applications (exam, status, id)'],
  ['applications_status', 'applications (status, id)'],
];

async function isInvalid(knex: Knex, name: string): Promise<boolean> {
  const { rows } = await knex.raw<{ rows: unknown[] }>(
    `select 1 from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname = ? and not i.indisvalid`,
    [name],
  );
  return rows.length > 0;
}

export async function up(knex: Knex): Promise<void> {
  for (const [name, definition] of INDEXES) {
    if (await isInvalid(knex, name)) await knex.raw(`drop index concurrently if exists ${name}`);
    await knex.raw(`create index concurrently if not exists ${name} on ${definition}`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const [name] of INDEXES) await knex.raw(`drop index concurrently if exists ${name}`);
}
