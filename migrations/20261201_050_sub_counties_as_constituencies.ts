import type { Knex } from 'knex';

// The shipped sub-county list becomes Kenya's 290 IEBC constituencies (docs/reference-data.md). A database
// that still holds the list shipped until now (307 rows, recognised by its digest) is corrected in place
// at the next start; a list the operator imported is never touched, and a new database (empty tables
// here: the shipped list loads after the migrations) gets the corrected file directly.
//
// Ids are what duty stations, vacancies and profiles point at, so:
// - RENAMED rows are the same constituency under a misspelt or reordered name: renamed, id kept;
// - MERGED rows are parts of one constituency named after them (Kieni East and Kieni West are Kieni):
//   the first takes the constituency's name, what pointed at the others is moved to it;
// - RETIRED rows are administrative sub-counties that are no constituency and whose constituency the
//   name does not tell (Kisasi, Merit): deleted when nothing points at them, otherwise kept so that no
//   duty station or profile loses its place (the operator moves them, then imports the list);
// - ADDED rows are the constituencies the old list lacked under any spelling.
// The lists are written out here, not read from data/, so that this migration does the same thing
// whatever later releases ship.

/** md5 of the old list as `county_code|name` lines, sorted bytewise (collate "C"), joined by newlines. */
const SHIPPED_UNTIL_2026_12 = 'a14d420524e00529a7d44b30dc3a0229';

const RENAMED: [string, string, string][] = [
  ['002', 'Mutuga', 'Matuga'],
  ['003', 'Genzw', 'Ganze'],
  ['007', 'Daadab', 'Dadaab'],
  ['007', 'Garissa', 'Garissa Township'],
  ['010', 'North Hor', 'North Horr'],
  ['012', 'Imenti Central', 'Central Imenti'],
  ['012', 'Imenti North', 'North Imenti'],
  ['012', 'Imenti South', 'South Imenti'],
  ['018', 'Ol Joro Orok', 'Ol Jorok'],
  ['019', 'Mkurweni', 'Mukurweini'],
  ['029', 'Tindiret', 'Tinderet'],
  ['035', 'Soin Sigowet', 'Sigowet/Soin'],
  ['037', 'Lukuyani', 'Likuyani'],
  ['037', 'Mutungu', 'Matungu'],
  ['039', 'Kimilil', 'Kimilili'],
  ['039', 'Mt Elgon', 'Mt. Elgon'],
  ['040', 'Nambele', 'Nambale'],
  ['041', 'Unguja', 'Ugunja'],
  ['042', 'Mohoroni', 'Muhoroni'],
  ['043', 'Homabay Town', 'Homa Bay Town'],
  ['043', 'Kabondo', 'Kabondo Kasipul'],
  ['043', 'Karachwonyo', 'Karachuonyo'],
  ['047', 'Lang', "Lang'ata"],
];

const MERGED: [string, string, string][] = [
  ['013', 'Chuka', "Chuka/Igambang'ombe"],
  ['013', 'Igambangobe', "Chuka/Igambang'ombe"],
  ['013', 'Tharaka North', 'Tharaka'],
  ['013', 'Tharaka South', 'Tharaka'],
  ['019', 'Kieni East', 'Kieni'],
  ['019', 'Kieni West', 'Kieni'],
  ['019', 'Mathira East', 'Mathira'],
  ['019', 'Mathira West', 'Mathira'],
  ['020', 'Mwea East', 'Mwea'],
  ['020', 'Mwea West', 'Mwea'],
];

const ADDED: [string, string][] = [
  ['007', 'Balambala'],
  ['007', 'Lagdera'],
  ['011', 'Isiolo North'],
  ['011', 'Isiolo South'],
  ['015', 'Kitui East'],
  ['015', 'Kitui Rural'],
  ['015', 'Kitui South'],
  ['015', 'Mwingi North'],
  ['015', 'Mwingi West'],
  ['016', 'Kangundo'],
  ['020', 'Gichugu'],
  ['020', 'Ndia'],
  ['021', 'Maragwa'],
  ['023', 'Turkana West'],
  ['024', 'Kacheliba'],
  ['024', 'Kapenguria'],
  ['024', 'Sigor'],
  ['033', 'Emurua Dikirr'],
  ['033', 'Kilgoris'],
  ['034', 'Kajiado East'],
  ['034', 'Kajiado South'],
  ['034', 'Kajiado West'],
  ['037', 'Ikolomani'],
  ['037', 'Malava'],
  ['037', 'Mumias East'],
  ['037', 'Mumias West'],
  ['037', 'Shinyalu'],
  ['040', 'Matayos'],
  ['044', 'Nyatike'],
  ['046', 'Kitutu Masaba'],
  ['046', 'North Mugirango'],
  ['046', 'West Mugirango'],
];

const RETIRED: [string, string][] = [
  ['007', 'Hulugho'],
  ['007', 'Lagdera Balambala'],
  ['011', 'Garba Tula'],
  ['011', 'Isiolo'],
  ['011', 'Merit'],
  ['013', 'Muthambi'],
  ['015', 'Ikutha'],
  ['015', 'Katulani'],
  ['015', 'Kisasi'],
  ['015', 'Lower Yatta'],
  ['015', 'Matiyani'],
  ['015', 'Migwani'],
  ['015', 'Mutitu'],
  ['015', 'Mutomo'],
  ['015', 'Muumonikyusu'],
  ['015', 'Mwingi East'],
  ['015', 'Nzambani'],
  ['015', 'Tseikuru'],
  ['020', 'Kirinyaga East'],
  ['020', 'Kirinyaga West'],
  ['021', 'Kahuro'],
  ['021', "Murang'a"],
  ['024', 'Central Pokot'],
  ['024', 'North Pokot'],
  ['024', 'West Pokot'],
  ['031', 'Laikipia Central'],
  ['031', 'Nyahururu'],
  ['033', 'Transmara East'],
  ['033', 'Transmara West'],
  ['034', 'Isinya'],
  ['034', 'Loitokitok'],
  ['034', 'Mashuuru'],
  ['037', 'Kakamega Central'],
  ['037', 'Kakamega East'],
  ['037', 'Kakamega North'],
  ['037', 'Kakamega South'],
  ['037', 'Matete'],
  ['037', 'Mumias'],
  ['044', 'Mabera'],
  ['044', 'Ntimaru'],
  ['046', 'Manga'],
  ['046', 'Masaba North'],
  ['046', 'Nyamira North'],
  ['046', 'Nyamira South'],
];

const REFERRERS = ['duty_stations', 'profiles'] as const;

async function idOf(knex: Knex, county: string, name: string): Promise<number | undefined> {
  const row = (await knex('sub_counties').where({ county_code: county, name }).first('id')) as
    { id: number } | undefined;
  return row?.id;
}

/** Points every duty station and profile at `to` instead of `from` (vacancies follow their station). */
async function repoint(knex: Knex, from: number, to: number): Promise<void> {
  for (const table of REFERRERS)
    await knex(table).where({ sub_county_id: from }).update({ sub_county_id: to });
}

async function isReferenced(knex: Knex, id: number): Promise<boolean> {
  for (const table of REFERRERS) {
    if (await knex(table).where({ sub_county_id: id }).first('sub_county_id')) return true;
  }
  return false;
}

export async function up(knex: Knex): Promise<void> {
  const { rows } = await knex.raw<{ rows: { digest: string | null }[] }>(
    `select md5(string_agg(county_code || '|' || name, E'\\n' order by county_code, name collate "C")) as digest
       from sub_counties`,
  );
  if (rows[0]?.digest !== SHIPPED_UNTIL_2026_12) return;

  for (const [county, from, to] of RENAMED) {
    await knex('sub_counties').where({ county_code: county, name: from }).update({ name: to });
  }
  for (const [county, from, to] of MERGED) {
    const source = await idOf(knex, county, from);
    const target = await idOf(knex, county, to);
    if (source === undefined) continue;
    if (target === undefined) {
      await knex('sub_counties').where({ id: source }).update({ name: to });
    } else {
      await repoint(knex, source, target);
      await knex('sub_counties').where({ id: source }).del();
    }
  }
  await knex('sub_counties')
    .insert(ADDED.map(([county_code, name]) => ({ county_code, name })))
    .onConflict(['county_code', 'name'])
    .ignore();
  for (const [county, name] of RETIRED) {
    const id = await idOf(knex, county, name);
    if (id !== undefined && !(await isReferenced(knex, id))) await knex('sub_counties').where({ id }).del();
  }
}

// A correction of data, not of the schema: rolling back leaves the corrected names in place.
export async function down(): Promise<void> {}
