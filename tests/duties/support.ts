// Shared by the duty tests: an app with an operator token, teachers with an approved application (a duty)
// at Alpha School (station S1 of the vacancy fixtures), the admin API, and the day as the app's clock reads it.
import type { Db } from '../../src/db/knex';
import { eatDay, formatDay } from '../../src/domain/time';
import type { TestApp } from '../support/test-app';
import { applicant, type Fixture } from '../vacancies/fixtures';

export const TOKEN = 'ops-token-duty-rules-0123456789';
export const DAY = 24 * 3600_000;

export type Json = Record<string, unknown>;

export async function adminCall(
  app: TestApp,
  path: string,
  init: { method?: string; body?: unknown; csv?: string } = {},
): Promise<{ status: number; body: Json; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.csv !== undefined) headers['content-type'] = 'text/csv';
  const res = await fetch(`${app.url}/admin${path}`, {
    method: init.method ?? (init.body === undefined && init.csv === undefined ? 'GET' : 'POST'),
    headers,
    body: init.csv ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  let body: Json = {};
  try {
    body = JSON.parse(text) as Json;
  } catch {
    // a CSV export
  }
  return { status: res.status, body, text };
}

/** Today and the following days in Nairobi, as the app's clock reads them. */
export const today = (app: TestApp, plusDays = 0) =>
  eatDay(new Date(app.clock.now().getTime() + plusDays * DAY));
export const shownDay = formatDay;

let seq = 0;

/**
 * A teacher (a phone nobody else uses) with an application to `vacancy` in `status` (approved: a duty);
 * the vacancy's days set to `from`..`to`.
 */
export async function teacherWithDuty(
  db: Db,
  fx: Fixture,
  opts: { vacancy?: keyof Fixture['v']; status?: string; from: string; to: string; lang?: 'en' | 'sw' },
): Promise<{ phone: string; accountId: number; applicationId: number }> {
  seq += 1;
  const phone = `+2547${String(process.pid % 1000).padStart(3, '0')}${String(seq).padStart(5, '0')}`;
  const accountId = await applicant(db, phone, String(30_000_000 + (process.pid % 1000) * 1000 + seq));
  if (opts.lang === 'sw') await db('phone_preferences').insert({ phone, language: 'sw' });
  const vacancy = fx.v[opts.vacancy ?? 'inv1'];
  const v = (await db('vacancies').where({ id: vacancy }).first('exam', 'activity')) as {
    exam: string;
    activity: string;
  };
  const [row] = (await db('applications')
    .insert({ account_id: accountId, vacancy_id: vacancy, ...v, status: opts.status ?? 'approved' })
    .returning('id')) as { id: number }[];
  await db('vacancies').where({ id: vacancy }).update({ duty_starts_on: opts.from, duty_ends_on: opts.to });
  return { phone, accountId, applicationId: (row as { id: number }).id };
}
