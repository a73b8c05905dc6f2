// A hop that misses its deadline has already told the user "Sorry, we could not complete your request":
// what it was doing must not happen afterwards. Postgres is stalled honestly (another connection holds a
// lock the action needs), the hop answers the apology, the lock is released, and nothing may have been
// committed: no account, no password change, no application change, no SMS queued.
import type { Knex } from 'knex';
import { setTimeout as sleep } from 'node:timers/promises';
import { boundedTransaction, DeadlineExceeded } from '../../src/db/bounded-transaction';
import { withDeadline } from '../../src/db/work-deadline';
import { hashPassword } from '../../src/domain/passwords';
import { usernameOf } from '../../src/domain/phone';
import { insertCompleteProfile } from '../support/complete-profile';
import { startTestApp, type TestApp } from '../support/test-app';
import { UssdPhone, randomPhone, type Screen } from '../support/ussd-phone';

// Long enough for the setup hops (scrypt on a busy CI machine); the stalled hop waits this long.
const DEADLINE_MS = 1000;
const APOLOGY = 'Sorry, we could not complete your request.';
const PASSWORD = '482913';

let app: TestApp;
let passwordHash: string;
beforeAll(async () => {
  app = await startTestApp({ env: { HOP_DEADLINE_MS: String(DEADLINE_MS) } });
  passwordHash = await hashPassword(PASSWORD);
});
afterAll(() => app.close());

/** An account with a complete profile, written directly (its journeys have their own tests). */
async function applicant(): Promise<{ phone: UssdPhone; accountId: number }> {
  const phone = new UssdPhone(app.url, randomPhone());
  const [row] = (await app
    .db('accounts')
    .insert({
      phone: phone.phoneNumber,
      username: usernameOf(phone.phoneNumber),
      password_hash: passwordHash,
    })
    .returning('id')) as { id: number }[];
  const accountId = (row as { id: number }).id;
  await insertCompleteProfile(app.db, accountId, phone.phoneNumber);
  return { phone, accountId };
}

async function logIn(phone: UssdPhone, option: string): Promise<Screen> {
  await phone.dialFresh();
  await phone.choose(option);
  return phone.send(PASSWORD);
}

/** Runs `hop` while another connection holds what `lock` takes; releases it once the hop has answered. */
async function whileStalled(lock: (trx: Knex.Transaction) => Promise<unknown>, hop: () => Promise<Screen>) {
  const holder = await app.db.transaction();
  try {
    await lock(holder);
    const screen = await hop();
    expect(screen.kind).toBe('END');
    expect(screen.text).toContain(APOLOGY);
  } finally {
    await holder.rollback();
  }
  // Long enough for a blocked statement to go through and commit, had it been left waiting.
  await sleep(500);
}

const queuedSms = async (phone: string) =>
  app.db('outbound_sms').where({ to_phone: phone }).select('template');

test('create account: the hop answers the apology; when Postgres wakes no account exists and no SMS is queued', async () => {
  const phone = new UssdPhone(app.url, randomPhone());
  await phone.dial();
  await phone.choose('Create account');
  expect(phone.last.text).toContain('Create a CP2 account');
  await whileStalled(
    (trx) => trx.raw('lock table accounts in access exclusive mode'),
    () => phone.choose('Confirm'),
  );
  expect(await app.db('accounts').where({ phone: phone.phoneNumber }).first()).toBeUndefined();
  expect(await queuedSms(phone.phoneNumber)).toEqual([]);
  // Operators see it as a missed deadline, not as a failure of the service.
  const metrics = await (await fetch(`${app.url}/metrics`)).text();
  expect(metrics).toMatch(/^ussd_hops_total\{journey="engine",outcome="timeout"\} 1$/m);
  expect(metrics).not.toMatch(/^ussd_hops_total\{[^}]*outcome="error"\}/m);

  // Dialling again, the user is offered a new account, not a password reset (which would cost one of three).
  await phone.dialFresh();
  await phone.choose('Create account');
  expect((await phone.choose('Confirm')).text).toContain('Your account is ready');
  expect(await queuedSms(phone.phoneNumber)).toEqual([{ template: 'sms.credentials' }]);
});

test('change password: the hop answers the apology; the old password still works and no SMS is queued', async () => {
  const { phone, accountId } = await applicant();
  await logIn(phone, 'Change password'); // the login's password is the current one: not asked again
  await phone.send('583920');
  expect(phone.last.text).toContain('Enter the new password again');
  const before = await app
    .db('accounts')
    .where({ id: accountId })
    .first('password_hash', 'password_changed_at');
  await whileStalled(
    (trx) => trx('accounts').where({ id: accountId }).forUpdate().first(),
    () => phone.send('583920'),
  );
  const account = await app
    .db('accounts')
    .where({ id: accountId })
    .first('password_hash', 'password_changed_at');
  expect(account).toEqual(before);
  expect(account.password_hash).toBe(passwordHash);
  expect(await queuedSms(phone.phoneNumber)).toEqual([]);
});

test('apply: the hop answers the apology; no application is made and no SMS is queued', async () => {
  const { phone, accountId } = await applicant();
  await logIn(phone, 'Apply for a job');
  // The first of each list (a list with one choice is taken for the user), then the first vacancy.
  while (!phone.last.text.includes('Vacancies (positions available):')) await phone.send('1');
  await phone.send('1');
  await whileStalled(
    // Reads go on; the apply's row lock on the vacancy waits.
    (trx) => trx.raw('lock table vacancies in exclusive mode'),
    () => phone.choose('Confirm and submit'),
  );
  expect(await app.db('applications').where({ account_id: accountId })).toEqual([]);
  expect(await queuedSms(phone.phoneNumber)).toEqual([]);
});

test('withdraw: the hop answers the apology; the application is still submitted and no SMS is queued', async () => {
  const { phone, accountId } = await applicant();
  const vacancy = (await app.db('vacancies').where({ status: 'open' }).first('id', 'exam', 'activity')) as {
    id: number;
    exam: string;
    activity: string;
  };
  const [row] = (await app
    .db('applications')
    .insert({ account_id: accountId, vacancy_id: vacancy.id, exam: vacancy.exam, activity: vacancy.activity })
    .returning('id')) as { id: number }[];
  const applicationId = (row as { id: number }).id;
  await logIn(phone, 'My applications');
  await phone.choose('Withdraw application');
  await phone.send('1');
  await phone.chooseOnAnyPage('Withdraw application');
  expect(phone.last.text).toContain('Yes, withdraw it');
  await whileStalled(
    (trx) => trx('applications').where({ id: applicationId }).forUpdate().first(),
    () => phone.choose('Yes, withdraw it'),
  );
  expect(await app.db('applications').where({ id: applicationId }).first('status')).toEqual({
    status: 'submitted',
  });
  expect(await app.db('application_events').where({ application_id: applicationId })).toEqual([]);
  expect(await queuedSms(phone.phoneNumber)).toEqual([]);

  // Withdrawn in time, it is confirmed by SMS as well (the truth, should the screen be lost).
  await logIn(phone, 'My applications');
  await phone.choose('Withdraw application');
  await phone.send('1');
  await phone.chooseOnAnyPage('Withdraw application');
  expect((await phone.choose('Yes, withdraw it')).text).toContain('Your application has been withdrawn');
  expect(await queuedSms(phone.phoneNumber)).toEqual([{ template: 'sms.applicationWithdrawn' }]);
});

test('work that finishes after its deadline is rolled back instead of committed', async () => {
  const phone = randomPhone();
  const late = withDeadline(Date.now() + 200, () =>
    boundedTransaction(app.db, async (trx) => {
      await trx('phone_preferences').insert({ phone, language: 'sw' });
      await sleep(250); // the hop's own work (scrypt, rendering) overran: no statement was cancelled
    }),
  );
  await expect(late).rejects.toBeInstanceOf(DeadlineExceeded);
  expect(await app.db('phone_preferences').where({ phone }).first()).toBeUndefined();
});
