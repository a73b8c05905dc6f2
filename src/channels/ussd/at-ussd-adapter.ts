// Africa's Talking USSD webhook: validate the form, normalise the phone, run the hop, answer CON/END.
import type { Logger } from 'pino';
import { z } from 'zod';
import { maskPhone, normalisePhone } from '../../domain/phone';
import type { UssdEngine } from '../../engine/engine';
import type { Metrics } from '../../metrics';

const hopSchema = z.object({
  sessionId: z.string().trim().min(1).max(128),
  serviceCode: z.string().max(64).default(''),
  phoneNumber: z.string().min(1).max(32),
  networkCode: z.string().max(16).optional(),
  // Optional: some operators send no `text` on the first hop.
  text: z.string().max(2000).default(''),
});

export type UssdReply = { status: number; body: string };

export async function answerUssd(
  body: unknown,
  deps: { engine: UssdEngine; metrics: Metrics; log: Logger },
): Promise<UssdReply> {
  const parsed = hopSchema.safeParse(body);
  // The issue paths name the bad fields; zod does not echo their values (`text` may hold a password).
  if (!parsed.success) {
    deps.log.warn({ fields: parsed.error.issues.map((i) => i.path.join('.')) }, 'malformed USSD hop');
    return { status: 400, body: 'END Bad request' };
  }
  const phone = normalisePhone(parsed.data.phoneNumber);
  if (!phone) {
    deps.log.warn('USSD hop with a phone number that is not a Kenyan mobile');
    return { status: 400, body: 'END Bad request' };
  }
  const hop = { ...parsed.data, phoneNumber: phone };
  const stop = deps.metrics.ussdHopSeconds.startTimer();
  const result = await deps.engine.handleHop(hop, deps.log);
  stop({ outcome: result.outcome });
  deps.metrics.ussdHops.inc({ outcome: result.outcome });
  deps.log.info(
    {
      sessionId: hop.sessionId,
      phone: maskPhone(phone),
      textLength: hop.text.length,
      screen: result.screenId,
      outcome: result.outcome,
    },
    'ussd hop',
  );
  return { status: 200, body: `${result.kind} ${result.text}` };
}

const eventSchema = z
  .object({
    sessionId: z.string().min(1).max(128),
    status: z.string().max(64).optional(),
    hopsCount: z.coerce.number().int().nonnegative().optional(),
    durationInMillis: z.coerce.number().int().nonnegative().optional(),
    errorMessage: z.string().max(500).optional(),
  })
  .passthrough();

/** AT's end-of-session notification. Its `input` field is the user's last entry: never logged. */
export function acceptSessionEvent(body: unknown, log: Logger): UssdReply {
  const parsed = eventSchema.safeParse(body);
  if (!parsed.success) return { status: 400, body: 'Bad request' };
  const { sessionId, status, hopsCount, durationInMillis, errorMessage } = parsed.data;
  log.info({ sessionId, status, hopsCount, durationInMillis, errorMessage }, 'ussd session ended');
  return { status: 200, body: 'OK' };
}
