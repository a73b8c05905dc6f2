// AT delivery reports. Every well-formed report is answered 200, also a repeat and one for a message we do
// not know (yet): AT would otherwise resend it, and it may arrive before the send result is stored.
import type { Logger } from 'pino';
import { z } from 'zod';
import { atCount, atField, badFields } from '../webhook-fields';
import type { DeliveryReports } from '../../domain/delivery-reports';

const reportSchema = z.object({
  id: atField(64).min(1),
  status: atField(16).min(1),
  phoneNumber: atField(32).optional(),
  networkCode: atField(16).optional(),
  failureReason: atField(64).optional(),
  retryCount: atCount(1_000_000).optional(),
});

export async function receiveDeliveryReport(
  body: unknown,
  deps: { reports: DeliveryReports; log: Logger },
): Promise<{ status: number; body: string }> {
  const parsed = reportSchema.safeParse(body);
  if (!parsed.success) {
    deps.log.warn({ fields: badFields(parsed.error) }, 'malformed delivery report');
    return { status: 400, body: 'Bad request' };
  }
  const r = parsed.data;
  const outcome = await deps.reports.record({
    providerMessageId: r.id,
    status: r.status,
    failureReason: r.failureReason,
    payload: { ...r, phoneNumber: undefined },
  });
  const log = deps.log.child({ providerMessageId: r.id, status: r.status, failureReason: r.failureReason });
  if (outcome === 'applied') log.info('delivery report applied');
  else if (outcome === 'duplicate') log.info('delivery report already stored; acknowledged');
  else if (outcome === 'pending') log.warn('delivery report for a message we do not know (yet); kept');
  else log.warn('delivery report with a status AT does not document; kept, not applied');
  return { status: 200, body: 'OK' };
}
