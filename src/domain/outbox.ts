// The outbound SMS outbox. A message is written in the same transaction as the change that caused it
// (an account and its credentials commit together or not at all); the relay in channels/sms sends it.
import type { Lang } from '../../menus/screen';
import type { Db } from '../db/knex';

/** Params that must not outlive the send: removed once a message is sent or given up. */
export const SECRET_PARAMS = ['password'] as const;

export type OutboundSms = {
  id: number;
  to_phone: string;
  template: string;
  language: Lang;
  params: Record<string, string | number>;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  provider_message_id: string | null;
  delivery_status: string | null;
};

export type NewSms = {
  to: string;
  /** A copy key in menus/copy, e.g. `sms.credentials`. */
  template: string;
  lang: Lang;
  params?: Record<string, string | number>;
};

/** Queues an SMS inside the caller's transaction. */
export async function enqueueSms(trx: Db, sms: NewSms): Promise<number> {
  const [row] = await trx('outbound_sms')
    .insert({ to_phone: sms.to, template: sms.template, language: sms.lang, params: sms.params ?? {} })
    .returning('id');
  return (row as { id: number }).id;
}

/** The language a phone chose, for messages sent to it. */
export async function languageOf(db: Db, phone: string): Promise<Lang> {
  const row = await db('phone_preferences').where({ phone }).first('language');
  return row?.language === 'sw' ? 'sw' : 'en';
}

const FINAL_DELIVERY = new Set(['Success', 'Failed', 'Rejected', 'Expired']);
const redactSecrets = `params - '{${SECRET_PARAMS.join(',')}}'::text[]`;

export function createOutboxStore(db: Db) {
  return {
    /**
     * Claims due messages for sending, and messages whose claimer died (visibility timeout passed).
     * SKIP LOCKED lets several relays run at once without claiming the same message.
     */
    async claimDue(limit: number, visibilityMs: number): Promise<OutboundSms[]> {
      const { rows } = await db.raw<{ rows: OutboundSms[] }>(
        `with due as (
           select id from outbound_sms
            where (status = 'pending' and next_attempt_at <= now())
               or (status = 'sending' and claimed_until <= now())
            order by id
            limit ?
            for update skip locked
         )
         update outbound_sms o
            set status = 'sending', attempts = o.attempts + 1, updated_at = now(),
                claimed_until = now() + (? * interval '1 millisecond')
           from due where o.id = due.id
         returning o.*`,
        [limit, visibilityMs],
      );
      return rows;
    },

    async markSent(id: number, providerMessageId: string | undefined, providerStatus: string): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('outbound_sms')
          .where({ id })
          .update({
            status: 'sent',
            provider_message_id: providerMessageId ?? null,
            provider_status: providerStatus,
            sent_at: trx.fn.now(),
            claimed_until: null,
            last_error: null,
            updated_at: trx.fn.now(),
            params: trx.raw(redactSecrets),
          });
        if (providerMessageId) await applyPendingReports(trx, providerMessageId);
      });
    },

    async markRetry(id: number, error: string, nextAttemptAt: Date): Promise<void> {
      await db('outbound_sms')
        .where({ id })
        .update({
          status: 'pending',
          last_error: error.slice(0, 500),
          next_attempt_at: nextAttemptAt,
          claimed_until: null,
          updated_at: db.fn.now(),
        });
    },

    async markFailed(id: number, error: string, providerStatus?: string): Promise<void> {
      await db('outbound_sms')
        .where({ id })
        .update({
          status: 'failed',
          last_error: error.slice(0, 500),
          provider_status: providerStatus ?? null,
          claimed_until: null,
          updated_at: db.fn.now(),
          params: db.raw(redactSecrets),
        });
    },

    /**
     * Applies an AT delivery report. A report for an id we do not know yet (it can arrive before the
     * send result is stored) is kept and applied when the id is stored. Returns whether a message matched.
     */
    async recordDeliveryReport(report: {
      providerMessageId: string;
      status: string;
      failureReason?: string;
      payload: Record<string, unknown>;
    }): Promise<boolean> {
      return db.transaction(async (trx) => {
        const applied = await applyReport(trx, report.providerMessageId, report.status, report.failureReason);
        await trx('sms_delivery_reports').insert({
          provider_message_id: report.providerMessageId,
          status: report.status,
          failure_reason: report.failureReason ?? null,
          payload: report.payload,
          applied,
        });
        return applied;
      });
    },

    async depth(): Promise<{ due: number; oldestDueSeconds: number }> {
      const row = await db('outbound_sms')
        .whereIn('status', ['pending', 'sending'])
        .first(
          db.raw('count(*)::int as due'),
          db.raw('extract(epoch from now() - min(created_at))::float as oldest'),
        );
      return { due: Number(row?.due ?? 0), oldestDueSeconds: Number(row?.oldest ?? 0) };
    },
  };
}

/** Updates the message's delivery status; a final status is never replaced by an intermediate one. */
async function applyReport(db: Db, providerMessageId: string, status: string, failureReason?: string) {
  const final = FINAL_DELIVERY.has(status);
  const updated = await db('outbound_sms')
    .where({ provider_message_id: providerMessageId })
    .modify((q) => {
      if (!final)
        q.where((w) => w.whereNull('delivery_status').orWhereNotIn('delivery_status', [...FINAL_DELIVERY]));
    })
    .update({
      delivery_status: status,
      failure_reason: failureReason ?? null,
      delivered_at: status === 'Success' ? db.fn.now() : null,
      updated_at: db.fn.now(),
    });
  if (updated > 0) return true;
  return (
    (await db('outbound_sms').where({ provider_message_id: providerMessageId }).first('id')) !== undefined
  );
}

async function applyPendingReports(db: Db, providerMessageId: string): Promise<void> {
  const reports = await db('sms_delivery_reports')
    .where({ provider_message_id: providerMessageId, applied: false })
    .orderBy('id');
  for (const r of reports as { id: number; status: string; failure_reason: string | null }[]) {
    await applyReport(db, providerMessageId, r.status, r.failure_reason ?? undefined);
    await db('sms_delivery_reports').where({ id: r.id }).update({ applied: true });
  }
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
