// POST /sms/inbound (AT's incoming SMS) against hostile and malformed bodies, one row each, through real
// HTTP (courier-style table): the answer, the `inbound_sms` row and the replies queued to the sender.
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/test-app';
import { randomPhone } from '../support/ussd-phone';
import { FORM, JSON_TYPE, KB5, counts, form, formWithBadBytes, json, post, raw, type Body } from './bodies';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

type Ids = { id: string; phone: string };
type Fields = Record<string, unknown>;
const sms = (s: Ids, over: Fields = {}): Fields => ({
  from: s.phone,
  to: '22262',
  text: 'HELP',
  id: s.id,
  date: '2026-11-30T10:00:00.000Z',
  linkId: 'L1',
  networkCode: '63902',
  ...over,
});
const formOf = (f: Fields) => form(f as Record<string, string | string[]>);

type Stored = {
  provider_id: string;
  from_phone: string;
  to_code: string;
  text: string;
  keyword: string | null;
  outcome: string | null;
  sent_at: Date | null;
};
type Row = {
  name: string;
  body: (s: Ids) => Body;
  /** 400, or the row kept and how many replies were queued to the sender. */
  expect: 400 | { stored: Partial<Stored>; replies: number };
};

const help = (over: Partial<Stored> = {}) => ({
  stored: { text: 'HELP', keyword: 'HELP', outcome: 'help', ...over },
  replies: 1,
});

const rows: Row[] = [
  {
    name: 'a well-formed form',
    body: (s) => formOf(sms(s)),
    expect: help({ to_code: '22262', sent_at: new Date('2026-11-30T10:00:00.000Z') }),
  },
  { name: 'JSON instead of a form', body: (s) => json(sms(s)), expect: help() },
  {
    name: 'no text',
    body: (s) => formOf(sms(s, { text: undefined })),
    expect: help({ text: '', keyword: null }),
  },
  { name: 'no to', body: (s) => formOf(sms(s, { to: undefined })), expect: help({ to_code: '' }) },
  // Missing, empty
  { name: 'an empty form', body: () => raw(''), expect: 400 },
  { name: 'an empty body without a content type', body: () => raw('', undefined), expect: 400 },
  { name: 'no id', body: (s) => formOf(sms(s, { id: undefined })), expect: 400 },
  { name: 'no from', body: (s) => formOf(sms(s, { from: undefined })), expect: 400 },
  { name: 'a blank id', body: (s) => formOf(sms(s, { id: '  ' })), expect: 400 },
  // Control characters: refused in AT's fields, removed from the user's text
  { name: 'a NUL in id', body: (s) => formOf(sms(s, { id: `${s.id}\u0000` })), expect: 400 },
  { name: 'a NUL in from', body: (s) => formOf(sms(s, { from: `${s.phone}\u0000` })), expect: 400 },
  { name: 'a NUL in to', body: (s) => formOf(sms(s, { to: '222\u000062' })), expect: 400 },
  { name: 'a NUL in date', body: (s) => formOf(sms(s, { date: '2026-11-30\u0000' })), expect: 400 },
  { name: 'a NUL in linkId', body: (s) => formOf(sms(s, { linkId: 'L\u00001' })), expect: 400 },
  { name: 'a NUL in networkCode', body: (s) => formOf(sms(s, { networkCode: '\u000063902' })), expect: 400 },
  { name: 'an ESC in from', body: (s) => formOf(sms(s, { from: `\u001b${s.phone}` })), expect: 400 },
  { name: 'a C1 control in linkId', body: (s) => formOf(sms(s, { linkId: 'L1\u0090' })), expect: 400 },
  { name: 'a line break ending id', body: (s) => formOf(sms(s, { id: `${s.id}\n` })), expect: 400 },
  { name: 'a NUL in text', body: (s) => formOf(sms(s, { text: 'HE\u0000LP' })), expect: help() },
  {
    name: 'C0, DEL and C1 in text',
    body: (s) => formOf(sms(s, { text: '\u0007HE\u007fLP\u0085' })),
    expect: help(),
  },
  {
    name: 'a line break in text (a space)',
    body: (s) => formOf(sms(s, { text: 'PASSWORD\nplease' })),
    expect: { stored: { text: 'PASSWORD please', keyword: 'PASSWORD', outcome: 'no_account' }, replies: 1 },
  },
  {
    name: 'a NUL in a field we do not read',
    body: (s) => formOf(sms(s, { cost: '\u0000' })),
    expect: help(),
  },
  // Lone surrogates (only JSON can carry one); a surrogate pair (an emoji) is a character like any other
  { name: 'a lone surrogate in id', body: (s) => json(sms(s, { id: `${s.id}\ud800` })), expect: 400 },
  { name: 'a lone surrogate in from', body: (s) => json(sms(s, { from: `${s.phone}\udfff` })), expect: 400 },
  { name: 'a lone surrogate in linkId', body: (s) => json(sms(s, { linkId: '\ud83d' })), expect: 400 },
  { name: 'a lone surrogate in text', body: (s) => json(sms(s, { text: 'HELP\ud800' })), expect: help() },
  {
    name: 'a lone surrogate as the whole text',
    body: (s) => json(sms(s, { text: '\udfff' })),
    expect: help({ text: '', keyword: null }),
  },
  {
    name: 'an emoji in text',
    body: (s) => json(sms(s, { text: 'HELP 😀' })),
    expect: help({ text: 'HELP 😀' }),
  },
  // 5 kB fields
  { name: 'a 5 kB id', body: (s) => formOf(sms(s, { id: KB5 })), expect: 400 },
  { name: 'a 5 kB from', body: (s) => formOf(sms(s, { from: KB5 })), expect: 400 },
  { name: 'a 5 kB linkId', body: (s) => formOf(sms(s, { linkId: KB5 })), expect: 400 },
  { name: 'a 5 kB date', body: (s) => formOf(sms(s, { date: KB5 })), expect: 400 },
  {
    name: 'a 5 kB text (kept cut to 480)',
    body: (s) => formOf(sms(s, { text: KB5 })),
    expect: help({ text: 'x'.repeat(480), keyword: null }),
  },
  { name: 'a 20 kB form', body: (s) => formOf(sms(s, { text: 't'.repeat(20_000) })), expect: 400 },
  { name: 'a 20 kB JSON body', body: (s) => json(sms(s, { text: 't'.repeat(20_000) })), expect: 400 },
  // Dates Postgres could not hold are kept as unknown
  {
    name: 'a date that is no date',
    body: (s) => formOf(sms(s, { date: 'yesterday' })),
    expect: help({ sent_at: null }),
  },
  {
    name: 'a date in the year -271821',
    body: (s) => formOf(sms(s, { date: '-271821-04-20T00:00:00Z' })),
    expect: help({ sent_at: null }),
  },
  {
    name: 'a date in the year 275760',
    body: (s) => formOf(sms(s, { date: '+275760-09-13T00:00:00Z' })),
    expect: help({ sent_at: null }),
  },
  // Wrong types
  { name: 'id twice (an array)', body: (s) => formOf(sms(s, { id: [s.id, `${s.id}b`] })), expect: 400 },
  { name: 'from twice', body: (s) => formOf(sms(s, { from: [s.phone, s.phone] })), expect: 400 },
  { name: 'text twice', body: (s) => formOf(sms(s, { text: ['HELP', 'PASSWORD'] })), expect: 400 },
  {
    name: 'id[x]= (an object)',
    body: (s) => raw(`id[x]=1&from=${encodeURIComponent(s.phone)}&text=HELP`),
    expect: 400,
  },
  { name: 'JSON: id a number', body: (s) => json(sms(s, { id: 12345 })), expect: 400 },
  { name: 'JSON: from a number', body: (s) => json(sms(s, { from: 254711000001 })), expect: 400 },
  { name: 'JSON: text an object', body: (s) => json(sms(s, { text: { $gt: '' } })), expect: 400 },
  { name: 'JSON: text null', body: (s) => json(sms(s, { text: null })), expect: 400 },
  { name: 'JSON: an array', body: (s) => json([sms(s)]), expect: 400 },
  { name: 'JSON: null', body: () => raw('null', JSON_TYPE), expect: 400 },
  // Encodings
  { name: 'JSON sent as a form', body: (s) => raw(JSON.stringify(sms(s)), FORM), expect: 400 },
  { name: 'a form sent as JSON', body: (s) => raw(formOf(sms(s)).data, JSON_TYPE), expect: 400 },
  { name: 'broken JSON', body: (s) => raw(`{"id":"${s.id}","from":`, JSON_TYPE), expect: 400 },
  {
    name: 'bytes that are not UTF-8 in text',
    body: (s) => formWithBadBytes('text', { id: s.id, from: s.phone, to: '22262' }),
    expect: help({ text: '\ufffd\ufffdA', keyword: null }),
  },
  {
    name: 'bytes that are not UTF-8 in from (not a Kenyan mobile: kept, not answered)',
    body: (s) => formWithBadBytes('from', { id: s.id, text: 'HELP' }),
    expect: { stored: { from_phone: '\ufffd\ufffdA', outcome: 'invalid_sender' }, replies: 0 },
  },
];

test.each(rows)('$name', async (row) => {
  const ids = { id: `ATXid_${randomUUID()}`, phone: randomPhone() };
  const tables = ['inbound_sms', 'outbound_sms', 'password_resets'];
  const before = await counts(app.db, tables);
  const res = await post(app.url, '/sms/inbound', row.body(ids));
  const stored = (await app.db('inbound_sms').where({ provider_id: ids.id }).first()) as Stored | undefined;
  if (row.expect === 400) {
    expect(res).toEqual({ status: 400, text: 'Bad request' });
    expect(stored).toBeUndefined();
    expect(await counts(app.db, tables)).toEqual(before);
    return;
  }
  expect(res).toEqual({ status: 200, text: 'OK' });
  expect(stored).toMatchObject({ provider_id: ids.id, from_phone: ids.phone, ...row.expect.stored });
  const replies = await app
    .db('outbound_sms')
    .where({ to_phone: ids.phone })
    .count<{ n: string }[]>('* as n');
  expect(Number(replies[0]?.n)).toBe(row.expect.replies);
});
