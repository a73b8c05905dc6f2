// Attendance (issue 12, docs/duties.md): the rules a teacher and an operator would notice, through SMS to
// 22262 and the admin API: codes one per station and day; only on the duty's days, only for an approved
// duty at that station; one check-in and one check-out a day (50 concurrent check-ins make one row); 3
// wrong codes lock check-in for 30 minutes (time moved, not waited); every answer says what was recorded
// and when; the operator's list and the streamed export, with formulas neutralised.
import { formatEatTime } from '../../src/domain/time';
import { textShortCode, waitForSms } from '../support/sms';
import { startTestApp, type TestApp } from '../support/test-app';
import { seedVacancies, type Fixture } from '../vacancies/fixtures';
import { DAY, TOKEN, adminCall, shownDay, teacherWithDuty, today } from './support';

let app: TestApp;
let fx: Fixture;
beforeAll(async () => {
  app = await startTestApp({ env: { ADMIN_TOKENS: `ops:${TOKEN}` } });
  fx = await seedVacancies(app.db);
});
afterAll(() => app.close());
beforeEach(() => {
  // Mid-morning in Nairobi, whatever the wall clock says: no test runs across midnight.
  const day = new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 10);
  app.clock.offsetMs = new Date(`${day}T10:00:00+03:00`).getTime() - Date.now();
});

const admin = (path: string, init?: Parameters<typeof adminCall>[2]) => adminCall(app, path, init);
const code = async (station: string, date: string) =>
  (await admin(`/attendance-codes?duty_station=${station}&date=${date}`)).body.code as string;

/** Texts the short code and returns the reply (the `n`th SMS the phone got). */
async function sms(phone: string, text: string, n: number): Promise<string> {
  expect(await textShortCode(app.url, phone, text)).toBe(200);
  const all = await waitForSms(app.url, phone, n);
  return all[n - 1]?.text as string;
}

/** A code that is not `right` (and not any other station's today). */
const wrong = (right: string) => (right === '000000' ? '000001' : '000000');

test('a code is six digits, one per station and day, the same on every request; unknown stations and bad days refused', async () => {
  const d = today(app);
  const a = await code('S1', d);
  expect(a).toMatch(/^\d{6}$/);
  expect(await code('S1', d)).toBe(a);
  const next = await code('S1', today(app, 1));
  const other = await code('S2', d);
  // Different stations and days get codes of their own (equal only by a one-in-a-million chance each).
  expect(new Set([a, next, other]).size).toBeGreaterThanOrEqual(2);
  expect(await app.db('attendance_codes').count({ n: '*' }).first()).toEqual({ n: 3 });
  expect((await admin(`/attendance-codes?duty_station=NOPE&date=${d}`)).status).toBe(404);
  expect((await admin('/attendance-codes?duty_station=S1&date=2026-02-30')).status).toBe(400);
  expect((await admin('/attendance-codes?duty_station=S1')).status).toBe(400);
  const audit = await app.db('admin_audit').where({ action: 'attendance.code' }).select('actor');
  // Every code read is audited (four reads above; the unknown station read nothing).
  expect(audit.length).toBe(4);
  expect(audit[0]).toEqual({ actor: 'admin:ops' });
});

test('50 concurrent check-ins with the right code make one attendance row; every reply says when it was recorded', async () => {
  const d = today(app);
  const t = await teacherWithDuty(app.db, fx, { from: d, to: today(app, 1) });
  const c = await code('S1', d);
  const statuses = await Promise.all(
    Array.from({ length: 50 }, () => textShortCode(app.url, t.phone, `IN ${c}`)),
  );
  expect(statuses.every((s) => s === 200)).toBe(true);
  const rows = await app.db('attendance').where({ application_id: t.applicationId });
  expect(rows).toHaveLength(1);
  expect(await app.db('duty_events').where({ kind: 'attendance.in', actor: `sms:${t.phone}` })).toHaveLength(
    1,
  );
  const texts = (await waitForSms(app.url, t.phone, 50)).map((m) => m.text);
  const at = formatEatTime(rows[0].checked_in_at as Date);
  expect(
    texts.filter((x) => x === `CP2: checked in at Alpha School on ${shownDay(d)} at ${at}.`),
  ).toHaveLength(1);
  expect(
    texts.filter(
      (x) =>
        x ===
        `CP2: you already checked in at Alpha School on ${shownDay(d)} at ${at}. Nothing new was recorded.`,
    ),
  ).toHaveLength(49);
});

test('check-out only after a check-in, once a day; the operator sees both times', async () => {
  const d = today(app);
  const t = await teacherWithDuty(app.db, fx, { from: d, to: d });
  const c = await code('S1', d);
  expect(await sms(t.phone, `OUT ${c}`, 1)).toBe(
    `CP2: you have not checked in at Alpha School today (${shownDay(d)}), so nothing was recorded. SMS IN and the code first.`,
  );
  expect(await sms(t.phone, `IN ${c}`, 2)).toBe(
    `CP2: checked in at Alpha School on ${shownDay(d)} at 10:00.`,
  );
  app.clock.advance(7 * 3600_000 + 5 * 60_000);
  expect(await sms(t.phone, `out ${c}`, 3)).toBe(
    `CP2: checked out of Alpha School on ${shownDay(d)} at 17:05.`,
  );
  app.clock.advance(60_000);
  expect(await sms(t.phone, `OUT ${c}`, 4)).toBe(
    `CP2: you already checked out of Alpha School on ${shownDay(d)} at 17:05. Nothing new was recorded.`,
  );
  const list = await admin(`/attendance?duty_station=S1&date=${d}`);
  const mine = (list.body.attendance as Record<string, unknown>[]).find(
    (r) => r.application_id === t.applicationId,
  );
  expect(mine).toMatchObject({ phone: t.phone, full_name: 'Jane Wanjiku', position: 'Invigilator' });
  const worked =
    new Date(mine?.checked_out_at as string).getTime() - new Date(mine?.checked_in_at as string).getTime();
  // The clock moved 7 h 05; the wall clock ran on a little meanwhile.
  expect(worked).toBeGreaterThanOrEqual((7 * 60 + 5) * 60_000);
  expect(worked).toBeLessThan((7 * 60 + 6) * 60_000);
});

test('only on the duty days, only for an approved duty, only with that station code', async () => {
  const d = today(app);
  const noDuty =
    'CP2: you have no duty today, so nothing was recorded. Check-in is only on the days of an approved duty.';
  // Days not begun yet, and days past.
  const early = await teacherWithDuty(app.db, fx, {
    vacancy: 'inv2',
    from: today(app, 1),
    to: today(app, 2),
  });
  expect(await sms(early.phone, `IN ${await code('S2', d)}`, 1)).toBe(noDuty);
  // A submitted (not approved) application is not a duty.
  const pending = await teacherWithDuty(app.db, fx, { vacancy: 'sup1', status: 'submitted', from: d, to: d });
  expect(await sms(pending.phone, `IN ${await code('S1', d)}`, 1)).toBe(noDuty);
  // Another station's code is a wrong code for a duty at Alpha School.
  const t = await teacherWithDuty(app.db, fx, { from: d, to: d });
  const s1 = await code('S1', d);
  const s2 = await code('S2', d);
  if (s1 !== s2) {
    expect(await sms(t.phone, `IN ${s2}`, 1)).toBe(
      "CP2: wrong code, nothing was recorded. Attempts left: 2. Ask the centre manager for today's code.",
    );
  }
  expect(
    await app.db('attendance').whereIn('application_id', [early.applicationId, pending.applicationId]),
  ).toEqual([]);
  // Without a code: how to send one. Not a check-in: "In the morning" is the help reply, not a wrong code.
  expect(await sms(t.phone, 'IN', s1 !== s2 ? 2 : 1)).toBe(
    'CP2: to check in, SMS IN and the code the centre manager reads out, e.g. IN 123456. To check out, SMS OUT and the code.',
  );
  expect(await app.db('attendance_lockouts').where({ account_id: t.accountId }).first('failures')).toEqual({
    failures: s1 !== s2 ? 1 : 0,
  });
});

test('3 wrong codes lock check-in for 30 minutes, even with the right code; after them it works', async () => {
  const d = today(app);
  const t = await teacherWithDuty(app.db, fx, { from: d, to: d });
  const c = await code('S1', d);
  expect(await sms(t.phone, `IN ${wrong(c)}`, 1)).toContain('Attempts left: 2.');
  expect(await sms(t.phone, `IN ${wrong(c)}`, 2)).toContain('Attempts left: 1.');
  expect(await sms(t.phone, `IN ${wrong(c)}`, 3)).toBe(
    'CP2: check-in is locked after 3 wrong codes. Nothing was recorded. Try again after 10:30.',
  );
  app.clock.advance(29 * 60_000);
  expect(await sms(t.phone, `IN ${c}`, 4)).toBe(
    'CP2: check-in is locked after 3 wrong codes. Nothing was recorded. Try again after 10:30.',
  );
  expect(await app.db('attendance').where({ application_id: t.applicationId })).toEqual([]);
  app.clock.advance(2 * 60_000);
  expect(await sms(t.phone, `IN ${c}`, 5)).toBe(
    `CP2: checked in at Alpha School on ${shownDay(d)} at 10:31.`,
  );
});

test('in Kiswahili: NDANI and NJE, answered in Kiswahili', async () => {
  const d = today(app);
  const t = await teacherWithDuty(app.db, fx, { from: d, to: d, lang: 'sw' });
  const c = await code('S1', d);
  expect(await sms(t.phone, `ndani ${c}`, 1)).toBe(
    `CP2: umeripoti kuingia Alpha School tarehe ${shownDay(d)} saa 10:00.`,
  );
  app.clock.advance(6 * 3600_000);
  expect(await sms(t.phone, `NJE ${c}`, 2)).toBe(
    `CP2: umeripoti kutoka Alpha School tarehe ${shownDay(d)} saa 16:00.`,
  );
});

test('the attendance export is streamed CSV, filtered, with formulas in names neutralised', async () => {
  const d = today(app);
  const t = await teacherWithDuty(app.db, fx, { vacancy: 'marking', from: d, to: d });
  await app.db('profiles').where({ account_id: t.accountId }).update({ full_name: '=HYPERLINK("x")' });
  const c = await code('S3', d);
  await sms(t.phone, `IN ${c}`, 1);
  const res = await admin(`/exports/attendance.csv?duty_station=S3&date=${d}`);
  expect(res.status).toBe(200);
  const lines = res.text.trim().split('\n');
  expect(lines[0]).toBe(
    'application_id,day,duty_station,station_name,exam,activity,position,phone,full_name,checked_in_at,checked_out_at',
  );
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(
    `${t.applicationId},${d},S3,Charlie Marking Centre,KCSE,MK,Invigilator,${t.phone},`,
  );
  expect(lines[1]).toContain(`"'=HYPERLINK(""x"")"`);
  expect((await admin(`/exports/attendance.csv?date=${today(app, 1)}`)).text.trim().split('\n')).toHaveLength(
    1,
  );
  expect(await app.db('admin_audit').where({ action: 'export.attendance' })).toHaveLength(2);
});

test('a day later the same code no longer works: codes are per day', async () => {
  const d = today(app);
  const t = await teacherWithDuty(app.db, fx, { vacancy: 'kpsea', from: d, to: today(app, 1) });
  const c1 = await code('S2', d);
  app.clock.advance(DAY);
  const c2 = await code('S2', today(app));
  if (c1 === c2) return; // one in a million
  expect(await sms(t.phone, `IN ${c1}`, 1)).toContain('CP2: wrong code, nothing was recorded.');
  expect(await sms(t.phone, `IN ${c2}`, 2)).toBe(
    `CP2: checked in at Bravo School on ${shownDay(today(app))} at 10:00.`,
  );
});
