// The outbound SMS outbox. A message is written in the same transaction as the change that caused it
// (an account and its credentials commit together or not at all); the relay in channels/sms sends it.
import type { CopyKey } from './copy';
import type { Lang } from './language';
import type { Db } from '../db/knex';
import { applyPendingReports, lockProviderId } from './delivery-reports';
import { createPreferences } from './preferences';

/**
 * Params that must not outlive the send: removed once a message is sent or given up (a password; the
 * M-Pesa number a payment went to, encrypted at rest in the profile).
 */
export const SECRET_PARAMS = ['password', 'mpesa'] as const;

export type SmsStatus = 'pending' | 'sending' | 'sent' | 'failed';
/** Still to be sent: waiting for its turn or being sent (the queue's depth). */
export const IN_FLIGHT: readonly SmsStatus[] = ['pending', 'sending'];
/** Done with: sent, or given up after its attempts (what retention may purge). */
export const FINISHED: readonly SmsStatus[] = ['sent', 'failed'];

export type OutboundSms = {
  id: number;
  to_phone: string;
  template: string;
  language: Lang;
  params: Record<string, string | number>;
  status: SmsStatus;
  attempts: number;
  provider_message_id: string | null;
  delivery_status: string | null;
};

/** An SMS template: a copy key of the `sms.` family (a typo does not compile). */
export type SmsTemplate = Extract<CopyKey, `sms.${string}`>;

export type NewSms = {
  to: string;
  /** e.g. `sms.credentials` (src/domain/copy). */
  template: SmsTemplate;
  lang: Lang;
  params?: Record<string, string | number>;
};

/** Queues an SMS inside the caller's transaction. */
export async function enqueueSms(trx: Db, sms: NewSms): Promise<number> {
  const [row] = (await trx('outbound_sms')
    .insert({ to_phone: sms.to, template: sms.template, language: sms.lang, params: sms.params ?? {} })
    .returning('id')) as { id: number }[];
  return (row as { id: number }).id;
}

/** The language a phone chose, for messages sent to it: English when it never chose one. */
export async function languageOf(db: Db, phone: string): Promise<Lang> {
  return (await createPreferences(db).savedLanguage(phone)) ?? 'en';
}

const redactSecrets = `params - '{${SECRET_PARAMS.join(',')}}'::text[]`;

export function createOutboxStore(db: Db) {
  return {
    /**
     * Claims the next message to send: first one whose claimer died (its visibility timeout passed), so
     * a crash does not leave it behind a backlog, then the next due one. One at a time: a claimed message
     * is in flight until its result is stored, and a crash re-sends all of those.
     */
    async claimNext(visibilityMs: number): Promise<OutboundSms | undefined> {
      return (await claim(db, 'expired', visibilityMs, 1))[0] ?? (await claim(db, 'due', visibilityMs, 1))[0];
    },

    /**
     * Claims up to `limit` messages at once, in the same order as claimNext (expired claims first): for a
     * relay with `limit` free send slots, so that every message claimed is sent at once (a claimed
     * message waiting for a slot would be one more re-sent by a crash, and could outlive its claim).
     */
    async claimUpTo(limit: number, visibilityMs: number): Promise<OutboundSms[]> {
      const expired = await claim(db, 'expired', visibilityMs, limit);
      if (expired.length >= limit) return expired;
      return [...expired, ...(await claim(db, 'due', visibilityMs, limit - expired.length))];
    },

    /**
     * The mark* updates are fenced by the claim (`attempts` as claimed, status `sending`): a relay whose
     * claim expired and was taken over must not overwrite the newer claim's result. Each returns whether
     * its claim was still current.
     */
    async markSent(
      claim: Claim,
      providerMessageId: string | undefined,
      providerStatus: string,
    ): Promise<boolean> {
      return db.transaction(async (trx) => {
        // Serialises with a delivery report for the same id arriving at this moment (see delivery-reports.ts).
        if (providerMessageId) await lockProviderId(trx, providerMessageId);
        const updated = await trx('outbound_sms')
          .where({ id: claim.id, attempts: claim.attempts, status: 'sending' })
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
        if (updated > 0 && providerMessageId) await applyPendingReports(trx, providerMessageId);
        return updated > 0;
      });
    },

    async markRetry(claim: Claim, error: string, nextAttemptAt: Date): Promise<boolean> {
      const updated = await fenced(db, claim).update({
        status: 'pending',
        last_error: error.slice(0, 500),
        next_attempt_at: nextAttemptAt,
        claimed_until: null,
        updated_at: db.fn.now(),
      });
      return updated > 0;
    },

    async markFailed(claim: Claim, error: string, providerStatus?: string): Promise<boolean> {
      const updated = await fenced(db, claim).update({
        status: 'failed',
        last_error: error.slice(0, 500),
        provider_status: providerStatus ?? null,
        claimed_until: null,
        updated_at: db.fn.now(),
        params: db.raw(redactSecrets),
      });
      return updated > 0;
    },

    async depth(): Promise<{ due: number; oldestDueSeconds: number }> {
      const row = (await db('outbound_sms')
        .whereIn('status', IN_FLIGHT)
        .first(
          db.raw('count(*)::int as due'),
          db.raw('extract(epoch from now() - min(created_at))::float as oldest'),
        )) as { due: number | null; oldest: number | null } | undefined;
      return { due: Number(row?.due ?? 0), oldestDueSeconds: Number(row?.oldest ?? 0) };
    },
  };
}

/**
 * Each kind reads its own partial index in its own order: one query with an OR of both, ordered by id,
 * scans every sent row of the season first (610 ms a claim over a million rows, against 0.1 ms).
 * SKIP LOCKED lets several relays claim at once without taking the same message.
 */
const CLAIMABLE = {
  expired: `status = 'sending' and claimed_until <= now() order by claimed_until`,
  due: `status = 'pending' and next_attempt_at <= now() order by next_attempt_at`,
} as const;

async function claim(
  db: Db,
  kind: keyof typeof CLAIMABLE,
  visibilityMs: number,
  limit: number,
): Promise<OutboundSms[]> {
  const { rows } = await db.raw<{ rows: OutboundSms[] }>(
    `with next as (select id from outbound_sms where ${CLAIMABLE[kind]} limit ? for update skip locked)
     update outbound_sms o
        set status = 'sending', attempts = o.attempts + 1, updated_at = now(),
            claimed_until = now() + (? * interval '1 millisecond')
       from next where o.id = next.id
     returning o.*`,
    [limit, visibilityMs],
  );
  return rows;
}

/** A claimed message as the relay holds it: the id and the attempt number its claim set. */
export type Claim = { id: number; attempts: number };

function fenced(db: Db, claim: Claim) {
  return db('outbound_sms').where({ id: claim.id, attempts: claim.attempts, status: 'sending' });
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
