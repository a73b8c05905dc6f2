// Reference places against real PostgreSQL: the shipped lists (data/*.csv) loaded at start, and the
// operator's import that validates every row before it replaces anything.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/db/knex';
import {
  describeReferenceData,
  importCounties,
  importSubCounties,
  loadReferenceData,
} from '../../src/domain/reference-data';
import { isGsm7 } from '../../src/domain/gsm7';
import { freshDatabase } from '../support/databases';
import { clearVacancies } from '../vacancies/fixtures';

const DATA = path.join(__dirname, '..', '..', 'data');
const shipped = (file: string) => readFileSync(path.join(DATA, file), 'utf8');
const dataLines = (text: string) => text.trimEnd().split('\n').slice(1);

const SHIPPED_SUB_COUNTIES = dataLines(shipped('sub-counties.csv')).length;
const CODES = Array.from({ length: 47 }, (_, i) => String(i + 1).padStart(3, '0'));

/** A valid sub-counties file: `perCounty` names for every county. */
function subCountiesFile(perCounty = 1, name = (code: string, i: number) => `Test ${code} ${i}`): string {
  const rows = CODES.flatMap((code) =>
    Array.from({ length: perCounty }, (_, i) => `${code},${name(code, i)}`),
  );
  return ['county_code,name', ...rows].join('\n') + '\n';
}

let db: Db;
let drop: () => Promise<void>;
beforeEach(async () => {
  ({ db, drop } = await freshDatabase());
  // The demo vacancies refer to sub-counties: these tests replace and empty the place lists.
  await clearVacancies(db);
});
afterEach(() => drop());

const subCounties = () => db('sub_counties').select('id', 'county_code', 'name').orderBy('id');
const counties = () => db('counties').select('code', 'name').orderBy('code');

describe('the shipped lists', () => {
  test('load into empty tables: 47 counties by official code, and sub-counties for every county', async () => {
    await db('sub_counties').del();
    await db('counties').del();

    const state = await loadReferenceData(db, DATA);
    expect(state).toEqual({
      loaded: ['counties', 'sub_counties'],
      counties: 47,
      subCounties: SHIPPED_SUB_COUNTIES,
    });
    expect(describeReferenceData(state)).toBe(
      `reference data: 47 counties, ${SHIPPED_SUB_COUNTIES} sub-counties loaded from data/`,
    );

    const all = await counties();
    expect(all.map((c) => c.code)).toEqual(CODES);
    expect(all[0]).toEqual({ code: '001', name: 'Mombasa' });
    expect(all[46]).toEqual({ code: '047', name: 'Nairobi' });

    const perCounty = await db('counties as c')
      .leftJoin('sub_counties as s', 's.county_code', 'c.code')
      .groupBy('c.code')
      .select('c.code')
      .count({ n: 's.id' });
    expect(perCounty).toHaveLength(47);
    for (const c of perCounty) expect(Number(c.n)).toBeGreaterThan(0);

    const names = [
      ...all.map((c) => c.name as string),
      ...(await subCounties()).map((s) => s.name as string),
    ];
    for (const name of names) {
      expect(isGsm7(name)).toBe(true);
      expect(name.length).toBeGreaterThan(0);
      expect(name.length).toBeLessThanOrEqual(60);
    }
  });

  test('are already in every test database (global setup loads them into the template)', async () => {
    const state = await loadReferenceData(db, DATA);
    expect(state).toEqual({ loaded: [], counties: 47, subCounties: SHIPPED_SUB_COUNTIES });
    expect(describeReferenceData(state)).toBe(
      `reference data present: 47 counties, ${SHIPPED_SUB_COUNTIES} sub-counties`,
    );
  });

  test('load names exactly as the files give them', async () => {
    const key = (code: string, name: string) => `${code},${name}`;
    const rows = (await db('sub_counties').select('county_code', 'name')).map((r) =>
      key(r.county_code as string, r.name as string),
    );
    expect(rows.sort()).toEqual(dataLines(shipped('sub-counties.csv')).sort());
    const names = (await counties()).map((c) => key(c.code as string, c.name as string));
    expect(names).toEqual(dataLines(shipped('counties.csv')));
  });
});

describe('loading at start', () => {
  test('never overwrites an imported list', async () => {
    expect(await importSubCounties(db, subCountiesFile())).toEqual({ inserted: 47, errors: [] });
    const renamed = shipped('counties.csv').replace('047,Nairobi', '047,Nairobi City');
    expect(await importCounties(db, renamed)).toEqual({ inserted: 47, errors: [] });
    const before = { subCounties: await subCounties(), counties: await counties() };

    const state = await loadReferenceData(db, DATA);
    expect(state).toEqual({ loaded: [], counties: 47, subCounties: 47 });
    expect({ subCounties: await subCounties(), counties: await counties() }).toEqual(before);
    expect(before.counties[46]).toEqual({ code: '047', name: 'Nairobi City' });
  });

  test('fills an empty sub-counties table without touching the imported counties', async () => {
    await importCounties(db, shipped('counties.csv').replace('001,Mombasa', '001,Mombasa Island'));
    await db('sub_counties').del();
    const state = await loadReferenceData(db, DATA);
    expect(state.loaded).toEqual(['sub_counties']);
    expect(state.subCounties).toBe(SHIPPED_SUB_COUNTIES);
    expect((await counties())[0]).toEqual({ code: '001', name: 'Mombasa Island' });
  });

  test('fails, loading nothing, when a shipped file is invalid', async () => {
    await db('sub_counties').del();
    await db('counties').del();
    const dir = mkdtempSync(path.join(tmpdir(), 'cp2-reference-'));
    writeFileSync(path.join(dir, 'counties.csv'), shipped('counties.csv'));
    writeFileSync(path.join(dir, 'sub-counties.csv'), 'county_code,name\n001,Nyali\n1,Likoni\n');
    await expect(loadReferenceData(db, dir)).rejects.toThrow(/sub-counties\.csv is invalid:\n {2}line 3: /);
    expect(await counties()).toEqual([]);
  });
});

describe('importing sub-counties', () => {
  test('reports every bad row with its line number and loads nothing', async () => {
    const before = await subCounties();
    const good = dataLines(subCountiesFile());
    const text = [
      'county_code,name',
      '047,Kibra', // line 2
      '47,Westlands', // line 3
      '048,Somewhere', // line 4
      '047,Kibra', // line 5
      '001,', // line 6
      '001,Lang’ata', // line 7
      '001,"Two\nlines"', // line 8
      `001,${'x'.repeat(61)}`, // line 10
      '001,Nyali,extra', // line 11
      ...good, // lines 12...
    ].join('\n');

    const result = await importSubCounties(db, text);
    expect(result).toEqual({
      inserted: 0,
      errors: [
        'line 3: county code "47" must be three digits (001 to 047)',
        'line 4: unknown county code 048',
        'line 5: sub-county "Kibra" of county 047 is also on line 2',
        'line 6: name is empty',
        'line 7: name "Lang’ata" has characters outside GSM-7 (’); write it as "Lang\'ata"',
        'line 8: name must be on one line, without control characters',
        'line 10: name is 61 characters long, at most 60',
        'line 11: expected 2 fields (county_code,name), found 3',
      ],
    });
    expect(await subCounties()).toEqual(before);
  });

  test('reports the counties the file leaves out', async () => {
    const text = subCountiesFile()
      .split('\n')
      .filter((l) => !l.startsWith('012,') && !l.startsWith('047,'))
      .join('\n');
    expect((await importSubCounties(db, text)).errors).toEqual([
      'end of file: no sub-county for county 012 Meru',
      'end of file: no sub-county for county 047 Nairobi',
    ]);
  });

  test('reports a wrong header, an empty file and a broken quote', async () => {
    expect((await importSubCounties(db, 'county,name\n001,Nyali\n')).errors).toEqual([
      'line 1: the header must be county_code,name (found county,name)',
    ]);
    expect((await importSubCounties(db, '')).errors).toEqual([
      'line 1: the file is empty; its first line must be county_code,name',
    ]);
    expect((await importSubCounties(db, 'county_code,name\n')).errors).toEqual([
      'line 2: the file has no sub-county',
    ]);
    expect((await importCounties(db, 'code,name\n')).errors).toEqual(['line 2: the file has no county']);
    const broken = subCountiesFile().replace('001,Test 001 0', '001,Test "001" 0');
    expect((await importSubCounties(db, broken)).errors).toEqual([
      expect.stringMatching(/^line 2: Invalid Opening Quote/),
      'end of file: no sub-county for county 001 Mombasa',
    ]);
  });

  test('accepts a header in any case and order, a BOM, CRLF line ends and quoted names', async () => {
    const text = '\ufeffName,County_Code\r\n' + CODES.map((c) => `"Place, ${c}",${c}`).join('\r\n') + '\r\n';
    expect(await importSubCounties(db, text)).toEqual({ inserted: 47, errors: [] });
    expect((await subCounties())[0]).toMatchObject({ county_code: '001', name: 'Place, 001' });
  });

  test('makes the table exactly the file; importing it again changes nothing', async () => {
    const file = subCountiesFile(2);
    expect(await importSubCounties(db, file)).toEqual({ inserted: 94, errors: [] });
    const first = await subCounties();
    expect(first).toHaveLength(94);
    expect(await importSubCounties(db, file)).toEqual({ inserted: 94, errors: [] });
    expect(await subCounties()).toEqual(first);

    // A later list: unchanged names keep their row, dropped ones go, new ones come.
    const next = subCountiesFile(2, (code, i) => (i === 0 ? `Test ${code} 0` : `New ${code}`));
    await importSubCounties(db, next);
    const after = await subCounties();
    expect(after).toHaveLength(94);
    const kept = first.filter((r) => (r.name as string).endsWith(' 0'));
    expect(after.slice(0, 47)).toEqual(kept);
    expect(after.some((r) => (r.name as string).endsWith(' 1'))).toBe(false);
  });

  test('reports progress every 1,000 rows validated', async () => {
    const seen: [number, number][] = [];
    const result = await importSubCounties(db, subCountiesFile(50), {
      onProgress: (done, total) => seen.push([done, total]),
    });
    expect(result).toEqual({ inserted: 2350, errors: [] });
    expect(seen).toEqual([
      [1000, 2350],
      [2000, 2350],
    ]);
  });
});

describe('importing counties', () => {
  test('upserts by code, idempotently', async () => {
    const text = shipped('counties.csv').replace('047,Nairobi', '047,Nairobi City');
    expect(await importCounties(db, text)).toEqual({ inserted: 47, errors: [] });
    const first = await counties();
    expect(first[46]).toEqual({ code: '047', name: 'Nairobi City' });
    expect(await importCounties(db, text)).toEqual({ inserted: 47, errors: [] });
    expect(await counties()).toEqual(first);
    // A county the file leaves out keeps its row (sub-counties refer to it).
    expect(await importCounties(db, 'code,name\n001,Mombasa\n')).toEqual({ inserted: 1, errors: [] });
    expect(await counties()).toHaveLength(47);
  });

  test('reports every bad row with its line number and loads nothing', async () => {
    const before = await counties();
    const text = [
      'code,name',
      '001,Mombasa City', // line 2
      '1,Kwale', // line 3
      '048,Atlantis', // line 4
      '001,Mombasa Again', // line 5
      '002,', // line 6
      '003,Kilifī', // line 7
      '004,mombasa city', // line 8
    ].join('\n');
    expect(await importCounties(db, text)).toEqual({
      inserted: 0,
      errors: [
        'line 3: county code "1" must be three digits (001 to 047)',
        'line 4: county code 048 is not an official county code (001 to 047)',
        'line 5: county code 001 is also on line 2',
        'line 6: name is empty',
        'line 7: name "Kilifī" has characters outside GSM-7 (ī); write it as "Kilifi"',
        'line 8: county "mombasa city" is also on line 2',
      ],
    });
    expect(await counties()).toEqual(before);
  });
});
