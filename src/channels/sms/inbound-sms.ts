// AT's incoming-SMS webhook: parse the form, normalise the sender, hand the message to the domain
// (src/domain/inbound-sms.ts: recorded once by AT id, answered by keyword, reply queued), answer 200 once
// that has committed. A repeated id is answered 200 and not acted on again.
import type { Logger } from 'pino';
import { z } from 'zod';
import { atField, badFields, userText } from '../webhook-fields';
import type { InboundSmsService } from '../../domain/inbound-sms';
import { maskPhone, normalisePhone } from '../../domain/phone';
import type { Metrics } from '../../metrics';

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

export async function receiveInboundSms(
  body: unknown,
  deps: { inbound: InboundSmsService; metrics: Metrics; log: Logger },
): Promise<InboundReply> {
  const parsed = inboundSchema.safeParse(body);
  if (!parsed.success) {
    deps.log.warn({ fields: badFields(parsed.error) }, 'malformed inbound SMS');
    return { status: 400, body: 'Bad request' };
  }
  const msg = parsed.data;
  const phone = normalisePhone(msg.from);
  const result = await deps.inbound.receive({
    providerId: msg.id,
    from: msg.from,
    phone,
    to: msg.to,
    text: msg.text,
    linkId: msg.linkId,
    networkCode: msg.networkCode,
    sentAt: sentAt(msg.date),
  });
  const log = deps.log.child({ smsId: msg.id, phone: phone ? maskPhone(phone) : 'invalid' });
  if (result.kind === 'duplicate') {
    deps.metrics.smsInbound.inc({ keyword: 'duplicate' });
    log.info('inbound SMS already processed; acknowledged');
  } else {
    const keyword = result.keyword ?? 'other';
    deps.metrics.smsInbound.inc({ keyword });
    log.info({ keyword, outcome: result.outcome }, 'inbound SMS processed');
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
