// GET /metrics after a journey: hops by journey and outcome, the outbox gauges, SMS sent, applications.
import { passwordIn, waitForSms } from '../support/sms';
import { insertCompleteProfile } from '../support/complete-profile';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone } from '../support/ussd-phone';

let app: TestApp;
beforeAll(async () => {
  // The relay starts later, so that the outbox is seen holding the message first.
  app = await startTestApp({ relay: false });
});
afterAll(() => app.close());

async function metrics(): Promise<string> {
  const res = await fetch(`${app.url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** Scrapes until `done` holds (at most 5 s), and returns the last scrape. */
async function scrapeUntil(done: (text: string) => boolean): Promise<string> {
  let text = await metrics();
  for (let until = Date.now() + 5000; !done(text) && Date.now() < until;) {
    await new Promise((r) => setTimeout(r, 20));
    text = await metrics();
  }
  return text;
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('hops by journey, the outbox waiting then drained, SMS sent, applications by status', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dial();
  await phone.choose('Create account');
  await phone.choose('Confirm');
  await phone.hop(phone.text); // AT repeats the last hop

  let text = await metrics();
  expect(value(text, 'ussd_hops_total{journey="main",outcome="con"}')).toBe(1);
  expect(value(text, 'ussd_hops_total{journey="createAccount",outcome="con"}')).toBe(1);
  expect(value(text, 'ussd_hops_total{journey="createAccount",outcome="end"}')).toBe(1);
  expect(value(text, 'ussd_hops_total{journey="createAccount",outcome="repeat"}')).toBe(1);
  // The credentials SMS, queued a moment ago and not sent yet (the relay is stopped).
  expect(value(text, 'outbox_depth')).toBe(1);
  const age = value(text, 'outbox_oldest_due_seconds') as number;
  expect(age).toBeGreaterThanOrEqual(0);
  expect(age).toBeLessThan(5);
  // A database of this file's own: the demo set has vacancies and no applications.
  for (const status of ['submitted', 'approved', 'rejected', 'withdrawn'])
    expect({ status, n: value(text, `applications{status="${status}"}`) }).toEqual({ status, n: 0 });

  app.relay.start();
  const [sms] = await waitForSms(app.url, phone.phoneNumber);
  // The relay counts the send once the gateway has answered: wait for it.
  text = await scrapeUntil(
    (t) => value(t, 'sms_outbound_total{result="sent"}') === 1 && value(t, 'outbox_depth') === 0,
  );
  expect(value(text, 'outbox_depth')).toBe(0);
  expect(value(text, 'outbox_oldest_due_seconds')).toBe(0);
  expect(value(text, 'sms_outbound_total{result="sent"}')).toBe(1);

  // Apply: the gauge of submitted applications goes from none to one.
  const password = passwordIn(sms?.text ?? '');
  const account = await app.db('accounts').where({ phone: phone.phoneNumber }).first('id');
  await insertCompleteProfile(app.db, account.id, phone.phoneNumber);
  await phone.dialFresh();
  await phone.choose('Apply for a job');
  await phone.send(password);
  while (!phone.last.text.includes('Vacancies (positions available):')) await phone.send('1');
  await phone.send('1');
  await phone.choose('Confirm and submit');
  expect(phone.last.text).toContain('Thank you for submitting your application.');

  text = await metrics();
  expect(value(text, 'applications{status="submitted"}')).toBe(1);
  expect(value(text, 'ussd_hops_total{journey="login",outcome="con"}')).toBe(1);
  expect(value(text, 'ussd_hops_total{journey="apply",outcome="end"}')).toBe(1);
  expect(value(text, 'applications{status="withdrawn"}')).toBe(0);
  // The application's confirmation SMS: sent by the running relay, the outbox empty again.
  await waitForSms(app.url, phone.phoneNumber, 2);
  text = await scrapeUntil((t) => value(t, 'sms_outbound_total{result="sent"}') === 2);
  expect(value(text, 'sms_outbound_total{result="sent"}')).toBe(2);
  expect(value(text, 'outbox_depth')).toBe(0);
  // Every journey label is one of the fixed set.
  const journeys = new Set([...text.matchAll(/^ussd_hops_total\{journey="(\w+)"/gm)].map((m) => m[1]));
  for (const j of journeys) expect(['main', 'createAccount', 'login', 'apply', 'resume']).toContain(j);
}, 30_000);
