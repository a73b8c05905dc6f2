// AT delivery reports (docs/sms.md): which statuses we know and what each does to a message, stored once
// per (AT id, status), applied to the message with that AT id, or kept until that id is stored.
import type { Db } from '../db/knex';

/**
 * AT's documented delivery statuses, as stored in `outbound_sms.delivery_status`. A final status ends the
 * message's delivery story: nothing replaces it. Any other status is kept for inspection, never applied.
 */
export const AT_DELIVERY_STATUSES = {
  Sent: { final: false, delivered: false },
  Submitted: { final: false, delivered: false },
  Buffered: { final: false, delivered: false },
  Rejected: { final: true, delivered: false },
  Success: { final: true, delivered: true },
  Failed: { final: true, delivered: false },
  AbsentSubscriber: { final: true, delivered: false },
  Expired: { final: true, delivered: false },
} as const satisfies Record<string, { final: boolean; delivered: boolean }>;

export type AtDeliveryStatus = keyof typeof AT_DELIVERY_STATUSES;

const KNOWN = Object.keys(AT_DELIVERY_STATUSES) as AtDeliveryStatus[];
const FINAL = KNOWN.filter((s) => AT_DELIVERY_STATUSES[s].final);

export function isKnownStatus(status: string): status is AtDeliveryStatus {
  return Object.hasOwn(AT_DELIVERY_STATUSES, status);
}

export type DeliveryReport = {
  providerMessageId: string;
  status: string;
  failureReason?: string;
  payload: Record<string, unknown>;
};

/**
 * - `applied`: the message with that id was found (its status moved, unless it already had a final one);
 * - `pending`: no message has that id yet; applied when it is stored (markSent);
 * - `duplicate`: this (id, status) was stored before; nothing changes;
 * - `unknown_status`: not one of AT's statuses; stored for inspection, never applied.
 */
export type ReportOutcome = 'applied' | 'pending' | 'duplicate' | 'unknown_status';

/** Stores a delivery report once per (AT id, status) and applies it when its status is known. */
export async function recordDeliveryReport(db: Db, report: DeliveryReport): Promise<ReportOutcome> {
  return db.transaction(async (trx) => {
    await lockProviderId(trx, report.providerMessageId);
    const inserted = await trx('sms_delivery_reports')
      .insert({
        provider_message_id: report.providerMessageId,
        status: report.status,
        failure_reason: report.failureReason ?? null,
        payload: report.payload,
        applied: false,
      })
      .onConflict(['provider_message_id', 'status'])
      .ignore()
      .returning('id');
    const row = inserted[0] as { id: number } | undefined;
    if (!row) return 'duplicate';
    if (!isKnownStatus(report.status)) return 'unknown_status';
    const matched = await applyReport(trx, report.providerMessageId, report.status, report.failureReason);
    if (!matched) return 'pending';
    await trx('sms_delivery_reports').where({ id: row.id }).update({ applied: true });
    return 'applied';
  });
}

/** The delivery reports as the channel sees them: one call per report AT posts. */
export function createDeliveryReports(db: Db) {
  return {
    record: (report: DeliveryReport): Promise<ReportOutcome> => recordDeliveryReport(db, report),
  };
}

export type DeliveryReports = ReturnType<typeof createDeliveryReports>;

/**
 * A report and the send result for the same AT id can arrive together; neither transaction would see the
 * other's row, and the report would stay unapplied. A transaction-scoped advisory lock orders them.
 */
export async function lockProviderId(trx: Db, providerMessageId: string): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`sms:${providerMessageId}`]);
}

/** Applies the reports that arrived before the message's AT id was stored, in arrival order. */
export async function applyPendingReports(db: Db, providerMessageId: string): Promise<void> {
  const reports = await db('sms_delivery_reports')
    .where({ provider_message_id: providerMessageId, applied: false })
    .whereIn('status', KNOWN)
    .orderBy('id');
  for (const r of reports as { id: number; status: AtDeliveryStatus; failure_reason: string | null }[]) {
    await applyReport(db, providerMessageId, r.status, r.failure_reason ?? undefined);
    await db('sms_delivery_reports').where({ id: r.id }).update({ applied: true });
  }
}

/**
 * Moves the message's delivery status unless it already has a final one (reports arrive out of order, and
 * a final one is what happened). Returns whether a message has that id.
 */
async function applyReport(
  db: Db,
  providerMessageId: string,
  status: AtDeliveryStatus,
  failureReason?: string,
): Promise<boolean> {
  const updated = await db('outbound_sms')
    .where({ provider_message_id: providerMessageId })
    .andWhere((w) => void w.whereNull('delivery_status').orWhereNotIn('delivery_status', FINAL))
    .update({
      delivery_status: status,
      failure_reason: failureReason ?? null,
      delivered_at: AT_DELIVERY_STATUSES[status].delivered ? db.fn.now() : null,
      updated_at: db.fn.now(),
    });
  if (updated > 0) return true;
  return (
    (await db('outbound_sms').where({ provider_message_id: providerMessageId }).first('id')) !== undefined
  );
}
