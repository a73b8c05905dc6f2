// Incoming SMS to the short code. AT resends every minute until it gets 200, for up to 12 hours: each
// message is recorded by its AT id (unique) in the same transaction that acts on it and queues the reply,
// so an id is processed exactly once, also when two copies arrive at the same moment.
import type { Logger } from 'pino';
import { z } from 'zod';
import { atField, badFields, userText } from '../webhook-fields';
import type { Db } from '../../db/knex';
import { accountSummary, createAccounts, type AccountDeps } from '../../domain/accounts';
import { createApplications } from '../../domain/vacancies';
import { enqueueSms, type SmsTemplate } from '../../domain/outbox';
import { maskPhone, normalisePhone } from '../../domain/phone';
import { LIMITED_REPLIED, LIMITED_SILENT, limitedReplyDue } from '../../domain/reset-limit-replies';
import { formatEatDate } from '../../domain/time';
import type { Metrics } from '../../metrics';
import { translate } from '../../domain/copy';
import type { Lang } from '../../../menus/screen';
import { matchKeyword, type KeywordMatch } from '../../domain/sms-keywords';
import { applicationsSuffix } from './status-reply';

const inboundSchema = z.object({
  id: atField(128).min(1),
  from: atField(32).min(1),
  to: atField(32).default(''),
  // Any length and content is accepted from the user; what is kept is cleaned and cut to size.
  text: userText(),
  date: atField(64).optional(),
  linkId: atField(128).optional(),
  networkCode: atField(16).optional(),
});

export type InboundReply = { status: number; body: string };

type Outcome =
  | 'password_sent'
  | typeof LIMITED_REPLIED
  | typeof LIMITED_SILENT
  | 'no_account'
  | 'help'
  | 'status'
  | 'invalid_sender';

export async function receiveInboundSms(
  body: unknown,
  deps: { db: Db; accounts: AccountDeps; metrics: Metrics; log: Logger },
): Promise<InboundReply> {
  const parsed = inboundSchema.safeParse(body);
  if (!parsed.success) {
    deps.log.warn({ fields: badFields(parsed.error) }, 'malformed inbound SMS');
    return { status: 400, body: 'Bad request' };
  }
  const msg = parsed.data;
  const phone = normalisePhone(msg.from);
  const match = matchKeyword(msg.text);
  const processed = await deps.db.transaction(async (trx) => {
    const inserted = await trx('inbound_sms')
      .insert({
        provider_id: msg.id,
        from_phone: phone ?? msg.from.slice(0, 32),
        to_code: msg.to,
        text: msg.text.slice(0, 480),
        link_id: msg.linkId ?? null,
        network_code: msg.networkCode ?? null,
        sent_at: sentAt(msg.date),
      })
      .onConflict('provider_id')
      .ignore()
      .returning('id');
    if (inserted.length === 0) return undefined;
    const outcome: Outcome = phone ? await respond(trx, phone, match, deps.accounts) : 'invalid_sender';
    await trx('inbound_sms')
      .where({ provider_id: msg.id })
      .update({ keyword: match?.keyword ?? null, outcome });
    return outcome;
  });
  const log = deps.log.child({ smsId: msg.id, phone: phone ? maskPhone(phone) : 'invalid' });
  if (processed === undefined) {
    deps.metrics.smsInbound.inc({ keyword: 'duplicate' });
    log.info('inbound SMS already processed; acknowledged');
  } else {
    deps.metrics.smsInbound.inc({ keyword: match?.keyword ?? 'other' });
    log.info({ keyword: match?.keyword ?? 'other', outcome: processed }, 'inbound SMS processed');
  }
  return { status: 200, body: 'OK' };
}

/**
 * AT's `date`, when it is one: a date Postgres cannot hold (year -271821 parses in JavaScript) would fail
 * the insert, so anything outside 2000–2100 is kept as unknown.
 */
function sentAt(date: string | undefined): Date | null {
  const at = date ? new Date(date) : undefined;
  if (!at || Number.isNaN(at.getTime())) return null;
  const year = at.getUTCFullYear();
  return year >= 2000 && year <= 2100 ? at : null;
}

async function respond(
  trx: Db,
  phone: string,
  match: KeywordMatch | undefined,
  accountDeps: AccountDeps,
): Promise<Outcome> {
  const saved = (await trx('phone_preferences').where({ phone }).first('language')) as
    { language: Lang | null } | undefined;
  const lang: Lang = saved?.language ?? match?.lang ?? 'en';
  const codes = { code: accountDeps.ussdCode, sms: accountDeps.smsCode };
  const reply = (template: SmsTemplate, params: Record<string, string> = {}) =>
    enqueueSms(trx, { to: phone, template, lang, params: { ...codes, ...params } });

  if (match?.keyword === 'PASSWORD') {
    const result = await createAccounts(trx, accountDeps).resetPassword(phone, 'sms', lang);
    if (result.status === 'sent') return 'password_sent';
    if (result.status === 'limited') {
      const now = accountDeps.now?.() ?? new Date();
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
    const recent = await createApplications(trx, accountDeps).recentForSms(summary.accountId, lang);
    const base = translate(lang, 'sms.status', { ...params, applications: '' });
    const applications = applicationsSuffix(lang, base, recent, accountDeps.ussdCode);
    await reply('sms.status', { ...params, applications });
    return 'status';
  }
  await reply('sms.help');
  return 'help';
}
