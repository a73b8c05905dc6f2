// Africa's Talking USSD webhook: validate the form, normalise the phone, run the hop, answer CON/END.
import type { Logger } from 'pino';
import { z } from 'zod';
import { atCount, atField, badFields, userText } from '../webhook-fields';
import { maskPhone, normalisePhone } from '../../domain/phone';
import { translate } from '../../domain/copy';
import type { SessionEnds } from '../../domain/session-analytics';
import type { UssdEngine } from '../../engine/engine';
import { journeyOfScreen, type Metrics } from '../../metrics';

const hopSchema = z.object({
  sessionId: atField(128).min(1),
  serviceCode: atField(64).default(''),
  phoneNumber: atField(32).min(1),
  networkCode: atField(16).optional(),
  // Optional: some operators send no `text` on the first hop. Longer than any real session's input.
  text: userText(2000),
});

export type UssdReply = { status: number; body: string };

const NOT_KENYAN = `${translate('en', 'engine.notKenyan')}\n${translate('sw', 'engine.notKenyan')}`;

export async function answerUssd(
  body: unknown,
  deps: { engine: UssdEngine; metrics: Metrics; log: Logger },
  /** When the request arrived (epoch ms): the hop's deadline counts from then. */
  receivedAt?: number,
): Promise<UssdReply> {
  const parsed = hopSchema.safeParse(body);
  // The issue paths name the bad fields; zod does not echo their values (`text` may hold a password).
  if (!parsed.success) {
    deps.log.warn({ fields: badFields(parsed.error) }, 'malformed USSD hop');
    return { status: 400, body: 'END Bad request' };
  }
  const phone = normalisePhone(parsed.data.phoneNumber);
  if (!phone) {
    // A roaming or foreign caller reached the code: AT shows nothing useful for a 400, so the caller
    // gets a polite END in both languages (their language is not known).
    deps.log.warn('USSD hop with a phone number that is not a Kenyan mobile');
    return { status: 200, body: `END ${NOT_KENYAN}` };
  }
  const hop = { ...parsed.data, phoneNumber: phone };
  const stop = deps.metrics.ussdHopSeconds.startTimer();
  const result = await deps.engine.handleHop(hop, deps.log, receivedAt);
  const journey = journeyOfScreen(result.screenId);
  stop({ outcome: result.outcome });
  deps.metrics.ussdHops.inc({ journey, outcome: result.outcome });
  // Nothing derived from `text` (not even its length: it gives a password's away): the screen id says
  // where the user is.
  deps.log.info(
    { sessionId: hop.sessionId, phone: maskPhone(phone), screen: result.screenId, outcome: result.outcome },
    'ussd hop',
  );
  return { status: 200, body: `${result.kind} ${result.text}` };
}

// Only the fields we keep are read: `input` (the user's last entry) and `lastAppResponse` are dropped by
// the schema, so they are never stored nor logged.
const eventSchema = z.object({
  sessionId: atField(128).min(1),
  status: atField(64).optional(),
  phoneNumber: atField(32).optional(),
  hopsCount: atCount(1_000_000).optional(),
  durationInMillis: atCount(2_000_000_000).optional(),
  errorMessage: atField(500).optional(),
});

/**
 * AT's end-of-session notification: stored with the screens the engine showed that session (read from
 * its session record; when that has expired, what AT sent with no last screen).
 */
export async function acceptSessionEvent(
  body: unknown,
  deps: { engine: UssdEngine; sessionEnds?: SessionEnds; log: Logger },
): Promise<UssdReply> {
  const parsed = eventSchema.safeParse(body);
  if (!parsed.success) {
    deps.log.warn({ fields: badFields(parsed.error) }, 'malformed USSD event');
    return { status: 400, body: 'Bad request' };
  }
  const { sessionId, status, hopsCount, durationInMillis, errorMessage, phoneNumber } = parsed.data;
  const trail = await deps.engine.sessionTrail(sessionId);
  const phone = trail?.phone ?? (phoneNumber ? normalisePhone(phoneNumber) : undefined) ?? null;
  if (deps.sessionEnds) {
    await deps.sessionEnds.record({
      sessionId,
      phone,
      status: status ?? null,
      hops: hopsCount ?? null,
      durationMs: durationInMillis ?? null,
      lastScreen: trail?.lastScreen ?? null,
      screens: trail?.screens ?? [],
      errorMessage: errorMessage ?? null,
    });
  }
  deps.log.info(
    {
      sessionId,
      phone: phone ? maskPhone(phone) : undefined,
      status,
      hopsCount,
      durationInMillis,
      errorMessage,
      lastScreen: trail?.lastScreen,
    },
    'ussd session ended',
  );
  return { status: 200, body: 'OK' };
}
