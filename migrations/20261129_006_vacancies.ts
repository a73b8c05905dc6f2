import type { Knex } from 'knex';

// Vacancies and applications (docs/vacancies.md). Reference lists (exams, activities, positions, station
// types), duty stations in a county and sub-county, vacancies, applications with their audit trail, and
// deployment history for the eligibility rule. The one-active-application rules are partial unique
// indexes, so two concurrent submits (a duplicated hop, two phones) leave one row.
export async function up(knex: Knex): Promise<void> {
  for (const table of ['exams', 'activities', 'positions']) {
    await knex.schema.createTable(table, (t) => {
      t.string('code', 24).primary();
      t.string('name', 60).notNullable();
    });
  }
  await knex.schema.createTable('station_types', (t) => {
    t.string('code', 24).primary().checkIn(['exam_centre', 'distribution_centre', 'marking_centre']);
    t.string('name', 60).notNullable();
  });
  await knex('station_types').insert([
    { code: 'exam_centre', name: 'Examination centre' },
    { code: 'distribution_centre', name: 'Distribution centre' },
    { code: 'marking_centre', name: 'Marking centre' },
  ]);

  await knex.schema.createTable('duty_stations', (t) => {
    t.increments('id');
    t.string('code', 24).notNullable().unique();
    t.string('name', 60).notNullable();
    t.string('type', 24).notNullable().references('station_types.code');
    t.specificType('county_code', 'char(3)').notNullable().references('counties.code');
    t.integer('sub_county_id').notNullable().references('sub_counties.id');
    t.index(['county_code', 'sub_county_id']);
  });

  await knex.schema.createTable('vacancies', (t) => {
    t.increments('id');
    t.string('code', 24).notNullable().unique();
    t.string('exam', 24).notNullable().references('exams.code');
    t.string('activity', 24).notNullable().references('activities.code');
    t.integer('duty_station_id').notNullable().references('duty_stations.id');
    t.string('position', 24).notNullable().references('positions.code');
    t.integer('positions').notNullable();
    t.timestamp('opens_at', { useTz: true }).notNullable();
    t.timestamp('closes_at', { useTz: true }).notNullable();
    t.string('status', 8).notNullable().defaultTo('open').checkIn(['open', 'closed']);
    t.check('?? > 0', ['positions'], 'vacancies_positions_positive');
    t.check('?? < ??', ['opens_at', 'closes_at'], 'vacancies_opens_before_closes');
    t.index(['duty_station_id']);
  });
  await knex.raw(`create index vacancies_open on vacancies (closes_at) where status = 'open'`);

  await knex.schema.createTable('applications', (t) => {
    t.bigIncrements('id');
    t.bigInteger('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.integer('vacancy_id').notNullable().references('vacancies.id');
    // Copied from the vacancy, so that the one-per-series rule can be a unique index.
    t.string('exam', 24).notNullable().references('exams.code');
    t.string('activity', 24).notNullable().references('activities.code');
    t.string('status', 10)
      .notNullable()
      .defaultTo('submitted')
      .checkIn(['submitted', 'approved', 'rejected', 'withdrawn']);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['account_id', 'created_at']);
  });
  // Created in this order on purpose: PostgreSQL checks unique indexes in creation order, so a second
  // application for the same vacancy is reported on the vacancy index, not the series one.
  await knex.raw(
    `create unique index applications_active_vacancy on applications (account_id, vacancy_id)
     where status in ('submitted', 'approved')`,
  );
  await knex.raw(
    `create unique index applications_active_series on applications (account_id, exam, activity)
     where status in ('submitted', 'approved')`,
  );
  await knex.raw(`create index applications_approved on applications (vacancy_id) where status = 'approved'`);

  await knex.schema.createTable('application_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('application_id').notNullable().references('applications.id').onDelete('CASCADE');
    t.string('status', 10).notNullable().checkIn(['submitted', 'approved', 'rejected', 'withdrawn']);
    // Who: `ussd:+2547...`, `sms:+2547...`, `admin:<name>`.
    t.string('actor', 80).notNullable();
    t.text('reason');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['application_id', 'at']);
  });

  // Deployment history by national ID (a teacher may have no account yet when the council imports it).
  await knex.schema.createTable('deployments', (t) => {
    t.bigIncrements('id');
    t.string('national_id', 8).notNullable();
    t.string('duty_station', 24).notNullable().references('duty_stations.code').onUpdate('CASCADE');
    t.integer('year').notNullable();
    t.unique(['national_id', 'duty_station', 'year']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of [
    'deployments',
    'application_events',
    'applications',
    'vacancies',
    'duty_stations',
    'station_types',
    'positions',
    'activities',
    'exams',
  ]) {
    await knex.schema.dropTable(t);
  }
}
