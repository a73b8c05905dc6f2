// The funnel report computed from recorded events: real sessions through POST /ussd, AT's end-of-session
// notification through POST /ussd/events, then GET /admin/reports/funnel.
import { passwordIn, waitForSms } from '../support/sms';
import { completeProfileColumns } from '../support/complete-profile';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone } from '../support/ussd-phone';

const TOKEN = 'ops-token-0123456789abcdef';

let app: TestApp;
let from: string;
beforeAll(async () => {
  app = await startTestApp({ env: { ADMIN_TOKENS: `ops:${TOKEN}` } });
  from = new Date(Date.now() - 60_000).toISOString();
});
afterAll(() => app.close());

/** AT's notification that the phone's current session ended (with the user's last entry as `input`). */
async function ended(phone: UssdPhone, fields: Record<string, string> = {}): Promise<Response> {
  return postEvent({
    sessionId: phone.sessionId,
    serviceCode: '*384*22262#',
    networkCode: '63902',
    phoneNumber: phone.phoneNumber,
    status: 'Success',
    hopsCount: String(phone.inputs.length + 1),
    durationInMillis: '12345',
    input: phone.inputs.at(-1) ?? '',
    lastAppResponse: `${phone.last.kind} ${phone.last.text}`,
    errorMessage: '',
    ...fields,
  });
}

function postEvent(fields: Record<string, string>): Promise<Response> {
  return fetch(`${app.url}/ussd/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

function funnel(query: string, token = TOKEN): Promise<Response> {
  return fetch(`${app.url}/admin/reports/funnel?${query}`, { headers: { authorization: `Bearer ${token}` } });
}

type Report = {
  sessions: number;
  journeys: {
    journey: string;
    started: number;
    completed: number;
    stopped: { screen: string; count: number }[];
  }[];
};

test('sessions recorded from AT events make the funnel of each journey', async () => {
  // Create account: one completes, one stops on the confirmation.
  const jane = new UssdPhone(app.url, randomPhone());
  await jane.dial();
  await jane.choose('Create account');
  await jane.choose('Confirm');
  expect(jane.last.kind).toBe('END');
  expect((await ended(jane)).status).toBe(200);
  const password = passwordIn((await waitForSms(app.url, jane.phoneNumber))[0]?.text ?? '');

  const other = new UssdPhone(app.url, randomPhone());
  await other.dial();
  await other.choose('Create account');
  await ended(other);

  // Login: a wrong password and the user gives up.
  await jane.dialFresh();
  await jane.choose('My profile');
  await jane.send(password === '9999' ? '8888' : '9999');
  await ended(jane, { status: 'Failed', errorMessage: 'user timeout' });

  // Login, then the next-of-kin section saved.
  await jane.dialFresh();
  await jane.choose('My profile');
  await jane.send(password);
  await jane.choose('Next of kin: missing');
  await jane.sendAll('John Kamau Mwangi', '0722000111');
  await jane.choose('Spouse');
  await jane.chooseOnAnyPage('Confirm and save');
  expect(jane.last.text).toContain('5. Next of kin: done');
  await ended(jane);

  // Login, then personal details abandoned after the name.
  await jane.dialFresh();
  await jane.choose('My profile');
  await jane.send(password);
  await jane.choose('Personal: missing');
  await jane.send('Jane Wanjiku Kamau');
  await ended(jane);

  // Apply: with the profile complete, one application submitted, one abandoned after the exam.
  // Everything but the next of kin, which the journey above saved.
  const {
    kin_name: _n,
    kin_phone: _p,
    kin_relationship: _r,
    ...rest
  } = await completeProfileColumns(app.db, jane.phoneNumber);
  await app.db('profiles').where({ kin_name: 'John Kamau Mwangi', kin_phone: '+254722000111' }).update(rest);
  await jane.dialFresh();
  await jane.choose('Apply for a job');
  await jane.send(password);
  // The first of each list (a list with one choice is taken for her), then the first vacancy.
  while (!jane.last.text.includes('Vacancies (positions available):')) await jane.send('1');
  await jane.send('1');
  await jane.choose('Confirm and submit');
  expect(jane.last.text).toContain('Thank you for submitting your application.');
  await ended(jane);

  await jane.dialFresh();
  await jane.choose('Apply for a job');
  await jane.send(password);
  await jane.send('1');
  expect(jane.last.text).toContain('Choose the activity:');
  await ended(jane);

  // A session whose record had already expired: what AT sent, with no screen.
  await postEvent({
    sessionId: 'ATUid_expired',
    phoneNumber: '+254700000001',
    status: 'Success',
    // Letters and digits no timestamp, id or count can contain by chance.
    input: 'QX7ZK9',
  });

  const res = await funnel(`from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}`);
  expect(res.status).toBe(200);
  const report = (await res.json()) as Report;
  expect(report.sessions).toBe(8);
  const by = Object.fromEntries(report.journeys.map((j) => [j.journey, j]));
  expect(by.createAccount).toEqual({
    journey: 'createAccount',
    started: 2,
    completed: 1,
    stopped: [{ screen: 'account.confirm', count: 1 }],
  });
  expect(by.login).toMatchObject({
    started: 5,
    completed: 4,
    stopped: [{ screen: 'login.prompt', count: 1 }],
  });
  expect(by['profile.nextOfKin']).toMatchObject({ started: 1, completed: 1, stopped: [] });
  expect(by['profile.personal']).toMatchObject({
    started: 1,
    completed: 0,
    stopped: [{ screen: 'profile.field.nationalId', count: 1 }],
  });
  expect(by['profile.payment']).toMatchObject({ started: 0, completed: 0 });
  expect(by.apply).toMatchObject({
    started: 2,
    completed: 1,
    stopped: [{ screen: 'apply.choose.activity', count: 1 }],
  });

  // What was stored: AT's figures and the screens, never the input.
  const row = await app.db('ussd_sessions').where({ session_id: jane.sessionId }).first();
  expect(row).toMatchObject({
    phone: jane.phoneNumber,
    status: 'Success',
    hops: 4,
    duration_ms: 12345,
    last_screen: 'apply.choose.activity',
  });
  expect(row.screens).toEqual(['main', 'login.prompt', 'apply.choose.exam', 'apply.choose.activity']);
  const expired = await app.db('ussd_sessions').where({ session_id: 'ATUid_expired' }).first();
  expect(expired).toMatchObject({ last_screen: null, screens: [], phone: '+254700000001' });
  const stored = JSON.stringify(await app.db('ussd_sessions').select());
  expect(stored).not.toContain('QX7ZK9');
  expect(stored).not.toContain(password);
  expect(app.logs.join('')).not.toContain('QX7ZK9');
}, 60_000);

test('a repeated notification updates the same row', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dial();
  await ended(phone, { hopsCount: '1' });
  await ended(phone, { hopsCount: '2' });
  const rows = await app.db('ussd_sessions').where({ session_id: phone.sessionId });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ hops: 2, last_screen: 'main', screens: ['main'] });
});

test('events and report queries are validated; the report needs a token', async () => {
  expect((await postEvent({ status: 'Success' })).status).toBe(400);
  expect((await postEvent({ sessionId: 'x', hopsCount: 'many' })).status).toBe(400);
  expect((await funnel('from=yesterday')).status).toBe(400);
  expect((await funnel('from=2026-02-30')).status).toBe(400);
  expect((await funnel('from=2026-11-02&to=2026-11-01')).status).toBe(400);
  expect((await funnel('from=2026-11-01&to=2026-11-02')).status).toBe(200);
  expect((await funnel('', 'not-a-token-0123456789abcdef')).status).toBe(401);
});

test('a notification AT repeats counts once in the funnel; a repeat with a longer trail moves the stop', async () => {
  const since = new Date(Date.now() - 1).toISOString();
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dial();
  await phone.choose('Create account');
  for (let i = 0; i < 3; i++) expect((await ended(phone)).status).toBe(200);
  const report = async () => {
    const res = await funnel(`from=${since}&to=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(res.status).toBe(200);
    const r = (await res.json()) as Report;
    return { sessions: r.sessions, createAccount: r.journeys.find((j) => j.journey === 'createAccount') };
  };
  expect(await report()).toEqual({
    sessions: 1,
    createAccount: {
      journey: 'createAccount',
      started: 1,
      completed: 0,
      stopped: [{ screen: 'account.confirm', count: 1 }],
    },
  });

  // The same session seen again after the account was created: counted once, now as completed.
  await phone.choose('Confirm');
  await ended(phone);
  expect(await report()).toEqual({
    sessions: 1,
    createAccount: { journey: 'createAccount', started: 1, completed: 1, stopped: [] },
  });
});
