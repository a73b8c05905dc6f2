// POST /ussd/events (AT's end-of-session notification) against hostile and malformed bodies, one row each,
// through real HTTP (courier-style table): the answer, and what `ussd_sessions` holds afterwards.
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app';
import { randomPhone } from '../support/ussd-phone';
import { FORM, JSON_TYPE, KB5, counts, form, formWithBadBytes, json, post, raw, type Body } from './bodies';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

type Ids = { sid: string; phone: string };
type Fields = Record<string, unknown>;
/** A notification as AT sends it (`input` is the user's last entry; `lastAppResponse` our last screen). */
const event = (s: Ids, over: Fields = {}): Fields => ({
  sessionId: s.sid,
  serviceCode: '*384*22262#',
  networkCode: '63902',
  phoneNumber: s.phone,
  status: 'Success',
  cost: 'KES 0.00',
  durationInMillis: '12000',
  hopsCount: '3',
  input: '1',
  lastAppResponse: 'END Thank you',
  date: '2026-11-30 10:00:00.000',
  ...over,
});
const formOf = (f: Fields) => form(f as Record<string, string | string[]>);

type Stored = {
  session_id: string;
  phone: string | null;
  status: string | null;
  hops: number | null;
  duration_ms: number | null;
  error_message: string | null;
};
type Row = { name: string; body: (s: Ids) => Body; expect: 400 | ((s: Ids) => Partial<Stored>) };

const asSent = (s: Ids): Partial<Stored> => ({
  session_id: s.sid,
  phone: s.phone,
  status: 'Success',
  hops: 3,
  duration_ms: 12000,
  error_message: null,
});

const rows: Row[] = [
  { name: 'a well-formed form', body: (s) => formOf(event(s)), expect: asSent },
  {
    name: 'JSON instead of a form',
    body: (s) => json(event(s, { hopsCount: 3, durationInMillis: 12000 })),
    expect: asSent,
  },
  {
    name: 'only a sessionId',
    body: (s) => form({ sessionId: s.sid }),
    expect: (s) => ({ session_id: s.sid, phone: null, status: null, hops: null }),
  },
  {
    name: 'a phoneNumber that is no phone',
    body: (s) => formOf(event(s, { phoneNumber: 'abc' })),
    expect: (s) => ({ ...asSent(s), phone: null }),
  },
  {
    name: 'an errorMessage',
    body: (s) => formOf(event(s, { status: 'Failed', errorMessage: 'Timed out' })),
    expect: (s) => ({ ...asSent(s), status: 'Failed', error_message: 'Timed out' }),
  },
  // Missing, empty
  { name: 'an empty form', body: () => raw(''), expect: 400 },
  { name: 'an empty body without a content type', body: () => raw('', undefined), expect: 400 },
  { name: 'no sessionId', body: (s) => formOf(event(s, { sessionId: undefined })), expect: 400 },
  { name: 'a blank sessionId', body: (s) => formOf(event(s, { sessionId: ' ' })), expect: 400 },
  // Control characters: AT's fields with one are refused; the user's `input` is not read at all
  { name: 'a NUL in sessionId', body: (s) => formOf(event(s, { sessionId: `${s.sid}\u0000` })), expect: 400 },
  { name: 'a NUL in status', body: (s) => formOf(event(s, { status: 'Succ\u0000ess' })), expect: 400 },
  {
    name: 'a NUL in errorMessage',
    body: (s) => formOf(event(s, { errorMessage: 'Timed\u0000out' })),
    expect: 400,
  },
  {
    name: 'a NUL in phoneNumber',
    body: (s) => formOf(event(s, { phoneNumber: `${s.phone}\u0000` })),
    expect: 400,
  },
  { name: 'an ESC in status', body: (s) => formOf(event(s, { status: '\u001b[31mSuccess' })), expect: 400 },
  {
    name: 'a C1 control in errorMessage',
    body: (s) => formOf(event(s, { errorMessage: 'x\u009b' })),
    expect: 400,
  },
  {
    name: 'a line break ending status',
    body: (s) => formOf(event(s, { status: 'Success\r\n' })),
    expect: 400,
  },
  {
    name: 'a NUL in input (not read)',
    body: (s) => formOf(event(s, { input: '12\u000034' })),
    expect: asSent,
  },
  {
    name: 'a NUL in lastAppResponse (not read)',
    body: (s) => formOf(event(s, { lastAppResponse: '\u0000' })),
    expect: asSent,
  },
  // Lone surrogates
  {
    name: 'a lone surrogate in sessionId',
    body: (s) => json(event(s, { sessionId: `${s.sid}\udc00` })),
    expect: 400,
  },
  { name: 'a lone surrogate in status', body: (s) => json(event(s, { status: '\ud800' })), expect: 400 },
  {
    name: 'a lone surrogate in errorMessage',
    body: (s) => json(event(s, { errorMessage: 'a\ud800b' })),
    expect: 400,
  },
  {
    name: 'a lone surrogate in input (not read)',
    body: (s) => json(event(s, { input: '\ud800' })),
    expect: asSent,
  },
  // 5 kB fields
  { name: 'a 5 kB sessionId', body: (s) => formOf(event(s, { sessionId: KB5 })), expect: 400 },
  { name: 'a 5 kB status', body: (s) => formOf(event(s, { status: KB5 })), expect: 400 },
  { name: 'a 5 kB errorMessage', body: (s) => formOf(event(s, { errorMessage: KB5 })), expect: 400 },
  { name: 'a 5 kB phoneNumber', body: (s) => formOf(event(s, { phoneNumber: KB5 })), expect: 400 },
  { name: 'a 5 kB input (not read)', body: (s) => formOf(event(s, { input: KB5 })), expect: asSent },
  { name: 'a 20 kB form', body: (s) => formOf(event(s, { input: 'i'.repeat(20_000) })), expect: 400 },
  { name: 'a 20 kB JSON body', body: (s) => json(event(s, { input: 'i'.repeat(20_000) })), expect: 400 },
  // Counts
  { name: 'hopsCount not a number', body: (s) => formOf(event(s, { hopsCount: 'abc' })), expect: 400 },
  { name: 'hopsCount negative', body: (s) => formOf(event(s, { hopsCount: '-1' })), expect: 400 },
  { name: 'hopsCount fractional', body: (s) => formOf(event(s, { hopsCount: '1.5' })), expect: 400 },
  { name: 'hopsCount empty', body: (s) => formOf(event(s, { hopsCount: '' })), expect: 400 },
  { name: 'hopsCount twice', body: (s) => formOf(event(s, { hopsCount: ['3', '3'] })), expect: 400 },
  { name: 'JSON: hopsCount an array', body: (s) => json(event(s, { hopsCount: [3] })), expect: 400 },
  { name: 'JSON: hopsCount true', body: (s) => json(event(s, { hopsCount: true })), expect: 400 },
  {
    name: 'durationInMillis past its bound',
    body: (s) => formOf(event(s, { durationInMillis: '9999999999' })),
    expect: 400,
  },
  // Wrong types
  {
    name: 'sessionId twice (an array)',
    body: (s) => formOf(event(s, { sessionId: [s.sid, s.sid] })),
    expect: 400,
  },
  { name: 'status twice', body: (s) => formOf(event(s, { status: ['Success', 'Failed'] })), expect: 400 },
  { name: 'sessionId[x]= (an object)', body: () => raw('sessionId[x]=1&status=Success'), expect: 400 },
  {
    name: 'JSON: sessionId an object',
    body: (s) => json(event(s, { sessionId: { id: s.sid } })),
    expect: 400,
  },
  { name: 'JSON: sessionId a number', body: (s) => json(event(s, { sessionId: 42 })), expect: 400 },
  { name: 'JSON: status a number', body: (s) => json(event(s, { status: 1 })), expect: 400 },
  { name: 'JSON: an array', body: (s) => json([event(s)]), expect: 400 },
  { name: 'JSON: null', body: () => raw('null', JSON_TYPE), expect: 400 },
  // Encodings
  { name: 'JSON sent as a form', body: (s) => raw(JSON.stringify(event(s)), FORM), expect: 400 },
  { name: 'a form sent as JSON', body: (s) => raw(formOf(event(s)).data, JSON_TYPE), expect: 400 },
  { name: 'broken JSON', body: (s) => raw(`{"sessionId":"${s.sid}"`, JSON_TYPE), expect: 400 },
  {
    name: 'bytes that are not UTF-8 in errorMessage',
    body: (s) => formWithBadBytes('errorMessage', { sessionId: s.sid, status: 'Failed' }),
    expect: (s) => ({ session_id: s.sid, status: 'Failed', error_message: '\ufffd\ufffdA' }),
  },
  {
    name: 'bytes that are not UTF-8 in input (not read)',
    body: (s) => formWithBadBytes('input', { sessionId: s.sid, status: 'Success' }),
    expect: (s) => ({ session_id: s.sid, status: 'Success' }),
  },
];

test.each(rows)('$name', async (row) => {
  const ids = { sid: `ATUid_${randomUUID()}`, phone: randomPhone() };
  const before = await counts(app.db, ['ussd_sessions']);
  const res = await post(app.url, '/ussd/events', row.body(ids));
  const stored = (await app.db('ussd_sessions').where({ session_id: ids.sid }).first()) as Stored | undefined;
  if (row.expect === 400) {
    expect(res).toEqual({ status: 400, text: 'Bad request' });
    expect(stored).toBeUndefined();
    expect(await counts(app.db, ['ussd_sessions'])).toEqual(before);
    return;
  }
  expect(res).toEqual({ status: 200, text: 'OK' });
  expect(stored).toMatchObject(row.expect(ids));
});
