// `npm run import -- <kind> <file>` as an operator runs it, against a fresh database (DATABASE_URL).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshDatabase } from '../support/databases';
import { clearVacancies } from '../vacancies/fixtures';

jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..', '..');
const CODES = Array.from({ length: 47 }, (_, i) => String(i + 1).padStart(3, '0'));
const dir = mkdtempSync(path.join(tmpdir(), 'cp2-import-'));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

function runImport(
  databaseUrl: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { REDIS_URL: _r, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
    cwd: ROOT,
    env: { ...env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
  // The demo vacancies refer to sub-counties: these tests replace the place lists.
  await clearVacancies(database.db);
});
afterAll(() => database.drop());

const rows = () => database.db('sub_counties').select('id', 'county_code', 'name').orderBy('id');

test('a file with bad rows: line errors, exit 1, nothing loaded', async () => {
  const before = await rows();
  const bad = file(
    'bad.csv',
    ['county_code,name', '001,Nyali', '48,Nowhere', '001,Nyali', ...CODES.slice(1).map((c) => `${c},X`)].join(
      '\n',
    ),
  );
  const result = await runImport(database.url, 'sub-counties', bad);
  expect(result.stderr).toContain('line 3: county code "48" must be three digits (001 to 047)\n');
  expect(result.stderr).toContain('line 4: sub-county "Nyali" of county 001 is also on line 2\n');
  expect(result.stderr).toContain(`2 error(s) in ${bad}: nothing was loaded`);
  expect(result.code).toBe(1);
  expect(await rows()).toEqual(before);
});

test('a good file: loaded, exit 0; the same file again leaves the table as it was', async () => {
  const good = file(
    'good.csv',
    ['county_code,name', ...CODES.map((c) => `${c},Council ${c}`)].join('\n') + '\n',
  );
  const first = await runImport(database.url, 'sub-counties', good);
  expect(first.stdout).toContain('reference data present: 47 counties');
  expect(first.stdout).toContain(`loaded 47 sub-counties from ${good}`);
  expect(first.code).toBe(0);
  const loaded = await rows();
  expect(loaded.map((r) => r.name)).toEqual(CODES.map((c) => `Council ${c}`));

  const again = await runImport(database.url, 'sub-counties', good);
  expect(again.code).toBe(0);
  expect(await rows()).toEqual(loaded);
});

test('counties, and usage errors', async () => {
  const counties = file('counties.csv', 'code,name\n047,Nairobi City\n');
  const result = await runImport(database.url, 'counties', counties);
  expect(result.stdout).toContain('loaded 1 counties');
  expect(result.code).toBe(0);
  expect(await database.db('counties').where({ code: '047' }).first('name')).toEqual({
    name: 'Nairobi City',
  });

  const unknown = await runImport(database.url, 'wards', counties);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('unknown kind "wards"');
  expect(unknown.stderr).toContain('sub-counties');
  const missing = await runImport(database.url, 'counties', path.join(dir, 'no-such.csv'));
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('cannot read');
});

test('a file far longer than any list of places is refused after its 10,000th row, nothing loaded', async () => {
  const before = await rows();
  const long = file(
    'long.csv',
    ['county_code,name', ...Array.from({ length: 10_500 }, (_, i) => `${CODES[i % 47]},Place ${i}`)].join(
      '\n',
    ),
  );
  const result = await runImport(database.url, 'sub-counties', long);
  expect(result.stderr).toContain('line 10002: the file has more than 10000 rows: is it the right file?\n');
  expect(result.stderr).toContain(`1 error(s) in ${long}: nothing was loaded`);
  expect(result.code).toBe(1);
  expect(await rows()).toEqual(before);
});
