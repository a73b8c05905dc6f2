// Erasing an account at the teacher's request (My profile → Delete my account) or an operator's
// (POST /admin/accounts/:id/erase). What identifies the person goes: the profile, the account's phone,
// username and password, the phone's language choice and reset history, its queued and sent SMS, the
// text of its inbound SMS and its phone on session analytics, the words of its queries and their answers,
// and the phone in the trails (an event's actor `ussd:+2547…` becomes `ussd:account:<id>`). What the
// council must keep for accountability stays, pointing at the account's id, which no longer says whose it
// was: decided and withdrawn applications and their events (a submitted one is withdrawn first),
// attendance, claims and payments, queries, duty events. docs/privacy.md.
// Nothing is erased while the council still owes the teacher for a duty (a claim not yet paid or
// rejected, or days attended whose claim is still to come): paying needs the M-Pesa number that erasure
// deletes, so the teacher is told to come back once paid (decisions/0020).
// An operator's erasure (actor `admin:<name>`) is audited in the same transaction: no erasure without
// its trail, and no trail of an erasure that rolled back.
import type { Knex } from 'knex';
import { boundedTransaction } from '../../db/bounded-transaction';
import type { Db } from '../../db/knex';
import { isOperator, pseudonymOf } from '../actors';
import { recordAdminAction } from '../admin-audit';
import { subjectSql } from '../duty-events';
import { dutiesWithStation, withdrawIn } from '../applications';
import { OWED } from '../claim-status';
import { awaitingClaimSql } from '../claims';
import { enqueueSms, languageOf } from '../outbox';

export type EraseResult =
  | { status: 'erased'; withdrawn: number }
  | { status: 'notFound' }
  /**
   * Not erased: the council still owes the teacher for a duty. `claims`: claims pending or approved (not
   * yet paid or rejected); `duties`: approved applications with a day attended whose claim is still to be
   * worked out (the duty is not over, or its position has no rate yet). Paying needs the profile's M-Pesa
   * number, which erasure deletes: the account can be erased once these are paid or rejected.
   */
  | { status: 'paymentDue'; claims: number[]; duties: number[] };

export type ErasureDeps = { ussdCode: string; smsCode: string; now?: () => Date };

export async function eraseAccountIn(
  trx: Knex.Transaction,
  accountId: number,
  actor: string,
  deps: ErasureDeps,
): Promise<EraseResult> {
  const at = (deps.now ?? (() => new Date()))();
  const account = (await trx('accounts')
    .where({ id: accountId })
    .whereNull('erased_at')
    .forUpdate()
    .first('id', 'phone')) as { id: number; phone: string } | undefined;
  if (!account) return { status: 'notFound' };
  const due = await paymentsDue(trx, accountId);
  if (due.claims.length > 0 || due.duties.length > 0) return { status: 'paymentDue', ...due };
  const { phone } = account;
  const lang = await languageOf(trx, phone);

  // An application not yet decided is withdrawn: nobody would be told of a decision on it.
  const withdrawn = await withdrawIn(trx, { accountId }, actor, at, 'account erased');
  await trx('profiles').where({ account_id: accountId }).del();
  await trx('accounts').where({ id: accountId }).update({
    phone: null,
    username: null,
    password_hash: null,
    failed_logins: 0,
    locked_until: null,
    erased_at: at,
    updated_at: at,
  });
  await trx('password_resets').where({ account_id: accountId }).del();
  await trx('phone_preferences').where({ phone }).del();
  // SMS queued or sent to the phone: their bodies name positions, stations and the username.
  await trx('outbound_sms').where({ to_phone: phone }).del();
  await trx('inbound_sms').where({ from_phone: phone }).update({ text: '', from_phone: 'erased' });
  await trx('ussd_sessions').where({ phone }).update({ phone: null });
  // What the teacher typed to the council may name anyone, and the answer was written to them: the queries
  // stay (topic, status, dates), their words go.
  await trx('queries').where({ account_id: accountId }).update({ text: '' });
  await trx('queries').where({ account_id: accountId }).whereNotNull('answer').update({ answer: '' });
  await trx('attendance_lockouts').where({ account_id: accountId }).del();
  await pseudonymiseActors(trx, accountId, phone);
  // The last message to that phone: said once, in the language it had chosen, with nothing identifying.
  await enqueueSms(trx, {
    to: phone,
    template: 'sms.accountErased',
    lang,
    params: { code: deps.ussdCode, sms: deps.smsCode },
  });
  // Who erased which account id, nothing more (the teacher's own erasure is not an operator's action).
  if (isOperator(actor)) {
    await recordAdminAction(trx, {
      actor,
      action: 'account.erase',
      target: `accounts:${accountId}`,
      details: { withdrawn },
    });
  }
  return { status: 'erased', withdrawn };
}

/** What the council still owes the account (EraseResult `paymentDue`), by claim and by duty. */
export async function paymentsDue(
  trx: Knex,
  accountId: number,
): Promise<{ claims: number[]; duties: number[] }> {
  const claims = (await trx('claims as c')
    .join('applications as ap', 'ap.id', 'c.application_id')
    .where('ap.account_id', accountId)
    .whereIn('c.status', OWED)
    .orderBy('c.id')
    .pluck('c.id')) as (number | string)[];
  const duties = (await dutiesWithStation(trx)
    .where('ap.account_id', accountId)
    .whereRaw(awaitingClaimSql('ap'))
    .orderBy('ap.id')
    .pluck('ap.id')) as (number | string)[];
  return { claims: claims.map(Number), duties: duties.map(Number) };
}

/**
 * The trails name who did what: a teacher's own steps were written as `ussd:+2547…`, `sms:+2547…` or
 * `ussd:2547…` (application events: submitted, withdrawn; duty events: attendance marks, queries asked).
 * They become `ussd:account:<id>` and `sms:account:<id>`: the channel and the pseudonymous account stay,
 * the phone goes. Found through the account's own applications, attendance, claims and queries (the
 * trails' indexes by application and by subject), so a phone that later belongs to someone else is never
 * touched on their records. Operators' names (`admin:<name>`) and `system` stay as they are.
 */
async function pseudonymiseActors(trx: Knex.Transaction, accountId: number, phone: string): Promise<void> {
  const digits = phone.replace(/^\+/, '');
  const pseudonym = pseudonymOf(accountId);
  const rewrite = trx.raw('replace(replace(actor, ?, ?), ?, ?)', [phone, pseudonym, digits, pseudonym]);
  await trx('application_events')
    .whereIn('application_id', trx('applications').select('id').where({ account_id: accountId }))
    .andWhereRaw('strpos(actor, ?) > 0', [digits])
    .update({ actor: rewrite });
  await trx('duty_events')
    .whereRaw(
      `subject in (
         select ${subjectSql('attendance', 't.id')} from attendance t join applications ap on ap.id = t.application_id
          where ap.account_id = ?
         union all
         select ${subjectSql('claim', 'c.id')} from claims c join applications ap on ap.id = c.application_id
          where ap.account_id = ?
         union all
         select ${subjectSql('query', 'q.id')} from queries q where q.account_id = ?)`,
      [accountId, accountId, accountId],
    )
    .andWhereRaw('strpos(actor, ?) > 0', [digits])
    .update({ actor: rewrite });
}

/** Erases in one transaction bounded by the hop's deadline when there is one (db/bounded-transaction.ts). */
export function eraseAccount(
  db: Db,
  accountId: number,
  actor: string,
  deps: ErasureDeps,
): Promise<EraseResult> {
  return boundedTransaction(db, (trx) => eraseAccountIn(trx, accountId, actor, deps));
}
