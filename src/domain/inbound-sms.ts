// Incoming SMS to the short code (docs/sms.md, decisions/0006): AT resends a message every minute until it
// gets 200, for up to 12 hours. Each message is recorded by its AT id (unique) in the same transaction
// that acts on it and queues the reply, so an id is acted on exactly once, also when two copies arrive at
// the same moment (the second waits on the unique index, then inserts nothing).
import type { Db } from '../db/knex';
import { accountSummary, createAccounts, type AccountDeps } from './accounts';
import { translate } from './copy';
import type { Lang } from './language';
import { enqueueSms, type SmsTemplate } from './outbox';
import { createPreferences } from './preferences';
import { LIMITED_REPLIED, LIMITED_SILENT, limitedReplyDue } from './reset-limit-replies';
import { matchKeyword, type Keyword, type KeywordMatch } from './sms-keywords';
import { applicationsSuffix, smsListSuffix } from './sms-status';
import { formatEatDate, systemClock, type Clock } from './time';
import { markIn } from './attendance';
import { claimsOfAccount } from './claims';
import { kes, type MarkResult } from './duty-types';
import { askIn } from './queries';
import { createApplications } from './applications';
import type { FieldCipher } from './personal-data/field-cipher';
import { ownCopyParams } from './personal-data/own-copy';

/** The text kept of a message: enough for any keyword and a look at what people send. */
export const INBOUND_TEXT_KEPT = 480;

/** A message as the channel read it from AT's webhook. */
export type InboundSms = {
  /** AT's message id: a message is acted on once per id. */
  providerId: string;
  /** The sender as AT wrote it (kept when it is not a Kenyan mobile). */
  from: string;
  /** The sender in E.164, when it is a Kenyan mobile; otherwise the message is recorded, not answered. */
  phone: string | undefined;
  /** The short code texted. */
  to: string;
  text: string;
  linkId?: string;
  networkCode?: string;
  /** When AT received it, if AT said so in a date Postgres can hold. */
  sentAt: Date | null;
};

/** What was done with a message, kept in `inbound_sms.outcome`. */
export type InboundOutcome =
  | 'password_sent'
  | typeof LIMITED_REPLIED
  | typeof LIMITED_SILENT
  | 'no_account'
  | 'help'
  | 'status'
  | 'privacy'
  | 'my_data'
  | 'attendance'
  | 'attendance_refused'
  | 'attendance_usage'
  | 'payments'
  | 'query'
  | 'query_refused'
  | 'invalid_sender';

export type InboundResult =
  /** This id was recorded before: nothing was done again. */
  | { kind: 'duplicate' }
  /** `keyword` is undefined for anything that is not a keyword (it gets the HELP reply). */
  | { kind: 'processed'; keyword: Keyword | undefined; outcome: InboundOutcome };

/**
 * What answering needs: the codes named in replies, the data key for MY DATA, and the clock that says
 * which day it is for attendance and claims.
 */
export type InboundDeps = AccountDeps & { cipher: FieldCipher; clock?: Clock };

export function createInboundSms(db: Db, deps: InboundDeps) {
  return {
    /** Records the message once by its AT id and, the first time only, answers it. */
    async receive(msg: InboundSms): Promise<InboundResult> {
      const match = matchKeyword(msg.text);
      return db.transaction(async (trx): Promise<InboundResult> => {
        const inserted = await trx('inbound_sms')
          .insert({
            provider_id: msg.providerId,
            from_phone: msg.phone ?? msg.from.slice(0, 32),
            to_code: msg.to,
            text: msg.text.slice(0, INBOUND_TEXT_KEPT),
            link_id: msg.linkId ?? null,
            network_code: msg.networkCode ?? null,
            sent_at: msg.sentAt,
          })
          .onConflict('provider_id')
          .ignore()
          .returning('id');
        if (inserted.length === 0) return { kind: 'duplicate' };
        const outcome = msg.phone ? await answer(trx, msg.phone, match, deps) : 'invalid_sender';
        await trx('inbound_sms')
          .where({ provider_id: msg.providerId })
          .update({ keyword: match?.keyword ?? null, outcome });
        return { kind: 'processed', keyword: match?.keyword, outcome };
      });
    },
  };
}

export type InboundSmsService = ReturnType<typeof createInboundSms>;

/**
 * The reply to a keyword, queued in the caller's transaction, in the phone's saved language, else the
 * keyword's. PASSWORD issues a new password (its SMS is queued by the reset); over the reset limit the
 * "limited" reply goes at most once a day (reset-limit-replies.ts). STATUS sums up the account and its
 * most recent applications in one segment. Anything else gets HELP.
 */
async function answer(
  trx: Db,
  phone: string,
  match: KeywordMatch | undefined,
  deps: InboundDeps,
): Promise<InboundOutcome> {
  const lang: Lang = (await createPreferences(trx).savedLanguage(phone)) ?? match?.lang ?? 'en';
  const codes = { code: deps.ussdCode, sms: deps.smsCode };
  const reply = (template: SmsTemplate, params: Record<string, string> = {}) =>
    enqueueSms(trx, { to: phone, template, lang, params: { ...codes, ...params } });

  if (match?.keyword === 'PASSWORD') {
    const result = await createAccounts(trx, deps).resetPassword(phone, 'sms', lang);
    if (result.status === 'sent') return 'password_sent';
    if (result.status === 'limited') {
      const now = deps.now?.() ?? new Date();
      if (!(await limitedReplyDue(trx, phone, now))) return LIMITED_SILENT;
      await reply('sms.resetLimited', { time: result.retryAt });
      return LIMITED_REPLIED;
    }
    await reply('sms.noAccount');
    return 'no_account';
  }
  if (match?.keyword === 'STATUS') {
    const summary = await accountSummary(trx, phone);
    if (!summary) {
      await reply('sms.noAccount');
      return 'no_account';
    }
    const params = {
      ...codes,
      username: summary.username,
      date: formatEatDate(summary.registeredOn),
      profile:
        summary.missingSections.length === 0
          ? translate(lang, 'sms.profileComplete')
          : translate(lang, 'sms.profileMissing', {
              sections: summary.missingSections.map((s) => translate(lang, `section.${s}`)).join(', '),
            }),
    };
    const recent = await createApplications(trx, deps).recentForSms(summary.accountId, lang);
    const base = translate(lang, 'sms.status', { ...params, applications: '' });
    const applications = applicationsSuffix(lang, base, recent, deps.ussdCode);
    await reply('sms.status', { ...params, applications });
    return 'status';
  }
  if (match?.keyword === 'PRIVACY') {
    await reply('sms.privacy');
    return 'privacy';
  }
  if (match?.keyword === 'MYDATA') {
    const params = await ownCopyParams(trx, deps.cipher, phone, lang);
    if (!params) {
      await reply('sms.noAccount');
      return 'no_account';
    }
    await reply('sms.myData', params);
    return 'my_data';
  }
  if (
    match?.keyword === 'CHECKIN' ||
    match?.keyword === 'CHECKOUT' ||
    match?.keyword === 'PAY' ||
    match?.keyword === 'QUERY'
  ) {
    const account = (await trx('accounts').where({ phone }).whereNull('erased_at').first('id')) as
      { id: number } | undefined;
    if (!account) {
      await reply('sms.noAccount');
      return 'no_account';
    }
    const at = (deps.clock ?? systemClock)();
    if (match.keyword === 'PAY') {
      const claims = await paymentsSuffix(trx, account.id, at, lang, deps.ussdCode);
      if (claims === undefined) await reply('sms.paymentsNone');
      else await reply('sms.payments', { claims });
      return 'payments';
    }
    if (match.keyword === 'QUERY') {
      const r = await askIn(
        trx,
        { accountId: account.id, phone, topic: 'other', text: match.arg ?? '', via: 'sms' },
        at,
      );
      if (r.status === 'sent') return 'query';
      // Too long: its own reply; empty or too short (QUERY_MIN): how to send one.
      await reply(r.status === 'tooLong' ? 'sms.queryTooLong' : 'sms.queryUsage');
      return 'query_refused';
    }
    const code = match.arg ?? '';
    if (!/^\d{6}$/.test(code)) {
      await reply('sms.attendanceUsage');
      return 'attendance_usage';
    }
    const kind = match.keyword === 'CHECKIN' ? 'in' : 'out';
    const r = await markIn(trx, { accountId: account.id, phone, kind, code, via: 'sms' }, at);
    // A mark recorded queued its own confirmation (attendance.ts); every other answer is a reply here.
    if (r.status === 'recorded') return 'attendance';
    const refusal = attendanceReply(r);
    if (refusal) await reply(refusal.template, refusal.params);
    return 'attendance_refused';
  }
  await reply('sms.help');
  return 'help';
}

/** The reply to a check-in or check-out that recorded nothing new: what is recorded, or why not. */
function attendanceReply(
  r: MarkResult,
): { template: SmsTemplate; params: Record<string, string> } | undefined {
  switch (r.status) {
    case 'already':
      return {
        template: r.kind === 'in' ? 'sms.attendanceAlreadyIn' : 'sms.attendanceAlreadyOut',
        params: { station: r.station, date: r.day, time: r.at },
      };
    case 'notCheckedIn':
      return { template: 'sms.attendanceNotIn', params: { station: r.station, date: r.day } };
    case 'noDutyToday':
      return { template: 'sms.attendanceNoDuty', params: {} };
    case 'wrongCode':
      return { template: 'sms.attendanceWrongCode', params: { left: String(r.left) } };
    case 'locked':
      return { template: 'sms.attendanceLocked', params: { time: r.until } };
    default:
      return undefined;
  }
}

/** The PAY reply's claims: the most recent whole entries that fit one segment, then how many more. */
async function paymentsSuffix(
  trx: Db,
  accountId: number,
  at: Date,
  lang: Lang,
  code: string,
): Promise<string | undefined> {
  const { claims, total } = await claimsOfAccount(trx, accountId, at, lang, { limit: 5 });
  if (total === 0) return undefined;
  // Each claim as My payments lists it (the copy's payments.item), so both channels read the same.
  const entries = claims.map((c) =>
    translate(lang, {
      key: 'payments.item',
      params: {
        exam: c.exam,
        position: c.position,
        amount: kes(c.amount),
        status: { key: `claims.status.${c.status}` },
      },
    }),
  );
  const base = translate(lang, 'sms.payments', { claims: '' });
  return smsListSuffix(lang, base, { entries, total }, code);
}
