// The vacancy imports (validate every row, `line N: message`, nothing loaded on any error, upsert by
// code) and the demo set the template database and the embedded default carry.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/db/knex';
import { isGsm7 } from '../../src/domain/gsm7';
import { parseTime } from '../../src/domain/row-schemas';
import { createVacancies, importVacancies } from '../../src/domain/vacancies';
import {
  describeDemoData,
  importDeployments,
  importDutyStations,
  importExams,
  loadDemoData,
} from '../../src/domain/vacancy-import';
import { importSubCounties } from '../../src/domain/reference-data';
import { freshDatabase } from '../support/databases';
import { applicant, clearVacancies, seedVacancies } from './fixtures';
import { TEST_CIPHER } from '../support/test-app';

jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..', '..');
const DEMO = path.join(ROOT, 'data', 'demo');
const demoRows = (file: string) =>
  readFileSync(path.join(DEMO, file), 'utf8').trimEnd().split('\n').length - 1;

let db: Db;
let url: string;
let drop: () => Promise<void>;
beforeEach(async () => {
  ({ db, url, drop } = await freshDatabase());
});
afterEach(() => drop());

const count = async (table: string) =>
  Number(((await db(table).count({ n: '*' }).first()) as { n: string }).n);
const VACANCY_HEADER = 'code,exam,activity,duty_station,position,positions,opens_at,closes_at,status';

describe('the demo set', () => {
  test('is in every test database: 60 duty stations in 5 counties, a few hundred open vacancies', async () => {
    expect(await count('duty_stations')).toBe(demoRows('duty-stations.csv'));
    expect(await count('duty_stations')).toBe(60);
    expect(await count('vacancies')).toBe(demoRows('vacancies.csv'));
    expect(await count('vacancies')).toBeGreaterThanOrEqual(300);
    expect(await count('exams')).toBe(3);
    expect(await count('activities')).toBe(3);
    expect(await count('positions')).toBe(7);
    const counties = await createVacancies(db).choices('county', {});
    expect(counties.map((c) => c.value)).toEqual(['001', '022', '032', '042', '047']);
    const types = await createVacancies(db).choices('stationType', {});
    expect(types.map((t) => t.value)).toEqual(['distribution_centre', 'exam_centre', 'marking_centre']);
    const names = (await db('duty_stations').pluck('name')) as string[];
    for (const n of names) expect(isGsm7(n) && n.length <= 60).toBe(true);
  });

  test('loads only into an empty vacancies table', async () => {
    const again = await loadDemoData(db, DEMO);
    expect(again).toEqual({ loaded: false, stations: 60, vacancies: demoRows('vacancies.csv') });
    expect(describeDemoData(again)).toBe(
      `vacancies present: ${again.vacancies} vacancies at 60 duty stations`,
    );
    await clearVacancies(db);
    const loaded = await loadDemoData(db, DEMO);
    expect(loaded).toEqual({ loaded: true, stations: 60, vacancies: demoRows('vacancies.csv') });
    expect(describeDemoData(loaded)).toMatch(/^demo data: \d+ vacancies at 60 duty stations loaded from /);
  });

  test('is open whenever it is loaded: its times count from the load day (Nairobi time)', async () => {
    await clearVacancies(db);
    // Long after the shipped file was written: a first run then must still find vacancies to apply for.
    const day = new Date('2028-06-15T10:00:00+03:00');
    await loadDemoData(db, DEMO, { now: day });
    const vacancies = createVacancies(db, { now: () => day });
    const counties = await vacancies.choices('county', {});
    expect(counties.map((c) => c.value)).toEqual(['001', '022', '032', '042', '047']);
    // V0001 is `D-11 08:00` to `D+57 23:59`: 4 June 08:00 to 11 August 23:59, Nairobi (UTC+3).
    const v = (await db('vacancies').where({ code: 'V0001' }).first('opens_at', 'closes_at')) as {
      opens_at: Date;
      closes_at: Date;
    };
    expect(v.opens_at.toISOString()).toBe('2028-06-04T05:00:00.000Z');
    expect(v.closes_at.toISOString()).toBe('2028-08-11T20:59:00.000Z');
    // And they do close: three months later nothing of the demo set is open.
    const later = new Date('2028-09-15T10:00:00+03:00');
    expect(await createVacancies(db, { now: () => later }).choices('county', {})).toEqual([]);
  });
});

describe('imports', () => {
  beforeEach(() => seedVacancies(db));

  test('vacancies: every bad row reported by line, nothing loaded', async () => {
    const before = await db('vacancies').orderBy('id');
    const csv = [
      VACANCY_HEADER,
      'N1,KCSE,SI,S1,INV,3,2026-12-01 08:00,2027-01-31 17:00,open',
      'N2,KXYZ,SI,S1,INV,3,2026-12-01 08:00,2027-01-31 17:00,open',
      'N3,KCSE,SI,S9,INV,0,2026-12-01 08:00,2027-01-31 17:00,shut',
      'N4,KCSE,SI,S1,INV,3,2026-13-01 08:00,2027-01-31,open',
      'N5,KCSE,SI,S1,INV,3,2027-02-01 08:00,2027-01-31 17:00,open',
      'N1,KCSE,SI,S2,INV,3,2026-12-01 08:00,2027-01-31 17:00,open',
      'inv1,KCSE,MK,S1,INV,3,2026-12-01 08:00,2027-01-31 17:00,open',
    ].join('\n');
    await applicant(db, '+254712345678', '12345678').then((id) =>
      db('applications').insert({
        account_id: id,
        vacancy_id: before.find((v) => v.code === 'inv1').id,
        exam: 'KCSE',
        activity: 'SI',
      }),
    );
    const result = await importVacancies(db, csv);
    expect(result.inserted).toBe(0);
    expect(result.errors).toEqual([
      'line 3: unknown exam "KXYZ"',
      'line 4: unknown duty station "S9"',
      'line 4: positions "0" must be a whole number from 1 to 100000',
      'line 4: status "shut" must be open or closed',
      'line 5: opens_at "2026-13-01 08:00" is not a date and time: write it as 2026-12-01 08:00 (Nairobi time) or 2026-12-01T05:00Z',
      'line 5: closes_at "2027-01-31" is not a date and time: write it as 2026-12-01 08:00 (Nairobi time) or 2026-12-01T05:00Z',
      'line 6: closes_at must be after opens_at',
      'line 7: vacancy N1 is also on line 2',
      'line 8: vacancy inv1 has applications: its exam and activity must stay KCSE and SI',
    ]);
    expect(await db('vacancies').orderBy('id')).toEqual(before);
  });

  test('vacancies: a good file is upserted by code; the same file again changes nothing', async () => {
    const csv = [
      VACANCY_HEADER,
      'N1,KCSE,SI,S1,INV,3,2026-12-01 08:00,2027-01-31 17:00,open',
      'inv2,KCSE,SI,S2,INV,7,2026-11-01T05:00:00Z,2027-01-31T14:00:00+03:00,closed',
    ].join('\n');
    const progress: number[] = [];
    expect(await importVacancies(db, csv, { onProgress: (d) => progress.push(d) })).toEqual({
      inserted: 2,
      errors: [],
    });
    const after = await db('vacancies').orderBy('id');
    expect(after.find((v) => v.code === 'inv2')).toMatchObject({ positions: 7, status: 'closed' });
    expect((after.find((v) => v.code === 'N1') as { opens_at: Date }).opens_at.toISOString()).toBe(
      '2026-12-01T05:00:00.000Z',
    );
    await importVacancies(db, csv);
    expect(await db('vacancies').orderBy('id')).toEqual(after);
  });

  test('duty stations: unknown type, county, or a sub-county of another county are line errors', async () => {
    const csv = [
      'code,name,type,county_code,sub_county',
      'S9,Echo School,exam_centre,047,westlands',
      'S10,Foxtrot School,school,047,Westlands',
      'S11,Golf School,exam_centre,099,Westlands',
      'S12,Hotel School,exam_centre,042,Westlands',
      'S13,St Mary\u2019s School,exam_centre,042,Seme',
    ].join('\n');
    const result = await importDutyStations(db, csv);
    expect(result.errors).toEqual([
      'line 3: type "school" must be one of distribution_centre, exam_centre, marking_centre',
      'line 4: unknown county code "099"',
      'line 5: sub-county "Westlands" is not in county 042',
      expect.stringMatching(/^line 6: name "St Mary.s School" has characters outside GSM-7/),
    ]);
    expect(await count('duty_stations')).toBe(4);
    const good = await importDutyStations(db, csv.split('\n').slice(0, 2).join('\n'));
    expect(good).toEqual({ inserted: 1, errors: [] });
    expect(await db('duty_stations').where({ code: 'S9' }).first('name', 'county_code')).toEqual({
      name: 'Echo School',
      county_code: '047',
    });
  });

  test('lists and deployments: header, codes and duplicates checked; deployments added once', async () => {
    expect((await importExams(db, 'code,title\nKCSE,KCSE')).errors).toEqual([
      'line 1: the header must be code,name (optionally with name_sw) (found code,title)',
    ]);
    expect((await importExams(db, 'code,name\nK CSE,X\nKNEC,\nKNEC,Other')).errors).toEqual([
      'line 2: exam code "K CSE" must be 1 to 24 letters, digits, _ . or - (starting with a letter or digit)',
      'line 3: name is empty',
      'line 4: exam KNEC is also on line 3',
    ]);
    const deployments = 'national_id,duty_station,year\n12345678,S1,2024\n1234,S1,2024\n12345678,S1,2024\n';
    expect((await importDeployments(TEST_CIPHER)(db, deployments)).errors).toEqual([
      'line 3: national ID "1234" must be 7 or 8 digits',
      'line 4: deployment 12345678 at S1 in 2024 is also on line 2',
    ]);
    expect(await count('deployments')).toBe(0);
    const good = 'national_id,duty_station,year\n12345678,S1,2024\n12345678,S1,2025\n';
    expect(await importDeployments(TEST_CIPHER)(db, good)).toEqual({ inserted: 2, errors: [] });
    expect(await importDeployments(TEST_CIPHER)(db, good)).toEqual({ inserted: 2, errors: [] });
    expect(await count('deployments')).toBe(2);
  });

  test('npm run import -- vacancies: errors on stderr, exit 1, nothing loaded', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cp2-vacancies-'));
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, `${VACANCY_HEADER}\nN1,KXYZ,SI,S1,INV,3,2026-12-01 08:00,2027-01-31 17:00,open\n`);
    const { REDIS_URL: _r, ...env } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', 'vacancies', file], {
      cwd: ROOT,
      env: { ...env, DATABASE_URL: url },
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toContain('line 2: unknown exam "KXYZ"\n');
    expect(stderr).toContain(`1 error(s) in ${file}: nothing was loaded`);
    expect(code).toBe(1);
    expect(await count('vacancies')).toBe(9);
  });
});

describe('a season-sized file, read as a stream', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cp2-deployments-'));
  const HEADER = 'national_id,duty_station,year';
  /** Deployments of `n` people at a demo station in 2024, one a line from line 2. */
  const rows = (n: number) => Array.from({ length: n }, (_, i) => `${30_000_000 + i},NBI-EC01,2024`);

  function importFile(name: string, lines: string[]) {
    const file = path.join(dir, name);
    writeFileSync(file, [HEADER, ...lines].join('\n'));
    const { REDIS_URL: _r, ...env } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', 'deployments', file], {
      cwd: ROOT,
      env: { ...env, DATABASE_URL: url },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    return new Promise<{ code: number | null; stdout: string; stderr: string; file: string }>((resolve) =>
      child.on('close', (code) => resolve({ code, stdout, stderr, file })),
    );
  }

  test('a duplicate far from its first line is found; nothing loaded', async () => {
    const lines = rows(20_000);
    lines.push(lines[0] as string);
    const result = await importFile('duplicate.csv', lines);
    expect(result.stderr).toContain(
      'line 20002: deployment 30000000 at NBI-EC01 in 2024 is also on line 2\n',
    );
    expect(result.stderr).toContain(`1 error(s) in ${result.file}: nothing was loaded`);
    expect(result.code).toBe(1);
    expect(await count('deployments')).toBe(0);
  });

  test('a file wrong throughout lists its first 1,000 errors and counts the others', async () => {
    const lines = rows(20_000);
    for (let i = 0; i < 1500; i++) lines[i * 10] = `${i},NBI-EC01,2024`;
    const result = await importFile('wrong.csv', lines);
    const listed = result.stderr.split('\n').filter((l) => /^line \d+: /.test(l));
    expect(listed).toHaveLength(1000);
    expect(listed[0]).toBe('line 2: national ID "0" must be 7 or 8 digits');
    expect(listed[999]).toBe('line 9992: national ID "999" must be 7 or 8 digits');
    expect(result.stderr).toContain('… and 500 more error(s), not listed\n');
    expect(result.stderr).toContain(`1500 error(s) in ${result.file}: nothing was loaded`);
    expect(result.code).toBe(1);
    expect(await count('deployments')).toBe(0);
  });

  test('a good file is loaded whole, in one transaction', async () => {
    const result = await importFile('good.csv', rows(20_000));
    expect(result.stdout).toContain('validated 20000 rows');
    expect(result.stdout).toContain('loaded 20000 deployments');
    expect(result.code).toBe(0);
    expect(await count('deployments')).toBe(20_000);
  });
});

test('times without a zone are Nairobi time; impossible dates are refused', () => {
  expect(parseTime('2026-12-01 08:00')?.toISOString()).toBe('2026-12-01T05:00:00.000Z');
  expect(parseTime('2026-12-01T08:00:30+0100')?.toISOString()).toBe('2026-12-01T07:00:30.000Z');
  expect(parseTime('2026-02-30 08:00')).toBeUndefined();
  expect(parseTime('2026-12-01 24:00')).toBeUndefined();
  expect(parseTime('1/12/2026')).toBeUndefined();
});

test('a sub-counties import cannot drop a sub-county a duty station refers to', async () => {
  const current = (await db('sub_counties').select('county_code', 'name').orderBy('id')) as {
    county_code: string;
    name: string;
  }[];
  const csv = [
    'county_code,name',
    ...current.filter((s) => s.name !== 'Dagoretti North').map((s) => `${s.county_code},${s.name}`),
  ];
  const result = await importSubCounties(db, csv.join('\n'));
  expect(result.errors).toEqual([
    expect.stringMatching(
      /^sub-county "Dagoretti North" of county 047 is missing from the file but \d+ duty station/,
    ),
  ]);
  expect(await db('sub_counties').where({ name: 'Dagoretti North' })).toHaveLength(1);
});
