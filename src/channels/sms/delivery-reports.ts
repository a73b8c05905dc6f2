// AT delivery reports. A report for a message we do not know (yet) is kept and answered 200: AT would
// otherwise resend it, and it may have arrived before the send result was stored.
import type { Logger } from 'pino';
import { z } from 'zod';
import { webhookField } from './webhook-fields';
import type { Db } from '../../db/knex';
import { createOutboxStore } from '../../domain/outbox';

const reportSchema = z.object({
  id: webhookField(64).min(1),
  status: webhookField(16).min(1),
  phoneNumber: webhookField(32).optional(),
  networkCode: webhookField(16).optional(),
  failureReason: webhookField(64).optional(),
  retryCount: z.coerce.number().int().nonnegative().optional(),
});

export async function receiveDeliveryReport(
  body: unknown,
  deps: { db: Db; log: Logger },
): Promise<{ status: number; body: string }> {
  const parsed = reportSchema.safeParse(body);
  if (!parsed.success) {
    deps.log.warn({ fields: parsed.error.issues.map((i) => i.path.join('.')) }, 'malformed delivery report');
    return { status: 400, body: 'Bad request' };
  }
  const r = parsed.data;
  const matched = await createOutboxStore(deps.db).recordDeliveryReport({
    providerMessageId: r.id,
    status: r.status,
    failureReason: r.failureReason,
    payload: { ...r, phoneNumber: undefined },
  });
  const log = deps.log.child({ providerMessageId: r.id, status: r.status, failureReason: r.failureReason });
  if (matched) log.info('delivery report applied');
  else log.warn('delivery report for a message we do not know (yet); kept');
  return { status: 200, body: 'OK' };
}
