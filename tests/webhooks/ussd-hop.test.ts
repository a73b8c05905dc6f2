// POST /ussd against hostile and malformed bodies, one row each, through real HTTP (courier-style table).
// A refused body answers 400 "END Bad request" and leaves no session behind; what the user typed is
// cleaned (controls and lone surrogates removed) and answered like the clean text. Never a 5xx.
import { randomUUID } from 'node:crypto';
import { keys } from '../../src/engine/session-store';
import { startTestApp, type TestApp } from '../support/test-app';
import { randomPhone } from '../support/ussd-phone';
import { FORM, JSON_TYPE, KB5, counts, form, formWithBadBytes, json, post, raw, type Body } from './bodies';
import { displayPhone } from '../../src/domain/phone';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

type Ids = { sid: string; phone: string };
type Fields = Record<string, string | string[] | undefined>;
const hop = (s: Ids, over: Fields = {}): Fields => ({
  sessionId: s.sid,
  serviceCode: '*384*22262#',
  phoneNumber: s.phone,
  networkCode: '63902',
  text: '',
  ...over,
});

type Row = {
  name: string;
  body: (s: Ids) => Body;
  /** 400: refused, nothing kept. Fields: answered 200 with the screen the clean hop with these fields gets. */
  /** 400 refused; `notKenyan`: a polite END with 200 (AT shows a caller nothing for a 400); else a hop. */
  expect: 400 | 'notKenyan' | Fields;
};

const rows: Row[] = [
  // Missing, empty, blank
  { name: 'an empty form', body: () => raw(''), expect: 400 },
  { name: 'an empty body without a content type', body: () => raw('', undefined), expect: 400 },
  { name: 'no sessionId', body: (s) => form(hop(s, { sessionId: undefined })), expect: 400 },
  { name: 'no phoneNumber', body: (s) => form(hop(s, { phoneNumber: undefined })), expect: 400 },
  { name: 'a blank sessionId', body: (s) => form(hop(s, { sessionId: '   ' })), expect: 400 },
  {
    name: 'no text (first hop of some operators)',
    body: (s) => form(hop(s, { text: undefined })),
    expect: {},
  },
  // Control characters: refused in what AT fills in, removed from what the user typed
  { name: 'a NUL in sessionId', body: (s) => form(hop(s, { sessionId: `${s.sid}\u0000` })), expect: 400 },
  {
    name: 'a NUL in phoneNumber',
    body: (s) => form(hop(s, { phoneNumber: `${s.phone}\u0000` })),
    expect: 400,
  },
  { name: 'a NUL in serviceCode', body: (s) => form(hop(s, { serviceCode: '*384\u0000#' })), expect: 400 },
  { name: 'a NUL in networkCode', body: (s) => form(hop(s, { networkCode: '639\u000002' })), expect: 400 },
  { name: 'an ESC in sessionId', body: (s) => form(hop(s, { sessionId: `${s.sid}\u001b[2J` })), expect: 400 },
  { name: 'a DEL in serviceCode', body: (s) => form(hop(s, { serviceCode: '*384#\u007f' })), expect: 400 },
  {
    name: 'a C1 control in networkCode',
    body: (s) => form(hop(s, { networkCode: '63902\u0085' })),
    expect: 400,
  },
  {
    name: 'a line break trimming would hide',
    body: (s) => form(hop(s, { sessionId: `${s.sid}\n` })),
    expect: 400,
  },
  { name: 'a NUL as the whole text', body: (s) => form(hop(s, { text: '\u0000' })), expect: { text: '' } },
  { name: 'a NUL after an option', body: (s) => form(hop(s, { text: '1\u0000' })), expect: { text: '1' } },
  {
    name: 'C0, DEL and C1 in text',
    body: (s) => form(hop(s, { text: '\u00011\u007f\u0085' })),
    expect: { text: '1' },
  },
  { name: 'a NUL in a field we do not read', body: (s) => form(hop(s, { extra: '\u0000' })), expect: {} },
  // Lone surrogates (only JSON can carry one)
  {
    name: 'a lone surrogate in sessionId',
    body: (s) => json(hop(s, { sessionId: `${s.sid}\ud800` })),
    expect: 400,
  },
  {
    name: 'a lone surrogate in serviceCode',
    body: (s) => json(hop(s, { serviceCode: '*384#\udfff' })),
    expect: 400,
  },
  {
    name: 'a lone surrogate as the text',
    body: (s) => json(hop(s, { text: '\ud800' })),
    expect: { text: '' },
  },
  {
    name: 'a lone surrogate after an option',
    body: (s) => json(hop(s, { text: '1\ud83d' })),
    expect: { text: '1' },
  },
  // 5 kB fields
  { name: 'a 5 kB sessionId', body: (s) => form(hop(s, { sessionId: KB5 })), expect: 400 },
  { name: 'a 5 kB phoneNumber', body: (s) => form(hop(s, { phoneNumber: KB5 })), expect: 400 },
  { name: 'a 5 kB serviceCode', body: (s) => form(hop(s, { serviceCode: KB5 })), expect: 400 },
  { name: 'a 5 kB networkCode', body: (s) => form(hop(s, { networkCode: KB5 })), expect: 400 },
  // No real session's text comes near 2,000 characters; the bound caps the work one hop can ask for.
  { name: 'a 5 kB text', body: (s) => form(hop(s, { text: KB5 })), expect: 400 },
  { name: 'a 20 kB form', body: (s) => form(hop(s, { pad: 'p'.repeat(20_000) })), expect: 400 },
  { name: 'a 20 kB JSON body', body: (s) => json(hop(s, { pad: 'p'.repeat(20_000) })), expect: 400 },
  // Wrong types
  { name: 'sessionId twice (an array)', body: (s) => form(hop(s, { sessionId: [s.sid, 'b'] })), expect: 400 },
  { name: 'phoneNumber twice', body: (s) => form(hop(s, { phoneNumber: [s.phone, s.phone] })), expect: 400 },
  { name: 'text twice', body: (s) => form(hop(s, { text: ['1', '2'] })), expect: 400 },
  {
    name: 'sessionId[x]= (an object)',
    body: (s) => raw(`sessionId[x]=1&phoneNumber=${encodeURIComponent(s.phone)}`),
    expect: 400,
  },
  {
    name: 'sessionId.x= (an object)',
    body: (s) => raw(`sessionId.x=1&phoneNumber=${encodeURIComponent(s.phone)}`),
    expect: 400,
  },
  {
    name: 'JSON: sessionId an object',
    body: (s) => json({ ...hop(s), sessionId: { $ne: '' } }),
    expect: 400,
  },
  { name: 'JSON: sessionId a number', body: (s) => json({ ...hop(s), sessionId: 12345 }), expect: 400 },
  {
    name: 'JSON: phoneNumber a number',
    body: (s) => json({ ...hop(s), phoneNumber: 254711000001 }),
    expect: 400,
  },
  { name: 'JSON: text an array', body: (s) => json({ ...hop(s), text: ['1'] }), expect: 400 },
  { name: 'JSON: text null', body: (s) => json({ ...hop(s), text: null }), expect: 400 },
  { name: 'JSON: an array', body: (s) => json([hop(s)]), expect: 400 },
  { name: 'JSON: null', body: () => raw('null', JSON_TYPE), expect: 400 },
  { name: 'JSON: a string', body: () => json('sessionId'), expect: 400 },
  // Encodings
  { name: 'JSON instead of a form', body: (s) => json(hop(s, { text: '1' })), expect: { text: '1' } },
  { name: 'JSON sent as a form', body: (s) => raw(JSON.stringify(hop(s)), FORM), expect: 400 },
  { name: 'a form sent as JSON', body: (s) => raw(form(hop(s)).data, JSON_TYPE), expect: 400 },
  { name: 'broken JSON', body: (s) => raw(`{"sessionId":"${s.sid}",`, JSON_TYPE), expect: 400 },
  { name: 'a form as text/plain', body: (s) => raw(form(hop(s)).data, 'text/plain'), expect: 400 },
  {
    name: 'bytes that are not UTF-8 in text',
    body: (s) =>
      formWithBadBytes('text', { sessionId: s.sid, phoneNumber: s.phone, serviceCode: '*384*22262#' }),
    expect: { text: '\ufffd\ufffdA' },
  },
  {
    name: 'bytes that are not UTF-8 in phoneNumber',
    body: (s) => formWithBadBytes('phoneNumber', { sessionId: s.sid, serviceCode: '*384*22262#', text: '' }),
    expect: 'notKenyan',
  },
  {
    name: 'a phone that is not a Kenyan mobile',
    body: (s) => form(hop(s, { phoneNumber: '+14155550100' })),
    expect: 'notKenyan',
  },
];

test.each(rows)('$name', async (row) => {
  const ids = { sid: `ATUid_${randomUUID()}`, phone: randomPhone() };
  const tables = ['accounts', 'outbound_sms', 'ussd_sessions'];
  const before = await counts(app.db, tables);
  const res = await post(app.url, '/ussd', row.body(ids));
  expect(res.status).toBeLessThan(500);
  if (row.expect === 400 || row.expect === 'notKenyan') {
    expect(res).toEqual(
      row.expect === 400
        ? { status: 400, text: 'END Bad request' }
        : {
            status: 200,
            text: 'END Sorry, this service is for Kenyan mobile numbers only.\nSamahani, huduma hii ni ya nambari za simu za Kenya pekee.',
          },
    );
    expect(await app.engine.sessionTrail(ids.sid)).toBeUndefined();
    expect(await app.store.get(keys.resume(ids.phone))).toBeNull();
    expect(await counts(app.db, tables)).toEqual(before);
    return;
  }
  // The clean equivalent, on a session and phone of its own, is what this body must have got.
  const clean = { sid: `ATUid_${randomUUID()}`, phone: randomPhone() };
  const reference = await post(app.url, '/ussd', form(hop(clean, row.expect)));
  expect(reference.status).toBe(200);
  // Screens name the phone's number: the reference's is swapped for this row's.
  expect(res).toEqual({
    ...reference,
    text: reference.text.replaceAll(displayPhone(clean.phone), displayPhone(ids.phone)),
  });
  expect((await app.engine.sessionTrail(ids.sid))?.lastScreen).toBe(
    (await app.engine.sessionTrail(clean.sid))?.lastScreen,
  );
});
