import type { Knex } from 'knex';

// After the application (issue 12): duties, attendance, payment claims and queries (docs/duties.md,
// decisions/0016). An approved application is a duty; its vacancy gains the days of its activity. The
// rules that must hold under concurrency are here: one attendance row per duty and day (a unique index,
// check-out a conditional update), one attendance code per station and day, one claim per duty, an M-Pesa
// reference pays one claim, a claim's amount is its days times its rate. Every attendance mark, claim
// decision, payment and answer is a row of `duty_events` (who and when), written in the same transaction.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table vacancies
      add column duty_starts_on date,
      add column duty_ends_on date,
      add constraint vacancies_duty_days check (
        (duty_starts_on is null and duty_ends_on is null)
        or (duty_starts_on is not null and duty_ends_on is not null and duty_starts_on <= duty_ends_on))
  `);

  // The code a centre manager reads out, one per station and day (Nairobi), made on the first request.
  await knex.raw(`
    create table attendance_codes (
      duty_station_id int not null references duty_stations(id),
      day date not null,
      code char(6) not null,
      created_by varchar(80) not null,
      created_at timestamptz not null default now(),
      primary key (duty_station_id, day)
    )`);

  await knex.raw(`
    create table attendance (
      id bigserial primary key,
      application_id bigint not null references applications(id) on delete cascade,
      day date not null,
      checked_in_at timestamptz not null,
      checked_out_at timestamptz,
      constraint attendance_once_a_day unique (application_id, day),
      constraint attendance_out_after_in check (checked_out_at is null or checked_out_at >= checked_in_at)
    )`);

  // Wrong attendance codes of an account: 3 lock check-in for 30 minutes.
  await knex.raw(`
    create table attendance_lockouts (
      account_id bigint primary key references accounts(id) on delete cascade,
      failures int not null default 0,
      locked_until timestamptz
    )`);

  await knex.raw(`
    create table rates (
      exam varchar(24) not null references exams(code),
      activity varchar(24) not null references activities(code),
      position varchar(24) not null references positions(code),
      daily_rate_kes int not null check (daily_rate_kes > 0),
      updated_at timestamptz not null default now(),
      primary key (exam, activity, position)
    )`);

  await knex.raw(`
    create table claims (
      id bigserial primary key,
      application_id bigint not null unique references applications(id) on delete cascade,
      days int not null check (days > 0),
      daily_rate_kes int not null check (daily_rate_kes > 0),
      amount_kes int not null,
      status varchar(10) not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'paid')),
      reason text,
      mpesa_ref varchar(20) unique,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint claims_amount check (amount_kes = days * daily_rate_kes),
      constraint claims_paid_ref check ((status = 'paid') = (mpesa_ref is not null)),
      constraint claims_rejected_reason check (status <> 'rejected' or reason is not null)
    )`);
  await knex.raw(`create index claims_status on claims (status, id)`);

  await knex.raw(`
    create table queries (
      id bigserial primary key,
      account_id bigint not null references accounts(id) on delete cascade,
      topic varchar(10) not null check (topic in ('payment', 'duty', 'account', 'other')),
      text varchar(140) not null,
      status varchar(10) not null default 'open' check (status in ('open', 'answered')),
      answer text,
      created_at timestamptz not null default now(),
      answered_at timestamptz,
      constraint queries_answered check ((status = 'answered') = (answer is not null))
    )`);
  await knex.raw(`create index queries_account on queries (account_id, id)`);
  await knex.raw(`create index queries_open on queries (id) where status = 'open'`);

  // Accountability: who did what to which attendance row, claim or query, and when. Append-only.
  await knex.raw(`
    create table duty_events (
      id bigserial primary key,
      kind varchar(30) not null,
      subject text not null,
      actor varchar(80) not null,
      at timestamptz not null,
      details jsonb not null default '{}'
    )`);
  await knex.raw(`create index duty_events_subject on duty_events (subject, id)`);
}

export async function down(knex: Knex): Promise<void> {
  for (const t of [
    'duty_events',
    'queries',
    'claims',
    'rates',
    'attendance_lockouts',
    'attendance',
    'attendance_codes',
  ]) {
    await knex.schema.dropTable(t);
  }
  await knex.raw(`alter table vacancies drop constraint vacancies_duty_days,
    drop column duty_starts_on, drop column duty_ends_on`);
}
