import { inbox, textShortCode, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone } from '../support/ussd-phone';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function register(number: string): Promise<void> {
  const phone = new UssdPhone(app.url, number);
  await phone.dial();
  await phone.choose('Create account');
  await phone.choose('Confirm');
  await waitForSms(app.url, number, 1);
}

async function lastReply(number: string, count: number): Promise<string> {
  const messages = await waitForSms(app.url, number, count);
  return messages[count - 1]?.text ?? '';
}

/** The HELP reply, whole: every keyword, and the USSD code. */
const HELP_EN =
  'CP2: dial *384*22262# to create an account and apply for jobs. SMS 22262: PASSWORD, STATUS, PAY, IN/OUT and the code, QUERY and your question, MY DATA, PRIVACY.';
const HELP_SW =
  'CP2: piga *384*22262# kufungua akaunti na kuomba kazi. Tuma kwa 22262: NENOSIRI, HALI, MALIPO, NDANI au NJE na namba, SWALI na swali lako, DATA YANGU, FARAGHA.';

test.each([
  ['HELP', HELP_EN],
  ['help', HELP_EN],
  [' H e l p ', HELP_EN],
  ['something else', HELP_EN],
  ['', HELP_EN],
  ['x'.repeat(5000), HELP_EN],
  ['MSAADA', HELP_SW],
])('%j gets one reply: the keyword list and the USSD code', async (text, expected) => {
  const number = randomPhone();
  expect(await textShortCode(app.url, number, text)).toBe(200);
  const reply = await lastReply(number, 1);
  expect(reply).toBe(expected);
  expect(reply.length).toBeLessThanOrEqual(160);
});

test('NENOSIRI from a phone with no saved language gets its new password in Kiswahili', async () => {
  const number = randomPhone();
  await register(number);
  await textShortCode(app.url, number, 'nenosiri');
  expect(await lastReply(number, 2)).toMatch(/^Nenosiri lako jipya la CP2 ni \d{6}, jina la mtumiaji /);
});

test('PASSWORD from an unregistered number says how to create an account', async () => {
  const number = randomPhone();
  await textShortCode(app.url, number, 'PASSWORD');
  expect(await lastReply(number, 1)).toContain('choose Create account');
});

test('STATUS summarises the account; HALI answers in Kiswahili', async () => {
  const number = randomPhone();
  await register(number);
  await textShortCode(app.url, number, 'status');
  const reply = await lastReply(number, 2);
  expect(reply).toContain(`CP2 account ${number.slice(1)}: registered`);
  expect(reply).toContain('Profile: missing Personal, Payment, Qualification, Workstation, Next of kin.');
  const other = randomPhone();
  await textShortCode(app.url, other, 'HALI');
  expect(await lastReply(other, 1)).toContain('Nambari hii haina akaunti ya CP2');
});

test.each([
  ['2026-11-30T20:59:00Z', '30/11/2026'],
  ['2026-11-30T21:00:00Z', '01/12/2026'],
])('STATUS gives the registration date in Nairobi time: registered at %s UTC is %s', async (utc, shown) => {
  const number = randomPhone();
  await register(number);
  await app
    .db('accounts')
    .where({ phone: number })
    .update({ created_at: new Date(utc) });
  await textShortCode(app.url, number, 'STATUS');
  expect(await lastReply(number, 2)).toBe(
    `CP2 account ${number.slice(1)}: registered ${shown}. Profile: missing Personal, Payment, Qualification, Workstation, Next of kin.`,
  );
});

test('at most 3 password resets per number per 24 hours, then a reply that says when to try again', async () => {
  const number = randomPhone();
  await register(number);
  for (let i = 0; i < 4; i++) await textShortCode(app.url, number, 'PASSWORD');
  const messages = await waitForSms(app.url, number, 5);
  expect(messages.slice(1, 4).every((m) => m.text.startsWith('Your new CP2 password is'))).toBe(true);
  expect(messages[4]?.text).toMatch(
    /3 new CP2 passwords in 24 hours\. Try again after \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/,
  );
  await new Promise((r) => setTimeout(r, 200));
  expect(await inbox(app.url, number)).toHaveLength(5);
});

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

test('over the limit, only the first PASSWORD of 24 hours is answered; the rest are recorded, not answered', async () => {
  const number = randomPhone();
  await register(number);
  // Three resets two hours ago reach the limit: time is moved by dating rows in the past, not waited.
  const account = (await app.db('accounts').where({ phone: number }).first('id')) as { id: number };
  await app
    .db('password_resets')
    .insert([1, 2, 3].map(() => ({ account_id: account.id, channel: 'sms', created_at: hoursAgo(2) })));

  for (const keyword of ['PASSWORD', 'NENOSIRI', 'password']) await textShortCode(app.url, number, keyword);
  const messages = await waitForSms(app.url, number, 2);
  expect(messages[1]?.text).toMatch(/3 new CP2 passwords in 24 hours\. Try again after /);
  await new Promise((r) => setTimeout(r, 300));
  expect(await inbox(app.url, number)).toHaveLength(2);
  const outcomes = async () =>
    (await app.db('inbound_sms').where({ from_phone: number }).orderBy('id').pluck('outcome')) as string[];
  expect(await outcomes()).toEqual(['reset_limited', 'reset_limited_silent', 'reset_limited_silent']);

  // 23 hours after the reply: still silent. 25 hours after: the next request is answered again.
  const replied = app.db('inbound_sms').where({ from_phone: number, outcome: 'reset_limited' });
  await replied.clone().update({ received_at: hoursAgo(23) });
  await textShortCode(app.url, number, 'PASSWORD');
  await replied.clone().update({ received_at: hoursAgo(25) });
  await textShortCode(app.url, number, 'PASSWORD');
  const later = await waitForSms(app.url, number, 3);
  expect(later[2]?.text).toMatch(/3 new CP2 passwords in 24 hours\./);
  await new Promise((r) => setTimeout(r, 300));
  expect(await inbox(app.url, number)).toHaveLength(3);
  expect((await outcomes()).slice(3)).toEqual(['reset_limited_silent', 'reset_limited']);
});

/** `dd/mm/yyyy hh:mm` in Nairobi time (UTC+3 all year), computed here independently of the service. */
function nairobi(date: Date): string {
  const t = new Date(date.getTime() + 3 * 3600_000).toISOString();
  return `${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)} ${t.slice(11, 16)}`;
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

// The reset limit, bounded on both sides: the count (3, not 2) and the window (24 hours, not 12 or 48).
// Earlier resets are dated in the past; each case uses a number of its own.
test.each<[string, number[], boolean]>([
  ['2 resets in the last hour: allowed', [60, 60], true],
  ['3 resets in the last hour: refused', [60, 60, 60], false],
  ['3 resets, the oldest 12 h 1 min ago: refused', [12 * 60 + 1, 60, 60], false],
  ['3 resets 23 h 59 min ago: refused', [23 * 60 + 59, 23 * 60 + 59, 23 * 60 + 59], false],
  ['3 resets 24 h 1 min ago: allowed', [24 * 60 + 1, 24 * 60 + 1, 24 * 60 + 1], true],
  ['3 resets, only the oldest 24 h 1 min ago: allowed', [24 * 60 + 1, 23 * 60, 60], true],
])('PASSWORD after %s', async (_name, agesInMinutes, allowed) => {
  const number = randomPhone();
  await register(number);
  const account = (await app.db('accounts').where({ phone: number }).first('id')) as { id: number };
  const dates = agesInMinutes.map(minutesAgo);
  await app
    .db('password_resets')
    .insert(dates.map((created_at) => ({ account_id: account.id, channel: 'sms', created_at })));

  await textShortCode(app.url, number, 'PASSWORD');
  const reply = await lastReply(number, 2);
  if (allowed) {
    const password = /is (\d{6}) for/.exec(reply)?.[1] ?? '';
    expect(reply).toBe(
      `Your new CP2 password is ${password} for username ${number.slice(1)}. Dial *384*22262# to log in. Not you? SMS HELP to 22262.`,
    );
  } else {
    // The next reset is allowed 24 hours after the oldest of the last three.
    const oldest = new Date(Math.min(...dates.map((d) => d.getTime())));
    expect(reply).toBe(
      `You have asked for 3 new CP2 passwords in 24 hours. Try again after ${nairobi(new Date(oldest.getTime() + 24 * 3600_000))}.`,
    );
  }
  const resets = await app
    .db('password_resets')
    .where({ account_id: account.id })
    .count<{ n: string }[]>('* as n');
  expect(Number(resets[0]?.n)).toBe(dates.length + (allowed ? 1 : 0));
});

test.each<[Record<string, string>, string]>([
  [{ from: '+254711000001', text: 'HELP' }, 'missing id'],
  [{ id: 'x1', text: 'HELP' }, 'missing from'],
])('a malformed inbound SMS (%j, %s) is refused with 400, never 500', async (body) => {
  const res = await fetch(`${app.url}/sms/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(400);
});

test('an inbound SMS from a number that is not a Kenyan mobile is acknowledged and not answered', async () => {
  expect(await textShortCode(app.url, '+14155550100', 'PASSWORD', 'ATXid_foreign')).toBe(200);
  const row = await app.db('inbound_sms').where({ provider_id: 'ATXid_foreign' }).first('outcome');
  expect(row.outcome).toBe('invalid_sender');
});

// Keywords as people type them (issue 10): case, spaces inside and around, punctuation, words after the
// keyword, and one slip in a keyword of 5 letters or more, in both languages. Each spelling is texted from
// a registered phone with no saved language, so the reply shows which keyword it was read as and in
// which language it answered.
type Reading = 'PASSWORD' | 'STATUS' | 'HELP';

/** What a reply to a registered phone is: a new password, the account summary, or the keyword list. */
function readingOf(reply: string, username: string): Reading {
  if (/\b\d{6}\b/.test(reply.replace(username, ''))) return 'PASSWORD';
  if (reply.includes(username) && /\d\d\/\d\d\/\d{4}/.test(reply)) return 'STATUS';
  return 'HELP';
}

const languageOf = (reply: string) => (/\b(ya|kwa|ni|Piga|piga|Tuma)\b/.test(reply) ? 'sw' : 'en');

test.each<[string, Reading, 'en' | 'sw']>([
  ['Pass word please', 'PASSWORD', 'en'],
  ['pasword', 'PASSWORD', 'en'],
  ['PASSWORD.', 'PASSWORD', 'en'],
  ['  password  ', 'PASSWORD', 'en'],
  ['Passwrod', 'PASSWORD', 'en'],
  ['PASSWORDS', 'PASSWORD', 'en'],
  ['passw0rd', 'PASSWORD', 'en'],
  ['P.A.S.S.W.O.R.D', 'PASSWORD', 'en'],
  ['"Password"!', 'PASSWORD', 'en'],
  ['Neno siri', 'PASSWORD', 'sw'],
  ['nenosri', 'PASSWORD', 'sw'],
  ['NENOSIRI tafadhali', 'PASSWORD', 'sw'],
  ['neno la siri', 'PASSWORD', 'sw'],
  ['Nenosiri.', 'PASSWORD', 'sw'],
  ['status', 'STATUS', 'en'],
  ['Stat us', 'STATUS', 'en'],
  ['STAUTS', 'STATUS', 'en'],
  ['stats', 'STATUS', 'en'],
  ['Status?', 'STATUS', 'en'],
  ['hali', 'STATUS', 'sw'],
  ['Hali?', 'STATUS', 'sw'],
  ['H A L I', 'STATUS', 'sw'],
  ['Help!', 'HELP', 'en'],
  ['msaada', 'HELP', 'sw'],
  ['Msada', 'HELP', 'sw'],
  ['MSAADA tafadhali', 'HELP', 'sw'],
])('%j is read as %s and answered in %s', async (text, reading, lang) => {
  const number = randomPhone();
  await register(number);
  await textShortCode(app.url, number, text);
  const reply = await lastReply(number, 2);
  expect(readingOf(reply, number.slice(1))).toBe(reading);
  expect(languageOf(reply)).toBe(lang);
});

// Near misses: not a keyword, so the HELP reply; above all never a new password the user did not ask for.
test.each([
  'STATE OF EXAMS',
  'HELLO',
  'HALO',
  'HALT',
  'PASS',
  'PASSPORT',
  'I changed my password',
  'my status',
  'STATUTE',
  'NENO',
  'SIRI',
  'HALII',
  '1234',
  '22262',
  'OK',
  'In the morning',
  'OUTSIDE',
  'Habari',
])('%j is not a keyword: the HELP reply, nothing changed', async (text) => {
  const number = randomPhone();
  await register(number);
  const before = await app.db('accounts').where({ phone: number }).first('password_hash');
  await textShortCode(app.url, number, text);
  const reply = await lastReply(number, 2);
  expect(readingOf(reply, number.slice(1))).toBe('HELP');
  expect(reply).toContain('*384*22262#');
  const after = await app.db('accounts').where({ phone: number }).first('password_hash');
  expect(after.password_hash).toBe(before.password_hash);
});

// Since issue 12 IN and OUT (NDANI, NJE) are the attendance keywords: alone they get how to send the code,
// and nothing else changes (docs/duties.md).
test.each([
  [
    'IN',
    'CP2: to check in, SMS IN and the code the centre manager reads out, e.g. IN 123456. To check out, SMS OUT and the code.',
  ],
  [
    'out',
    'CP2: to check in, SMS IN and the code the centre manager reads out, e.g. IN 123456. To check out, SMS OUT and the code.',
  ],
  [
    'NJE',
    'CP2: kuripoti kuingia, tuma NDANI na namba anayosoma meneja wa kituo, mfano NDANI 123456. Kutoka, tuma NJE na namba.',
  ],
])('%j alone: how to check in or out, nothing changed', async (text, expected) => {
  const number = randomPhone();
  await register(number);
  const before = await app.db('accounts').where({ phone: number }).first('password_hash');
  await textShortCode(app.url, number, text);
  expect(await lastReply(number, 2)).toBe(expected);
  const after = await app.db('accounts').where({ phone: number }).first('password_hash');
  expect(after.password_hash).toBe(before.password_hash);
  expect(await app.db('attendance_lockouts')).toEqual([]);
});
