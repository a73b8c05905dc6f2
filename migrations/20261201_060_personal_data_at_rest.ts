import type { Knex } from 'knex';

// Personal data at rest (issue 15). The identity fields of a profile (national ID, KRA PIN, M-Pesa number,
// bank account) become ciphertext (src/domain/personal-data/field-cipher.ts); what must stay unique or be
// looked up by national ID (one account per ID; past deployments) gets a keyed hash beside it. Each
// ciphertext names the key that wrote it (`v1.<key id>.…`), so a key can be rotated in batches. The
// migration cannot hold the key: rows written before it are encrypted by the service at start
// (src/domain/personal-data/at-rest.ts), which is why the columns become text and the old unique index
// gives way to the hash's. Accounts gain `erased_at`: an erased account keeps its id (what the council must keep
// points at it) and loses its phone, username and password.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table profiles
      alter column national_id type text,
      alter column kra_pin type text,
      alter column mpesa_phone type text,
      alter column bank_account type text,
      drop constraint if exists profiles_national_id_unique,
      add column national_id_hash text constraint profiles_national_id_hash_unique unique
  `);
  await knex.raw(`
    alter table deployments
      alter column national_id type text,
      drop constraint if exists deployments_national_id_duty_station_year_unique,
      add column national_id_hash text,
      add constraint deployments_hash_station_year_unique unique (national_id_hash, duty_station, year)
  `);
  await knex.raw(`
    alter table accounts
      alter column phone drop not null,
      alter column username drop not null,
      alter column password_hash drop not null,
      add column erased_at timestamptz
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table accounts drop column erased_at`);
  await knex.raw(`alter table deployments drop constraint deployments_hash_station_year_unique,
    drop column national_id_hash`);
  await knex.raw(`alter table profiles drop column national_id_hash`);
}
