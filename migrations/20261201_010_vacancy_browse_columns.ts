import type { Knex } from 'knex';

// Browsing walks exam → activity → station type → position → county → sub-county over open vacancies.
// Three of those live on the duty station; copied onto the vacancy, one index covers the whole path
// (migration 011), so each level is a few index probes instead of a scan of every open vacancy joined
// with its station. Triggers keep the copies true: a vacancy takes them from its station when it is
// written, and a station that moves or changes type passes the change on.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('vacancies', (t) => {
    t.string('station_type', 24);
    t.specificType('county_code', 'char(3)');
    t.integer('sub_county_id');
  });
  await knex.raw(`
    update vacancies v
       set station_type = d.type, county_code = d.county_code, sub_county_id = d.sub_county_id
      from duty_stations d where d.id = v.duty_station_id`);
  await knex.raw(`
    alter table vacancies
      alter column station_type set not null,
      alter column county_code set not null,
      alter column sub_county_id set not null`);
  await knex.raw(`
    create function vacancies_copy_station() returns trigger language plpgsql as $$
    begin
      select d.type, d.county_code, d.sub_county_id
        into new.station_type, new.county_code, new.sub_county_id
        from duty_stations d where d.id = new.duty_station_id;
      return new;
    end $$`);
  await knex.raw(`
    create trigger vacancies_copy_station before insert or update of duty_station_id on vacancies
      for each row execute function vacancies_copy_station()`);
  await knex.raw(`
    create function duty_stations_pass_on() returns trigger language plpgsql as $$
    begin
      update vacancies
         set station_type = new.type, county_code = new.county_code, sub_county_id = new.sub_county_id
       where duty_station_id = new.id;
      return null;
    end $$`);
  await knex.raw(`
    create trigger duty_stations_pass_on after update of type, county_code, sub_county_id on duty_stations
      for each row
      when (old.type is distinct from new.type or old.county_code is distinct from new.county_code
            or old.sub_county_id is distinct from new.sub_county_id)
      execute function duty_stations_pass_on()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger duty_stations_pass_on on duty_stations');
  await knex.raw('drop function duty_stations_pass_on()');
  await knex.raw('drop trigger vacancies_copy_station on vacancies');
  await knex.raw('drop function vacancies_copy_station()');
  await knex.schema.alterTable('vacancies', (t) => {
    t.dropColumn('station_type');
    t.dropColumn('county_code');
    t.dropColumn('sub_county_id');
  });
}
