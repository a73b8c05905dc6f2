// The shipped sub-counties are the IEBC's 290 constituencies (data/reference/README.md), spelled as the
// IEBC spells them; the demo duty stations name only shipped sub-counties; and a database that still
// holds the list shipped until December 2026 is corrected at the next start without a duty station,
// vacancy or profile losing its place.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Db } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { isGsm7 } from '../../src/domain/gsm7';
import { importSubCounties, loadReferenceData } from '../../src/domain/reference-data';
import {
  importActivities,
  importDutyStations,
  importExams,
  importPositions,
} from '../../src/domain/vacancy-import';
import { importVacancies } from '../../src/domain/vacancies';
import { freshDatabase } from '../support/databases';
import { applicant, clearVacancies } from '../vacancies/fixtures';

const ROOT = path.join(__dirname, '..', '..');
const csv = (file: string): Record<string, string>[] =>
  parse(readFileSync(path.join(ROOT, file), 'utf8'), { columns: true, skip_empty_lines: true });

const constituencies = csv('data/reference/iebc-constituencies.csv');
const shipped = csv('data/sub-counties.csv');
const OLD_LIST = 'tests/reference/fixtures/sub-counties-shipped-until-2026-12.csv';
const MIGRATION = '20261201_050_sub_counties_as_constituencies';

/** county code → names, from rows with `county_code` and `name`. */
function byCounty(rows: Record<string, string>[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const key = r.county_code as string;
    out.set(key, (out.get(key) ?? new Set()).add(r.name as string));
  }
  return out;
}

describe('the authoritative list', () => {
  test('has the 290 IEBC constituencies, codes 001 to 290, in all 47 counties, each name GSM-7', () => {
    expect(constituencies.map((c) => c.code)).toEqual(
      Array.from({ length: 290 }, (_, i) => String(i + 1).padStart(3, '0')),
    );
    expect(byCounty(constituencies).size).toBe(47);
    for (const c of constituencies) expect(isGsm7(c.name as string)).toBe(true);
  });
});

describe('the shipped sub-counties', () => {
  test('every one is a constituency of its own county, spelled as the IEBC spells it', () => {
    const authority = byCounty(constituencies);
    const strays = shipped.filter((s) => !authority.get(s.county_code as string)?.has(s.name as string));
    expect(strays).toEqual([]);
  });

  test('every constituency is shipped, once, so no teacher misses their sub-county', () => {
    expect(shipped).toHaveLength(290);
    const keys = shipped.map((s) => `${s.county_code}|${s.name}`);
    expect(new Set(keys).size).toBe(290);
  });

  test('the misspellings teachers met are gone', () => {
    const nairobi = byCounty(shipped).get('047');
    expect(nairobi?.has("Lang'ata")).toBe(true);
    for (const wrong of ['Lang', 'Genzw', 'Merit', 'Unguja', 'Daadab', 'Mohoroni', 'Mkurweni']) {
      expect(shipped.map((s) => s.name)).not.toContain(wrong);
    }
  });

  test('every demo duty station names a shipped sub-county of its county', () => {
    const places = byCounty(shipped);
    const stations = csv('data/demo/duty-stations.csv');
    const strays = stations.filter((d) => !places.get(d.county_code as string)?.has(d.sub_county as string));
    expect(strays).toEqual([]);
  });
});

describe('a database holding the list shipped until December 2026', () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeEach(async () => {
    ({ db, drop } = await freshDatabase());
    await clearVacancies(db);
  });
  afterEach(() => drop());

  const idOf = async (county: string, name: string) =>
    (
      (await db('sub_counties').where({ county_code: county, name }).first('id')) as
        { id: number } | undefined
    )?.id;
  const namesIn = async (county: string) =>
    (
      (await db('sub_counties').where({ county_code: county }).orderBy('name').select('name')) as {
        name: string;
      }[]
    ).map((r) => r.name);
  /** The start-up's database steps, as `npm start` runs them on an existing database. */
  const restart = async () => {
    await db('knex_migrations').where({ name: MIGRATION }).del();
    await migrateLatest(db);
    return loadReferenceData(db, path.join(ROOT, 'data'));
  };

  /** The old list, with duty stations, a vacancy and profiles on misspelt, merged and retired names. */
  async function oldDeployment() {
    const result = await importSubCounties(db, readFileSync(path.join(ROOT, OLD_LIST), 'utf8'));
    expect(result.errors).toEqual([]);
    await importExams(db, 'code,name\nKCSE,KCSE\n');
    await importActivities(db, 'code,name\nSI,Supervision\n');
    await importPositions(db, 'code,name\nINV,Invigilator\n');
    const stations = await importDutyStations(
      db,
      [
        'code,name,type,county_code,sub_county',
        'S-LANG,Langata Road School,exam_centre,047,Lang',
        'S-MOH,Muhoroni Mixed,exam_centre,042,Mohoroni',
        'S-KIENI,Kieni West Girls,exam_centre,019,Kieni West',
        'S-KISASI,Kisasi Secondary,exam_centre,015,Kisasi',
      ].join('\n'),
    );
    expect(stations.errors).toEqual([]);
    const vacancy = await importVacancies(
      db,
      'code,exam,activity,duty_station,position,positions,opens_at,closes_at,status\n' +
        'V1,KCSE,SI,S-LANG,INV,3,2026-11-01 08:00,2027-03-01 17:00,open\n',
    );
    expect(vacancy.errors).toEqual([]);
    const teacher = await applicant(db, '+254711000301', '30100301');
    await db('profiles')
      .where({ account_id: teacher })
      .update({ county_code: '011', sub_county_id: await idOf('011', 'Merit') });
    const before = {
      lang: (await idOf('047', 'Lang')) as number,
      kieniWest: (await idOf('019', 'Kieni West')) as number,
      kisasi: (await idOf('015', 'Kisasi')) as number,
      merit: (await idOf('011', 'Merit')) as number,
    };
    return { teacher, before };
  }

  test('a restart renames misspelt sub-counties in place: stations and vacancies keep theirs', async () => {
    const { before } = await oldDeployment();
    await restart();

    expect(await idOf('047', "Lang'ata")).toBe(before.lang);
    expect(await idOf('047', 'Lang')).toBeUndefined();
    const station = await db('duty_stations as d')
      .join('sub_counties as s', 's.id', 'd.sub_county_id')
      .where('d.code', 'S-LANG')
      .first('s.name');
    expect(station).toEqual({ name: "Lang'ata" });
    const vacancy = await db('vacancies as v')
      .join('sub_counties as s', 's.id', 'v.sub_county_id')
      .where('v.code', 'V1')
      .first('s.name', 'v.positions');
    expect(vacancy).toEqual({ name: "Lang'ata", positions: 3 });
    const moh = await db('duty_stations as d')
      .join('sub_counties as s', 's.id', 'd.sub_county_id')
      .where('d.code', 'S-MOH')
      .first('s.name');
    expect(moh).toEqual({ name: 'Muhoroni' });
  });

  test('parts of one constituency become it, and what pointed at them follows', async () => {
    await oldDeployment();
    await restart();

    expect(await namesIn('019')).toEqual(['Kieni', 'Mathira', 'Mukurweini', 'Nyeri Town', 'Othaya', 'Tetu']);
    const kieni = await db('duty_stations as d')
      .join('sub_counties as s', 's.id', 'd.sub_county_id')
      .where('d.code', 'S-KIENI')
      .first('s.name');
    expect(kieni).toEqual({ name: 'Kieni' });
  });

  test('a retired sub-county something points at stays; unused ones go; missing constituencies come', async () => {
    const { teacher, before } = await oldDeployment();
    const state = await restart();

    // Kitui: the eight constituencies, plus Kisasi, which a duty station still uses.
    expect(await namesIn('015')).toEqual([
      'Kisasi',
      'Kitui Central',
      'Kitui East',
      'Kitui Rural',
      'Kitui South',
      'Kitui West',
      'Mwingi Central',
      'Mwingi North',
      'Mwingi West',
    ]);
    expect(await idOf('015', 'Kisasi')).toBe(before.kisasi);
    // Isiolo: the profile on "Merit" keeps it until the teacher or the operator moves it.
    expect(await namesIn('011')).toEqual(['Isiolo North', 'Isiolo South', 'Merit']);
    const profile = await db('profiles').where({ account_id: teacher }).first('sub_county_id');
    expect(profile).toEqual({ sub_county_id: before.merit });
    // Everything else is the shipped list: 290 constituencies and the two kept.
    expect(state.subCounties).toBe(292);
    const names = (await db('sub_counties').select('county_code', 'name')) as Record<string, string>[];
    const authority = byCounty(constituencies);
    const extra = names.filter((n) => !authority.get(n.county_code as string)?.has(n.name as string));
    expect(extra.map((n) => n.name).sort()).toEqual(['Kisasi', 'Merit']);
    // The operator finds them by importing the shipped list: refused, naming each, nothing changed.
    const retry = await importSubCounties(
      db,
      readFileSync(path.join(ROOT, 'data', 'sub-counties.csv'), 'utf8'),
    );
    expect(retry.errors).toEqual([
      'sub-county "Merit" of county 011 is missing from the file but 1 duty station(s) or profile(s) refer to it',
      'sub-county "Kisasi" of county 015 is missing from the file but 1 duty station(s) or profile(s) refer to it',
    ]);
  });

  test('a list the operator imported is never touched by the correction', async () => {
    const own = [
      'county_code,name',
      ...Array.from({ length: 47 }, (_, i) => `${String(i + 1).padStart(3, '0')},Lang`),
    ];
    expect((await importSubCounties(db, own.join('\n'))).errors).toEqual([]);
    const ids = await db('sub_counties').orderBy('id').select('id', 'county_code', 'name');
    await restart();
    expect(await db('sub_counties').orderBy('id').select('id', 'county_code', 'name')).toEqual(ids);
  });
});
