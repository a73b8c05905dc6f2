// Issue 12, done when: a teacher walked from an approved application through check-in and check-out on two
// days (over USSD and by SMS), a claim approved and paid, and a query answered, with every SMS read whole
// from the simulator inbox; the operator's side through the admin API. Time is moved (the app's clock),
// never waited for.
import { formatEatTime } from '../../src/domain/time';
import { inbox, textShortCode, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { applicantPhone } from '../support/registered-phone';
import type { UssdPhone } from '../support/ussd-phone';

const TOKEN = 'ops-token-duties-0123456789';
const DAY = 24 * 3600_000;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { ADMIN_TOKENS: `ops:${TOKEN}` } });
});
afterAll(() => app.close());

type Json = Record<string, unknown>;

async function admin(
  path: string,
  init: { method?: string; body?: unknown; csv?: string } = {},
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.csv !== undefined) headers['content-type'] = 'text/csv';
  const res = await fetch(`${app.url}/admin${path}`, {
    method: init.method ?? (init.body === undefined && init.csv === undefined ? 'GET' : 'POST'),
    headers,
    body: init.csv ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** A Nairobi calendar day of `date`, as the admin API takes it. */
const nairobiDay = (date: Date) => new Date(date.getTime() + 3 * 3600_000).toISOString().slice(0, 10);
const shown = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** Puts the app's clock at `hh:mm` Nairobi time today (as the wall clock reads it). */
function clockAt(hh: number, mm: number): void {
  const today = nairobiDay(new Date());
  const at = new Date(`${today}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+03:00`);
  app.clock.offsetMs = at.getTime() - Date.now();
}

/** Applies over USSD for the first vacancy of the first path; returns the application's id. */
async function applyForFirst(phone: UssdPhone, password: string): Promise<number> {
  await phone.dialFresh();
  await phone.choose('Apply for a job');
  await phone.send(password);
  while (!phone.last.text.includes('Vacancies (positions available):')) await phone.send('1');
  await phone.send('1');
  await phone.chooseOnAnyPage('Confirm and submit');
  expect(phone.last.kind).toBe('END');
  const row = await app
    .db('applications as ap')
    .join('accounts as ac', 'ac.id', 'ap.account_id')
    .where('ac.phone', phone.phoneNumber)
    .first('ap.id');
  return Number(row.id);
}

/** Logs in from the main menu into "My duties and pay" and opens `entry`. */
async function work(phone: UssdPhone, password: string, entry: string): Promise<void> {
  await phone.dialFresh();
  await phone.choose('My duties and pay');
  await phone.send(password);
  expect(phone.last.text.split('\n')[0]).toBe('My duties and pay:');
  await phone.choose(entry);
}

/** The SMS the phone got after the first `seen`, waiting for `count` more. */
async function newSms(phone: string, seen: number, count = 1): Promise<string[]> {
  const all = await waitForSms(app.url, phone, seen + count);
  return all.slice(seen).map((m) => m.text);
}

test('a teacher: approved, checked in and out on two days, claim approved and paid, a query answered', async () => {
  const { phone, password } = await applicantPhone(app);
  const number = phone.phoneNumber;
  const applicationId = await applyForFirst(phone, password);
  const duty = await app
    .db('applications as ap')
    .join('vacancies as v', 'v.id', 'ap.vacancy_id')
    .join('duty_stations as d', 'd.id', 'v.duty_station_id')
    .join('positions as p', 'p.code', 'v.position')
    .join('profiles as pr', 'pr.account_id', 'ap.account_id')
    .where('ap.id', applicationId)
    .first(
      'v.id as vacancy',
      'ap.exam',
      'ap.activity',
      'v.position',
      'p.name as position_name',
      'd.code',
      'd.name',
    );

  // The operator approves, gives the vacancy its days (today and tomorrow, Nairobi) and the daily rate.
  clockAt(7, 30);
  const day1 = nairobiDay(app.clock.now());
  const day2 = nairobiDay(new Date(app.clock.now().getTime() + DAY));
  expect(
    (await admin(`/applications/${applicationId}/review`, { body: { decision: 'approve' } })).status,
  ).toBe(200);
  const patched = await admin(`/vacancies/${duty.vacancy}`, {
    method: 'PATCH',
    body: { duty_starts_on: day1, duty_ends_on: day2 },
  });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({ duty_starts_on: day1, duty_ends_on: day2 });
  const rates = await admin('/rates/import', {
    csv: `exam,activity,position,daily_rate_kes\n${duty.exam},${duty.activity},${duty.position},1500\n`,
  });
  expect(rates).toEqual({ status: 200, body: { inserted: 1 } });
  let seen = (await inbox(app.url, number)).length; // credentials, submitted, approved

  // My duties lists the duty with its days.
  await work(phone, password, 'My duties');
  expect(phone.last.text).toContain(`1. ${duty.position_name} at ${duty.name}`);
  await phone.choose(`${duty.position_name} at`);
  expect(phone.last.text).toContain('Today: not checked in. Days attended: 0\n1. Check in\n2. Check out');

  // Day 1, 08:02: the centre manager reads out the code; the teacher checks in over USSD.
  clockAt(8, 2);
  const code1 = (await admin(`/attendance-codes?duty_station=${duty.code}&date=${day1}`)).body.code as string;
  expect(code1).toMatch(/^\d{6}$/);
  expect((await admin(`/attendance-codes?duty_station=${duty.code}&date=${day1}`)).body.code).toBe(code1);
  await phone.choose('Check in');
  expect(phone.last.text).toContain('Enter the 6-digit code the centre manager reads out:');
  await phone.send(code1);
  expect(phone.last).toMatchObject({
    kind: 'END',
    text: `Checked in at ${duty.name} on ${shown(day1)} at 08:02.`,
  });
  expect(await newSms(number, seen)).toEqual([`CP2: checked in at ${duty.name} on ${shown(day1)} at 08:02.`]);
  seen += 1;

  // Checking in again by SMS records nothing new and says when the check-in was.
  clockAt(9, 0);
  expect(await textShortCode(app.url, number, `IN ${code1}`)).toBe(200);
  expect(await newSms(number, seen)).toEqual([
    `CP2: you already checked in at ${duty.name} on ${shown(day1)} at 08:02. Nothing new was recorded.`,
  ]);
  seen += 1;

  // Day 1, 17:10: check-out by SMS.
  clockAt(17, 10);
  await textShortCode(app.url, number, `out ${code1}`);
  expect(await newSms(number, seen)).toEqual([
    `CP2: checked out of ${duty.name} on ${shown(day1)} at 17:10.`,
  ]);
  seen += 1;

  // Day 2: a new code. Check-in by SMS in Kiswahili's keyword (the reply in the phone's language: English).
  clockAt(8, 15);
  app.clock.advance(DAY);
  const code2 = (await admin(`/attendance-codes?duty_station=${duty.code}&date=${day2}`)).body.code as string;
  expect(code2).toMatch(/^\d{6}$/);
  // Yesterday's code is not today's (unless chance made them equal: one in a million).
  if (code2 !== code1) {
    await textShortCode(app.url, number, `IN ${code1}`);
    expect(await newSms(number, seen)).toEqual([
      "CP2: wrong code, nothing was recorded. Attempts left: 2. Ask the centre manager for today's code.",
    ]);
    seen += 1;
  }
  await textShortCode(app.url, number, `NDANI ${code2}`);
  expect(await newSms(number, seen)).toEqual([`CP2: checked in at ${duty.name} on ${shown(day2)} at 08:15.`]);
  seen += 1;

  // Day 2, 16:45: check-out over USSD, from the duty, which shows today's check-in.
  app.clock.advance(8 * 3600_000 + 30 * 60_000);
  await work(phone, password, 'My duties');
  await phone.choose(`${duty.position_name} at`);
  expect(phone.last.text).toContain('Today: in 08:15, out -. Days attended: 1\n1. Check in\n2. Check out');
  await phone.choose('Check out');
  await phone.send(code2);
  expect(phone.last).toMatchObject({
    kind: 'END',
    text: `Checked out of ${duty.name} on ${shown(day2)} at 16:45.`,
  });
  expect(await newSms(number, seen)).toEqual([
    `CP2: checked out of ${duty.name} on ${shown(day2)} at 16:45.`,
  ]);
  seen += 1;

  // The operator's attendance for day 2.
  const att = await admin(`/attendance?duty_station=${duty.code}&date=${day2}`);
  expect(att.status).toBe(200);
  expect(att.body.attendance).toEqual([
    expect.objectContaining({
      application_id: applicationId,
      phone: number,
      checked_in_at: expect.any(String),
      checked_out_at: expect.any(String),
    }),
  ]);

  // The day after the last day: the claim is 2 days × 1,500, pending; the operator approves it.
  app.clock.advance(DAY);
  const pending = await admin('/claims?status=pending');
  const claim = (pending.body.claims as Json[]).find((c) => c.application_id === applicationId) as Json;
  expect(claim).toMatchObject({ days: 2, daily_rate_kes: 1500, amount_kes: 3000, status: 'pending' });
  const claimId = Number(claim.id);
  const approved = await admin(`/claims/${claimId}/approve`, { body: {} });
  expect(approved).toEqual({ status: 200, body: { id: claim.id, result: 'approved' } });
  expect(await newSms(number, seen)).toEqual([
    `CP2: your claim for ${duty.position_name} at ${duty.name} is approved: KES 3,000 (days: 2, KES 1,500 a day). It will be paid by M-Pesa.`,
  ]);
  seen += 1;

  // Paid from the operator's file: the SMS names the amount, the M-Pesa number and the reference.
  const paid = await admin('/claims/payments', {
    csv: `claim_id,mpesa_ref,amount_kes\n${claimId},QGH7K2L9PZ,3000\n`,
  });
  expect(paid).toEqual({ status: 200, body: { paid: 1 } });
  expect(await newSms(number, seen)).toEqual([
    `CP2: KES 3,000 for ${duty.position_name} at ${duty.name} was paid to M-Pesa ${phone.shownNumber}. Ref QGH7K2L9PZ.`,
  ]);
  seen += 1;

  // The teacher sees it in My payments and by SMS PAY.
  await work(phone, password, 'My payments');
  expect(phone.last.text).toContain(`1. ${duty.exam} ${duty.position_name}: KES 3,000 paid`);
  await phone.choose('KES 3,000');
  expect(phone.last.text).toContain('2 days x KES 1,500 = KES 3,000\nStatus: paid on');
  expect(phone.last.text).toContain('M-Pesa ref: QGH7K2L9PZ');
  await textShortCode(app.url, number, 'PAY');
  expect(await newSms(number, seen)).toEqual([
    `CP2 payments: ${duty.exam} ${duty.position_name}: KES 3,000 paid.`,
  ]);
  seen += 1;

  // My duties, after its days: the days, the days attended and the claim.
  await work(phone, password, 'My duties');
  await phone.choose(`${duty.position_name} at`);
  expect(phone.last.text).toContain(
    `Days: ${shown(day1)} to ${shown(day2)}\nDays attended: 2\nClaim: KES 3,000, paid`,
  );

  // A query over USSD: topic, then the text on one screen; the reference on screen and by SMS.
  await work(phone, password, 'Send a query');
  await phone.choose('Payment');
  expect(phone.last.text).toContain('Type your query, up to 140 characters:');
  await phone.send('Was my transport for day 2 included?');
  const query = await app.db('queries').orderBy('id', 'desc').first('id');
  const reference = `Q${query.id}`;
  expect(phone.last).toMatchObject({
    kind: 'END',
    text: `Your query ${reference} has been sent. The answer will come by SMS and in My queries.`,
  });
  expect(await newSms(number, seen)).toEqual([
    `CP2: your query ${reference} was received. The answer will come by SMS.`,
  ]);
  seen += 1;

  const open = await admin('/queries?status=open');
  expect(open.body.queries).toEqual([
    expect.objectContaining({ id: query.id, reference, phone: number, topic: 'payment', status: 'open' }),
  ]);
  const metricsBefore = await (await fetch(`${app.url}/metrics`)).text();
  expect(metricsBefore).toMatch(/^queries_open 1$/m);
  const answer = 'Yes: the daily rate covers transport. Call 0800 720 000 for anything else.';
  expect(await admin(`/queries/${query.id}/answer`, { body: { text: answer } })).toEqual({
    status: 200,
    body: { id: query.id, result: 'answered' },
  });
  expect(await newSms(number, seen)).toEqual([`CP2 answer to your query ${reference}: ${answer}`]);
  expect((await admin('/queries?status=open')).body.queries).toEqual([]);
  expect(await (await fetch(`${app.url}/metrics`)).text()).toMatch(/^queries_open 0$/m);

  await work(phone, password, 'My queries');
  expect(phone.last.text).toContain(`1. ${reference} Payment: answered`);
  await phone.choose(reference);
  expect(phone.last.text).toContain(`${reference}, `);
  expect(phone.last.text).toContain('Answer: Yes: the daily rate covers transport.');

  // Accountability: each mark, decision, payment and answer with who and when.
  const events = (await app.db('duty_events').orderBy('id').select('kind', 'actor')) as Json[];
  expect(events).toEqual(
    expect.arrayContaining([
      { kind: 'attendance.in', actor: `ussd:${number}` },
      { kind: 'attendance.out', actor: `sms:${number}` },
      { kind: 'attendance.in', actor: `sms:${number}` },
      { kind: 'attendance.out', actor: `ussd:${number}` },
      { kind: 'claim.created', actor: 'system' },
      { kind: 'claim.approved', actor: 'admin:ops' },
      { kind: 'claim.paid', actor: 'admin:ops' },
      { kind: 'query.asked', actor: `ussd:${number}` },
      { kind: 'query.answered', actor: 'admin:ops' },
    ]),
  );
  const rows = await app.db('attendance').where({ application_id: applicationId }).orderBy('day');
  expect(
    rows.map((r: Json) => [
      r.day,
      formatEatTime(r.checked_in_at as Date),
      formatEatTime(r.checked_out_at as Date),
    ]),
  ).toEqual([
    [day1, '08:02', '17:10'],
    [day2, '08:15', '16:45'],
  ]);
  // A long walk (about 40 hops and 12 SMS): more time than one hop's test, on a loaded machine.
}, 90_000);

test('in Kiswahili over USSD: a wrong code says the attempts left, the third locks check-in with the time', async () => {
  const { phone, password, accountId } = await applicantPhone(app, 'sw');
  const vacancy = await app
    .db('vacancies')
    .where({ status: 'open' })
    .orderBy('id')
    .offset(3)
    .first('id', 'exam', 'activity');
  const [row] = await app
    .db('applications')
    .insert({
      account_id: accountId,
      vacancy_id: vacancy.id,
      exam: vacancy.exam,
      activity: vacancy.activity,
      status: 'approved',
    })
    .returning('id');
  clockAt(10, 0);
  const day = nairobiDay(app.clock.now());
  await app.db('vacancies').where({ id: vacancy.id }).update({ duty_starts_on: day, duty_ends_on: day });
  await phone.dialFresh();
  await phone.choose('Zamu & malipo');
  await phone.send(password);
  expect(phone.last.text.split('\n')[0]).toBe('Zamu zangu na malipo:');
  await phone.choose('Zamu zangu');
  await phone.send('1');
  expect(phone.last.text).toContain(
    'Leo: hujaripoti. Siku ulizohudhuria: 0\n1. Ripoti kuingia\n2. Ripoti kutoka',
  );
  await phone.choose('Ripoti kuingia');
  expect(phone.last.text).toContain('Weka namba ya tarakimu 6 anayosoma meneja wa kituo:');
  // No code was read out for the station today: any code is wrong.
  await phone.send('111111');
  expect(phone.last.text.split('\n')[0]).toBe('Namba si sahihi. Majaribio yaliyobaki: 2.');
  await phone.send('222222');
  expect(phone.last.text.split('\n')[0]).toBe('Namba si sahihi. Jaribio lililobaki: 1.');
  await phone.send('333333');
  expect(phone.last).toMatchObject({
    kind: 'CON',
    text: 'Kuripoti kumefungwa baada ya namba 3 zisizo sahihi. Jaribu tena baada ya saa 10:30.\n1. Zamu zangu\n0 Rudi 00 Mwanzo',
  });
  expect(await app.db('attendance').where({ application_id: row.id })).toEqual([]);
});
