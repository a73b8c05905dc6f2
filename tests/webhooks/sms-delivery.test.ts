// POST /sms/delivery (AT's delivery report) against hostile and malformed bodies, one row each, through
// real HTTP (courier-style table): the answer and the `sms_delivery_reports` row kept. The reports here
// are for ids no message has, so nothing is applied; applying is tests/sms/delivery-reports.test.ts.
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app';
import { FORM, JSON_TYPE, KB5, counts, form, formWithBadBytes, json, post, raw, type Body } from './bodies';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ relay: false });
});
afterAll(() => app.close());

type Fields = Record<string, unknown>;
const dlr = (id: string, over: Fields = {}): Fields => ({
  id,
  status: 'Failed',
  phoneNumber: '+254711000001',
  networkCode: '63902',
  failureReason: 'UserInBlacklist',
  retryCount: '0',
  ...over,
});
const formOf = (f: Fields) => form(f as Record<string, string | string[]>);

type Stored = {
  status: string;
  failure_reason: string | null;
  payload: Record<string, unknown>;
  applied: boolean;
};
type Row = { name: string; body: (id: string) => Body; expect: 400 | Partial<Stored> };

const kept: Partial<Stored> = { status: 'Failed', failure_reason: 'UserInBlacklist', applied: false };

const rows: Row[] = [
  { name: 'a well-formed form', body: (id) => formOf(dlr(id)), expect: kept },
  { name: 'JSON instead of a form', body: (id) => json(dlr(id, { retryCount: 0 })), expect: kept },
  {
    name: 'only id and status',
    body: (id) => form({ id, status: 'Success' }),
    expect: { status: 'Success', failure_reason: null },
  },
  {
    name: 'a status AT does not document',
    body: (id) => formOf(dlr(id, { status: 'Teleported' })),
    expect: { status: 'Teleported', applied: false },
  },
  // Missing, empty, blank
  { name: 'an empty form', body: () => raw(''), expect: 400 },
  { name: 'an empty body without a content type', body: () => raw('', undefined), expect: 400 },
  { name: 'no id', body: (id) => formOf(dlr(id, { id: undefined })), expect: 400 },
  { name: 'an empty id', body: (id) => formOf(dlr(id, { id: '' })), expect: 400 },
  { name: 'a blank id', body: (id) => formOf(dlr(id, { id: '   ' })), expect: 400 },
  { name: 'no status', body: (id) => formOf(dlr(id, { status: undefined })), expect: 400 },
  // Control characters
  { name: 'a NUL in id', body: (id) => formOf(dlr(id, { id: `${id}\u0000` })), expect: 400 },
  { name: 'a NUL in status', body: (id) => formOf(dlr(id, { status: 'Fail\u0000ed' })), expect: 400 },
  { name: 'a NUL in phoneNumber', body: (id) => formOf(dlr(id, { phoneNumber: '\u0000' })), expect: 400 },
  {
    name: 'a NUL in networkCode',
    body: (id) => formOf(dlr(id, { networkCode: '63902\u0000' })),
    expect: 400,
  },
  {
    name: 'a NUL in failureReason',
    body: (id) => formOf(dlr(id, { failureReason: 'User\u0000' })),
    expect: 400,
  },
  { name: 'a NUL in retryCount', body: (id) => formOf(dlr(id, { retryCount: '1\u0000' })), expect: 400 },
  {
    name: 'an ESC in failureReason',
    body: (id) => formOf(dlr(id, { failureReason: '\u001b[0m' })),
    expect: 400,
  },
  { name: 'a C1 control in status', body: (id) => formOf(dlr(id, { status: 'Failed\u009c' })), expect: 400 },
  { name: 'a tab ending id', body: (id) => formOf(dlr(id, { id: `${id}\t` })), expect: 400 },
  // Lone surrogates (Postgres refuses one in jsonb: this was a 500)
  { name: 'a lone surrogate in id', body: (id) => json(dlr(id, { id: `${id}\ud800` })), expect: 400 },
  { name: 'a lone surrogate in status', body: (id) => json(dlr(id, { status: '\udfff' })), expect: 400 },
  {
    name: 'a lone surrogate in failureReason',
    body: (id) => json(dlr(id, { failureReason: 'x\ud83d' })),
    expect: 400,
  },
  {
    name: 'a lone surrogate in networkCode',
    body: (id) => json(dlr(id, { networkCode: '\ud800' })),
    expect: 400,
  },
  // Lengths
  {
    name: 'an id longer than 64',
    body: (id) => formOf(dlr(id, { id: `${id}${'x'.repeat(64)}` })),
    expect: 400,
  },
  { name: 'a status longer than 16', body: (id) => formOf(dlr(id, { status: 'S'.repeat(17) })), expect: 400 },
  { name: 'a 5 kB id', body: (id) => formOf(dlr(id, { id: KB5 })), expect: 400 },
  { name: 'a 5 kB failureReason', body: (id) => formOf(dlr(id, { failureReason: KB5 })), expect: 400 },
  { name: 'a 5 kB phoneNumber', body: (id) => formOf(dlr(id, { phoneNumber: KB5 })), expect: 400 },
  { name: 'a 20 kB form', body: (id) => formOf(dlr(id, { pad: 'p'.repeat(20_000) })), expect: 400 },
  { name: 'a 20 kB JSON body', body: (id) => json(dlr(id, { pad: 'p'.repeat(20_000) })), expect: 400 },
  // Counts
  { name: 'a non-numeric retryCount', body: (id) => formOf(dlr(id, { retryCount: 'abc' })), expect: 400 },
  { name: 'a negative retryCount', body: (id) => formOf(dlr(id, { retryCount: '-1' })), expect: 400 },
  { name: 'a fractional retryCount', body: (id) => formOf(dlr(id, { retryCount: '1.5' })), expect: 400 },
  { name: 'an empty retryCount', body: (id) => formOf(dlr(id, { retryCount: '' })), expect: 400 },
  { name: 'JSON: retryCount an array', body: (id) => json(dlr(id, { retryCount: [1] })), expect: 400 },
  { name: 'JSON: retryCount true', body: (id) => json(dlr(id, { retryCount: true })), expect: 400 },
  // Wrong types
  { name: 'id twice (an array)', body: (id) => formOf(dlr(id, { id: [id, `${id}b`] })), expect: 400 },
  { name: 'status twice', body: (id) => formOf(dlr(id, { status: ['Success', 'Failed'] })), expect: 400 },
  { name: 'retryCount twice', body: (id) => formOf(dlr(id, { retryCount: ['1', '1'] })), expect: 400 },
  { name: 'status[x]= (an object)', body: (id) => raw(`id=${id}&status[x]=Success`), expect: 400 },
  { name: 'JSON: id a number', body: (id) => json(dlr(id, { id: 123 })), expect: 400 },
  { name: 'JSON: status an object', body: (id) => json(dlr(id, { status: { $ne: '' } })), expect: 400 },
  { name: 'JSON: an array', body: (id) => json([dlr(id)]), expect: 400 },
  { name: 'JSON: a string', body: (id) => json(id), expect: 400 },
  { name: 'JSON: null', body: () => raw('null', JSON_TYPE), expect: 400 },
  // Encodings
  { name: 'JSON sent as a form', body: (id) => raw(JSON.stringify(dlr(id)), FORM), expect: 400 },
  { name: 'a form sent as JSON', body: (id) => raw(formOf(dlr(id)).data, JSON_TYPE), expect: 400 },
  { name: 'broken JSON', body: (id) => raw(`{"id":"${id}","status":`, JSON_TYPE), expect: 400 },
  {
    name: 'bytes that are not UTF-8 in failureReason',
    body: (id) => formWithBadBytes('failureReason', { id, status: 'Failed' }),
    expect: { status: 'Failed', failure_reason: '\ufffd\ufffdA' },
  },
];

test.each(rows)('$name', async (row) => {
  const id = `ATXid_${randomUUID()}`;
  const before = await counts(app.db, ['sms_delivery_reports']);
  const res = await post(app.url, '/sms/delivery', row.body(id));
  const stored = (await app.db('sms_delivery_reports').where({ provider_message_id: id })) as Stored[];
  if (row.expect === 400) {
    expect(res).toEqual({ status: 400, text: 'Bad request' });
    expect(stored).toEqual([]);
    expect(await counts(app.db, ['sms_delivery_reports'])).toEqual(before);
    return;
  }
  expect(res).toEqual({ status: 200, text: 'OK' });
  expect(stored).toEqual([expect.objectContaining(row.expect)]);
  // The phone number is not kept with the report.
  expect(stored[0]?.payload).not.toHaveProperty('phoneNumber');
});
