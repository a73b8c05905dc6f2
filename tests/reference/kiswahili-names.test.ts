// Kiswahili names of the reference lists (issue 10): the optional `name_sw` column of the exams,
// activities and positions imports, checked as `name` is, stored, kept by a file without the column,
// and shown to Kiswahili users (falling back to `name` when there is none). Against a fresh database
// with the demo set; the CLI as an operator runs it.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/db/knex';
import { createApplications } from '../../src/domain/applications';
import { createVacancies } from '../../src/domain/vacancies';
import { importActivities, importExams, importPositions } from '../../src/domain/vacancy-import';
import { freshDatabase } from '../support/databases';
import { applicant } from '../vacancies/fixtures';

jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..', '..');

let db: Db;
let url: string;
let drop: () => Promise<void>;
beforeEach(async () => {
  ({ db, url, drop } = await freshDatabase());
});
afterEach(() => drop());

const stored = async (table: string, code: string) =>
  (await db(table).where({ code }).first('name', 'name_sw')) as { name: string; name_sw: string | null };
const labels = async (level: 'exam' | 'activity' | 'stationType' | 'position', lang: 'en' | 'sw') =>
  (await createVacancies(db).choices(level, {}, lang)).map((c) => c.label);

test('the demo set and the migration carry the Kiswahili names; the exams have none', async () => {
  expect(await stored('positions', 'invigilator')).toEqual({
    name: 'Invigilator',
    name_sw: 'Mwangalizi (Invigilator)',
  });
  expect(await stored('activities', 'marking')).toEqual({ name: 'Marking', name_sw: 'Usahihishaji' });
  expect(await stored('station_types', 'exam_centre')).toEqual({
    name: 'Examination centre',
    name_sw: 'Kituo cha mtihani',
  });
  expect(await stored('exams', 'KCSE')).toEqual({ name: 'KCSE', name_sw: null });
  expect(await labels('stationType', 'sw')).toEqual([
    'Kituo cha mtihani',
    'Kituo cha usahihishaji',
    'Kituo cha usambazaji',
  ]);
  expect(await labels('exam', 'sw')).toEqual(await labels('exam', 'en'));
});

test('an import with name_sw stores it; Kiswahili users see it, English users the name', async () => {
  const csv = 'code,name,name_sw\nsupervisor,Supervisor,Msimamizi mkuu\ndriver,Driver,\n';
  expect(await importPositions(db, csv)).toEqual({ inserted: 2, errors: [] });
  expect(await stored('positions', 'supervisor')).toEqual({ name: 'Supervisor', name_sw: 'Msimamizi mkuu' });
  // An empty cell is "none": stored as null, and the name is shown.
  expect(await stored('positions', 'driver')).toEqual({ name: 'Driver', name_sw: null });
  const sw = await labels('position', 'sw');
  expect(sw).toContain('Msimamizi mkuu');
  expect(sw).toContain('Driver');
  expect(sw).not.toContain('Supervisor');
  const en = await labels('position', 'en');
  expect(en).toContain('Supervisor');
  expect(en).not.toContain('Msimamizi mkuu');

  const vacancy = (await db('vacancies').where({ position: 'supervisor' }).first('id')) as { id: number };
  const details = await createVacancies(db).details(vacancy.id, 'sw');
  expect(details?.position).toBe('Msimamizi mkuu');
  expect((await createVacancies(db).details(vacancy.id))?.position).toBe('Supervisor');
});

test('an import without the name_sw column keeps the stored Kiswahili names; a new row has none', async () => {
  const csv = 'code,name\nmarking,Marking of scripts\nresearch,Research\n';
  expect(await importActivities(db, csv)).toEqual({ inserted: 2, errors: [] });
  expect(await stored('activities', 'marking')).toEqual({
    name: 'Marking of scripts',
    name_sw: 'Usahihishaji',
  });
  expect(await stored('activities', 'research')).toEqual({ name: 'Research', name_sw: null });
  // The header may name the columns in any order and case.
  expect(await importExams(db, 'NAME_SW,Code,Name\nMtihani wa KCSE,KCSE,KCSE\n')).toEqual({
    inserted: 1,
    errors: [],
  });
  expect(await stored('exams', 'KCSE')).toEqual({ name: 'KCSE', name_sw: 'Mtihani wa KCSE' });
});

test('a name_sw outside GSM-7, too long or on two lines is refused like a name: line errors, nothing loaded', async () => {
  const long = 'M'.repeat(61);
  const csv = [
    'code,name,name_sw',
    'supervisor,Supervisor,Msimamizi “mkuu”',
    'driver,Driver,Dereva wa gari',
    `clerk,Clerk,${long}`,
    'examiner,Examiner,"Msahihishaji\nmkuu"',
    'centre_manager,Centre manager,Meneja wa kituo – mkuu',
  ].join('\n');
  const result = await importPositions(db, csv);
  expect(result.inserted).toBe(0);
  expect(result.errors).toEqual([
    'line 2: name_sw "Msimamizi “mkuu”" has characters outside GSM-7 (“ ”); write it as "Msimamizi "mkuu""',
    'line 4: name_sw is 61 characters long, at most 60',
    'line 5: name_sw must be on one line, without control characters',
    'line 7: name_sw "Meneja wa kituo – mkuu" has characters outside GSM-7 (–); write it as "Meneja wa kituo - mkuu"',
  ]);
  expect(await stored('positions', 'driver')).toEqual({ name: 'Driver', name_sw: 'Dereva' });
});

test('a header with a column that is neither required nor optional is refused, naming both', async () => {
  expect(
    (await importPositions(db, 'code,name,name_fr\nsupervisor,Supervisor,Superviseur\n')).errors,
  ).toEqual(['line 1: the header must be code,name (optionally with name_sw) (found code,name,name_fr)']);
  expect((await importPositions(db, 'code,name_sw\nsupervisor,Msimamizi\n')).errors).toEqual([
    'line 1: the header must be code,name (optionally with name_sw) (found code,name_sw)',
  ]);
});

test('the SMS that name a position (applied, approved, withdrawn, STATUS) name it in the language of the phone', async () => {
  const deps = { ussdCode: '*384*22262#', smsCode: '22262' };
  const apps = createApplications(db, deps);
  const vacancies = (await db('vacancies')
    .where({ position: 'invigilator', status: 'open' })
    .orderBy('id')
    .limit(1)
    .pluck('id')) as number[];
  const sent = async (phone: string) =>
    (
      (await db('outbound_sms').where({ to_phone: phone }).orderBy('id').select('template', 'params')) as {
        template: string;
        params: { position?: string };
      }[]
    ).map((m) => `${m.template} ${m.params.position}`);

  const sw = await applicant(db, '+254711000101', '11110101');
  await db('phone_preferences').insert({ phone: '+254711000101', language: 'sw' });
  const en = await applicant(db, '+254711000102', '11110102');
  const applied = await apps.apply(sw, vacancies[0] as number);
  expect(applied.status).toBe('submitted');
  expect((await apps.apply(en, vacancies[0] as number)).status).toBe('submitted');
  await apps.decide((applied as { applicationId: number }).applicationId, {
    decision: 'approve',
    actor: 'admin:test',
  });
  const enApplication = (await apps.list(en)).applications[0]?.id as number;
  expect((await apps.withdraw(en, enApplication, 'ussd:+254711000102')).status).toBe('withdrawn');

  expect(await sent('+254711000101')).toEqual([
    'sms.applicationSubmitted Mwangalizi (Invigilator)',
    'sms.applicationApproved Mwangalizi (Invigilator)',
  ]);
  expect(await sent('+254711000102')).toEqual([
    'sms.applicationSubmitted Invigilator',
    'sms.applicationWithdrawn Invigilator',
  ]);
  expect((await apps.recentForSms(sw, 'sw')).applications).toEqual([
    { exam: 'KCSE', position: 'Mwangalizi (Invigilator)', status: 'approved' },
  ]);
  expect((await apps.recentForSms(sw)).applications).toEqual([
    { exam: 'KCSE', position: 'Invigilator', status: 'approved' },
  ]);
  expect((await apps.list(sw, { lang: 'sw' })).applications.map((a) => a.position)).toEqual([
    'Mwangalizi (Invigilator)',
  ]);
  expect((await apps.list(sw)).applications.map((a) => a.position)).toEqual(['Invigilator']);
});

test('npm run import -- positions: the Kiswahili names load from the file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cp2-import-sw-'));
  const file = path.join(dir, 'positions.csv');
  writeFileSync(file, 'code,name,name_sw\nclerk,Clerk,Karani mkuu\nexaminer,Examiner,\n');
  const { REDIS_URL: _r, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', 'positions', file], {
    cwd: ROOT,
    env: { ...env, DATABASE_URL: url, LOG_LEVEL: 'info' },
  });
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).toBe(0);
  expect(stdout).toContain(`loaded 2 positions from ${file}`);
  expect(await stored('positions', 'clerk')).toEqual({ name: 'Clerk', name_sw: 'Karani mkuu' });
  expect(await stored('positions', 'examiner')).toEqual({ name: 'Examiner', name_sw: null });
});
