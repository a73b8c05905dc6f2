// Africa's Talking USSD webhook: validate the form, normalise the phone, run the hop, answer CON/END.
import type { Logger } from 'pino';
import { z } from 'zod';
import { maskPhone, normalisePhone } from '../../domain/phone';
import type { Db } from '../../db/knex';
import { recordSessionEnd } from '../../domain/session-analytics';
import type { UssdEngine } from '../../engine/engine';
import { journeyOfScreen, type Metrics } from '../../metrics';

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
  const journey = journeyOfScreen(result.screenId);
  stop({ outcome: result.outcome });
  deps.metrics.ussdHops.inc({ journey, outcome: result.outcome });
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

// Only the fields we keep are read: `input` (the user's last entry) and `lastAppResponse` are dropped by
// the schema, so they are never stored nor logged.
const eventSchema = z.object({
  sessionId: z.string().trim().min(1).max(128),
  status: z.string().max(64).optional(),
  phoneNumber: z.string().max(32).optional(),
  hopsCount: z.coerce.number().int().nonnegative().max(1_000_000).optional(),
  durationInMillis: z.coerce.number().int().nonnegative().max(2_000_000_000).optional(),
  errorMessage: z.string().max(500).optional(),
});

/**
 * AT's end-of-session notification: stored with the screens the engine showed that session (read from
 * its session record; when that has expired, what AT sent with no last screen).
 */
export async function acceptSessionEvent(
  body: unknown,
  deps: { engine: UssdEngine; db?: Db; log: Logger },
): Promise<UssdReply> {
  const parsed = eventSchema.safeParse(body);
  if (!parsed.success) {
    deps.log.warn({ fields: parsed.error.issues.map((i) => i.path.join('.')) }, 'malformed USSD event');
    return { status: 400, body: 'Bad request' };
  }
  const { sessionId, status, hopsCount, durationInMillis, errorMessage, phoneNumber } = parsed.data;
  const trail = await deps.engine.sessionTrail(sessionId);
  const phone = trail?.phone ?? (phoneNumber ? normalisePhone(phoneNumber) : undefined) ?? null;
  if (deps.db) {
    await recordSessionEnd(deps.db, {
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
