// One zod schema per row kind (src/domain/row-schemas.ts), shared by the CLI import and the admin API:
// the same row breaks the same rule with the same words in both, and a rule relative to its field reads
// as a sentence on a CSV line.
import { lineMessage } from '../../src/domain/csv-import';
import { countyRow, deploymentRow, namedRow, vacancyRow } from '../../src/domain/row-schemas';
import { createBody } from '../../src/http/admin/vacancies';

const vacancy = {
  code: 'V1',
  exam: 'KCSE',
  activity: 'SI',
  duty_station: 'S1',
  position: 'INV',
  positions: '3',
  opens_at: '2026-12-01 08:00',
  closes_at: '2027-01-31 17:00',
  status: 'open',
};

const messages = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${String(i.path[0])}: ${i.message}`);

test('a CSV vacancy row: positions a whole number as text, times as the operator writes them', () => {
  const parsed = vacancyRow.parse(vacancy);
  expect(parsed).toMatchObject({ positions: 3, status: 'open' });
  expect(parsed.opens_at.toISOString()).toBe('2026-12-01T05:00:00.000Z');
  expect(
    messages(
      vacancyRow.safeParse({ ...vacancy, code: 'bad code', positions: '2.5', opens_at: 'soon', status: 'x' }),
    ),
  ).toEqual([
    'code: vacancy code "bad code" must be 1 to 24 letters, digits, _ . or - (starting with a letter or digit)',
    'positions: positions "2.5" must be a whole number from 1 to 100000',
    'opens_at: opens_at "soon" is not a date and time: write it as 2026-12-01 08:00 (Nairobi time) or 2026-12-01T05:00Z',
    'status: status "x" must be open or closed',
  ]);
});

test("the admin API's create body is the same row (JSON numbers, status optional), with the same words", () => {
  const { status: _s, ...json } = { ...vacancy, positions: 3 };
  expect(createBody.parse(json)).toMatchObject({ positions: 3 });
  expect(createBody.parse(json).status).toBeUndefined();
  expect(messages(createBody.safeParse({ ...json, positions: 0, extra: 1 }))).toEqual([
    'positions: positions "0" must be a whole number from 1 to 100000',
    expect.stringMatching(/^undefined: .*extra/),
  ]);
  expect(messages(vacancyRow.safeParse({ ...vacancy, positions: '0' }))).toEqual([
    'positions: positions "0" must be a whole number from 1 to 100000',
  ]);
});

test('the other kinds: counties, named lists, deployments', () => {
  expect(messages(countyRow.safeParse({ code: '48', name: 'X' }))).toEqual([
    'code: county code "48" must be three digits (001 to 047)',
  ]);
  expect(messages(countyRow.safeParse({ code: '048', name: '' }))).toEqual([
    'code: county code 048 is not an official county code (001 to 047)',
    'name: name is empty',
  ]);
  expect(namedRow('exam').parse({ code: 'KCSE', name: 'KCSE' })).toEqual({ code: 'KCSE', name: 'KCSE' });
  expect(namedRow('exam').parse({ code: 'KCSE', name: 'KCSE', name_sw: '' })).toEqual({
    code: 'KCSE',
    name: 'KCSE',
    name_sw: '',
  });
  expect(
    messages(deploymentRow.safeParse({ national_id: '1234', duty_station: 'S1', year: '1989' })),
  ).toEqual([
    'national_id: national ID "1234" must be 7 or 8 digits',
    expect.stringMatching(/^year: year "1989" must be from 1990 to \d{4}$/),
  ]);
});

test('a rule relative to its field names the field on a CSV line; the others name it themselves', () => {
  expect(lineMessage({ path: 'closes_at', message: 'must be after opens_at' })).toBe(
    'closes_at must be after opens_at',
  );
  expect(lineMessage({ path: 'exam', message: 'unknown exam "X"' })).toBe('unknown exam "X"');
});
